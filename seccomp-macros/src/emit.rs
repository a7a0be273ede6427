//! Code generation: one `const __SECCOMP_POLICY` per architecture, each
//! behind that architecture's `#[cfg]`, so exactly one survives on any
//! target and the expression `__SECCOMP_POLICY` always names it:
//!
//! ```text
//! {
//!     #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
//!     const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {
//!         static __SECCOMP_PROGRAM: [::seccomp_runtime::SockFilter; N] = [...];
//!         ::seccomp_runtime::Policy::from_parts(&__SECCOMP_PROGRAM, &[ACTIONS], &[NAMES])
//!     };
//!     // ... one per architecture, then x32 and unsupported targets:
//!     // `compile_error!` beside a well-typed empty policy.
//!     __SECCOMP_POLICY
//! }
//! ```
//!
//! Symbolic values become `const`s rustc evaluates for the real target, with
//! a `const` assertion that each fits the parameter it is compared with.

use crate::error::Error;
use crate::input::Origin;
use crate::pm::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use crate::template::{comma_separated, concat, rust, rust_at};
use seccomp_compiler::bpf::{
    BPF_K, BPF_RET, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD,
    SECCOMP_RET_TRAP,
};
use seccomp_compiler::compile::ArchOutput;
use seccomp_compiler::ir::SymbolUse;
use seccomp_compiler::program::{Insn, K, Program, SymPart};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch, ast};
use std::str::FromStr;

/// What one architecture gets.
pub enum Plan<'a> {
    Program(&'a ArchOutput),
    /// The policy does not compile there: these errors, behind its `cfg`.
    Failed(Vec<Error>),
    /// Left out by the policy's `arch` statement.
    Excluded,
}

/// A symbolic value of the policy.
struct Symbol {
    text: String,
    span: Span,
    tokens: Result<TokenStream, Error>,
}

/// What the generated code needs from the policy besides the programs.
pub struct Emitter<'a> {
    origin: &'a Origin,
    symbols: Vec<Symbol>,
    /// The `arch` statement, for targets it leaves out.
    arch_statement: Option<Span>,
    /// Whether kills become `trap` (`#[sandbox(on_violation = report)]`).
    trap_kills: bool,
}

/// `x86_64` with 32-bit pointers: the x32 ABI, which the runtime does not
/// support.
const X32_CFG: &str = "all(target_arch = \"x86_64\", target_pointer_width = \"32\")";

impl<'a> Emitter<'a> {
    /// `arch_statement` is where the policy's `arch` statement is, if it
    /// has one ([`arch_statement`]).
    pub fn new(
        policy: &ast::Policy,
        origin: &'a Origin,
        arch_statement: Option<Span>,
    ) -> Emitter<'a> {
        let symbols = policy
            .symbols()
            .into_iter()
            .map(|(sym, at)| Symbol {
                text: sym.text.clone(),
                span: origin.span(at),
                tokens: origin.symbol_tokens(sym, at),
            })
            .collect();
        Emitter {
            origin,
            symbols,
            arch_statement,
            trap_kills: false,
        }
    }

    /// Makes every `kill_process` and `kill_thread` the programs return a
    /// `trap`, which the SIGSYS reporter turns into a message.
    pub fn trap_kills(mut self, trap_kills: bool) -> Emitter<'a> {
        self.trap_kills = trap_kills;
        self
    }

    /// The policy expression: every architecture's plan, then the targets
    /// no plan covers.
    pub fn policy(&self, plans: &[(Arch, Plan)]) -> TokenStream {
        let compiled: Vec<Arch> = plans
            .iter()
            .filter(|(_, p)| !matches!(p, Plan::Excluded))
            .map(|(a, _)| *a)
            .collect();
        let per_arch = plans.iter().map(|(arch, plan)| {
            let body = match plan {
                Plan::Program(out) => self.program(*arch, out),
                Plan::Failed(errors) => stub_with(errors),
                Plan::Excluded => stub_with(&[self.excluded(*arch, &compiled)]),
            };
            arch_const(&cfg(arch.cfg()), body)
        });
        let x32 = arch_const(&cfg(X32_CFG), stub_with(&[x32_error()]));
        let all = Arch::ALL.iter().map(|a| cfg(a.cfg())).chain([cfg(X32_CFG)]);
        let unsupported = arch_const(
            &rust("not(any($0))", &[comma_separated(all)]),
            stub_with(&[unsupported_error()]),
        );
        let include = match self.origin {
            Origin::File(f) => f.include(),
            Origin::Tokens(_) => TokenStream::new(),
        };
        // `__seccomp_insn` once for every architecture's program
        // (`program_array`).
        rust(
            "{
                $0
                const fn __seccomp_insn(code: u16, jt: u8, jf: u8, k: u32) -> ::seccomp_runtime::SockFilter {
                    ::seccomp_runtime::SockFilter::new(code, jt, jf, k)
                }
                $1 $2 $3 __SECCOMP_POLICY
            }",
            &[include, concat(per_arch), x32, unsupported],
        )
    }

    fn excluded(&self, arch: Arch, compiled: &[Arch]) -> Error {
        let list = compiled
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ");
        Error::new(
            self.arch_statement.unwrap_or_else(Span::call_site),
            format!(
                "this policy is not compiled for {arch}, the target architecture: its `arch` statement selects {list}\nhelp: add `{arch}` to the `arch` statement"
            ),
        )
    }

    /// One architecture's `Policy`: its symbolic values, its program, the
    /// actions it returns and, for `trap` policies, the syscall names.
    fn program(&self, arch: Arch, out: &ArchOutput) -> TokenStream {
        let values = self.symbol_values(arch, out);
        let program = if self.trap_kills {
            kills_trapped(&out.program)
        } else {
            out.program.clone()
        };
        let insns = program_array(&program.insns);
        let len = Literal::usize_unsuffixed(program.insns.len());
        let mut kinds: Vec<u32> = Vec::new();
        for kind in program.actions.iter().map(|a| a.kind_ret()) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        let kinds = kinds.into_iter().map(|k| TokenTree::Literal(lit(k)).into());
        let names = names(arch, &program.actions);
        let warnings = out
            .warnings
            .iter()
            .map(|d| crate::warning::warning(&self.origin.error(d)));
        rust(
            "$0 $1
            static __SECCOMP_PROGRAM: [::seccomp_runtime::SockFilter; $2] = $3;
            ::seccomp_runtime::Policy::from_parts(&__SECCOMP_PROGRAM, &[$4], &[$5])",
            &[
                concat(warnings),
                values,
                TokenTree::Literal(len).into(),
                TokenTree::Group(insns).into(),
                comma_separated(kinds),
                comma_separated(names),
            ],
        )
    }

    /// `const __SECCOMP_V<id>` for each symbolic value the program uses,
    /// and one assertion per width it is used at.
    fn symbol_values(&self, arch: Arch, out: &ArchOutput) -> TokenStream {
        let mut used: Vec<usize> = Vec::new();
        for u in &out.resolved.symbol_uses {
            used.push(u.sym);
        }
        for insn in &out.program.insns {
            if let K::Sym { sym, .. } = insn.k {
                used.push(sym);
            }
        }
        used.sort_unstable();
        used.dedup();
        let mut tokens = TokenStream::new();
        for id in used {
            tokens.extend(self.symbol_value(id));
        }
        let mut seen: Vec<SymbolUse> = Vec::new();
        for u in &out.resolved.symbol_uses {
            if !seen.contains(u) {
                seen.push(*u);
                tokens.extend(self.assertion(arch, u));
            }
        }
        tokens
    }

    fn symbol_value(&self, id: usize) -> TokenStream {
        let Some(sym) = self.symbols.get(id) else {
            return Error::new(Span::call_site(), format!("symbolic value {id} is missing"))
                .to_compile_error();
        };
        let name = value_ident(id);
        match &sym.tokens {
            Ok(expr) => {
                let value = rust_at(
                    sym.span,
                    "($0) as ::core::primitive::i128",
                    std::slice::from_ref(expr),
                );
                // The cast is spanned at the user's value, so lints would
                // blame the user for it (`{ 0o640 }` is "unnecessarily" cast).
                rust(
                    "#[allow(clippy::unnecessary_cast, clippy::cast_lossless, clippy::cast_possible_wrap)]
                    const $0: ::core::primitive::i128 = $1;",
                    &[name, value],
                )
            }
            Err(e) => rust(
                "$0 const $1: ::core::primitive::i128 = 0;",
                &[e.to_compile_error(), name],
            ),
        }
    }

    /// `const _: () = assert!(...)`, at the value, so a value that cannot
    /// match the parameter is a compile error there.
    fn assertion(&self, arch: Arch, u: &SymbolUse) -> TokenStream {
        let Some(sym) = self.symbols.get(u.sym) else {
            return TokenStream::new();
        };
        let name = value_ident(u.sym);
        let bits = u32::from(u.bits);
        // bits <= 64, so both bounds fit an i128.
        let lo: i128 = if u.unsigned_only {
            0
        } else {
            -(1i128 << (bits - 1))
        };
        let hi: i128 = 1i128 << bits;
        let max = hi - 1;
        let message = if u.unsigned_only {
            format!(
                "`{}` must be between 0 and {max:#x} to be compared with a {bits}-bit parameter on {arch}: `<`, `<=`, `>`, `>=` and masks compare unsigned values",
                sym.text,
            )
        } else {
            format!(
                "`{}` does not fit in the {bits}-bit parameter it is compared with on {arch}: it must be between -{:#x} and {max:#x}",
                sym.text, -lo
            )
        };
        // `assert!` takes a format string.
        let message = message.replace('{', "{{").replace('}', "}}");
        let lo = TokenTree::Literal(Literal::i128_unsuffixed(lo));
        let hi = TokenTree::Literal(Literal::i128_unsuffixed(hi));
        let message = TokenTree::Literal(Literal::string(&message));
        rust_at(
            sym.span,
            "const _: () = ::core::assert!($0 >= $1 && $0 < $2, $3);",
            &[name, lo.into(), hi.into(), message.into()],
        )
    }
}

/// The keyword of the policy's `arch` statement, where "not compiled for
/// this target" points.
pub fn arch_statement(policy: &ast::Policy, origin: &Origin) -> Option<Span> {
    policy
        .statements
        .iter()
        .find(|s| matches!(s.kind, ast::StatementKind::Arch(_)))
        .map(|s| origin.span(s.keyword))
}

fn value_ident(id: usize) -> TokenStream {
    TokenTree::Ident(Ident::new(&format!("__SECCOMP_V{id}"), Span::call_site())).into()
}

/// `#[cfg(PRED)] const __SECCOMP_POLICY: Policy = { BODY };`
fn arch_const(cfg: &TokenStream, body: TokenStream) -> TokenStream {
    rust(
        "#[cfg($0)] const __SECCOMP_POLICY: ::seccomp_runtime::Policy = { $1 };",
        &[cfg.clone(), body],
    )
}

pub fn cfg(text: &str) -> TokenStream {
    // The predicates are fixed strings of valid Rust tokens.
    TokenStream::from_str(text).expect("a cfg predicate is valid Rust tokens")
}

/// An empty policy: what the expression is when the policy has errors,
/// so the user sees the errors and nothing else.
pub fn stub() -> TokenStream {
    rust("::seccomp_runtime::Policy::from_parts(&[], &[], &[])", &[])
}

fn stub_with(errors: &[Error]) -> TokenStream {
    let mut out = concat(errors);
    out.extend(stub());
    out
}

fn x32_error() -> Error {
    Error::new(
        Span::call_site(),
        "seccomp_policy!: the x32 ABI (x86_64 with 32-bit pointers) is not supported\nhelp: build for x86_64 with 64-bit pointers (x86_64-unknown-linux-gnu) or for x86 (i686-unknown-linux-gnu)",
    )
}

fn unsupported_error() -> Error {
    let list = Arch::ALL.map(Arch::name).join(", ");
    Error::new(
        Span::call_site(),
        format!(
            "seccomp_policy!: the target architecture is not supported\nhelp: seccomp policies are compiled for {list}"
        ),
    )
}

/// `[__seccomp_insn(code, jt, jf, k), ...]`, `__seccomp_insn` being a
/// `const fn` the policy's block defines around `SockFilter::new`: one
/// token for the constructor rather than the nine of its path. Built token
/// by token rather than with `quote!`: hundreds of instructions per
/// architecture, and proc macros run unoptimised, where the emitted tokens
/// are a good part of an expansion's time.
fn program_array(insns: &[Insn]) -> Group {
    let constructor = TokenTree::Ident(Ident::new("__seccomp_insn", Span::call_site()));
    let comma = || TokenTree::Punct(Punct::new(',', Spacing::Alone));
    let mut list = TokenStream::new();
    for i in insns {
        let k = match i.k {
            K::Const(k) => TokenTree::Literal(lit(k)).into(),
            K::Sym { sym, part } => sym_word(sym, part),
        };
        let mut args = TokenStream::new();
        args.extend([
            TokenTree::Literal(Literal::u16_unsuffixed(i.code)),
            comma(),
            TokenTree::Literal(Literal::u8_unsuffixed(i.jt)),
            comma(),
            TokenTree::Literal(Literal::u8_unsuffixed(i.jf)),
            comma(),
        ]);
        args.extend(k);
        list.extend([
            constructor.clone(),
            TokenTree::Group(Group::new(Delimiter::Parenthesis, args)),
            comma(),
        ]);
    }
    Group::new(Delimiter::Bracket, list)
}

/// One 32-bit word of symbolic value `sym`, as `(value as u64)` holds it in
/// two's complement.
fn sym_word(sym: usize, part: SymPart) -> TokenStream {
    let v = value_ident(sym);
    let wide = rust("($0 as ::core::primitive::u64)", &[v]);
    let word = match part {
        SymPart::Lo => rust("($0 & 0xffff_ffff)", &[wide]),
        SymPart::Hi => rust("($0 >> 32)", &[wide]),
        SymPart::Low(bits) => {
            let mask = TokenTree::Literal(lit((1u32 << bits) - 1));
            rust("($0 & $1)", &[wide, mask.into()])
        }
    };
    rust("$0 as ::core::primitive::u32", &[word])
}

/// `BPF_RET | BPF_K`: return the constant.
const BPF_RET_K: u16 = BPF_RET | BPF_K;

/// `program` with every `ret` of `kill_process` or `kill_thread` returning
/// `trap` instead (`BPF_RET | BPF_K` is the only return the code
/// generator emits), and its action list to match.
fn kills_trapped(program: &Program) -> Program {
    let is_kill = |action: Action| matches!(action, Action::KillProcess | Action::KillThread);
    let insns = program
        .insns
        .iter()
        .map(|insn| match insn.k {
            K::Const(k)
                if insn.code == BPF_RET_K
                    && matches!(
                        k & SECCOMP_RET_ACTION_FULL,
                        SECCOMP_RET_KILL_PROCESS | SECCOMP_RET_KILL_THREAD
                    ) =>
            {
                Insn {
                    k: K::Const(SECCOMP_RET_TRAP),
                    ..*insn
                }
            }
            _ => *insn,
        })
        .collect();
    let mut actions: Vec<Action> = program
        .actions
        .iter()
        .map(|&a| if is_kill(a) { Action::Trap } else { a })
        .collect();
    actions.sort();
    actions.dedup();
    Program {
        arch: program.arch,
        insns,
        actions,
    }
}

/// The `(nr, name)` table, only when the program can trap: the SIGSYS
/// reporter is its only reader.
fn names(arch: Arch, actions: &[Action]) -> Vec<TokenStream> {
    if !actions.contains(&Action::Trap) {
        return Vec::new();
    }
    syscalls::table(arch)
        .entries()
        .iter()
        .map(|&(nr, name)| {
            let nr = TokenTree::Literal(Literal::u32_unsuffixed(nr));
            let name = TokenTree::Literal(Literal::string(name));
            let mut pair = TokenStream::from(nr);
            pair.extend([TokenTree::Punct(Punct::new(',', Spacing::Alone)), name]);
            TokenTree::Group(Group::new(Delimiter::Parenthesis, pair)).into()
        })
        .collect()
}

/// A `u32` literal. Decimal: a hex literal would have to be lexed from
/// text, which costs more than all the rest of an instruction in the
/// unoptimised builds proc macros get.
fn lit(v: u32) -> Literal {
    Literal::u32_unsuffixed(v)
}
