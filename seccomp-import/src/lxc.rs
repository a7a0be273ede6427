//! LXC seccomp policies (`lxc.seccomp.profile`), read as LXC reads them
//! (lxc/lxc e7b855a, `src/lxc/seccomp.c`):
//! - line 1 is the version (`1` or `2`), line 2 the directives: version 1
//!   needs `allowlist` in it; `debug` anywhere is refused (parse_config);
//! - version 1: one syscall number per line, of the host's architecture,
//!   allowed; everything else is killed (parse_config_v1,
//!   `seccomp_init(SCMP_ACT_KILL)`);
//! - version 2: line 2 starts with `allowlist`/`whitelist` (default `kill`,
//!   rules `allow`) or `denylist`/`blacklist` (default `allow`, rules
//!   `kill`), optionally followed by the default action; then lines
//!   `NAME [ACTION] [[i,value,op(,mask)]...]`, `#` comment lines and
//!   `[arch]` sections (parse_config_v2, get_v2_default_action,
//!   get_v2_action, parse_v2_rules, get_seccomp_arg_value). Actions: `kill`
//!   (SCMP_ACT_KILL: the thread), `errno N`, `allow`, `trap`, `notify`,
//!   matched as prefixes. `reject_force_umount` refuses `umount2` with
//!   MNT_FORCE (EACCES);
//! - a section applies when the host can run that architecture: on an
//!   x86_64 host `[x86]`, `[x32]`, `[x86_64]` and `[all]`, on arm64 `[arm]`,
//!   `[arm64]`, `[all]`, elsewhere the architecture's own and `[all]`; a
//!   section for another host is skipped, an unknown one refused. On a
//!   host LXC does not know (riscv64) only `[all]` applies, not even the
//!   lines before the first section. An applying rule is added for every
//!   architecture of the filter that has the syscall (x86 and x32 on an
//!   x86_64 host, arm on arm64), so each of our architectures is imported
//!   as the host that runs it: x86 as a 32-bit process on x86_64, arm on
//!   arm64;
//! - libseccomp then combines the rules of a syscall (as for OCI profiles):
//!   a rule whose action is the default is refused (EACCES) and so the
//!   profile; the first rule without arguments decides alone; rules of one
//!   action are alternatives; rules of different actions must not overlap
//!   (their outcome would depend on libseccomp's tree), else the import
//!   refuses.

use super::cond::{ArgRef, Cmp, Conj, Renderer, SourceWidth, disjoint};
use super::text::Item;
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::tables::syscalls;
use std::collections::{BTreeMap, BTreeSet};

/// One rule line as read.
#[derive(Clone, Debug)]
struct Rule {
    line: usize,
    name: String,
    action: Action,
    args: Conj,
    /// The sections it belongs to, as written (`None`: before any).
    section: Option<String>,
}

struct Profile {
    version: u8,
    denylist: bool,
    default: Action,
    rules: Vec<Rule>,
}

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let profile = read(source_name, text)?;
    let targets: Vec<Arch> = match &opts.arches {
        Some(a) if a.is_empty() => {
            return Err(ImportError::new(
                source_name,
                "no architecture to import for",
            ));
        }
        Some(a) => a.clone(),
        None if profile.version == 1 => {
            return Err(ImportError::new(
                source_name,
                "a version 1 LXC policy lists syscall numbers of the host's architecture, and the file does not say which",
            )
            .with_help("name it with --arch, e.g. --arch x86_64"));
        }
        None => Arch::ALL.to_vec(),
    };
    if profile.version == 1 && targets.len() != 1 {
        return Err(ImportError::new(
            source_name,
            "a version 1 LXC policy is for one architecture (its numbers are that architecture's)",
        )
        .with_help("name one with --arch"));
    }
    let mut draft = Draft::new();
    let mut per_arch = Vec::new();
    for &arch in &targets {
        per_arch.push((
            arch,
            plans(source_name, &profile, arch, &mut draft.warnings)?,
        ));
    }
    let (arches, plans) = if opts.arches.is_some() {
        (
            targets.clone(),
            unify(source_name, &per_arch, profile.default, opts.exact_width)?,
        )
    } else {
        let (chosen, plans) = super::per_arch::consistent(
            per_arch,
            |p| unify(source_name, p, profile.default, opts.exact_width),
            &mut draft.warnings,
        )?;
        (chosen.into_iter().map(|(a, _)| a).collect(), plans)
    };
    header(&mut draft, source_name, &profile, &arches);
    settings(&mut draft, profile.default, &arches);
    body(
        &mut draft,
        &plans,
        &arches,
        profile.default,
        opts.exact_width,
    );
    draft.ack_reasons.insert("ptrace", "The LXC policy allows `ptrace`: it accepts that a tracer can change syscalls after the filter".to_owned());
    draft.ack_reasons.insert("clone3", "The LXC policy allows `clone3` beside conditions on `clone`: clone3's flags, in memory, escape them".to_owned());
    draft.ack_reasons.insert("socketcall", "The LXC policy allows `socketcall` beside conditions on socket calls, whose arguments then escape the filter".to_owned());
    draft.ack_reasons.insert("ipc", "The LXC policy allows `ipc` beside conditions on SysV IPC calls, whose arguments then escape the filter".to_owned());
    draft.finish(source_name)
}

fn at(source_name: &str, line: usize) -> String {
    format!("{source_name}:{line}")
}

fn read(source_name: &str, text: &str) -> Result<Profile, ImportError> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // fscanf("%d\n"): the number, then any whitespace (blank lines too).
    let first = lines.first().map_or("", |l| l.trim());
    let version: u8 = match first.split_whitespace().next() {
        Some("1") => 1,
        Some("2") => 2,
        _ => {
            return Err(ImportError::new(
                at(source_name, 1),
                format!("invalid version `{first}`: LXC reads version 1 or 2"),
            )
            .with_help("the first line of an LXC seccomp policy is `2` (or `1`)"));
        }
    };
    let mut rest = lines[1..]
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 2, *l))
        .skip_while(|(_, l)| l.trim().is_empty());
    let Some((dline, directives)) = rest.next() else {
        return Err(ImportError::new(
            at(source_name, 2),
            "missing the directive line (`allowlist` or `denylist`)",
        ));
    };
    if version == 1 && !directives.contains("allowlist") {
        return Err(ImportError::new(
            at(source_name, dline),
            "version 1 supports only `allowlist` policies",
        ));
    }
    if directives.contains("debug") {
        return Err(ImportError::new(
            at(source_name, dline),
            "LXC refuses the `debug` directive (\"Debug not yet implemented\")",
        ));
    }
    if version == 1 {
        return read_v1(source_name, rest);
    }
    let denylist = directives.starts_with("denylist") || directives.starts_with("blacklist");
    if !denylist && !directives.starts_with("allowlist") && !directives.starts_with("whitelist") {
        return Err(ImportError::new(
            at(source_name, dline),
            format!(
                "bad policy style `{}`: expected allowlist or denylist",
                directives.trim_end()
            ),
        ));
    }
    let default = match directives.split_once(' ') {
        Some((_, after)) => match action(after, &at(source_name, dline))? {
            Some(a) => a,
            None if denylist => Action::Allow,
            None => Action::KillThread,
        },
        None if denylist => Action::Allow,
        None => Action::KillThread,
    };
    let rule_default = if denylist {
        Action::KillThread
    } else {
        Action::Allow
    };
    let mut rules = Vec::new();
    let mut section = None;
    for (n, raw) in rest {
        if raw.starts_with('#') || raw.is_empty() {
            continue;
        }
        let line = raw.trim_end_matches('\n');
        if line.starts_with('[') {
            if !SECTIONS.iter().any(|(s, _)| {
                s.eq_ignore_ascii_case(line) && (line == *s || line == s.to_ascii_uppercase())
            }) {
                return Err(ImportError::new(at(source_name, n), format!("unsupported architecture section `{line}`"))
                    .with_help("LXC knows [all], [x86], [x32], [x86_64], [arm], [arm64], [ppc64le], [ppc64], [ppc], [mips*], [s390x], [s390], [loongarch64], in lower or upper case"));
            }
            section = Some(line.to_ascii_lowercase());
            continue;
        }
        if let Some(r) = rule(source_name, n, line, rule_default, section.clone())? {
            rules.push(r);
        }
    }
    Ok(Profile {
        version,
        denylist,
        default,
        rules,
    })
}

fn read_v1<'a>(
    source_name: &str,
    lines: impl Iterator<Item = (usize, &'a str)>,
) -> Result<Profile, ImportError> {
    let mut rules = Vec::new();
    for (n, l) in lines {
        // sscanf("%d"): leading whitespace, a decimal number; a line
        // without one ends LXC's reading with an error.
        let t = l.trim_start();
        let digits = t
            .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
            .unwrap_or(t.len());
        let nr: i64 = t[..digits].parse().map_err(|_| {
            ImportError::new(
                at(source_name, n),
                format!("expected a syscall number, found `{}`", l.trim_end()),
            )
        })?;
        rules.push(Rule {
            line: n,
            name: format!("#{nr}"),
            action: Action::Allow,
            args: Vec::new(),
            section: None,
        });
    }
    Ok(Profile {
        version: 1,
        denylist: false,
        default: Action::KillThread,
        rules,
    })
}

/// The sections LXC knows (written lower case; upper case also accepted)
/// and the host architecture they apply on (`None`: every host).
const SECTIONS: [(&str, Option<&[Arch]>); 18] = [
    ("[all]", None),
    ("[x86]", Some(&[Arch::X86_64, Arch::X86])),
    ("[x32]", Some(&[Arch::X86_64, Arch::X86])),
    ("[x86_64]", Some(&[Arch::X86_64, Arch::X86])),
    ("[arm]", Some(&[Arch::Aarch64, Arch::Arm])),
    ("[arm64]", Some(&[Arch::Aarch64, Arch::Arm])),
    ("[ppc64le]", Some(&[Arch::Powerpc64le])),
    ("[ppc64]", Some(&[])),
    ("[ppc]", Some(&[])),
    ("[mips64]", Some(&[])),
    ("[mips64n32]", Some(&[])),
    ("[mips]", Some(&[])),
    ("[mipsel64]", Some(&[])),
    ("[mipsel64n32]", Some(&[])),
    ("[mipsel]", Some(&[])),
    ("[s390x]", Some(&[Arch::S390x])),
    ("[s390]", Some(&[])),
    ("[loongarch64]", Some(&[Arch::Loongarch64])),
];

/// Whether rules of `section` apply to our `arch` (run on its host).
fn section_applies(section: &Option<String>, arch: Arch) -> bool {
    match section.as_deref() {
        // Before any section: the host's own rules, except on a host LXC
        // does not know (get_hostarch: riscv64).
        None => arch != Arch::Riscv64,
        Some(s) => SECTIONS
            .iter()
            .find(|(n, _)| *n == s)
            .is_some_and(|(_, hosts)| hosts.is_none_or(|h| h.contains(&arch))),
    }
}

/// get_v2_default_action on `text` (after the space): `None` for nothing.
fn action(text: &str, at: &str) -> Result<Option<Action>, ImportError> {
    let t = text.trim_start_matches(' ');
    if t.is_empty() {
        return Ok(None);
    }
    if t.starts_with("kill") {
        return Ok(Some(Action::KillThread));
    }
    if let Some(n) = t.strip_prefix("errno") {
        let n = n.trim_start();
        let end = n
            .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
            .unwrap_or(n.len());
        let e: i64 = n[..end].parse().map_err(|_| {
            ImportError::new(
                at,
                format!("`errno` needs a number, found `{}`", t.trim_end()),
            )
        })?;
        // SCMP_ACT_ERRNO keeps the low 16 bits; the kernel caps them at
        // MAX_ERRNO (4095).
        let data = (e & 0xffff) as u16;
        return Ok(Some(Action::Errno(data.min(4095))));
    }
    if t.starts_with("allow") {
        return Ok(Some(Action::Allow));
    }
    if t.starts_with("trap") {
        return Ok(Some(Action::Trap));
    }
    if t.starts_with("notify") {
        return Ok(Some(Action::UserNotif));
    }
    Err(
        ImportError::new(at, format!("unrecognized action `{}`", t.trim_end()))
            .with_help("LXC's actions: kill, errno N, allow, trap, notify"),
    )
}

/// One rule line (parse_v2_rules); `None` for a line LXC skips.
fn rule(
    source_name: &str,
    n: usize,
    line: &str,
    default: Action,
    section: Option<String>,
) -> Result<Option<Rule>, ImportError> {
    let here = at(source_name, n);
    let (name, action) = match line.split_once(' ') {
        None => (line, default),
        Some((name, after)) => {
            let t = after.trim_start_matches(' ');
            if t.is_empty() || t.starts_with('#') {
                (name, default)
            } else {
                (name, action(t, &here)?.unwrap_or(default))
            }
        }
    };
    let mut args = Vec::new();
    if line.contains('[') {
        let keys: Vec<&str> = line.split(']').filter(|k| !k.is_empty()).collect();
        if keys.len() > 6 {
            return Err(ImportError::new(
                here,
                "more than 6 argument filters; LXC reads only the first 6",
            )
            .with_help("split the rule"));
        }
        for key in keys {
            args.push(arg(&here, key)?);
        }
    }
    if name.is_empty() {
        // A line starting with a space: LXC reads an empty name, which no
        // table knows, and skips the line.
        return Ok(None);
    }
    let name = if name.starts_with("reject_force_umount") {
        "reject_force_umount"
    } else {
        name
    };
    Ok(Some(Rule {
        line: n,
        name: name.to_owned(),
        action,
        args,
        section,
    }))
}

/// `[index,value,op]` or `[index,value,op,mask]` (get_seccomp_arg_value).
fn arg(here: &str, key: &str) -> Result<Cmp, ImportError> {
    let bad = |why: &str| {
        ImportError::new(here, format!("cannot read argument filter `{}`: {why}", key.trim())).with_help("write [index,value,op] or [index,value,SCMP_CMP_MASKED_EQ,mask], without spaces around the operator")
    };
    let Some((_, inner)) = key.split_once('[') else {
        return Err(bad("no `[`"));
    };
    let fields: Vec<&str> = inner.splitn(4, ',').collect();
    if fields.len() < 3 {
        return Err(bad("expected three or four fields"));
    }
    let index = c_number(fields[0].trim_start())
        .filter(|&i| i < 6)
        .ok_or_else(|| bad("the index must be 0 to 5"))?;
    let value = safe_u64(fields[1]).ok_or_else(|| bad("the value is not an unsigned number"))?;
    let op_text: String = fields[2]
        .chars()
        .take_while(|c| !c.is_ascii_digit() && *c != '^')
        .collect();
    let op = match op_text.as_str() {
        "SCMP_CMP_NE" | "!=" => Some(CmpOp::Ne),
        "SCMP_CMP_LT" | "<" => Some(CmpOp::Lt),
        "SCMP_CMP_LE" | "<=" => Some(CmpOp::Le),
        "SCMP_CMP_EQ" | "==" => Some(CmpOp::Eq),
        "SCMP_CMP_GE" | ">=" => Some(CmpOp::Ge),
        "SCMP_CMP_GT" | ">" => Some(CmpOp::Gt),
        "SCMP_CMP_MASKED_EQ" | "&=" => None,
        _ => return Err(bad(&format!("unknown operator `{op_text}`"))),
    };
    let mask = match fields.get(3) {
        Some(m) => safe_u64(m).ok_or_else(|| bad("the mask is not an unsigned number"))?,
        None => 0,
    };
    // At most 5 (checked above).
    let arg = ArgRef::Index(index as u8);
    Ok(match op {
        Some(op) => Cmp {
            arg,
            width: SourceWidth::Bits64,
            mask: None,
            op,
            value,
        },
        // SCMP_CMP(i, MASKED_EQ, mask, value): (arg & mask) == value, the
        // datum masked too.
        None => Cmp {
            arg,
            width: SourceWidth::Bits64,
            mask: Some(mask),
            op: CmpOp::Eq,
            value: value & mask,
        },
    })
}

/// `%i`: decimal, `0x` hex or `0` octal.
fn c_number(t: &str) -> Option<u64> {
    let (digits, radix) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (h, 16)
    } else if t.len() > 1 && t.starts_with('0') {
        (&t[1..], 8)
    } else {
        (t, 10)
    };
    u64::from_str_radix(digits, radix).ok()
}

/// lxc_safe_uint64(s, .., 0): leading whitespace, no sign, nothing after.
fn safe_u64(s: &str) -> Option<u64> {
    let t = s.trim_start();
    if t.starts_with('-') || t.starts_with('+') {
        return None;
    }
    c_number(t)
}

/// What libseccomp makes of a syscall's rules on one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Plan {
    Uncond(Action),
    /// Per action, alternatives; actions' alternatives never overlap.
    Layers(Vec<(Action, Vec<Conj>)>),
}

/// Per syscall name, libseccomp's plan on `arch`.
fn plans(
    source_name: &str,
    p: &Profile,
    arch: Arch,
    warnings: &mut Vec<String>,
) -> Result<Plans, ImportError> {
    let table = syscalls::table(arch);
    let mut unknown = Vec::new();
    let mut by_name: BTreeMap<&'static str, Vec<Rule>> = BTreeMap::new();
    for r in &p.rules {
        if p.version == 2 && !section_applies(&r.section, arch) {
            continue;
        }
        let mut r = r.clone();
        let name: &'static str = if p.version == 1 {
            let nr: u32 = r.name[1..].parse().map_err(|_| {
                ImportError::new(
                    at(source_name, r.line),
                    "a negative syscall number: libseccomp refuses it, and LXC with it the policy",
                )
            })?;
            match table.name(nr) {
                Some(n) => n,
                None => {
                    unknown.push(nr);
                    continue;
                }
            }
        } else if r.name == "reject_force_umount" {
            // MNT_FORCE is 1 (include/linux/fs.h, every architecture).
            r.action = Action::Errno(13);
            r.args = vec![Cmp {
                arg: ArgRef::Index(1),
                width: SourceWidth::Bits64,
                mask: Some(1),
                op: CmpOp::Eq,
                value: 1,
            }];
            "umount2"
        } else {
            match syscalls::all_names().get(r.name.as_str()) {
                None => {
                    let mut e = ImportError::new(
                        at(source_name, r.line),
                        format!(
                            "`{}` is not a syscall in any of our tables (Linux 6.12)",
                            r.name
                        ),
                    );
                    if let Some(h) = seccomp_compiler::diag::nearest(
                        &r.name,
                        syscalls::all_names().iter().copied(),
                    ) {
                        e = e.with_help(format!(
                            "did you mean `{h}`? (LXC skips names libseccomp does not know)"
                        ));
                    }
                    return Err(e);
                }
                Some(n) if table.number(n).is_none() => continue,
                Some(n) => n,
            }
        };
        if r.action == p.default {
            return Err(ImportError::new(
                at(source_name, r.line),
                format!(
                    "the rule's action ({}) is the default action: libseccomp refuses it (EACCES), and LXC with it the whole policy",
                    r.action
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        if let Some(c) = r.args.iter().find(|c| !seen.insert(c.arg.clone())) {
            return Err(ImportError::new(
                at(source_name, r.line),
                format!(
                    "compares {:?} twice; libseccomp refuses such a rule (EINVAL), and LXC with it the whole policy",
                    c.arg
                ),
            ));
        }
        by_name.entry(name).or_default().push(r);
    }
    if !unknown.is_empty() {
        warnings.push(format!(
            "{} number(s) that no {arch} syscall has ({}), which LXC allows, get the `unknown` action ({}) instead: stricter than LXC",
            unknown.len(),
            ranges(&unknown),
            p.default
        ));
    }
    by_name
        .into_iter()
        .map(|(name, rules)| Ok((name, combine(source_name, name, &rules)?)))
        .collect()
}

/// `1, 2, 3, 7` as `1-3, 7`.
fn ranges(ns: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ns.len() {
        let mut j = i;
        while j + 1 < ns.len() && ns[j + 1] == ns[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            ns[i].to_string()
        } else {
            format!("{}-{}", ns[i], ns[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

/// libseccomp's combination of the rules of one syscall, with the line of
/// the first.
fn combine(source_name: &str, name: &str, rules: &[Rule]) -> Result<(Plan, usize), ImportError> {
    if let Some(r) = rules.iter().find(|r| r.args.is_empty()) {
        return Ok((Plan::Uncond(r.action), r.line));
    }
    let mut layers: Vec<(Action, Vec<Conj>, usize)> = Vec::new();
    for r in rules {
        let mut conj = r.args.clone();
        conj.sort();
        match layers.iter_mut().find(|l| l.0 == r.action) {
            Some(l) if !l.1.contains(&conj) => l.1.push(conj),
            Some(_) => {}
            None => layers.push((r.action, vec![conj], r.line)),
        }
    }
    for (i, a) in layers.iter().enumerate() {
        for b in &layers[i + 1..] {
            let overlap = a.1.iter().any(|x| {
                b.1.iter()
                    .any(|y| !x.iter().any(|p| y.iter().any(|q| disjoint(p, q))))
            });
            if overlap {
                return Err(ImportError::new(
                    at(source_name, b.2),
                    format!("`{name}`: rules of lines {} and {} give different actions for some of the same arguments; libseccomp's result there depends on the layout of its decision tree", a.2, b.2),
                )
                .with_help("make the rules' conditions exclusive"));
            }
        }
    }
    let line = rules[0].line;
    Ok((
        Plan::Layers(layers.into_iter().map(|(a, c, _)| (a, c)).collect()),
        line,
    ))
}

/// A plan and the line of its first rule.
type Planned = (Plan, usize);
/// Per syscall name, its plan.
type Plans = BTreeMap<&'static str, Planned>;

/// The statements of one syscall (empty: the default).
fn render(
    name: &str,
    plan: &Plan,
    r: &Renderer,
    default: Action,
    notes: &mut BTreeSet<String>,
) -> String {
    match plan {
        Plan::Uncond(a) if *a == default => String::new(),
        Plan::Uncond(Action::Allow) => format!("keep {name};"),
        Plan::Uncond(a) => format!("drop {name} => {a};"),
        Plan::Layers(ls) => ls
            .iter()
            .map(|(a, alts)| {
                let c = r.dnf(name, alts, notes);
                if *a == Action::Allow && default != Action::Allow && ls.len() == 1 {
                    format!("keep {name}({c});")
                } else {
                    format!("drop {name}({c}) => {a};")
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn unify(
    source_name: &str,
    per_arch: &[(Arch, Plans)],
    default: Action,
    exact: bool,
) -> Result<Plans, ImportError> {
    let names: BTreeSet<&'static str> = per_arch
        .iter()
        .flat_map(|(_, m)| m.keys().copied())
        .collect();
    let mut out = BTreeMap::new();
    for name in names {
        let texts: Vec<(Arch, String, Option<&Planned>)> = per_arch
            .iter()
            .filter(|(a, _)| syscalls::table(*a).number(name).is_some())
            .map(|(a, m)| {
                let r = Renderer {
                    arches: &[*a],
                    exact,
                };
                let p = m.get(name);
                (
                    *a,
                    p.map_or_else(String::new, |(p, _)| {
                        render(name, p, &r, default, &mut BTreeSet::new())
                    }),
                    p,
                )
            })
            .collect();
        let plain: Vec<(Arch, String)> = texts.iter().map(|(a, t, _)| (*a, t.clone())).collect();
        if let Some(msg) = super::per_arch::differing(name, &plain) {
            let line = texts
                .iter()
                .find_map(|(_, _, p)| p.map(|(_, l)| *l))
                .unwrap_or(1);
            return Err(
                ImportError::new(at(source_name, line), msg).with_help(super::per_arch::HELP)
            );
        }
        if let Some((_, _, Some(p))) = texts.into_iter().find(|(_, _, p)| p.is_some()) {
            out.insert(name, p.clone());
        }
    }
    Ok(out)
}

fn header(draft: &mut Draft, source_name: &str, p: &Profile, arches: &[Arch]) {
    let h = &mut draft.header;
    let kind = if p.version == 1 {
        "version 1 allowlist"
    } else if p.denylist {
        "version 2 denylist"
    } else {
        "version 2 allowlist"
    };
    h.push(format!(
        "Imported from {source_name} (LXC seccomp policy, {kind}) by `seccompc import --from lxc`,"
    ));
    h.push(
        "with the meaning LXC (lxc/lxc e7b855a, src/lxc/seccomp.c) and libseccomp give it."
            .to_owned(),
    );
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    h.push(format!("Architectures: {} (x86 as a 32-bit container on an x86_64 host, arm on arm64: the sections that apply there).", names.join(", ")));
    h.push("Stricter than LXC: x32 calls on x86_64 are killed; calls through an ABI the filter does not cover are killed (the process, not the thread).".to_owned());
}

fn settings(draft: &mut Draft, default: Action, arches: &[Arch]) {
    let s = &mut draft.settings;
    if default == Action::Allow {
        s.setting(
            "default allow;",
            "LXC denylist: syscalls without a rule are allowed",
        );
    } else {
        s.setting(
            &format!("deny {default};"),
            "LXC's default action, for every syscall without a rule",
        );
    }
    s.setting(
        &format!("unknown {default};"),
        "libseccomp gives the default to numbers without a rule, new syscalls included",
    );
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    s.line(&format!("arch {};", names.join(", ")));
}

fn body(
    draft: &mut Draft,
    plans: &BTreeMap<&'static str, (Plan, usize)>,
    arches: &[Arch],
    default: Action,
    exact: bool,
) {
    let r = Renderer { arches, exact };
    let mut notes = BTreeSet::new();
    let mut simple: BTreeMap<Action, Vec<Item>> = BTreeMap::new();
    let mut conditional = Vec::new();
    for (name, (plan, line)) in plans {
        match plan {
            Plan::Uncond(a) if *a == default => {}
            Plan::Uncond(a) => simple.entry(*a).or_default().push(Item::new(*name)),
            Plan::Layers(_) => conditional.push((
                format!("line {line}"),
                render(name, plan, &r, default, &mut notes),
            )),
        }
    }
    for n in &notes {
        draft.body.comment(&format!("Note: {n}."));
    }
    if let Some(items) = simple.remove(&Action::Allow) {
        draft.body.statement("base", &items, "");
    }
    for (a, items) in simple {
        draft.body.statement("drop", &items, &format!(" => {a}"));
    }
    for (origin, text) in conditional {
        draft.body.comment(&format!("LXC {origin}"));
        for l in text.lines() {
            draft.body.line(l);
        }
    }
}

#[cfg(test)]
mod tests;
