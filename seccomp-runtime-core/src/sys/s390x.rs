//! s390x system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions";
//! arch/s390/kernel/entry.S, `system_call`):
//!
//! | instruction | number | arguments 1..6            | result | clobbered by the kernel |
//! |-------------|--------|---------------------------|--------|-------------------------|
//! | `svc 0`     | `r1`   | `r2` `r3` `r4` `r5` `r6` `r7` | `r2`   | nothing else            |
//!
//! `svc NR` with the number as immediate only reaches numbers below 256;
//! `svc 0` takes it from `r1` and reaches all of them. The condition code
//! is not declared preserved. Errors come back as `-errno` in `r2`.
//!
//! Numbers: arch/s390/kernel/syscalls/syscall.tbl (rows `common`/`64`).

use core::arch::asm;

/// `AUDIT_ARCH_S390X` = `EM_S390 | __AUDIT_ARCH_64BIT` (big-endian;
/// include/uapi/linux/audit.h).
pub(crate) const AUDIT_ARCH: u32 = 0x8000_0016;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 4;
    pub(crate) const __NR_prctl: usize = 172;
    pub(crate) const __NR_rt_sigaction: usize = 174;
    pub(crate) const __NR_exit_group: usize = 248;
    pub(crate) const __NR_seccomp: usize = 348;
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a0 => ret,
            in("r3") a1,
            in("r4") a2,
            options(nostack)
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a0 => ret,
            in("r3") a1,
            in("r4") a2,
            in("r5") a3,
            options(nostack)
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
    // SAFETY: as in `syscall3`; r6 is callee-saved in the C ABI but only
    // read here, and the kernel preserves it.
    unsafe {
        asm!(
            "svc 0",
            in("r1") nr,
            inlateout("r2") a0 => ret,
            in("r3") a1,
            in("r4") a2,
            in("r5") a3,
            in("r6") a4,
            options(nostack)
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `j .+2` jumps into the middle of itself, onto the
/// illegal opcode 0x0001 (LLVM's own `llvm.trap`), raising SIGILL.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached.
    unsafe {
        asm!(
            "svc 0",
            "j .+2",
            in("r1") nr,
            in("r2") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none: s390
/// returns through the vDSO's `__kernel_rt_sigreturn` (older kernels: an
/// `svc` written into the frame) when none is given
/// (arch/s390/kernel/signal.c, `setup_rt_frame`).
pub(crate) fn restorer() -> usize {
    0
}
