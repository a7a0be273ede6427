//! The seccomp policy compiler: language, kernel tables, semantics,
//! optimising classic-BPF code generation and an emulator to check it.
//!
//! The pipeline (see `compile`): parse -> resolve -> check -> decide ->
//! codegen, each pass in its own module, with errors collected after each.

pub mod action;
pub mod arch;
pub mod ast;
pub mod bpf;
pub mod diag;
pub mod emu;
pub mod lex;
pub mod parse;
pub mod span;
pub mod tables;
