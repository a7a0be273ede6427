//! Successors get `ENOSYS`: libc calls a newer syscall first and falls
//! back to the older one only when the newer fails with `ENOSYS`
//! (`tables::successors`). A policy written before the libc upgrade allows
//! the old call and does not know the new one, which would get the deny
//! or default action and kill the program. So, per architecture, when the
//! policy lets `old` through in any form and names `new` in no statement
//! (not as a syscall, not through a group, not as an exemption), `new`
//! gets `errno(ENOSYS)`, as on a kernel without it. A policy that names
//! `new` keeps its own rule; `successors off;` turns this off.
//!
//! The rules are added to the resolved policy, after the statements, so
//! the decision table, the reference evaluator and every test that reads
//! the resolved rules (the libseccomp differential) see them.

use crate::action::{Action, ENOSYS};
use crate::ast::{self, ItemKind, StatementKind};
use crate::decide::{Decision, DecisionTable, Origin};
use crate::ir::{Entries, Entry, ResolvedPolicy, Rule, RuleKind, RuleSource};
use crate::resolve::group_numbers;
use crate::span::Span;
use crate::tables::successors::{SUCCESSORS, Successor};
use crate::tables::syscalls;

/// The rules `errno(ENOSYS)` for the successors `rp` leaves to the
/// default, given the decisions `table` made from its statements.
pub fn fallback_rules(
    policy: &ast::Policy,
    rp: &ResolvedPolicy,
    table: &DecisionTable,
) -> Vec<Rule> {
    // Where the default lets calls through or is `ENOSYS` already, the
    // successors get what they need without a rule.
    let default = table.default.action;
    if !enabled(policy) || default.lets_through() || default == Action::Errno(ENOSYS) {
        return Vec::new();
    }
    let named = named_numbers(policy, rp.arch);
    let syscalls = syscalls::table(rp.arch);
    let mut added: Vec<u32> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    for s in SUCCESSORS {
        let Some(new) = syscalls.number(s.new) else {
            continue;
        };
        if named.contains(&new) || added.contains(&new) {
            continue;
        }
        if let Some(allowed_by) = old_allowed(s, table) {
            added.push(new);
            rules.push(rule(new, s, allowed_by));
        }
    }
    rules
}

/// Whether the policy leaves the successor rules on (the last
/// `successors` statement decides; `check.rs` reports a second one).
fn enabled(policy: &ast::Policy) -> bool {
    for s in policy.statements.iter().rev() {
        if let StatementKind::Successors(on) = s.kind {
            return on;
        }
    }
    true
}

/// Every number some statement mentions on `arch`: its syscalls, its
/// groups' members and its exemptions (`!name`, `!@group`), since an
/// exemption is a decision about that syscall too. A vector, repeats
/// included: it is asked about a few successors only, and building a set
/// cost more than all of that in the unoptimised builds proc macros get.
fn named_numbers(policy: &ast::Policy, arch: crate::Arch) -> Vec<u32> {
    let table = syscalls::table(arch);
    let mut out = Vec::new();
    for s in &policy.statements {
        for item in s.kind.items() {
            match &item.kind {
                ItemKind::Syscall { name, .. } | ItemKind::ExceptSyscall(name) => {
                    if let Some(nr) = table.number(&name.text) {
                        out.push(nr);
                    }
                }
                ItemKind::Group(g) | ItemKind::ExceptGroup(g) => {
                    out.extend_from_slice(group_numbers(arch, &g.text))
                }
            }
        }
    }
    out
}

/// The statement (index, keyword) that lets `s.old` through, if one does.
fn old_allowed(s: &Successor, table: &DecisionTable) -> Option<(usize, Span)> {
    let nr = syscalls::table(table.arch).number(s.old)?;
    // Not named: the default, which does not let anything through here.
    let decision: &Decision = table.named.get(nr)?;
    for arm in &decision.arms {
        if let Some(statement) = allowing_statement(arm.action, arm.origin) {
            return Some(statement);
        }
    }
    allowing_statement(decision.otherwise.action, decision.otherwise.origin)
}

/// The statement (index, keyword) behind `origin` if `action` lets the
/// call through.
fn allowing_statement(action: Action, origin: Origin) -> Option<(usize, Span)> {
    match origin {
        Origin::Statement { index, span } if action.lets_through() => Some((index, span)),
        _ => None,
    }
}

fn rule(new: u32, s: &'static Successor, (statement, span): (usize, Span)) -> Rule {
    Rule {
        kind: RuleKind::Drop(Action::Errno(ENOSYS)),
        statement,
        span,
        source: RuleSource::Successor(s),
        entries: Entries::from_sorted(vec![(new, Entry { cond: None, span })]),
    }
}

#[cfg(all(test, feature = "emu"))]
mod tests {
    use crate::action::{Action, ENOSYS};
    use crate::arch::Arch;
    use crate::bpf::SeccompData;
    use crate::compile_str;
    use crate::emu;
    use crate::tables::syscalls;

    /// What the compiled program (run in the emulator) returns for `name`
    /// on `arch`, with all arguments zero.
    fn verdict(policy: &str, arch: Arch, name: &str) -> Action {
        let c = compile_str(policy).unwrap_or_else(|e| panic!("{e:?}"));
        let out = c.get(arch).expect("compiles");
        let nr = syscalls::table(arch).number(name).expect("exists");
        let data = SeccompData {
            nr,
            arch: arch.audit_arch(),
            instruction_pointer: 0,
            args: [0; 6],
        };
        let prog = out.program.filters().expect("no symbolic values");
        let ret = emu::run(&prog, &data, arch.is_big_endian())
            .expect("runs")
            .ret;
        Action::from_ret(ret)
    }

    const ENOSYS_ACTION: Action = Action::Errno(ENOSYS);

    #[test]
    fn time64_successors_on_the_32_bit_architectures() {
        let p = "keep clock_gettime, clock_nanosleep, futex(op == 0), exit_group;";
        for arch in [Arch::X86, Arch::Arm] {
            assert_eq!(verdict(p, arch, "clock_gettime64"), ENOSYS_ACTION, "{arch}");
            assert_eq!(
                verdict(p, arch, "clock_nanosleep_time64"),
                ENOSYS_ACTION,
                "{arch}"
            );
            // A conditional allow of the old call counts.
            assert_eq!(verdict(p, arch, "futex_time64"), ENOSYS_ACTION, "{arch}");
            // Calls whose old one is not allowed keep the default.
            assert_eq!(
                verdict(p, arch, "timer_gettime64"),
                Action::KillProcess,
                "{arch}"
            );
        }
        for arch in [Arch::X86_64, Arch::Aarch64] {
            assert!(syscalls::table(arch).number("clock_gettime64").is_none());
        }
    }

    #[test]
    fn a_successor_the_policy_names_keeps_its_rule() {
        let on = |p: &str| verdict(p, Arch::X86_64, "clone3");
        assert_eq!(on("keep clone, exit_group;"), ENOSYS_ACTION);
        assert_eq!(
            on("keep clone, exit_group; drop clone3;"),
            Action::KillProcess
        );
        assert_eq!(
            on("keep clone, exit_group; drop clone3 => errno(EPERM);"),
            Action::Errno(1)
        );
        // Through a group (@process has clone3), and through an exemption.
        assert_eq!(
            on("keep clone, exit_group; drop @process;"),
            Action::KillProcess
        );
        assert_eq!(
            on("base @process, !clone3; acknowledge clone3;"),
            Action::KillProcess
        );
        assert_eq!(
            on("keep clone, exit_group; successors off;"),
            Action::KillProcess
        );
        assert_eq!(on("deny errno(EPERM); keep clone;"), ENOSYS_ACTION);
    }

    #[test]
    fn only_an_old_call_that_is_still_allowed_counts() {
        let on = |p: &str| verdict(p, Arch::X86_64, "faccessat2");
        assert_eq!(on("keep faccessat(mode == 4);"), ENOSYS_ACTION);
        assert_eq!(on("keep faccessat; drop faccessat;"), Action::KillProcess);
        assert_eq!(
            on("keep faccessat; drop faccessat(mode == 4);"),
            ENOSYS_ACTION
        );
        assert_eq!(on("keep read;"), Action::KillProcess);
    }

    #[test]
    fn a_default_that_lets_calls_through_needs_no_rule() {
        let p = "default allow; drop ptrace; drop mount;";
        assert_eq!(verdict(p, Arch::X86_64, "clone3"), Action::Allow);
        let p = "default log; drop ptrace; keep clone;";
        assert_eq!(verdict(p, Arch::X86_64, "clone3"), Action::Log);
    }

    #[test]
    fn rseq_gets_enosys_where_programs_start_under_the_filter() {
        assert_eq!(
            verdict("keep execve, exit_group;", Arch::X86_64, "rseq"),
            ENOSYS_ACTION
        );
        // Not for clone: see tables/successors.rs.
        assert_eq!(
            verdict("keep clone, exit_group;", Arch::X86_64, "rseq"),
            Action::KillProcess
        );
    }
}
