//! The policy as written: the syntax tree `parse.rs` builds. Every node
//! keeps its span. The grammar each type stands for is in its doc comment.

use crate::span::Span;

/// `policy = { statement } ;`
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// The statements in source order.
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Parses policy text (a file, standard input): the same parser the
    /// macro uses, over tokens from a lexer that records byte offsets.
    pub fn parse_str(text: &str) -> Result<Policy, Vec<crate::diag::Diagnostic>> {
        crate::parse::parse_str(text)
    }

    /// Numbers the symbolic values in source order, so every later pass and
    /// every architecture refers to them the same way.
    pub fn number_symbols(&mut self) {
        let mut next = 0;
        self.for_each_value_mut(&mut |v| {
            if let ValueKind::Symbolic(s) = &mut v.kind {
                s.id = next;
                next += 1;
            }
        });
    }

    /// The symbolic values with their spans, indexed by id.
    pub fn symbols(&self) -> Vec<(&Symbolic, Span)> {
        let mut out = Vec::new();
        for s in &self.statements {
            for item in s.kind.items() {
                if let ItemKind::Syscall { cond: Some(c), .. } = &item.kind {
                    for cmp in c.comparisons() {
                        if let Some(v) = &cmp.mask {
                            push_symbolic(v, &mut out);
                        }
                        for v in &cmp.values {
                            push_symbolic(v, &mut out);
                        }
                    }
                }
            }
        }
        out
    }

    fn for_each_value_mut(&mut self, f: &mut dyn FnMut(&mut Value)) {
        for s in &mut self.statements {
            let items = match &mut s.kind {
                StatementKind::Base(items)
                | StatementKind::Keep(items)
                | StatementKind::Drop(items, _) => items,
                _ => continue,
            };
            for item in items {
                if let ItemKind::Syscall { cond: Some(c), .. } = &mut item.kind {
                    c.for_each_value_mut(f);
                }
            }
        }
    }
}

/// Adds `v` to `out` if it is symbolic.
fn push_symbolic<'a>(v: &'a Value, out: &mut Vec<(&'a Symbolic, Span)>) {
    if let ValueKind::Symbolic(sym) = &v.kind {
        out.push((sym, v.span));
    }
}

/// One statement, ending in `;`.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Which statement, with its contents.
    pub kind: StatementKind,
    /// The leading keyword.
    pub keyword: Span,
    /// The whole statement.
    pub span: Span,
}

/// The statements of the language.
#[derive(Clone, Debug)]
pub enum StatementKind {
    /// `"deny" action ";"`: how refused syscalls are refused.
    Deny(ActionSpec),
    /// `"unknown" action ";"`: what numbers no table knows get.
    Unknown(ActionSpec),
    /// `"default" ( "allow" | action ) ";"`: what unnamed syscalls get.
    Default(ActionSpec),
    /// `"base" items ";"`: allow these.
    Base(Vec<Item>),
    /// `"keep" items ";"`: allow these, conditionally if a condition is given.
    Keep(Vec<Item>),
    /// `"drop" items [ "=>" action ] ";"`: refuse these.
    Drop(Vec<Item>, Option<ActionSpec>),
    /// `"arch" arch { "," arch } ";"`: restrict the architectures compiled.
    Arch(Vec<Name>),
    /// `"acknowledge" lint { "," lint } ";"`: accept a risk a lint reports.
    Acknowledge(Vec<Name>),
    /// `"successors" ( "on" | "off" ) ";"`: whether a successor the policy
    /// names nowhere gets `errno(ENOSYS)` when the call libc falls back to
    /// is allowed (on unless set; see `successors.rs`).
    Successors(bool),
}

impl StatementKind {
    /// The items of `base`, `keep` and `drop`; none for the others.
    pub fn items(&self) -> &[Item] {
        match self {
            StatementKind::Base(items)
            | StatementKind::Keep(items)
            | StatementKind::Drop(items, _) => items,
            _ => &[],
        }
    }

    /// The keyword, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            StatementKind::Deny(_) => "deny",
            StatementKind::Unknown(_) => "unknown",
            StatementKind::Default(_) => "default",
            StatementKind::Base(_) => "base",
            StatementKind::Keep(_) => "keep",
            StatementKind::Drop(..) => "drop",
            StatementKind::Arch(_) => "arch",
            StatementKind::Acknowledge(_) => "acknowledge",
            StatementKind::Successors(_) => "successors",
        }
    }
}

/// An identifier as written.
#[derive(Clone, Debug)]
pub struct Name {
    /// The identifier's text.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// `action = "allow" | "log" | "kill_process" | "kill_thread" | "trap"
///         | "errno" "(" (int | ERRNO_NAME) ")" | "trace" "(" int ")" | "user_notif" ;`
#[derive(Clone, Debug)]
pub struct ActionSpec {
    /// Which action.
    pub kind: ActionKind,
    /// The action as written, argument included.
    pub span: Span,
}

/// An action as written; [`crate::Action`] once the errno is resolved.
#[derive(Clone, Debug)]
pub enum ActionKind {
    /// `allow`
    Allow,
    /// `log`
    Log,
    /// `kill_process`
    KillProcess,
    /// `kill_thread`
    KillThread,
    /// `trap`
    Trap,
    /// `errno(N)` or `errno(NAME)`.
    Errno(ErrnoSpec),
    /// `trace(N)`, N checked to fit 16 bits.
    Trace(u16),
    /// `user_notif`
    UserNotif,
}

/// The argument of `errno(...)`.
#[derive(Clone, Debug)]
pub enum ErrnoSpec {
    /// A number, checked to be at most `MAX_ERRNO`.
    Number(u16),
    /// A name such as `EPERM`, resolved per architecture.
    Name(Name),
}

/// `item = syscall [ "(" cond ")" ] | "@" group | "!" syscall | "!" "@" group ;`
#[derive(Clone, Debug)]
pub struct Item {
    /// Which kind of item.
    pub kind: ItemKind,
    /// The whole item, condition included.
    pub span: Span,
}

/// What an item names.
#[derive(Clone, Debug)]
pub enum ItemKind {
    /// A syscall, with an optional condition on its arguments.
    Syscall {
        /// The syscall name.
        name: Name,
        /// The condition in parentheses, if any.
        cond: Option<Cond>,
    },
    /// The group name includes its `@`, e.g. `@system-service`.
    Group(Name),
    /// `!name`: exempt the syscall from this statement.
    ExceptSyscall(Name),
    /// `!@group`: exempt the group from this statement.
    ExceptGroup(Name),
}

/// `cond = conj { "||" conj } ; conj = atom { "&&" atom } ;
///  atom = "(" cond ")" | comparison ;`
#[derive(Clone, Debug)]
pub enum Cond {
    /// `a || b || ...`
    Or(Vec<Cond>),
    /// `a && b && ...`
    And(Vec<Cond>),
    /// One comparison.
    Cmp(Box<Comparison>),
}

impl Cond {
    /// From the first comparison's start to the last one's end.
    pub fn span(&self) -> Span {
        match self {
            Cond::Or(v) | Cond::And(v) => {
                let Some((first, rest)) = v.split_first() else {
                    return Span::none();
                };
                let mut span = first.span();
                for c in rest {
                    span = span.join(c.span());
                }
                span
            }
            Cond::Cmp(c) => c.span,
        }
    }

    fn for_each_value_mut(&mut self, f: &mut dyn FnMut(&mut Value)) {
        match self {
            Cond::Or(v) | Cond::And(v) => {
                for c in v {
                    c.for_each_value_mut(f);
                }
            }
            Cond::Cmp(c) => {
                if let Some(m) = &mut c.mask {
                    f(m);
                }
                for v in &mut c.values {
                    f(v);
                }
            }
        }
    }

    /// Every comparison in the condition.
    pub fn comparisons(&self) -> Vec<&Comparison> {
        let mut out = Vec::new();
        self.push_comparisons(&mut out);
        out
    }

    fn push_comparisons<'a>(&'a self, out: &mut Vec<&'a Comparison>) {
        match self {
            Cond::Or(v) | Cond::And(v) => {
                for c in v {
                    c.push_comparisons(out);
                }
            }
            Cond::Cmp(c) => out.push(c),
        }
    }
}

/// `comparison = arg [ "&" value ] op values ;`
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The argument compared.
    pub arg: ArgRef,
    /// The value after `&`, if any.
    pub mask: Option<Value>,
    /// The operator.
    pub op: CmpOp,
    /// Where the operator is written.
    pub op_span: Span,
    /// `values = value { "|" value } ;`: a set, only with `==` and `!=`.
    pub values: Vec<Value>,
    /// The whole comparison.
    pub span: Span,
}

/// `arg = ( PARAM_NAME | "arg0" | ... | "arg5" ) [ ":" ( "u32" | "u64" ) ] ;`
#[derive(Clone, Debug)]
pub struct ArgRef {
    /// The parameter name or `argN`.
    pub name: Name,
    /// An explicit width, overriding the parameter's declared one.
    pub width: Option<(Width, Span)>,
}

/// An explicit argument width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// `:u32`: the low 32 bits.
    U32,
    /// `:u64`: all 64 bits.
    U64,
}

/// Comparison operators. `<`..`>=` are unsigned, as in BPF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether it is one of `<`, `<=`, `>`, `>=`.
    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// `value = int | "-" int | CONSTANT | "(" bits ")" | rust_path | "{" rust_expr "}" ;
///  bits = bit { "|" bit } ; bit = int | CONSTANT ;`
///
/// A `CONSTANT` is a lone identifier (no `::`): a kernel constant such as
/// `O_DIRECTORY`, resolved per architecture.
#[derive(Clone, Debug)]
pub struct Value {
    /// Which kind of value.
    pub kind: ValueKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of value.
#[derive(Clone, Debug)]
pub enum ValueKind {
    /// A literal, negated if written with `-`. Range: -2^64 < v < 2^64.
    Int(i128),
    /// A kernel constant (`AF_UNIX`, `TCGETS`): its value on each
    /// architecture, from `tables::constants`.
    Constant(Name),
    /// `(A | B | 0x10)`: one value, the bitwise OR of its parts, each an
    /// `Int` (non-negative) or a `Constant` (checked to be non-negative
    /// per architecture). Parentheses keep it apart from a value set.
    BitOr(Vec<Value>),
    /// A Rust path or `{ expr }`, evaluated by rustc (macro only).
    Symbolic(Symbolic),
}

impl Value {
    /// The kernel constants the value names, for checking them.
    pub fn constants(&self) -> Vec<&Name> {
        let mut out = Vec::new();
        self.push_constants(&mut out);
        out
    }

    fn push_constants<'a>(&'a self, out: &mut Vec<&'a Name>) {
        match &self.kind {
            ValueKind::Constant(n) => out.push(n),
            ValueKind::BitOr(parts) => {
                for p in parts {
                    p.push_constants(out);
                }
            }
            ValueKind::Int(_) | ValueKind::Symbolic(_) => {}
        }
    }
}

/// A value rustc evaluates for the real target.
#[derive(Clone, Debug)]
pub struct Symbolic {
    /// Position among the policy's symbolic values, in source order
    /// (assigned by [`Policy::number_symbols`]).
    pub id: usize,
    /// The expression as written (`libc::AF_UNIX`, `FOO | BAR`).
    pub text: String,
    /// Written as `{ expr }`: the expression is what the braces hold. Else
    /// a path, the tokens the value's span covers. (The macro hands the
    /// tokens back to rustc: see [`crate::span::TokenId`].)
    pub braced: bool,
}
