//! Rust code from a template: what `quote!` does for the handful of fixed
//! shapes the macro emits, without the `quote` crate (and `proc-macro2`
//! under it) that every crate using the macro would build first.
//!
//! A template is Rust source in which `$0`, `$1`, ... stand for the token
//! streams passed beside it. rustc lexes the template (one call into the
//! compiler); the holes are then filled in place, inside groups too.

use crate::pm::{Group, Punct, Spacing, Span, TokenStream, TokenTree};
use std::str::FromStr;

/// `template` with `$N` replaced by `holes[N]`, every other token at the
/// macro's call site (as `quote!` places them).
pub fn rust(template: &str, holes: &[TokenStream]) -> TokenStream {
    fill(parse(template), holes, None)
}

/// [`rust`] with the template's own tokens at `span` (as `quote_spanned!`
/// places them); the holes keep their spans.
pub fn rust_at(span: Span, template: &str, holes: &[TokenStream]) -> TokenStream {
    fill(parse(template), holes, Some(span))
}

fn parse(template: &str) -> TokenStream {
    // The templates are string constants of this crate, all valid Rust
    // tokens (the expansion tests run every one of them).
    TokenStream::from_str(template).expect("a template is Rust tokens")
}

fn fill(template: TokenStream, holes: &[TokenStream], span: Option<Span>) -> TokenStream {
    let mut out = TokenStream::new();
    let mut trees = template.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                let hole = match trees.next() {
                    Some(TokenTree::Literal(n)) => n.to_string().parse::<usize>().ok(),
                    _ => None,
                };
                // As above: the templates are this crate's own.
                let hole = hole.and_then(|n| holes.get(n)).expect("`$N` names a hole");
                out.extend(hole.clone());
            }
            TokenTree::Group(g) => {
                let mut filled = Group::new(g.delimiter(), fill(g.stream(), holes, span));
                filled.set_span(span.unwrap_or_else(|| g.span()));
                out.extend([TokenTree::Group(filled)]);
            }
            mut other => {
                if let Some(span) = span {
                    other.set_span(span);
                }
                out.extend([other]);
            }
        }
    }
    out
}

/// Several streams one after the other (`#(#errors)*`).
pub fn concat<T: Into<TokenStream>>(parts: impl IntoIterator<Item = T>) -> TokenStream {
    let mut out = TokenStream::new();
    for part in parts {
        out.extend(part.into());
    }
    out
}

/// Streams separated by commas (`#(#items),*`).
pub fn comma_separated(parts: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            out.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone))]);
        }
        out.extend(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_filled_inside_groups_too() {
        let a: TokenStream = "x + 1".parse().unwrap();
        let b: TokenStream = "::core::primitive::u32".parse().unwrap();
        let out = rust("const A: $1 = { ($0) * 2 }; $0", &[a, b]);
        assert_eq!(
            out.to_string(),
            "const A : :: core :: primitive :: u32 = { (x + 1) * 2 } ; x + 1"
        );
        let list = comma_separated(["1".parse().unwrap(), "2".parse().unwrap()]);
        assert_eq!(rust("[$0]", &[list]).to_string(), "[1 , 2]");
    }
}
