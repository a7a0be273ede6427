//! What the macro was given: policy tokens, or `file = "PATH"`; and how to
//! point at a place in it.

use crate::error::Error;
use crate::file::{self, PolicyFile};
use crate::pm::{Group, Span, TokenStream, TokenTree, line_column};
use crate::tokens::{self, Converted, TokenTable};
use seccomp_compiler::{Diagnostic, ast, parse, span};
use std::str::FromStr;

/// Where the policy text came from.
pub enum Origin {
    /// The macro's own tokens: every span is a token of the table.
    Tokens(TokenTable),
    /// A policy file: spans are byte offsets into it.
    File(PolicyFile),
}

/// A parsed policy and its origin.
pub struct Input {
    pub policy: ast::Policy,
    pub origin: Origin,
}

impl Input {
    /// Parses the macro input; a policy that does not parse gives every
    /// problem found.
    pub fn parse(tokens: TokenStream) -> Result<Input, Vec<Error>> {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        match file::file_argument(&trees) {
            None => {
                let Converted { table, tokens } = tokens::convert(tokens);
                let origin = Origin::Tokens(table);
                let end = span::Span::token(TokenTable::CALL_SITE);
                let policy = tokens
                    .and_then(|tokens| parse::parse_tokens(&tokens, end))
                    .map_err(|ds| origin.errors(&ds))?;
                Ok(Input { policy, origin })
            }
            Some(Err(e)) => Err(vec![e]),
            Some(Ok((path, literal))) => {
                let f = PolicyFile::read(&path, literal).map_err(|e| vec![e])?;
                let policy = parse::parse_str(&f.source.text);
                let origin = Origin::File(f);
                let policy = policy.map_err(|ds| origin.errors(&ds))?;
                Ok(Input { policy, origin })
            }
        }
    }
}

impl Origin {
    /// The span of the whole policy, for problems with no better place.
    pub fn whole(&self) -> span::Span {
        match self {
            Origin::Tokens(_) => span::Span::token(TokenTable::CALL_SITE),
            Origin::File(f) => span::Span::text(0, f.source.text.len()),
        }
    }

    /// A compiler diagnostic as a macro error.
    pub fn error(&self, d: &Diagnostic) -> Error {
        match self {
            Origin::Tokens(table) => match d.span.token_range() {
                Some((first, last)) => {
                    Error::ranged(table.span(first), table.span(last), message(d, table))
                }
                None => Error::new(Span::call_site(), message(d, table)),
            },
            Origin::File(f) => f.error(d),
        }
    }

    pub fn errors(&self, ds: &[Diagnostic]) -> Vec<Error> {
        ds.iter().map(|d| self.error(d)).collect()
    }

    /// The token a policy span stands for: itself for macro tokens, the
    /// path literal for a file.
    pub fn span(&self, s: span::Span) -> Span {
        match self {
            Origin::Tokens(table) => s
                .first_token()
                .map_or_else(Span::call_site, |id| table.span(id)),
            Origin::File(f) => f.literal,
        }
    }

    /// The Rust tokens of a symbolic value. A file has only their text:
    /// they are lexed again here and placed at the path literal.
    pub fn symbol_tokens(&self, sym: &ast::Symbolic, at: span::Span) -> Result<TokenStream, Error> {
        let f = match self {
            Origin::Tokens(table) => return Ok(table.rust_tokens(at, sym.braced)),
            Origin::File(f) => f,
        };
        let span = f.literal;
        let tokens = TokenStream::from_str(&sym.text).map_err(|e| {
            Error::new(
                span,
                format!("cannot read `{}` as a Rust expression: {e}", sym.text),
            )
        })?;
        Ok(respan(tokens, span))
    }
}

/// The diagnostic as one `compile_error!` message: [`Diagnostic::full_message`]
/// with two changes. A second place (where a duplicate was first given)
/// gets its line and column: rustc underlines only the first. And the
/// architecture is not named twice when the message names it already.
fn message(d: &Diagnostic, table: &TokenTable) -> String {
    let mut s = d.message.clone();
    s.push_str(&arch_suffix(d));
    if let Some((span, note)) = d.related.as_deref() {
        s.push_str(&format!("\nnote: {note}"));
        if let Some((line, column)) = span
            .first_token()
            .and_then(|id| line_column(table.span(id)))
        {
            s.push_str(&format!(", at line {line}, column {column}"));
        }
    }
    for h in &d.help {
        s.push_str(&format!("\nhelp: {h}"));
    }
    s
}

/// ` (on ARCH)` for a problem of one architecture, unless the message
/// names it already ("... for x86_64 needs 5000 instructions").
pub fn arch_suffix(d: &Diagnostic) -> String {
    let Some(arch) = d.arch else {
        return String::new();
    };
    let name = arch.name();
    let named = d.message.match_indices(name).any(|(i, _)| {
        let before = d.message[..i].chars().next_back();
        let after = d.message[i + name.len()..].chars().next();
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !is_word(before) && !is_word(after)
    });
    if named {
        String::new()
    } else {
        format!(" (on {arch})")
    }
}

/// `tokens` with every span set to `span`, groups included.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(g) = &tt {
                let mut inner = Group::new(g.delimiter(), respan(g.stream(), span));
                inner.set_span(span);
                tt = TokenTree::Group(inner);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::Arch;

    #[test]
    fn the_architecture_is_named_once() {
        let d = |msg: &str, arch| Diagnostic::error(span::Span::none(), msg).for_arch(arch);
        let suffix = |msg: &str, arch| arch_suffix(&d(msg, arch));
        assert_eq!(
            suffix("the program for x86_64 needs 5000", Arch::X86_64),
            ""
        );
        assert_eq!(suffix("on x86, libc may call", Arch::X86), "");
        assert_eq!(suffix("32 bits on x86_64", Arch::X86), " (on x86)");
        assert_eq!(suffix("no such parameter", Arch::Arm), " (on arm)");
        assert_eq!(arch_suffix(&Diagnostic::error(span::Span::none(), "x")), "");
    }
}
