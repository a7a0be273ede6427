//! Export to OCI seccomp JSON: a compiled policy as a profile that runc or
//! crun (through libseccomp) loads with the same meaning, where OCI can say
//! it; a clear refusal where it cannot.
//!
//! What OCI (libseccomp) cannot express, and is refused:
//! - a syscall refused with an action other than the default when its
//!   conditions fail (`drop x(c) => errno(E)` on top of an allowed `x`):
//!   a libseccomp rule only adds "this action when these conditions hold"
//!   to the default;
//! - overlapping conditions with different actions (libseccomp's result
//!   there depends on its decision tree, see `oci.rs`);
//! - two comparisons of one argument in one alternative (`x > 1 && x < 9`,
//!   `x != 1 | 2`): libseccomp refuses such a rule;
//! - comparisons of the low 32 bits of an argument on a 64-bit
//!   architecture other than `==` (which becomes `SCMP_CMP_MASKED_EQ` with
//!   mask 0xffffffff): libseccomp compares all 64 bits;
//! - masked comparisons other than `==`, symbolic values (macro only);
//! - different rules for one syscall name on different architectures
//!   (export one architecture at a time).
//!
//! Numbers no table knows get the default action in OCI; when the policy's
//! `unknown` action differs, the export says so in a warning.

use super::cond::{self, ArgRef, SourceWidth};
use super::json::quote;
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::compile::Compilation;
use seccomp_compiler::decide::Decision;
use seccomp_compiler::ir::{Cmp, Cond, Operand, width_mask};
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeMap;
use std::fmt;

/// Which architectures to export.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// `None`: every architecture the compilation has.
    pub arches: Option<Vec<Arch>>,
}

/// An exported profile.
#[derive(Clone, Debug)]
pub struct Exported {
    pub json: String,
    pub warnings: Vec<String>,
}

/// What OCI cannot express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError {
    pub message: String,
    pub help: Vec<String>,
}

impl ExportError {
    pub(crate) fn new(message: impl Into<String>) -> ExportError {
        ExportError {
            message: message.into(),
            help: Vec::new(),
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> ExportError {
        self.help.push(help.into());
        self
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for h in &self.help {
            write!(f, "\nhelp: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExportError {}

/// `SCMP_CMP_*` argument comparison.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct OciArg {
    index: u8,
    op: &'static str,
    value: u64,
    value_two: u64,
}

/// One OCI rule: an action when all args hold.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct OciRule {
    action: Action,
    args: Vec<OciArg>,
}

/// Exports a compiled policy as OCI JSON.
pub fn export_oci(c: &Compilation, opts: &ExportOptions) -> Result<Exported, ExportError> {
    let outputs: Vec<_> = c
        .arches
        .iter()
        .filter(|a| opts.arches.as_ref().is_none_or(|l| l.contains(&a.arch)))
        .map(|a| {
            a.outcome.as_ref().map_err(|_| {
                ExportError::new(format!("the policy does not compile for {}", a.arch))
            })
        })
        .collect::<Result<_, _>>()?;
    let Some(first) = outputs.first() else {
        return Err(ExportError::new("no architecture to export"));
    };
    let default = first.table.default.action;
    let mut warnings = Vec::new();
    let mut per_name: BTreeMap<&'static str, (Vec<OciRule>, Arch)> = BTreeMap::new();
    for out in &outputs {
        let t = &out.table;
        let arch = t.arch;
        if t.default.action != default {
            return Err(ExportError::new(format!(
                "the default action differs between {} and {arch}",
                first.table.arch
            )));
        }
        if t.unknown.action != default {
            warnings.push(format!(
                "{arch}: numbers no table knows get {} in the policy but the default action {default} in OCI",
                t.unknown.action
            ));
        }
        let table = syscalls::table(arch);
        for &(nr, name) in table.entries() {
            let rules = match t.named.get(nr) {
                Some(d) => rules(name, arch, d, default)?,
                None => Vec::new(),
            };
            match per_name.get(name) {
                Some((r, other)) if *r != rules => {
                    return Err(ExportError::new(format!(
                        "`{name}` gets different rules on {other} and {arch}, and OCI rules name syscalls for every architecture"
                    ))
                    .with_help("export one architecture at a time"));
                }
                Some(_) => {}
                None => {
                    per_name.insert(name, (rules, arch));
                }
            }
        }
    }
    warnings.dedup();
    let arches: Vec<Arch> = outputs.iter().map(|o| o.table.arch).collect();
    Ok(Exported {
        json: write(default, &arches, &per_name),
        warnings,
    })
}

/// The OCI rules for one decision.
fn rules(
    name: &str,
    arch: Arch,
    d: &Decision,
    default: Action,
) -> Result<Vec<OciRule>, ExportError> {
    if d.arms.is_empty() {
        let a = d.otherwise.action;
        return Ok(if a == default {
            Vec::new()
        } else {
            vec![OciRule {
                action: a,
                args: Vec::new(),
            }]
        });
    }
    if d.otherwise.action != default {
        return Err(ExportError::new(format!(
            "on {arch}, `{name}` gets {} when its conditions fail, but an OCI rule can only fall back to the default action {default}",
            d.otherwise.action
        ))
        .with_help("refuse it with the default action when the conditions fail, or make the policy's default that action"));
    }
    let mut out: Vec<(OciRule, Vec<cond::Cmp>)> = Vec::new();
    for arm in &d.arms {
        if arm.action == default {
            continue;
        }
        for conj in dnf(&arm.cond, name)? {
            let args = conj
                .iter()
                .map(|c| oci_arg(c, arch, name))
                .collect::<Result<Vec<_>, _>>()?;
            let mut seen = Vec::new();
            for a in &args {
                if seen.contains(&a.index) {
                    return Err(ExportError::new(format!(
                        "`{name}` compares argument {} twice in one alternative; libseccomp refuses such a rule",
                        a.index
                    )));
                }
                seen.push(a.index);
            }
            let shapes = conj.iter().map(shape).collect();
            out.push((
                OciRule {
                    action: arm.action,
                    args,
                },
                shapes,
            ));
        }
    }
    for (i, (a, sa)) in out.iter().enumerate() {
        for (b, sb) in &out[i + 1..] {
            let overlap = !sa.iter().any(|x| sb.iter().any(|y| cond::disjoint(x, y)));
            if a.action != b.action && overlap {
                return Err(ExportError::new(format!(
                    "on {arch}, `{name}` has overlapping conditions with different actions ({} and {}); libseccomp's result there depends on its decision tree",
                    a.action, b.action
                )));
            }
        }
    }
    let mut rules: Vec<OciRule> = out.into_iter().map(|(r, _)| r).collect();
    rules.sort();
    rules.dedup();
    Ok(rules)
}

/// The condition as alternatives of single-value comparisons.
fn dnf(c: &Cond, name: &str) -> Result<Vec<Vec<Cmp>>, ExportError> {
    const LIMIT: usize = 256;
    let out = match c {
        Cond::Cmp(cmp) if cmp.op == CmpOp::Eq && cmp.values.len() > 1 => cmp
            .values
            .iter()
            .map(|v| {
                vec![Cmp {
                    values: vec![*v],
                    ..cmp.clone()
                }]
            })
            .collect(),
        Cond::Cmp(cmp) if cmp.values.len() > 1 => {
            return Err(ExportError::new(format!(
                "`{name}`: `!=` with several values compares one argument several times; libseccomp refuses such a rule"
            )));
        }
        Cond::Cmp(cmp) => vec![vec![cmp.clone()]],
        Cond::Or(v) => {
            let mut out = Vec::new();
            for c in v {
                out.extend(dnf(c, name)?);
            }
            out
        }
        Cond::And(v) => {
            let mut acc: Vec<Vec<Cmp>> = vec![Vec::new()];
            for c in v {
                let alts = dnf(c, name)?;
                let mut next = Vec::new();
                for a in &acc {
                    for b in &alts {
                        next.push(a.iter().chain(b).cloned().collect());
                    }
                }
                acc = next;
                if acc.len() > LIMIT {
                    break;
                }
            }
            acc
        }
    };
    if out.len() > LIMIT {
        return Err(ExportError::new(format!(
            "`{name}`: the condition expands to more than {LIMIT} OCI rules"
        )));
    }
    Ok(out)
}

fn constant(o: &Operand, name: &str) -> Result<u64, ExportError> {
    match o {
        Operand::Const(v) => Ok(*v),
        Operand::Sym(_) => Err(ExportError::new(format!(
            "`{name}`: symbolic values are evaluated by rustc for the macro; OCI needs numbers"
        ))),
    }
}

fn oci_arg(c: &Cmp, arch: Arch, name: &str) -> Result<OciArg, ExportError> {
    let value = constant(&c.values[0], name)?;
    let mask = c.mask.as_ref().map(|m| constant(m, name)).transpose()?;
    let narrow = u32::from(c.bits) < arch.word_bits();
    let op = match c.op {
        CmpOp::Eq if narrow || mask.is_some() => {
            let m = mask.unwrap_or(u64::MAX) & width_mask(c.bits);
            return Ok(OciArg {
                index: c.arg,
                op: "SCMP_CMP_MASKED_EQ",
                value: m,
                value_two: value,
            });
        }
        _ if narrow => {
            return Err(ExportError::new(format!(
                "on {arch}, `{name}` compares the low {} bits of argument {} with `{}`; libseccomp compares all 64 bits",
                c.bits,
                c.arg,
                c.op.symbol()
            ))
            .with_help(format!("write `arg{}:u64` to compare all 64 bits", c.arg)));
        }
        _ if mask.is_some() => {
            return Err(ExportError::new(format!(
                "`{name}`: a masked `{}` has no libseccomp operator (only masked `==`)",
                c.op.symbol()
            )));
        }
        CmpOp::Eq => "SCMP_CMP_EQ",
        CmpOp::Ne => "SCMP_CMP_NE",
        CmpOp::Lt => "SCMP_CMP_LT",
        CmpOp::Le => "SCMP_CMP_LE",
        CmpOp::Gt => "SCMP_CMP_GT",
        CmpOp::Ge => "SCMP_CMP_GE",
    };
    Ok(OciArg {
        index: c.arg,
        op,
        value,
        value_two: 0,
    })
}

/// The comparison as the importers' condition, for the overlap check
/// (symbolic values were refused before).
fn shape(c: &Cmp) -> cond::Cmp {
    let v = |o: &Operand| match o {
        Operand::Const(v) => *v,
        Operand::Sym(_) => 0,
    };
    cond::Cmp {
        arg: ArgRef::Index(c.arg),
        width: SourceWidth::Bits64,
        mask: c
            .mask
            .as_ref()
            .map(v)
            .map(|m| m & width_mask(c.bits))
            .or((c.bits < 64).then(|| width_mask(c.bits))),
        op: c.op,
        value: v(&c.values[0]),
    }
}

fn action_fields(a: Action) -> (&'static str, Option<u16>) {
    match a {
        Action::Allow => ("SCMP_ACT_ALLOW", None),
        Action::Log => ("SCMP_ACT_LOG", None),
        Action::KillProcess => ("SCMP_ACT_KILL_PROCESS", None),
        Action::KillThread => ("SCMP_ACT_KILL_THREAD", None),
        Action::Trap => ("SCMP_ACT_TRAP", None),
        Action::Errno(e) => ("SCMP_ACT_ERRNO", Some(e)),
        Action::Trace(d) => ("SCMP_ACT_TRACE", Some(d)),
        Action::UserNotif => ("SCMP_ACT_NOTIFY", None),
    }
}

fn write(
    default: Action,
    arches: &[Arch],
    per_name: &BTreeMap<&'static str, (Vec<OciRule>, Arch)>,
) -> String {
    let (act, ret) = action_fields(default);
    let mut s = String::from("{\n");
    s.push_str(&format!("  \"defaultAction\": {},\n", quote(act)));
    if let Some(r) = ret {
        s.push_str(&format!("  \"defaultErrnoRet\": {r},\n"));
    }
    let names: Vec<String> = arches
        .iter()
        .map(|a| quote(super::oci::scmp_arch(*a)))
        .collect();
    s.push_str(&format!("  \"architectures\": [{}],\n", names.join(", ")));
    // Unconditional rules grouped by action; conditional ones one each.
    let mut plain: BTreeMap<Action, Vec<&str>> = BTreeMap::new();
    let mut conditional: Vec<(&str, &OciRule)> = Vec::new();
    for (name, (rules, _)) in per_name {
        for r in rules {
            if r.args.is_empty() {
                plain.entry(r.action).or_default().push(name);
            } else {
                conditional.push((name, r));
            }
        }
    }
    let mut entries = Vec::new();
    for (a, names) in &plain {
        entries.push(entry(names, *a, &[]));
    }
    for (name, r) in conditional {
        entries.push(entry(&[name], r.action, &r.args));
    }
    s.push_str(&format!(
        "  \"syscalls\": [\n{}\n  ]\n}}\n",
        entries.join(",\n")
    ));
    s
}

fn entry(names: &[&str], a: Action, args: &[OciArg]) -> String {
    let (act, ret) = action_fields(a);
    let list: Vec<String> = names.iter().map(|n| quote(n)).collect();
    let mut e = format!(
        "    {{\n      \"names\": [{}],\n      \"action\": {}",
        list.join(", "),
        quote(act)
    );
    if let Some(r) = ret {
        e.push_str(&format!(",\n      \"errnoRet\": {r}"));
    }
    if !args.is_empty() {
        let a: Vec<String> = args
            .iter()
            .map(|a| {
                format!(
                    "        {{\"index\": {}, \"value\": {}, \"valueTwo\": {}, \"op\": {}}}",
                    a.index,
                    a.value,
                    a.value_two,
                    quote(a.op)
                )
            })
            .collect();
        e.push_str(&format!(",\n      \"args\": [\n{}\n      ]", a.join(",\n")));
    }
    e.push_str("\n    }");
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, verdict};
    use crate::{Format, ImportOptions, import};

    fn export(policy: &str) -> Result<Exported, ExportError> {
        export_oci(
            &seccomp_compiler::compile_str(policy).unwrap(),
            &ExportOptions::default(),
        )
    }

    #[test]
    fn a_small_policy() {
        let e = export("arch x86_64; deny errno(EPERM); unknown errno(EPERM); base read, write; keep socket(family == 1 | 2); drop mount => kill_process;").unwrap();
        assert_eq!(
            e.json,
            r#"{
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    {
      "names": ["read", "write"],
      "action": "SCMP_ACT_ALLOW"
    },
    {
      "names": ["mount"],
      "action": "SCMP_ACT_KILL_PROCESS"
    },
    {
      "names": ["socket"],
      "action": "SCMP_ACT_ALLOW",
      "args": [
        {"index": 0, "value": 4294967295, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}
      ]
    },
    {
      "names": ["socket"],
      "action": "SCMP_ACT_ALLOW",
      "args": [
        {"index": 0, "value": 4294967295, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}
      ]
    }
  ]
}
"#
        );
        assert!(e.warnings.is_empty());
    }

    #[test]
    fn what_oci_cannot_say_is_refused() {
        let e = export("arch x86_64; deny errno(EPERM); base openat; drop openat(flags & 0x40 != 0) => errno(EACCES);").unwrap_err();
        assert!(
            e.message
                .contains("`openat` gets allow when its conditions fail"),
            "{e}"
        );
        let e = export("arch x86_64; keep socket(family != 1 | 2), exit_group;").unwrap_err();
        assert!(e.message.contains("libseccomp refuses such a rule"), "{e}");
        let e = export("arch x86_64; keep socket(family < 3), exit_group;").unwrap_err();
        assert!(
            e.message
                .contains("compares the low 32 bits of argument 0 with `<`"),
            "{e}"
        );
        assert!(export("arch x86_64; keep socket(family:u64 < 3), exit_group;").is_ok());
        let e = export("arch x86_64, s390x; keep clone(clone_flags:u64 == 0), exit_group;")
            .unwrap_err();
        assert!(
            e.message
                .contains("`clone` gets different rules on x86_64 and s390x"),
            "{e}"
        );
        let w = export("arch x86_64; keep exit_group;").unwrap().warnings;
        assert_eq!(
            w,
            [
                "x86_64: numbers no table knows get errno(ENOSYS) in the policy but the default action kill_process in OCI"
            ]
        );
    }

    #[test]
    fn docker_round_trips() {
        // Import Docker's profile for x86_64 with libseccomp's widths,
        // export it, import the export: the same verdicts.
        let opts = ImportOptions {
            arches: Some(vec![Arch::X86_64]),
            exact_width: true,
            ..ImportOptions::default()
        };
        let first = import(
            Format::Oci,
            "moby.json",
            &corpus("moby-default.json"),
            &opts,
        )
        .unwrap()
        .policy;
        let json = export(&first).unwrap().json;
        let second = import(Format::Oci, "export.json", &json, &opts)
            .unwrap()
            .policy;
        let x = Arch::X86_64;
        for (name, args) in [
            ("read", vec![]),
            ("mount", vec![]),
            ("clone", vec![0x3d0f00]),
            ("clone", vec![0x1000_0000]),
            ("clone3", vec![]),
            ("personality", vec![0xffff_ffff]),
            ("personality", vec![0x1_ffff_ffff]),
            ("socket", vec![40]),
            ("socket", vec![39]),
            ("socket", vec![1]),
        ] {
            assert_eq!(
                verdict(&first, x, name, &args),
                verdict(&second, x, name, &args),
                "{name}{args:?}"
            );
        }
    }
}
