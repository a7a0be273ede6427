//! Compiler warnings from a proc macro. Stable Rust gives proc macros no
//! warning API (`proc_macro::Diagnostic` is unstable), so a warning is a
//! use of a `#[deprecated]` item spanned at the policy's tokens: rustc
//! prints "use of deprecated constant `seccomp_policy_warning`: MESSAGE"
//! there, `#[allow(deprecated)]` silences it as any other warning, and
//! `-D warnings` makes it an error. This is what the `proc-macro-warning`
//! crate does (its `Warning::into_token_stream`), written out here for one
//! kind of warning.

use crate::error::Error;
use crate::pm::{Ident, Literal, Span, TokenStream, TokenTree};
use crate::template::rust;

/// The name rustc shows in the message.
const NAME: &str = "seccomp_policy_warning";

/// A warning with `e`'s message at `e`'s first token.
pub fn warning(e: &Error) -> TokenStream {
    let message = TokenTree::Literal(Literal::string(&e.message));
    let defined = TokenTree::Ident(Ident::new(NAME, Span::call_site()));
    // Same name, same hygiene (both resolve at the macro's call site),
    // located at the policy's token so rustc points there.
    let used = TokenTree::Ident(Ident::new(NAME, Span::call_site().located_at(e.span)));
    rust(
        "const _: () = {
            #[deprecated(note = $0)]
            #[allow(non_upper_case_globals)]
            const $1: () = ();
            $2
        };",
        &[message.into(), defined.into(), used.into()],
    )
}
