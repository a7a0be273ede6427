//! Macro input as the compiler's tokens.
//!
//! The compiler has tokens of its own (`seccomp_compiler::lex::Token`)
//! whose spans name macro tokens by [`TokenId`], an index into the
//! [`TokenTable`] built here. The table keeps the original tokens, so an
//! error goes back to the token it is about and a symbolic value goes back
//! to rustc as written. So the compiler depends on no proc-macro crate, and
//! cargo builds it beside them instead of after them.
//!
//! Written against `super::pm`, the token API of the including module:
//! `proc_macro` in the macro, `proc_macro2` where the same conversion runs
//! outside rustc (this crate's tests and example, the fuzz targets).

use super::pm::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use seccomp_compiler::Diagnostic;
use seccomp_compiler::lex::{Delim, MAX_NESTING, Token, TokenKind, macro_tokens};
use seccomp_compiler::span::{self, TokenId};

/// The tokens a [`TokenId`] stands for.
pub struct TokenTable {
    entries: Vec<Entry>,
}

enum Entry {
    /// Where the macro was called: errors with no better place.
    CallSite,
    /// A token as it was given (a group with its contents).
    Tree(TokenTree),
    /// A group's closing delimiter, where a range ending with it ends.
    Close(Span),
}

/// The macro input converted, and the table its spans index.
pub struct Converted {
    pub table: TokenTable,
    pub tokens: Result<Vec<Token>, Vec<Diagnostic>>,
}

/// Converts macro input.
pub fn convert(stream: TokenStream) -> Converted {
    let mut table = TokenTable {
        entries: vec![Entry::CallSite],
    };
    let mut too_deep = None;
    let tokens = table.convert_stream(stream, 0, &mut too_deep);
    Converted {
        tokens: macro_tokens(tokens, too_deep),
        table,
    }
}

impl TokenTable {
    /// Where the macro was called, as a compiler span.
    pub const CALL_SITE: TokenId = TokenId(0);

    fn push(&mut self, entry: Entry) -> TokenId {
        // A macro's input has far fewer than 2^32 tokens: rustc holds
        // them all in memory.
        let id = TokenId(self.entries.len() as u32);
        self.entries.push(entry);
        id
    }

    /// Converts one level; `too_deep` records the first group past the
    /// limit, whose contents are then not converted.
    fn convert_stream(
        &mut self,
        stream: TokenStream,
        depth: usize,
        too_deep: &mut Option<span::Span>,
    ) -> Vec<Token> {
        let mut out = Vec::new();
        for tt in stream {
            self.convert_tree(tt, depth, too_deep, &mut out);
        }
        out
    }

    fn convert_tree(
        &mut self,
        tt: TokenTree,
        depth: usize,
        too_deep: &mut Option<span::Span>,
        out: &mut Vec<Token>,
    ) {
        let token = match &tt {
            TokenTree::Group(g) => {
                let delim = match g.delimiter() {
                    Delimiter::Parenthesis => Delim::Paren,
                    Delimiter::Brace => Delim::Brace,
                    Delimiter::Bracket => Delim::Bracket,
                    // Invisible groups come from macro_rules substitutions:
                    // their contents are ordinary tokens here.
                    Delimiter::None => {
                        for inner in g.stream() {
                            self.convert_tree(inner, depth, too_deep, out);
                        }
                        return;
                    }
                };
                let (stream, close) = (g.stream(), g.span_close());
                let open = self.push(Entry::Tree(tt));
                let close = self.push(Entry::Close(close));
                let span = span::Span::token(open).join(span::Span::token(close));
                let tokens = if depth >= MAX_NESTING {
                    too_deep.get_or_insert(span);
                    Vec::new()
                } else {
                    self.convert_stream(stream, depth + 1, too_deep)
                };
                Token::group(delim, tokens, span)
            }
            TokenTree::Ident(i) => self.token(TokenKind::ident(&i.to_string()), &tt),
            TokenTree::Punct(p) => {
                let (ch, joint) = (p.as_char(), p.spacing() == Spacing::Joint);
                self.token(TokenKind::Punct { ch, joint }, &tt)
            }
            TokenTree::Literal(l) => self.token(TokenKind::literal(&l.to_string()), &tt),
        };
        out.push(token);
    }

    fn token(&mut self, kind: TokenKind, tt: &TokenTree) -> Token {
        let span = span::Span::token(self.push(Entry::Tree(tt.clone())));
        Token { kind, span }
    }

    /// The span of token `id`.
    pub fn span(&self, id: TokenId) -> Span {
        match self.entries.get(id.0 as usize) {
            Some(Entry::Tree(tt)) => tt.span(),
            Some(Entry::Close(span)) => *span,
            Some(Entry::CallSite) | None => Span::call_site(),
        }
    }

    /// The tokens of a symbolic value written at `at`: the contents of its
    /// braces, or the tokens of its path.
    pub fn rust_tokens(&self, at: span::Span, braced: bool) -> TokenStream {
        let Some((first, last)) = at.token_range() else {
            return TokenStream::new();
        };
        let trees = self
            .entries
            .get(first.0 as usize..=last.0 as usize)
            .unwrap_or_default();
        match trees {
            [Entry::Tree(TokenTree::Group(g)), ..] if braced => g.stream(),
            _ => trees
                .iter()
                .filter_map(|e| match e {
                    Entry::Tree(tt) => Some(tt.clone()),
                    _ => None,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
#[path = "tokens/tests.rs"]
mod tests;
