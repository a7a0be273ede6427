//! Where a piece of policy came from.
//!
//! Policy text reaches the compiler two ways: as tokens handed to the macro
//! (which point into the user's Rust file) or as text (a policy file,
//! standard input), where positions are byte offsets into that text. A
//! [`Span`] keeps whichever applies, so a late error (a program past 4096
//! instructions) still points at the policy.
//!
//! Macro tokens are [`TokenId`]s, indices into a table the macro keeps of
//! the tokens it converted (`seccomp-macros/src/tokens.rs`): the compiler
//! only carries them, so it needs no proc-macro crate and cargo builds it
//! beside `proc-macro2` rather than after it.

use std::fmt;

/// A token of macro input: an index into the caller's table of the tokens
/// it gave the compiler ([`crate::lex::Token`]s whose spans are made with
/// [`Span::token`]). What the index means is the caller's business.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenId(pub u32);

/// A region of policy source.
#[derive(Clone, Copy)]
pub struct Span {
    /// Byte offsets into the source text, when the policy came as text.
    pub(crate) lo: u32,
    pub(crate) hi: u32,
    /// The first and last tokens, when the policy came as macro tokens
    /// (joining spans needs nightly, so a range is kept as its ends).
    pub(crate) tokens: Option<(TokenId, TokenId)>,
}

impl Span {
    /// A span over bytes `lo..hi` of a text source.
    pub fn text(lo: usize, hi: usize) -> Span {
        // Policy text is at most `lex::MAX_POLICY_BYTES` (4 MiB): the lexer refuses larger.
        Span {
            lo: lo as u32,
            hi: hi as u32,
            tokens: None,
        }
    }

    /// A span of one macro token.
    pub fn token(id: TokenId) -> Span {
        Span {
            lo: 0,
            hi: 0,
            tokens: Some((id, id)),
        }
    }

    /// A span for things that have no place in the source.
    pub fn none() -> Span {
        Span {
            lo: 0,
            hi: 0,
            tokens: None,
        }
    }

    /// The smallest span covering `self` and `other` (`other` comes later).
    pub fn join(self, other: Span) -> Span {
        let tokens = match (self.tokens, other.tokens) {
            (Some((first, _)), Some((_, last))) => Some((first, last)),
            (a, b) => a.or(b),
        };
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
            tokens,
        }
    }

    /// Where the span ends: the empty position after it in text, its last
    /// token in macro input (stable proc macros cannot make a position
    /// between tokens). "Expected `;`" points here, after the statement,
    /// not under its last item.
    pub fn end(self) -> Span {
        Span {
            lo: self.hi,
            hi: self.hi,
            tokens: self.tokens.map(|(_, last)| (last, last)),
        }
    }

    /// The first macro token, for emitting compile errors from the macro.
    pub fn first_token(self) -> Option<TokenId> {
        self.tokens.map(|(first, _)| first)
    }

    /// The first and last macro tokens: a `compile_error!` spanned from
    /// one to the other makes rustc underline the whole range.
    pub fn token_range(self) -> Option<(TokenId, TokenId)> {
        self.tokens
    }

    /// Byte range in the text source.
    pub fn byte_range(self) -> std::ops::Range<usize> {
        self.lo as usize..self.hi as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

/// A named policy text, for turning byte offsets into `file:line:col`.
#[derive(Clone, Debug)]
pub struct Source {
    /// The name diagnostics show, usually the file path.
    pub name: String,
    /// The whole policy text.
    pub text: String,
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
}

impl Source {
    /// A source named `name` (e.g. a file path) holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Line and column of byte offset `pos`.
    pub fn line_col(&self, pos: usize) -> LineCol {
        let pos = pos.min(self.text.len());
        let before = &self.text[..self.floor_char_boundary(pos)];
        let line = before.matches('\n').count() + 1;
        let line_start = match before.rfind('\n') {
            Some(i) => i + 1,
            None => 0,
        };
        LineCol {
            line,
            col: before[line_start..].chars().count() + 1,
        }
    }

    /// The text of 1-based line `line`, without its newline.
    pub fn line_text(&self, line: usize) -> &str {
        self.text.lines().nth(line.saturating_sub(1)).unwrap_or("")
    }

    /// Where a span starts, as `name:line:col`.
    pub fn location(&self, span: Span) -> String {
        let lc = self.line_col(span.lo as usize);
        format!("{}:{}:{}", self.name, lc.line, lc.col)
    }

    fn floor_char_boundary(&self, mut pos: usize) -> usize {
        while !self.text.is_char_boundary(pos) {
            pos -= 1;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let s = Source::new("p.policy", "base @default;\n  keep write;\n");
        assert_eq!(s.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(s.line_col(17), LineCol { line: 2, col: 3 });
        assert_eq!(s.location(Span::text(17, 21)), "p.policy:2:3");
        assert_eq!(s.line_text(2), "  keep write;");
    }
}
