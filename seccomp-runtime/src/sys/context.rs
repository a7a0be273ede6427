//! The refused syscall's arguments, read from the signal frame of the
//! SIGSYS a `trap` raises.
//!
//! For `SECCOMP_RET_TRAP` the kernel first puts back the registers the
//! call was made with (`syscall_rollback` in kernel/seccomp.c,
//! `__seccomp_filter`; arm64's restores `x0` from `orig_x0`), so the
//! argument registers in the `ucontext` the handler gets (its third
//! parameter, with `SA_SIGINFO`) are the call's arguments. Each offset
//! below is a register's byte offset in the kernel's `struct ucontext`, as
//! the kernel's uapi headers lay it out; the argument registers are those
//! of syscall(2)'s "Architecture calling conventions" table.
//!
//! Architectures without a table here report the call without its
//! arguments.

/// Byte offsets of the six argument registers (each a `usize`) from the
/// start of `struct ucontext`.
///
/// x86_64, arch/x86/include/uapi/asm/ucontext.h and sigcontext.h:
/// `uc_flags` (8), `uc_link` (8), `uc_stack` (`stack_t`: 24), then
/// `uc_mcontext` at 40, a `struct sigcontext` of 8-byte registers in the
/// order r8 r9 r10 r11 r12 r13 r14 r15 rdi rsi rbp rbx rdx rax rcx ...;
/// the arguments are rdi rsi rdx r10 r8 r9.
#[cfg(target_arch = "x86_64")]
const ARGUMENT_OFFSETS: Option<[usize; 6]> = {
    const MCONTEXT: usize = 40;
    const fn reg(index: usize) -> usize {
        MCONTEXT + 8 * index
    }
    Some([reg(8), reg(9), reg(12), reg(2), reg(0), reg(1)])
};

/// x86 (i386), the same headers with 32-bit words: `uc_mcontext` at
/// 4 + 4 + 12 = 20, a `struct sigcontext_32` starting gs fs es ds (each a
/// `__u16` and its padding) then edi esi ebp esp ebx edx ecx eax; the
/// arguments are ebx ecx edx esi edi ebp.
#[cfg(target_arch = "x86")]
const ARGUMENT_OFFSETS: Option<[usize; 6]> = {
    const MCONTEXT: usize = 20;
    const fn reg(index: usize) -> usize {
        MCONTEXT + 4 * index
    }
    Some([reg(8), reg(10), reg(9), reg(5), reg(4), reg(6)])
};

/// aarch64, arch/arm64/include/uapi/asm/ucontext.h and sigcontext.h:
/// `uc_flags` (8), `uc_link` (8), `uc_stack` (24), `uc_sigmask` (8),
/// `__unused[120]` (glibc's 1024-bit sigset_t), then `uc_mcontext` aligned
/// to 16 (its `__reserved` is `__aligned__(16)`): 168 rounded up to 176. A
/// `struct sigcontext` is `fault_address` then `regs[31]`; the arguments
/// are x0..x5.
#[cfg(target_arch = "aarch64")]
const ARGUMENT_OFFSETS: Option<[usize; 6]> = {
    const REGS: usize = 176 + 8;
    Some([REGS, REGS + 8, REGS + 16, REGS + 24, REGS + 32, REGS + 40])
};

#[cfg(not(any(target_arch = "x86_64", target_arch = "x86", target_arch = "aarch64")))]
const ARGUMENT_OFFSETS: Option<[usize; 6]> = None;

/// The six argument registers saved in `context`, where this architecture's
/// layout is known.
///
/// # Safety
/// `context` is the third argument the kernel passed a signal handler
/// installed with `SA_SIGINFO`: a `struct ucontext` in the signal frame,
/// valid while the handler runs.
pub(crate) unsafe fn syscall_arguments(context: *const u8) -> Option<[u64; 6]> {
    let offsets = ARGUMENT_OFFSETS?;
    if context.is_null() {
        return None;
    }
    // SAFETY: every offset is inside `struct ucontext` (above), which the
    // caller guarantees is there; `read_unaligned` needs no alignment.
    Some(offsets.map(|offset| unsafe {
        let register = context.add(offset).cast::<usize>().read_unaligned();
        // A register is at most 64 bits on every supported architecture.
        register as u64
    }))
}
