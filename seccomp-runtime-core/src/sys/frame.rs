//! Where each architecture's signal frame keeps the six syscall argument
//! registers: byte offsets from the start of the kernel's `struct
//! ucontext` (the third argument of an `SA_SIGINFO` handler), each register
//! a `usize`. Plain data for every architecture at once, so that
//! tests/tests/signal_frame_vs_cc.rs can hold each table to what that
//! architecture's C compiler makes of glibc's `ucontext_t`, which mirrors
//! the kernel's.
//!
//! The argument registers are those of syscall(2)'s "Architecture calling
//! conventions" table; the layouts are the kernel's uapi headers
//! (`arch/<arch>/include/uapi/asm/ucontext.h` and `sigcontext.h`), summed up
//! beside each table.

/// x86_64: `uc_flags` (8), `uc_link` (8), `uc_stack` (24), then
/// `uc_mcontext` at 40, a `struct sigcontext` of 8-byte registers in the
/// order r8 r9 r10 r11 r12 r13 r14 r15 rdi rsi rbp rbx rdx rax rcx ...;
/// the arguments are rdi rsi rdx r10 r8 r9.
pub(crate) const X86_64: [usize; 6] = [40 + 8 * 8, 40 + 8 * 9, 40 + 8 * 12, 40 + 8 * 2, 40, 40 + 8];

/// x86 (i386): 4-byte words, `uc_mcontext` at 4 + 4 + 12 = 20, a
/// `struct sigcontext_32` starting gs fs es ds (each a `__u16` and its
/// padding) then edi esi ebp esp ebx edx ecx eax; the arguments are ebx
/// ecx edx esi edi ebp.
pub(crate) const X86: [usize; 6] = [
    20 + 4 * 8,
    20 + 4 * 10,
    20 + 4 * 9,
    20 + 4 * 5,
    20 + 4 * 4,
    20 + 4 * 6,
];

/// aarch64: `uc_flags`, `uc_link`, `uc_stack` (24), `uc_sigmask` (8),
/// `__unused[120]` (glibc's 1024-bit sigset_t), then `uc_mcontext`
/// aligned to 16 (its `__reserved` is `__aligned__(16)`): 168 rounded up to
/// 176. A `struct sigcontext` is `fault_address` then `regs[31]`; the
/// arguments are x0..x5.
pub(crate) const AARCH64: [usize; 6] = [184, 192, 200, 208, 216, 224];

/// arm (EABI): 4-byte words, `uc_mcontext` at 4 + 4 + 12 = 20, a
/// `struct sigcontext` of `trap_no`, `error_code`, `oldmask`, then
/// `arm_r0`...; the arguments are r0..r5.
pub(crate) const ARM: [usize; 6] = [32, 36, 40, 44, 48, 52];

/// riscv64: as aarch64 up to `uc_mcontext` at 176, a `struct sigcontext`
/// whose `user_regs_struct` is pc ra sp gp tp t0 t1 t2 s0 s1 a0 ...; the
/// arguments are a0..a5.
pub(crate) const RISCV64: [usize; 6] = [256, 264, 272, 280, 288, 296];

/// s390x: `uc_flags`, `uc_link`, `uc_stack` (24), then `uc_mcontext` at 40,
/// a `_sigregs`: the PSW (mask and address, 16 bytes), then `gprs[16]`; the
/// arguments are r2..r7.
pub(crate) const S390X: [usize; 6] = [72, 80, 88, 96, 104, 112];

/// powerpc64: `uc_flags`, `uc_link`, `uc_stack` (24), `uc_sigmask` and
/// `__unused[15]` (128), then `uc_mcontext` at 168 (8-byte aligned: its
/// vector area is `long`s and a pointer). A `struct sigcontext` starts
/// `_unused[4]`, `signal`, `_pad0`, `handler`, `oldmask`, `regs` (64 bytes)
/// before `gp_regs`, at 232; the arguments are r3..r8.
pub(crate) const POWERPC64: [usize; 6] = [256, 264, 272, 280, 288, 296];

/// loongarch64: as aarch64 up to `uc_mcontext` at 176, a `struct
/// sigcontext` of `sc_pc` then `sc_regs[32]`; the arguments are a0..a5,
/// r4..r9.
pub(crate) const LOONGARCH64: [usize; 6] = [216, 224, 232, 240, 248, 256];
