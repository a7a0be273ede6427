//! riscv64 system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions";
//! Documentation/arch/riscv/vector.rst for the vector state):
//!
//! | instruction | number | arguments 1..6            | result | clobbered by the kernel |
//! |-------------|--------|---------------------------|--------|-------------------------|
//! | `ecall`     | `a7`   | `a0` `a1` `a2` `a3` `a4` `a5` | `a0`   | `v0`..`v31`             |
//!
//! "Vector register state across system calls": the kernel may discard the
//! vector registers on any syscall, so all 32 are declared clobbered.
//! RISC-V has no flags register. Errors come back as `-errno` in `a0`.
//!
//! Numbers: include/uapi/asm-generic/unistd.h (riscv uses the generic
//! table).

use core::arch::asm;

/// `AUDIT_ARCH_RISCV64` = `EM_RISCV | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`
/// (include/uapi/linux/audit.h).
pub(crate) const AUDIT_ARCH: u32 = 0xC000_00F3;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 64;
    pub(crate) const __NR_exit_group: usize = 94;
    pub(crate) const __NR_rt_sigaction: usize = 134;
    pub(crate) const __NR_prctl: usize = 167;
    pub(crate) const __NR_seccomp: usize = 277;
}

/// Declares `v0`..`v31` clobbered after an `ecall` (see the module header).
macro_rules! ecall {
    ($($operands:tt)*) => {
        asm!(
            "ecall",
            $($operands)*
            lateout("v0") _, lateout("v1") _, lateout("v2") _, lateout("v3") _,
            lateout("v4") _, lateout("v5") _, lateout("v6") _, lateout("v7") _,
            lateout("v8") _, lateout("v9") _, lateout("v10") _, lateout("v11") _,
            lateout("v12") _, lateout("v13") _, lateout("v14") _, lateout("v15") _,
            lateout("v16") _, lateout("v17") _, lateout("v18") _, lateout("v19") _,
            lateout("v20") _, lateout("v21") _, lateout("v22") _, lateout("v23") _,
            lateout("v24") _, lateout("v25") _, lateout("v26") _, lateout("v27") _,
            lateout("v28") _, lateout("v29") _, lateout("v30") _, lateout("v31") _,
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
        ecall!(
            in("a7") nr,
            inlateout("a0") a0 => ret,
            in("a1") a1,
            in("a2") a2,
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
        ecall!(
            in("a7") nr,
            inlateout("a0") a0 => ret,
            in("a1") a1,
            in("a2") a2,
            in("a3") a3,
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
        ecall!(
            in("a7") nr,
            inlateout("a0") a0 => ret,
            in("a1") a1,
            in("a2") a2,
            in("a3") a3,
            in("a4") a4,
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `unimp` raises SIGILL instead of running on.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached.
    unsafe {
        asm!(
            "ecall",
            "unimp",
            in("a7") nr,
            in("a0") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none: riscv
/// has neither the flag nor the field and always returns through the
/// vDSO's `__vdso_rt_sigreturn` (arch/riscv/kernel/signal.c).
pub(crate) fn restorer() -> usize {
    0
}
