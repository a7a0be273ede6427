//! The family checks (tables/families.rs), per architecture, on the
//! decision table:
//!
//! - the `siblings` lint (an error unless acknowledged): a `drop X(cond)`
//!   while a family member of X lets through what `cond`, carried over to
//!   its parameters, describes. `drop openat(flags & O_CREAT == O_CREAT)`
//!   with `creat` allowed creates files anyway;
//! - the `siblings` warning: a `keep X(cond)` while a member lets through
//!   more than `cond` carried over (`keep write(fd == 1 | 2)` while
//!   `writev` may write anywhere);
//! - portability: a syscall a `base`/`keep` names itself that this
//!   architecture lacks, while no member of its family is allowed here
//!   (`keep poll` on aarch64, which has only `ppoll`).
//!
//! Carrying a condition over: each comparison of X's parameter P becomes
//! the same comparison of the member's parameter for P; where the kernel
//! fixes P for the member (`creat`'s flags) the comparison is decided now;
//! where the member has no P in a register (`openat2`'s flags, or a
//! parameter the family does not share) it is unknown, taken as "holds"
//! for a `drop` (the member must refuse at least that much) and "fails"
//! for a `keep` (it may allow at most that much).
//!
//! Plain loops rather than iterator chains with closures: this crate is
//! compiled unoptimised in every build that uses the macro, and each chain
//! instantiates std's generic adapters anew.

use crate::arch::Arch;
use crate::ast::{self, ItemKind, StatementKind};
use crate::decide::{Arm, Decision, DecisionTable};
use crate::diag::Diagnostic;
use crate::ir::{Cmp, CmpOp, Cond, Operand, reduce, width_mask};
use crate::span::Span;
use crate::tables::families::{self, Family, Located, Member};
use crate::tables::params::{self, ParamSlot};
use crate::tables::syscalls;

/// The name `acknowledge` takes for the sibling lint and warning.
pub const LINT: &str = "siblings";

/// The `siblings` lint on one architecture: conditional drops a family
/// member bypasses (`check::lints` calls it unless acknowledged).
pub fn sibling_errors(policy: &ast::Policy, table: &DecisionTable) -> Vec<Diagnostic> {
    siblings(policy, table, Arms::Drops)
}

/// The `siblings` warning on one architecture: conditional keeps a family
/// member exceeds.
pub fn sibling_warnings(policy: &ast::Policy, table: &DecisionTable) -> Vec<Diagnostic> {
    siblings(policy, table, Arms::Keeps)
}

/// Which conditional arms a check looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arms {
    Drops,
    Keeps,
}

fn siblings(policy: &ast::Policy, table: &DecisionTable, arms: Arms) -> Vec<Diagnostic> {
    let symbols = SymbolTexts::of(policy);
    let mut found = Vec::new();
    for (nr, decision) in table.named.iter() {
        // Only conditions are carried over: most decisions have none.
        if decision.arms.is_empty() {
            continue;
        }
        let Some(name) = syscalls::table(table.arch).name(nr) else {
            continue;
        };
        for family in families::families_of(name) {
            let ctx = Ctx {
                arch: table.arch,
                table,
                family,
                from: name,
                symbols: &symbols,
            };
            for arm in &decision.arms {
                if let Some(d) = ctx.check_arm(arm, decision, arms) {
                    found.push(d);
                }
            }
        }
    }
    found
}

/// The text of each symbolic value, so `libc::O_CREAT` written twice
/// compares equal.
struct SymbolTexts(Vec<String>);

impl SymbolTexts {
    fn of(policy: &ast::Policy) -> SymbolTexts {
        let mut texts = Vec::new();
        for (s, _) in policy.symbols() {
            texts.push(s.text.clone());
        }
        SymbolTexts(texts)
    }

    /// The first id with the same text as `id`.
    fn canonical(&self, id: usize) -> usize {
        let Some(text) = self.0.get(id) else {
            return id;
        };
        for (i, t) in self.0.iter().enumerate() {
            if t == text {
                return i;
            }
        }
        id
    }

    fn text(&self, id: usize) -> String {
        match self.0.get(id) {
            Some(text) => text.clone(),
            None => format!("{{{id}}}"),
        }
    }
}

/// A condition carried over to a member: decided, or still a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Carried {
    Always,
    Never,
    When(Cond),
}

/// Whether carrying over met a parameter the member keeps in memory.
#[derive(Clone, Copy, Default)]
struct Reach {
    in_memory: bool,
}

struct Ctx<'a> {
    arch: Arch,
    table: &'a DecisionTable,
    family: &'static Family,
    from: &'static str,
    symbols: &'a SymbolTexts,
}

/// One sibling that lets through more than it should, and the fix.
struct Gap {
    sibling: &'static str,
    fix: String,
    in_memory: bool,
}

impl Ctx<'_> {
    fn check_arm(&self, arm: &Arm, decision: &Decision, arms: Arms) -> Option<Diagnostic> {
        if !self.touches_shared(&arm.cond) {
            // A condition on what the family does not share (`kill`'s
            // pid, `sendfile`'s out_fd for the readers) has no
            // counterpart in the siblings.
            return None;
        }
        let dropping = !arm.action.lets_through();
        let keeping = arm.action.lets_through() && !decision.otherwise.action.lets_through();
        if !(dropping && arms == Arms::Drops || keeping && arms == Arms::Keeps) {
            return None;
        }
        let mut gaps = Vec::new();
        for &(member, nr) in &self.siblings() {
            if let Some(gap) = self.gap(arm, member, nr, dropping) {
                gaps.push(gap);
            }
        }
        if gaps.is_empty() {
            return None;
        }
        let span = match arm.cond.comparisons().first() {
            Some(c) => c.span,
            None => Span::none(),
        };
        Some(if dropping {
            self.drop_error(span, &gaps)
        } else {
            self.keep_warning(span, &gaps)
        })
    }

    /// The other members this architecture has, with their numbers. The
    /// `clone3` lint already reports conditions on `clone` while `clone3`
    /// is allowed.
    fn siblings(&self) -> Vec<(&'static Member, u32)> {
        let numbers = syscalls::table(self.arch);
        let own = numbers.number(self.from);
        let mut out = Vec::new();
        for m in self.family.members {
            let Some(nr) = numbers.number(m.syscall) else {
                continue;
            };
            let skip = Some(nr) == own || (self.from == "clone" && m.syscall == "clone3");
            if !skip {
                out.push((m, nr));
            }
        }
        out
    }

    fn gap(&self, arm: &Arm, member: &'static Member, nr: u32, dropping: bool) -> Option<Gap> {
        let d = self.table.decision(nr);
        let mut reach = Reach::default();
        let carried = self.carry(&arm.cond, member, dropping, &mut reach);
        let covered = if dropping {
            // Only what X can do must be refused: `drop creat(mode ...)`
            // asks `openat` to refuse `flags == O_CREAT|O_WRONLY|O_TRUNC`.
            let required = join(Join::All, vec![carried.clone(), self.fixed_by(member)]);
            refuses_when(&d, &required, self.symbols)
        } else {
            allows_only_when(&d, &carried, self.symbols)
        };
        if covered {
            return None;
        }
        let fix = self.fix(member.syscall, &carried, arm, dropping, reach.in_memory);
        Some(Gap {
            sibling: member.syscall,
            fix,
            in_memory: reach.in_memory,
        })
    }

    fn carry(&self, c: &Cond, to: &'static Member, dropping: bool, reach: &mut Reach) -> Carried {
        let (how, parts) = match c {
            Cond::Or(v) => (Join::Any, v),
            Cond::And(v) => (Join::All, v),
            Cond::Cmp(cmp) => return self.carry_cmp(cmp, to, dropping, reach),
        };
        // The parts after one that decides the whole are not carried
        // over, so they do not mark `reach` either.
        let mut carried = Vec::with_capacity(parts.len());
        for part in parts {
            let part = self.carry(part, to, dropping, reach);
            let decides = how.decided_by(&part);
            carried.push(part);
            if decides {
                break;
            }
        }
        join(how, carried)
    }

    fn carry_cmp(
        &self,
        cmp: &Cmp,
        to: &'static Member,
        dropping: bool,
        reach: &mut Reach,
    ) -> Carried {
        let unknown = if dropping {
            Carried::Always
        } else {
            Carried::Never
        };
        let Some(shared) = self.shared_param(cmp) else {
            return unknown;
        };
        match to.locate(self.arch, shared) {
            Located::Arg { index, bits } => {
                let own_bits = self.declared_bits(self.from, cmp.arg);
                let bits = if Some(cmp.bits) == own_bits {
                    bits
                } else {
                    cmp.bits
                };
                Carried::When(Cond::Cmp(Cmp {
                    arg: index,
                    bits,
                    ..cmp.clone()
                }))
            }
            Located::Fixed(v) => match fixed_holds(cmp, v) {
                Some(true) => Carried::Always,
                Some(false) => Carried::Never,
                None => unknown,
            },
            Located::InMemory => {
                reach.in_memory = true;
                unknown
            }
        }
    }

    fn touches_shared(&self, c: &Cond) -> bool {
        for cmp in c.comparisons() {
            if self.shared_param(cmp).is_some() {
                return true;
            }
        }
        false
    }

    /// What the kernel fixes in X, as a condition on `to`'s registers:
    /// `creat` is `openat` with `flags == O_CREAT | O_WRONLY | O_TRUNC`.
    fn fixed_by(&self, to: &'static Member) -> Carried {
        let Some(from) = families::member(self.family, self.from) else {
            return Carried::Always;
        };
        let mut parts = Vec::new();
        for &s in self.family.shared {
            parts.push(match (from.locate(self.arch, s), to.locate(self.arch, s)) {
                (Located::Fixed(v), Located::Arg { index, bits }) => {
                    Carried::When(Cond::Cmp(Cmp {
                        arg: index,
                        bits,
                        mask: None,
                        op: CmpOp::Eq,
                        values: vec![Operand::Const(reduce(v, bits))],
                        span: Span::none(),
                    }))
                }
                (Located::Fixed(v), Located::Fixed(w)) if v != w => Carried::Never,
                _ => Carried::Always,
            });
        }
        join(Join::All, parts)
    }

    /// The family's name for the parameter `cmp` compares, if shared.
    fn shared_param(&self, cmp: &Cmp) -> Option<&'static str> {
        let member = families::member(self.family, self.from)?;
        for &s in self.family.shared {
            if let Located::Arg { index, .. } = member.locate(self.arch, s)
                && index == cmp.arg
            {
                return Some(s);
            }
        }
        None
    }

    fn declared_bits(&self, syscall: &str, arg: u8) -> Option<u8> {
        let (_, bits) = self.declared(syscall, arg)?;
        Some(bits)
    }

    /// The name and width of `syscall`'s parameter in argument `arg`.
    fn declared(&self, syscall: &str, arg: u8) -> Option<(&'static str, u8)> {
        for p in params::params(self.arch, syscall)? {
            if let ParamSlot::Arg { index, bits } = p.slot
                && index == arg
            {
                return Some((p.name, bits));
            }
        }
        None
    }

    /// The statement that closes a gap.
    fn fix(
        &self,
        sibling: &str,
        carried: &Carried,
        arm: &Arm,
        dropping: bool,
        in_memory: bool,
    ) -> String {
        let action = match arm.action {
            a if a == self.table.deny => String::new(),
            a => format!(" => {a}"),
        };
        match (dropping, carried) {
            (true, Carried::Always) if in_memory => format!("drop {sibling} => errno(ENOSYS);"),
            (true, Carried::Always) => format!("drop {sibling}{action};"),
            (true, Carried::When(c)) => {
                format!("drop {sibling}({}){action};", self.render(sibling, c))
            }
            (false, Carried::When(c)) => format!("keep {sibling}({});", self.render(sibling, c)),
            (false, _) if in_memory => format!("drop {sibling} => errno(ENOSYS);"),
            (_, _) => format!("drop {sibling};"),
        }
    }

    fn drop_error(&self, span: Span, gaps: &[Gap]) -> Diagnostic {
        let d = Diagnostic::error(
            span,
            format!(
                "this condition on `{}` can be bypassed: {} {} too, and this policy lets {} through without the corresponding condition",
                self.from,
                list(&sibling_names(gaps)),
                self.family.does,
                them(gaps),
            ),
        );
        self.with_fixes(d, gaps, "drop them with the corresponding condition")
            .with_help(format!(
                "or write `acknowledge {LINT};` if the siblings may do what this condition refuses"
            ))
            .for_arch(self.arch)
    }

    fn keep_warning(&self, span: Span, gaps: &[Gap]) -> Diagnostic {
        let d = Diagnostic::warning(
            span,
            format!(
                "this condition on `{}` does not confine its siblings: {} {} too, and this policy lets {} through without the corresponding condition",
                self.from,
                list(&sibling_names(gaps)),
                self.family.does,
                them(gaps),
            ),
        );
        self.with_fixes(d, gaps, "give them the corresponding condition")
            .with_help(format!(
                "or write `acknowledge {LINT};` if the siblings may do more"
            ))
            .for_arch(self.arch)
    }

    fn with_fixes(&self, d: Diagnostic, gaps: &[Gap], what: &str) -> Diagnostic {
        // "`fix` `fix`" for the siblings with their arguments in registers
        // and, apart, for those refused with ENOSYS.
        let (mut register_fixes, mut memory_fixes) = (String::new(), String::new());
        let mut memory = Vec::new();
        for g in gaps {
            if g.in_memory && g.fix.contains("ENOSYS") {
                memory.push(g.sibling);
                push_quoted(&mut memory_fixes, &g.fix);
            } else {
                push_quoted(&mut register_fixes, &g.fix);
            }
        }
        let mut d = d;
        if !register_fixes.is_empty() {
            d = d.with_help(format!("{what}: {register_fixes}"));
        }
        if !memory.is_empty() {
            d = d.with_help(format!(
                "{} {} {} arguments in memory, which BPF cannot read: refuse {} with ENOSYS (libc then falls back): {memory_fixes}",
                list(&memory),
                if memory.len() == 1 { "passes" } else { "pass" },
                if memory.len() == 1 { "its" } else { "their" },
                if memory.len() == 1 { "it" } else { "them" },
            ));
        }
        d
    }

    /// A carried condition in the policy language, with the sibling's
    /// parameter names.
    fn render(&self, sibling: &str, c: &Cond) -> String {
        let (parts, and) = match c {
            Cond::Or(v) => (v, false),
            Cond::And(v) => (v, true),
            Cond::Cmp(cmp) => return self.render_cmp(sibling, cmp),
        };
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push_str(if and { " && " } else { " || " });
            }
            let text = self.render(sibling, part);
            if and && matches!(part, Cond::Or(_)) {
                out.push('(');
                out.push_str(&text);
                out.push(')');
            } else {
                out.push_str(&text);
            }
        }
        out
    }

    fn render_cmp(&self, sibling: &str, cmp: &Cmp) -> String {
        let (name, declared_bits) = match self.declared(sibling, cmp.arg) {
            Some((name, bits)) => (name.to_owned(), bits),
            None => (format!("arg{}", cmp.arg), 64),
        };
        let mut out = match cmp.bits {
            b if b == declared_bits => name,
            32 => format!("{name}:u32"),
            _ => format!("{name}:u64"),
        };
        if let Some(m) = cmp.mask {
            out.push_str(" & ");
            out.push_str(&self.operand(m, cmp.bits));
        }
        out.push(' ');
        out.push_str(cmp.op.symbol());
        out.push(' ');
        for (i, &v) in cmp.values.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            out.push_str(&self.operand(v, cmp.bits));
        }
        out
    }

    /// A value as the policy writes it.
    fn operand(&self, o: Operand, bits: u8) -> String {
        match o {
            Operand::Sym(id) => self.symbols.text(id),
            Operand::Const(v) => literal(v, bits),
        }
    }
}

/// A constant as a policy would write it: small numbers in decimal,
/// negative ones (`AT_FDCWD`) with their sign, others in hex.
fn literal(v: u64, bits: u8) -> String {
    let all = width_mask(bits);
    if v < 0x1000 {
        v.to_string()
    } else if bits >= 32 && v > all - 0x1000 {
        format!("-{}", all - v + 1)
    } else {
        format!("{v:#x}")
    }
}

/// Whether `cmp` holds for a parameter the kernel fixes to `v`; `None`
/// when it compares with a Rust value only rustc knows.
fn fixed_holds(cmp: &Cmp, v: i128) -> Option<bool> {
    if has_symbol(cmp) {
        return None;
    }
    let mut args = [0u64; 6];
    args[usize::from(cmp.arg)] = reduce(v, 64);
    Some(cmp.holds(&args, &no_symbols))
}

/// Whether the mask or a value of `cmp` is a Rust value only rustc knows.
fn has_symbol(cmp: &Cmp) -> bool {
    if let Some(Operand::Sym(_)) = cmp.mask {
        return true;
    }
    for v in &cmp.values {
        if let Operand::Sym(_) = v {
            return true;
        }
    }
    false
}

/// The value of every symbol where conditions are compared on constants
/// only (`samples` gives up on symbols).
fn no_symbols(_: usize) -> u64 {
    0
}

/// How carried parts combine.
#[derive(Clone, Copy)]
enum Join {
    /// `||`: one part that always holds decides.
    Any,
    /// `&&`: one part that never holds decides.
    All,
}

impl Join {
    fn decided_by(self, part: &Carried) -> bool {
        matches!(
            (self, part),
            (Join::Any, Carried::Always) | (Join::All, Carried::Never)
        )
    }
}

fn join(how: Join, parts: Vec<Carried>) -> Carried {
    let mut conds = Vec::new();
    for p in parts {
        match p {
            Carried::When(c) => conds.push(c),
            p if how.decided_by(&p) => return p,
            _ => {}
        }
    }
    match (conds.len(), how) {
        (0, Join::Any) => Carried::Never,
        (0, Join::All) => Carried::Always,
        (1, _) => Carried::When(conds.remove(0)),
        (_, Join::Any) => Carried::When(Cond::Or(conds)),
        (_, Join::All) => Carried::When(Cond::And(conds)),
    }
}

fn lets_through(d: &Decision) -> bool {
    if d.otherwise.action.lets_through() {
        return true;
    }
    for arm in &d.arms {
        if arm.action.lets_through() {
            return true;
        }
    }
    false
}

/// Whether two conditions are the same, symbolic values compared by text.
fn same(a: &Cond, b: &Cond, symbols: &SymbolTexts) -> bool {
    canonical(a, symbols) == canonical(b, symbols)
}

fn canonical(c: &Cond, symbols: &SymbolTexts) -> Cond {
    let (parts, and) = match c {
        Cond::Or(v) => (v, false),
        Cond::And(v) => (v, true),
        Cond::Cmp(cmp) => {
            let mut values = Vec::with_capacity(cmp.values.len());
            for &v in &cmp.values {
                values.push(canonical_operand(v, symbols));
            }
            let mut mask = cmp.mask;
            if let Some(m) = &mut mask {
                *m = canonical_operand(*m, symbols);
            }
            return Cond::Cmp(Cmp {
                mask,
                values,
                ..cmp.clone()
            });
        }
    };
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        out.push(canonical(part, symbols));
    }
    if and { Cond::And(out) } else { Cond::Or(out) }
}

fn canonical_operand(o: Operand, symbols: &SymbolTexts) -> Operand {
    match o {
        Operand::Sym(id) => Operand::Sym(symbols.canonical(id)),
        o => o,
    }
}

/// Whether `d` refuses whenever `required` holds.
fn refuses_when(d: &Decision, required: &Carried, symbols: &SymbolTexts) -> bool {
    match required {
        Carried::Never => true,
        _ if !lets_through(d) => true,
        Carried::Always => false,
        Carried::When(c) => match samples(d, c) {
            Some(calls) => {
                for args in &calls {
                    if c.holds(args, &no_symbols) && d.action(args, &no_symbols).lets_through() {
                        return false;
                    }
                }
                true
            }
            None => refuses_by_structure(d, c, symbols),
        },
    }
}

/// Whether `d` lets through only what `allowed` describes.
fn allows_only_when(d: &Decision, allowed: &Carried, symbols: &SymbolTexts) -> bool {
    match allowed {
        Carried::Always => true,
        _ if !lets_through(d) => true,
        Carried::Never => false,
        Carried::When(c) => match samples(d, c) {
            Some(calls) => {
                for args in &calls {
                    if d.action(args, &no_symbols).lets_through() && !c.holds(args, &no_symbols) {
                        return false;
                    }
                }
                true
            }
            None => allows_by_structure(d, c, symbols),
        },
    }
}

/// The most calls `samples` builds before falling back to comparing
/// conditions as written.
const MAX_SAMPLES: usize = 1 << 12;

/// Argument vectors that tell the conditions of `d` and `c` apart: for
/// each argument they compare, 0, all ones, and every constant compared
/// with it, one below and above, with the bits outside its mask or width
/// set, and all of them OR-ed; every combination of those. Every
/// comparison changes its outcome at one of these values, so a
/// difference between two conditions over one argument shows; over
/// several, each combination of boundaries is tried. `None` when a value
/// is a Rust expression only rustc knows, or there would be too many.
fn samples(d: &Decision, c: &Cond) -> Option<Vec<[u64; 6]>> {
    let mut cmps = c.comparisons();
    for arm in &d.arms {
        cmps.extend(arm.cond.comparisons());
    }
    let mut per_arg: [Vec<u64>; 6] = Default::default();
    for set in &mut per_arg {
        set.push(0);
    }
    for cmp in &cmps {
        let set = &mut per_arg[usize::from(cmp.arg)];
        set.push(u64::MAX);
        let mut union = 0u64;
        let mask = match cmp.mask {
            Some(Operand::Const(m)) => m,
            Some(Operand::Sym(_)) => return None,
            None => width_mask(cmp.bits),
        };
        for v in &cmp.values {
            let Operand::Const(v) = *v else {
                return None;
            };
            union |= v;
            set.extend_from_slice(&[
                v,
                v.wrapping_sub(1),
                v.wrapping_add(1),
                v | !mask,
                v | !width_mask(cmp.bits),
            ]);
        }
        set.extend_from_slice(&[mask, union, !mask]);
    }
    for set in &mut per_arg {
        set.sort_unstable();
        set.dedup();
    }
    let mut total = 1usize;
    for set in &per_arg {
        total = total.checked_mul(set.len())?;
    }
    if total > MAX_SAMPLES {
        return None;
    }
    let mut calls = vec![[0u64; 6]];
    for (i, set) in per_arg.iter().enumerate() {
        let mut next_calls = Vec::with_capacity(calls.len() * set.len());
        for call in &calls {
            for &v in set {
                let mut next = *call;
                next[i] = v;
                next_calls.push(next);
            }
        }
        calls = next_calls;
    }
    Some(calls)
}

/// With a Rust value in a condition: a refusing arm with the same
/// condition before any allowing one.
fn refuses_by_structure(d: &Decision, c: &Cond, symbols: &SymbolTexts) -> bool {
    for arm in &d.arms {
        if arm.action.lets_through() {
            return false;
        }
        if same(&arm.cond, c, symbols) {
            return true;
        }
    }
    false
}

/// With a Rust value in a condition: only allowing arms with the same
/// condition, and a refusal otherwise.
fn allows_by_structure(d: &Decision, c: &Cond, symbols: &SymbolTexts) -> bool {
    if d.otherwise.action.lets_through() {
        return false;
    }
    for a in &d.arms {
        if a.action.lets_through() && !same(&a.cond, c, symbols) {
            return false;
        }
    }
    true
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn list(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        if i + 1 == names.len() && i > 0 {
            out.push_str(" and ");
        } else if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
    out
}

/// Appends "`text`", after a space unless `out` is empty.
fn push_quoted(out: &mut String, text: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push('`');
    out.push_str(text);
    out.push('`');
}

fn sibling_names(gaps: &[Gap]) -> Vec<&'static str> {
    let mut names = Vec::with_capacity(gaps.len());
    for g in gaps {
        names.push(g.sibling);
    }
    names
}

fn them(gaps: &[Gap]) -> &'static str {
    if gaps.len() == 1 { "it" } else { "them" }
}

/// A syscall a `base`/`keep` names itself (not through a group) that
/// `arch` lacks, while no member of its family is allowed on `arch`: the
/// program would die there when its libc makes the call it has.
pub fn portability(policy: &ast::Policy, table: &DecisionTable) -> Vec<Diagnostic> {
    let numbers = syscalls::table(table.arch);
    let mut reported: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for s in &policy.statements {
        let (StatementKind::Base(items) | StatementKind::Keep(items)) = &s.kind else {
            continue;
        };
        for item in items {
            let ItemKind::Syscall { name, .. } = &item.kind else {
                continue;
            };
            if numbers.number(&name.text).is_some() {
                continue;
            }
            // Sorted, to find a name again quickly.
            match reported.binary_search(&name.text.as_str()) {
                Ok(_) => continue,
                Err(at) => reported.insert(at, &name.text),
            }
            if let Some(d) = missing_here(table, &name.text, name.span) {
                out.push(d);
            }
        }
    }
    out
}

fn missing_here(table: &DecisionTable, name: &str, span: Span) -> Option<Diagnostic> {
    let numbers = syscalls::table(table.arch);
    let mut here = Vec::new();
    for family in families::families_of(name) {
        for m in family.members {
            let Some(nr) = numbers.number(m.syscall) else {
                continue;
            };
            if lets_through(&table.decision(nr)) {
                return None;
            }
            here.push(m.syscall);
        }
    }
    here.sort_unstable();
    here.dedup();
    if here.is_empty() {
        return None;
    }
    let first = stand_in(table.arch, name).unwrap_or("?");
    Some(
        Diagnostic::error(
            span,
            format!(
                "`{name}` does not exist on {}, and this policy allows none of what libc calls there instead: {}",
                table.arch,
                list(&here)
            ),
        )
        .with_help(format!("allow it too, e.g. `keep {first};`, or leave {} out with `arch`", table.arch))
        .for_arch(table.arch),
    )
}

/// The member of `name`'s family that stands in for it on `arch`, which
/// lacks it: the family's first member `arch` has (`ppoll` for `poll`).
pub fn stand_in(arch: Arch, name: &str) -> Option<&'static str> {
    let numbers = syscalls::table(arch);
    for family in families::families_of(name) {
        for m in family.members {
            if m.syscall != name && numbers.number(m.syscall).is_some() {
                return Some(m.syscall);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
