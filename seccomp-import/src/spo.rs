//! Kubernetes security-profiles-operator `SeccompProfile` objects (YAML).
//!
//! From kubernetes-sigs/security-profiles-operator a2e4c4b:
//! - `api/seccompprofile/v1/seccompprofile_types.go` (and `v1beta1`): the
//!   spec is OCI-seccomp-shaped (`defaultAction`, `architectures`,
//!   `listenerPath`, `listenerMetadata`, `syscalls` with `names`, `action`,
//!   `errnoRet`, `args`, and `flags`), plus `baseProfileName` and `state`
//!   (`profilebase/v1` `SpecBase`: a `Disabled` profile is not installed);
//! - `internal/pkg/daemon/seccompprofile/seccompprofile.go`: the daemon
//!   writes `json.Marshal(spec)` for the kubelet, where runc loads it as an
//!   OCI profile, after `resolveSyscallsForProfile` has unioned the
//!   syscalls of the base profile (by name in the same namespace, its own
//!   base in turn, at most 15 levels; `oci://` bases are pulled from a
//!   registry) with `util.UnionSyscalls`, i.e. security-profiles-merger
//!   v0.3.2 `seccomp.UnionSyscalls` ([`union`]).
//!
//! A file may hold several documents (`---`); `--filter NAME` picks one by
//! `metadata.name`, and a base profile is looked for among the others.

use super::json::{Node, Value};
use super::{ImportError, ImportOptions, Imported};
use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

mod export;
mod union;

pub use export::export_spo;

/// SPO's limit on base profile levels (`resolveSyscallsForProfile`).
const MAX_LEVEL: usize = 15;

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let docs = documents(source_name, text)?;
    let profiles: Vec<&Node> = docs
        .iter()
        .filter(|d| d.get("kind").and_then(Node::as_str) == Some("SeccompProfile"))
        .collect();
    let chosen = choose(source_name, &profiles, opts.filter.as_deref())?;
    let spec = spec_of(source_name, text, chosen)?;
    check_spec(source_name, text, spec)?;
    let mut warnings = Vec::new();
    let syscalls = resolve(source_name, text, &profiles, chosen, &mut warnings)?;
    let oci = oci_profile(spec, syscalls);
    warnings.push(format!(
        "{}: SeccompProfile `{}`, as the security-profiles-operator writes it for the kubelet (runc loads it as an OCI profile)",
        source_name,
        name_of(chosen).unwrap_or("?")
    ));
    super::oci::import_profile(
        source_name,
        text,
        &oci,
        "spec.",
        super::oci::Schema::Kubernetes,
        opts,
        warnings,
    )
}

/// Every document of the file as JSON-like nodes whose offsets are byte
/// offsets into `text`.
fn documents(source_name: &str, text: &str) -> Result<Vec<Node>, ImportError> {
    let docs = MarkedYamlOwned::load_from_str(text).map_err(|e| {
        let m = e.marker();
        ImportError::new(
            format!("{source_name}:{}:{}", m.line(), m.col() + 1),
            e.info().to_owned(),
        )
    })?;
    let bytes = CharOffsets::new(text);
    docs.iter()
        .map(|d| node(source_name, text, &bytes, d))
        .collect()
}

/// Character index -> byte offset (saphyr's markers count characters).
struct CharOffsets(Vec<usize>);

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        v.push(text.len());
        CharOffsets(v)
    }

    fn byte(&self, chars: usize) -> usize {
        self.0
            .get(chars)
            .copied()
            .unwrap_or(*self.0.last().unwrap_or(&0))
    }
}

fn node(
    source_name: &str,
    text: &str,
    bytes: &CharOffsets,
    y: &MarkedYamlOwned,
) -> Result<Node, ImportError> {
    let offset = bytes.byte(y.span.start.index());
    let bad = |what: &str| {
        ImportError::new(
            super::location(source_name, text, offset),
            format!("{what} is not supported in a SeccompProfile"),
        )
    };
    let value = match &y.data {
        YamlDataOwned::Value(s) => scalar(s),
        YamlDataOwned::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|i| node(source_name, text, bytes, i))
                .collect::<Result<_, _>>()?,
        ),
        YamlDataOwned::Mapping(map) => {
            let mut members = Vec::new();
            for (k, v) in map {
                let Some(key) = k.data.as_str() else {
                    return Err(bad("a key that is not a string"));
                };
                members.push((key.to_owned(), node(source_name, text, bytes, v)?));
            }
            Value::Object(members)
        }
        YamlDataOwned::Tagged(..) => return Err(bad("a YAML tag")),
        YamlDataOwned::Alias(_) => return Err(bad("a YAML alias")),
        _ => return Err(bad("this YAML value")),
    };
    Ok(Node { value, offset })
}

fn scalar(s: &ScalarOwned) -> Value {
    match s {
        ScalarOwned::Null => Value::Null,
        ScalarOwned::Boolean(b) => Value::Bool(*b),
        ScalarOwned::Integer(i) => match u64::try_from(*i) {
            Ok(u) => Value::Uint(u),
            Err(_) => Value::Int(*i),
        },
        ScalarOwned::FloatingPoint(f) => Value::Float(f.into_inner()),
        ScalarOwned::String(t) => Value::Str(t.clone()),
    }
}

fn name_of(doc: &Node) -> Option<&str> {
    doc.get("metadata")?.get("name")?.as_str()
}

fn namespace_of(doc: &Node) -> Option<&str> {
    doc.get("metadata")?.get("namespace")?.as_str()
}

/// The profile to import: the only one, or the one `--filter` names.
fn choose<'d>(
    source_name: &str,
    profiles: &[&'d Node],
    filter: Option<&str>,
) -> Result<&'d Node, ImportError> {
    let names: Vec<String> = profiles
        .iter()
        .map(|p| format!("`{}`", name_of(p).unwrap_or("?")))
        .collect();
    match (filter, profiles) {
        (_, []) => Err(ImportError::new(
            source_name,
            "no SeccompProfile (kind: SeccompProfile) in the file",
        )),
        (None, [one]) => Ok(one),
        (None, _) => Err(ImportError::new(
            source_name,
            format!("the file holds {} SeccompProfiles", profiles.len()),
        )
        .with_help(format!("choose one with --filter: {}", names.join(", ")))),
        (Some(f), _) => profiles
            .iter()
            .find(|p| name_of(p) == Some(f))
            .copied()
            .ok_or_else(|| {
                ImportError::new(source_name, format!("no SeccompProfile named `{f}`"))
                    .with_help(format!("the file has {}", names.join(", ")))
            }),
    }
}

fn spec_of<'d>(source_name: &str, text: &str, doc: &'d Node) -> Result<&'d Node, ImportError> {
    doc.get("spec")
        .filter(|s| s.as_object().is_some())
        .ok_or_else(|| {
            ImportError::new(
                super::location(source_name, text, doc.offset),
                "a SeccompProfile without a `spec` mapping",
            )
        })
}

/// The spec's keys: those of `SeccompProfileSpec`; `state: Disabled`
/// means the operator does not install the profile.
fn check_spec(source_name: &str, text: &str, spec: &Node) -> Result<(), ImportError> {
    const KEYS: [&str; 9] = [
        "baseProfileName",
        "defaultAction",
        "architectures",
        "listenerPath",
        "listenerMetadata",
        "syscalls",
        "flags",
        "state",
        "disabled",
    ];
    let at = |n: &Node| super::location(source_name, text, n.offset);
    for (k, v) in spec.as_object().unwrap_or(&[]) {
        if !KEYS.contains(&k.as_str()) {
            return Err(ImportError::new(
                format!("{} (spec.{k})", at(v)),
                format!("`{k}` is not a field of a SeccompProfile's spec"),
            )
            .with_help(format!("its fields: {}", KEYS[..8].join(", "))));
        }
    }
    let disabled = spec.get("state").and_then(Node::as_str) == Some("Disabled")
        || matches!(
            spec.get("disabled").map(|d| &d.value),
            Some(Value::Bool(true))
        );
    if disabled {
        return Err(ImportError::new(
            format!("{} (spec.state)", at(spec)),
            "the profile is disabled: the operator does not install it",
        ));
    }
    Ok(())
}

/// The syscalls the operator writes: the profile's own, unioned with its
/// base profile's and theirs in turn.
fn resolve(
    source_name: &str,
    text: &str,
    profiles: &[&Node],
    chosen: &Node,
    warnings: &mut Vec<String>,
) -> Result<Vec<Node>, ImportError> {
    let at = |n: &Node| super::location(source_name, text, n.offset);
    let list = |p: &Node| -> Vec<Node> {
        p.get("spec")
            .and_then(|s| s.get("syscalls"))
            .and_then(|s| s.as_array())
            .map(<[Node]>::to_vec)
            .unwrap_or_default()
    };
    let mut syscalls = list(chosen);
    let mut current = chosen;
    for level in 0.. {
        let Some(base) = current.get("spec").and_then(|s| s.get("baseProfileName")) else {
            return Ok(syscalls);
        };
        let Some(base_name) = base.as_str() else {
            return Err(ImportError::new(
                format!("{} (spec.baseProfileName)", at(base)),
                "expected a string",
            ));
        };
        if base_name.is_empty() {
            return Ok(syscalls);
        }
        if level >= MAX_LEVEL {
            return Err(ImportError::new(
                format!("{} (spec.baseProfileName)", at(base)),
                format!(
                    "max recursion level of {MAX_LEVEL} is reached for resolving base profiles"
                ),
            ));
        }
        if base_name.starts_with("oci://") {
            return Err(ImportError::new(
                format!("{} (spec.baseProfileName)", at(base)),
                format!("`{base_name}`: the operator pulls this base profile from a registry when it installs the profile"),
            )
            .with_help("give the base profile's SeccompProfile in the same file and name it"));
        }
        let found = profiles
            .iter()
            .find(|p| name_of(p) == Some(base_name) && namespace_of(p) == namespace_of(current))
            .ok_or_else(|| {
                ImportError::new(
                    format!("{} (spec.baseProfileName)", at(base)),
                    format!("base profile `{base_name}` is not in this file (in the same namespace)"),
                )
                .with_help("give the base profile's SeccompProfile alongside, as another document (---) of the file")
            })?;
        warnings.push(format!(
            "{}: the syscalls of base profile `{base_name}` are unioned in, as the operator does (security-profiles-merger UnionSyscalls: per name the less restrictive action)",
            at(base)
        ));
        syscalls = union::union_syscalls(&list(found), &syscalls);
        current = found;
    }
    Ok(syscalls)
}

/// The OCI profile the operator writes: the spec without its own fields,
/// with the resolved syscalls.
fn oci_profile(spec: &Node, syscalls: Vec<Node>) -> Node {
    let mut members: Vec<(String, Node)> = spec
        .as_object()
        .unwrap_or(&[])
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "baseProfileName" | "state" | "disabled" | "syscalls"
            )
        })
        .map(|(k, v)| (k.clone(), errno_as_number(v)))
        .collect();
    if !syscalls.is_empty() {
        let offset = spec.get("syscalls").map_or(spec.offset, |s| s.offset);
        let syscalls = syscalls.iter().map(errno_as_number).collect();
        members.push((
            "syscalls".to_owned(),
            Node {
                value: Value::Array(syscalls),
                offset,
            },
        ));
    }
    Node {
        value: Value::Object(members),
        offset: spec.offset,
    }
}

/// v1beta1 declares `errnoRet` a string (`"1"`); the operator's conversion
/// to v1 (int32) and to OCI reads its number. An `errnoRet` of 0 is left
/// out: v1's `ErrnoRet int32 json:"errnoRet,omitempty"` is not written for
/// the kubelet when 0, so runc gives the rule its default, EPERM.
fn errno_as_number(n: &Node) -> Node {
    let zero = |k: &str, v: &Node| {
        k == "errnoRet"
            && match &v.value {
                Value::Uint(0) => true,
                Value::Str(s) => s.parse::<u64>() == Ok(0),
                _ => false,
            }
    };
    match &n.value {
        Value::Object(members) => Node {
            value: Value::Object(
                members
                    .iter()
                    .filter(|(k, v)| !zero(k, v))
                    .map(|(k, v)| match (k.as_str(), &v.value) {
                        ("errnoRet", Value::Str(s)) => match s.parse::<u64>() {
                            Ok(u) => (
                                k.clone(),
                                Node {
                                    value: Value::Uint(u),
                                    offset: v.offset,
                                },
                            ),
                            Err(_) => (k.clone(), v.clone()),
                        },
                        _ => (k.clone(), v.clone()),
                    })
                    .collect(),
            ),
            offset: n.offset,
        },
        _ => n.clone(),
    }
}

#[cfg(test)]
mod tests;
