//! The macro's own errors: a message and the token it points at, turned
//! into `compile_error!` at that token.

use crate::pm::{Delimiter, Group, Literal, Span, TokenStream, TokenTree};
use crate::template::rust_at;

/// One error to report at compile time.
#[derive(Clone, Debug)]
pub struct Error {
    pub span: Span,
    /// The last token the error covers (`span` for a single token).
    pub end: Span,
    pub message: String,
}

impl Error {
    pub fn new(span: Span, message: impl Into<String>) -> Error {
        Error::ranged(span, span, message)
    }

    /// An error covering the tokens from `span` to `end`.
    pub fn ranged(span: Span, end: Span, message: impl Into<String>) -> Error {
        Error {
            span,
            end,
            message: message.into(),
        }
    }

    /// `::core::compile_error!{ "message" }` with the path spanned at the
    /// first token and the braces at the last: rustc underlines the whole
    /// range (joining spans needs nightly; this is syn's way around it).
    pub fn to_compile_error(&self) -> TokenStream {
        let message = Literal::string(&self.message);
        let mut out = rust_at(self.span, "::core::compile_error!", &[]);
        let mut group = Group::new(Delimiter::Brace, TokenTree::Literal(message).into());
        group.set_span(self.end);
        out.extend([TokenTree::Group(group)]);
        out
    }
}

impl From<&Error> for TokenStream {
    fn from(e: &Error) -> TokenStream {
        e.to_compile_error()
    }
}
