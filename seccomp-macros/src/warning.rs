//! Compiler warnings from a proc macro. Stable Rust gives proc macros no
//! warning API (`proc_macro::Diagnostic` is unstable), so a warning is a
//! use of a `#[deprecated]` item spanned at the policy's tokens: rustc
//! prints "use of deprecated constant `seccomp_policy_warning`: MESSAGE"
//! there, `#[allow(deprecated)]` silences it as any other warning, and
//! `-D warnings` makes it an error. This is what the `proc-macro-warning`
//! crate does (its `Warning::into_token_stream`), written out here for one
//! kind of warning.

use crate::error::Error;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The name rustc shows in the message.
const NAME: &str = "seccomp_policy_warning";

/// A warning with `e`'s message at `e`'s first token.
pub fn warning(e: &Error) -> TokenStream {
    let message = &e.message;
    let defined = Ident::new(NAME, Span::call_site());
    // Same name, same hygiene (both resolve at the macro's call site),
    // located at the policy's token so rustc points there.
    let used = Ident::new(NAME, Span::call_site().located_at(e.span));
    quote! {
        const _: () = {
            #[deprecated(note = #message)]
            #[allow(non_upper_case_globals)]
            const #defined: () = ();
            #used
        };
    }
}
