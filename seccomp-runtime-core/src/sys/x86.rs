//! 32-bit x86 (i386) system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions";
//! arch/x86/entry/entry_32.S):
//!
//! | instruction | number | arguments 1..6                    | result | clobbered by the kernel |
//! |-------------|--------|-----------------------------------|--------|-------------------------|
//! | `int 0x80`  | `eax`  | `ebx` `ecx` `edx` `esi` `edi` `ebp` | `eax`  | nothing else            |
//!
//! `int 0x80` preserves the flags. rustc refuses `esi` as an operand (LLVM
//! may use it as the base pointer), so a fourth argument is swapped into
//! `esi` around the instruction and swapped back. The vDSO's
//! `__kernel_vsyscall` would be faster; it is not worth it for the few
//! syscalls this crate makes. Errors come back as `-errno` in `eax`.
//!
//! Numbers: `arch/x86/entry/syscalls/syscall_32.tbl`.

use core::arch::{asm, naked_asm};

/// `AUDIT_ARCH_I386` = `EM_386 | __AUDIT_ARCH_LE` (include/uapi/linux/audit.h).
pub(crate) const AUDIT_ARCH: u32 = 0x4000_0003;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 4;
    pub(crate) const __NR_prctl: usize = 172;
    pub(crate) const __NR_rt_sigreturn: usize = 173;
    pub(crate) const __NR_rt_sigaction: usize = 174;
    pub(crate) const __NR_exit_group: usize = 252;
    pub(crate) const __NR_seccomp: usize = 354;
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
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a0,
            in("ecx") a1,
            in("edx") a2,
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
    // SAFETY: as in `syscall3`; `esi` is restored by the second `xchg`, so
    // the compiler's value in it (and in `{a3}`) survives.
    unsafe {
        asm!(
            "xchg esi, {a3}",
            "int 0x80",
            "xchg esi, {a3}",
            a3 = in(reg) a3,
            inlateout("eax") nr => ret,
            in("ebx") a0,
            in("ecx") a1,
            in("edx") a2,
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
    // SAFETY: as in `syscall4`.
    unsafe {
        asm!(
            "xchg esi, {a3}",
            "int 0x80",
            "xchg esi, {a3}",
            a3 = in(reg) a3,
            inlateout("eax") nr => ret,
            in("ebx") a0,
            in("ecx") a1,
            in("edx") a2,
            in("edi") a4,
            options(nostack, preserves_flags)
        );
    }
    ret
}

/// A syscall that does not return (`exit_group`). Should a filter make it
/// return anyway, `ud2` raises SIGILL instead of running on.
///
/// # Safety
/// The caller upholds the contract of syscall `nr` for this argument.
#[inline]
pub(crate) unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: the caller upholds syscall `nr`'s contract; nothing after the
    // instruction is reached.
    unsafe {
        asm!(
            "int 0x80",
            "ud2",
            in("eax") nr,
            in("ebx") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none.
///
/// i386 would fall back to the vDSO's `__kernel_rt_sigreturn`
/// (arch/x86/kernel/signal_32.c); like glibc we pass our own so delivery
/// does not depend on the vDSO being mapped.
pub(crate) fn restorer() -> usize {
    restore_rt as *const () as usize
}

/// Returned into by a signal handler: `rt_sigreturn()`, which never returns.
// SAFETY: a naked function is exactly its template; this one needs no stack
// frame and no Rust calling convention, because the kernel jumps to it with
// the signal frame at esp and rt_sigreturn never comes back.
#[unsafe(naked)]
unsafe extern "C" fn restore_rt() {
    naked_asm!("mov eax, {nr}", "int 0x80", "ud2", nr = const nr::__NR_rt_sigreturn)
}
