//! Test a program's seccomp policy in `cargo test`.
//!
//! Two questions a policy's author asks, answered about the very `static
//! Policy` the program installs (the program compiled by `seccomp_policy!`
//! for the architecture the tests run on), without filtering the test
//! runner:
//!
//! - [`evaluate`]: what does the policy do with this call? The policy's
//!   program runs in the compiler's emulator of the kernel's classic BPF
//!   on the `seccomp_data` the kernel would build (the running
//!   architecture's `AUDIT_ARCH_*`, the syscall's number on it, the
//!   arguments), and the action the kernel would take comes back.
//! - [`learn`]: does this code path need anything the policy refuses? The
//!   closure runs in a forked child of the test under the policy in learn
//!   mode (`seccompc learn`'s tracer): each call the policy refuses is
//!   recorded with its action and first arguments, and runs anyway, so one
//!   run finds every missing syscall, not only the first.
//!
//! Add this crate as a dev-dependency; the program itself links only
//! `seccomp-runtime`, which stays `no_std`, allocation- and
//! dependency-free.
//!
//! # Example
//!
//! ```
//! use seccomp_runtime::{Policy, seccomp_policy};
//! use seccomp_testing::{Action, evaluate, learn};
//!
//! // The policy the program installs with `POLICY.apply()`.
//! static POLICY: Policy = seccomp_policy! {
//!     base @system-service;
//!     drop ptrace;
//!     keep write(fd == 1 | 2);
//!     drop openat => errno(EACCES);
//! };
//!
//! // What it does with single calls, without installing it.
//! assert_eq!(evaluate(&POLICY, "write", &[1]).unwrap(), Action::Allow);
//! assert_eq!(evaluate(&POLICY, "write", &[3]).unwrap(), Action::KillProcess);
//! assert_eq!(evaluate(&POLICY, "ptrace", &[]).unwrap(), Action::KillProcess);
//! # #[cfg(target_arch = "x86_64")]
//! assert_eq!(evaluate(&POLICY, "openat", &[]).unwrap(), Action::Errno(13));
//!
//! // What a code path needs that the policy refuses: here `openat`, whose
//! // refusal is recorded and which runs anyway.
//! let refused = learn(&POLICY, || {
//!     let _ = std::fs::read("/etc/hostname");
//! })
//! .unwrap();
//! assert!(refused.contains("openat"), "{refused}");
//! assert!(!refused.contains("read"), "{refused}");
//! ```

mod error;
mod evaluate;
mod learn;

pub use error::Error;
pub use evaluate::{Syscall, evaluate, evaluate_named};
pub use learn::{Refusal, Refusals, learn, learn_with_timeout};
/// A seccomp action, as [`evaluate`] and [`learn`] report it.
pub use seccomp_compiler::Action;
