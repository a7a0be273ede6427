//! LXC seccomp policies (`lxc.seccomp.profile`), read as LXC reads them
//! (lxc/lxc e7b855a, `src/lxc/seccomp.c`):
//! - the version (`1` or `2`) as `fscanf("%d\n")` reads it: the number,
//!   then every whitespace character, blank lines included; the
//!   directives are the rest of the line reached (`2 allowlist` is one
//!   line): version 1 needs `allowlist` in it; `debug` anywhere is refused
//!   (parse_config);
//! - version 1: one syscall number per line (`sscanf("%d")`; anything else,
//!   a comment or a blank line too, fails the policy), of the host's
//!   architecture, allowed; everything else is killed (parse_config_v1,
//!   `seccomp_init(SCMP_ACT_KILL)`);
//! - version 2: the directives start with `allowlist`/`whitelist` (default
//!   `kill`, rules `allow`) or `denylist`/`blacklist` (default `allow`,
//!   rules `kill`), optionally followed by the default action; then lines
//!   `NAME [ACTION] [[i,value,op(,mask)]...]`, `#` comment lines (`#` in
//!   the first column) and `[arch]` sections (parse_config_v2,
//!   get_v2_default_action, get_v2_action, parse_v2_rules,
//!   get_seccomp_arg_value, lxc_safe_uint64). Actions: `kill`
//!   (SCMP_ACT_KILL: the thread), `errno N`, `allow`, `trap`, `notify`,
//!   matched as prefixes. `reject_force_umount` refuses `umount2` with
//!   MNT_FORCE (EACCES). A line whose name LXC cannot find because of
//!   whitespace (an indented `# comment`, `name\r` in a CRLF file) is
//!   skipped, as LXC skips it, and listed in a warning; any other name no
//!   table has is refused (LXC skips names its libseccomp does not know,
//!   which depends on the libseccomp);
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
//!
//! Every error names `file:line:col`.

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
    /// `file:line:col` of the name, of the action (the name's when none
    /// is written) and of each argument filter.
    at: String,
    action_at: String,
    name: String,
    action: Action,
    args: Conj,
    arg_at: Vec<String>,
    /// The sections it belongs to, as written (`None`: before any).
    section: Option<String>,
}

struct Profile {
    version: u8,
    denylist: bool,
    default: Action,
    rules: Vec<Rule>,
    /// Where a rule line names no syscall LXC could find (LXC skips it).
    skipped: Vec<String>,
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
    if !profile.skipped.is_empty() {
        draft.warnings.push(format!(
            "rule lines that name no syscall as LXC reads them (an indented comment, a CRLF line end: LXC looks the name up with its whitespace, finds nothing and skips the line), skipped too: {}",
            profile.skipped.join(", ")
        ));
    }
    let mut per_arch = Vec::new();
    for &arch in &targets {
        per_arch.push((arch, plans(&profile, arch, &mut draft.warnings)?));
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

/// The policy's text, for `file:line:col` locations.
struct Src<'a> {
    name: &'a str,
    text: &'a str,
}

impl Src<'_> {
    /// `file:line:col` of byte `offset`.
    fn at(&self, offset: usize) -> String {
        super::location(self.name, self.text, offset)
    }

    /// The line number of byte `offset`.
    fn line(&self, offset: usize) -> usize {
        seccomp_compiler::span::Source::new(self.name, self.text)
            .line_col(offset)
            .line
    }
}

/// C's `isspace` in the "C" locale, which `fscanf` and `sscanf` skip.
fn c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `sscanf("%d")` at the start of `s`: C whitespace, an optional sign, at
/// least one decimal digit; the value and the bytes read. `None` where
/// sscanf matches nothing (or the value does not fit an `int`, which C
/// leaves undefined).
fn c_int(s: &str) -> Option<(i64, usize)> {
    let t = s.trim_start_matches(c_space);
    let sign = usize::from(t.starts_with(['+', '-']));
    let digits = t[sign..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(t.len() - sign);
    if digits == 0 {
        return None;
    }
    let end = sign + digits;
    let v: i64 = t[..end]
        .parse()
        .ok()
        .filter(|v| i32::try_from(*v).is_ok())?;
    Some((v, s.len() - t.len() + end))
}

/// parse_config: `fscanf(f, "%d\n", &version)` reads the number and then
/// every whitespace character after it, blank lines and the next line's
/// indentation included; `getline` then reads the directives from there to
/// the end of that line, which may be the rest of the version's own line
/// (`2 allowlist`). Returns the version, the directives' offset and text
/// (with its newline, as getline keeps it) and the offset after them.
fn version_and_directives<'a>(src: &Src<'a>) -> Result<(u8, usize, &'a str, usize), ImportError> {
    let text = src.text;
    let version = c_int(text).filter(|(v, _)| *v == 1 || *v == 2);
    let Some((version, len)) = version else {
        let start = text.len() - text.trim_start_matches(c_space).len();
        let first = text[start..].lines().next().unwrap_or("");
        return Err(ImportError::new(
            src.at(start),
            format!("invalid version `{first}`: LXC reads version 1 or 2"),
        )
        .with_help("the first line of an LXC seccomp policy is `2` (or `1`)"));
    };
    let start = text.len() - text[len..].trim_start_matches(c_space).len();
    if start == text.len() {
        return Err(ImportError::new(
            src.at(start),
            "missing the directive line (`allowlist` or `denylist`)",
        ));
    }
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    // 1 or 2 (checked above).
    Ok((version as u8, start, &text[start..end], end))
}

fn read(source_name: &str, text: &str) -> Result<Profile, ImportError> {
    let src = Src {
        name: source_name,
        text,
    };
    let (version, dstart, directives, rest_start) = version_and_directives(&src)?;
    let dat = src.at(dstart);
    if version == 1 && !directives.contains("allowlist") {
        return Err(ImportError::new(
            dat,
            "version 1 supports only `allowlist` policies",
        ));
    }
    if let Some(i) = directives.find("debug") {
        return Err(ImportError::new(
            src.at(dstart + i),
            "LXC refuses the `debug` directive (\"Debug not yet implemented\")",
        ));
    }
    // Each line after the directives: its offset and text (with newline).
    let rest = text[rest_start..]
        .split_inclusive('\n')
        .scan(rest_start, |at, l| {
            let start = *at;
            *at += l.len();
            Some((start, l))
        });
    if version == 1 {
        return read_v1(&src, rest);
    }
    let denylist = directives.starts_with("denylist") || directives.starts_with("blacklist");
    if !denylist && !directives.starts_with("allowlist") && !directives.starts_with("whitelist") {
        return Err(ImportError::new(
            dat,
            format!(
                "bad policy style `{}`: expected allowlist or denylist",
                directives.trim_end()
            ),
        ));
    }
    let default = match directives.split_once(' ') {
        Some((before, after)) => {
            let at = src.at(dstart + before.len() + 1);
            match action(after, &at)? {
                Some(a) => a,
                None if denylist => Action::Allow,
                None => Action::KillThread,
            }
        }
        None if denylist => Action::Allow,
        None => Action::KillThread,
    };
    let rule_default = if denylist {
        Action::KillThread
    } else {
        Action::Allow
    };
    let mut rules = Vec::new();
    let mut skipped = Vec::new();
    let mut section = None;
    for (start, raw) in rest {
        if raw.starts_with('#') || raw.is_empty() {
            continue;
        }
        // remove_trailing_newlines: only `\n` (a `\r` stays part of the line).
        let line = raw.trim_end_matches('\n');
        if line.starts_with('[') {
            if !SECTIONS.iter().any(|(s, _)| {
                s.eq_ignore_ascii_case(line) && (line == *s || line == s.to_ascii_uppercase())
            }) {
                return Err(ImportError::new(src.at(start), format!("unsupported architecture section `{line}`"))
                    .with_help("LXC knows [all], [x86], [x32], [x86_64], [arm], [arm64], [ppc64le], [ppc64], [ppc], [mips*], [s390x], [s390], [loongarch64], in lower or upper case"));
            }
            section = Some(line.to_ascii_lowercase());
            continue;
        }
        if let Some(r) = rule(
            &src,
            start,
            line,
            rule_default,
            section.clone(),
            &mut skipped,
        )? {
            rules.push(r);
        }
    }
    Ok(Profile {
        version,
        denylist,
        default,
        rules,
        skipped,
    })
}

fn read_v1<'a>(
    src: &Src,
    lines: impl Iterator<Item = (usize, &'a str)>,
) -> Result<Profile, ImportError> {
    let mut rules = Vec::new();
    for (start, l) in lines {
        // sscanf("%d"): a line without a number ends LXC's reading with an
        // error (parse_config_v1), a comment or blank line too.
        let Some((nr, _)) = c_int(l) else {
            return Err(ImportError::new(
                src.at(start),
                format!("expected a syscall number, found `{}`", l.trim_end()),
            )
            .with_help("a version 1 policy has one number per line, and nothing else"));
        };
        let offset = start + (l.len() - l.trim_start_matches(c_space).len());
        let at = src.at(offset);
        rules.push(Rule {
            line: src.line(offset),
            at: at.clone(),
            action_at: at,
            name: format!("#{nr}"),
            action: Action::Allow,
            args: Vec::new(),
            arg_at: Vec::new(),
            section: None,
        });
    }
    Ok(Profile {
        version: 1,
        denylist: false,
        default: Action::KillThread,
        rules,
        skipped: Vec::new(),
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
        // sscanf(line + 5, "%d"): `errno 1-2` is errno 1.
        let (e, _) = c_int(n).ok_or_else(|| {
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

/// One rule line (parse_v2_rules, do_resolve_add_rule) at byte `start`;
/// `None` for a line LXC skips.
fn rule(
    src: &Src,
    start: usize,
    line: &str,
    default: Action,
    section: Option<String>,
    skipped: &mut Vec<String>,
) -> Result<Option<Rule>, ImportError> {
    let at = src.at(start);
    // get_v2_action: the action is what follows the first space (spaces
    // skipped), none when that is empty or starts with `#`.
    let (name, action, action_at) = match line.split_once(' ') {
        None => (line, default, at.clone()),
        Some((name, after)) => {
            let t = after.trim_start_matches(' ');
            let t_at = src.at(start + line.len() - t.len());
            if t.is_empty() || t.starts_with('#') {
                (name, default, at.clone())
            } else {
                let a = action(t, &t_at)?.unwrap_or(default);
                (name, a, t_at)
            }
        }
    };
    let (args, arg_at) = arg_filters(src, start, line)?;
    if name.is_empty() {
        // A blank line (or one starting with a space): LXC reads an empty
        // name, which libseccomp does not resolve, and skips the line.
        if !line.trim_matches(c_space).is_empty() {
            skipped.push(at);
        }
        return Ok(None);
    }
    if name.contains(c_space) {
        // `\tread` or `read\r` (a CRLF file): LXC looks up the name with the
        // whitespace, which no syscall has, and skips the line.
        skipped.push(at);
        return Ok(None);
    }
    // do_resolve_add_rule: `strnequal(line, "reject_force_umount", 19)`, a
    // prefix; its action and arguments are LXC's own.
    let name = if name.starts_with("reject_force_umount") {
        "reject_force_umount"
    } else {
        name
    };
    Ok(Some(Rule {
        line: src.line(start),
        at,
        action_at,
        name: name.to_owned(),
        action,
        args,
        arg_at,
        section,
    }))
}

/// parse_v2_rules: when the line has a `[`, every piece of it between
/// `]`s (strtok) is an argument filter, at most 6 read; with the location
/// of each.
fn arg_filters(src: &Src, start: usize, line: &str) -> Result<(Conj, Vec<String>), ImportError> {
    let mut args = Vec::new();
    let mut arg_at = Vec::new();
    if !line.contains('[') {
        return Ok((args, arg_at));
    }
    let mut offset = start;
    for key in line.split(']') {
        let key_start = offset;
        offset += key.len() + 1;
        if key.is_empty() {
            continue;
        }
        let here = src.at(key_start + key.find('[').unwrap_or(0));
        if args.len() == 6 {
            // LXC stops reading after 6 and ignores the rest of the line.
            return Err(ImportError::new(
                here,
                "a 7th argument filter: LXC reads only the first 6 and ignores this one",
            )
            .with_help("split the rule"));
        }
        args.push(arg(&here, key)?);
        arg_at.push(here);
    }
    Ok((args, arg_at))
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
    // sscanf("[%i,%23[^,],%30[^0-9^,],%23[^,]"): a value of more than 23
    // characters stops the scan short of the `,` it needs.
    if fields[1].len() > 23 {
        return Err(bad("the value is longer than the 23 characters LXC reads"));
    }
    let value = safe_u64(fields[1]).ok_or_else(|| bad("the value is not an unsigned number"))?;
    let op_text: String = fields[2]
        .chars()
        .take_while(|c| !c.is_ascii_digit() && *c != '^')
        .collect();
    // The mask is read only when the operator runs up to the `,`: after
    // `&=5,3` sscanf stops at the 5 and the mask stays "0".
    let mask_text = fields.get(3).filter(|_| op_text.len() == fields[2].len());
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
    let mask = match mask_text {
        // `%23[^,]` takes the mask up to a `,` and ignores what follows;
        // more than 23 characters would be cut short, which the import
        // refuses rather than guess.
        Some(m) => {
            let m = m.split(',').next().unwrap_or(m);
            if m.len() > 23 {
                return Err(bad("the mask is longer than the 23 characters LXC reads"));
            }
            safe_u64(m).ok_or_else(|| bad("the mask is not an unsigned number"))?
        }
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

/// lxc_safe_uint64(s, .., 0) (src/lxc/string_utils.c): leading
/// whitespace, no `-`, then strtoull(.., 0) (a `+` allowed) with nothing
/// after.
fn safe_u64(s: &str) -> Option<u64> {
    let t = s.trim_start_matches(c_space);
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.starts_with(['-', '+']) {
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
fn plans(p: &Profile, arch: Arch, warnings: &mut Vec<String>) -> Result<Plans, ImportError> {
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
                    r.at.clone(),
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
                        r.at.clone(),
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
                r.action_at.clone(),
                format!(
                    "the rule's action ({}) is the default action: libseccomp refuses it (EACCES), and LXC with it the whole policy",
                    r.action
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        if let Some(i) = r.args.iter().position(|c| !seen.insert(c.arg.clone())) {
            let c = &r.args[i];
            return Err(ImportError::new(
                r.arg_at.get(i).unwrap_or(&r.at).clone(),
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
        .map(|(name, rules)| Ok((name, combine(name, &rules)?)))
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
fn combine(name: &str, rules: &[Rule]) -> Result<Planned, ImportError> {
    if let Some(r) = rules.iter().find(|r| r.args.is_empty()) {
        return Ok((Plan::Uncond(r.action), r.line, r.at.clone()));
    }
    let mut layers: Vec<(Action, Vec<Conj>, &Rule)> = Vec::new();
    for r in rules {
        let mut conj = r.args.clone();
        conj.sort();
        match layers.iter_mut().find(|l| l.0 == r.action) {
            Some(l) if !l.1.contains(&conj) => l.1.push(conj),
            Some(_) => {}
            None => layers.push((r.action, vec![conj], r)),
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
                    b.2.at.clone(),
                    format!("`{name}`: rules of lines {} and {} give different actions for some of the same arguments; libseccomp's result there depends on the layout of its decision tree", a.2.line, b.2.line),
                )
                .with_help("make the rules' conditions exclusive"));
            }
        }
    }
    Ok((
        Plan::Layers(layers.into_iter().map(|(a, c, _)| (a, c)).collect()),
        rules[0].line,
        rules[0].at.clone(),
    ))
}

/// A plan, and the line and location of its first rule.
type Planned = (Plan, usize, String);
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
                    p.map_or_else(String::new, |(p, _, _)| {
                        render(name, p, &r, default, &mut BTreeSet::new())
                    }),
                    p,
                )
            })
            .collect();
        let plain: Vec<(Arch, String)> = texts.iter().map(|(a, t, _)| (*a, t.clone())).collect();
        if let Some(msg) = super::per_arch::differing(name, &plain) {
            let at = texts
                .iter()
                .find_map(|(_, _, p)| p.map(|(_, _, at)| at.clone()))
                .unwrap_or_else(|| format!("{source_name}:1:1"));
            return Err(ImportError::new(at, msg).with_help(super::per_arch::HELP));
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

fn body(draft: &mut Draft, plans: &Plans, arches: &[Arch], default: Action, exact: bool) {
    let r = Renderer { arches, exact };
    let mut notes = BTreeSet::new();
    let mut simple: BTreeMap<Action, Vec<Item>> = BTreeMap::new();
    let mut conditional = Vec::new();
    for (name, (plan, line, _)) in plans {
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
