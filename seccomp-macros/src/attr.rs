//! `#[sandbox(...)]`: installs a policy as the first thing a function does.
//!
//! The arguments are options, then the policy:
//!
//! ```text
//! #[sandbox( [on_error = exit|panic ,] ( POLICY | file = "PATH" ) )]
//! ```
//!
//! Options are `name = value` pairs, each followed by `,`; no statement of
//! the policy language starts that way, so the policy itself is untouched.
//! The function gets, before its body:
//!
//! ```text
//! {
//!     static __SECCOMP_SANDBOX: ::seccomp_runtime::Policy = <seccomp_policy! expansion>;
//!     ::seccomp_runtime::__enter_sandbox(&__SECCOMP_SANDBOX, ::seccomp_runtime::OnError::Exit);
//! }
//! ```
//!
//! For an `async fn` the same statements open the body, that is the
//! future: see the crate documentation for what that means with
//! `#[tokio::main]` and friends.

use crate::error::Error;
use crate::expand::{Expansion, expand_policy};
use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};

/// What to do when the policy cannot be installed (`on_error = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnError {
    Exit,
    Panic,
}

/// The attribute's arguments.
struct Args {
    on_error: OnError,
    /// Inline policy tokens, or `file = "PATH"`.
    policy: TokenStream,
}

/// `#[sandbox]`'s whole work, testable without rustc.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = item.clone().into_iter().collect();
    let function = match Function::find(&trees) {
        Ok(f) => f,
        Err(e) => return quote! { #e #item },
    };
    let args = match Args::parse(args) {
        Ok(args) => args,
        Err(e) => return function.with_prologue(e.to_compile_error()),
    };
    let Expansion { expr, errors } = expand_policy(args.policy);
    if !errors.is_empty() {
        // The function stays as written: the user sees the policy's errors
        // and nothing else.
        return function.with_prologue(quote! { #(#errors)* });
    }
    let variant = match args.on_error {
        OnError::Exit => quote!(Exit),
        OnError::Panic => quote!(Panic),
    };
    function.with_prologue(quote! {
        {
            static __SECCOMP_SANDBOX: ::seccomp_runtime::Policy = #expr;
            ::seccomp_runtime::__enter_sandbox(
                &__SECCOMP_SANDBOX,
                ::seccomp_runtime::OnError::#variant,
            );
        }
    })
}

const USAGE: &str = "write `#[sandbox(base @system-service; ...)]` with the policy inline, or `#[sandbox(file = \"policies/app.policy\")]`; options such as `on_error = panic,` come first";

impl Args {
    fn parse(args: TokenStream) -> Result<Args, Error> {
        let trees: Vec<TokenTree> = args.into_iter().collect();
        let mut on_error = None;
        let mut file: Option<TokenStream> = None;
        let mut rest = trees.as_slice();
        while let [TokenTree::Ident(key), TokenTree::Punct(eq), after @ ..] = rest {
            if eq.as_char() != '=' || eq.spacing() != Spacing::Alone {
                break;
            }
            let Some(value) = after.first() else {
                return Err(Error::new(
                    eq.span(),
                    format!("expected a value after `{key} =`"),
                ));
            };
            match key.to_string().as_str() {
                "on_error" => on_error = Some(on_error_value(value)?),
                "file" => file = Some(rest[..3].iter().cloned().collect()),
                other => {
                    return Err(Error::new(
                        key.span(),
                        format!(
                            "unknown `#[sandbox]` option `{other}`\nhelp: the options are `on_error = exit|panic` and `file = \"PATH\"`"
                        ),
                    ));
                }
            }
            rest = &after[1..];
            match rest.first() {
                None => break,
                Some(TokenTree::Punct(p)) if p.as_char() == ',' => rest = &rest[1..],
                Some(other) => {
                    return Err(Error::new(
                        other.span(),
                        format!("expected `,` after `{key} = {value}`, before the policy"),
                    ));
                }
            }
        }
        let inline: TokenStream = rest.iter().cloned().collect();
        let policy = match (file, rest.first()) {
            (Some(file), None) => file,
            (Some(_), Some(extra)) => {
                return Err(Error::new(
                    extra.span(),
                    "`#[sandbox]` takes the policy from `file = \"...\"` or inline, not both",
                ));
            }
            (None, Some(_)) => inline,
            (None, None) => {
                return Err(Error::new(
                    Span::call_site(),
                    format!("`#[sandbox]` needs a policy\nhelp: {USAGE}"),
                ));
            }
        };
        Ok(Args {
            on_error: on_error.unwrap_or(OnError::Exit),
            policy,
        })
    }
}

fn on_error_value(value: &TokenTree) -> Result<OnError, Error> {
    match value {
        TokenTree::Ident(i) if i == "exit" => Ok(OnError::Exit),
        TokenTree::Ident(i) if i == "panic" => Ok(OnError::Panic),
        other => Err(Error::new(
            other.span(),
            format!(
                "unknown `on_error` value `{other}`\nhelp: `on_error = exit` (the default: print the reason, exit with status 1) or `on_error = panic`"
            ),
        )),
    }
}

/// A function item, split where the prologue goes.
struct Function<'a> {
    /// Attributes, qualifiers, `fn`, name, generics, parameters, return
    /// type, where clause.
    head: &'a [TokenTree],
    body: &'a Group,
}

impl<'a> Function<'a> {
    fn find(trees: &'a [TokenTree]) -> Result<Function<'a>, Error> {
        let fn_at = trees
            .iter()
            .position(|t| is_ident(t, "fn"))
            .ok_or_else(|| {
                Error::new(
                    Span::call_site(),
                    "`#[sandbox]` goes on a function, such as `fn main`",
                )
            })?;
        if let Some(c) = trees[..fn_at].iter().find(|t| is_ident(t, "const")) {
            return Err(Error::new(
                c.span(),
                "`#[sandbox]` cannot go on a `const fn`: it installs a filter when the function runs",
            ));
        }
        match trees.split_last() {
            Some((TokenTree::Group(body), head)) if body.delimiter() == Delimiter::Brace => {
                Ok(Function { head, body })
            }
            _ => Err(Error::new(
                Span::call_site(),
                "`#[sandbox]` goes on a function with a body: the filter is installed before the body runs",
            )),
        }
    }

    /// The function with `prologue` as its first statements, after the
    /// body's inner attributes (`#![allow(...)]`).
    fn with_prologue(&self, prologue: TokenStream) -> TokenStream {
        let stmts: Vec<TokenTree> = self.body.stream().into_iter().collect();
        let mut split = 0;
        while let [
            TokenTree::Punct(hash),
            TokenTree::Punct(bang),
            TokenTree::Group(_),
            ..,
        ] = &stmts[split..]
        {
            if hash.as_char() != '#' || bang.as_char() != '!' {
                break;
            }
            split += 3;
        }
        let (inner_attrs, rest) = stmts.split_at(split);
        let mut body = Group::new(
            Delimiter::Brace,
            quote! { #(#inner_attrs)* #prologue #(#rest)* },
        );
        body.set_span(self.body.span());
        let mut out: TokenStream = self.head.iter().cloned().collect();
        body.to_tokens(&mut out);
        out
    }
}

fn is_ident(t: &TokenTree, name: &str) -> bool {
    matches!(t, TokenTree::Ident(i) if i == name)
}
