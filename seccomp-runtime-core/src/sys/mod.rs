//! The kernel interface: raw system calls and the memory layouts the kernel
//! reads.
//!
//! # Safety
//!
//! This module tree is the only place in the crate with `unsafe` code
//! (the crate root denies `unsafe_code`). What it relies on:
//!
//! - The per-architecture modules (`x86_64.rs`, ...) issue the syscall
//!   instruction with inline asm. Each declares exactly the registers the
//!   kernel reads and writes for its ABI (documented in its header); the
//!   templates are compiled for every architecture by
//!   `tools/check-runtime-asm.sh`.
//! - The safe wrappers below pass the kernel only pointers taken from Rust
//!   references that outlive the call, together with their lengths, and only
//!   for syscalls that read that memory (`write`, `seccomp`, `prctl`,
//!   `rt_sigaction`) or write none. No wrapper lets the kernel write into
//!   Rust memory.
//! - [`filter_bytes`] views `[SockFilter]` as bytes: `SockFilter` is
//!   `repr(C)` with no padding (asserted at compile time).
//! - `signal` installs a SIGSYS handler; the handler reads the `siginfo` the
//!   kernel passes it, with offsets taken from the kernel's layout and
//!   asserted at compile time, and (`context`) the argument registers in
//!   the `ucontext` of the signal frame, at offsets from the kernel's
//!   headers.
//! - `names` republishes a `&'static` slice through two atomics guarded by
//!   a sequence counter, and rebuilds it only when the counter proves the
//!   two halves belong together.
//!
//! Return values are decoded in exactly one place, [`decode`].

#![allow(unsafe_code)]

mod context;
// Every architecture's table, whatever the target: the tests read them all.
#[allow(dead_code)]
mod frame;
mod names;
mod signal;

pub(crate) use names::{publish_names, published_names};
pub(crate) use signal::{SYS_SECCOMP, Sigsys, install_sigsys_handler};

use crate::filter::SockFilter;

#[cfg(not(any(target_os = "linux", target_os = "android")))]
compile_error!("seccomp-runtime works only on Linux: seccomp is a Linux kernel facility");

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "x86",
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "riscv64",
    target_arch = "s390x",
    target_arch = "powerpc64",
    target_arch = "loongarch64",
)))]
compile_error!(
    "seccomp-runtime supports x86_64, x86, aarch64, arm, riscv64, s390x, powerpc64 and loongarch64"
);

#[cfg_attr(target_arch = "x86_64", path = "x86_64.rs")]
#[cfg_attr(target_arch = "x86", path = "x86.rs")]
#[cfg_attr(target_arch = "aarch64", path = "aarch64.rs")]
#[cfg_attr(target_arch = "arm", path = "arm.rs")]
#[cfg_attr(target_arch = "riscv64", path = "riscv64.rs")]
#[cfg_attr(target_arch = "s390x", path = "s390x.rs")]
#[cfg_attr(target_arch = "powerpc64", path = "powerpc64.rs")]
#[cfg_attr(target_arch = "loongarch64", path = "loongarch64.rs")]
mod arch;

use arch::nr::*;

/// The `AUDIT_ARCH_*` value the kernel reports for this process's native
/// syscalls (`seccomp_data.arch`, `siginfo.si_arch`).
pub(crate) const AUDIT_ARCH: u32 = arch::AUDIT_ARCH;

/// A positive errno value from a failed syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Errno(pub(crate) i32);

// Errno values: include/uapi/asm-generic/errno-base.h and errno.h, shared by
// every supported architecture (mips, alpha, sparc and parisc differ).
impl Errno {
    pub(crate) const ESRCH: Errno = Errno(3);
    pub(crate) const EINTR: Errno = Errno(4);
    pub(crate) const EACCES: Errno = Errno(13);
    pub(crate) const EINVAL: Errno = Errno(22);
    pub(crate) const ENOSYS: Errno = Errno(38);
    pub(crate) const EOPNOTSUPP: Errno = Errno(95);
}

/// Decodes a raw syscall return: the kernel returns a `long`, with `-errno`
/// in `-4095..=-1` (include/linux/err.h, `MAX_ERRNO`) and a result
/// otherwise. The powerpc module converts its `cr0.SO` convention to this one
/// before we get here.
fn decode(ret: usize) -> Result<usize, Errno> {
    // The register holds a `long`: reinterpreting the bits is the point.
    let signed = ret as isize;
    if (-4095..=-1).contains(&signed) {
        // In 1..=4095, so the narrowing cannot lose bits.
        Err(Errno(-signed as i32))
    } else {
        Ok(ret)
    }
}

/// `write(fd, buf, len)`.
pub(crate) fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    // The kernel takes `unsigned int fd`: the reinterpretation is its own.
    let fd = fd as u32 as usize;
    // SAFETY: write(2) reads `buf.len()` bytes at `buf`, which the borrow
    // keeps alive for the call; it writes no user memory.
    decode(unsafe { arch::syscall3(__NR_write, fd, buf.as_ptr() as usize, buf.len()) })
}

/// `exit_group(status)`: ends every thread of the process, running no
/// destructors and no `atexit` handlers.
pub(crate) fn exit_group(status: i32) -> ! {
    // The kernel takes `int`; the register carries it sign-extended.
    let status = status as isize as usize;
    // SAFETY: exit_group(2) reads no memory and does not return.
    unsafe { arch::syscall1_noreturn(__NR_exit_group, status) }
}

/// `prctl(option, arg2, 0, 0, 0)`: the options used here insist that the
/// unused arguments are zero (kernel/sys.c).
fn prctl(option: usize, arg2: usize) -> Result<usize, Errno> {
    // SAFETY: the options passed here (PR_SET_NO_NEW_PRIVS, PR_GET_SECCOMP)
    // take integers only: the kernel reads and writes no user memory.
    decode(unsafe { arch::syscall5(__NR_prctl, option, arg2, 0, 0, 0) })
}

/// include/uapi/linux/prctl.h
const PR_GET_SECCOMP: usize = 21;
const PR_SET_SECCOMP: usize = 22;
const PR_SET_NO_NEW_PRIVS: usize = 38;
/// include/uapi/linux/seccomp.h
const SECCOMP_MODE_FILTER: usize = 2;
const SECCOMP_SET_MODE_FILTER: usize = 1;
const SECCOMP_GET_ACTION_AVAIL: usize = 2;

/// `prctl(PR_SET_NO_NEW_PRIVS, 1)`: this thread (and, through TSYNC, the
/// threads a filter is synchronised to) can no longer gain privileges by
/// `execve`, which lets an unprivileged process install filters.
pub(crate) fn set_no_new_privs() -> Result<(), Errno> {
    prctl(PR_SET_NO_NEW_PRIVS, 1).map(drop)
}

/// `prctl(PR_GET_SECCOMP)`: fails with EINVAL on kernels built without
/// seccomp.
pub(crate) fn get_seccomp_mode() -> Result<usize, Errno> {
    prctl(PR_GET_SECCOMP, 0)
}

/// `struct sock_fprog` (include/uapi/linux/filter.h).
#[repr(C)]
struct SockFprog {
    len: u16,
    filter: *const SockFilter,
}

impl SockFprog {
    /// Callers have checked the length against `BPF_MAXINSNS`; a longer
    /// program is passed as length 0, which the kernel refuses (EINVAL).
    fn new(program: &[SockFilter]) -> SockFprog {
        let len = u16::try_from(program.len()).unwrap_or(0);
        SockFprog {
            len,
            filter: program.as_ptr(),
        }
    }
}

/// `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)`: the pre-3.17 way to
/// install a filter, without flags.
pub(crate) fn prctl_set_seccomp_filter(program: &[SockFilter]) -> Result<(), Errno> {
    let prog = SockFprog::new(program);
    let prog_ptr = &prog as *const SockFprog as usize;
    // SAFETY: prctl(PR_SET_SECCOMP) reads `prog` and the `len` instructions
    // it points to, all borrowed for the call; the kernel copies them before
    // returning. It writes no user memory.
    decode(unsafe {
        arch::syscall5(
            __NR_prctl,
            PR_SET_SECCOMP,
            SECCOMP_MODE_FILTER,
            prog_ptr,
            0,
            0,
        )
    })
    .map(drop)
}

/// `seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog)`. With TSYNC a positive
/// result is the id of the thread that could not be synchronised.
pub(crate) fn seccomp_set_mode_filter(flags: u32, program: &[SockFilter]) -> Result<usize, Errno> {
    let prog = SockFprog::new(program);
    let prog_ptr = &prog as *const SockFprog as usize;
    // SAFETY: seccomp(2) reads `prog` and the `len` instructions it points
    // to, all borrowed for the call; the kernel copies them before
    // returning. It writes no user memory.
    decode(unsafe {
        arch::syscall3(
            __NR_seccomp,
            SECCOMP_SET_MODE_FILTER,
            flags as usize,
            prog_ptr,
        )
    })
}

/// `seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL)`: installs nothing. The
/// kernel validates `flags` before it reads the program
/// (kernel/seccomp.c, `seccomp_set_mode_filter`), so this fails with EINVAL
/// when the flags are unknown to it and with EFAULT when they pass.
pub(crate) fn seccomp_probe_flags(flags: u32) -> Result<usize, Errno> {
    // SAFETY: a NULL program makes the kernel's copy_from_user fail; no
    // memory is read or written.
    decode(unsafe { arch::syscall3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags as usize, 0) })
}

/// `seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action)` (Linux 4.14+): Ok when
/// the kernel knows `action`, EOPNOTSUPP when it does not.
pub(crate) fn seccomp_get_action_avail(action: u32) -> Result<(), Errno> {
    let action_ptr = &action as *const u32 as usize;
    // SAFETY: the kernel reads one u32 at `action_ptr`, a local that
    // outlives the call; it writes no user memory.
    decode(unsafe { arch::syscall3(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, action_ptr) })
        .map(drop)
}

/// The program as the kernel reads it: `len * 8` bytes, native byte order.
pub(crate) fn filter_bytes(program: &'static [SockFilter]) -> &'static [u8] {
    const { assert!(core::mem::size_of::<SockFilter>() == 8) };
    const { assert!(core::mem::align_of::<SockFilter>() <= 8) };
    // SAFETY: `SockFilter` is `repr(C)` { u16, u8, u8, u32 }: 8 bytes with
    // no padding (asserted above), so every byte of the slice is initialised;
    // u8 has alignment 1; the length cannot overflow because the slice
    // already occupies that many bytes; the borrow is 'static and shared.
    unsafe {
        core::slice::from_raw_parts(
            program.as_ptr().cast::<u8>(),
            core::mem::size_of_val(program),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_splits_errno_from_results() {
        assert_eq!(decode(0), Ok(0));
        assert_eq!(decode(1234), Ok(1234));
        assert_eq!(decode(-1isize as usize), Err(Errno(1)));
        assert_eq!(decode(-38isize as usize), Err(Errno::ENOSYS));
        assert_eq!(decode(-4095isize as usize), Err(Errno(4095)));
        // Just outside the errno range: a valid (if odd) result, such as an
        // address near the top of memory.
        assert_eq!(decode(-4096isize as usize), Ok(-4096isize as usize));
        assert_eq!(decode(usize::MAX / 2 + 1), Ok(usize::MAX / 2 + 1));
    }

    #[test]
    fn filter_bytes_are_the_native_layout() {
        static PROG: [SockFilter; 2] = [
            SockFilter::new(0x20, 0, 0, 4),
            SockFilter::new(0x06, 1, 2, 0x7fff_0000),
        ];
        let bytes = filter_bytes(&PROG);
        assert_eq!(bytes.len(), 16);
        let mut expected = [0u8; 16];
        for (chunk, insn) in expected.chunks_mut(8).zip(&PROG) {
            chunk[0..2].copy_from_slice(&insn.code.to_ne_bytes());
            chunk[2] = insn.jt;
            chunk[3] = insn.jf;
            chunk[4..8].copy_from_slice(&insn.k.to_ne_bytes());
        }
        assert_eq!(bytes, expected);
    }

    #[test]
    fn write_reports_bad_descriptors() {
        assert_eq!(write(-1, b"x"), Err(Errno(9)));
    }
}
