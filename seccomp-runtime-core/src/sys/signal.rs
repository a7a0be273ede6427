//! The SIGSYS handler behind `report_violations`.

use super::{__NR_rt_sigaction, Errno, arch, decode};

/// `SIGSYS` (include/uapi/asm-generic/signal.h and the arch signal.h files:
/// 31 on every supported architecture; mips differs).
const SIGSYS: usize = 31;
/// include/uapi/asm-generic/signal-defs.h; x86, arm, arm64, powerpc and s390
/// use the same values in their own headers.
const SA_SIGINFO: usize = 0x0000_0004;
const SA_RESTORER: usize = 0x0400_0000;
/// `sizeof(sigset_t)` as rt_sigaction(2) insists on it: `_NSIG` is 64 on
/// every supported architecture.
const SIGSET_SIZE: usize = 8;

/// `si_code` of a SIGSYS raised by a seccomp filter's `SECCOMP_RET_TRAP`
/// (include/uapi/asm-generic/siginfo.h).
pub(crate) const SYS_SECCOMP: i32 = 1;

/// The kernel's `struct sigaction` (include/linux/signal_types.h), which
/// rt_sigaction(2) reads, not libc's. `sa_restorer` exists where the
/// architecture defines `__ARCH_HAS_SA_RESTORER`: all supported ones except
/// riscv and loongarch.
#[repr(C)]
struct KernelSigaction {
    handler: usize,
    /// `unsigned long sa_flags`
    flags: usize,
    #[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
    restorer: usize,
    /// `sigset_t`: 64 bits, as two u32 so the layout is the same with 32-bit
    /// `unsigned long` words.
    mask: [u32; 2],
}

/// The start of `siginfo_t` as SIGSYS fills it (include/uapi/asm-generic/
/// siginfo.h): `si_signo`, `si_errno`, `si_code` (the order every supported
/// architecture uses; mips swaps two), then the `_sifields` union, aligned
/// for the pointers in it, whose `_sigsys` member is `{ void *_call_addr;
/// int _syscall; unsigned int _arch; }`.
#[repr(C)]
struct SigsysSiginfo {
    si_signo: i32,
    si_errno: i32,
    si_code: i32,
    call_addr: *const u8,
    syscall: i32,
    arch: u32,
}

// The offsets glibc's and the kernel's headers give `si_syscall`/`si_arch`:
// 24/28 with 64-bit pointers (`_sifields` at 16), 16/20 with 32-bit ones.
const _: () = {
    use core::mem::offset_of;
    let pointer = core::mem::size_of::<usize>();
    assert!(offset_of!(SigsysSiginfo, si_code) == 8);
    assert!(offset_of!(SigsysSiginfo, call_addr) == if pointer == 8 { 16 } else { 12 });
    assert!(offset_of!(SigsysSiginfo, syscall) == if pointer == 8 { 24 } else { 16 });
    assert!(offset_of!(SigsysSiginfo, arch) == if pointer == 8 { 28 } else { 20 });
};

/// What the kernel says about a SIGSYS.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sigsys {
    /// `si_code`: [`SYS_SECCOMP`] when a filter trapped a syscall.
    pub(crate) code: i32,
    /// `si_syscall`: the syscall number as the filter saw it.
    pub(crate) syscall: i32,
    /// `si_arch`: the `AUDIT_ARCH_*` of the syscall's ABI.
    pub(crate) arch: u32,
    /// The call's six argument registers, where this architecture's signal
    /// frame layout is known (`context.rs`).
    pub(crate) args: Option<[u64; 6]>,
}

/// Installs the process-wide SIGSYS handler, which hands the signal to
/// `crate::report::on_sigsys`. Every signal is blocked while it runs.
pub(crate) fn install_sigsys_handler() -> Result<(), Errno> {
    let handler: unsafe extern "C" fn(i32, *const SigsysSiginfo, *mut u8) = sigsys_handler;
    let restorer = arch::restorer();
    let action = KernelSigaction {
        handler: handler as usize,
        flags: SA_SIGINFO | if restorer != 0 { SA_RESTORER } else { 0 },
        #[cfg(not(any(target_arch = "riscv64", target_arch = "loongarch64")))]
        restorer,
        mask: [u32::MAX; 2],
    };
    let action_ptr = &action as *const KernelSigaction as usize;
    // SAFETY: rt_sigaction(2) reads `action`, a local that outlives the call,
    // and writes nothing (NULL `oldact`). The handler it installs reads only
    // the siginfo the kernel passes it.
    decode(unsafe { arch::syscall4(__NR_rt_sigaction, SIGSYS, action_ptr, 0, SIGSET_SIZE) })
        .map(drop)
}

/// The SIGSYS handler. Does nothing but read `info` and make raw syscalls
/// (through `on_sigsys`), so it is async-signal-safe.
///
/// # Safety
/// Only the kernel calls it, for a signal installed with `SA_SIGINFO`.
unsafe extern "C" fn sigsys_handler(_signo: i32, info: *const SigsysSiginfo, context: *mut u8) {
    // SAFETY: with SA_SIGINFO the kernel passes a pointer to a whole
    // siginfo_t (128 bytes) in the signal frame, valid and aligned while the
    // handler runs; `SigsysSiginfo` covers its first 32 bytes.
    let info = unsafe { &*info };
    // SAFETY: and a pointer to the frame's `struct ucontext`, equally valid.
    let args = unsafe { super::context::syscall_arguments(context) };
    crate::report::on_sigsys(Sigsys {
        code: info.si_code,
        syscall: info.syscall,
        arch: info.arch,
        args,
    })
}
