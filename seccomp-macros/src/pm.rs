//! The token API the macro's modules are written against: `proc_macro`
//! itself in the macro (no `proc-macro2`, `quote` or `unicode-ident` to
//! build before the macro can run: every crate that uses it builds them),
//! `proc_macro2` (`pm2.rs`) where the same modules run outside rustc: this
//! crate's unit tests, `examples/expand_time.rs`, the fuzz targets.

pub use proc_macro::*;

/// The 1-based line and column where `span` starts.
pub fn line_column(span: Span) -> Option<(usize, usize)> {
    let at = span.start();
    Some((at.line(), at.column()))
}

/// Whether `ident` is `name` (`proc_macro::Ident` has no comparison with a
/// string).
pub fn ident_is(ident: &Ident, name: &str) -> bool {
    ident.to_string() == name
}
