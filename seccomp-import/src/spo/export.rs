//! `seccompc export --format spo`: a policy as a security-profiles-operator
//! `SeccompProfile` (api/seccompprofile/v1, kubernetes-sigs/
//! security-profiles-operator a2e4c4b), the OCI export wrapped in the
//! object the operator installs from it.
//!
//! The spec has the OCI profile's fields except `defaultErrnoRet`; the
//! operator writes the spec as the OCI profile, and runc gives
//! `SCMP_ACT_ERRNO` without `defaultErrnoRet` EPERM, so a default of
//! errno EPERM is written without it and any other default errno is
//! refused. `value` and `valueTwo` are `int64` with a minimum of 0: a
//! comparison with a value above 2^63 - 1 is refused.

use super::super::json::{self, Node, Value};
use crate::{ExportError, ExportOptions, Exported, export_oci};
use seccomp_compiler::Compilation;

/// The API version the operator serves.
const API_VERSION: &str = "security-profiles-operator.x-k8s.io/v1";

/// Writes `c` as a SeccompProfile named `name` (a Kubernetes object name:
/// lowercase letters, digits, `-` and `.`).
pub fn export_spo(
    c: &Compilation,
    opts: &ExportOptions,
    name: &str,
) -> Result<Exported, ExportError> {
    check_name(name)?;
    let oci = export_oci(c, opts)?;
    let root = json::parse(&oci.json)
        .map_err(|e| ExportError::new(format!("internal: the OCI export is not JSON: {e}")))?;
    let members = root.as_object().unwrap_or(&[]);
    let mut spec = Vec::new();
    for (k, v) in members {
        if k == "defaultErrnoRet" {
            if v.value != Value::Uint(1) {
                return Err(ExportError::new(format!(
                    "the policy's deny action is errno {}, and a SeccompProfile has no defaultErrnoRet (runc then returns EPERM)",
                    json_text(v)
                ))
                .with_help("use `deny errno(EPERM);` or another action, or export --format oci"));
            }
            continue;
        }
        check_values(v)?;
        spec.push(format!("  {}: {}", k, json_text(v)));
    }
    let mut yaml = String::new();
    yaml.push_str("# Written by `seccompc export --format spo`.\n");
    yaml.push_str(&format!(
        "apiVersion: {API_VERSION}\nkind: SeccompProfile\nmetadata:\n  name: {name}\nspec:\n"
    ));
    for line in spec {
        yaml.push_str(&line);
        yaml.push('\n');
    }
    Ok(Exported {
        json: yaml,
        warnings: oci.warnings,
    })
}

/// metadata.name: a DNS subdomain (RFC 1123), at most 253 characters.
fn check_name(name: &str) -> Result<(), ExportError> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(ExportError::new(format!("`{name}` is not a Kubernetes object name"))
            .with_help("lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (--name)"))
    }
}

/// `args[].value` and `valueTwo` are int64 with a minimum of 0.
fn check_values(v: &Node) -> Result<(), ExportError> {
    match &v.value {
        Value::Array(items) => items.iter().try_for_each(check_values),
        Value::Object(members) => members.iter().try_for_each(|(k, n)| match (&n.value, k.as_str()) {
            (Value::Uint(u), "value" | "valueTwo") if *u > i64::MAX as u64 => Err(ExportError::new(format!(
                "a comparison with {u:#x}: a SeccompProfile's `{k}` is an int64 (at most 2^63 - 1)"
            ))
            .with_help("export --format oci keeps it")),
            _ => check_values(n),
        }),
        _ => Ok(()),
    }
}

/// A node as compact JSON, which is YAML too.
fn json_text(n: &Node) -> String {
    match &n.value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => json::quote(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(json_text).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", json::quote(k), json_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
