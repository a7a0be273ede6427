//! The policy language's claims (docs/ARCHITECTURE.md section 3), shown on the real
//! kernel: each policy is compiled at run time, installed in a forked child
//! (`tests::kernel`), and real syscalls are made under it. Every verdict a
//! test expects from the kernel is first checked against the compiler's
//! reference evaluator, so each observation is also one about the model.
//!
//! Deny-list policies (`default allow`) say `drop ptrace;` because the
//! compiler refuses a policy that allows ptrace without saying so.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use std::ffi::CString;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use libc::{EACCES, ENOSPC, ENOSYS, ENOTBLK, EPERM};
use seccomp_compiler::Action;
use seccomp_runtime::{Policy, seccomp_policy};
use tests::kernel::{
    Call, TempDir, announce, buf, compile, errno_action, exec, expect, expect_allowed_or,
    expect_errno, expect_success, in_child, open_as, pipe, ptr, spawn_child, wait_with_deadline,
    write_fd, write_stderr,
};

/// The policy of the README's first example, as its text (for the reference
/// evaluator) and as the user writes it (the macro, installed below).
const README_POLICY: &str = "base @system-service; drop ptrace; keep write(fd == 1 | 2);";
/// `keep write(fd == 1 | 2)` leaves `writev` and the other writers free, of
/// which the macro warns (kernel_families.rs shows it on the kernel).
#[allow(deprecated)]
static README_EXAMPLE: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd == 1 | 2);
};

fn write_call(fd: u64, bytes: &'static [u8]) -> Call {
    Call::new(libc::SYS_write, &[fd, buf(bytes), bytes.len() as u64])
}

fn getppid_call() -> Call {
    Call::new(libc::SYS_getppid, &[])
}

/// getppid(2) ran and named the test process, which forked the child.
fn expect_parent(harness: u32, got: Result<u64, i32>) -> Result<(), String> {
    expect("getppid", got, Ok(u64::from(harness)))
}

// ---------------------------------------------------------------------------
// Actions

#[test]
fn drop_with_errno_refuses_exactly_that_syscall() {
    let p = compile("default allow; drop ptrace; drop mkdir => errno(EACCES);");
    let dir = TempDir::new("drop-errno");
    let path = dir.c_path("raw");
    let mkdir = Call::new(libc::SYS_mkdir, &[ptr(&path), 0o700]);
    let mkdirat = Call::new(
        libc::SYS_mkdirat,
        &[libc::AT_FDCWD as u64, ptr(&path), 0o700],
    );
    p.assert_verdict(&mkdir, errno_action(EACCES));
    p.assert_verdict(&mkdirat, Action::Allow);
    let through_libc = dir.path().join("libc");
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: mkdir and mkdirat read the NUL-terminated path.
        expect_errno("mkdir", unsafe { mkdir.run() }, EACCES)?;
        // glibc's mkdir(3) is the mkdir syscall on x86_64.
        match std::fs::create_dir(&through_libc) {
            Err(e) if e.raw_os_error() == Some(EACCES) => {}
            other => return Err(format!("std::fs::create_dir: {other:?}")),
        }
        // A name is that syscall only: mkdirat does the same job unrefused.
        // SAFETY: as above.
        expect("mkdirat", unsafe { mkdirat.run() }, Ok(0))
    });
    outcome.assert_ok();
    assert!(dir.path().join("raw").is_dir(), "mkdirat made it");
    assert!(!through_libc.exists());
}

#[test]
fn drop_without_action_kills_the_process_with_sigsys() {
    let p = compile("default allow; drop ptrace; drop getppid;");
    let call = getppid_call();
    p.assert_verdict(&call, Action::KillProcess);
    let outcome = in_child(|| {
        p.apply()?;
        announce("getppid");
        // SAFETY: getppid takes no arguments.
        let _ = unsafe { call.run() };
        Err("survived getppid".into())
    });
    outcome.assert_killed_calling("getppid");

    // Every thread dies, not only the caller: the main thread never gets
    // to report.
    let threaded = in_child(|| {
        p.apply()?;
        std::thread::spawn(move || {
            announce("getppid");
            // SAFETY: getppid takes no arguments.
            let _ = unsafe { call.run() };
        });
        std::thread::sleep(Duration::from_secs(10));
        Err("the main thread outlived kill_process".into())
    });
    threaded.assert_killed_calling("getppid");

    // Unlike `trap`, a SIGSYS handler cannot catch it.
    let handled = in_child(|| {
        install_sigsys_handler()?;
        p.apply()?;
        announce("getppid");
        // SAFETY: getppid takes no arguments.
        let _ = unsafe { call.run() };
        Err("survived getppid with a SIGSYS handler".into())
    });
    handled.assert_killed_calling("getppid");
}

#[test]
fn kill_thread_ends_only_the_calling_thread() {
    let p = compile("default allow; drop ptrace; drop getppid => kill_thread;");
    let call = getppid_call();
    p.assert_verdict(&call, Action::KillThread);

    // Alone, the thread is the process, and the process dies of SIGSYS.
    let alone = in_child(|| {
        p.apply()?;
        announce("getppid");
        // SAFETY: getppid takes no arguments.
        let _ = unsafe { call.run() };
        Err("survived getppid".into())
    });
    alone.assert_killed_calling("getppid");

    let shared = in_child(|| {
        p.apply()?;
        let thread = std::thread::spawn(move || {
            announce("getppid");
            // SAFETY: getppid takes no arguments.
            let _ = unsafe { call.run() };
            write_stderr("the thread survived\n");
        });
        wait_until_single_threaded()?;
        write_stderr("the main thread carries on\n");
        // Joining would look for a result the killed thread never stored.
        std::mem::forget(thread);
        Ok(())
    });
    shared.assert_ok();
    assert_eq!(
        shared.stderr,
        "calling getppid\nthe main thread carries on\n"
    );
}

/// Waits until this process has one thread left.
fn wait_until_single_threaded() -> Result<(), String> {
    let start = Instant::now();
    loop {
        let tasks = std::fs::read_dir("/proc/self/task")
            .map_err(|e| format!("/proc/self/task: {e}"))?
            .count();
        if tasks == 1 {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(20) {
            return Err(format!("still {tasks} threads"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What the SIGSYS handler saw; `TRAPS` counts deliveries.
static TRAPS: AtomicU32 = AtomicU32::new(0);
static TRAP_SIGNO: AtomicI32 = AtomicI32::new(0);
static TRAP_ERRNO: AtomicI32 = AtomicI32::new(0);
static TRAP_CODE: AtomicI32 = AtomicI32::new(0);
static TRAP_CALL_ADDR: AtomicU64 = AtomicU64::new(0);
static TRAP_SYSCALL: AtomicI32 = AtomicI32::new(0);
static TRAP_ARCH: AtomicU32 = AtomicU32::new(0);

/// `SYS_SECCOMP`, the si_code of a seccomp SIGSYS (asm-generic/siginfo.h).
const SYS_SECCOMP: i32 = 1;

extern "C" fn on_sigsys(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: an SA_SIGINFO handler gets a valid siginfo_t. For a seccomp
    // SIGSYS its union is `struct __sigsys` (include/uapi/asm-generic/
    // siginfo.h): on 64-bit, _call_addr at byte 16, _syscall at 24 and
    // _arch at 28, all naturally aligned. Only atomics are touched, which
    // is async-signal-safe.
    unsafe {
        let base = info.cast::<u8>();
        TRAP_SIGNO.store((*info).si_signo, Ordering::SeqCst);
        TRAP_ERRNO.store((*info).si_errno, Ordering::SeqCst);
        TRAP_CODE.store((*info).si_code, Ordering::SeqCst);
        TRAP_CALL_ADDR.store(base.add(16).cast::<u64>().read(), Ordering::SeqCst);
        TRAP_SYSCALL.store(base.add(24).cast::<i32>().read(), Ordering::SeqCst);
        TRAP_ARCH.store(base.add(28).cast::<u32>().read(), Ordering::SeqCst);
    }
    TRAPS.fetch_add(1, Ordering::SeqCst);
}

fn install_sigsys_handler() -> Result<(), String> {
    // SAFETY: a zeroed sigaction is valid (empty mask, no flags); the
    // handler has the SA_SIGINFO signature and only touches atomics.
    let ret = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigsys as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigaction(libc::SIGSYS, &action, std::ptr::null_mut())
    };
    if ret == 0 {
        Ok(())
    } else {
        Err(format!("sigaction: {}", std::io::Error::last_os_error()))
    }
}

/// mkdir(2) through a `syscall` instruction whose address it returns. The
/// return register is ignored: after a trap it is architecture-dependent
/// (seccomp(2)).
fn mkdir_at_known_address(path: &CString) -> u64 {
    let at: u64;
    // SAFETY: mkdir reads the NUL-terminated path; the kernel clobbers rcx
    // and r11; `lea` only computes the address of the local label.
    unsafe {
        std::arch::asm!(
            "lea {at}, [rip + 2f]",
            "2:",
            "syscall",
            at = out(reg) at,
            inlateout("rax") libc::SYS_mkdir as u64 => _,
            in("rdi") ptr(path),
            in("rsi") 0o700u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    at
}

#[test]
fn trap_delivers_a_sigsys_naming_the_syscall_and_resumes() {
    let p = compile("default allow; drop ptrace; drop mkdir => trap;");
    let dir = TempDir::new("trap");
    let path = dir.c_path("trapped");
    p.assert_verdict(
        &Call::new(libc::SYS_mkdir, &[ptr(&path), 0o700]),
        Action::Trap,
    );
    let outcome = in_child(|| {
        install_sigsys_handler()?;
        p.apply()?;
        let at = mkdir_at_known_address(&path);
        // The handler returned and we carry on after the syscall.
        let seen = (
            TRAPS.load(Ordering::SeqCst),
            TRAP_SIGNO.load(Ordering::SeqCst),
            TRAP_CODE.load(Ordering::SeqCst),
            TRAP_ERRNO.load(Ordering::SeqCst),
            TRAP_SYSCALL.load(Ordering::SeqCst),
            TRAP_ARCH.load(Ordering::SeqCst),
        );
        let want = (
            1,
            libc::SIGSYS,
            SYS_SECCOMP,
            // `trap` carries no data, and si_errno is SECCOMP_RET_DATA.
            0,
            // 83: fits.
            libc::SYS_mkdir as i32,
            tests::kernel::AUDIT_ARCH_X86_64,
        );
        if seen != want {
            return Err(format!(
                "(traps, si_signo, si_code, si_errno, si_syscall, si_arch): \
                 expected {want:?}, got {seen:?}"
            ));
        }
        // seccomp(2) says si_call_addr is "the address of the system call
        // instruction"; the kernel (KSTK_EIP) reports the address after it,
        // i.e. past the 2-byte `syscall`.
        let call_addr = TRAP_CALL_ADDR.load(Ordering::SeqCst);
        if call_addr != at + 2 {
            return Err(format!(
                "si_call_addr {call_addr:#x}, syscall instruction at {at:#x}"
            ));
        }
        Ok(())
    });
    outcome.assert_ok();
    assert!(!dir.path().join("trapped").exists(), "mkdir did not run");
}

#[test]
fn trap_without_a_handler_kills_with_sigsys() {
    let p = compile("default allow; drop ptrace; drop getppid => trap;");
    p.assert_verdict(&getppid_call(), Action::Trap);
    let outcome = in_child(|| {
        p.apply()?;
        announce("getppid");
        // SAFETY: getppid takes no arguments.
        let _ = unsafe { getppid_call().run() };
        Err("survived a trap without a handler".into())
    });
    outcome.assert_killed_calling("getppid");
}

#[test]
fn log_lets_the_syscall_run() {
    let p = compile("default allow; drop ptrace; drop getppid => log;");
    p.assert_verdict(&getppid_call(), Action::Log);
    let harness = std::process::id();
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: getppid takes no arguments.
        expect_parent(harness, unsafe { getppid_call().run() })
    });
    outcome.assert_ok();
}

#[test]
fn errno_zero_skips_the_syscall_and_reports_success() {
    let p = compile("default allow; drop ptrace; drop mkdir => errno(0);");
    let dir = TempDir::new("errno-zero");
    let path = dir.c_path("never");
    let mkdir = Call::new(libc::SYS_mkdir, &[ptr(&path), 0o700]);
    p.assert_verdict(&mkdir, Action::Errno(0));
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: mkdir reads the NUL-terminated path.
        expect("mkdir", unsafe { mkdir.run() }, Ok(0))
    });
    outcome.assert_ok();
    assert!(
        !dir.path().join("never").exists(),
        "mkdir reported success without running"
    );
}

#[test]
fn trace_without_a_tracer_is_enosys() {
    let p = compile("default allow; drop ptrace; drop getppid => trace(7);");
    p.assert_verdict(&getppid_call(), Action::Trace(7));
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: getppid takes no arguments.
        expect_errno("getppid", unsafe { getppid_call().run() }, ENOSYS)
    });
    outcome.assert_ok();
}

#[test]
fn trace_hands_its_data_to_the_tracer_and_the_syscall_runs() {
    let p = compile("default allow; drop ptrace; drop getppid => trace(1234);");
    let harness = std::process::id();
    let running = spawn_child(|| {
        // SAFETY: PTRACE_TRACEME and raise take no pointers; the stop lets
        // the parent set its options before the filter exists.
        unsafe {
            libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0);
            libc::raise(libc::SIGSTOP);
        }
        p.apply()?;
        // seccomp(2): after the tracer has seen it, the syscall runs (since
        // Linux 4.8 the filter is run again and `trace` then allows).
        // SAFETY: getppid takes no arguments.
        expect_parent(harness, unsafe { getppid_call().run() })
    });
    let pid = running.pid;
    let status = wait_with_deadline(pid);
    assert!(libc::WIFSTOPPED(status) && libc::WSTOPSIG(status) == libc::SIGSTOP);
    let options = libc::PTRACE_O_TRACESECCOMP | libc::PTRACE_O_EXITKILL;
    // SAFETY: ptrace requests on our stopped tracee, no pointers.
    unsafe {
        assert_eq!(libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, options), 0);
        assert_eq!(libc::ptrace(libc::PTRACE_CONT, pid, 0, 0), 0);
    }
    let mut messages = Vec::new();
    let status = loop {
        let status = wait_with_deadline(pid);
        if !libc::WIFSTOPPED(status) {
            break status;
        }
        let seccomp_stop = libc::SIGTRAP | (libc::PTRACE_EVENT_SECCOMP << 8);
        let mut deliver = 0;
        if status >> 8 == seccomp_stop {
            let mut message: libc::c_ulong = 0;
            // SAFETY: PTRACE_GETEVENTMSG writes one c_ulong to `message`.
            unsafe {
                libc::ptrace(libc::PTRACE_GETEVENTMSG, pid, 0, &mut message);
            }
            messages.push(message);
        } else {
            deliver = libc::WSTOPSIG(status);
        }
        // SAFETY: resumes our tracee, passing on any signal it stopped for.
        unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, deliver) };
    };
    let outcome = running.finish(status);
    outcome.assert_ok();
    assert_eq!(messages, [1234], "PTRACE_EVENT_SECCOMP messages");
}

#[test]
fn user_notif_without_a_listener_is_enosys() {
    // seccomp(2): without an attached supervisor (no
    // SECCOMP_FILTER_FLAG_NEW_LISTENER, which apply() never sets) "the
    // filter returns ENOSYS".
    let p = compile("default allow; drop ptrace; drop getppid => user_notif;");
    p.assert_verdict(&getppid_call(), Action::UserNotif);
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: getppid takes no arguments.
        expect_errno("getppid", unsafe { getppid_call().run() }, ENOSYS)
    });
    outcome.assert_ok();
}

// ---------------------------------------------------------------------------
// Statements

#[test]
fn default_allow_is_deny_list_mode() {
    let p = compile("default allow; drop ptrace; drop mkdir, rmdir => errno(EPERM);");
    let dir = TempDir::new("deny-list");
    let path = dir.c_path("d");
    let mkdir = Call::new(libc::SYS_mkdir, &[ptr(&path), 0o700]);
    let mincore = Call::new(libc::SYS_mincore, &[0, 0, 0]);
    p.assert_verdict(&mkdir, errno_action(EPERM));
    p.assert_verdict(&getppid_call(), Action::Allow);
    p.assert_verdict(&mincore, Action::Allow);
    let harness = std::process::id();
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: mkdir reads the path; mincore of length 0 touches nothing;
        // getppid takes no arguments.
        unsafe {
            expect_errno("mkdir", mkdir.run(), EPERM)?;
            expect_parent(harness, getppid_call().run())?;
            expect("mincore(0, 0)", mincore.run(), Ok(0))
        }
    });
    outcome.assert_ok();
}

#[test]
fn allow_list_refuses_unnamed_syscalls_with_the_deny_action() {
    // mincore is not in @system-service (nor is ptrace).
    let mincore = Call::new(libc::SYS_mincore, &[0, 0, 0]);

    let killing = compile("base @system-service;");
    killing.assert_verdict(&mincore, Action::KillProcess);
    killing.assert_verdict(&getppid_call(), Action::Allow);
    let harness = std::process::id();
    let outcome = in_child(|| {
        killing.apply()?;
        // SAFETY: getppid takes no arguments.
        expect_parent(harness, unsafe { getppid_call().run() })?;
        announce("mincore");
        // SAFETY: mincore of length 0 touches no memory.
        let _ = unsafe { mincore.run() };
        Err("survived mincore".into())
    });
    outcome.assert_killed_calling("mincore");

    let refusing = compile("deny errno(EPERM); base @system-service;");
    refusing.assert_verdict(&mincore, errno_action(EPERM));
    let outcome = in_child(|| {
        refusing.apply()?;
        // SAFETY: as above.
        expect_errno("mincore", unsafe { mincore.run() }, EPERM)
    });
    outcome.assert_ok();
}

#[test]
fn default_and_deny_are_separate_actions() {
    // Unnamed syscalls get `default`; a `keep` whose condition fails gets
    // `deny`.
    let p = compile(
        "deny errno(EPERM); default errno(ENOTBLK); \
         base @system-service; keep write(fd == 1 | 2);",
    );
    let mincore = Call::new(libc::SYS_mincore, &[0, 0, 0]);
    let to_3 = write_call(3, b"x");
    p.assert_verdict(&mincore, errno_action(ENOTBLK));
    p.assert_verdict(&to_3, errno_action(EPERM));
    let outcome = in_child(|| {
        open_as(3, c"/dev/null", libc::O_WRONLY)?;
        p.apply()?;
        // SAFETY: mincore of length 0 touches no memory; write reads its
        // static buffer.
        unsafe {
            expect_errno("mincore", mincore.run(), ENOTBLK)?;
            expect_errno("write(3)", to_3.run(), EPERM)
        }
    });
    outcome.assert_ok();
}

#[test]
fn later_statements_replace_earlier_ones() {
    let p = compile(
        "default allow; drop ptrace; drop mkdir => errno(EPERM); keep mkdir; \
         keep rmdir; drop rmdir => errno(EACCES);",
    );
    let dir = TempDir::new("order");
    let made = dir.c_path("made");
    let kept = dir.c_path("kept");
    std::fs::create_dir(dir.path().join("kept")).expect("mkdir");
    let mkdir = Call::new(libc::SYS_mkdir, &[ptr(&made), 0o700]);
    let rmdir = Call::new(libc::SYS_rmdir, &[ptr(&kept)]);
    p.assert_verdict(&mkdir, Action::Allow);
    p.assert_verdict(&rmdir, errno_action(EACCES));
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: both read a NUL-terminated path.
        unsafe {
            expect("mkdir", mkdir.run(), Ok(0))?;
            expect_errno("rmdir", rmdir.run(), EACCES)
        }
    });
    outcome.assert_ok();
    assert!(dir.path().join("made").is_dir() && dir.path().join("kept").is_dir());
}

#[test]
fn conditional_drops_layer_on_the_earlier_rule() {
    let p = compile(
        "deny errno(EPERM); default allow; drop ptrace; \
         keep write(fd == 1 | 2 | 3); \
         drop write(fd == 3) => errno(EACCES); \
         drop write(count == 5) => errno(ENOSPC); \
         acknowledge siblings;", // writev & co. stay allowed: not the point here
    );
    // (call, what the kernel should say)
    let cases: [(&str, Call, Result<u64, i32>); 5] = [
        ("write(1, 3 bytes)", write_call(1, b"ok\n"), Ok(3)),
        ("write(3, 3 bytes)", write_call(3, b"abc"), Err(EACCES)),
        ("write(1, 5 bytes)", write_call(1, b"12345"), Err(ENOSPC)),
        ("write(3, 5 bytes)", write_call(3, b"12345"), Err(ENOSPC)),
        ("write(4, 1 byte)", write_call(4, b"x"), Err(EPERM)),
    ];
    for (_, call, want) in &cases {
        let action = want.map_or_else(errno_action, |_| Action::Allow);
        p.assert_verdict(call, action);
    }
    let outcome = in_child(|| {
        open_as(3, c"/dev/null", libc::O_WRONLY)?;
        open_as(4, c"/dev/null", libc::O_WRONLY)?;
        p.apply()?;
        for (what, call, want) in &cases {
            // SAFETY: write reads its static buffer.
            expect(what, unsafe { call.run() }, *want)?;
        }
        Ok(())
    });
    outcome.assert_ok();
    assert_eq!(outcome.stdout, "ok\n");
}

#[test]
fn exemptions_leave_syscalls_and_groups_out_of_a_statement() {
    let p = compile("default allow; drop ptrace; drop @file-system, !getcwd => errno(EACCES);");
    let dir = TempDir::new("exempt");
    let path = dir.c_path("d");
    let mkdir = Call::new(libc::SYS_mkdir, &[ptr(&path), 0o700]);
    let mut cwd = [0u8; 4096];
    let getcwd = Call::new(libc::SYS_getcwd, &[cwd.as_mut_ptr() as u64, 4096]);
    p.assert_verdict(&mkdir, errno_action(EACCES));
    p.assert_verdict(&getcwd, Action::Allow);
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: mkdir reads the path; getcwd writes at most 4096 bytes
        // into `cwd`.
        unsafe {
            expect_errno("mkdir", mkdir.run(), EACCES)?;
            expect_success("getcwd", getcwd.run()).map(drop)
        }
    });
    outcome.assert_ok();

    // `!@group`: fchown(fd, -1, -1) changes nothing, so it succeeds
    // whenever it runs.
    let p = compile("deny errno(EPERM); base @system-service, !@chown;");
    let fchown = Call::new(
        libc::SYS_fchown,
        &[1, u64::from(u32::MAX), u64::from(u32::MAX)],
    );
    p.assert_verdict(&fchown, errno_action(EPERM));
    p.assert_verdict(&mkdir, Action::Allow);
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: fchown takes no pointers.
        expect_errno("fchown", unsafe { fchown.run() }, EPERM)
    });
    outcome.assert_ok();
}

#[test]
fn entries_for_one_syscall_in_one_statement_are_alternatives() {
    let p = compile(
        "deny errno(EPERM); default allow; drop ptrace; \
         keep write(fd == 1), write(fd == 2), write(count == 4);",
    );
    let four = write_call(3, b"abcd");
    let three = write_call(3, b"abc");
    p.assert_verdict(&four, Action::Allow);
    p.assert_verdict(&three, errno_action(EPERM));
    let outcome = in_child(|| {
        open_as(3, c"/dev/null", libc::O_WRONLY)?;
        p.apply()?;
        // SAFETY: write reads its static buffer.
        unsafe {
            expect("write(3, 4 bytes)", four.run(), Ok(4))?;
            expect_errno("write(3, 3 bytes)", three.run(), EPERM)
        }
    });
    outcome.assert_ok();
}

// ---------------------------------------------------------------------------
// Conditions

#[test]
fn keep_write_to_stdout_and_stderr_refuses_descriptor_3() {
    let to_1 = write_call(1, b"to stdout\n");
    let to_2 = write_call(2, b"to stderr\n");
    let to_3 = write_call(3, b"to fd 3\n");

    // Refused with the default deny action: the process dies.
    let p = compile("base @system-service; keep write(fd == 1 | 2);");
    p.assert_verdict(&to_1, Action::Allow);
    p.assert_verdict(&to_2, Action::Allow);
    p.assert_verdict(&to_3, Action::KillProcess);
    let outcome = in_child(|| {
        pipe_as(3, 9)?;
        p.apply()?;
        // SAFETY: write reads its static buffer.
        unsafe {
            expect("write(1)", to_1.run(), Ok(10))?;
            expect("write(2)", to_2.run(), Ok(10))?;
            to_3.run().map(drop).map_err(|e| format!("errno {e}"))?;
        }
        Err("survived a write to a pipe on descriptor 3".into())
    });
    outcome.assert_sigsys();
    assert_eq!(outcome.stdout, "to stdout\n");
    assert_eq!(outcome.stderr, "to stderr\n");

    // Refused with `deny errno(EPERM)`: /dev/null as descriptor 3.
    let p = compile("deny errno(EPERM); base @system-service; keep write(fd == 1 | 2);");
    p.assert_verdict(&to_3, errno_action(EPERM));
    let outcome = in_child(|| {
        open_as(3, c"/dev/null", libc::O_WRONLY)?;
        p.apply()?;
        // SAFETY: write reads its static buffer.
        expect_errno("write(3)", unsafe { to_3.run() }, EPERM)
    });
    outcome.assert_ok();
}

#[test]
fn masks_and_unsigned_comparisons() {
    let p = compile(
        "deny errno(EPERM); default allow; drop ptrace; \
         keep openat(flags & 3 == 0); keep lseek(offset < 100);",
    );
    let null = c"/dev/null";
    let at = libc::AT_FDCWD as u64;
    let open = |flags: libc::c_int| Call::new(libc::SYS_openat, &[at, ptr(null), flags as u64]);
    let cases = [
        ("openat(O_RDONLY)", open(libc::O_RDONLY), true),
        (
            "openat(O_RDONLY | O_CLOEXEC)",
            open(libc::O_RDONLY | libc::O_CLOEXEC),
            true,
        ),
        ("openat(O_WRONLY)", open(libc::O_WRONLY), false),
        ("openat(O_RDWR)", open(libc::O_RDWR), false),
        (
            "lseek(3, 50, SEEK_SET)",
            Call::new(libc::SYS_lseek, &[3, 50, 0]),
            true,
        ),
        // -1 is 2^64 - 1 unsigned, so `offset < 100` is false, although
        // a signed comparison would hold.
        (
            "lseek(3, -1, SEEK_END)",
            Call::new(libc::SYS_lseek, &[3, u64::MAX, 2]),
            false,
        ),
    ];
    for (_, call, allowed) in &cases {
        let want = if *allowed {
            Action::Allow
        } else {
            errno_action(EPERM)
        };
        p.assert_verdict(call, want);
    }
    let dir = TempDir::new("masks");
    std::fs::write(dir.path().join("ten"), b"0123456789").expect("write a file");
    let file = dir.c_path("ten");
    let outcome = in_child(|| {
        open_as(3, &file, libc::O_RDONLY)?;
        p.apply()?;
        // SAFETY: openat reads the path; lseek takes no pointers.
        unsafe { expect_allowed_or(&cases, EPERM) }
    });
    outcome.assert_ok();
}

#[test]
fn not_equal_sets_conjunctions_and_numbered_arguments() {
    let p = compile(
        "deny errno(EPERM); default allow; drop ptrace; \
         keep write(fd != 3 | 4 && ((fd == 1 && count == 2) || fd >= 2)); \
         keep lseek(arg2 == 0);",
    );
    let cases: [(&str, Call, Result<u64, i32>); 8] = [
        ("write(1, 2 bytes)", write_call(1, b"ab"), Ok(2)),
        ("write(1, 3 bytes)", write_call(1, b"abc"), Err(EPERM)),
        ("write(2, 3 bytes)", write_call(2, b"e1\n"), Ok(3)),
        ("write(3, 1 byte)", write_call(3, b"x"), Err(EPERM)),
        ("write(4, 1 byte)", write_call(4, b"x"), Err(EPERM)),
        ("write(5, 1 byte)", write_call(5, b"x"), Ok(1)),
        (
            "lseek(5, 0, SEEK_SET)",
            Call::new(libc::SYS_lseek, &[5, 0, 0]),
            Ok(0),
        ),
        (
            "lseek(5, 0, SEEK_CUR)",
            Call::new(libc::SYS_lseek, &[5, 0, 1]),
            Err(EPERM),
        ),
    ];
    for (_, call, want) in &cases {
        p.assert_verdict(call, want.map_or_else(errno_action, |_| Action::Allow));
    }
    let outcome = in_child(|| {
        for fd in 3..=5 {
            open_as(fd, c"/dev/null", libc::O_WRONLY)?;
        }
        p.apply()?;
        for (what, call, want) in &cases {
            // SAFETY: write reads its static buffer; lseek takes no pointers.
            expect(what, unsafe { call.run() }, *want)?;
        }
        Ok(())
    });
    outcome.assert_ok();
    assert_eq!(
        (outcome.stdout.as_str(), outcome.stderr.as_str()),
        ("ab", "e1\n")
    );
}

// ---------------------------------------------------------------------------
// The README's first example on real programs

fn apply_design() -> Result<(), String> {
    README_EXAMPLE.apply().map_err(|e| format!("apply: {e}"))
}

#[test]
fn design_policy_lets_echo_print_and_kills_tee_writing_a_file() {
    let p = compile(README_POLICY);
    let from_text = p.output.program.filters().expect("no symbolic values");
    let from_macro: Vec<_> = README_EXAMPLE
        .program()
        .iter()
        .map(|f| (f.code, f.jt, f.jf, f.k))
        .collect();
    let from_text: Vec<_> = from_text
        .iter()
        .map(|f| (f.code, f.jt, f.jf, f.k))
        .collect();
    assert_eq!(
        from_macro, from_text,
        "the macro's program is the compiler's"
    );
    p.assert_verdict(&write_call(1, b""), Action::Allow);
    p.assert_verdict(&write_call(3, b""), Action::KillProcess);
    p.assert_verdict(&Call::new(libc::SYS_ptrace, &[]), Action::KillProcess);

    let echo = in_child(|| {
        apply_design()?;
        Err(exec(&["/bin/echo", "hello"]))
    });
    echo.assert_ok();
    assert_eq!(echo.stdout, "hello\n");

    // tee copies stdin to stdout (descriptor 1) and to the file it opens
    // (descriptor 3). It must die at its first write to the file.
    let dir = TempDir::new("design-tee");
    let run_tee = |filtered: bool, name: &str| {
        let path = dir.path().join(name);
        let outcome = in_child(|| {
            stdin_holding(b"hello\n")?;
            if filtered {
                apply_design()?;
            }
            let path = path.to_str().ok_or("a UTF-8 path")?;
            Err(exec(&["/usr/bin/tee", path]))
        });
        (outcome, std::fs::read(&path))
    };
    // Unfiltered, tee works: what kills it below is the filter.
    let (free, copy) = run_tee(false, "free");
    free.assert_ok();
    assert_eq!(copy.expect("tee's file"), b"hello\n");

    let (sandboxed, copy) = run_tee(true, "sandboxed");
    sandboxed.assert_sigsys();
    assert_eq!(sandboxed.stdout, "hello\n", "its stdout write went through");
    assert_eq!(
        copy.expect("openat is allowed, so the file exists"),
        b"",
        "the write to the file was refused"
    );
}

#[test]
fn descriptor_numbers_are_not_files_a_shell_redirect_passes() {
    // `fd == 1` is a number: after `> file` the shell dup2s the file onto
    // descriptor 1 (dup2 is in @system-service), so the same policy lets
    // the write into the file. What the filter sees is only the number.
    let dir = TempDir::new("design-sh");
    let path = dir.path().join("f");
    let script = format!("echo to-stdout; echo to-file > {}", path.display());
    let outcome = in_child(|| {
        apply_design()?;
        Err(exec(&["/bin/sh", "-c", &script]))
    });
    outcome.assert_ok();
    assert_eq!(outcome.stdout, "to-stdout\n");
    assert_eq!(std::fs::read(&path).expect("the file"), b"to-file\n");
}

/// The example of a value rustc evaluates.
static UNIX_SOCKETS_ONLY: Policy = seccomp_policy! {
    deny errno(EPERM);
    base @system-service;
    keep socket(family == libc::AF_UNIX);
};

#[test]
fn a_symbolic_value_is_evaluated_for_the_real_target() {
    let socket = |family: libc::c_int| {
        Call::new(
            libc::SYS_socket,
            &[family as u64, libc::SOCK_STREAM as u64, 0],
        )
    };
    let (unix, inet) = (socket(libc::AF_UNIX), socket(libc::AF_INET));
    let outcome = in_child(|| {
        UNIX_SOCKETS_ONLY
            .apply()
            .map_err(|e| format!("apply: {e}"))?;
        // SAFETY: socket takes no pointers.
        unsafe {
            expect_success("socket(AF_UNIX)", unix.run())?;
            expect_errno("socket(AF_INET)", inet.run(), EPERM)
        }
    });
    outcome.assert_ok();
}

/// Makes descriptor `write_fd` the write end of a pipe whose read end stays
/// open as `read_fd`, so a write that gets through succeeds.
fn pipe_as(write_fd: i32, read_fd: i32) -> Result<(), String> {
    let (read_end, write_end) = pipe();
    // SAFETY: descriptors of this child. The read end moves first, in case
    // it is `write_fd`.
    unsafe {
        if libc::dup2(read_end, read_fd) != read_fd || libc::dup2(write_end, write_fd) != write_fd {
            return Err("dup2 of a pipe".into());
        }
        for fd in [read_end, write_end] {
            if fd != read_fd && fd != write_fd {
                libc::close(fd);
            }
        }
    }
    Ok(())
}

/// Makes descriptor 0 a pipe that holds `bytes` and then ends.
fn stdin_holding(bytes: &[u8]) -> Result<(), String> {
    let (read_end, write_end) = pipe();
    write_fd(write_end, bytes);
    // SAFETY: descriptors of this child.
    unsafe {
        libc::close(write_end);
        if libc::dup2(read_end, 0) != 0 {
            return Err("dup2 onto stdin".into());
        }
        libc::close(read_end);
    }
    Ok(())
}
