//! loongarch64 system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions"; LoongArch
//! ELF psABI; glibc sysdeps/unix/sysv/linux/loongarch/sysdep.h,
//! `__SYSCALL_CLOBBERS`):
//!
//! | instruction | number | arguments 1..6            | result | clobbered by the kernel |
//! |-------------|--------|---------------------------|--------|-------------------------|
//! | `syscall 0` | `$a7`  | `$a0` `$a1` `$a2` `$a3` `$a4` `$a5` | `$a0`  | `$t0`..`$t8`            |
//!
//! LoongArch has no flags register. Errors come back as `-errno` in `$a0`.
//!
//! Numbers: include/uapi/asm-generic/unistd.h (loongarch uses the generic
//! table).

use core::arch::asm;

/// `AUDIT_ARCH_LOONGARCH64` = `EM_LOONGARCH | __AUDIT_ARCH_64BIT |
/// __AUDIT_ARCH_LE` (include/uapi/linux/audit.h).
pub(crate) const AUDIT_ARCH: u32 = 0xC000_0102;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 64;
    pub(crate) const __NR_exit_group: usize = 94;
    pub(crate) const __NR_rt_sigaction: usize = 134;
    pub(crate) const __NR_prctl: usize = 167;
    pub(crate) const __NR_seccomp: usize = 277;
}

/// Declares the temporaries `$t0`..`$t8` clobbered after a `syscall`.
macro_rules! syscall {
    ($($operands:tt)*) => {
        asm!(
            "syscall 0",
            $($operands)*
            lateout("$t0") _, lateout("$t1") _, lateout("$t2") _,
            lateout("$t3") _, lateout("$t4") _, lateout("$t5") _,
            lateout("$t6") _, lateout("$t7") _, lateout("$t8") _,
            options(nostack)
        )
    };
}

/// # Safety
/// The caller upholds the contract of syscall `nr` for these arguments.
#[inline]
pub(crate) unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds syscall `nr`'s contract; the operands below
    // are exactly the registers the instruction reads and writes.
    unsafe {
        syscall!(
            in("$a7") nr,
            inlateout("$a0") a0 => ret,
            in("$a1") a1,
            in("$a2") a2,
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
        syscall!(
            in("$a7") nr,
            inlateout("$a0") a0 => ret,
            in("$a1") a1,
            in("$a2") a2,
            in("$a3") a3,
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
        syscall!(
            in("$a7") nr,
            inlateout("$a0") a0 => ret,
            in("$a1") a1,
            in("$a2") a2,
            in("$a3") a3,
            in("$a4") a4,
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `break 0` raises SIGTRAP instead of running on.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached.
    unsafe {
        asm!(
            "syscall 0",
            "break 0",
            in("$a7") nr,
            in("$a0") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none:
/// loongarch has neither the flag nor the field and always returns through
/// the vDSO's `__vdso_rt_sigreturn` (arch/loongarch/kernel/signal.c).
pub(crate) fn restorer() -> usize {
    0
}
