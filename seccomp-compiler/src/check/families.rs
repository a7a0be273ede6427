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
                found.extend(ctx.check_arm(arm, decision, arms));
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
        SymbolTexts(
            policy
                .symbols()
                .iter()
                .map(|(s, _)| s.text.clone())
                .collect(),
        )
    }

    /// The first id with the same text as `id`.
    fn canonical(&self, id: usize) -> usize {
        let text = self.0.get(id);
        self.0.iter().position(|t| Some(t) == text).unwrap_or(id)
    }

    fn text(&self, id: usize) -> String {
        self.0
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("{{{id}}}"))
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
        let gaps: Vec<Gap> = self
            .siblings()
            .filter_map(|(member, nr)| self.gap(arm, member, nr, dropping))
            .collect();
        if gaps.is_empty() {
            return None;
        }
        let span = arm
            .cond
            .comparisons()
            .first()
            .map_or_else(Span::none, |c| c.span);
        Some(if dropping {
            self.drop_error(span, &gaps)
        } else {
            self.keep_warning(span, &gaps)
        })
    }

    /// The other members this architecture has, with their numbers. The
    /// `clone3` lint already reports conditions on `clone` while `clone3`
    /// is allowed.
    fn siblings(&self) -> impl Iterator<Item = (&'static Member, u32)> + '_ {
        let numbers = syscalls::table(self.arch);
        let own = numbers.number(self.from);
        self.family.members.iter().filter_map(move |m| {
            let nr = numbers.number(m.syscall)?;
            let skip = Some(nr) == own || (self.from == "clone" && m.syscall == "clone3");
            (!skip).then_some((m, nr))
        })
    }

    fn gap(&self, arm: &Arm, member: &'static Member, nr: u32, dropping: bool) -> Option<Gap> {
        let d = self.table.decision(nr);
        let mut reach = Reach::default();
        let carried = self.carry(&arm.cond, member, dropping, &mut reach);
        let covered = if dropping {
            // Only what X can do must be refused: `drop creat(mode ...)`
            // asks `openat` to refuse `flags == O_CREAT|O_WRONLY|O_TRUNC`.
            let required = all([carried.clone(), self.fixed_by(member)].into_iter());
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
        match c {
            Cond::Or(v) => any(v.iter().map(|c| self.carry(c, to, dropping, reach))),
            Cond::And(v) => all(v.iter().map(|c| self.carry(c, to, dropping, reach))),
            Cond::Cmp(cmp) => self.carry_cmp(cmp, to, dropping, reach),
        }
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
        c.comparisons()
            .iter()
            .any(|cmp| self.shared_param(cmp).is_some())
    }

    /// What the kernel fixes in X, as a condition on `to`'s registers:
    /// `creat` is `openat` with `flags == O_CREAT | O_WRONLY | O_TRUNC`.
    fn fixed_by(&self, to: &'static Member) -> Carried {
        let Some(from) = families::member(self.family, self.from) else {
            return Carried::Always;
        };
        let parts = self.family.shared.iter().map(|&s| {
            match (from.locate(self.arch, s), to.locate(self.arch, s)) {
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
            }
        });
        all(parts)
    }

    /// The family's name for the parameter `cmp` compares, if shared.
    fn shared_param(&self, cmp: &Cmp) -> Option<&'static str> {
        let member = families::member(self.family, self.from)?;
        self.family.shared.iter().copied().find(|&s| {
            matches!(member.locate(self.arch, s), Located::Arg { index, .. } if index == cmp.arg)
        })
    }

    fn declared_bits(&self, syscall: &str, arg: u8) -> Option<u8> {
        params::params(self.arch, syscall)?
            .iter()
            .find_map(|p| match p.slot {
                ParamSlot::Arg { index, bits } if index == arg => Some(bits),
                _ => None,
            })
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
                list(&mut gaps.iter().map(|g| g.sibling)),
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
                list(&mut gaps.iter().map(|g| g.sibling)),
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
        let (memory, registers): (Vec<&Gap>, Vec<&Gap>) = gaps
            .iter()
            .partition(|g| g.in_memory && g.fix.contains("ENOSYS"));
        let mut d = d;
        if !registers.is_empty() {
            let fixes: Vec<_> = registers.iter().map(|g| format!("`{}`", g.fix)).collect();
            d = d.with_help(format!("{what}: {}", fixes.join(" ")));
        }
        if !memory.is_empty() {
            let fixes: Vec<_> = memory.iter().map(|g| format!("`{}`", g.fix)).collect();
            d = d.with_help(format!(
                "{} {} {} arguments in memory, which BPF cannot read: refuse {} with ENOSYS (libc then falls back): {}",
                list(&mut memory.iter().map(|g| g.sibling)),
                if memory.len() == 1 { "passes" } else { "pass" },
                if memory.len() == 1 { "its" } else { "their" },
                if memory.len() == 1 { "it" } else { "them" },
                fixes.join(" ")
            ));
        }
        d
    }

    /// A carried condition in the policy language, with the sibling's
    /// parameter names.
    fn render(&self, sibling: &str, c: &Cond) -> String {
        match c {
            Cond::Or(v) => v
                .iter()
                .map(|c| self.render(sibling, c))
                .collect::<Vec<_>>()
                .join(" || "),
            Cond::And(v) => v
                .iter()
                .map(|c| match c {
                    Cond::Or(_) => format!("({})", self.render(sibling, c)),
                    _ => self.render(sibling, c),
                })
                .collect::<Vec<_>>()
                .join(" && "),
            Cond::Cmp(cmp) => self.render_cmp(sibling, cmp),
        }
    }

    fn render_cmp(&self, sibling: &str, cmp: &Cmp) -> String {
        let declared = params::params(self.arch, sibling)
            .into_iter()
            .flatten()
            .find_map(|p| match p.slot {
                ParamSlot::Arg { index, bits } if index == cmp.arg => {
                    Some((p.name.to_owned(), bits))
                }
                _ => None,
            });
        let (name, declared_bits) = declared.unwrap_or_else(|| (format!("arg{}", cmp.arg), 64));
        let name = match cmp.bits {
            b if b == declared_bits => name,
            32 => format!("{name}:u32"),
            _ => format!("{name}:u64"),
        };
        let operand = |o: &Operand| match *o {
            Operand::Sym(id) => self.symbols.text(id),
            Operand::Const(v) => literal(v, cmp.bits),
        };
        let mask = cmp
            .mask
            .as_ref()
            .map(|m| format!(" & {}", operand(m)))
            .unwrap_or_default();
        let values: Vec<String> = cmp.values.iter().map(operand).collect();
        format!("{name}{mask} {} {}", cmp.op.symbol(), values.join(" | "))
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
    let symbolic = |o: &Operand| matches!(o, Operand::Sym(_));
    if cmp.mask.iter().chain(&cmp.values).any(symbolic) {
        return None;
    }
    let mut args = [0u64; 6];
    args[usize::from(cmp.arg)] = reduce(v, 64);
    Some(cmp.holds(&args, &|_| 0))
}

fn any(parts: impl Iterator<Item = Carried>) -> Carried {
    let mut conds = Vec::new();
    for p in parts {
        match p {
            Carried::Always => return Carried::Always,
            Carried::Never => {}
            Carried::When(c) => conds.push(c),
        }
    }
    match conds.len() {
        0 => Carried::Never,
        1 => Carried::When(conds.remove(0)),
        _ => Carried::When(Cond::Or(conds)),
    }
}

fn all(parts: impl Iterator<Item = Carried>) -> Carried {
    let mut conds = Vec::new();
    for p in parts {
        match p {
            Carried::Never => return Carried::Never,
            Carried::Always => {}
            Carried::When(c) => conds.push(c),
        }
    }
    match conds.len() {
        0 => Carried::Always,
        1 => Carried::When(conds.remove(0)),
        _ => Carried::When(Cond::And(conds)),
    }
}

fn lets_through(d: &Decision) -> bool {
    d.actions().any(|a| a.lets_through())
}

/// Whether two conditions are the same, symbolic values compared by text.
fn same(a: &Cond, b: &Cond, symbols: &SymbolTexts) -> bool {
    canonical(a, symbols) == canonical(b, symbols)
}

fn canonical(c: &Cond, symbols: &SymbolTexts) -> Cond {
    let operand = |o: &Operand| match *o {
        Operand::Sym(id) => Operand::Sym(symbols.canonical(id)),
        o => o,
    };
    match c {
        Cond::Or(v) => Cond::Or(v.iter().map(|c| canonical(c, symbols)).collect()),
        Cond::And(v) => Cond::And(v.iter().map(|c| canonical(c, symbols)).collect()),
        Cond::Cmp(cmp) => Cond::Cmp(Cmp {
            mask: cmp.mask.as_ref().map(operand),
            values: cmp.values.iter().map(operand).collect(),
            ..cmp.clone()
        }),
    }
}

/// Whether `d` refuses whenever `required` holds.
fn refuses_when(d: &Decision, required: &Carried, symbols: &SymbolTexts) -> bool {
    match required {
        Carried::Never => true,
        _ if !lets_through(d) => true,
        Carried::Always => false,
        Carried::When(c) => match samples(d, c) {
            Some(calls) => calls
                .iter()
                .all(|args| !c.holds(args, &|_| 0) || !d.action(args, &|_| 0).lets_through()),
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
            Some(calls) => calls
                .iter()
                .all(|args| !d.action(args, &|_| 0).lets_through() || c.holds(args, &|_| 0)),
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
            set.extend([
                v,
                v.wrapping_sub(1),
                v.wrapping_add(1),
                v | !mask,
                v | !width_mask(cmp.bits),
            ]);
        }
        set.extend([mask, union, !mask]);
    }
    for set in &mut per_arg {
        set.sort_unstable();
        set.dedup();
    }
    let total = per_arg
        .iter()
        .try_fold(1usize, |n, s| n.checked_mul(s.len()))?;
    if total > MAX_SAMPLES {
        return None;
    }
    let mut calls = vec![[0u64; 6]];
    for (i, set) in per_arg.iter().enumerate() {
        calls = calls
            .iter()
            .flat_map(|call| {
                set.iter().map(move |&v| {
                    let mut next = *call;
                    next[i] = v;
                    next
                })
            })
            .collect();
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
    !d.otherwise.action.lets_through()
        && d.arms
            .iter()
            .filter(|a| a.action.lets_through())
            .all(|a| same(&a.cond, c, symbols))
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn list(names: &mut dyn Iterator<Item = &str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
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
            if numbers.number(&name.text).is_some() || reported.contains(&name.text.as_str()) {
                continue;
            }
            reported.push(&name.text);
            out.extend(missing_here(table, &name.text, name.span));
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
                list(&mut here.iter().copied())
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
    families::families_of(name)
        .flat_map(|f| f.members.iter())
        .map(|m| m.syscall)
        .find(|m| *m != name && numbers.number(m).is_some())
}

#[cfg(test)]
mod tests;
