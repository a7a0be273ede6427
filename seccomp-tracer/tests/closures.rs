//! The tracer on the real kernel, with closures in forked children.

use seccomp_compiler::Action;
use seccomp_runtime::{Policy, seccomp_policy};
use seccomp_tracer::{Ending, Mode, Options, Report, Syscall, trace_closure};
use std::time::Duration;

const NATIVE: u32 = seccomp_compiler::arch::AUDIT_ARCH_X86_64;

fn refusals(f: impl FnOnce()) -> Report {
    let options = Options::new(Mode::Refusals { keep_trap: false });
    trace_closure(f, &options, Some(Duration::from_secs(20))).expect("traced")
}

fn nr(name: &str) -> u64 {
    let table = seccomp_compiler::tables::syscalls::table(seccomp_compiler::Arch::X86_64);
    u64::from(table.number(name).unwrap())
}

static DROP_GETPID: Policy = seccomp_policy! {
    default allow;
    drop getpid;
    drop getppid => errno(EPERM);
    drop ptrace;
};

#[test]
fn refused_calls_are_recorded_and_run() {
    let report = refusals(|| {
        DROP_GETPID.apply().unwrap();
        // SAFETY: getpid/getppid take no arguments.
        let pid = unsafe { libc::getpid() };
        let ppid = unsafe { libc::getppid() };
        assert!(pid > 0 && ppid > 0, "both ran: {pid} {ppid}");
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    let getpid = &report.calls[&Syscall {
        arch: NATIVE,
        nr: nr("getpid"),
    }];
    assert_eq!(getpid.count, 1);
    assert_eq!(getpid.actions.get(&Action::KillProcess), Some(&1));
    let getppid = &report.calls[&Syscall {
        arch: NATIVE,
        nr: nr("getppid"),
    }];
    assert_eq!(getppid.actions.get(&Action::Errno(1)), Some(&1));
    assert_eq!(report.calls.len(), 2, "{report:?}");
    assert_eq!(report.installs.len(), 1, "{report:?}");
}
