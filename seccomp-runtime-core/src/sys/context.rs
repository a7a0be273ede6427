//! The refused syscall's arguments, read from the signal frame of the
//! SIGSYS a `trap` raises.
//!
//! For `SECCOMP_RET_TRAP` the kernel first puts back the registers the
//! call was made with (`syscall_rollback` in kernel/seccomp.c,
//! `__seccomp_filter`; each architecture's `syscall_rollback` puts the
//! first argument back from `orig_*`), so the argument registers in the
//! `ucontext` the handler gets (its third parameter, with `SA_SIGINFO`)
//! are the call's arguments. `frame.rs` says where they are.

use super::frame;

/// This architecture's table (`frame.rs`).
#[cfg(target_arch = "x86_64")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::X86_64;
#[cfg(target_arch = "x86")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::X86;
#[cfg(target_arch = "aarch64")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::AARCH64;
#[cfg(target_arch = "arm")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::ARM;
#[cfg(target_arch = "riscv64")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::RISCV64;
#[cfg(target_arch = "s390x")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::S390X;
#[cfg(target_arch = "powerpc64")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::POWERPC64;
#[cfg(target_arch = "loongarch64")]
const ARGUMENT_OFFSETS: [usize; 6] = frame::LOONGARCH64;

/// The six argument registers saved in `context` (`None` for a null
/// pointer, which no kernel passes).
///
/// # Safety
/// `context` is the third argument the kernel passed a signal handler
/// installed with `SA_SIGINFO`: a `struct ucontext` in the signal frame,
/// valid while the handler runs.
pub(crate) unsafe fn syscall_arguments(context: *const u8) -> Option<[u64; 6]> {
    let offsets = ARGUMENT_OFFSETS;
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
