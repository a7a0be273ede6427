//! The five figures: program shape (instructions), the real kernel's cost
//! per call, installing, building, and the macro's expansion time.

pub mod apply;
pub mod build;
pub mod expansion;
pub mod instructions;
pub mod kernel;
