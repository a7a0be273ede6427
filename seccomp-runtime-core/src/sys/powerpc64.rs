//! powerpc64 (little-endian, ELFv2) system calls.
//!
//! Register ABI (Documentation/arch/powerpc/syscall64-abi.rst; syscall(2),
//! "Architecture calling conventions"):
//!
//! | instruction | number | arguments 1..6            | result | clobbered by the kernel |
//! |-------------|--------|---------------------------|--------|-------------------------|
//! | `sc`        | `r0`   | `r3` `r4` `r5` `r6` `r7` `r8` | `r3`   | `r0` `r4`..`r12` `cr0` `ctr` `xer` |
//!
//! `sc` does not return `-errno`: on failure it sets the summary-overflow
//! bit of `cr0` and leaves the *positive* errno in `r3`. Each template
//! negates `r3` when `cr0.SO` is set (`bns` skips the `neg` otherwise), so
//! the common decoder sees `-errno` as on every other architecture. (`scv
//! 0` returns `-errno` directly but needs Linux 5.9 and POWER9.)
//!
//! Stable rustc accepts inline asm on powerpc64 (1.95 does; checked by
//! `TOOLCHAIN=1.95.0 RUSTC_BOOTSTRAP=1 tools/check-runtime-asm.sh`).
//!
//! Numbers: arch/powerpc/kernel/syscalls/syscall.tbl (rows
//! `common`/`64`/`nospu`).

use core::arch::asm;

/// `AUDIT_ARCH_PPC64LE` = `EM_PPC64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`,
/// or `AUDIT_ARCH_PPC64` for big-endian (include/uapi/linux/audit.h;
/// arch/powerpc/include/asm/syscall.h adds `__AUDIT_ARCH_LE` by endianness).
#[cfg(target_endian = "little")]
pub(crate) const AUDIT_ARCH: u32 = 0xC000_0015;
#[cfg(target_endian = "big")]
pub(crate) const AUDIT_ARCH: u32 = 0x8000_0015;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 4;
    pub(crate) const __NR_prctl: usize = 171;
    pub(crate) const __NR_rt_sigaction: usize = 173;
    pub(crate) const __NR_exit_group: usize = 234;
    pub(crate) const __NR_seccomp: usize = 358;
}

/// # Safety
/// The caller upholds the contract of syscall `nr` for these arguments.
#[inline]
pub(crate) unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds syscall `nr`'s contract; every register the
    // kernel may change is declared as an output.
    unsafe {
        asm!(
            "sc",
            "bns 0f",
            "neg 3, 3",
            "0:",
            inlateout("r0") nr => _,
            inlateout("r3") a0 => ret,
            inlateout("r4") a1 => _,
            inlateout("r5") a2 => _,
            lateout("r6") _,  // volatile across sc
            lateout("r7") _,  // volatile across sc
            lateout("r8") _,  // volatile across sc
            lateout("r9") _,  // volatile across sc
            lateout("r10") _, // volatile across sc
            lateout("r11") _, // volatile across sc
            lateout("r12") _, // volatile across sc
            lateout("cr0") _, // the error flag (SO)
            lateout("ctr") _, // volatile across sc
            lateout("xer") _, // volatile across sc
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
            "sc",
            "bns 0f",
            "neg 3, 3",
            "0:",
            inlateout("r0") nr => _,
            inlateout("r3") a0 => ret,
            inlateout("r4") a1 => _,
            inlateout("r5") a2 => _,
            inlateout("r6") a3 => _,
            lateout("r7") _,  // volatile across sc
            lateout("r8") _,  // volatile across sc
            lateout("r9") _,  // volatile across sc
            lateout("r10") _, // volatile across sc
            lateout("r11") _, // volatile across sc
            lateout("r12") _, // volatile across sc
            lateout("cr0") _, // the error flag (SO)
            lateout("ctr") _, // volatile across sc
            lateout("xer") _, // volatile across sc
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
    // SAFETY: as in `syscall3`.
    unsafe {
        asm!(
            "sc",
            "bns 0f",
            "neg 3, 3",
            "0:",
            inlateout("r0") nr => _,
            inlateout("r3") a0 => ret,
            inlateout("r4") a1 => _,
            inlateout("r5") a2 => _,
            inlateout("r6") a3 => _,
            inlateout("r7") a4 => _,
            lateout("r8") _,  // volatile across sc
            lateout("r9") _,  // volatile across sc
            lateout("r10") _, // volatile across sc
            lateout("r11") _, // volatile across sc
            lateout("r12") _, // volatile across sc
            lateout("cr0") _, // the error flag (SO)
            lateout("ctr") _, // volatile across sc
            lateout("xer") _, // volatile across sc
            options(nostack)
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `trap` raises SIGTRAP instead of running on.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached.
    unsafe {
        asm!(
            "sc",
            "trap",
            in("r0") nr,
            in("r3") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none: 64-bit
/// powerpc returns through the vDSO's `__kernel_sigtramp_rt64` (or a
/// trampoline written into the frame) and ignores `sa_restorer`
/// (arch/powerpc/kernel/signal_64.c, `handle_rt_signal64`).
pub(crate) fn restorer() -> usize {
    0
}
