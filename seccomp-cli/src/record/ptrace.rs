//! Tracing a command's syscalls with ptrace(2).
//!
//! The child asks to be traced (`PTRACE_TRACEME`), stops itself, and once
//! the tracer has set its options executes the command: from that `execve`
//! on, every syscall entry of the command and of every process and thread
//! it starts (`PTRACE_O_TRACEFORK`, `TRACEVFORK`, `TRACECLONE`) stops the
//! tracee, and `PTRACE_GET_SYSCALL_INFO` (Linux 5.3+) reads the number and
//! the `AUDIT_ARCH_*` of the call, which tells native calls from calls
//! through another ABI (i386 `int 0x80`, x32) without per-architecture
//! register code. `PTRACE_O_EXITKILL` kills the tracees if seccompc dies.
//!
//! Why ptrace rather than a seccomp `user_notif` filter: it needs no
//! filter in the child (a filter needs no_new_privs, which would change
//! how setuid programs run), the notification file descriptor would have
//! to reach the supervisor through syscalls the filter itself intercepts,
//! and ptrace's fork events already follow every descendant.

use crate::args::{CliError, Result};
use seccomp_compiler::Arch;
use seccomp_compiler::arch::X32_SYSCALL_BIT;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::CString;

/// `PTRACE_GET_SYSCALL_INFO` (include/uapi/linux/ptrace.h, Linux 5.3).
const PTRACE_GET_SYSCALL_INFO: libc::c_uint = 0x420e;
/// `PTRACE_SYSCALL_INFO_ENTRY`: the tracee is at a syscall entry.
const PTRACE_SYSCALL_INFO_ENTRY: u8 = 1;
/// The stop signal of a syscall stop with `PTRACE_O_TRACESYSGOOD`.
const SYSCALL_STOP: libc::c_int = libc::SIGTRAP | 0x80;

/// `struct ptrace_syscall_info` with the `entry` member of its union
/// (the `seccomp` member is the largest: 64 bytes after the header).
#[repr(C)]
#[derive(Default)]
struct PtraceSyscallInfo {
    op: u8,
    pad: [u8; 3],
    arch: u32,
    instruction_pointer: u64,
    stack_pointer: u64,
    nr: u64,
    args: [u64; 6],
    ret_data: u32,
    reserved: u32,
}

/// What one traced run did.
#[derive(Debug, Default)]
pub struct Recording {
    /// Native syscall numbers and how often each was made.
    pub syscalls: BTreeMap<u32, u64>,
    /// Calls through another ABI (compat or x32), by `(audit arch, nr)`.
    pub other_abi: BTreeMap<(u32, u64), u64>,
    /// Every process and thread seen.
    pub tasks: BTreeSet<libc::pid_t>,
    /// Whether the command's `execve` succeeded.
    pub executed: bool,
    /// How the command's first process ended.
    pub status: Option<Ending>,
}

#[derive(Clone, Copy, Debug)]
pub enum Ending {
    Exited(i32),
    Signalled(i32),
}

/// Runs `path` with `argv` under the tracer until it and all its
/// descendants have exited.
pub fn record(path: &CString, argv: &[CString], arch: Arch) -> Result<Recording> {
    let mut pointers: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    pointers.push(std::ptr::null());
    // SAFETY: fork(2) has no memory arguments. seccompc is single-threaded,
    // and the child only makes raw syscalls before execv.
    let child = unsafe { libc::fork() };
    match child {
        -1 => Err(os_error("fork")),
        0 => exec_traced(path, &pointers),
        pid => Tracer::new(pid, arch).run(),
    }
}

/// The child: become a tracee, stop until the tracer is ready, exec.
fn exec_traced(path: &CString, argv: &[*const libc::c_char]) -> ! {
    // SAFETY: only async-signal-safe calls between fork and exec. signal()
    // installs no handler (SIGPIPE is ignored by Rust's runtime and would
    // stay ignored in the command); ptrace(PTRACE_TRACEME) and kill() take
    // no pointers; execv reads the NUL-terminated `path` and `argv` array,
    // alive in this copy of the parent's memory.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        if ptrace(libc::PTRACE_TRACEME as _, 0, 0, 0) == -1 {
            libc::_exit(126);
        }
        libc::kill(libc::getpid(), libc::SIGSTOP);
        libc::execv(path.as_ptr(), argv.as_ptr());
        let status = if *libc::__errno_location() == libc::ENOENT {
            127
        } else {
            126
        };
        // The tracer reports the failure from the exit status.
        libc::_exit(status)
    }
}

struct Tracer {
    root: libc::pid_t,
    arch: Arch,
    recording: Recording,
}

impl Tracer {
    fn new(root: libc::pid_t, arch: Arch) -> Tracer {
        Tracer {
            root,
            arch,
            recording: Recording::default(),
        }
    }

    fn run(mut self) -> Result<Recording> {
        self.attach()?;
        loop {
            let mut status = 0;
            // SAFETY: waitpid(2) writes one int to `status`.
            let tid = unsafe { libc::waitpid(-1, &mut status, libc::__WALL) };
            if tid == -1 {
                match std::io::Error::last_os_error().raw_os_error() {
                    Some(libc::ECHILD) => break,
                    Some(libc::EINTR) => continue,
                    _ => return Err(os_error("waitpid")),
                }
            }
            self.handle(tid, status)?;
        }
        Ok(self.recording)
    }

    /// Waits for the child's self-stop and sets the tracing options.
    fn attach(&mut self) -> Result<()> {
        let mut status = 0;
        // SAFETY: waitpid(2) writes one int to `status`.
        let waited = unsafe { libc::waitpid(self.root, &mut status, libc::__WALL) };
        if waited == -1 || !libc::WIFSTOPPED(status) {
            return Err(CliError::failed(
                "the command did not start under the tracer (is ptrace allowed here?)",
            ));
        }
        let options = libc::PTRACE_O_TRACESYSGOOD
            | libc::PTRACE_O_TRACEFORK
            | libc::PTRACE_O_TRACEVFORK
            | libc::PTRACE_O_TRACECLONE
            | libc::PTRACE_O_TRACEEXEC
            | libc::PTRACE_O_EXITKILL;
        // SAFETY: PTRACE_SETOPTIONS takes the options in `data`, no memory.
        let set = unsafe { ptrace(libc::PTRACE_SETOPTIONS as _, self.root, 0, options as usize) };
        if set == -1 {
            // SAFETY: kill(2) takes no pointers.
            unsafe { libc::kill(self.root, libc::SIGKILL) };
            return Err(os_error("ptrace(PTRACE_SETOPTIONS)"));
        }
        self.recording.tasks.insert(self.root);
        resume(self.root, 0);
        Ok(())
    }

    fn handle(&mut self, tid: libc::pid_t, status: libc::c_int) -> Result<()> {
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            if tid == self.root {
                self.recording.status = Some(if libc::WIFEXITED(status) {
                    Ending::Exited(libc::WEXITSTATUS(status))
                } else {
                    Ending::Signalled(libc::WTERMSIG(status))
                });
            }
            return Ok(());
        }
        if !libc::WIFSTOPPED(status) {
            return Ok(());
        }
        let first_stop = self.recording.tasks.insert(tid);
        let signal = libc::WSTOPSIG(status);
        let event = status >> 16;
        if signal == SYSCALL_STOP {
            self.syscall_stop(tid)?;
            resume(tid, 0);
        } else if signal == libc::SIGTRAP && event != 0 {
            if event == libc::PTRACE_EVENT_EXEC {
                self.recording.executed = true;
            }
            resume(tid, 0);
        } else if first_stop && signal == libc::SIGSTOP {
            // A new process or thread starts with SIGSTOP: not the program's.
            resume(tid, 0);
        } else if is_group_stop(tid) {
            resume(tid, 0);
        } else {
            // A signal for the tracee: deliver it.
            resume(tid, signal);
        }
        Ok(())
    }

    fn syscall_stop(&mut self, tid: libc::pid_t) -> Result<()> {
        let mut info = PtraceSyscallInfo::default();
        // SAFETY: the kernel writes at most `size` bytes to `info`.
        let got = unsafe {
            ptrace(
                PTRACE_GET_SYSCALL_INFO,
                tid,
                std::mem::size_of::<PtraceSyscallInfo>(),
                (&raw mut info) as usize,
            )
        };
        if got == -1 {
            let e = std::io::Error::last_os_error();
            // The tracee may have been killed meanwhile.
            if e.raw_os_error() == Some(libc::ESRCH) {
                return Ok(());
            }
            return Err(CliError::failed(format!(
                "ptrace(PTRACE_GET_SYSCALL_INFO) failed: {e} (record needs Linux 5.3 or later)"
            )));
        }
        if info.op != PTRACE_SYSCALL_INFO_ENTRY {
            return Ok(());
        }
        let native = info.arch == self.arch.audit_arch()
            && !(self.arch.has_x32_abi() && info.nr & u64::from(X32_SYSCALL_BIT) != 0);
        match u32::try_from(info.nr) {
            Ok(nr) if native => *self.recording.syscalls.entry(nr).or_default() += 1,
            _ => {
                *self
                    .recording
                    .other_abi
                    .entry((info.arch, info.nr))
                    .or_default() += 1
            }
        }
        Ok(())
    }
}

/// A stop without a pending signal (job control), as opposed to a
/// signal-delivery stop: `PTRACE_GETSIGINFO` fails with EINVAL for it.
fn is_group_stop(tid: libc::pid_t) -> bool {
    // SAFETY: siginfo_t is plain data; the kernel writes one to `info`.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        ptrace(
            libc::PTRACE_GETSIGINFO as _,
            tid,
            0,
            (&raw mut info) as usize,
        ) == -1
            && *libc::__errno_location() == libc::EINVAL
    }
}

/// Lets `tid` run to its next syscall stop, delivering `signal` if not 0.
/// A tracee killed meanwhile (ESRCH) is reported by waitpid later.
fn resume(tid: libc::pid_t, signal: libc::c_int) {
    // SAFETY: PTRACE_SYSCALL takes the signal in `data`, no memory.
    unsafe {
        // `signal` is a signal number, positive and small.
        ptrace(libc::PTRACE_SYSCALL as _, tid, 0, signal as usize);
    }
}

/// ptrace(2) with `addr` and `data` passed as the pointer-sized values the
/// variadic C function reads.
///
/// # Safety
/// `data` (and `addr` for requests that use it as one) must be a valid
/// pointer for what `request` writes.
unsafe fn ptrace(
    request: libc::c_uint,
    tid: libc::pid_t,
    addr: usize,
    data: usize,
) -> libc::c_long {
    // SAFETY: forwarded from the caller; the request type differs between
    // C libraries (c_uint in glibc, c_int in musl), hence the cast.
    unsafe {
        libc::ptrace(
            request as _,
            tid,
            addr as *mut libc::c_void,
            data as *mut libc::c_void,
        )
    }
}

fn os_error(what: &str) -> CliError {
    CliError::failed(format!(
        "{what} failed: {}",
        std::io::Error::last_os_error()
    ))
}
