//! Which member of a JSON object is which field, as the program that reads
//! the profile decides it.
//!
//! Docker, Podman and runc read profiles with Go's `encoding/json`
//! (`json.Unmarshal` into their structs, without `DisallowUnknownFields`):
//! - a key names a field when it equals the field's name or folds to it as
//!   `bytes.EqualFold` folds (`encoding/json/fold.go`, `foldName`): ASCII
//!   letters in any case, and `K` (KELVIN SIGN) and `ſ` (LONG S) for `k`
//!   and `s`; so `"Names"` is `names`;
//! - of two keys naming one field, the later one is decoded last and wins
//!   (`decode.go`, `object`: each member is stored into the field in turn);
//!   for the `includes`/`excludes` objects Go decodes the second into the
//!   first (moby's `*Filter`) or into a value (containers/common's
//!   `Filter`), which differ on `null`: given twice, they are refused;
//! - a key no field has is skipped. Such a key cannot change what the
//!   runtime installs, so it is listed in a warning, except one a typo away
//!   from a field (`nmes`): that is an error, since what was meant
//!   (`names`) would change the filter and the runtime silently ignores it.
//!
//! Kubernetes decodes a SeccompProfile's spec strictly and case-sensitively
//! (`sigs.k8s.io/json` with strict field validation): there an unknown or
//! repeated key is an error.

use super::super::ImportError;
use super::super::json::Node;
use super::read::Reader;

/// The program whose structs a profile is decoded into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Schema {
    /// A profile file as Docker (moby/profiles cd3bed8 `seccomp/seccomp.go`,
    /// `Seccomp`, `Syscall`, `Filter`) and Podman (containers/common
    /// f437c58 `pkg/seccomp/types.go`) read it: the union of their fields.
    Profile,
    /// The `linux.seccomp` of an OCI runtime `config.json` as runc reads
    /// it: runtime-spec v1.2.1 `specs-go/config.go`, `LinuxSeccomp`,
    /// `LinuxSyscall`, `LinuxSeccompArg`.
    RuntimeSpec,
    /// A SeccompProfile's spec (security-profiles-operator's
    /// `SeccompProfileSpec`, `Syscall`, `Arg`), decoded strictly.
    Kubernetes,
}

/// The kinds of objects in a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Object {
    Top,
    ArchMapEntry,
    Rule,
    Arg,
    Filter,
}

impl Schema {
    fn fields(self, object: Object) -> &'static [&'static str] {
        use Object::*;
        use Schema::*;
        match (self, object) {
            (Profile, Top) => &[
                "defaultAction",
                "defaultErrnoRet",
                "defaultErrno",
                "architectures",
                "archMap",
                "syscalls",
                "flags",
                "listenerPath",
                "listenerMetadata",
            ],
            (RuntimeSpec | Kubernetes, Top) => &[
                "defaultAction",
                "defaultErrnoRet",
                "architectures",
                "syscalls",
                "flags",
                "listenerPath",
                "listenerMetadata",
            ],
            (Profile, Rule) => &[
                "names", "name", "action", "errnoRet", "errno", "args", "comment", "includes",
                "excludes",
            ],
            (RuntimeSpec | Kubernetes, Rule) => &["names", "action", "errnoRet", "args"],
            (_, Arg) => &["index", "value", "valueTwo", "op"],
            (_, Filter) => &["caps", "arches", "minKernel"],
            (_, ArchMapEntry) => &["architecture", "subArchitectures"],
        }
    }

    /// Who ignores unknown fields, for messages.
    fn reader(self) -> &'static str {
        match self {
            Schema::Profile => "Docker and Podman",
            Schema::RuntimeSpec | Schema::Kubernetes => "runc",
        }
    }
}

/// `bytes.EqualFold`'s folding, for the ASCII field names we look up: the
/// only non-ASCII characters that fold to ASCII letters are U+212A KELVIN
/// SIGN (k) and U+017F LATIN SMALL LETTER LONG S (s) (Unicode's
/// CaseFolding.txt; Go's `unicode.SimpleFold` orbits `k K K` and `s S ſ`).
pub(super) fn go_fold(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            '\u{212a}' => 'K',
            '\u{17f}' => 'S',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// The member of `node` Go's `encoding/json` stores into field `name`:
/// the last one whose key folds to it (for objects read outside a profile,
/// such as a `config.json`'s `linux`).
pub(super) fn go_get<'n>(node: &'n Node, name: &str) -> Option<&'n Node> {
    let folded = go_fold(name);
    node.as_object()?
        .iter()
        .rev()
        .find(|(k, _)| go_fold(k) == folded)
        .map(|(_, v)| v)
}

/// An object's members by field.
pub(super) struct Fields<'n> {
    found: Vec<(&'static str, &'n Node)>,
    /// Where the object starts, for errors about it as a whole.
    pub(super) node: &'n Node,
    pub(super) path: String,
}

impl<'n> Fields<'n> {
    /// The path of `field` in this object.
    pub(super) fn at(&self, field: &str) -> String {
        join(&self.path, field)
    }

    pub(super) fn get(&self, field: &str) -> Option<&'n Node> {
        self.found
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, n)| n)
    }

    /// The field, unless absent or `null` (which Go decodes as absent
    /// into the pointers, slices and strings of these structs).
    pub(super) fn given(&self, field: &str) -> Option<&'n Node> {
        self.get(field).filter(|n| !n.is_null())
    }
}

impl Reader<'_> {
    /// The fields of `node`, an object of kind `object` at `path`, as the
    /// schema's reader finds them; keys it ignores are listed in a warning.
    pub(super) fn fields<'n>(
        &self,
        node: &'n Node,
        path: &str,
        object: Object,
        warnings: &mut Vec<String>,
    ) -> Result<Fields<'n>, ImportError> {
        let members = node.as_object().ok_or_else(|| {
            self.err(
                node,
                path,
                format!("expected an object, found {}", node.value.kind()),
            )
        })?;
        let known = self.schema.fields(object);
        let mut fields = Fields {
            found: Vec::new(),
            node,
            path: path.to_owned(),
        };
        let mut ignored = Vec::new();
        for (key, value) in members {
            match self.field_of(key, known) {
                Some(field) => self.store(&mut fields, field, key, value, path, warnings)?,
                None => {
                    self.unknown(key, value, path, known)?;
                    ignored.push(format!("`{key}`"));
                }
            }
        }
        if !ignored.is_empty() {
            warnings.push(format!(
                "{} ({}): {} ignore fields they do not know, and so does this import: {}",
                super::super::location(self.name, self.text, node.offset),
                self.full_path(path),
                self.schema.reader(),
                ignored.join(", ")
            ));
        }
        Ok(fields)
    }

    fn field_of(&self, key: &str, known: &[&'static str]) -> Option<&'static str> {
        if let Some(f) = known.iter().find(|f| **f == key) {
            return Some(f);
        }
        if self.schema == Schema::Kubernetes {
            return None;
        }
        let folded = go_fold(key);
        known.iter().find(|f| go_fold(f) == folded).copied()
    }

    fn store<'n>(
        &self,
        fields: &mut Fields<'n>,
        field: &'static str,
        key: &str,
        value: &'n Node,
        path: &str,
        warnings: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        let at = |k: &str| join(path, k);
        if let Some(i) = fields.found.iter().position(|(f, _)| *f == field) {
            if self.schema == Schema::Kubernetes || matches!(field, "includes" | "excludes") {
                return Err(self
                    .err(value, &at(key), format!("`{field}` is given twice"))
                    .with_help("give it once"));
            }
            warnings.push(format!(
                "{} ({}): `{field}` is given twice; the last one is used, as Go's encoding/json decodes it",
                super::super::location(self.name, self.text, value.offset),
                self.full_path(&at(key)),
            ));
            fields.found.remove(i);
        }
        if key != field {
            warnings.push(format!(
                "{} ({}): `{key}` is read as `{field}`, as Go's encoding/json matches keys without regard to case",
                super::super::location(self.name, self.text, value.offset),
                self.full_path(&at(key)),
            ));
        }
        fields.found.push((field, value));
        Ok(())
    }

    /// A key no field has: an error where strict, or a typo of a field.
    fn unknown(
        &self,
        key: &str,
        value: &Node,
        path: &str,
        known: &[&'static str],
    ) -> Result<(), ImportError> {
        let at = &join(path, key);
        let near = seccomp_compiler::diag::nearest(key, known.iter().copied());
        if self.schema == Schema::Kubernetes {
            let mut e = self.err(value, at, format!("`{key}` is not a field here"));
            e = match near {
                Some(n) => e.with_help(format!("did you mean `{n}`?")),
                None => e.with_help(format!("the fields: {}", known.join(", "))),
            };
            return Err(e);
        }
        match near {
            Some(n) => Err(self
                .err(
                    value,
                    at,
                    format!(
                        "`{key}` is not a field; {} would ignore it, and what `{n}` says would not be applied",
                        self.schema.reader()
                    ),
                )
                .with_help(format!("did you mean `{n}`?"))),
            None => Ok(()),
        }
    }
}

/// The path of member `key` of the object at `path` (`$` the root).
pub(super) fn join(path: &str, key: &str) -> String {
    if path == "$" {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}
