//! The macro's token API outside rustc: `proc_macro2`, with the same names
//! as `proc_macro` (see `pm.rs`).

pub use proc_macro2::*;

/// The 1-based line and column where `span` starts, when known.
pub fn line_column(span: Span) -> Option<(usize, usize)> {
    let at = span.start();
    (at.line > 0).then_some((at.line, at.column + 1))
}

/// Whether `ident` is `name`.
pub fn ident_is(ident: &Ident, name: &str) -> bool {
    ident == name
}
