//! `seccomp_policy!(file = "policies/daemon.policy")`: the policy comes
//! from a file next to the crate's `Cargo.toml`.
//!
//! The text goes through the compiler's own lexer, which records byte
//! offsets, so a mistake inside the file is reported as
//! `path:line:col: message` with an excerpt of the file. rustc can only
//! underline tokens of Rust files, so the error itself points at the path
//! literal.

use crate::error::Error;
use crate::input::arch_suffix;
use crate::pm::{Literal, Spacing, Span, TokenStream, TokenTree, ident_is};
use crate::template::rust;
use seccomp_compiler::lex::MAX_POLICY_BYTES;
use seccomp_compiler::{Diagnostic, Source};
use std::path::{Path, PathBuf};

/// A policy file that was read.
pub struct PolicyFile {
    /// The path as written, for messages.
    pub source: Source,
    /// Where the file is, for `include_str!`.
    pub absolute: PathBuf,
    /// The string literal naming the file: where every error points.
    pub literal: Span,
}

/// The `file = "PATH"` form, if `tokens` is one: `None` for an inline
/// policy, an error for `file = ` followed by something else.
pub fn file_argument(tokens: &[TokenTree]) -> Option<Result<(String, Span), Error>> {
    let [TokenTree::Ident(key), TokenTree::Punct(eq), rest @ ..] = tokens else {
        return None;
    };
    if !ident_is(key, "file") || eq.as_char() != '=' || eq.spacing() != Spacing::Alone {
        return None;
    }
    let expected = || {
        Error::new(
            rest.first().map_or(eq.span(), TokenTree::span),
            "expected the policy file's path as a string literal, as in `file = \"policies/daemon.policy\"`",
        )
    };
    let Some(TokenTree::Literal(lit)) = rest.first() else {
        return Some(Err(expected()));
    };
    let Some(path) = string_value(lit) else {
        return Some(Err(expected()));
    };
    if let Some(extra) = rest.get(1) {
        return Some(Err(Error::new(
            extra.span(),
            "unexpected tokens after the policy file's path: `file = \"...\"` takes the whole policy from the file",
        )));
    }
    Some(Ok((path, lit.span())))
}

/// The value of a string literal: `"..."` with the usual escapes, or a raw
/// string.
fn string_value(lit: &Literal) -> Option<String> {
    let text = lit.to_string();
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return Some(inner.strip_prefix('"')?.strip_suffix('"')?.to_owned());
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            other => out.push(other),
        }
    }
    Some(out)
}

/// The file's text, reading no more than the compiler's limit (a policy
/// path naming `/dev/zero` must not take all the memory there is).
fn read_at_most_limit(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    // One byte past the limit tells a file at the limit from a larger one.
    let most = MAX_POLICY_BYTES as u64 + 1;
    std::fs::File::open(path)?
        .take(most)
        .read_to_string(&mut text)?;
    if text.len() > MAX_POLICY_BYTES {
        return Err(std::io::ErrorKind::FileTooLarge.into());
    }
    Ok(text)
}

impl PolicyFile {
    /// Reads `path`, relative to the directory of the crate being built
    /// (`CARGO_MANIFEST_DIR`).
    pub fn read(path: &str, literal: Span) -> Result<PolicyFile, Error> {
        let base = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
        let absolute = base.join(path);
        let text = read_at_most_limit(&absolute).map_err(|e| {
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => format!("policy file `{path}` not found"),
                std::io::ErrorKind::FileTooLarge => format!(
                    "policy file `{path}` is larger than {MAX_POLICY_BYTES} bytes (4 MiB), the limit for a policy"
                ),
                _ => format!("cannot read policy file `{path}`: {e}"),
            };
            Error::new(
                literal,
                format!(
                    "{what}\nhelp: the path is relative to the directory of the crate's Cargo.toml (CARGO_MANIFEST_DIR)"
                ),
            )
        })?;
        Ok(PolicyFile {
            source: Source::new(path, text),
            absolute,
            literal,
        })
    }

    /// A compiler diagnostic about the file's text, at the path literal:
    /// `path:line:col: message`, then the excerpt rustc would have shown.
    pub fn error(&self, d: &Diagnostic) -> Error {
        let location = self.source.location(d.span);
        let rendered = d.render(&self.source);
        let mut message = format!("{location}: {}{}", d.message, arch_suffix(d));
        let mut skipped_location = false;
        // The first line repeats the message; the first `-->` line repeats
        // the location.
        for line in rendered.lines().skip(1) {
            if !skipped_location && line.trim_start().starts_with("-->") {
                skipped_location = true;
                continue;
            }
            message.push('\n');
            message.push_str(line.trim_end());
        }
        Error::new(self.literal, message)
    }

    /// `const _: &str = include_str!("/abs/path");`: rustc records the file
    /// as an input of the crate, so editing it rebuilds the crate.
    pub fn include(&self) -> TokenStream {
        let path = TokenTree::Literal(path_literal(&self.absolute, self.literal));
        rust(
            "const _: &::core::primitive::str = ::core::include_str!($0);",
            &[path.into()],
        )
    }
}

fn path_literal(path: &Path, span: Span) -> Literal {
    let mut lit = Literal::string(&path.to_string_lossy());
    lit.set_span(span);
    lit
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn tokens(text: &str) -> Vec<TokenTree> {
        TokenStream::from_str(text).unwrap().into_iter().collect()
    }

    #[test]
    fn recognises_the_file_form() {
        let (path, _) = file_argument(&tokens(r#"file = "a/b.policy""#))
            .unwrap()
            .unwrap();
        assert_eq!(path, "a/b.policy");
        let (path, _) = file_argument(&tokens(r##"file = r#"a"b"#"##))
            .unwrap()
            .unwrap();
        assert_eq!(path, "a\"b");
        assert!(file_argument(&tokens("base @default;")).is_none());
        assert!(file_argument(&tokens("file == 1")).is_none());
        let err = file_argument(&tokens("file = 1")).unwrap().unwrap_err();
        assert!(err.message.starts_with("expected the policy file's path"));
        let err = file_argument(&tokens(r#"file = "a" base"#))
            .unwrap()
            .unwrap_err();
        assert!(err.message.starts_with("unexpected tokens"));
    }
}
