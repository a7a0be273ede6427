//! ptrace(2), waitpid(2) and the tracee's memory: the only module that
//! talks to the kernel about tracees, each call in one small function.

use std::io;

/// `PTRACE_GET_SYSCALL_INFO` (include/uapi/linux/ptrace.h, Linux 5.3).
const PTRACE_GET_SYSCALL_INFO: libc::c_uint = 0x420e;
/// `ptrace_syscall_info.op` values (include/uapi/linux/ptrace.h).
pub const PTRACE_SYSCALL_INFO_ENTRY: u8 = 1;
pub const PTRACE_SYSCALL_INFO_EXIT: u8 = 2;
pub const PTRACE_SYSCALL_INFO_SECCOMP: u8 = 3;

/// `struct ptrace_syscall_info` (include/uapi/linux/ptrace.h). The union
/// after the header is `entry { nr, args[6] }`, `exit { rval, is_error }`
/// or `seccomp { nr, args[6], ret_data }`: `nr`/`rval` share offset 24, so
/// one layout with `nr` read as `rval` on exit covers all three.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct SyscallInfo {
    pub op: u8,
    pad: [u8; 3],
    /// `AUDIT_ARCH_*` of the call's ABI.
    pub arch: u32,
    pub instruction_pointer: u64,
    stack_pointer: u64,
    /// `entry.nr`, `seccomp.nr`, or `exit.rval` (as two's complement).
    pub nr: u64,
    /// `entry.args`, `seccomp.args`; on exit `args[0] & 0xff` is `is_error`.
    pub args: [u64; 6],
    /// `seccomp.ret_data`: the `SECCOMP_RET_DATA` of the filter's return.
    pub ret_data: u32,
    reserved: u32,
}

impl SyscallInfo {
    /// The return value at a syscall-exit stop.
    pub fn rval(&self) -> i64 {
        // Two's complement reinterpretation of `exit.rval` (an `__s64`).
        self.nr as i64
    }
}

/// How a waited-for tracee changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    Exited(i32),
    Signalled(i32),
    /// A ptrace stop: the signal (`SIGTRAP | 0x80` for syscall stops) and
    /// the `PTRACE_EVENT_*` (0 for none).
    Stopped {
        signal: i32,
        event: i32,
    },
}

/// The stop signal of a syscall stop under `PTRACE_O_TRACESYSGOOD`.
pub const SYSCALL_STOP: i32 = libc::SIGTRAP | 0x80;

/// Waits for any tracee or child of this thread (`__WALL | __WNOTHREAD`:
/// never for the children of other threads, which matters inside a test
/// harness). `None` when there is nothing left to wait for.
pub fn wait_any() -> io::Result<Option<(libc::pid_t, Wait)>> {
    loop {
        let mut status = 0;
        // SAFETY: waitpid(2) writes one int to `status`.
        let tid = unsafe { libc::waitpid(-1, &mut status, libc::__WALL | libc::__WNOTHREAD) };
        if tid == -1 {
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::ECHILD) => return Ok(None),
                Some(libc::EINTR) => continue,
                _ => return Err(e),
            }
        }
        return Ok(Some((tid, decode_status(status))));
    }
}

/// Waits for `tid` itself.
pub fn wait_for(tid: libc::pid_t) -> io::Result<Wait> {
    loop {
        let mut status = 0;
        // SAFETY: waitpid(2) writes one int to `status`.
        let got = unsafe { libc::waitpid(tid, &mut status, libc::__WALL) };
        if got == -1 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err(e);
        }
        return Ok(decode_status(status));
    }
}

fn decode_status(status: libc::c_int) -> Wait {
    if libc::WIFEXITED(status) {
        Wait::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Wait::Signalled(libc::WTERMSIG(status))
    } else {
        Wait::Stopped {
            signal: libc::WSTOPSIG(status),
            event: status >> 16,
        }
    }
}

/// How to let a stopped tracee go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// `PTRACE_CONT`: until the next event or signal.
    Continue,
    /// `PTRACE_SYSCALL`: also stop at the next syscall entry or exit.
    Syscall,
}

/// Resumes `tid`, delivering `signal` if not 0. A tracee killed meanwhile
/// (ESRCH) is reported by waitpid later, so that error is not one.
pub fn resume(tid: libc::pid_t, how: Resume, signal: i32) {
    let request = match how {
        Resume::Continue => libc::PTRACE_CONT,
        Resume::Syscall => libc::PTRACE_SYSCALL,
    };
    // Signal numbers are small and positive.
    let signal = usize::try_from(signal).unwrap_or(0);
    // SAFETY: PTRACE_CONT/PTRACE_SYSCALL take the signal in `data`, no memory.
    unsafe {
        ptrace(request as _, tid, 0, signal);
    }
}

/// Sets the tracing options of a tracee in a ptrace stop.
pub fn set_options(tid: libc::pid_t, options: libc::c_int) -> io::Result<()> {
    // Option bits are positive.
    let data = usize::try_from(options).unwrap_or(0);
    // SAFETY: PTRACE_SETOPTIONS takes the options in `data`, no memory.
    check(unsafe { ptrace(libc::PTRACE_SETOPTIONS as _, tid, 0, data) })
}

/// The message of the last `PTRACE_EVENT_*` stop: a new task's id, an
/// exec's former thread id, a seccomp filter's `SECCOMP_RET_DATA`.
pub fn event_message(tid: libc::pid_t) -> io::Result<u64> {
    // An `unsigned long`, which is 64 bits on every machine this supports.
    let mut message: u64 = 0;
    // SAFETY: PTRACE_GETEVENTMSG writes one unsigned long to `data`.
    check(unsafe {
        ptrace(
            libc::PTRACE_GETEVENTMSG as _,
            tid,
            0,
            (&raw mut message) as usize,
        )
    })?;
    Ok(message)
}

/// What the tracee is doing, at a syscall or seccomp stop.
pub fn syscall_info(tid: libc::pid_t) -> io::Result<SyscallInfo> {
    let mut info = SyscallInfo::default();
    // SAFETY: the kernel writes at most `size` bytes to `info`.
    check(unsafe {
        ptrace(
            PTRACE_GET_SYSCALL_INFO,
            tid,
            std::mem::size_of::<SyscallInfo>(),
            (&raw mut info) as usize,
        )
    })?;
    Ok(info)
}

/// The siginfo of a signal-delivery stop, or `None` for a group stop
/// (`PTRACE_GETSIGINFO` fails with EINVAL there: no signal is pending).
pub fn siginfo(tid: libc::pid_t) -> Option<libc::siginfo_t> {
    // SAFETY: siginfo_t is plain data; the kernel writes one to `info`.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let got = ptrace(
            libc::PTRACE_GETSIGINFO as _,
            tid,
            0,
            (&raw mut info) as usize,
        );
        (got != -1).then_some(info)
    }
}

/// The `_sigsys` fields of a SIGSYS siginfo: `(si_syscall, si_arch)`.
pub fn sigsys_fields(info: &libc::siginfo_t) -> (i32, u32) {
    /// The start of `siginfo_t` as SIGSYS fills it
    /// (include/uapi/asm-generic/siginfo.h).
    #[repr(C)]
    struct Sigsys {
        signo: i32,
        errno: i32,
        code: i32,
        call_addr: *const u8,
        syscall: i32,
        arch: u32,
    }
    // SAFETY: `siginfo_t` is 128 bytes, larger than `Sigsys`, and at least
    // as aligned (it holds pointers); every bit pattern is a valid `Sigsys`.
    let fields = unsafe { &*(info as *const libc::siginfo_t).cast::<Sigsys>() };
    (fields.syscall, fields.arch)
}

/// Reads `len` bytes of the tracee's memory at `addr`.
pub fn read_memory(pid: libc::pid_t, addr: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; len];
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: len,
    };
    let remote = libc::iovec {
        iov_base: usize::try_from(addr).map_err(|_| io::Error::from_raw_os_error(libc::EFAULT))?
            as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: process_vm_readv(2) writes at most `len` bytes into `buf`,
    // which holds `len`; the remote side is only read.
    let got = unsafe { libc::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    match usize::try_from(got) {
        Ok(n) if n == len => Ok(buf),
        Ok(_) => Err(io::Error::from_raw_os_error(libc::EFAULT)),
        Err(_) => Err(io::Error::last_os_error()),
    }
}

/// Writes one 8-byte word into the tracee's memory with
/// `PTRACE_POKEDATA`, which writes through read-only mappings (the kernel
/// uses FOLL_FORCE, as a debugger setting a breakpoint needs):
/// process_vm_writev does not, and a policy is usually in `.rodata`.
pub fn poke_word(tid: libc::pid_t, addr: u64, word: [u8; 8]) -> io::Result<()> {
    let addr = usize::try_from(addr).map_err(|_| io::Error::from_raw_os_error(libc::EFAULT))?;
    // On 64-bit machines a word is 8 bytes; this crate supports no other.
    let data = usize::from_ne_bytes(word);
    // SAFETY: PTRACE_POKEDATA writes the tracee's memory, not ours.
    check(unsafe { ptrace(libc::PTRACE_POKEDATA as _, tid, addr, data) })
}

// One sock_filter is one ptrace word: the rewriting writes whole
// instructions with one poke each.
const _: () = assert!(std::mem::size_of::<usize>() == 8);

/// `Tgid:` of /proc/TID/status: the process a thread belongs to.
pub fn thread_group(tid: libc::pid_t) -> Option<libc::pid_t> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}

fn check(ret: libc::c_long) -> io::Result<()> {
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// ptrace(2) with `addr` and `data` passed as the pointer-sized values the
/// variadic C function reads.
///
/// # Safety
/// `data` (and `addr` for requests that use it as one) must be a valid
/// pointer for what `request` writes.
pub unsafe fn ptrace(
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
