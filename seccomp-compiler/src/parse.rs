//! Tokens -> syntax tree. One function per grammar rule (the rule is in the
//! doc comment of the matching type in `ast.rs`). A statement that fails to
//! parse is reported and skipped up to its `;`, so one run reports every
//! broken statement.

use crate::ast::*;
use crate::diag::{Diagnostic, Diagnostics, nearest_in};
use crate::lex::{self, Delim, Token, TokenKind};
use crate::span::Span;

/// The statement keywords, for "expected ..." messages and suggestions.
pub const STATEMENT_KEYWORDS: [&str; 9] = [
    "base",
    "keep",
    "drop",
    "deny",
    "default",
    "unknown",
    "arch",
    "acknowledge",
    "successors",
];

/// Parses policy text (a file or standard input).
pub fn parse_str(text: &str) -> Result<Policy, Vec<Diagnostic>> {
    let tokens = lex::lex_text(text)?;
    parse_tokens(&tokens, Span::text(text.len(), text.len()))
}

/// Parses a token list (macro input, converted by the macro); `end` is
/// where "found end of input" points.
pub fn parse_tokens(tokens: &[Token], end: Span) -> Result<Policy, Vec<Diagnostic>> {
    let mut p = Parser::new(tokens, end);
    let mut policy = Policy::default();
    let mut diags = Diagnostics::new();
    while !p.at_end() {
        match p.statement() {
            Ok(s) => policy.statements.push(s),
            Err(d) => {
                diags.push(d);
                p.skip_past_semicolon();
            }
        }
    }
    diags.check()?;
    policy.number_symbols();
    Ok(policy)
}

type PResult<T> = Result<T, Diagnostic>;

/// A cursor over one level of tokens (a group's contents are parsed by a
/// parser of their own).
struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    /// Where "end of input" is, for errors past the last token.
    end: Span,
}

impl<'a> Parser<'a> {
    fn new(toks: &'a [Token], end: Span) -> Parser<'a> {
        Parser { toks, pos: 0, end }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, n: usize) -> Option<&'a Token> {
        self.toks.get(self.pos + n)
    }

    fn next(&mut self) -> Option<&'a Token> {
        let t = self.toks.get(self.pos);
        self.pos += usize::from(t.is_some());
        t
    }

    /// The span of the next token, or of the end of input.
    fn here(&self) -> Span {
        match self.peek() {
            Some(t) => t.span,
            None => self.end,
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(t) => t.describe(),
            None => "end of input".to_owned(),
        }
    }

    fn expected(&self, what: &str) -> Diagnostic {
        Diagnostic::error(
            self.here(),
            format!("expected {what}, found {}", self.found()),
        )
    }

    fn is_punct(&self, c: char) -> bool {
        matches!(self.peek(), Some(t) if t.is_punct(c))
    }

    /// Whether the next tokens spell the two-character operator `a b`.
    fn is_op2(&self, a: char, b: char) -> bool {
        matches!(self.peek(), Some(t) if t.is_joint_punct(a))
            && matches!(self.peek_at(1), Some(t) if t.is_punct(b))
    }

    fn eat_punct(&mut self, c: char) -> Option<Span> {
        if !self.is_punct(c) {
            return None;
        }
        self.pos += 1;
        Some(self.prev_span())
    }

    fn eat_op2(&mut self, a: char, b: char) -> Option<Span> {
        if !self.is_op2(a, b) {
            return None;
        }
        let first = self.next()?.span;
        Some(first.join(self.next()?.span))
    }

    fn expect_punct(&mut self, c: char, what: &str) -> PResult<Span> {
        match self.eat_punct(c) {
            Some(span) => Ok(span),
            None => Err(self.expected(what)),
        }
    }

    fn ident(&mut self, what: &str) -> PResult<Name> {
        match self.peek() {
            Some(Token {
                kind: TokenKind::Ident(s),
                span,
            }) => {
                self.pos += 1;
                Ok(Name {
                    text: s.clone(),
                    span: *span,
                })
            }
            _ => Err(self.expected(what)),
        }
    }

    fn group(&mut self, delim: Delim, what: &str) -> PResult<&'a lex::Group> {
        match self.peek() {
            Some(Token {
                kind: TokenKind::Group(g),
                ..
            }) if g.delim == delim => {
                self.pos += 1;
                Ok(g)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn skip_past_semicolon(&mut self) {
        while let Some(t) = self.next() {
            if t.is_punct(';') {
                return;
            }
        }
    }

    /// The `;` that ends a statement. Missing, it is reported right after
    /// the statement's last token, where it belongs, as rustc does (not
    /// under that token, which may be a whole condition).
    fn end_statement(&mut self, keyword: &str) -> PResult<Span> {
        if let Some(semi) = self.eat_punct(';') {
            return Ok(semi);
        }
        Err(Diagnostic::error(
            self.prev_span().end(),
            format!(
                "expected `;` after the `{keyword}` statement, found {}",
                self.found()
            ),
        )
        .with_help("add `;` here"))
    }

    /// `statement`: see [`StatementKind`].
    fn statement(&mut self) -> PResult<Statement> {
        let keyword = self.statement_keyword()?;
        let kind = match keyword.text.as_str() {
            "deny" => StatementKind::Deny(self.action()?),
            "unknown" => StatementKind::Unknown(self.action()?),
            "default" => StatementKind::Default(self.action()?),
            "base" => StatementKind::Base(self.allow_items("base")?),
            "keep" => StatementKind::Keep(self.allow_items("keep")?),
            "drop" => self.drop_statement()?,
            "arch" => StatementKind::Arch(self.name_list("an architecture name")?),
            "acknowledge" => StatementKind::Acknowledge(self.name_list("a lint name")?),
            "successors" => StatementKind::Successors(self.on_off("successors")?),
            _ => unreachable!("statement_keyword returns only statement keywords"),
        };
        let semi = self.end_statement(&keyword.text)?;
        Ok(Statement {
            kind,
            keyword: keyword.span,
            span: keyword.span.join(semi),
        })
    }

    fn statement_keyword(&mut self) -> PResult<Name> {
        let expected = "a statement (`base`, `keep`, `drop`, `deny`, `default`, `unknown`, `arch`, `acknowledge` or `successors`)";
        let name = self.ident(expected)?;
        if STATEMENT_KEYWORDS.contains(&name.text.as_str()) {
            return Ok(name);
        }
        let d = Diagnostic::error(name.span, format!("unknown statement `{}`", name.text));
        Err(match name.text.as_str() {
            "allow" => d.with_help(
                "to allow syscalls write `keep NAME, ...;` (or `base` for the starting set)",
            ),
            "block" | "deny_syscalls" | "kill" | "refuse" => {
                d.with_help("to refuse syscalls write `drop NAME, ...;`")
            }
            _ => d
                .with_suggestion(nearest_in(&name.text, &STATEMENT_KEYWORDS))
                .with_help(format!("expected {expected}")),
        })
    }

    /// `"drop" items [ "=>" action ]`.
    fn drop_statement(&mut self) -> PResult<StatementKind> {
        let items = self.items()?;
        let action = if self.eat_op2('=', '>').is_some() {
            Some(self.action()?)
        } else {
            None
        };
        Ok(StatementKind::Drop(items, action))
    }

    /// `"on" | "off"` after `keyword`.
    fn on_off(&mut self, keyword: &str) -> PResult<bool> {
        let expected = format!("`on` or `off` after `{keyword}`");
        let name = self.ident(&expected)?;
        match name.text.as_str() {
            "on" => Ok(true),
            "off" => Ok(false),
            other => Err(Diagnostic::error(
                name.span,
                format!("expected {expected}, found `{other}`"),
            )
            .with_suggestion(nearest_in(other, &["off", "on"]))
            .with_help(format!("`{keyword} off;` gives successors the action of the policy's statements and `default`"))),
        }
    }

    fn name_list(&mut self, what: &str) -> PResult<Vec<Name>> {
        let mut names = vec![self.ident(what)?];
        while self.eat_punct(',').is_some() {
            names.push(self.ident(what)?);
        }
        Ok(names)
    }

    /// `items = item { "," item }`.
    fn items(&mut self) -> PResult<Vec<Item>> {
        let mut items = vec![self.item()?];
        while self.eat_punct(',').is_some() {
            items.push(self.item()?);
        }
        Ok(items)
    }

    /// The items of `base` / `keep`, which allow and so take no `=> ACTION`.
    fn allow_items(&mut self, keyword: &str) -> PResult<Vec<Item>> {
        let items = self.items()?;
        if self.is_op2('=', '>') {
            return Err(Diagnostic::error(
                self.here(),
                format!("`=> ACTION` is only allowed on `drop`, not on `{keyword}`"),
            )
            .with_help(format!(
                "`{keyword}` allows; use `drop NAME => ACTION;` to refuse with a specific action"
            )));
        }
        Ok(items)
    }

    /// `item = syscall [ "(" cond ")" ] | "@" group | "!" syscall | "!" "@" group`.
    fn item(&mut self) -> PResult<Item> {
        let start = self.here();
        if self.eat_punct('!').is_some() {
            let kind = if self.is_punct('@') {
                ItemKind::ExceptGroup(self.group_name()?)
            } else {
                ItemKind::ExceptSyscall(self.ident("a syscall or `@group` to exempt after `!`")?)
            };
            return Ok(Item {
                span: start.join(self.prev_span()),
                kind,
            });
        }
        if self.is_punct('@') {
            let name = self.group_name()?;
            if let Some(Token {
                kind: TokenKind::Group(g),
                ..
            }) = self.peek()
                && g.delim == Delim::Paren
            {
                return Err(Diagnostic::error(
                    g.span,
                    format!("a condition cannot apply to a group (`{}`)", name.text),
                )
                .with_help("conditions test one syscall's parameters; name the syscall instead"));
            }
            return Ok(Item {
                span: name.span,
                kind: ItemKind::Group(name),
            });
        }
        let name = self.ident("a syscall name or `@group`")?;
        let cond = match self.peek() {
            Some(Token {
                kind: TokenKind::Group(g),
                ..
            }) if g.delim == Delim::Paren => {
                self.pos += 1;
                Some(parse_condition(g)?)
            }
            _ => None,
        };
        Ok(Item {
            span: start.join(self.prev_span()),
            kind: ItemKind::Syscall { name, cond },
        })
    }

    fn prev_span(&self) -> Span {
        match self.toks.get(self.pos.wrapping_sub(1)) {
            Some(t) => t.span,
            None => self.end,
        }
    }

    /// `"@" ident { "-" ident }`: group names are spelled with hyphens.
    fn group_name(&mut self) -> PResult<Name> {
        let at = self.expect_punct('@', "`@`")?;
        let first = self.ident("a group name after `@`")?;
        let mut text = format!("@{}", first.text);
        let mut span = at.join(first.span);
        while self.is_punct('-')
            && matches!(self.peek_at(1).map(|t| &t.kind), Some(TokenKind::Ident(_)))
        {
            self.pos += 1;
            let part = self.ident("a group name")?;
            text.push('-');
            text.push_str(&part.text);
            span = span.join(part.span);
        }
        Ok(Name { text, span })
    }

    /// `action`: see [`ActionKind`].
    fn action(&mut self) -> PResult<ActionSpec> {
        let name = self.ident("an action (`allow`, `log`, `kill_process`, `kill_thread`, `trap`, `errno(N)`, `trace(N)`, `user_notif`)")?;
        let simple = match name.text.as_str() {
            "allow" => Some(ActionKind::Allow),
            "log" => Some(ActionKind::Log),
            "kill_process" => Some(ActionKind::KillProcess),
            "kill_thread" => Some(ActionKind::KillThread),
            "trap" => Some(ActionKind::Trap),
            "user_notif" => Some(ActionKind::UserNotif),
            _ => None,
        };
        if let Some(kind) = simple {
            return Ok(ActionSpec {
                kind,
                span: name.span,
            });
        }
        match name.text.as_str() {
            "errno" => self.errno_action(name.span),
            "trace" => self.trace_action(name.span),
            "kill" => Err(Diagnostic::error(name.span, "unknown action `kill`")
                .with_help("say which: `kill_process` (the whole process) or `kill_thread` (only the calling thread)")),
            other => Err(Diagnostic::error(name.span, format!("unknown action `{other}`"))
                .with_suggestion(nearest_in(other, &crate::action::Action::KEYWORDS))),
        }
    }

    fn errno_action(&mut self, kw: Span) -> PResult<ActionSpec> {
        let g = self.group(Delim::Paren, "`(` after `errno`, as in `errno(EPERM)`")?;
        let mut inner = Parser::new(&g.tokens, g.span);
        let spec = match inner.peek() {
            Some(Token {
                kind: TokenKind::Ident(_),
                ..
            }) => ErrnoSpec::Name(inner.ident("an errno name")?),
            Some(Token {
                kind: TokenKind::Int(_),
                ..
            }) => {
                let (value, span) = inner.int()?;
                ErrnoSpec::Number(checked_data(
                    value,
                    span,
                    crate::bpf::MAX_ERRNO,
                    "errno values go up to 4095 (MAX_ERRNO)",
                )?)
            }
            _ => return Err(inner.expected("an errno number or name, as in `errno(EPERM)`")),
        };
        inner.expect_done("`)`")?;
        Ok(ActionSpec {
            kind: ActionKind::Errno(spec),
            span: kw.join(g.span),
        })
    }

    fn trace_action(&mut self, kw: Span) -> PResult<ActionSpec> {
        let g = self.group(Delim::Paren, "`(` after `trace`, as in `trace(1)`")?;
        let mut inner = Parser::new(&g.tokens, g.span);
        let (value, span) = inner.int()?;
        let data = checked_data(value, span, 0xffff, "trace data is 16 bits (0..=65535)")?;
        inner.expect_done("`)`")?;
        Ok(ActionSpec {
            kind: ActionKind::Trace(data),
            span: kw.join(g.span),
        })
    }

    fn expect_done(&self, what: &str) -> PResult<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// An unsigned integer literal.
    fn int(&mut self) -> PResult<(u64, Span)> {
        match self.peek() {
            Some(Token {
                kind: TokenKind::Int(text),
                span,
            }) => {
                self.pos += 1;
                Ok((parse_int(text, *span)?, *span))
            }
            _ => Err(self.expected("an integer")),
        }
    }

    /// `cond = conj { "||" conj }`.
    fn cond(&mut self) -> PResult<Cond> {
        let mut alts = vec![self.conj()?];
        while self.eat_op2('|', '|').is_some() {
            alts.push(self.conj()?);
        }
        Ok(if alts.len() == 1 {
            alts.remove(0)
        } else {
            Cond::Or(alts)
        })
    }

    /// `conj = atom { "&&" atom }`.
    fn conj(&mut self) -> PResult<Cond> {
        let mut all = vec![self.atom()?];
        while self.eat_op2('&', '&').is_some() {
            all.push(self.atom()?);
        }
        Ok(if all.len() == 1 {
            all.remove(0)
        } else {
            Cond::And(all)
        })
    }

    /// `atom = "(" cond ")" | arg [ "&" value ] op values`.
    fn atom(&mut self) -> PResult<Cond> {
        if let Some(Token {
            kind: TokenKind::Group(g),
            ..
        }) = self.peek()
            && g.delim == Delim::Paren
        {
            self.pos += 1;
            return parse_condition(g);
        }
        if self.is_punct('!') {
            return Err(
                Diagnostic::error(self.here(), "`!` cannot negate a condition")
                    .with_help("invert the comparison instead (`==` <-> `!=`, `<` <-> `>=`)"),
            );
        }
        Ok(Cond::Cmp(Box::new(self.comparison()?)))
    }

    fn comparison(&mut self) -> PResult<Comparison> {
        let arg = self.arg_ref()?;
        let mask = if self.is_punct('&') && !self.is_op2('&', '&') {
            self.pos += 1;
            Some(self.value()?)
        } else {
            None
        };
        let (op, op_span) = self.cmp_op()?;
        let mut values = vec![self.value()?];
        while self.is_punct('|') && !self.is_op2('|', '|') {
            self.pos += 1;
            values.push(self.value()?);
        }
        let span = arg.name.span.join(self.prev_span());
        let cmp = Comparison {
            arg,
            mask,
            op,
            op_span,
            values,
            span,
        };
        check_comparison_shape(&cmp)?;
        Ok(cmp)
    }

    /// `arg = ( PARAM_NAME | "arg0" | ... | "arg5" ) [ ":" ( "u32" | "u64" ) ]`.
    fn arg_ref(&mut self) -> PResult<ArgRef> {
        let name = self.ident("a parameter name or `arg0`..`arg5`")?;
        if !self.is_punct(':') || self.is_op2(':', ':') {
            return Ok(ArgRef { name, width: None });
        }
        self.pos += 1;
        let w = self.ident("`u32` or `u64` after `:`")?;
        let width = match w.text.as_str() {
            "u32" => Width::U32,
            "u64" => Width::U64,
            other => {
                return Err(
                    Diagnostic::error(w.span, format!("unknown width `{other}`")).with_help(
                        "a width override is `:u32` (low 32 bits) or `:u64` (all 64 bits)",
                    ),
                );
            }
        };
        Ok(ArgRef {
            name,
            width: Some((width, w.span)),
        })
    }

    fn cmp_op(&mut self) -> PResult<(CmpOp, Span)> {
        for (a, b, op) in [
            ('=', '=', CmpOp::Eq),
            ('!', '=', CmpOp::Ne),
            ('<', '=', CmpOp::Le),
            ('>', '=', CmpOp::Ge),
        ] {
            if let Some(span) = self.eat_op2(a, b) {
                return Ok((op, span));
            }
        }
        if let Some(span) = self.eat_punct('<') {
            return Ok((CmpOp::Lt, span));
        }
        if let Some(span) = self.eat_punct('>') {
            return Ok((CmpOp::Gt, span));
        }
        let d = self.expected("a comparison operator (`==`, `!=`, `<`, `<=`, `>`, `>=`)");
        Err(if self.is_punct('=') {
            d.with_help("equality is `==`")
        } else {
            d
        })
    }

    /// `value = int | "-" int | CONSTANT | "(" bits ")" | rust_path | "{" rust_expr "}"`.
    fn value(&mut self) -> PResult<Value> {
        let start = self.here();
        if self.eat_punct('-').is_some() {
            let Ok((v, span)) = self.int() else {
                return Err(self.expected("an integer after `-`"));
            };
            return Ok(Value {
                kind: ValueKind::Int(-i128::from(v)),
                span: start.join(span),
            });
        }
        if let Some(value) = self.int_or_constant() {
            return value;
        }
        match self.peek() {
            Some(Token {
                kind: TokenKind::Group(g),
                ..
            }) if g.delim == Delim::Brace => {
                self.pos += 1;
                let text = tokens_text(&g.tokens);
                Ok(Value {
                    kind: ValueKind::Symbolic(Symbolic {
                        id: 0,
                        text,
                        braced: true,
                    }),
                    span: g.span,
                })
            }
            Some(Token {
                kind: TokenKind::Group(g),
                ..
            }) if g.delim == Delim::Paren => {
                self.pos += 1;
                parse_bit_or(g)
            }
            Some(Token {
                kind: TokenKind::Ident(_),
                ..
            }) => self.rust_path(),
            Some(_) if self.is_op2(':', ':') => self.rust_path(),
            _ => Err(self.expected(VALUE)),
        }
    }

    /// Whether the identifier here starts a path (`libc::AF_UNIX`).
    fn path_follows(&self) -> bool {
        matches!(self.peek_at(1), Some(t) if t.is_joint_punct(':'))
            && matches!(self.peek_at(2), Some(t) if t.is_punct(':'))
    }

    /// `CONSTANT`: a lone identifier, a kernel constant.
    fn constant(&mut self) -> PResult<Value> {
        let name = self.ident("a kernel constant")?;
        Ok(Value {
            span: name.span,
            kind: ValueKind::Constant(name),
        })
    }

    /// `bit = int | CONSTANT`, a part of `( A | B )`.
    fn bit(&mut self) -> PResult<Value> {
        match self.int_or_constant() {
            Some(value) => value,
            None => Err(self
                .expected("an integer or a kernel constant inside `( | )`")
                .with_help(BIT_OR_HELP)),
        }
    }

    /// `int | CONSTANT` (an identifier not starting a path), the values
    /// both `value` and `bit` take; `None` when neither is here.
    fn int_or_constant(&mut self) -> Option<PResult<Value>> {
        match self.peek()? {
            Token {
                kind: TokenKind::Int(_),
                ..
            } => Some(match self.int() {
                Ok((v, span)) => Ok(Value {
                    kind: ValueKind::Int(i128::from(v)),
                    span,
                }),
                Err(d) => Err(d),
            }),
            Token {
                kind: TokenKind::Ident(_),
                ..
            } if !self.path_follows() => Some(self.constant()),
            _ => None,
        }
    }

    /// `rust_path = [ "::" ] ident { "::" ident }`.
    fn rust_path(&mut self) -> PResult<Value> {
        let start = self.here();
        let mut text = String::new();
        loop {
            if self.eat_op2(':', ':').is_some() {
                text.push_str("::");
            }
            text.push_str(&self.ident("a path segment")?.text);
            if !self.is_op2(':', ':') {
                break;
            }
        }
        Ok(Value {
            kind: ValueKind::Symbolic(Symbolic {
                id: 0,
                text,
                braced: false,
            }),
            span: start.join(self.prev_span()),
        })
    }
}

const VALUE: &str = "a value (an integer, a kernel constant such as `AF_UNIX`, `( A | B )`, a Rust path such as `libc::AF_UNIX`, or `{ expr }`)";

const BIT_OR_HELP: &str = "`(A | B)` combines integers and kernel constants into one value; for Rust values write `{ libc::A | libc::B }` (macro only)";

/// Parses the contents of `( ... )` in a value: `bits = bit { "|" bit }`.
fn parse_bit_or(g: &lex::Group) -> PResult<Value> {
    let mut p = Parser::new(&g.tokens, g.span);
    if p.at_end() {
        return Err(Diagnostic::error(g.span, "empty value `()`").with_help(BIT_OR_HELP));
    }
    let mut parts = vec![p.bit()?];
    while p.is_punct('|') && !p.is_op2('|', '|') {
        p.pos += 1;
        parts.push(p.bit()?);
    }
    if p.is_op2('|', '|') {
        return Err(Diagnostic::error(p.here(), "`||` inside a value")
            .with_help("`||` joins conditions; inside `( )` a value's parts are joined with `|`"));
    }
    if !p.at_end() {
        return Err(p.expected("`|` or `)`").with_help(BIT_OR_HELP));
    }
    Ok(Value {
        kind: ValueKind::BitOr(parts),
        span: g.span,
    })
}

/// Parses the contents of `( ... )` as a condition.
fn parse_condition(g: &lex::Group) -> PResult<Cond> {
    let mut p = Parser::new(&g.tokens, g.span);
    if p.at_end() {
        return Err(Diagnostic::error(g.span, "empty condition `()`")
            .with_help("write a comparison such as `(fd == 1)`, or drop the parentheses"));
    }
    let c = p.cond()?;
    if !p.at_end() {
        return Err(p.expected("`&&`, `||` or the end of the condition"));
    }
    Ok(c)
}

/// Value sets and ordering operators: what the grammar allows but means
/// nothing useful.
fn check_comparison_shape(c: &Comparison) -> PResult<()> {
    if c.op.is_ordering() && c.values.len() > 1 {
        let span = c.values[1].span;
        return Err(Diagnostic::error(
            span,
            format!(
                "a value set (`a | b`) cannot be used with `{}`",
                c.op.symbol()
            ),
        )
        .with_help("value sets work with `==` (any of) and `!=` (none of)"));
    }
    for v in &c.values {
        check_sign(c, v, false)?;
    }
    if let Some(m) = &c.mask {
        check_sign(c, m, true)?;
    }
    Ok(())
}

/// A negative literal where `c` compares unsigned (`is_mask`: `v` is its
/// mask).
fn check_sign(c: &Comparison, v: &Value, is_mask: bool) -> PResult<()> {
    if let ValueKind::Int(i) = v.kind
        && i < 0
        && (c.op.is_ordering() || is_mask)
    {
        let what = if c.op.is_ordering() {
            format!("`{}` compares unsigned values", c.op.symbol())
        } else {
            "a mask must be non-negative".to_owned()
        };
        return Err(
            Diagnostic::error(v.span, format!("{what}, but `{i}` is negative")).with_help(
                "write the unsigned value, e.g. `0xffffffff` for -1 in a 32-bit parameter",
            ),
        );
    }
    Ok(())
}

/// Parses a Rust integer literal: decimal, `0x`, `0o`, `0b`, underscores,
/// an optional integer-type suffix. A decimal with a leading zero (`0644`)
/// is refused: in Rust it is decimal, which a C reader would not expect.
pub fn parse_int(text: &str, span: Span) -> PResult<u64> {
    let body = strip_int_suffix(text);
    let (digits, radix) = match body.get(..2) {
        Some("0x") | Some("0X") => (&body[2..], 16),
        Some("0o") => (&body[2..], 8),
        Some("0b") => (&body[2..], 2),
        _ => (body, 10),
    };
    let mut without_underscores = String::with_capacity(digits.len());
    for c in digits.chars() {
        if c != '_' {
            without_underscores.push(c);
        }
    }
    let digits = without_underscores;
    if radix == 10 && digits.len() > 1 && digits.starts_with('0') {
        return Err(
            Diagnostic::error(span, format!("`{text}` has a leading zero")).with_help(format!(
                "for octal write `0o{}`; for decimal drop the leading zeros",
                digits.trim_start_matches('0')
            )),
        );
    }
    if digits.is_empty() {
        return Err(Diagnostic::error(span, format!("`{text}` has no digits")));
    }
    match u64::from_str_radix(&digits, radix) {
        Ok(v) => Ok(v),
        Err(e) => {
            let msg = match e.kind() {
                std::num::IntErrorKind::PosOverflow => {
                    format!("integer `{text}` does not fit in 64 bits")
                }
                _ => format!("`{text}` is not a valid integer"),
            };
            Err(Diagnostic::error(span, msg))
        }
    }
}

fn strip_int_suffix(text: &str) -> &str {
    const SUFFIXES: [&str; 12] = [
        "u128", "i128", "usize", "isize", "u64", "i64", "u32", "i32", "u16", "i16", "u8", "i8",
    ];
    let hex = text.starts_with("0x") || text.starts_with("0X");
    for s in SUFFIXES {
        // `u` and `i` are not hex digits, so a suffix cannot swallow digits;
        // only refuse to strip it down to a bare `0x`.
        if let Some(rest) = text.strip_suffix(s)
            && !rest.is_empty()
            && (!hex || rest.len() > 2)
        {
            return rest;
        }
    }
    text
}

fn checked_data(value: u64, span: Span, max: u32, what: &str) -> PResult<u16> {
    if value > u64::from(max) {
        return Err(Diagnostic::error(
            span,
            format!("{what}; `{value}` is out of range"),
        ));
    }
    // `max` is at most 0xffff, checked just above.
    Ok(value as u16)
}

/// The text of a token list, for symbolic values from text input: tokens
/// separated by single spaces, except after a joint punctuation mark.
fn tokens_text(tokens: &[Token]) -> String {
    let mut out = String::new();
    let mut glue = true;
    // Whether the token before is punctuation, or there is none.
    let mut after_punct = true;
    for t in tokens {
        if !glue {
            out.push(' ');
        }
        glue = false;
        match &t.kind {
            TokenKind::Ident(s) | TokenKind::Int(s) | TokenKind::OtherLit(s) => out.push_str(s),
            TokenKind::Punct { ch, joint } => {
                // A `-` that starts an operand is a sign: `-1`, `(-1)`, `a | -1`.
                let unary = *ch == '-' && after_punct;
                out.push(*ch);
                glue = *joint || unary;
            }
            TokenKind::Str(s) => out.push_str(&format!("{s:?}")),
            TokenKind::Group(g) => {
                let close = match g.delim {
                    Delim::Paren => ')',
                    Delim::Brace => '}',
                    Delim::Bracket => ']',
                };
                out.push(g.delim.open());
                out.push_str(&tokens_text(&g.tokens));
                out.push(close);
            }
        }
        after_punct = matches!(t.kind, TokenKind::Punct { .. });
    }
    out
}

#[cfg(test)]
mod tests;
