//! OCI seccomp profiles (Docker's, Podman's) as moby filters them and runc
//! hands them to libseccomp, in the rule model of [`super::rules`]: what
//! the OCI differential test and the benchmark suite both build their
//! libseccomp filters from.
//!
//! - moby `profiles/seccomp/seccomp_linux.go`, `setupSeccomp`: a rule
//!   applies unless `excludes` names the host arch, a held capability or a
//!   `minKernel`; every `includes` must hold.
//! - runc `libcontainer/seccomp/seccomp_linux.go`: `getAction` (errno and
//!   trace data from `errnoRet`, else EPERM), `InitSeccomp` (rules whose
//!   action is the default are skipped), `matchCall` (a rule comparing one
//!   argument more than once becomes one rule per comparison).

use std::collections::BTreeSet;

use seccomp_compiler::Action;
use serde_json::Value;

use super::rules::{ArgCmp, Op, Width};

/// One rule of a profile as moby hands it to runc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OciRule {
    pub names: Vec<String>,
    pub action: Action,
    pub args: Vec<ArgCmp>,
}

/// The strings of a JSON array (none when `v` is not one).
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// runc's `getAction`: errno and trace data from `errnoRet`, else EPERM (1).
pub fn action(name: &str, errno_ret: Option<u64>) -> Result<Action, String> {
    let errno_ret = errno_ret.unwrap_or(1);
    let data = u16::try_from(errno_ret)
        .map_err(|_| format!("`errnoRet` {errno_ret} of {name} is past 65535"))?;
    Ok(match name {
        "SCMP_ACT_ALLOW" => Action::Allow,
        "SCMP_ACT_ERRNO" => Action::Errno(data),
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
        "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
        "SCMP_ACT_TRAP" => Action::Trap,
        "SCMP_ACT_TRACE" => Action::Trace(data),
        "SCMP_ACT_LOG" => Action::Log,
        "SCMP_ACT_NOTIFY" => Action::UserNotif,
        other => return Err(format!("unknown action `{other}`")),
    })
}

/// The profile's `defaultAction` with its `defaultErrnoRet`.
pub fn default_action(profile: &Value) -> Result<Action, String> {
    let name = profile["defaultAction"]
        .as_str()
        .ok_or("the profile has no `defaultAction`")?;
    action(name, profile["defaultErrnoRet"].as_u64())
}

/// moby's `excludes`/`includes` test for a container holding `caps` on
/// `host` (a GOARCH), on a current kernel (every `minKernel` met, so a
/// rule excluded by one is left out).
pub fn applies(rule: &Value, host: &str, caps: &BTreeSet<String>) -> bool {
    let (ex, inc) = (&rule["excludes"], &rule["includes"]);
    let excluded = strings(&ex["arches"]).iter().any(|a| a == host)
        || strings(&ex["caps"]).iter().any(|c| caps.contains(c))
        || !ex["minKernel"].is_null();
    let inc_arches = strings(&inc["arches"]);
    let included = (inc_arches.is_empty() || inc_arches.iter().any(|a| a == host))
        && strings(&inc["caps"]).iter().all(|c| caps.contains(c));
    included && !excluded
}

/// One entry of a rule's `args`, with libseccomp's 64-bit reading
/// (`SCMP_CMP_MASKED_EQ` takes the mask in `value`, the datum in
/// `valueTwo`).
pub fn arg_cmp(a: &Value) -> Result<ArgCmp, String> {
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
    let index = a["index"].as_u64().ok_or("an argument without `index`")?;
    let arg = u8::try_from(index)
        .ok()
        .filter(|&i| i < 6)
        .ok_or_else(|| format!("argument index {index} is not 0 to 5"))?;
    Ok(ArgCmp {
        arg,
        width: Width::Full,
        op,
        value,
    })
}

/// The rules of `profile` that apply to a container holding `caps` on
/// `host` (none when the profile has no `syscalls`: a SeccompProfile may
/// have only a `defaultAction`).
pub fn oci_rules(
    profile: &Value,
    host: &str,
    caps: &BTreeSet<String>,
) -> Result<Vec<OciRule>, String> {
    let rules = profile["syscalls"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    rules
        .iter()
        .filter(|r| applies(r, host, caps))
        .map(oci_rule)
        .collect()
}

fn oci_rule(r: &Value) -> Result<OciRule, String> {
    let action = action(
        r["action"].as_str().ok_or("a rule without `action`")?,
        r["errnoRet"].as_u64(),
    )?;
    let args = r["args"].as_array().map_or(&[][..], Vec::as_slice);
    Ok(OciRule {
        names: strings(&r["names"]),
        action,
        args: args.iter().map(arg_cmp).collect::<Result<_, _>>()?,
    })
}

/// runc's `matchCall`: comparing one argument more than once makes one
/// rule per comparison.
pub fn runc_split(args: &[ArgCmp]) -> Vec<Vec<ArgCmp>> {
    let mut seen = BTreeSet::new();
    if args.iter().any(|a| !seen.insert(a.arg)) {
        args.iter().map(|a| vec![*a]).collect()
    } else {
        vec![args.to_vec()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn moby_filters_by_capability_and_arch() {
        let profile: Value = serde_json::from_str(
            r#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [
                {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
                {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW",
                 "includes": {"caps": ["CAP_SYS_PTRACE"]}},
                {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW",
                 "includes": {"arches": ["amd64"]}},
                {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                 "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                {"names": ["bpf"], "action": "SCMP_ACT_ALLOW",
                 "excludes": {"minKernel": "5.8"}}
            ]}"#,
        )
        .unwrap();
        assert_eq!(default_action(&profile), Ok(Action::Errno(38)));
        let names = |host, held: &[&str]| -> Vec<String> {
            let rules = oci_rules(&profile, host, &caps(held)).unwrap();
            rules.into_iter().flat_map(|r| r.names).collect()
        };
        assert_eq!(names("amd64", &[]), ["read", "arch_prctl", "clone"]);
        assert_eq!(
            names("arm64", &["CAP_SYS_PTRACE"]),
            ["read", "ptrace", "clone"]
        );
        assert_eq!(names("arm64", &["CAP_SYS_ADMIN"]), ["read"]);
    }

    #[test]
    fn masked_eq_takes_the_mask_from_value() {
        let a: Value = serde_json::from_str(
            r#"{"index": 2, "value": 4, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}"#,
        )
        .unwrap();
        let c = arg_cmp(&a).unwrap();
        assert_eq!((c.arg, c.op, c.value), (2, Op::MaskedEq(4), 0));
    }

    #[test]
    fn bad_entries_are_named() {
        let bad = |text: &str| arg_cmp(&serde_json::from_str(text).unwrap()).unwrap_err();
        assert_eq!(
            bad(r#"{"index": 6, "value": 0, "op": "SCMP_CMP_EQ"}"#),
            "argument index 6 is not 0 to 5"
        );
        assert_eq!(
            bad(r#"{"index": 0, "value": 0, "op": "SCMP_CMP_SOMETIMES"}"#),
            "unknown operator `SCMP_CMP_SOMETIMES`"
        );
        assert_eq!(
            action("SCMP_ACT_ERRNO", Some(70000)),
            Err("`errnoRet` 70000 of SCMP_ACT_ERRNO is past 65535".to_owned())
        );
    }

    #[test]
    fn runc_splits_a_rule_comparing_one_argument_twice() {
        let eq = |arg, value| ArgCmp {
            arg,
            width: Width::Full,
            op: Op::Eq,
            value,
        };
        assert_eq!(
            runc_split(&[eq(0, 0), eq(1, 8)]),
            [vec![eq(0, 0), eq(1, 8)]]
        );
        assert_eq!(
            runc_split(&[eq(0, 0), eq(0, 8)]),
            [vec![eq(0, 0)], vec![eq(0, 8)]]
        );
    }
}
