//! The code of [`seccomp-runtime`](https://docs.rs/seccomp-runtime)
//! without its macros: `Policy`, `SockFilter`, the installation with raw
//! system calls, violation reports. `#![no_std]`, no allocation, no
//! dependencies.
//!
//! Depend on `seccomp-runtime`, which re-exports all of this together with
//! `seccomp_policy!` and `#[sandbox]`, and whose documentation describes it.
//! This crate exists so that cargo can compile the runtime's code beside
//! the policy compiler instead of after the macros.

#![no_std]
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

mod error;
mod filter;
mod flags;
mod line;
mod policy;
mod report;
mod sandbox;
mod sys;

pub use error::{Error, InvalidProgram};
pub use filter::{
    BPF_MAXINSNS, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, SECCOMP_RET_ERRNO,
    SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_LOG, SECCOMP_RET_TRACE,
    SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF, SockFilter,
};
pub use flags::Flags;
pub use policy::Policy;
pub use report::report_violations;
pub use sandbox::OnError;
#[doc(hidden)]
pub use sandbox::{__enter_sandbox, __enter_sandbox_reporting};
