//! The two real policies as their own tools read them, turned into
//! [`Rules`] for the run-time builders:
//!
//! - Docker's default profile as moby filters it for an amd64 container
//!   with Docker's default capabilities (moby `profiles/seccomp/
//!   seccomp_linux.go`, `setupSeccomp`: a rule applies unless `excludes`
//!   names the host arch, a held capability or a `minKernel`; `includes`
//!   must all hold) and runc loads it (runc `libcontainer/seccomp/
//!   seccomp_linux.go`, `InitSeccomp`: rules whose action is the default
//!   are skipped; `matchCall` splits a rule comparing one argument twice
//!   into one rule per comparison; `errnoRet` else EPERM). The same logic
//!   as the differential test `differential_libseccomp.rs` (`corpus`).
//! - A seccompiler JSON filter (rust-vmm/seccompiler `src/frontend/
//!   json.rs`): `filter_action` for each rule, `default_action` otherwise,
//!   `dword` comparisons read the low 32 bits.

use crate::rules::{Cmp, Entry, Op, Rules, Width};
use seccomp_compiler::action::Action;
use serde_json::Value;
use std::collections::BTreeSet;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// runc's actions: errno data from `errnoRet`, else EPERM (1).
fn oci_action(name: &str, errno: Option<u64>) -> Result<Action, String> {
    let errno = u16::try_from(errno.unwrap_or(1)).map_err(|_| "errnoRet too large".to_owned())?;
    Ok(match name {
        "SCMP_ACT_ALLOW" => Action::Allow,
        "SCMP_ACT_ERRNO" => Action::Errno(errno),
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
        "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
        "SCMP_ACT_TRAP" => Action::Trap,
        "SCMP_ACT_LOG" => Action::Log,
        other => {
            return Err(format!(
                "action {other} is not used by the benchmark's profiles"
            ));
        }
    })
}

/// moby's `excludes`/`includes` test for `host` and `caps`, on a current
/// kernel (every `minKernel` met, so a rule excluded by one is left out).
fn applies(rule: &Value, host: &str, caps: &BTreeSet<&str>) -> bool {
    let (ex, inc) = (&rule["excludes"], &rule["includes"]);
    let excluded = strings(&ex["arches"]).iter().any(|a| a == host)
        || strings(&ex["caps"])
            .iter()
            .any(|c| caps.contains(c.as_str()))
        || !ex["minKernel"].is_null();
    let arches = strings(&inc["arches"]);
    let included = (arches.is_empty() || arches.iter().any(|a| a == host))
        && strings(&inc["caps"])
            .iter()
            .all(|c| caps.contains(c.as_str()));
    included && !excluded
}

fn oci_cmp(a: &Value) -> Result<Cmp, String> {
    let value = a["value"].as_u64().ok_or("an argument without `value`")?;
    let two = a["valueTwo"].as_u64().unwrap_or(0);
    let (op, value) = match a["op"].as_str().unwrap_or("") {
        "SCMP_CMP_NE" => (Op::Ne, value),
        "SCMP_CMP_LT" => (Op::Lt, value),
        "SCMP_CMP_LE" => (Op::Le, value),
        "SCMP_CMP_EQ" => (Op::Eq, value),
        "SCMP_CMP_GE" => (Op::Ge, value),
        "SCMP_CMP_GT" => (Op::Gt, value),
        "SCMP_CMP_MASKED_EQ" => (Op::MaskedEq(value), two),
        other => return Err(format!("unknown operator `{other}`")),
    };
    let arg = a["index"]
        .as_u64()
        .and_then(|i| u8::try_from(i).ok())
        .filter(|&i| i < 6);
    Ok(Cmp {
        arg: arg.ok_or("an argument index past 5")?,
        width: Width::Qword,
        op,
        value,
    })
}

/// runc's `matchCall`: comparing one argument more than once makes one
/// rule per comparison.
fn runc_split(conds: Vec<Cmp>) -> Vec<Vec<Cmp>> {
    let mut seen = BTreeSet::new();
    if conds.iter().any(|c| !seen.insert(c.arg)) {
        conds.into_iter().map(|c| vec![c]).collect()
    } else {
        vec![conds]
    }
}

/// Docker's profile for an amd64 container holding `caps`, as runc adds
/// it to libseccomp.
pub fn oci_as_runc(text: &str, caps: &[&str]) -> Result<Rules, String> {
    let profile: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let caps: BTreeSet<&str> = caps.iter().copied().collect();
    let default = oci_action(
        profile["defaultAction"]
            .as_str()
            .ok_or("no defaultAction")?,
        profile["defaultErrnoRet"].as_u64(),
    )?;
    let mut entries = Vec::new();
    for rule in profile["syscalls"].as_array().ok_or("no syscalls")? {
        if !applies(rule, "amd64", &caps) {
            continue;
        }
        let action = oci_action(
            rule["action"].as_str().unwrap_or(""),
            rule["errnoRet"].as_u64(),
        )?;
        if action == default {
            continue;
        }
        let conds = rule["args"]
            .as_array()
            .map(|a| a.iter().map(oci_cmp).collect::<Result<Vec<_>, _>>())
            .transpose()?
            .unwrap_or_default();
        for name in strings(&rule["names"]) {
            for conds in runc_split(conds.clone()) {
                entries.push(Entry {
                    name: name.clone(),
                    action,
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

fn seccompiler_cmp(a: &Value) -> Result<Cmp, String> {
    let width = match a["type"].as_str() {
        Some("dword") => Width::Dword,
        Some("qword") => Width::Qword,
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
    Ok(Cmp {
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
            [Cmp {
                arg: 2,
                width: Width::Dword,
                op: Op::MaskedEq(4),
                value: 0
            }]
        );
    }
}
