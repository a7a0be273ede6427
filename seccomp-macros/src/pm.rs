//! The token API the macro's modules are written against: `proc_macro2`,
//! which works outside rustc too (unit tests, `examples/expand_time.rs`,
//! the fuzz targets that include `tokens.rs`).

pub use proc_macro2::*;

/// The 1-based line and column where `span` starts, when known.
pub fn line_column(span: Span) -> Option<(usize, usize)> {
    let at = span.start();
    (at.line > 0).then_some((at.line, at.column + 1))
}
