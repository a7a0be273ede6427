//! seccomp-runtime against the real kernel.
//!
//! Every test that installs a filter does so in a forked child, so the test
//! runner itself is never filtered; the parent observes the child through its
//! wait status and its stderr (a pipe). Programs are written by hand (x86_64
//! only), so these tests do not depend on the compiler.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use std::fs::File;
use std::io::Read;
use std::os::fd::FromRawFd;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Barrier, mpsc};

use seccomp_runtime::{
    Error, Flags, InvalidProgram, OnError, Policy, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO,
    SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRAP,
    SockFilter,
};

// ---------------------------------------------------------------------------
// Hand-written programs

const BPF_LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const BPF_JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const BPF_JGE_K: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const BPF_RET_K: u16 = 0x06; // BPF_RET | BPF_K
const SECCOMP_DATA_NR: u32 = 0;
const SECCOMP_DATA_ARCH: u32 = 4;
const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

const NR_GETPID: u32 = libc::SYS_getpid as u32;
const NR_SECCOMP: u32 = libc::SYS_seccomp as u32;
/// The errno our programs return: unusual enough not to happen by accident.
const TEST_ERRNO: u32 = 77;
/// An action value no kernel knows.
const BOGUS_ACTION: u32 = 0x7fe0_0000;

/// `nr` gets `action`, every other native syscall is allowed, and syscalls
/// of other ABIs (i386, x32) get `foreign`.
const fn refuse(nr: u32, action: u32, foreign: u32) -> [SockFilter; 9] {
    [
        SockFilter::new(BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH),
        SockFilter::new(BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
        SockFilter::new(BPF_RET_K, 0, 0, foreign),
        SockFilter::new(BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_NR),
        SockFilter::new(BPF_JGE_K, 3, 0, X32_SYSCALL_BIT),
        SockFilter::new(BPF_JEQ_K, 0, 1, nr),
        SockFilter::new(BPF_RET_K, 0, 0, action),
        SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        SockFilter::new(BPF_RET_K, 0, 0, foreign),
    ]
}

static GETPID_ERRNO_PROGRAM: [SockFilter; 9] = refuse(
    NR_GETPID,
    SECCOMP_RET_ERRNO | TEST_ERRNO,
    SECCOMP_RET_KILL_PROCESS,
);
static GETPID_ERRNO: Policy = Policy::from_parts(
    &GETPID_ERRNO_PROGRAM,
    &[
        SECCOMP_RET_KILL_PROCESS,
        SECCOMP_RET_ERRNO,
        SECCOMP_RET_ALLOW,
    ],
    &[],
);

static GETPID_KILL_PROGRAM: [SockFilter; 9] = refuse(
    NR_GETPID,
    SECCOMP_RET_KILL_PROCESS,
    SECCOMP_RET_KILL_PROCESS,
);
static GETPID_KILL: Policy = Policy::from_parts(
    &GETPID_KILL_PROGRAM,
    &[SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ALLOW],
    &[],
);

static GETPID_TRAP_PROGRAM: [SockFilter; 9] =
    refuse(NR_GETPID, SECCOMP_RET_TRAP, SECCOMP_RET_KILL_PROCESS);
static GETPID_TRAP_NAMED: Policy = Policy::from_parts(
    &GETPID_TRAP_PROGRAM,
    &[
        SECCOMP_RET_KILL_PROCESS,
        SECCOMP_RET_TRAP,
        SECCOMP_RET_ALLOW,
    ],
    &[(0, "read"), (1, "write"), (NR_GETPID, "getpid")],
);
static GETPID_TRAP_UNNAMED: Policy = Policy::from_parts(
    &GETPID_TRAP_PROGRAM,
    &[
        SECCOMP_RET_KILL_PROCESS,
        SECCOMP_RET_TRAP,
        SECCOMP_RET_ALLOW,
    ],
    &[],
);

static GETPID_BOGUS_PROGRAM: [SockFilter; 9] =
    refuse(NR_GETPID, BOGUS_ACTION, SECCOMP_RET_KILL_PROCESS);
/// Declares the bogus action.
static GETPID_BOGUS_DECLARED: Policy = Policy::from_parts(
    &GETPID_BOGUS_PROGRAM,
    &[SECCOMP_RET_KILL_PROCESS, BOGUS_ACTION, SECCOMP_RET_ALLOW],
    &[],
);
/// Leaves it out of the list: the program's `ret` is checked anyway.
static GETPID_BOGUS_UNDECLARED: Policy = Policy::from_parts(
    &GETPID_BOGUS_PROGRAM,
    &[SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ALLOW],
    &[],
);

static ALLOW_ALL_PROGRAM: [SockFilter; 1] = [SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW)];
static ALLOW_ALL: Policy = Policy::from_parts(&ALLOW_ALL_PROGRAM, &[SECCOMP_RET_ALLOW], &[]);

/// Loads `arch` and stops: the kernel's checker wants a `ret` at the end.
static NO_RET_PROGRAM: [SockFilter; 1] = [SockFilter::new(BPF_LD_W_ABS, 0, 0, SECCOMP_DATA_ARCH)];
static NO_RET: Policy = Policy::from_parts(&NO_RET_PROGRAM, &[], &[]);

static EMPTY: Policy = Policy::from_parts(&[], &[], &[]);

static TOO_LONG_PROGRAM: [SockFilter; 4097] =
    [SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW); 4097];
static TOO_LONG: Policy = Policy::from_parts(&TOO_LONG_PROGRAM, &[SECCOMP_RET_ALLOW], &[]);

/// Makes seccomp(2) look absent (ENOSYS), as on Linux < 3.17.
static NO_SECCOMP_SYSCALL_PROGRAM: [SockFilter; 9] = refuse(
    NR_SECCOMP,
    SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
    SECCOMP_RET_KILL_THREAD,
);
static NO_SECCOMP_SYSCALL: Policy = Policy::from_parts(
    &NO_SECCOMP_SYSCALL_PROGRAM,
    &[
        SECCOMP_RET_KILL_THREAD,
        SECCOMP_RET_ERRNO,
        SECCOMP_RET_ALLOW,
    ],
    &[],
);
/// Like `GETPID_ERRNO` but with only actions that predate Linux 4.14.
static GETPID_ERRNO_ORIGINAL_PROGRAM: [SockFilter; 9] = refuse(
    NR_GETPID,
    SECCOMP_RET_ERRNO | TEST_ERRNO,
    SECCOMP_RET_KILL_THREAD,
);
static GETPID_ERRNO_ORIGINAL: Policy = Policy::from_parts(
    &GETPID_ERRNO_ORIGINAL_PROGRAM,
    &[
        SECCOMP_RET_KILL_THREAD,
        SECCOMP_RET_ERRNO,
        SECCOMP_RET_ALLOW,
    ],
    &[],
);

// ---------------------------------------------------------------------------
// Running code in a forked child

/// How a child ended, and what it wrote to stderr.
struct Outcome {
    status: libc::c_int,
    stderr: String,
}

impl Outcome {
    fn exit_code(&self) -> Option<i32> {
        libc::WIFEXITED(self.status).then(|| libc::WEXITSTATUS(self.status))
    }

    fn signal(&self) -> Option<i32> {
        libc::WIFSIGNALED(self.status).then(|| libc::WTERMSIG(self.status))
    }

    /// The child's body returned `Ok`.
    fn assert_ok(&self) {
        assert_eq!(
            self.exit_code(),
            Some(0),
            "child failed; its stderr:\n{}",
            self.stderr
        );
    }
}

/// Runs `body` in a forked child with stderr going to a pipe. The child
/// exits 0 when `body` returns `Ok`, 1 with the message on stderr when it
/// returns `Err`, and 101 when it panics.
fn in_child(body: impl FnOnce() -> Result<(), String>) -> Outcome {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptors into `fds`.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    let [read_end, write_end] = fds;
    // SAFETY: the child only runs `body` and then `_exit`s; it never returns
    // into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // SAFETY: plain descriptor calls; RLIMIT_CORE 0 keeps SIGSYS kills
        // from writing core files.
        unsafe {
            libc::dup2(write_end, 2);
            libc::close(read_end);
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        }
        let code = match std::panic::catch_unwind(AssertUnwindSafe(body)) {
            Ok(Ok(())) => 0,
            Ok(Err(message)) => {
                write_stderr(&format!("{message}\n"));
                1
            }
            Err(_) => 101,
        };
        // SAFETY: ends the child without running the harness's code.
        unsafe { libc::_exit(code) }
    }
    // SAFETY: closing our copy of the write end, so the read below ends when
    // the child exits.
    unsafe { libc::close(write_end) };
    // SAFETY: `read_end` is a descriptor we own and nothing else uses.
    let mut pipe = unsafe { File::from_raw_fd(read_end) };
    let mut stderr = Vec::new();
    pipe.read_to_end(&mut stderr)
        .expect("read the child's stderr");
    let mut status = 0;
    // SAFETY: waits for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    Outcome {
        status,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// write(2) to stderr, without std's stderr lock (another thread of the
/// parent may have held it at fork time).
fn write_stderr(text: &str) {
    // SAFETY: writes `text.len()` bytes from `text`.
    unsafe { libc::write(2, text.as_ptr().cast(), text.len()) };
}

/// getpid(2) made directly: Ok(pid) or Err(errno).
fn raw_getpid() -> Result<i64, i32> {
    // SAFETY: getpid takes no arguments.
    let ret = unsafe { libc::syscall(libc::SYS_getpid) };
    if ret == -1 { Err(errno()) } else { Ok(ret) }
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// `prctl(PR_GET_SECCOMP)`: 0 while no filter is installed on this thread.
fn seccomp_mode() -> i32 {
    // SAFETY: PR_GET_SECCOMP takes no pointers.
    unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) }
}

/// `prctl(PR_GET_NO_NEW_PRIVS)`.
fn no_new_privs() -> i32 {
    // SAFETY: PR_GET_NO_NEW_PRIVS takes no pointers.
    unsafe { libc::prctl(libc::PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) }
}

fn gettid() -> i32 {
    // SAFETY: gettid takes no arguments.
    unsafe { libc::gettid() }
}

fn expect_getpid_errno() -> Result<(), String> {
    match raw_getpid() {
        Err(errno) if errno == TEST_ERRNO as i32 => Ok(()),
        other => Err(format!(
            "getpid: expected errno {TEST_ERRNO}, got {other:?}"
        )),
    }
}

// ---------------------------------------------------------------------------
// Installing

#[test]
fn refused_syscall_gets_the_errno_and_others_work() {
    let outcome = in_child(|| {
        GETPID_ERRNO.apply().map_err(|e| format!("apply: {e}"))?;
        expect_getpid_errno()?;
        // SAFETY: getppid takes no arguments.
        let parent = unsafe { libc::syscall(libc::SYS_getppid) };
        if parent <= 0 {
            return Err(format!("getppid should be allowed, got {parent}"));
        }
        if seccomp_mode() != 2 || no_new_privs() != 1 {
            return Err("expected SECCOMP_MODE_FILTER and no_new_privs".into());
        }
        write_stderr("still writing\n");
        Ok(())
    });
    outcome.assert_ok();
    assert_eq!(outcome.stderr, "still writing\n");
}

#[test]
fn kill_process_kills_with_sigsys() {
    let outcome = in_child(|| {
        GETPID_KILL.apply().map_err(|e| format!("apply: {e}"))?;
        let _ = raw_getpid();
        Err("survived a killing syscall".into())
    });
    assert_eq!(
        outcome.signal(),
        Some(libc::SIGSYS),
        "stderr:\n{}",
        outcome.stderr
    );
}

#[test]
fn flags_log_and_spec_allow_are_accepted() {
    let outcome = in_child(|| {
        GETPID_ERRNO
            .apply_with(Flags::TSYNC | Flags::LOG | Flags::SPEC_ALLOW | Flags::TSYNC_ESRCH)
            .map_err(|e| format!("apply_with: {e}"))?;
        expect_getpid_errno()
    });
    outcome.assert_ok();
}

#[test]
fn tsync_filters_a_thread_started_before_apply() {
    let outcome = in_child(|| {
        let barrier = Arc::new(Barrier::new(2));
        let thread = std::thread::spawn({
            let barrier = Arc::clone(&barrier);
            move || {
                barrier.wait(); // started
                barrier.wait(); // the filter is in place
                raw_getpid()
            }
        });
        barrier.wait();
        GETPID_ERRNO.apply().map_err(|e| format!("apply: {e}"))?;
        barrier.wait();
        let seen = thread.join().map_err(|_| "thread panicked")?;
        if seen != Err(TEST_ERRNO as i32) {
            return Err(format!(
                "the earlier thread escaped the filter: getpid gave {seen:?}"
            ));
        }
        expect_getpid_errno()
    });
    outcome.assert_ok();
}

#[test]
fn apply_to_current_thread_leaves_a_sibling_unfiltered() {
    let outcome = in_child(|| {
        let barrier = Arc::new(Barrier::new(2));
        let thread = std::thread::spawn({
            let barrier = Arc::clone(&barrier);
            move || {
                barrier.wait();
                barrier.wait();
                (raw_getpid(), seccomp_mode())
            }
        });
        barrier.wait();
        GETPID_ERRNO
            .apply_to_current_thread()
            .map_err(|e| format!("apply: {e}"))?;
        barrier.wait();
        let (seen, mode) = thread.join().map_err(|_| "thread panicked")?;
        if seen.is_err() || mode != 0 {
            return Err(format!(
                "the sibling was filtered: getpid {seen:?}, mode {mode}"
            ));
        }
        expect_getpid_errno()
    });
    outcome.assert_ok();
}

#[test]
fn tsync_failure_names_the_thread_and_installs_nothing() {
    let outcome = in_child(|| {
        let barrier = Arc::new(Barrier::new(2));
        let (tid_tx, tid_rx) = mpsc::channel();
        let thread = std::thread::spawn({
            let barrier = Arc::clone(&barrier);
            move || {
                // A filter of its own, which the main thread's is not
                // descended from: TSYNC cannot replace it.
                let installed = ALLOW_ALL.apply_to_current_thread();
                tid_tx.send((gettid(), installed)).expect("send");
                barrier.wait();
            }
        });
        let (tid, installed) = tid_rx.recv().map_err(|e| e.to_string())?;
        installed.map_err(|e| format!("thread's apply: {e}"))?;

        let plain = GETPID_ERRNO.apply();
        let esrch = GETPID_ERRNO.apply_with(Flags::TSYNC | Flags::TSYNC_ESRCH);
        barrier.wait();
        thread.join().map_err(|_| "thread panicked")?;

        if plain != Err(Error::TsyncFailed { thread: Some(tid) }) {
            return Err(format!(
                "apply: expected TSYNC failure by {tid}, got {plain:?}"
            ));
        }
        if esrch != Err(Error::TsyncFailed { thread: None }) {
            return Err(format!("apply_with(TSYNC_ESRCH): got {esrch:?}"));
        }
        if seccomp_mode() != 0 || raw_getpid().is_err() {
            return Err("a filter was installed despite the TSYNC failure".into());
        }
        Ok(())
    });
    outcome.assert_ok();
}

// ---------------------------------------------------------------------------
// Refusing to install

#[test]
fn unavailable_action_is_refused_before_installing() {
    for policy in [&GETPID_BOGUS_DECLARED, &GETPID_BOGUS_UNDECLARED] {
        let outcome = in_child(|| {
            let result = policy.apply();
            if result
                != Err(Error::ActionUnavailable {
                    action: BOGUS_ACTION,
                })
            {
                return Err(format!("expected ActionUnavailable, got {result:?}"));
            }
            // Refused before anything changed: no filter, not even
            // no_new_privs.
            if seccomp_mode() != 0 || no_new_privs() != 0 {
                return Err("the refused policy changed the process".into());
            }
            write_stderr(&format!("{}\n", result.unwrap_err()));
            Ok(())
        });
        outcome.assert_ok();
        assert_eq!(
            outcome.stderr,
            "the kernel does not support the action 0x7fe00000 the program uses\n"
        );
    }
}

#[test]
fn invalid_programs_are_refused() {
    let cases: [(&Policy, Error); 3] = [
        (&EMPTY, Error::InvalidProgram(InvalidProgram::Empty)),
        (
            &TOO_LONG,
            Error::InvalidProgram(InvalidProgram::TooLong { len: 4097 }),
        ),
        (&NO_RET, Error::InvalidProgram(InvalidProgram::Rejected)),
    ];
    for (policy, expected) in cases {
        let outcome = in_child(|| {
            let result = policy.apply();
            if result != Err(expected) {
                return Err(format!("expected {expected:?}, got {result:?}"));
            }
            if seccomp_mode() != 0 {
                return Err("a filter was installed".into());
            }
            Ok(())
        });
        outcome.assert_ok();
    }
}

#[test]
fn without_seccomp_syscall_falls_back_to_prctl() {
    let outcome = in_child(|| {
        NO_SECCOMP_SYSCALL
            .apply_to_current_thread()
            .map_err(|e| format!("outer: {e}"))?;
        // SECCOMP_GET_ACTION_AVAIL is gone too, so only the actions every
        // seccomp kernel knows pass: kill_process (4.14) does not.
        let modern = GETPID_ERRNO.apply_to_current_thread();
        if modern
            != Err(Error::ActionUnavailable {
                action: SECCOMP_RET_KILL_PROCESS,
            })
        {
            return Err(format!("kill_process without ACTION_AVAIL: got {modern:?}"));
        }
        // prctl cannot do TSYNC: refuse rather than filter one thread.
        let all_threads = GETPID_ERRNO_ORIGINAL.apply();
        if all_threads
            != Err(Error::NoSeccompSyscall {
                flags: Flags::TSYNC,
            })
        {
            return Err(format!("apply without seccomp(2): got {all_threads:?}"));
        }
        GETPID_ERRNO_ORIGINAL
            .apply_to_current_thread()
            .map_err(|e| format!("prctl path: {e}"))?;
        expect_getpid_errno()
    });
    outcome.assert_ok();
}

#[test]
fn log_action_is_available_here() {
    // A 6.x kernel knows every action this crate names; `log` stands for the
    // ones added in 4.14.
    static LOG_PROGRAM: [SockFilter; 1] = [SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_LOG)];
    static LOG_ALL: Policy = Policy::from_parts(&LOG_PROGRAM, &[SECCOMP_RET_LOG], &[]);
    let outcome = in_child(|| LOG_ALL.apply().map_err(|e| format!("apply: {e}")));
    outcome.assert_ok();
}

// ---------------------------------------------------------------------------
// Violation reports and the sandbox entry

#[test]
fn report_violations_names_the_syscall_and_exits_159() {
    let outcome = in_child(|| {
        seccomp_runtime::report_violations().map_err(|e| format!("report_violations: {e}"))?;
        GETPID_TRAP_NAMED
            .apply()
            .map_err(|e| format!("apply: {e}"))?;
        // getpid ignores its registers; the report shows them.
        // SAFETY: getpid takes no arguments and reads none of these.
        let _ = unsafe {
            libc::syscall(
                libc::SYS_getpid,
                1,
                4095,
                4096,
                -1i64,
                0x7f00_0000_0001u64,
                6,
            )
        };
        Err("survived a trapped syscall".into())
    });
    assert_eq!(
        outcome.exit_code(),
        Some(159),
        "stderr:\n{}",
        outcome.stderr
    );
    // The six argument registers in syscall(2)'s order, read from the
    // signal frame (seccomp-runtime-core/src/sys/context.rs).
    assert_eq!(
        outcome.stderr,
        "seccomp: blocked syscall getpid (39) by policy, args 1 4095 0x1000 0xffffffffffffffff 0x7f0000000001 6\n"
    );
}

#[test]
fn report_violations_without_names_prints_the_number() {
    let outcome = in_child(|| {
        seccomp_runtime::report_violations().map_err(|e| format!("report_violations: {e}"))?;
        GETPID_TRAP_UNNAMED
            .apply()
            .map_err(|e| format!("apply: {e}"))?;
        let _ = raw_getpid();
        Err("survived a trapped syscall".into())
    });
    assert_eq!(
        outcome.exit_code(),
        Some(159),
        "stderr:\n{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .starts_with("seccomp: blocked syscall 39 by policy, args "),
        "{}",
        outcome.stderr
    );
}

#[test]
fn report_violations_from_another_thread() {
    // TSYNC put the filter on the thread; the handler is process-wide and the
    // name table is published before the filter is installed.
    let outcome = in_child(|| {
        seccomp_runtime::report_violations().map_err(|e| format!("report_violations: {e}"))?;
        let barrier = Arc::new(Barrier::new(2));
        let thread = std::thread::spawn({
            let barrier = Arc::clone(&barrier);
            move || {
                barrier.wait();
                barrier.wait();
                let _ = raw_getpid();
            }
        });
        barrier.wait();
        GETPID_TRAP_NAMED
            .apply()
            .map_err(|e| format!("apply: {e}"))?;
        barrier.wait();
        let _ = thread.join();
        Err("survived a trapped syscall".into())
    });
    assert_eq!(
        outcome.exit_code(),
        Some(159),
        "stderr:\n{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .starts_with("seccomp: blocked syscall getpid (39) by policy, args "),
        "{}",
        outcome.stderr
    );
}

#[test]
fn enter_sandbox_installs_or_exits_with_the_reason() {
    let installed = in_child(|| {
        seccomp_runtime::__enter_sandbox(&GETPID_ERRNO, OnError::Exit);
        expect_getpid_errno()
    });
    installed.assert_ok();

    let refused = in_child(|| {
        seccomp_runtime::__enter_sandbox(&EMPTY, OnError::Exit);
        Err("the body ran without its sandbox".into())
    });
    assert_eq!(refused.exit_code(), Some(1), "stderr:\n{}", refused.stderr);
    assert_eq!(
        refused.stderr,
        "sandbox: cannot install seccomp policy: invalid seccomp program: it has no instructions\n"
    );

    let panicked = in_child(|| {
        // The default hook would print through std's stderr lock; report the
        // payload ourselves instead.
        std::panic::set_hook(Box::new(|info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            write_stderr(&format!("{message}\n"));
        }));
        seccomp_runtime::__enter_sandbox(&GETPID_BOGUS_DECLARED, OnError::Panic);
        Err("the body ran without its sandbox".into())
    });
    assert_eq!(
        panicked.exit_code(),
        Some(101),
        "stderr:\n{}",
        panicked.stderr
    );
    assert_eq!(
        panicked.stderr,
        "sandbox: cannot install seccomp policy: the kernel does not support the action \
         0x7fe00000 the program uses\n"
    );
}

// ---------------------------------------------------------------------------
// No kernel needed

#[test]
fn as_bytes_is_the_program_in_native_order() {
    let bytes = GETPID_ERRNO.as_bytes();
    assert_eq!(GETPID_ERRNO.len(), 9);
    assert!(!GETPID_ERRNO.is_empty() && EMPTY.is_empty());
    assert_eq!(bytes.len(), 8 * GETPID_ERRNO.len());
    for (record, insn) in bytes.chunks_exact(8).zip(GETPID_ERRNO.program()) {
        let decoded = SockFilter::new(
            u16::from_le_bytes([record[0], record[1]]),
            record[2],
            record[3],
            u32::from_le_bytes([record[4], record[5], record[6], record[7]]),
        );
        assert_eq!(&decoded, insn);
    }
    // The first record by hand: ld [4] = 20 00 00 00 04 00 00 00.
    assert_eq!(&bytes[..8], &[0x20, 0, 0, 0, 4, 0, 0, 0]);
}

/// Every message is checked in seccomp-runtime-core's unit tests; through
/// the facade, the error is a std error, so `?` into `Box<dyn Error>` works.
#[test]
fn error_is_a_std_error() {
    let boxed: Box<dyn std::error::Error> = Box::new(Error::Unsupported);
    assert_eq!(
        boxed.to_string(),
        "the kernel does not support seccomp filters"
    );
}
