//! The seccomp policy compiler: language, kernel tables, semantics,
//! optimising classic-BPF code generation and an emulator to check it.
//!
//! The pipeline ([`compile::compile`]): parse -> check structure -> check
//! names -> per architecture: resolve -> decide -> successors (rules added
//! for calls libc falls back from) -> lints -> codegen, each
//! pass in its own module, with errors collected after each.
//!
//! ```
//! let c = seccomp_compiler::compile_str("base @system-service; drop ptrace; keep write(fd == 1 | 2);").unwrap();
//! let x86_64 = c.get(seccomp_compiler::Arch::X86_64).unwrap();
//! assert!(x86_64.program.len() < 100);
//! ```

#![warn(missing_docs)]

pub mod action;
pub mod arch;
pub mod ast;
pub mod bpf;
pub mod check;
pub mod codegen;
pub mod compile;
pub mod decide;
pub mod diag;
#[cfg(feature = "emu")]
pub mod emu;
pub mod ir;
pub mod lex;
pub mod parse;
pub mod program;
pub mod resolve;
pub mod span;
pub mod successors;
pub mod tables;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing;

pub use action::Action;
pub use arch::Arch;
pub use compile::{Compilation, compile, compile_str};
pub use diag::Diagnostic;
pub use program::Program;
pub use span::{Source, Span, TokenId};
