//! Tokens of the policy language: Rust's tokens.
//!
//! Macro input is converted token by token by the macro
//! (`seccomp-macros/src/tokens.rs`, with the constructors here and
//! [`macro_tokens`]); policy text (files, standard input) goes through
//! [`lex_text`], a small lexer for the same tokens that records byte
//! positions so errors inside a file report `file:line:col` even when the
//! file was read by the macro. Both feed the one parser in `parse.rs`.

use crate::diag::{Diagnostic, Diagnostics};
use crate::span::Span;

/// One token, with groups nested.
#[derive(Clone, Debug)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Where it is in the policy text.
    pub span: Span,
}

/// The kinds of token, as Rust's tokenizer splits them.
#[derive(Clone, Debug)]
pub enum TokenKind {
    /// An identifier or keyword.
    Ident(String),
    /// One punctuation character; `joint` when the next character is
    /// punctuation too with nothing between (so `=` `=` spells `==`).
    Punct {
        /// The character.
        ch: char,
        /// Whether the next character is punctuation with nothing between.
        joint: bool,
    },
    /// An integer literal as written, suffix included (`0x1f`, `12u32`).
    Int(String),
    /// A string literal's value.
    Str(String),
    /// Any other literal (float, char, byte string).
    OtherLit(String),
    /// Boxed: groups are rare, and inline they would double every token
    /// (a policy's tokens are all held at once while it is parsed).
    /// A delimited group of tokens.
    Group(Box<Group>),
}

/// Tokens between matching delimiters.
#[derive(Clone, Debug)]
pub struct Group {
    /// The delimiters.
    pub delim: Delim,
    /// The tokens inside, nested groups as single tokens.
    pub tokens: Vec<Token>,
    /// Span of the whole group, delimiters included.
    pub span: Span,
}

/// A group's delimiters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delim {
    /// `( ... )`
    Paren,
    /// `{ ... }`
    Brace,
    /// `[ ... ]`
    Bracket,
}

impl Delim {
    /// The opening character.
    pub fn open(self) -> char {
        match self {
            Delim::Paren => '(',
            Delim::Brace => '{',
            Delim::Bracket => '[',
        }
    }
}

impl Token {
    /// Whether the token is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        matches!(self.kind, TokenKind::Punct { ch, .. } if ch == c)
    }

    /// Whether the token is `c` followed directly by more punctuation.
    pub fn is_joint_punct(&self, c: char) -> bool {
        matches!(self.kind, TokenKind::Punct { ch, joint: true } if ch == c)
    }

    /// The identifier's text, if the token is one.
    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            TokenKind::Ident(s) => Some(s),
            _ => None,
        }
    }

    /// How the token reads in a message: `write`, `;`, `(...)`.
    pub fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Ident(s) | TokenKind::Int(s) | TokenKind::OtherLit(s) => format!("`{s}`"),
            TokenKind::Punct { ch, .. } => format!("`{ch}`"),
            TokenKind::Str(s) => format!("{s:?}"),
            TokenKind::Group(g) => format!("`{}...`", g.delim.open()),
        }
    }
}

/// How deeply `(`, `[` and `{` may nest. The parser and every pass over
/// nested tokens recurse once per level; real policies use a handful, and
/// without a limit a few thousand levels would overflow the stack (found by
/// fuzzing).
pub const MAX_NESTING: usize = 64;

fn too_deeply_nested(span: Span) -> Diagnostic {
    Diagnostic::error(
        span,
        format!("delimiters nested more than {MAX_NESTING} levels deep"),
    )
    .with_help("a policy needs far fewer; split the condition or the expression")
}

impl TokenKind {
    /// An identifier of macro input, as Rust prints it: a raw identifier
    /// (`r#type`) stands for its name.
    pub fn ident(text: &str) -> TokenKind {
        TokenKind::Ident(text.strip_prefix("r#").unwrap_or(text).to_owned())
    }

    /// A literal of macro input, as Rust prints it (`0x1f`, `"a\"b"`).
    pub fn literal(text: &str) -> TokenKind {
        classify_literal(text)
    }
}

impl Token {
    /// A group. Its span covers both delimiters: for macro input, from the
    /// group's token to its closing delimiter's, so a group ends at its `)`
    /// (where "expected `;`" points) and still reads as one span where a
    /// single one is wanted.
    pub fn group(delim: Delim, tokens: Vec<Token>, span: Span) -> Token {
        let group = Group {
            delim,
            tokens,
            span,
        };
        Token {
            kind: TokenKind::Group(Box::new(group)),
            span,
        }
    }
}

/// Checks converted macro input: `too_deep` is the first group nested past
/// [`MAX_NESTING`], whose contents the converter left out.
pub fn macro_tokens(
    tokens: Vec<Token>,
    too_deep: Option<Span>,
) -> Result<Vec<Token>, Vec<Diagnostic>> {
    match too_deep {
        Some(span) => Err(vec![too_deeply_nested(span)]),
        None => Ok(tokens),
    }
}

fn classify_literal(text: &str) -> TokenKind {
    let first = text.chars().next().unwrap_or(' ');
    if first.is_ascii_digit() && !text.contains(['.', 'e', 'E']) || text.starts_with("0x") {
        TokenKind::Int(text.to_owned())
    } else if let Some(quoted) = text.strip_prefix('"')
        && let Some(inner) = quoted.strip_suffix('"')
    {
        TokenKind::Str(unescape(inner))
    } else {
        TokenKind::OtherLit(text.to_owned())
    }
}

/// Undoes the escapes a string literal for a file path may contain.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Lexes policy text. Errors (an unexpected character, an unterminated
/// comment or string, unbalanced delimiters) are all collected.
pub fn lex_text(text: &str) -> Result<Vec<Token>, Vec<Diagnostic>> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(vec![too_large(text.len())]);
    }
    let mut lexer = Lexer {
        text,
        pos: 0,
        diags: Diagnostics::new(),
    };
    let flat = lexer.tokens();
    let tokens = nest(flat, &mut lexer.diags);
    lexer.diags.check()?;
    Ok(tokens)
}

/// The largest policy text accepted: 4 MiB, seventy times the largest
/// real policy we know (crosvm's constants and Firecracker's filters are
/// under 60 KB), and small enough that the compiler's time and memory stay
/// bounded (about 600 bytes of memory per byte of the densest policy).
/// Byte offsets fit the `u32`s of [`Span`] with room to spare.
pub const MAX_POLICY_BYTES: usize = 4 << 20;

/// The error for policy text past [`MAX_POLICY_BYTES`].
pub fn too_large(len: usize) -> Diagnostic {
    Diagnostic::error(
        Span::none(),
        format!(
            "the policy is {len} bytes, more than the limit of {MAX_POLICY_BYTES} bytes (4 MiB)"
        ),
    )
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    diags: Diagnostics,
}

/// A flat token before delimiters are matched: delimiters stay puncts.
impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.text[self.pos..].chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn tokens(&mut self) -> Vec<Token> {
        let mut out = Vec::new();
        loop {
            self.skip_trivia();
            let start = self.pos;
            let Some(c) = self.peek() else { break };
            let kind = if c == 'r' && self.peek2() == Some('#') {
                self.pos += 2;
                TokenKind::Ident(self.take_while(is_ident_continue).to_owned())
            } else if is_ident_start(c) {
                TokenKind::Ident(self.take_while(is_ident_continue).to_owned())
            } else if c.is_ascii_digit() {
                // Digits, letters of a radix or suffix, `_`: what
                // identifiers continue with.
                TokenKind::Int(self.take_while(is_ident_continue).to_owned())
            } else if c == '"' {
                match self.string() {
                    Some(s) => TokenKind::Str(s),
                    None => continue,
                }
            } else if is_punct(c) {
                self.bump();
                TokenKind::Punct {
                    ch: c,
                    joint: self.peek().is_some_and(is_punct),
                }
            } else {
                self.bump();
                let span = Span::text(start, self.pos);
                self.diags.push(Diagnostic::error(
                    span,
                    format!("unexpected character `{c}`"),
                ));
                continue;
            };
            out.push(Token {
                kind,
                span: Span::text(start, self.pos),
            });
        }
        out
    }

    /// A function pointer, not a generic: one copy of the loop.
    fn take_while(&mut self, f: fn(char) -> bool) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek()
            && f(c)
        {
            self.bump();
        }
        &self.text[start..self.pos]
    }

    fn skip_trivia(&mut self) {
        loop {
            self.take_while(char::is_whitespace);
            let rest = &self.text[self.pos..];
            if rest.starts_with("//") {
                self.take_while(|c| c != '\n');
            } else if rest.starts_with("/*") {
                self.block_comment();
            } else {
                return;
            }
        }
    }

    /// Skips a (nestable, as in Rust) block comment.
    fn block_comment(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        while self.pos < self.text.len() {
            let rest = &self.text[self.pos..];
            if rest.starts_with("/*") {
                depth += 1;
                self.pos += 2;
            } else if rest.starts_with("*/") {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.bump();
            }
        }
        self.diags.push(Diagnostic::error(
            Span::text(start, start + 2),
            "unterminated block comment",
        ));
    }

    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.bump();
        let mut raw = String::new();
        while let Some(c) = self.bump() {
            match c {
                '"' => return Some(unescape(&raw)),
                '\\' => {
                    raw.push(c);
                    if let Some(n) = self.bump() {
                        raw.push(n);
                    }
                }
                _ => raw.push(c),
            }
        }
        self.diags.push(Diagnostic::error(
            Span::text(start, start + 1),
            "unterminated string literal",
        ));
        None
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_punct(c: char) -> bool {
    "(){}[];,:@!=<>&|-+*/%^~?#.$".contains(c)
}

/// Matches delimiters into groups.
fn nest(flat: Vec<Token>, diags: &mut Diagnostics) -> Vec<Token> {
    // Each open frame: the delimiter, its opening span, tokens so far.
    let mut stack: Vec<(Delim, Span, Vec<Token>)> = Vec::new();
    let mut top: Vec<Token> = Vec::new();
    for tok in flat {
        if let Some(delim) = opening(&tok) {
            if stack.len() >= MAX_NESTING {
                diags.push(too_deeply_nested(tok.span));
                return top;
            }
            stack.push((delim, tok.span, std::mem::take(&mut top)));
        } else if let Some(delim) = closing(&tok) {
            match stack.pop() {
                Some((open, open_span, outer)) if open == delim => {
                    let inner = std::mem::replace(&mut top, outer);
                    let span = open_span.join(tok.span);
                    top.push(Token::group(delim, inner, span));
                }
                Some((open, open_span, outer)) => {
                    diags.push(
                        Diagnostic::error(
                            tok.span,
                            format!("mismatched closing delimiter {}", tok.describe()),
                        )
                        .with_related(open_span, format!("unclosed `{}` opened here", open.open())),
                    );
                    top = outer;
                }
                None => diags.push(Diagnostic::error(
                    tok.span,
                    format!("unexpected closing delimiter {}", tok.describe()),
                )),
            }
        } else {
            top.push(tok);
        }
    }
    for (open, open_span, _) in stack {
        diags.push(Diagnostic::error(
            open_span,
            format!("unclosed delimiter `{}`", open.open()),
        ));
    }
    top
}

fn opening(t: &Token) -> Option<Delim> {
    match t.kind {
        TokenKind::Punct { ch: '(', .. } => Some(Delim::Paren),
        TokenKind::Punct { ch: '{', .. } => Some(Delim::Brace),
        TokenKind::Punct { ch: '[', .. } => Some(Delim::Bracket),
        _ => None,
    }
}

fn closing(t: &Token) -> Option<Delim> {
    match t.kind {
        TokenKind::Punct { ch: ')', .. } => Some(Delim::Paren),
        TokenKind::Punct { ch: '}', .. } => Some(Delim::Brace),
        TokenKind::Punct { ch: ']', .. } => Some(Delim::Bracket),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        lex_text(text)
            .unwrap()
            .iter()
            .map(|t| t.describe())
            .collect()
    }

    #[test]
    fn lexes_statements_and_groups() {
        assert_eq!(
            kinds("keep write(fd == 1 | 2); // stdout"),
            ["`keep`", "`write`", "`(...`", "`;`"]
        );
        let toks = lex_text("a==-1").unwrap();
        assert!(toks[1].is_joint_punct('='));
        assert!(toks[2].is_joint_punct('='));
        assert!(toks[3].is_punct('-'));
    }

    #[test]
    fn reports_unbalanced_delimiters_with_positions() {
        let errs = lex_text("keep write(fd == 1;\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].message, "unclosed delimiter `(`");
        assert_eq!(errs[0].span.byte_range(), 10..11);
        let errs = lex_text("keep write);").unwrap_err();
        assert_eq!(errs[0].message, "unexpected closing delimiter `)`");
    }

    #[test]
    fn text_past_the_limit_is_refused_before_lexing() {
        let huge = " ".repeat(MAX_POLICY_BYTES + 1);
        let errs = lex_text(&huge).unwrap_err();
        assert_eq!(
            errs[0].message,
            "the policy is 4194305 bytes, more than the limit of 4194304 bytes (4 MiB)"
        );
        let largest = format!("{}keep read;", " ".repeat(MAX_POLICY_BYTES - 10));
        assert_eq!(lex_text(&largest).unwrap().len(), 3);
    }

    #[test]
    fn nesting_is_limited() {
        let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(lex_text(&ok).is_ok());
        let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
        let errs = lex_text(&deep).unwrap_err();
        assert_eq!(
            errs[0].message,
            "delimiters nested more than 64 levels deep"
        );
        assert_eq!(errs[0].span.byte_range(), MAX_NESTING..MAX_NESTING + 1);
    }

    #[test]
    fn comments_and_strings() {
        assert_eq!(
            kinds("/* a /* nested */ b */ file = \"x\\\"y\""),
            ["`file`", "`=`", "\"x\\\"y\""]
        );
        assert!(lex_text("/* open").is_err());
        assert!(lex_text("\"open").is_err());
        assert_eq!(
            lex_text("keep é;").unwrap_err()[0].message,
            "unexpected character `é`"
        );
    }
}
