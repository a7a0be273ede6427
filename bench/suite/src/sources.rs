//! The two real policies as their own tools read them, turned into
//! [`Rules`] for the run-time builders:
//!
//! - Docker's default profile as moby filters it for an amd64 container
//!   with Docker's default capabilities and runc loads it: the
//!   differential tests' reading ([`::tests::libseccomp::oci`], which cites
//!   moby's `setupSeccomp` and runc's `InitSeccomp` and `matchCall`).
//! - A seccompiler JSON filter (rust-vmm/seccompiler `src/frontend/
//!   json.rs`): `filter_action` for each rule, `default_action` otherwise,
//!   `dword` comparisons read the low 32 bits.

use crate::rules::{ArgCmp, Entry, Op, Rules, Width};
use ::tests::libseccomp::oci;
use seccomp_compiler::action::Action;
use serde_json::Value;
use std::collections::BTreeSet;

/// Docker's profile for an amd64 container holding `caps`, as runc adds
/// it to libseccomp: rules with the default action skipped, a rule
/// comparing one argument twice split.
pub fn oci_as_runc(text: &str, caps: &[&str]) -> Result<Rules, String> {
    let profile: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let caps: BTreeSet<String> = caps.iter().map(|c| (*c).to_owned()).collect();
    let default = oci::default_action(&profile)?;
    let mut entries = Vec::new();
    for rule in oci::oci_rules(&profile, "amd64", &caps)? {
        if rule.action == default {
            continue;
        }
        for name in &rule.names {
            for conds in oci::runc_split(&rule.args) {
                entries.push(Entry {
                    name: name.clone(),
                    action: rule.action,
                    conds,
                });
            }
        }
    }
    Ok(Rules { default, entries })
}

fn seccompiler_action(v: &Value) -> Result<Action, String> {
    if let Some(e) = v.get("errno").and_then(Value::as_u64) {
        return Ok(Action::Errno(
            u16::try_from(e).map_err(|_| "errno too large")?,
        ));
    }
    Ok(match v.as_str().unwrap_or("") {
        "allow" => Action::Allow,
        "trap" => Action::Trap,
        "kill_thread" => Action::KillThread,
        "kill_process" => Action::KillProcess,
        "log" => Action::Log,
        other => return Err(format!("seccompiler action `{other}` is not used here")),
    })
}

fn seccompiler_cmp(a: &Value) -> Result<ArgCmp, String> {
    let width = match a["type"].as_str() {
        Some("dword") => Width::Low32,
        Some("qword") => Width::Full,
        other => return Err(format!("argument type {other:?}")),
    };
    let value = a["val"].as_u64().ok_or("an argument without `val`")?;
    let op = match &a["op"] {
        Value::String(s) => match s.as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            other => return Err(format!("operator `{other}`")),
        },
        other => Op::MaskedEq(other["masked_eq"].as_u64().ok_or("an unknown operator")?),
    };
    let arg = a["index"]
        .as_u64()
        .and_then(|i| u8::try_from(i).ok())
        .filter(|&i| i < 6);
    Ok(ArgCmp {
        arg: arg.ok_or("an argument index past 5")?,
        width,
        op,
        value,
    })
}

/// The filter `name` of a seccompiler JSON file.
pub fn seccompiler_filter(text: &str, name: &str) -> Result<Rules, String> {
    let file: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let filter = file
        .get(name)
        .ok_or_else(|| format!("no filter `{name}`"))?;
    let default = seccompiler_action(&filter["default_action"])?;
    let action = seccompiler_action(&filter["filter_action"])?;
    let mut entries = Vec::new();
    for rule in filter["filter"].as_array().ok_or("no `filter` list")? {
        let conds = rule["args"]
            .as_array()
            .map(|a| a.iter().map(seccompiler_cmp).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        entries.push(Entry {
            name: rule["syscall"]
                .as_str()
                .ok_or("a rule without `syscall`")?
                .to_owned(),
            action,
            conds,
        });
    }
    Ok(Rules { default, entries })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runc_splits_a_rule_comparing_one_argument_twice() {
        let profile = r#"{
            "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
            "syscalls": [
                {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"},
                          {"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
                {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW",
                 "includes": {"caps": ["CAP_SYS_PTRACE"]}},
                {"names": ["acct"], "action": "SCMP_ACT_ERRNO"}
            ]}"#;
        let rules = oci_as_runc(profile, &["CAP_CHOWN"]).unwrap();
        assert_eq!(rules.default, Action::Errno(1));
        let names: Vec<&str> = rules.entries.iter().map(|e| e.name.as_str()).collect();
        // ptrace needs a capability not held; acct has the default action.
        assert_eq!(names, ["read", "personality", "personality"]);
        assert_eq!(rules.entries[2].conds[0].value, 8);
    }

    #[test]
    fn seccompiler_dword_and_masked_eq() {
        let json = r#"{"vmm": {"default_action": "trap", "filter_action": "allow",
            "filter": [{"syscall": "mmap", "args": [
                {"index": 2, "type": "dword", "op": {"masked_eq": 4}, "val": 0}]}]}}"#;
        let rules = seccompiler_filter(json, "vmm").unwrap();
        assert_eq!(rules.default, Action::Trap);
        assert_eq!(
            rules.entries[0].conds,
            [ArgCmp {
                arg: 2,
                width: Width::Low32,
                op: Op::MaskedEq(4),
                value: 0
            }]
        );
    }
}
