//! Installs seccomp filters compiled at build time.
//!
//! Write the policy in the macro; the crate builds with its BPF programs,
//! and `apply` hands the running architecture's to the kernel:
//!
//! ```no_run
//! use seccomp_runtime::seccomp_policy;
//!
//! static POLICY: seccomp_runtime::Policy = seccomp_policy! {
//!     base @system-service;
//!     drop ptrace;
//!     keep write(fd == 1 | 2);
//! };
//!
//! fn main() {
//!     POLICY.apply().expect("sandbox");
//! }
//! ```
//!
//! or let `#[sandbox]` install it before the function's body runs (by
//! default a policy the kernel refuses stops the program with a message):
//!
//! ```no_run
//! use seccomp_runtime::sandbox;
//!
//! #[sandbox(base @system-service; drop ptrace; keep write(fd == 1 | 2);)]
//! fn main() {
//!     println!("filtered from the first statement on");
//! }
//! ```
//!
//! The policy language, `file = "..."` policies, and the `seccompc`
//! command line are described in the README.
//!
//! `#![no_std]`, no allocation, no dependencies: the programs are `static`
//! arrays of [`SockFilter`] that `seccomp_policy!` compiles when your crate
//! is built, and this crate only hands the one for the running architecture
//! to the kernel, with raw system calls (inline asm; no libc). It works in
//! `#![no_main]` static binaries and is async-signal-safe where it matters.
//!
//! # What `apply` guarantees
//!
//! [`Policy::apply`] either installs the filter on every thread of the
//! process or installs nothing and returns an [`Error`]. In order:
//!
//! 1. **The program fits**: not empty, at most [`BPF_MAXINSNS`] (4096)
//!    instructions.
//! 2. **The kernel knows every action** the program can return: each value
//!    in the policy's action list and each `ret #k` in the program is checked
//!    with `seccomp(SECCOMP_GET_ACTION_AVAIL)` (Linux 4.14+; older kernels
//!    are held to the actions they shipped with). A kernel that does not
//!    know an action runs it as "kill"; a sandbox should refuse to start
//!    rather than run differently from how it was written, so `apply`
//!    returns [`Error::ActionUnavailable`].
//! 3. **`no_new_privs`** is set (`prctl(PR_SET_NO_NEW_PRIVS)`): no `execve`
//!    can gain privileges any more (setuid bits, file capabilities), which is
//!    what lets an unprivileged process install a filter at all.
//! 4. **The filter is installed on all threads at once**
//!    (`seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC)`):
//!    threads started before the call (by a runtime, a logger, a library)
//!    are filtered too, and get `no_new_privs`; if one of them cannot take
//!    the filter (it has a different filter of its own), nothing is
//!    installed and [`Error::TsyncFailed`] names the thread.
//!
//! Filters are permanent: they cannot be removed, they are inherited by
//! children across `fork` and `execve`, and applying another one only adds
//! restrictions (the kernel runs all of them and takes the strictest
//! verdict).
//!
//! [`Policy::apply_to_current_thread`] skips TSYNC for the rare program that
//! wants to filter one thread (and the threads it starts later), and
//! [`Policy::apply_with`] takes explicit [`Flags`]: `LOG` to audit-log
//! every refused syscall, `TSYNC_ESRCH`, and `SPEC_ALLOW`, which keeps the
//! kernel from switching on the Speculative Store Bypass mitigation for
//! the process: faster, less safe (see [`Flags::SPEC_ALLOW`]).
//!
//! **Old kernels.** Where `seccomp(2)` itself is missing (Linux before 3.17,
//! or refused by an outer filter with ENOSYS), a call without flags falls
//! back to `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)`, which installs the
//! same filter on the calling thread. `prctl` cannot express any flag, TSYNC
//! included, so `apply()` there returns [`Error::NoSeccompSyscall`] rather
//! than quietly filtering only one thread.
//!
//! What is *not* checked: that the program does what its policy says. This
//! crate installs programs; `seccomp_policy!` writes them (with the check
//! that `seccomp_data.arch` is the expected ABI first, which a hand-written
//! program must do too).
//!
//! # Violation reports
//!
//! [`report_violations`] installs a SIGSYS handler that prints what a
//! `trap` policy refused, with the call's arguments (`seccomp: blocked
//! syscall getpid (39) by policy, args 0 0 0 0 0 0`), and exits with status
//! 159: the quickest way to find what a new policy is missing.
//! `#[sandbox(on_violation = report, ...)]` does this for a policy that
//! would otherwise kill.
//!
//! # A hand-written program
//!
//! Without the macro (`default-features = false`, no dependencies at all),
//! a hand-written program for x86_64 that refuses `getpid` with `EPERM`,
//! allows everything else, and kills syscalls made through another ABI:
//!
//! ```
//! use seccomp_runtime::{
//!     Policy, SockFilter, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS,
//! };
//!
//! // Opcodes (include/uapi/linux/bpf_common.h) and `struct seccomp_data`
//! // offsets (include/uapi/linux/seccomp.h).
//! const BPF_LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
//! const BPF_JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
//! const BPF_JGE_K: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
//! const BPF_RET_K: u16 = 0x06; // BPF_RET | BPF_K
//! const NR: u32 = 0;
//! const ARCH: u32 = 4;
//! const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
//! const X32_SYSCALL_BIT: u32 = 0x4000_0000;
//! const GETPID: u32 = 39;
//! const EPERM: u32 = 1;
//!
//! // Jump offsets count instructions skipped: `jt`/`jf` of 0 fall through.
//! static PROGRAM: [SockFilter; 9] = [
//!     SockFilter::new(BPF_LD_W_ABS, 0, 0, ARCH),
//!     SockFilter::new(BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),
//!     SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS), // i386 `int 0x80`
//!     SockFilter::new(BPF_LD_W_ABS, 0, 0, NR),
//!     SockFilter::new(BPF_JGE_K, 3, 0, X32_SYSCALL_BIT), // x32 numbers: to the last kill
//!     SockFilter::new(BPF_JEQ_K, 0, 1, GETPID),
//!     SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM),
//!     SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
//!     SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
//! ];
//!
//! static POLICY: Policy = Policy::from_parts(
//!     &PROGRAM,
//!     &[SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW],
//!     &[], // no names: violation reports print numbers
//! );
//!
//! // The raw program for other loaders (`bwrap --seccomp FD`):
//! assert_eq!(POLICY.as_bytes().len(), 8 * POLICY.len());
//!
//! // At start-up, before anything untrusted runs:
//! fn start() -> Result<(), seccomp_runtime::Error> {
//!     POLICY.apply()?;
//!     // ... from here on getpid() fails with EPERM, on every thread.
//!     Ok(())
//! }
//! # let _ = start;
//! ```
//!
//! # Architectures
//!
//! x86_64, x86, aarch64, arm (EABI), riscv64, s390x, powerpc64 and
//! loongarch64, on Linux. Other targets are a compile error.

#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

// The code lives in `seccomp-runtime-core`, which does not depend on the
// macros: cargo compiles it beside `seccomp-compiler`, and only this facade
// waits for `seccomp-macros` (the split `serde` made with `serde_core`).
// Macro output names items by `::seccomp_runtime::...` paths, which these
// re-exports keep working.
pub use seccomp_runtime_core::Flags;
pub use seccomp_runtime_core::OnError;
pub use seccomp_runtime_core::Policy;
pub use seccomp_runtime_core::report_violations;
#[doc(hidden)]
pub use seccomp_runtime_core::{__enter_sandbox, __enter_sandbox_reporting};
pub use seccomp_runtime_core::{
    BPF_MAXINSNS, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, SECCOMP_RET_ERRNO,
    SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRACE,
    SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF, SockFilter,
};
pub use seccomp_runtime_core::{Error, InvalidProgram};

// The policy compilers, from `seccomp-macros` (feature `macros`, on by
// default): `seccomp_policy! { ... }` compiles a policy to a `Policy` at
// build time, `#[sandbox(...)]` installs one before a function's body.
#[cfg(feature = "macros")]
pub use seccomp_macros::{sandbox, seccomp_policy};
