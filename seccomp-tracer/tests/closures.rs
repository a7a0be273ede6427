//! The tracer on the real kernel, with closures in forked children: the
//! kernel decides what runs, and each test checks both what the report says
//! and that the refused calls really ran (or, where kept, really trapped).

use seccomp_compiler::Action;
use seccomp_compiler::tables::syscalls;
use seccomp_runtime::{Policy, SockFilter, seccomp_policy};
use seccomp_tracer::{Ending, Error, Mode, Options, Report, Syscall, trace_closure};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const X86_64: u32 = 0xc000_003e;
const I386: u32 = 0x4000_0003;

fn trace(mode: Mode, f: impl FnOnce()) -> Report {
    let options = Options::new(mode);
    trace_closure(f, &options, Some(Duration::from_secs(30))).expect("traced")
}

fn refusals(f: impl FnOnce()) -> Report {
    trace(Mode::Refusals { keep_trap: false }, f)
}

fn native(name: &str) -> Syscall {
    let nr = syscalls::table(seccomp_compiler::Arch::X86_64)
        .number(name)
        .unwrap();
    Syscall {
        arch: X86_64,
        nr: u64::from(nr),
    }
}

/// The actions a syscall was refused with, and how often.
fn actions(report: &Report, name: &str) -> Vec<(Action, u64)> {
    report
        .calls
        .get(&native(name))
        .map(|s| s.actions.iter().map(|(a, n)| (*a, *n)).collect())
        .unwrap_or_default()
}

fn names(report: &Report) -> Vec<&'static str> {
    let table = syscalls::table(seccomp_compiler::Arch::X86_64);
    report
        .calls
        .keys()
        .filter(|c| c.arch == X86_64)
        .filter_map(|c| table.name(u32::try_from(c.nr).ok()?))
        .collect()
}

fn getpid() -> i32 {
    // SAFETY: getpid(2) takes no arguments.
    unsafe { libc::getpid() }
}

static DROP_GETPID: Policy = seccomp_policy! {
    default allow;
    drop ptrace;
    drop getpid;
    drop getppid => errno(EPERM);
};

#[test]
fn refused_calls_are_recorded_and_run() {
    let report = refusals(|| {
        DROP_GETPID.apply().unwrap();
        // SAFETY: getppid(2) takes no arguments.
        let (pid, ppid) = (getpid(), unsafe { libc::getppid() });
        assert!(pid > 0 && ppid > 0, "both ran: {pid} {ppid}");
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "getpid"), [(Action::KillProcess, 1)]);
    assert_eq!(actions(&report, "getppid"), [(Action::Errno(1), 1)]);
    assert_eq!(names(&report), ["getpid", "getppid"], "{report:?}");
    assert_eq!(report.installs.len(), 1, "{report:?}");
    assert_eq!(report.installs[0].result, Ok(()));
}

#[test]
fn the_programs_memory_is_put_back() {
    let before: Vec<SockFilter> = DROP_GETPID.program().to_vec();
    let report = refusals(|| {
        DROP_GETPID.apply().unwrap();
        assert!(
            DROP_GETPID.program() == before.as_slice(),
            "rewritten in place"
        );
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert!(report.installs[0].rewritten > 0);
}

static KILL_UNAME: Policy = seccomp_policy! {
    default allow;
    drop ptrace;
    drop uname;
};
static ERRNO_UNAME: Policy = seccomp_policy! {
    default allow;
    drop ptrace;
    drop uname => errno(EACCES);
};

/// The kernel keeps the strictest verdict of all filters, not the newest.
#[test]
fn stacked_filters_give_the_strictest_action() {
    let report = refusals(|| {
        KILL_UNAME.apply().unwrap();
        ERRNO_UNAME.apply().unwrap();
        DROP_GETPID.apply().unwrap();
        // SAFETY: uname(2) writes into the struct.
        let mut name: libc::utsname = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::uname(&mut name) }, 0);
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "uname"), [(Action::KillProcess, 1)]);
    assert_eq!(report.installs.len(), 3);
}

/// Threads started before `apply` get the filter through TSYNC; threads
/// started after inherit it. Both are followed.
#[test]
fn threads_are_followed() {
    let report = refusals(|| {
        let early = std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            getpid()
        });
        DROP_GETPID.apply().unwrap();
        let late = std::thread::spawn(getpid);
        assert!(early.join().unwrap() > 0);
        assert!(late.join().unwrap() > 0);
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "getpid"), [(Action::KillProcess, 2)]);
    assert!(report.tasks.len() >= 3, "{report:?}");
}

/// `Command` spawns with vfork (glibc's posix_spawn, CLONE_VFORK), then
/// executes: the filter survives both, and the child is followed.
#[test]
fn children_and_exec_are_followed() {
    let report = refusals(|| {
        KILL_UNAME.apply().unwrap();
        let out = Command::new("uname").arg("-s").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "Linux\n");
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "uname"), [(Action::KillProcess, 1)]);
    assert_eq!(report.tasks.len(), 2, "{report:?}");
}

/// A hand-written program whose verdict is computed (`ret A`): the tracer
/// cannot tell from the instruction, so it replays the program.
#[test]
fn computed_returns_are_replayed() {
    const LD_NR: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
    const JEQ: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
    const LD_IMM: u16 = 0x00; // BPF_LD | BPF_IMM
    const RET_A: u16 = 0x16; // BPF_RET | BPF_A
    static PROGRAM: [SockFilter; 6] = [
        SockFilter::new(LD_NR, 0, 0, 0),
        SockFilter::new(JEQ, 0, 2, 39), // getpid
        SockFilter::new(LD_IMM, 0, 0, seccomp_runtime::SECCOMP_RET_ERRNO | 13),
        SockFilter::new(RET_A, 0, 0, 0),
        SockFilter::new(LD_IMM, 0, 0, seccomp_runtime::SECCOMP_RET_ALLOW),
        SockFilter::new(RET_A, 0, 0, 0),
    ];
    static COMPUTED: Policy = Policy::from_parts(
        &PROGRAM,
        &[
            seccomp_runtime::SECCOMP_RET_ERRNO,
            seccomp_runtime::SECCOMP_RET_ALLOW,
        ],
        &[],
    );
    let report = refusals(|| {
        COMPUTED.apply().unwrap();
        assert!(getpid() > 0);
        // SAFETY: getppid(2) takes no arguments.
        assert!(unsafe { libc::getppid() } > 0);
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "getpid"), [(Action::Errno(13), 1)]);
    assert_eq!(names(&report), ["getpid"], "only the refusal: {report:?}");
}

/// prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER), the older way to install.
#[test]
fn prctl_installs_are_caught() {
    let report = refusals(|| {
        let program = DROP_GETPID.program();
        let fprog = libc::sock_fprog {
            len: program.len() as u16,
            filter: program.as_ptr() as *mut libc::sock_filter,
        };
        // SAFETY: the kernel reads `fprog` and the program.
        unsafe {
            assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
            assert_eq!(
                libc::prctl(libc::PR_SET_SECCOMP, 2, &raw const fprog, 0, 0),
                0
            );
        }
        assert!(getpid() > 0);
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "getpid"), [(Action::KillProcess, 1)]);
    assert_eq!(report.installs[0].via, seccomp_tracer::Via::Prctl);
}

/// An i386 `int 0x80` from a 64-bit process: every policy of ours kills
/// it; under the tracer it runs, reported under its own ABI.
#[test]
fn calls_through_another_abi_are_recorded() {
    let report = refusals(|| {
        DROP_GETPID.apply().unwrap();
        let pid: i64;
        // SAFETY: i386 getpid (20) through int 0x80 reads and writes only eax.
        unsafe { std::arch::asm!("int 0x80", inlateout("rax") 20i64 => pid) };
        assert_eq!(pid, i64::from(getpid()));
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    let i386 = &report.calls[&Syscall { arch: I386, nr: 20 }];
    assert_eq!(
        i386.actions.get(&Action::KillProcess),
        Some(&1),
        "{report:?}"
    );
}

static TRAP_GETPID: Policy = seccomp_policy! {
    default allow;
    drop ptrace;
    drop getpid => trap;
};

static TRAPPED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigsys(_: libc::c_int) {
    TRAPPED.store(true, Ordering::SeqCst);
}

/// With `keep_trap`, a program that handles SIGSYS still gets it.
#[test]
fn kept_traps_reach_the_programs_handler() {
    let report = trace(Mode::Refusals { keep_trap: true }, || {
        // SAFETY: the handler only stores to an atomic.
        unsafe { libc::signal(libc::SIGSYS, on_sigsys as *const () as libc::sighandler_t) };
        TRAP_GETPID.apply().unwrap();
        getpid();
        assert!(TRAPPED.load(Ordering::SeqCst), "the handler ran");
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "getpid"), [(Action::Trap, 1)]);
    assert_eq!(report.calls[&native("getpid")].example, None);
    // Without it, the call runs and the handler never does.
    let report = refusals(|| {
        // SAFETY: as above.
        unsafe { libc::signal(libc::SIGSYS, on_sigsys as *const () as libc::sighandler_t) };
        TRAP_GETPID.apply().unwrap();
        assert!(getpid() > 0);
        assert!(!TRAPPED.load(Ordering::SeqCst), "the handler did not run");
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    assert_eq!(actions(&report, "getpid"), [(Action::Trap, 1)]);
}

/// AfterSandbox: what runs under the program's own filter, allowed or not.
#[test]
fn after_the_sandbox_everything_is_recorded_and_runs() {
    let report = trace(Mode::AfterSandbox, || {
        // SAFETY: getppid(2) takes no arguments.
        unsafe { libc::getppid() };
        DROP_GETPID.apply().unwrap();
        assert!(getpid() > 0);
        // SAFETY: as above.
        unsafe { libc::getuid() };
    });
    assert_eq!(report.status, Some(Ending::Exited(0)), "{report:?}");
    let names = names(&report);
    assert!(
        names.contains(&"getpid") && names.contains(&"getuid"),
        "{names:?}"
    );
    assert!(names.contains(&"exit_group"), "{names:?}");
    assert!(!names.contains(&"getppid"), "before the filter: {names:?}");
}

#[test]
fn a_closure_that_hangs_is_killed() {
    let options = Options::new(Mode::Refusals { keep_trap: false });
    let started = std::time::Instant::now();
    let result = trace_closure(
        || std::thread::sleep(Duration::from_secs(60)),
        &options,
        Some(Duration::from_millis(300)),
    );
    assert!(matches!(result, Err(Error::TimedOut { .. })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_panicking_closure_is_reported_by_its_status() {
    let report = refusals(|| panic!("on purpose"));
    assert_eq!(
        report.status,
        Some(Ending::Exited(seccomp_tracer::PANICKED))
    );
}
