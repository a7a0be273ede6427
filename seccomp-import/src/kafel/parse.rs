//! kafel's grammar (google/kafel `src/parser.y`, commit 18f2074): a
//! program is constant definitions (`#define NAME NUMBER`, applying to the
//! text after them), named policies (`POLICY name { ... }`, each usable
//! after its definition), `DEFAULT action` (at most once) and top-level
//! policy statements, which together form the policy that is compiled.
//! Policy statements are comma-separated `USE name` and action blocks
//! `ACTION { filter, ... }`; a filter is a syscall (a name, a constant, or
//! `SYSCALL[n]`), optionally with declared argument names `(a, b)`, an
//! architecture guard `ON arch` / `ON { a, b }`, and a boolean expression
//! in braces (`,` is a lowest-precedence `||`).

use super::super::ImportError;
use super::lex::{Files, Loc, Tok};
use std::collections::BTreeMap;

/// kafel's MAX_EXPRESSION_DEPTH (src/expression.h).
const MAX_EXPRESSION_DEPTH: usize = 200;
/// kafel's SYSCALL_MAX_ARGS.
const MAX_ARGS: usize = 6;

/// An action with its data, as kafel's parser keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KAction {
    Allow,
    Log,
    /// `KILL`, `KILL_THREAD`, `DENY`: SECCOMP_RET_KILL (the thread).
    Kill,
    KillProcess,
    UserNotif,
    Errno(u16),
    Trap(u16),
    Trace(u16),
}

#[derive(Clone, Debug)]
pub enum Expr {
    Number(u64),
    Ident(String, Loc),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    And,
    Or,
    Gt,
    Lt,
    Ge,
    Le,
    Eq,
    Ne,
    BitOr,
    BitAnd,
}

#[derive(Clone, Debug)]
pub enum SyscallSpec {
    Name(String),
    /// `SYSCALL[n]` or a constant: kafel keeps the number as a C `int`.
    Number(u32),
}

#[derive(Clone, Debug)]
pub struct Filter {
    pub syscall: SyscallSpec,
    pub loc: Loc,
    /// Declared argument names (`write(fd, buf)`): 8 bytes each.
    pub args: Option<Vec<String>>,
    /// `ON ...`: the kafel architecture names (lower case), if guarded.
    pub arches: Option<Vec<String>>,
    pub expr: Option<Expr>,
}

#[derive(Clone, Debug)]
pub enum Entry {
    Use(usize),
    Block {
        action: KAction,
        filters: Vec<Filter>,
    },
}

pub struct Policy {
    pub name: String,
    pub entries: Vec<Entry>,
}

#[derive(Default)]
pub struct Program {
    pub policies: Vec<Policy>,
    /// The top-level statements: the policy kafel compiles.
    pub main: Vec<Entry>,
    pub default: Option<(KAction, Loc)>,
}

/// The architecture names an `ON` guard accepts (src/syscall.c
/// arch_name_map, compared case-insensitively), with kafel's canonical name.
pub const ARCH_NAMES: [(&str, &str); 13] = [
    ("arm", "arm"),
    ("aarch64", "aarch64"),
    ("arm64", "aarch64"),
    ("x86_64", "x86_64"),
    ("amd64", "x86_64"),
    ("x86", "x86"),
    ("i386", "x86"),
    ("mips", "mips"),
    ("mipso32", "mips"),
    ("mips64", "mips64"),
    ("riscv64", "riscv64"),
    ("rv64", "riscv64"),
    ("m68k", "m68k"),
];

pub fn parse(files: &Files, toks: &[(Tok, Loc)], end: Loc) -> Result<Program, ImportError> {
    let mut p = Parser {
        files,
        toks,
        pos: 0,
        end,
        consts: BTreeMap::new(),
        program: Program::default(),
    };
    while p.peek().is_some() {
        p.program_stmt()?;
    }
    Ok(p.program)
}

struct Parser<'a> {
    files: &'a Files,
    toks: &'a [(Tok, Loc)],
    pos: usize,
    end: Loc,
    consts: BTreeMap<String, u64>,
    program: Program,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn loc(&self) -> Loc {
        self.toks.get(self.pos).map_or(self.end, |(_, l)| *l)
    }

    fn next(&mut self) -> Option<(Tok, Loc)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn unexpected(&self, expected: &str) -> ImportError {
        let found = self
            .peek()
            .map_or("the end of the policy".to_owned(), Tok::describe);
        self.files.error(
            self.loc(),
            format!("syntax error: expected {expected}, found {found}"),
        )
    }

    fn expect_sym(&mut self, s: &'static str) -> Result<Loc, ImportError> {
        if self.peek() == Some(&Tok::Sym(s)) {
            return Ok(self.next().map_or(self.end, |(_, l)| l));
        }
        Err(self.unexpected(&format!("`{s}`")))
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn ident(&mut self, what: &str) -> Result<(String, Loc), ImportError> {
        match self.peek() {
            Some(Tok::Ident(_)) => match self.next() {
                Some((Tok::Ident(s), l)) => Ok((s, l)),
                _ => Err(self.unexpected(what)),
            },
            _ => Err(self.unexpected(what)),
        }
    }

    fn number(&mut self) -> Result<(u64, Loc), ImportError> {
        match self.peek() {
            Some(Tok::Number(n)) => {
                let n = *n;
                let l = self.loc();
                self.pos += 1;
                Ok((n, l))
            }
            _ => Err(self.unexpected("a number")),
        }
    }

    fn program_stmt(&mut self) -> Result<(), ImportError> {
        match self.peek() {
            Some(Tok::Sym("#")) => self.const_def(),
            Some(Tok::Keyword("POLICY")) => self.policy(),
            Some(Tok::Keyword("DEFAULT")) => {
                let loc = self.loc();
                self.pos += 1;
                let action = self.action()?;
                if self.program.default.is_some() {
                    return Err(self.files.error(loc, "redefinition of the default action"));
                }
                self.program.default = Some((action, loc));
                Ok(())
            }
            _ => {
                let entries = self.policy_statements()?;
                self.program.main.extend(entries);
                Ok(())
            }
        }
    }

    fn const_def(&mut self) -> Result<(), ImportError> {
        let loc = self.expect_sym("#")?;
        if self.peek() != Some(&Tok::Keyword("define")) {
            return Err(self.unexpected("`define` (or `#include`)"));
        }
        self.pos += 1;
        let (name, _) = self.ident("a constant name")?;
        let (value, _) = self.number()?;
        match self.consts.get(&name) {
            Some(&old) if old != value => Err(self.files.error(
                loc,
                format!("redefinition of constant `{name}` with a different value (was {old}, is {value})"),
            )),
            _ => {
                self.consts.insert(name, value);
                Ok(())
            }
        }
    }

    fn policy(&mut self) -> Result<(), ImportError> {
        let loc = self.loc();
        self.pos += 1;
        let (name, _) = self.ident("a policy name")?;
        self.expect_sym("{")?;
        let entries = if self.is_sym("}") {
            Vec::new()
        } else {
            self.policy_statements()?
        };
        self.expect_sym("}")?;
        if self.program.policies.iter().any(|p| p.name == name) {
            return Err(self
                .files
                .error(loc, format!("redefinition of policy `{name}`")));
        }
        self.program.policies.push(Policy { name, entries });
        Ok(())
    }

    fn policy_statements(&mut self) -> Result<Vec<Entry>, ImportError> {
        let mut out = vec![self.policy_statement()?];
        while self.is_sym(",") {
            self.pos += 1;
            out.push(self.policy_statement()?);
        }
        Ok(out)
    }

    fn policy_statement(&mut self) -> Result<Entry, ImportError> {
        if self.peek() == Some(&Tok::Keyword("USE")) {
            self.pos += 1;
            let (name, loc) = self.ident("a policy name")?;
            return match self.program.policies.iter().position(|p| p.name == name) {
                Some(i) => Ok(Entry::Use(i)),
                None => Err(self
                    .files
                    .error(loc, format!("undefined policy `{name}` (a policy can use only policies defined before it)"))),
            };
        }
        let action = self.action()?;
        self.expect_sym("{")?;
        let mut filters = Vec::new();
        if !self.is_sym("}") {
            filters.push(self.filter()?);
            while self.is_sym(",") {
                self.pos += 1;
                filters.push(self.filter()?);
            }
        }
        self.expect_sym("}")?;
        Ok(Entry::Block { action, filters })
    }

    fn action(&mut self) -> Result<KAction, ImportError> {
        let simple = match self.peek() {
            Some(Tok::Keyword("ALLOW")) => Some(KAction::Allow),
            Some(Tok::Keyword("LOG")) => Some(KAction::Log),
            Some(Tok::Keyword("KILL" | "KILL_THREAD" | "DENY")) => Some(KAction::Kill),
            Some(Tok::Keyword("KILL_PROCESS")) => Some(KAction::KillProcess),
            Some(Tok::Keyword("USER_NOTIF")) => Some(KAction::UserNotif),
            _ => None,
        };
        if let Some(a) = simple {
            self.pos += 1;
            return Ok(a);
        }
        let make: fn(u16) -> KAction = match self.peek() {
            Some(Tok::Keyword("ERRNO")) => KAction::Errno,
            Some(Tok::Keyword("TRAP")) => KAction::Trap,
            Some(Tok::Keyword("TRACE")) => KAction::Trace,
            _ => {
                return Err(self.unexpected(
                    "an action (ALLOW, LOG, KILL, KILL_THREAD, DENY, KILL_PROCESS, USER_NOTIF, ERRNO(n), TRAP(n), TRACE(n))",
                ));
            }
        };
        self.pos += 1;
        self.expect_sym("(")?;
        let (n, loc) = self.number()?;
        self.expect_sym(")")?;
        let n = u16::try_from(n).map_err(|_| {
            self.files
                .error(loc, format!("value {n} out of range (0-65535)"))
        })?;
        Ok(make(n))
    }

    fn filter(&mut self) -> Result<Filter, ImportError> {
        let loc = self.loc();
        let syscall = match self.peek() {
            Some(Tok::Keyword("SYSCALL")) => {
                self.pos += 1;
                self.expect_sym("[")?;
                let (n, _) = self.number()?;
                self.expect_sym("]")?;
                SyscallSpec::Number(c_int(n))
            }
            _ => {
                let (name, _) = self.ident("a syscall")?;
                match self.consts.get(&name) {
                    Some(&v) => SyscallSpec::Number(c_int(v)),
                    None => SyscallSpec::Name(name),
                }
            }
        };
        let args = if self.is_sym("(") {
            self.pos += 1;
            Some(self.arg_names()?)
        } else {
            None
        };
        let arches = if self.peek() == Some(&Tok::Keyword("ON")) {
            self.pos += 1;
            Some(self.arch_guard()?)
        } else {
            None
        };
        let expr = if self.is_sym("{") {
            self.pos += 1;
            if self.is_sym("}") {
                self.pos += 1;
                None
            } else {
                let e = self.bool_expr(0)?;
                self.expect_sym("}")?;
                Some(e)
            }
        } else {
            None
        };
        Ok(Filter {
            syscall,
            loc,
            args,
            arches,
            expr,
        })
    }

    fn arg_names(&mut self) -> Result<Vec<String>, ImportError> {
        let mut names: Vec<String> = Vec::new();
        if self.is_sym(")") {
            self.pos += 1;
            return Ok(names);
        }
        loop {
            let (name, loc) = self.ident("an argument name")?;
            if names.contains(&name) {
                return Err(self
                    .files
                    .error(loc, format!("redefinition of argument `{name}`")));
            }
            if names.len() == MAX_ARGS {
                return Err(self
                    .files
                    .error(loc, "too many arguments defined for syscall (at most 6)"));
            }
            names.push(name);
            if self.is_sym(")") {
                self.pos += 1;
                return Ok(names);
            }
            self.expect_sym(",")?;
        }
    }

    fn arch_guard(&mut self) -> Result<Vec<String>, ImportError> {
        let one = |p: &mut Self| -> Result<(String, Loc), ImportError> {
            let (name, loc) = p.ident("an architecture name")?;
            match ARCH_NAMES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
            {
                Some((_, canonical)) => Ok(((*canonical).to_owned(), loc)),
                None => Err(p.files.error(loc, format!("unknown architecture `{name}`"))),
            }
        };
        if !self.is_sym("{") {
            return Ok(vec![one(self)?.0]);
        }
        self.pos += 1;
        let mut out: Vec<String> = Vec::new();
        loop {
            let (arch, loc) = one(self)?;
            if out.contains(&arch) {
                return Err(self
                    .files
                    .error(loc, format!("duplicate architecture `{arch}`")));
            }
            out.push(arch);
            if self.is_sym("}") {
                self.pos += 1;
                return Ok(out);
            }
            self.expect_sym(",")?;
        }
    }

    fn deeper(&self, depth: usize) -> Result<usize, ImportError> {
        if depth >= MAX_EXPRESSION_DEPTH {
            return Err(self.files.error(
                self.loc(),
                format!("maximum expression depth ({MAX_EXPRESSION_DEPTH}) exceeded"),
            ));
        }
        Ok(depth + 1)
    }

    /// `bool_expr: bool_expr ',' or_bool_expr | or_bool_expr`.
    fn bool_expr(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        let mut e = self.or_expr(d)?;
        while self.is_sym(",") {
            self.pos += 1;
            let r = self.or_expr(d)?;
            e = Expr::Bin(BinOp::Or, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn or_expr(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        let mut e = self.and_expr(d)?;
        while self.is_sym("||") {
            self.pos += 1;
            let r = self.and_expr(d)?;
            e = Expr::Bin(BinOp::Or, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        let mut e = self.primary_bool(d)?;
        while self.is_sym("&&") {
            self.pos += 1;
            let r = self.primary_bool(d)?;
            e = Expr::Bin(BinOp::And, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    /// `'(' bool_expr ')' | '!' primary | bit_or OP bit_or`. A `(` may
    /// open either a boolean or a value (`(flags & 3) == 0`): it is a
    /// boolean when a comparison or a logical operator comes before its
    /// matching `)`, as bison's LALR(1) choice resolves.
    fn primary_bool(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        if self.is_sym("!") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.primary_bool(d)?)));
        }
        if self.is_sym("(") && self.paren_holds_boolean() {
            self.pos += 1;
            let e = self.bool_expr(d)?;
            self.expect_sym(")")?;
            return Ok(e);
        }
        let left = self.bit_or(d)?;
        let op = match self.peek() {
            Some(Tok::Sym(">")) => BinOp::Gt,
            Some(Tok::Sym("<")) => BinOp::Lt,
            Some(Tok::Sym(">=")) => BinOp::Ge,
            Some(Tok::Sym("<=")) => BinOp::Le,
            Some(Tok::Sym("==")) => BinOp::Eq,
            Some(Tok::Sym("!=")) => BinOp::Ne,
            _ => return Err(self.unexpected("a comparison (==, !=, <, <=, >, >=)")),
        };
        self.pos += 1;
        let right = self.bit_or(d)?;
        Ok(Expr::Bin(op, Box::new(left), Box::new(right)))
    }

    fn paren_holds_boolean(&self) -> bool {
        let mut level = 0usize;
        for (t, _) in &self.toks[self.pos..] {
            match t {
                Tok::Sym("(") => level += 1,
                Tok::Sym(")") => {
                    level -= 1;
                    if level == 0 {
                        return false;
                    }
                }
                Tok::Sym("==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" | "!" | ",") => {
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    fn bit_or(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        let mut e = self.bit_and(d)?;
        while self.is_sym("|") {
            self.pos += 1;
            let r = self.bit_and(d)?;
            e = Expr::Bin(BinOp::BitOr, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn bit_and(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        let mut e = self.operand(d)?;
        while self.is_sym("&") {
            self.pos += 1;
            let r = self.operand(d)?;
            e = Expr::Bin(BinOp::BitAnd, Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn operand(&mut self, depth: usize) -> Result<Expr, ImportError> {
        let d = self.deeper(depth)?;
        match self.peek() {
            Some(Tok::Number(n)) => {
                let n = *n;
                self.pos += 1;
                Ok(Expr::Number(n))
            }
            Some(Tok::Sym("(")) => {
                self.pos += 1;
                let e = self.bit_or(d)?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Some(Tok::Ident(_)) => {
                let (name, loc) = self.ident("a value")?;
                Ok(match self.consts.get(&name) {
                    Some(&v) => Expr::Number(v),
                    None => Expr::Ident(name, loc),
                })
            }
            _ => Err(self.unexpected("a number, a constant or an argument name")),
        }
    }
}

/// kafel stores a custom syscall number in a C `int` and uses it as a
/// `uint32_t` (policy.c): the low 32 bits.
fn c_int(v: u64) -> u32 {
    // Truncation is the point: kafel converts uint64_t to int.
    v as u32
}
