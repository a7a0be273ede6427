//! kafel's lexer, as google/kafel `src/lexer.l` (commit 18f2074) defines
//! it: `//` and `/* */` comments (inside a comment, `*` followed by any
//! character but `/` is consumed in pairs, so `**/` does not close it),
//! numbers (`0x` hex, `0b` binary, leading-`0` octal read as far as its
//! octal digits go, decimal with an optional `-` that wraps as `strtoull`
//! does), identifiers `[A-Za-z][A-Za-z0-9_]*`, the keywords, the
//! operators, and `#include "a" "b"`: each file name preceded by
//! whitespace, the directive ended by a newline or `;`, files found only in
//! the search directories, at most 16 deep.

use super::super::ImportError;
use std::path::PathBuf;

/// The keywords of the lexer (an identifier spelled exactly so is one).
const KEYWORDS: [&str; 16] = [
    "SYSCALL",
    "ALLOW",
    "LOG",
    "USER_NOTIF",
    "ERRNO",
    "KILL_PROCESS",
    "KILL_THREAD",
    "KILL",
    "DENY",
    "TRAP",
    "TRACE",
    "USE",
    "POLICY",
    "DEFAULT",
    "ON",
    "define",
];

/// Operators and punctuation, longest first.
const SYMBOLS: [&str; 19] = [
    "==", "!=", "<=", ">=", "||", "&&", "<", ">", "|", "&", "[", "]", "(", ")", "{", "}", ",", "!",
    "#",
];

/// kafel's MAX_INCLUDE_DEPTH.
const MAX_INCLUDE_DEPTH: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Number(u64),
    Ident(String),
    Keyword(&'static str),
    Sym(&'static str),
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Number(n) => format!("number {n}"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Keyword(k) | Tok::Sym(k) => format!("`{k}`"),
        }
    }
}

/// Where a token is: a file of [`Files`] and a byte offset in its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub offset: usize,
}

/// Text that was taken out of another file (nsjail's `seccomp_string`
/// values): where each byte came from, so errors name the original place.
pub struct Origin {
    pub name: String,
    pub text: String,
    /// Byte offset in `text` of each byte of the extracted text.
    pub map: Vec<usize>,
}

pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub origin: Option<Origin>,
}

/// Every file read (the policy and its includes), for locations.
#[derive(Default)]
pub struct Files {
    pub list: Vec<SourceFile>,
}

impl Files {
    /// `file:line:col` of `loc`, in the original file for extracted text.
    pub fn location(&self, loc: Loc) -> String {
        let f = &self.list[loc.file];
        match &f.origin {
            Some(o) => {
                let at = o.map.get(loc.offset).or(o.map.last()).copied().unwrap_or(0);
                super::super::location(&o.name, &o.text, at)
            }
            None => super::super::location(&f.name, &f.text, loc.offset),
        }
    }

    pub fn error(&self, loc: Loc, message: impl Into<String>) -> ImportError {
        ImportError::new(self.location(loc), message)
    }
}

/// Tokens of file `file` of `files`, with `#include`d files' tokens in
/// their place.
pub fn lex(
    files: &mut Files,
    file: usize,
    search: &[PathBuf],
    depth: usize,
    out: &mut Vec<(Tok, Loc)>,
) -> Result<(), ImportError> {
    let text = files.list[file].text.clone();
    let bytes = text.as_bytes();
    let at = |offset| Loc { file, offset };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let c = bytes[i];
        if c == b' ' || c == b'\t' || c == b'\n' {
            i += 1;
        } else if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i = comment_end(files, &text, i + 2, file)?;
        } else if rest.starts_with("#include") {
            i = include(files, &text, i + "#include".len(), file, search, depth, out)?;
        } else if c.is_ascii_digit()
            || c == b'-' && rest[1..].starts_with(|d: char| d.is_ascii_digit() && d != '0')
        {
            let (value, len) = number(rest).map_err(|m| files.error(at(i), m))?;
            out.push((Tok::Number(value), at(i)));
            i += len;
        } else if c.is_ascii_alphabetic() {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..len];
            let tok = match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => Tok::Keyword(k),
                None => Tok::Ident(word.to_owned()),
            };
            out.push((tok, at(i)));
            i += len;
        } else if let Some(s) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            out.push((Tok::Sym(s), at(i)));
            i += s.len();
        } else {
            let ch = rest.chars().next().unwrap_or(' ');
            return Err(files.error(at(i), format!("unexpected character `{ch}`")));
        }
    }
    Ok(())
}

/// After `/*`: the offset after the closing `*/`.
fn comment_end(files: &Files, text: &str, mut i: usize, file: usize) -> Result<usize, ImportError> {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if text[i..].starts_with("*/") {
            return Ok(i + 2);
        }
        if bytes[i] == b'*' {
            if i + 1 >= bytes.len() {
                return Err(files.error(Loc { file, offset: i }, "unexpected character `*`"));
            }
            // lexer.l's `"*"[^/]`: the star and the next character.
            i += 1 + text[i + 1..].chars().next().map_or(1, char::len_utf8);
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    Err(files.error(
        Loc {
            file,
            offset: text.len(),
        },
        "unterminated comment",
    ))
}

/// After `#include`: lexes each named file, returns the offset after the
/// directive's newline or `;`.
fn include(
    files: &mut Files,
    text: &str,
    mut i: usize,
    file: usize,
    search: &[PathBuf],
    depth: usize,
    out: &mut Vec<(Tok, Loc)>,
) -> Result<usize, ImportError> {
    let bytes = text.as_bytes();
    let mut whitespace = false;
    loop {
        let at = Loc { file, offset: i };
        match bytes.get(i) {
            None => {
                return Err(files.error(
                    at,
                    "unterminated include statement (end it with a newline or `;`)",
                ));
            }
            Some(b' ' | b'\t') => {
                whitespace = true;
                i += 1;
            }
            Some(b'\n' | b';') => return Ok(i + 1),
            Some(b'"') => {
                let Some(len) = text[i + 1..].find('"').filter(|&l| l > 0) else {
                    return Err(files.error(at, "unexpected character `\"`"));
                };
                if !whitespace {
                    return Err(
                        files.error(at, "unexpected file name (separate it with whitespace)")
                    );
                }
                whitespace = false;
                let name = &text[i + 1..i + 1 + len];
                include_file(files, name, at, search, depth, out)?;
                i += len + 2;
            }
            Some(_) => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                return Err(files.error(at, format!("unexpected character `{ch}` in #include")));
            }
        }
    }
}

fn include_file(
    files: &mut Files,
    name: &str,
    at: Loc,
    search: &[PathBuf],
    depth: usize,
    out: &mut Vec<(Tok, Loc)>,
) -> Result<(), ImportError> {
    if depth >= MAX_INCLUDE_DEPTH {
        return Err(files.error(
            at,
            format!("maximum include depth ({MAX_INCLUDE_DEPTH}) exceeded"),
        ));
    }
    // includes.c includes_resolve: `path_join(dir, name)` is `dir/name`
    // even for an absolute name, and the first that fopen opens is taken
    // (a directory too, which then fails to read).
    let found = search
        .iter()
        .map(|d| {
            let mut p = d.as_os_str().to_owned();
            p.push("/");
            p.push(name);
            PathBuf::from(p)
        })
        .find(|p| p.exists());
    let Some(path) = found else {
        let e = files.error(at, format!("could not include file `{name}`"));
        return Err(if search.is_empty() {
            e.with_help("kafel looks only in the directories its user adds (nsjail adds none); name them with --include-dir")
        } else {
            e.with_help(format!(
                "searched: {}",
                search
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        });
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| files.error(at, format!("cannot read {}: {e}", path.display())))?;
    files.list.push(SourceFile {
        name: path.display().to_string(),
        text,
        origin: None,
    });
    let index = files.list.len() - 1;
    lex(files, index, search, depth + 1, out)
}

/// A number token at the start of `s`: its value and length.
fn number(s: &str) -> Result<(u64, usize), String> {
    let len_while = |from: usize, f: fn(char) -> bool| {
        s[from..]
            .find(|c: char| !f(c))
            .map_or(s.len(), |l| from + l)
    };
    let range = |t: &str| format!("number `{t}` out of range");
    if let Some(h) = s
        .strip_prefix("0x")
        .filter(|h| h.starts_with(|c: char| c.is_ascii_hexdigit()))
    {
        let end = 2 + h.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(h.len());
        let t = &s[..end];
        return u64::from_str_radix(&t[2..], 16)
            .map(|v| (v, end))
            .map_err(|_| range(t));
    }
    if let Some(b) = s.strip_prefix("0b").filter(|b| b.starts_with(['0', '1'])) {
        let end = 2 + b.find(|c: char| c != '0' && c != '1').unwrap_or(b.len());
        let t = &s[..end];
        return u64::from_str_radix(&t[2..], 2)
            .map(|v| (v, end))
            .map_err(|_| range(t));
    }
    if s.starts_with('0') {
        let end = len_while(1, |c| c.is_ascii_digit());
        let t = &s[..end];
        // strtoull(t, NULL, 8) stops at the first digit that is not octal.
        let octal: String = t.chars().take_while(|c| ('0'..='7').contains(c)).collect();
        return u64::from_str_radix(&octal, 8)
            .map(|v| (v, end))
            .map_err(|_| range(t));
    }
    let (neg, start) = if s.starts_with('-') {
        (true, 1)
    } else {
        (false, 0)
    };
    let end = len_while(start, |c| c.is_ascii_digit());
    let t = &s[..end];
    let v: u64 = t[start..].parse().map_err(|_| range(t))?;
    // strtoull negates in unsigned arithmetic.
    Ok((if neg { v.wrapping_neg() } else { v }, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Result<Vec<Tok>, String> {
        let mut files = Files::default();
        files.list.push(SourceFile {
            name: "p.policy".into(),
            text: text.into(),
            origin: None,
        });
        let mut out = Vec::new();
        lex(&mut files, 0, &[], 0, &mut out).map_err(|e| e.to_string())?;
        Ok(out.into_iter().map(|(t, _)| t).collect())
    }

    #[test]
    fn numbers_as_kafel_reads_them() {
        assert_eq!(number("0x1f,"), Ok((31, 4)));
        assert_eq!(number("0b101"), Ok((5, 5)));
        assert_eq!(number("0777"), Ok((511, 4)));
        // strtoull(.., 8) stops at the 9.
        assert_eq!(number("0791"), Ok((7, 4)));
        assert_eq!(number("-1"), Ok((u64::MAX, 2)));
        assert_eq!(number("42)"), Ok((42, 2)));
        assert!(number("99999999999999999999").is_err());
    }

    #[test]
    fn comments_keywords_and_errors() {
        assert_eq!(
            toks("ALLOW { write } // x\n/* y * z */ KILLER").unwrap(),
            [
                Tok::Keyword("ALLOW"),
                Tok::Sym("{"),
                Tok::Ident("write".into()),
                Tok::Sym("}"),
                Tok::Ident("KILLER".into()),
            ]
        );
        // lexer.l consumes `*` and the next character in pairs: `**/` does
        // not close the comment.
        assert_eq!(
            toks("/* a **/ b").unwrap_err(),
            "p.policy:1:11: unterminated comment"
        );
        assert_eq!(
            toks("ALLOW $").unwrap_err(),
            "p.policy:1:7: unexpected character `$`"
        );
        assert_eq!(
            toks("_x").unwrap_err(),
            "p.policy:1:1: unexpected character `_`"
        );
        let e = toks("#include \"a.policy\"\n").unwrap_err();
        assert!(
            e.starts_with("p.policy:1:10: could not include file `a.policy`"),
            "{e}"
        );
        assert_eq!(
            toks("#include\"a\"\n").unwrap_err(),
            "p.policy:1:9: unexpected file name (separate it with whitespace)"
        );
    }
}
