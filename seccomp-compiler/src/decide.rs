//! The semantic model: for one architecture, a [`Decision`] for every
//! syscall number a statement names, plus the default and unknown actions.
//!
//! Also the reference evaluator [`eval`], which answers "what does this
//! policy do with this `seccomp_data`" by walking the statements directly,
//! as the language reference describes them. The tests hold every compiled
//! program to it.
//!
//! Plain loops rather than iterator chains with closures: this crate is
//! compiled unoptimised in every build that uses the macro, and each chain
//! is compiled anew.

use crate::action::Action;
use crate::arch::{Arch, X32_SYSCALL_BIT};
use crate::bpf::SeccompData;
use crate::ir::{
    Cmp, CmpOp, Cond, NumberMap, Operand, ResolvedPolicy, RuleKind, RuleSource, width_mask,
};
use crate::span::Span;
use crate::tables::successors::Successor;
use crate::tables::syscalls;

/// Why a syscall gets its action, for `seccompc explain`.
#[derive(Clone, Copy, Debug)]
pub enum Origin {
    /// Statement number `index` (its keyword at `span`).
    Statement {
        /// 0-based position of the statement in the policy.
        index: usize,
        /// Where its keyword is.
        span: Span,
    },
    /// The `default` setting (`span` if the policy set it).
    Default(Option<Span>),
    /// The `unknown` setting.
    Unknown(Option<Span>),
    /// `errno(ENOSYS)` for a successor the policy names nowhere, because
    /// statement `index` (its keyword at `span`) allows the call libc falls
    /// back to (`successors.rs`).
    Successor {
        /// The successor/fallback pair.
        successor: &'static Successor,
        /// 0-based position of the statement that allows the fallback.
        index: usize,
        /// Where that statement's keyword is.
        span: Span,
    },
}

/// An action and why.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// What the filter returns.
    pub action: Action,
    /// What in the policy chose it.
    pub origin: Origin,
}

/// A conditional action: the first arm whose condition holds decides.
#[derive(Clone, Debug)]
pub struct Arm {
    /// The condition on the arguments.
    pub cond: Cond,
    /// The action when it holds.
    pub action: Action,
    /// What in the policy gave this arm.
    pub origin: Origin,
}

/// What a policy does with one syscall number.
#[derive(Clone, Debug)]
pub struct Decision {
    /// Checked in order; empty when the action does not depend on arguments.
    pub arms: Vec<Arm>,
    /// The outcome when no arm's condition holds.
    pub otherwise: Outcome,
}

impl Decision {
    /// A decision that ignores the arguments.
    pub fn constant(outcome: Outcome) -> Decision {
        Decision {
            arms: Vec::new(),
            otherwise: outcome,
        }
    }

    /// `Some(action)` when arguments do not matter.
    pub fn constant_action(&self) -> Option<Action> {
        self.arms.is_empty().then_some(self.otherwise.action)
    }

    /// What the decision does with `args`.
    pub fn action(&self, args: &[u64; 6], syms: &dyn Fn(usize) -> u64) -> Action {
        for a in &self.arms {
            if a.cond.holds(args, syms) {
                return a.action;
            }
        }
        self.otherwise.action
    }

    /// Every action the decision can produce.
    pub fn actions(&self) -> impl Iterator<Item = Action> + '_ {
        self.arms
            .iter()
            .map(|a| a.action)
            .chain(std::iter::once(self.otherwise.action))
    }
}

/// One architecture's decisions.
#[derive(Clone, Debug)]
pub struct DecisionTable {
    /// The architecture whose syscall numbers these are.
    pub arch: Arch,
    /// Decisions for the numbers some statement names.
    pub named: NumberMap<Decision>,
    /// For the table's other numbers.
    pub default: Outcome,
    /// For numbers the architecture's table does not know.
    pub unknown: Outcome,
    /// The deny action (for messages).
    pub deny: Action,
}

/// How the decision for a number is found.
pub enum Lookup<'a> {
    /// A syscall made through another ABI (x32 on x86_64): always killed.
    OtherAbi,
    /// A number the architecture's syscall table does not know.
    Unknown(&'a Outcome),
    /// A known number no statement names.
    Default(&'a Outcome),
    /// A number some statement names.
    Named(&'a Decision),
}

impl DecisionTable {
    /// The decision for syscall `nr`: a constant default decision for a
    /// number no statement names.
    pub fn decision(&self, nr: u32) -> Decision {
        match self.named.get(nr) {
            Some(d) => d.clone(),
            None => Decision::constant(self.default),
        }
    }

    /// Where the decision for syscall number `nr` comes from.
    pub fn lookup(&self, nr: u32) -> Lookup<'_> {
        if self.arch.has_x32_abi() && nr >= X32_SYSCALL_BIT {
            Lookup::OtherAbi
        } else if let Some(d) = self.named.get(nr) {
            Lookup::Named(d)
        } else if syscalls::table(self.arch).knows(nr) {
            Lookup::Default(&self.default)
        } else {
            Lookup::Unknown(&self.unknown)
        }
    }

    /// The action for `data` according to the table.
    pub fn action(&self, data: &SeccompData, syms: &dyn Fn(usize) -> u64) -> Action {
        if data.arch != self.arch.audit_arch() {
            return Action::KillProcess;
        }
        match self.lookup(data.nr) {
            Lookup::OtherAbi => Action::KillProcess,
            Lookup::Unknown(o) | Lookup::Default(o) => o.action,
            Lookup::Named(d) => d.action(&data.args, syms),
        }
    }

    /// Every action any input can produce, foreign-ABI kills included.
    pub fn actions(&self) -> Vec<Action> {
        // A handful of distinct actions: each goes in its sorted place.
        let mut all: Vec<Action> = Vec::new();
        for (_, d) in self.named.as_slice() {
            for arm in &d.arms {
                insert_sorted(&mut all, arm.action);
            }
            insert_sorted(&mut all, d.otherwise.action);
        }
        insert_sorted(&mut all, self.default.action);
        insert_sorted(&mut all, self.unknown.action);
        insert_sorted(&mut all, Action::KillProcess);
        all
    }
}

/// Adds `a` to the sorted, duplicate-free `all` unless it is there.
fn insert_sorted(all: &mut Vec<Action>, a: Action) {
    if let Err(i) = all.binary_search(&a) {
        all.insert(i, a);
    }
}

/// Builds the decision table from the resolved statements.
pub fn decide(rp: &ResolvedPolicy) -> DecisionTable {
    let default = Outcome {
        action: rp.default.action,
        origin: Origin::Default(rp.default.span),
    };
    let unknown = Outcome {
        action: rp.unknown.action,
        origin: Origin::Unknown(rp.unknown.span),
    };
    // Every number some rule names, each with a slot its rules fill in
    // order.
    let mut numbers: Vec<u32> = Vec::new();
    for r in &rp.rules {
        for &(nr, _) in r.entries.as_slice() {
            numbers.push(nr);
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    let mut decisions: Vec<(u32, Option<Decision>)> = Vec::with_capacity(numbers.len());
    for &nr in &numbers {
        decisions.push((nr, None));
    }
    for rule in &rp.rules {
        let origin = match rule.source {
            RuleSource::Statement => Origin::Statement {
                index: rule.statement,
                span: rule.span,
            },
            RuleSource::Successor(successor) => Origin::Successor {
                successor,
                index: rule.statement,
                span: rule.span,
            },
        };
        for (nr, entry) in rule.entries.as_slice() {
            let Ok(slot) = numbers.binary_search(nr) else {
                continue;
            };
            let earlier = match decisions[slot].1.take() {
                Some(d) => d,
                None => Decision::constant(default),
            };
            let next = match (rule.kind, entry.cond.as_deref()) {
                (RuleKind::Allow, None) => Decision::constant(Outcome {
                    action: Action::Allow,
                    origin,
                }),
                (RuleKind::Allow, Some(c)) => Decision {
                    arms: vec![Arm {
                        cond: c.clone(),
                        action: Action::Allow,
                        origin,
                    }],
                    otherwise: Outcome {
                        action: rp.deny.action,
                        origin,
                    },
                },
                (RuleKind::Drop(a), None) => Decision::constant(Outcome { action: a, origin }),
                (RuleKind::Drop(a), Some(c)) => {
                    let mut layered = earlier;
                    layered.arms.insert(
                        0,
                        Arm {
                            cond: c.clone(),
                            action: a,
                            origin,
                        },
                    );
                    layered
                }
            };
            decisions[slot].1 = Some(simplify_decision(next));
        }
    }
    let mut named = Vec::with_capacity(decisions.len());
    for (nr, d) in decisions {
        if let Some(d) = d {
            named.push((nr, d));
        }
    }
    DecisionTable {
        arch: rp.arch,
        named: NumberMap::from_sorted(named),
        default,
        unknown,
        deny: rp.deny.action,
    }
}

/// The reference evaluator: what the policy does with `data`, from the
/// statements themselves. `syms` gives symbolic values.
pub fn eval(rp: &ResolvedPolicy, data: &SeccompData, syms: &dyn Fn(usize) -> u64) -> Action {
    if data.arch != rp.arch.audit_arch() {
        return Action::KillProcess;
    }
    if rp.arch.has_x32_abi() && data.nr >= X32_SYSCALL_BIT {
        return Action::KillProcess;
    }
    if !syscalls::table(rp.arch).knows(data.nr) {
        return rp.unknown.action;
    }
    let mut verdict = None;
    for rule in &rp.rules {
        let Some(entry) = rule.entries.get(data.nr) else {
            continue;
        };
        let holds = match &entry.cond {
            Some(c) => c.holds(&data.args, syms),
            None => true,
        };
        verdict = match rule.kind {
            RuleKind::Allow if holds => Some(Action::Allow),
            RuleKind::Allow => Some(rp.deny.action),
            RuleKind::Drop(action) if holds => Some(action),
            RuleKind::Drop(_) => verdict,
        };
    }
    verdict.unwrap_or(rp.default.action)
}

/// Drops arms that can never decide and folds constant conditions, so a
/// decision that does not really depend on arguments becomes constant
/// (and the kernel's cache can serve it).
fn simplify_decision(d: Decision) -> Decision {
    let mut arms: Vec<Arm> = Vec::new();
    let mut otherwise = d.otherwise;
    for arm in d.arms {
        match simplify(arm.cond) {
            Folded::False => continue,
            Folded::True => {
                otherwise = Outcome {
                    action: arm.action,
                    origin: arm.origin,
                };
                break;
            }
            Folded::Cond(cond) => match arms.last_mut() {
                // Adjacent arms with one action are one arm with `||`.
                Some(last) if last.action == arm.action => {
                    last.cond = or(std::mem::replace(&mut last.cond, Cond::Or(vec![])), cond);
                }
                _ => arms.push(Arm { cond, ..arm }),
            },
        }
    }
    while let Some(last) = arms.last()
        && last.action == otherwise.action
    {
        arms.pop();
    }
    Decision { arms, otherwise }
}

fn or(a: Cond, b: Cond) -> Cond {
    let mut v = match a {
        Cond::Or(v) => v,
        other => vec![other],
    };
    match b {
        Cond::Or(w) => v.extend(w),
        other => v.push(other),
    }
    Cond::Or(v)
}

/// A condition after constant folding.
#[derive(Debug, PartialEq, Eq)]
pub enum Folded {
    /// Holds for every argument value.
    True,
    /// Holds for none.
    False,
    /// Depends on the arguments: what is left to check.
    Cond(Cond),
}

/// Folds comparisons whose outcome does not depend on the argument
/// (`x >= 0`, `x & 0 == 0`, a value outside the mask) and the `&&` / `||`
/// around them.
pub fn simplify(c: Cond) -> Folded {
    match c {
        Cond::Cmp(cmp) => simplify_cmp(cmp),
        Cond::And(v) => fold_junction(v, true),
        Cond::Or(v) => fold_junction(v, false),
    }
}

/// `&&` (`is_and`) or `||` of conditions: the absorbing constant wins,
/// the neutral one disappears, one operand stands alone.
fn fold_junction(v: Vec<Cond>, is_and: bool) -> Folded {
    let (absorbing, neutral) = if is_and {
        (Folded::False, Folded::True)
    } else {
        (Folded::True, Folded::False)
    };
    let mut kept = Vec::new();
    for c in v {
        match simplify(c) {
            f if f == absorbing => return absorbing,
            f if f == neutral => {}
            Folded::Cond(Cond::And(inner)) if is_and => kept.extend(inner),
            Folded::Cond(Cond::Or(inner)) if !is_and => kept.extend(inner),
            Folded::Cond(c) => kept.push(c),
            _ => unreachable!("True and False are the absorbing and neutral elements"),
        }
    }
    match kept.len() {
        0 => neutral,
        1 => Folded::Cond(kept.remove(0)),
        _ => Folded::Cond(if is_and {
            Cond::And(kept)
        } else {
            Cond::Or(kept)
        }),
    }
}

fn simplify_cmp(cmp: Cmp) -> Folded {
    // Every possible left-hand side lies in 0..=reach, with no bits
    // outside `reach`. A symbolic mask tells nothing.
    let reach = match cmp.mask {
        None => width_mask(cmp.bits),
        Some(Operand::Const(m)) => m & width_mask(cmp.bits),
        Some(Operand::Sym(_)) => return Folded::Cond(Cond::Cmp(cmp)),
    };
    if matches!(cmp.op, CmpOp::Eq | CmpOp::Ne) {
        return simplify_set(cmp, reach);
    }
    // Symbolic values keep their comparison: the program's shape must not
    // depend on them.
    let Operand::Const(v) = cmp.values[0] else {
        return Folded::Cond(Cond::Cmp(cmp));
    };
    let outcome = match cmp.op {
        CmpOp::Ge if v == 0 => Some(true),
        CmpOp::Lt if v == 0 => Some(false),
        CmpOp::Le if v >= reach => Some(true),
        CmpOp::Gt if v >= reach => Some(false),
        CmpOp::Lt if v > reach => Some(true),
        CmpOp::Ge if v > reach => Some(false),
        _ => None,
    };
    match outcome {
        Some(b) => constant(b),
        None => Folded::Cond(Cond::Cmp(Cmp {
            values: vec![Operand::Const(v)],
            ..cmp
        })),
    }
}

/// `==` / `!=` against a set: constants with bits outside `reach` can
/// never equal the left-hand side and are dropped; symbolic values stay
/// (code generation relies on this: after it, a constant has no bits
/// outside the mask).
fn simplify_set(cmp: Cmp, reach: u64) -> Folded {
    // Sorted and deduplicated in `Operand`'s order, constants then symbolic
    // values, both kinds as `u64`s: a sort is compiled anew for every
    // element type, and one of `u64`s serves both.
    let mut consts: Vec<u64> = Vec::new();
    let mut syms: Vec<u64> = Vec::new();
    for &v in &cmp.values {
        match v {
            Operand::Const(c) if c & !reach == 0 => consts.push(c),
            Operand::Const(_) => {}
            Operand::Sym(s) => syms.push(s as u64),
        }
    }
    consts.sort_unstable();
    consts.dedup();
    syms.sort_unstable();
    syms.dedup();
    let mut values: Vec<Operand> = Vec::with_capacity(consts.len() + syms.len());
    for c in consts {
        values.push(Operand::Const(c));
    }
    for s in syms {
        // A `usize` a moment ago: no target has one wider than 64 bits.
        values.push(Operand::Sym(s as usize));
    }
    let is_eq = cmp.op == CmpOp::Eq;
    match values.as_slice() {
        [] => constant(!is_eq),
        [Operand::Const(0)] if reach == 0 => constant(is_eq),
        _ => Folded::Cond(Cond::Cmp(Cmp { values, ..cmp })),
    }
}

fn constant(b: bool) -> Folded {
    if b { Folded::True } else { Folded::False }
}

#[cfg(test)]
mod tests;
