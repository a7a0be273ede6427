//! 32-bit arm (EABI) system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions";
//! arch/arm/kernel/entry-common.S, `vector_swi`):
//!
//! | instruction | number | arguments 1..6            | result | clobbered by the kernel |
//! |-------------|--------|---------------------------|--------|-------------------------|
//! | `svc #0`    | `r7`   | `r0` `r1` `r2` `r3` `r4` `r5` | `r0`   | nothing else            |
//!
//! The kernel restores `cpsr`, so the flags survive. In Thumb mode `r7` is
//! the frame pointer and rustc refuses it as an operand, so the number is
//! moved into `r7` inside the template and `r7` is restored afterwards; the
//! same sequence is correct in ARM mode. The old ABI (OABI, number in the
//! `swi` immediate) is not supported. Errors come back as `-errno` in `r0`.
//!
//! Numbers: arch/arm/tools/syscall.tbl (rows `common`/`eabi`).

use core::arch::asm;

/// `AUDIT_ARCH_ARM` = `EM_ARM | __AUDIT_ARCH_LE`, or `AUDIT_ARCH_ARMEB` =
/// `EM_ARM` for big-endian (include/uapi/linux/audit.h;
/// arch/arm/include/asm/syscall.h picks by `__ARMEB__`).
#[cfg(target_endian = "little")]
pub(crate) const AUDIT_ARCH: u32 = 0x4000_0028;
#[cfg(target_endian = "big")]
pub(crate) const AUDIT_ARCH: u32 = 0x0000_0028;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 4;
    pub(crate) const __NR_prctl: usize = 172;
    pub(crate) const __NR_rt_sigaction: usize = 174;
    pub(crate) const __NR_exit_group: usize = 248;
    pub(crate) const __NR_seccomp: usize = 383;
}

/// # Safety
/// The caller upholds the contract of syscall `nr` for these arguments.
#[inline]
pub(crate) unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds syscall `nr`'s contract; `r7` holds the
    // number only during `svc` and gets its value back from `{tmp}`.
    unsafe {
        asm!(
            "mov {tmp}, r7",
            "mov r7, {nr}",
            "svc #0",
            "mov r7, {tmp}",
            nr = in(reg) nr,
            tmp = out(reg) _, // holds r7 across the call
            inlateout("r0") a0 => ret,
            in("r1") a1,
            in("r2") a2,
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
            "mov {tmp}, r7",
            "mov r7, {nr}",
            "svc #0",
            "mov r7, {tmp}",
            nr = in(reg) nr,
            tmp = out(reg) _, // holds r7 across the call
            inlateout("r0") a0 => ret,
            in("r1") a1,
            in("r2") a2,
            in("r3") a3,
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
            "mov {tmp}, r7",
            "mov r7, {nr}",
            "svc #0",
            "mov r7, {tmp}",
            nr = in(reg) nr,
            tmp = out(reg) _, // holds r7 across the call
            inlateout("r0") a0 => ret,
            in("r1") a1,
            in("r2") a2,
            in("r3") a3,
            in("r4") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `udf` raises SIGILL instead of running on.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached, so `r7` need not be restored.
    unsafe {
        asm!(
            "mov r7, {nr}",
            "svc #0",
            "udf #16",
            nr = in(reg) nr,
            in("r0") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none: arm
/// returns through the kernel's sigpage when none is given
/// (arch/arm/kernel/signal.c, `setup_return`).
pub(crate) fn restorer() -> usize {
    0
}
