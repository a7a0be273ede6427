//! x86_64 system calls.
//!
//! Register ABI (syscall(2), "Architecture calling conventions"; System V
//! x86-64 psABI, appendix A.2 "AMD64 Linux Kernel Conventions"):
//!
//! | instruction | number | arguments 1..6                 | result | clobbered by the kernel |
//! |-------------|--------|--------------------------------|--------|-------------------------|
//! | `syscall`   | `rax`  | `rdi` `rsi` `rdx` `r10` `r8` `r9` | `rax`  | `rcx`, `r11`            |
//!
//! The flags survive: `syscall` saves `rflags` in `r11` and `sysret`
//! restores them from it. Errors come back as `-errno` in `rax`.
//!
//! Numbers: `arch/x86/entry/syscalls/syscall_64.tbl` (rows `common`/`64`).
//! The x32 ABI (`target_pointer_width = "32"`) would need the x32 numbers
//! (`0x40000000 | nr`, x32-only `rt_sigaction` = 512) and 64-bit argument
//! registers filled from 32-bit values; it is not supported.

use core::arch::{asm, naked_asm};

#[cfg(target_pointer_width = "32")]
compile_error!("seccomp-runtime does not support the x32 ABI");

/// `AUDIT_ARCH_X86_64` = `EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE`
/// (include/uapi/linux/audit.h): the `arch` the kernel reports for this ABI.
pub(crate) const AUDIT_ARCH: u32 = 0xC000_003E;

/// Syscall numbers, kernel names verbatim.
#[allow(non_upper_case_globals)]
pub(crate) mod nr {
    pub(crate) const __NR_write: usize = 1;
    pub(crate) const __NR_rt_sigaction: usize = 13;
    pub(crate) const __NR_rt_sigreturn: usize = 15;
    pub(crate) const __NR_prctl: usize = 157;
    pub(crate) const __NR_exit_group: usize = 231;
    pub(crate) const __NR_seccomp: usize = 317;
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
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0,
            in("rsi") a1,
            in("rdx") a2,
            lateout("rcx") _, // the kernel returns through rcx (user rip)
            lateout("r11") _, // the kernel saves rflags in r11
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
    // SAFETY: as in `syscall3`; the fourth argument goes in r10, not rcx,
    // because `syscall` overwrites rcx.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0,
            in("rsi") a1,
            in("rdx") a2,
            in("r10") a3,
            lateout("rcx") _, // the kernel returns through rcx (user rip)
            lateout("r11") _, // the kernel saves rflags in r11
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
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a0,
            in("rsi") a1,
            in("rdx") a2,
            in("r10") a3,
            in("r8") a4,
            lateout("rcx") _, // the kernel returns through rcx (user rip)
            lateout("r11") _, // the kernel saves rflags in r11
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
            "syscall",
            "ud2",
            in("rax") nr,
            in("rdi") a0,
            options(nostack, noreturn)
        )
    }
}

/// The `sa_restorer` to install with `SA_RESTORER`, or 0 for none.
///
/// x86_64 has no kernel-provided trampoline: `x64_setup_rt_frame`
/// (arch/x86/kernel/signal_64.c) fails signal delivery with -EFAULT unless
/// `SA_RESTORER` is set ("x86-64 should always use SA_RESTORER").
pub(crate) fn restorer() -> usize {
    restore_rt as *const () as usize
}

/// Returned into by a signal handler: `rt_sigreturn()`, which never returns.
// SAFETY: a naked function is exactly its template; this one needs no stack
// frame and no Rust calling convention, because the kernel jumps to it with
// the signal frame at rsp and rt_sigreturn never comes back.
#[unsafe(naked)]
unsafe extern "C" fn restore_rt() {
    naked_asm!("mov eax, {nr}", "syscall", "ud2", nr = const nr::__NR_rt_sigreturn)
}
