//! What the traced child does between fork and the command (or closure):
//! become a tracee, wait for the tracer, install the filters it was given.
//!
//! Everything here runs in a forked copy of a possibly multi-threaded
//! process (a test harness), so it only makes raw syscalls: no allocation,
//! no locks, nothing that is not async-signal-safe. The programs it
//! installs were built by the parent before the fork.

use std::ffi::CStr;

/// `SECCOMP_SET_MODE_FILTER` (include/uapi/linux/seccomp.h).
const SECCOMP_SET_MODE_FILTER: libc::c_ulong = 1;

/// The step that failed, sent to the parent through the error pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    /// `ptrace(PTRACE_TRACEME)`: already traced, or ptrace is not allowed.
    Traceme = 1,
    /// `prctl(PR_SET_NO_NEW_PRIVS)`.
    NoNewPrivs = 2,
    /// Installing the policy given on the command line.
    Policy = 3,
    /// Installing the interceptor.
    Interceptor = 4,
    /// `execve` of the command.
    Exec = 5,
}

impl Stage {
    pub fn from_byte(b: u8) -> Option<Stage> {
        [
            Stage::Traceme,
            Stage::NoNewPrivs,
            Stage::Policy,
            Stage::Interceptor,
            Stage::Exec,
        ]
        .into_iter()
        .find(|s| *s as u8 == b)
    }
}

/// What the child installs before it goes on.
pub struct Setup<'a> {
    /// The policy, already rewritten; installed first, with no_new_privs
    /// set as `seccompc run` would.
    pub policy: Option<&'a [libc::sock_filter]>,
    /// The interceptor, installed last so that its trace wins over the
    /// policy's for filter installs (the kernel reports the newest filter's
    /// data among equal actions).
    pub interceptor: Option<&'a [libc::sock_filter]>,
    /// Write end of the pipe the parent reads failures from.
    pub errors: libc::c_int,
    /// Lead a new process group, which a timeout kills as a whole.
    pub new_group: bool,
    /// Give SIGPIPE its default disposition back (Rust's runtime ignores it,
    /// and ignored signals stay ignored across execve): before the filters,
    /// so that this call is not the command's.
    pub reset_sigpipe: bool,
}

/// Becomes a tracee, stops until the tracer has set its options, then
/// installs the filters. On failure, reports to the parent and exits.
pub fn prepare(setup: &Setup) {
    if setup.new_group {
        // SAFETY: setpgid(2) takes no pointers; a fresh child may lead a
        // group.
        unsafe { libc::setpgid(0, 0) };
    }
    if setup.reset_sigpipe {
        // SAFETY: signal(2) with SIG_DFL installs no handler.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
    // SAFETY: PTRACE_TRACEME takes no pointers.
    if unsafe { libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) } == -1 {
        fail(setup.errors, Stage::Traceme);
    }
    // SAFETY: kill(2) and getpid(2) take no pointers.
    unsafe { libc::kill(libc::getpid(), libc::SIGSTOP) };
    if let Some(policy) = setup.policy {
        set_no_new_privs(setup.errors);
        if install(policy) != 0 {
            fail(setup.errors, Stage::Policy);
        }
    }
    if let Some(interceptor) = setup.interceptor
        && install(interceptor) != 0
    {
        // Without CAP_SYS_ADMIN a filter needs no_new_privs; set it only
        // then, so a privileged run keeps setuid programs working.
        set_no_new_privs(setup.errors);
        if install(interceptor) != 0 {
            fail(setup.errors, Stage::Interceptor);
        }
    }
}

/// Executes the command; reports the failure and exits if that fails.
pub fn exec(path: &CStr, argv: &[*const libc::c_char], errors: libc::c_int) -> ! {
    // SAFETY: execv reads the NUL-terminated `path` and the NULL-terminated
    // `argv`, alive in this copy of the parent's memory.
    unsafe { libc::execv(path.as_ptr(), argv.as_ptr()) };
    fail(errors, Stage::Exec)
}

fn set_no_new_privs(errors: libc::c_int) {
    // SAFETY: prctl(PR_SET_NO_NEW_PRIVS, 1) takes no pointers.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        fail(errors, Stage::NoNewPrivs);
    }
}

/// seccomp(SECCOMP_SET_MODE_FILTER, 0, prog); 0 or -1.
fn install(prog: &[libc::sock_filter]) -> libc::c_long {
    let fprog = libc::sock_fprog {
        // The parent checked the length (at most BPF_MAXINSNS).
        len: prog.len() as libc::c_ushort,
        filter: prog.as_ptr().cast_mut(),
    };
    // SAFETY: the kernel reads `fprog` and the `len` instructions it points
    // to, both alive for the call.
    unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_SET_MODE_FILTER,
            0 as libc::c_ulong,
            &raw const fprog,
        )
    }
}

/// Sends `[stage, errno (4 bytes, native order)]` and exits with 127 for a
/// command that does not exist, 126 otherwise, as shells do.
fn fail(errors: libc::c_int, stage: Stage) -> ! {
    // SAFETY: __errno_location returns this thread's errno; write(2) reads
    // the local buffer; _exit ends the process without running anything.
    unsafe {
        let errno = *libc::__errno_location();
        let mut message = [0u8; 5];
        message[0] = stage as u8;
        message[1..].copy_from_slice(&errno.to_ne_bytes());
        libc::write(errors, message.as_ptr().cast(), message.len());
        let status = if stage == Stage::Exec && errno == libc::ENOENT {
            127
        } else {
            126
        };
        libc::_exit(status)
    }
}

/// Reads what the child sent, once it is gone: `None` when it reported
/// nothing (the command started, or the closure ran).
pub fn read_failure(errors: libc::c_int) -> Option<(Stage, i32)> {
    let mut message = [0u8; 5];
    // SAFETY: read(2) writes at most 5 bytes into `message`.
    let got = unsafe { libc::read(errors, message.as_mut_ptr().cast(), message.len()) };
    if got != 5 {
        return None;
    }
    let stage = Stage::from_byte(message[0])?;
    let errno = i32::from_ne_bytes([message[1], message[2], message[3], message[4]]);
    Some((stage, errno))
}
