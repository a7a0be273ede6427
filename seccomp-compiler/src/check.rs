//! Checks that are not about names: the policy's structure (settings given
//! twice, an empty policy) and the lints, risks a policy must acknowledge:
//!
//! - `ptrace`: a process allowed to trace another can rewrite that
//!   process's syscalls after the filter has passed them (seccomp(2)).
//! - `clone3`: conditions on `clone` mean nothing while `clone3` is
//!   allowed, since `clone3` passes its flags in memory BPF cannot read.
//! - `socketcall` / `ipc`: on architectures with these multiplexers, libc
//!   may reach `socket`, `connect`, `semop`, ... through them, so
//!   conditions on the direct calls can be bypassed.
//! - `siblings`: conditions on one member of a syscall family while others
//!   do the same unconditioned (`families.rs`).

use crate::arch::Arch;
use crate::ast::{self, StatementKind};
use crate::decide::{Decision, DecisionTable, Origin};
use crate::diag::{Diagnostic, Diagnostics};
use crate::span::Span;
use crate::tables::syscalls;

pub mod families;

/// Statements that may appear once.
const SINGLE: [&str; 6] = ["deny", "default", "unknown", "base", "arch", "successors"];

/// Structure: an empty policy, a setting given twice.
pub fn structure(policy: &ast::Policy, whole: Span) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Diagnostics::new();
    if policy.statements.is_empty() {
        diags.push(
            Diagnostic::error(
                whole,
                "empty policy: it would refuse every syscall, `exit_group` included",
            )
            .with_help(
                "start from a group and add what the program needs, e.g. `base @system-service;`",
            ),
        );
    }
    // The first statement of each kind in SINGLE, by position there: a
    // few slots, and no hash map compiled into every build that uses the
    // macro.
    let mut first: [Option<Span>; SINGLE.len()] = [None; SINGLE.len()];
    for s in &policy.statements {
        let kw = s.kind.keyword();
        let Some(slot) = single_index(kw) else {
            continue;
        };
        if let Some(earlier) = first[slot] {
            diags.push(
                Diagnostic::error(s.keyword, format!("`{kw}` is given twice"))
                    .with_related(earlier, format!("first `{kw}` here"))
                    .with_help(hint_for_duplicate(kw)),
            );
        } else {
            first[slot] = Some(s.keyword);
        }
    }
    diags.check()
}

/// Where `kw` is in [`SINGLE`].
fn single_index(kw: &str) -> Option<usize> {
    for (i, single) in SINGLE.iter().enumerate() {
        if *single == kw {
            return Some(i);
        }
    }
    None
}

fn hint_for_duplicate(kw: &str) -> &'static str {
    match kw {
        "base" => "a policy has one starting set; add to it with `keep`",
        "arch" => "list every architecture in one `arch` statement",
        _ => "a policy has one of each setting; keep the one you mean",
    }
}

/// The lints a policy acknowledged.
pub(crate) fn acknowledged(policy: &ast::Policy) -> Vec<&str> {
    let mut out = Vec::new();
    for s in &policy.statements {
        if let StatementKind::Acknowledge(names) = &s.kind {
            for n in names {
                out.push(n.text.as_str());
            }
        }
    }
    out
}

/// Lints on one architecture's decisions.
pub fn lints(policy: &ast::Policy, table: &DecisionTable) -> Vec<Diagnostic> {
    let ack = acknowledged(policy);
    let mut out = Vec::new();
    let lookup = |name: &str| {
        syscalls::table(table.arch)
            .number(name)
            .map(|nr| table.decision(nr))
    };
    if !ack.contains(&"ptrace")
        && let Some(d) = ptrace_lint(&lookup("ptrace"))
    {
        out.push(d);
    }
    if !ack.contains(&"clone3")
        && let Some(d) = clone3_lint(&lookup("clone"), &lookup("clone3"))
    {
        out.push(d);
    }
    if !ack.contains(&families::LINT) {
        out.extend(families::sibling_errors(policy, table));
    }
    for (mux, members) in [
        ("socketcall", SOCKETCALL_MEMBERS.as_slice()),
        ("ipc", IPC_MEMBERS.as_slice()),
    ] {
        if !ack.contains(&mux)
            && let Some(d) = multiplexer_lint(table.arch, mux, members, &lookup(mux), &lookup)
        {
            out.push(d);
        }
    }
    out
}

fn lets_through(d: &Decision) -> bool {
    allowing_origin(d).is_some()
}

/// What in the policy lets the syscall through: the first arm that does,
/// or the decision's otherwise.
fn allowing_origin(d: &Decision) -> Option<Origin> {
    for a in &d.arms {
        if a.action.lets_through() {
            return Some(a.origin);
        }
    }
    if d.otherwise.action.lets_through() {
        return Some(d.otherwise.origin);
    }
    None
}

/// Where a decision that lets a syscall through came from.
fn allowing_span(d: &Decision) -> Span {
    let origin = allowing_origin(d).unwrap_or(d.otherwise.origin);
    match origin {
        Origin::Statement { span, .. } | Origin::Successor { span, .. } => span,
        Origin::Default(s) | Origin::Unknown(s) => s.unwrap_or_else(Span::none),
    }
}

fn ptrace_lint(ptrace: &Option<Decision>) -> Option<Diagnostic> {
    let d = ptrace.as_ref()?;
    if !lets_through(d) {
        return None;
    }
    Some(
        Diagnostic::error(allowing_span(d), "this policy allows `ptrace`")
            .with_help("a process that can trace another can change its syscalls after the filter has passed them (seccomp(2)), and read or write its memory")
            .with_help("refuse it with `drop ptrace;`, or write `acknowledge ptrace;` if the program must trace"),
    )
}

fn clone3_lint(clone: &Option<Decision>, clone3: &Option<Decision>) -> Option<Diagnostic> {
    let conditioned = clone.as_ref()?;
    if conditioned.arms.is_empty() || !clone3.as_ref().is_some_and(lets_through) {
        return None;
    }
    let span = first_comparison_span(conditioned);
    Some(
        Diagnostic::error(span, "conditions on `clone` can be bypassed with `clone3`, which this policy allows")
            .with_help("`clone3` passes its flags in memory, which BPF cannot read")
            .with_help("refuse it so libc falls back to `clone`: `drop clone3 => errno(ENOSYS);`, or write `acknowledge clone3;`"),
    )
}

/// Syscalls `socketcall(2)` multiplexes (include/uapi/linux/net.h SYS_*).
const SOCKETCALL_MEMBERS: [&str; 20] = [
    "socket",
    "bind",
    "connect",
    "listen",
    "accept",
    "getsockname",
    "getpeername",
    "socketpair",
    "send",
    "recv",
    "sendto",
    "recvfrom",
    "shutdown",
    "setsockopt",
    "getsockopt",
    "sendmsg",
    "recvmsg",
    "accept4",
    "recvmmsg",
    "sendmmsg",
];

/// Syscalls `ipc(2)` multiplexes (include/uapi/linux/ipc.h SEMOP, ...).
const IPC_MEMBERS: [&str; 12] = [
    "semop",
    "semget",
    "semctl",
    "semtimedop",
    "msgsnd",
    "msgrcv",
    "msgget",
    "msgctl",
    "shmat",
    "shmdt",
    "shmget",
    "shmctl",
];

fn multiplexer_lint(
    arch: Arch,
    mux: &str,
    members: &[&str],
    mux_decision: &Option<Decision>,
    lookup: &dyn Fn(&str) -> Option<Decision>,
) -> Option<Diagnostic> {
    if !mux_decision.as_ref().is_some_and(lets_through) {
        return None;
    }
    let (member, d) = first_conditioned(members, lookup)?;
    let span = first_comparison_span(&d);
    Some(
        Diagnostic::error(span, format!("libc may call `{member}` through `{mux}`, which this policy allows, so this condition can be bypassed"))
            .with_help(format!("`{mux}` passes the real arguments in memory, which BPF cannot read"))
            .with_help(format!("refuse it with `drop {mux} => errno(ENOSYS);` (libc then uses the direct calls), or write `acknowledge {mux};`"))
            .for_arch(arch),
    )
}

/// The first of `members` whose decision has conditions, with it.
fn first_conditioned<'m>(
    members: &[&'m str],
    lookup: &dyn Fn(&str) -> Option<Decision>,
) -> Option<(&'m str, Decision)> {
    for &m in members {
        if let Some(d) = lookup(m)
            && !d.arms.is_empty()
        {
            return Some((m, d));
        }
    }
    None
}

/// The first comparison of a decision's first arm (which it has).
fn first_comparison_span(d: &Decision) -> Span {
    match d.arms[0].cond.comparisons().first() {
        Some(c) => c.span,
        None => Span::none(),
    }
}
