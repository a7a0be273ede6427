//! aarch64 system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions";
//! arch/arm64/kernel/entry-common.c reads `regs->regs[8]` as the number):
//!
//! | instruction | number | arguments 1..6            | result | clobbered by the kernel |
//! |-------------|--------|---------------------------|--------|-------------------------|
//! | `svc #0`    | `x8`   | `x0` `x1` `x2` `x3` `x4` `x5` | `x0`   | nothing else            |
//!
//! The kernel restores `pstate`, so the flags survive. Errors come back as
//! `-errno` in `x0`.
//!
//! Numbers: include/uapi/asm-generic/unistd.h (arm64 uses the generic
//! table).

use core::arch::asm;

#[cfg(target_pointer_width = "32")]
compile_error!("seccomp-runtime does not support arm64 ILP32");

/// `AUDIT_ARCH_AARCH64` = `EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`
/// (include/uapi/linux/audit.h); arch/arm64/include/asm/syscall.h reports it
/// for every native task, big-endian ones included.
pub(crate) const AUDIT_ARCH: u32 = 0xC000_00B7;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 64;
    pub(crate) const __NR_exit_group: usize = 94;
    pub(crate) const __NR_rt_sigaction: usize = 134;
    pub(crate) const __NR_prctl: usize = 167;
    pub(crate) const __NR_seccomp: usize = 277;
}

/// # Safety
/// The caller upholds the contract of syscall `nr` for these arguments.
#[inline]
pub(crate) unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds syscall `nr`'s contract; the operands below
    // are exactly the registers the instruction reads and writes.
    unsafe {
        asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret,
            in("x1") a1,
            in("x2") a2,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// # Safety
/// The caller upholds the contract of syscall `nr` for these arguments.
#[inline]
pub(crate) unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: as in `syscall3`.
    unsafe {
        asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret,
            in("x1") a1,
            in("x2") a2,
            in("x3") a3,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// # Safety
/// The caller upholds the contract of syscall `nr` for these arguments.
#[inline]
pub(crate) unsafe fn syscall5(
    nr: usize,
    a0: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
) -> usize {
    let ret;
    // SAFETY: as in `syscall3`.
    unsafe {
        asm!(
            "svc #0",
            in("x8") nr,
            inlateout("x0") a0 => ret,
            in("x1") a1,
            in("x2") a2,
            in("x3") a3,
            in("x4") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `brk` raises SIGTRAP instead of running on.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached.
    unsafe {
        asm!(
            "svc #0",
            "brk #0x1",
            in("x8") nr,
            in("x0") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none: arm64
/// returns through the vDSO's `__kernel_rt_sigreturn` when none is given
/// (arch/arm64/kernel/signal.c, `setup_return`).
pub(crate) fn restorer() -> usize {
    0
}
