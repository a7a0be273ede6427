//! seccompiler 0.5 (rust-vmm, the crate Firecracker uses): a filter from
//! its JSON when the policy comes as one (`compile_from_json`, as
//! Firecracker's build does), otherwise from the rules with its Rust API
//! (`SeccompFilter::new`, as a program building its filter at start-up).

use crate::policies::Policy;
use crate::rules::{ArgCmp, Op, Rules, Width};
use seccomp_compiler::action::Action;
use seccomp_compiler::bpf::SockFilter;
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};
use std::collections::BTreeMap;

/// The program seccompiler builds for `policy`.
pub fn program(policy: &Policy) -> Result<Vec<SockFilter>, String> {
    let prog = match &policy.seccompiler_json {
        Some((text, name)) => {
            let mut map = seccompiler::compile_from_json(text.as_bytes(), TargetArch::x86_64)
                .map_err(|e| e.to_string())?;
            map.remove(*name)
                .ok_or_else(|| format!("no filter `{name}`"))?
        }
        None => build(&policy.rules)?,
    };
    Ok(prog
        .iter()
        .map(|f| SockFilter {
            code: f.code,
            jt: f.jt,
            jf: f.jf,
            k: f.k,
        })
        .collect())
}

fn action(a: Action) -> Result<SeccompAction, String> {
    Ok(match a {
        Action::Allow => SeccompAction::Allow,
        Action::Errno(e) => SeccompAction::Errno(u32::from(e)),
        Action::KillThread => SeccompAction::KillThread,
        Action::KillProcess => SeccompAction::KillProcess,
        Action::Log => SeccompAction::Log,
        Action::Trap => SeccompAction::Trap,
        other => return Err(format!("seccompiler has no {other:?}")),
    })
}

fn condition(c: &ArgCmp) -> Result<SeccompCondition, String> {
    let len = match c.width {
        Width::Low32 => SeccompCmpArgLen::Dword,
        Width::Full => SeccompCmpArgLen::Qword,
        Width::Declared => return Err("seccompiler has no declared widths".to_owned()),
    };
    let op = match c.op {
        Op::Eq => SeccompCmpOp::Eq,
        Op::Ne => SeccompCmpOp::Ne,
        Op::Lt => SeccompCmpOp::Lt,
        Op::Le => SeccompCmpOp::Le,
        Op::Gt => SeccompCmpOp::Gt,
        Op::Ge => SeccompCmpOp::Ge,
        Op::MaskedEq(m) => SeccompCmpOp::MaskedEq(m),
    };
    SeccompCondition::new(c.arg, len, op, c.value).map_err(|e| e.to_string())
}

/// The rule map seccompiler takes: per number, the alternatives (none for
/// a syscall with an unconditional rule, which matches whatever the
/// others say). One match action: seccompiler has no other.
pub fn filter(rules: &Rules) -> Result<SeccompFilter, String> {
    let (by_nr, unknown) = rules.by_number();
    if let Some(name) = unknown.first() {
        return Err(format!("`{name}` has no x86_64 number"));
    }
    let matched = rules.entries.first().map_or(Action::Allow, |e| e.action);
    let mut map: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for (nr, entries) in by_nr {
        if entries.iter().any(|e| e.action != matched) {
            return Err("seccompiler has a single match action".to_owned());
        }
        let alternatives = if entries.iter().any(|e| e.conds.is_empty()) {
            Vec::new()
        } else {
            entries
                .iter()
                .map(|e| {
                    let conds = e.conds.iter().map(condition).collect::<Result<_, _>>()?;
                    SeccompRule::new(conds).map_err(|e| e.to_string())
                })
                .collect::<Result<_, String>>()?
        };
        map.insert(i64::from(nr), alternatives);
    }
    SeccompFilter::new(
        map,
        action(rules.default)?,
        action(matched)?,
        TargetArch::x86_64,
    )
    .map_err(|e| e.to_string())
}

/// [`filter`] lowered to BPF.
pub fn build(rules: &Rules) -> Result<BpfProgram, String> {
    BpfProgram::try_from(filter(rules)?).map_err(|e| e.to_string())
}
