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
use std::collections::HashMap;

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
    let mut first: HashMap<&str, Span> = HashMap::new();
    for s in &policy.statements {
        let kw = s.kind.keyword();
        if !SINGLE.contains(&kw) {
            continue;
        }
        if let Some(&earlier) = first.get(kw) {
            diags.push(
                Diagnostic::error(s.keyword, format!("`{kw}` is given twice"))
                    .with_related(earlier, format!("first `{kw}` here"))
                    .with_help(hint_for_duplicate(kw)),
            );
        } else {
            first.insert(kw, s.keyword);
        }
    }
    diags.check()
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
    policy
        .statements
        .iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Acknowledge(names) => Some(names),
            _ => None,
        })
        .flatten()
        .map(|n| n.text.as_str())
        .collect()
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
    if !ack.contains(&"ptrace") {
        out.extend(ptrace_lint(&lookup("ptrace")));
    }
    if !ack.contains(&"clone3") {
        out.extend(clone3_lint(&lookup("clone"), &lookup("clone3")));
    }
    if !ack.contains(&families::LINT) {
        out.extend(families::sibling_errors(policy, table));
    }
    for (mux, members) in [
        ("socketcall", SOCKETCALL_MEMBERS.as_slice()),
        ("ipc", IPC_MEMBERS.as_slice()),
    ] {
        if !ack.contains(&mux) {
            out.extend(multiplexer_lint(
                table.arch,
                mux,
                members,
                &lookup(mux),
                &lookup,
            ));
        }
    }
    out
}

fn lets_through(d: &Decision) -> bool {
    d.actions().any(|a| a.lets_through())
}

/// Where a decision that lets a syscall through came from.
fn allowing_span(d: &Decision) -> Span {
    let origin = d
        .arms
        .iter()
        .find(|a| a.action.lets_through())
        .map_or(d.otherwise.origin, |a| a.origin);
    match origin {
        Origin::Statement { span, .. } | Origin::Successor { span, .. } => span,
        Origin::Default(s) | Origin::Unknown(s) => s.unwrap_or_else(Span::none),
    }
}

fn ptrace_lint(ptrace: &Option<Decision>) -> Option<Diagnostic> {
    let d = ptrace.as_ref().filter(|d| lets_through(d))?;
    Some(
        Diagnostic::error(allowing_span(d), "this policy allows `ptrace`")
            .with_help("a process that can trace another can change its syscalls after the filter has passed them (seccomp(2)), and read or write its memory")
            .with_help("refuse it with `drop ptrace;`, or write `acknowledge ptrace;` if the program must trace"),
    )
}

fn clone3_lint(clone: &Option<Decision>, clone3: &Option<Decision>) -> Option<Diagnostic> {
    let conditioned = clone.as_ref().filter(|d| !d.arms.is_empty())?;
    clone3.as_ref().filter(|d| lets_through(d))?;
    let span = conditioned.arms[0]
        .cond
        .comparisons()
        .first()
        .map_or_else(Span::none, |c| c.span);
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
    mux_decision.as_ref().filter(|d| lets_through(d))?;
    let (member, d) = members
        .iter()
        .find_map(|m| lookup(m).filter(|d| !d.arms.is_empty()).map(|d| (*m, d)))?;
    let span = d.arms[0]
        .cond
        .comparisons()
        .first()
        .map_or_else(Span::none, |c| c.span);
    Some(
        Diagnostic::error(span, format!("libc may call `{member}` through `{mux}`, which this policy allows, so this condition can be bypassed"))
            .with_help(format!("`{mux}` passes the real arguments in memory, which BPF cannot read"))
            .with_help(format!("refuse it with `drop {mux} => errno(ENOSYS);` (libc then uses the direct calls), or write `acknowledge {mux};`"))
            .for_arch(arch),
    )
}
