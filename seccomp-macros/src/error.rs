//! The macro's own errors: a message and the token it points at, turned
//! into `compile_error!` at that token.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote_spanned};

/// One error to report at compile time.
#[derive(Clone, Debug)]
pub struct Error {
    pub span: Span,
    pub message: String,
}

impl Error {
    pub fn new(span: Span, message: impl Into<String>) -> Error {
        Error {
            span,
            message: message.into(),
        }
    }

    /// `::core::compile_error!{ "message" }` spanned at the offending token,
    /// so rustc underlines it.
    pub fn to_compile_error(&self) -> TokenStream {
        let message = &self.message;
        quote_spanned! {self.span=> ::core::compile_error! { #message } }
    }
}

impl ToTokens for Error {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.to_compile_error());
    }
}
