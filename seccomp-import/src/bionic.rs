//! Android bionic's seccomp lists (`--from bionic`), as the build turns
//! them into the filters zygote installs (aosp-mirror/platform_bionic
//! 731631f, `libc/tools/genseccomp.py`, `libc/tools/gensyscalls.py`,
//! `libc/Android.bp`, `libc/seccomp/seccomp_policy.cpp`):
//! - every file has one syscall per line, `func[|aliases][:name[:id]](params)
//!   ARCHES`, `#` comment lines; ARCHES is `all`, `lp32` (arm, x86), `lp64`
//!   (arm64, riscv64, x86_64) or a comma list of arm, arm64, riscv64, x86,
//!   x86_64; the syscall is `name` (after the colon), else `func`;
//! - per architecture, the allowed syscalls are SYSCALLS.TXT's, minus the
//!   block lists', plus the allow lists' (merge_names); a blocked syscall
//!   SYSCALLS.TXT lacks stops the build;
//! - the `app` policy reads SECCOMP_{ALLOW,BLOCK}LIST_{COMMON,APP}.TXT, the
//!   `system` policy SECCOMP_ALLOWLIST_{COMMON,SYSTEM}.TXT and
//!   SECCOMP_BLOCKLIST_COMMON.TXT (Android.bp, seccomp_syscalls_sources_*);
//!   SECCOMP_PRIORITY.TXT only orders the checks;
//! - the filter allows the list and traps (SECCOMP_RET_TRAP) everything
//!   else, calls of another architecture included (seccomp_policy.cpp,
//!   Disallow); `__ARM_NR_x` names are ARM's private calls.
//!
//! - `app_zygote` reads the `app` lists, with SECCOMP_BLOCKLIST_APP.TXT's
//!   lines starting with `setresgid` taken out (Android.bp
//!   `generate_app_zygote_blocklist`: `grep -v '^setresgid'`).
//!
//! Lines are read as Python reads a text file (universal newlines: `\n`,
//! `\r\n` and a lone `\r` end a line), then stripped. A name
//! genseccomp.py would look up and not find in the kernel's headers (one
//! with a space, a `|`, ...) stops the build there; here it is an error at
//! its column.
//!
//! The lists are read from the directory of the file given (one of the
//! policy's lists, or SECCOMP_PRIORITY.TXT), and the policy is `--filter
//! app`, `system` or `app_zygote`, or the one the file's name says
//! (`..._APP.TXT`, `..._SYSTEM.TXT`).

use super::text::Item;
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::syscalls;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// bionic's architectures (gensyscalls.py SupportedArchitectures) and ours.
const ARCHES: [(&str, Arch); 5] = [
    ("x86_64", Arch::X86_64),
    ("x86", Arch::X86),
    ("arm64", Arch::Aarch64),
    ("arm", Arch::Arm),
    ("riscv64", Arch::Riscv64),
];

/// The files each policy reads, besides SYSCALLS.TXT (Android.bp
/// `seccomp_syscalls_sources_{app,system,zygote}`).
fn lists(policy: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match policy {
        "app" | "app_zygote" => Some((
            &["SECCOMP_ALLOWLIST_COMMON.TXT", "SECCOMP_ALLOWLIST_APP.TXT"],
            &["SECCOMP_BLOCKLIST_COMMON.TXT", "SECCOMP_BLOCKLIST_APP.TXT"],
        )),
        "system" => Some((
            &[
                "SECCOMP_ALLOWLIST_COMMON.TXT",
                "SECCOMP_ALLOWLIST_SYSTEM.TXT",
            ],
            &["SECCOMP_BLOCKLIST_COMMON.TXT"],
        )),
        _ => None,
    }
}

/// Per bionic architecture name, the syscall names a file lists there,
/// each with where (`line:col`) the file lists it.
type Listed = BTreeMap<&'static str, BTreeMap<String, String>>;

/// SECCOMP_PRIORITY.TXT only orders the checks (genseccomp.py
/// `extract_priority_syscalls`): given as FILE, the others are read.
const PRIORITY: &str = "SECCOMP_PRIORITY.TXT";

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let file_name = Path::new(source_name)
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("");
    let policy = match (&opts.filter, file_name) {
        (Some(p), _) => p.clone(),
        (None, f) if f.ends_with("_APP.TXT") => "app".to_owned(),
        (None, f) if f.ends_with("_SYSTEM.TXT") => "system".to_owned(),
        _ => {
            return Err(ImportError::new(
                source_name,
                "which policy: bionic builds `app` and `system` from these lists",
            )
            .with_help("name it with --filter app or --filter system"));
        }
    };
    let Some((allow_files, block_files)) = lists(&policy) else {
        return Err(
            ImportError::new(source_name, format!("unknown bionic policy `{policy}`"))
                .with_help("--filter app, system or app_zygote"),
        );
    };
    let read_files: Vec<&str> = std::iter::once("SYSCALLS.TXT")
        .chain(allow_files.iter().copied())
        .chain(block_files.iter().copied())
        .collect();
    if !read_files.contains(&file_name) && file_name != PRIORITY {
        return Err(ImportError::new(
            source_name,
            format!(
                "`{file_name}` is not one of the lists the `{policy}` policy is built from, so it would not be read"
            ),
        )
        .with_help(format!("give one of {}, {PRIORITY}", read_files.join(", "))));
    }
    let dir = Path::new(source_name).parent().filter(|_| source_name != "<stdin>").ok_or_else(|| {
        ImportError::new(source_name, "bionic's lists are read from the directory of the file given; give a path, not standard input")
    })?;
    let read = |name: &str| -> Result<(String, Listed), ImportError> {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let body = if Path::new(source_name).file_name() == Some(name.as_ref()) {
            text.to_owned()
        } else {
            std::fs::read_to_string(&path).map_err(|e| {
                ImportError::new(
                    &shown,
                    format!("cannot read {name} (the `{policy}` policy needs it): {e}"),
                )
            })?
        };
        let body = if policy == "app_zygote" && name == "SECCOMP_BLOCKLIST_APP.TXT" {
            without_setresgid(&body)
        } else {
            body
        };
        let listed = parse(&shown, &body)?;
        Ok((shown, listed))
    };
    let (base_name, base) = read("SYSCALLS.TXT")?;
    let mut allow = Vec::new();
    for f in allow_files {
        allow.push(read(f)?);
    }
    let mut block = Vec::new();
    for f in block_files {
        block.push(read(f)?);
    }
    let targets: Vec<(&str, Arch)> = match &opts.arches {
        Some(list) => list
            .iter()
            .map(|a| {
                ARCHES.iter().find(|(_, b)| b == a).copied().ok_or_else(|| {
                    ImportError::new(source_name, format!("bionic has no {a} lists")).with_help(
                        "bionic's architectures: x86_64, x86, aarch64 (arm64), arm, riscv64",
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        None => ARCHES.to_vec(),
    };
    let mut per_arch = Vec::new();
    for (bname, arch) in targets {
        per_arch.push((
            arch,
            allowed(bname, arch, (&base_name, &base), &allow, &block)?,
        ));
    }
    let mut draft = Draft::new();
    let (chosen, names) = if opts.arches.is_some() {
        let names = unify(&per_arch)?;
        (per_arch, names)
    } else {
        super::per_arch::consistent(per_arch, unify, &mut draft.warnings)?
    };
    let arches: Vec<Arch> = chosen.iter().map(|(a, _)| *a).collect();
    let h = &mut draft.header;
    h.push(format!("Imported from bionic's lists in {} (the `{policy}` policy) by `seccompc import --from bionic`,", dir.display()));
    h.push("as genseccomp.py builds it: SYSCALLS.TXT minus the block lists plus the allow lists; everything else traps.".to_owned());
    if policy == "app_zygote" {
        h.push("app_zygote: SECCOMP_BLOCKLIST_APP.TXT without its lines starting with `setresgid` (Android.bp generate_app_zygote_blocklist); the setresuid/setresgid range filter zygote adds at run time is not part of it.".to_owned());
    }
    let shown: Vec<&str> = allow_files
        .iter()
        .chain(block_files.iter())
        .copied()
        .collect();
    h.push(format!(
        "Lists: SYSCALLS.TXT, {} (SECCOMP_PRIORITY.TXT only orders the checks).",
        shown.join(", ")
    ));
    let an: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    h.push(format!("Architectures: {}.", an.join(", ")));
    draft.settings.setting(
        "deny trap;",
        "seccomp_policy.cpp Disallow(): SECCOMP_RET_TRAP",
    );
    draft
        .settings
        .setting("unknown trap;", "numbers not in the list trap too");
    draft.settings.line(&format!("arch {};", an.join(", ")));
    let items: Vec<Item> = names.iter().map(|n| Item::new(*n)).collect();
    if !items.is_empty() {
        draft.body.statement("base", &items, "");
    }
    draft
        .ack_reasons
        .insert("ptrace", "bionic's list allows `ptrace`".to_owned());
    draft
        .ack_reasons
        .insert("socketcall", "bionic's list allows `socketcall`".to_owned());
    draft
        .ack_reasons
        .insert("ipc", "bionic's list allows `ipc`".to_owned());
    draft
        .ack_reasons
        .insert("clone3", "bionic's list allows `clone3`".to_owned());
    draft.finish(source_name)
}

/// The syscalls allowed on `arch`, as our names.
fn allowed(
    bname: &str,
    arch: Arch,
    (base_name, base): (&str, &Listed),
    allow: &[(String, Listed)],
    block: &[(String, Listed)],
) -> Result<BTreeSet<&'static str>, ImportError> {
    let empty = BTreeMap::new();
    let on = |l: &Listed| l.get(bname).unwrap_or(&empty).clone();
    let mut names = on(base);
    // The block lists' union must be in the base (merge_names); then it
    // is removed.
    for (file, l) in block {
        for (n, at) in on(l) {
            if !names.contains_key(&n) {
                return Err(ImportError::new(
                    format!("{file}:{at}"),
                    format!(
                        "`{n}` is blocked for {bname} but {base_name} does not list it there; genseccomp.py stops (\"blocklist item not in bionic\")"
                    ),
                ));
            }
        }
    }
    for (_, l) in block {
        for n in on(l).keys() {
            names.remove(n);
        }
    }
    let mut lines: BTreeMap<String, String> = names
        .into_iter()
        .map(|(n, at)| (n, format!("{base_name}:{at}")))
        .collect();
    for (file, l) in allow {
        for (n, at) in on(l) {
            lines.entry(n).or_insert(format!("{file}:{at}"));
        }
    }
    let table = syscalls::table(arch);
    let mut out = BTreeSet::new();
    for (n, at) in lines {
        let ours = n.strip_prefix("__ARM_NR_").unwrap_or(&n);
        match table.number(ours).and_then(|nr| table.name(nr)) {
            Some(name) if name == ours => {
                out.insert(name);
            }
            _ => {
                return Err(ImportError::new(
                    at,
                    format!(
                        "`{n}` is not a syscall of {arch} in our tables (Linux 6.12); genseccomp.py stops when the kernel headers lack it"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// The allowed names, the same on every architecture that has them.
fn unify(
    per_arch: &[(Arch, BTreeSet<&'static str>)],
) -> Result<BTreeSet<&'static str>, ImportError> {
    let all: BTreeSet<&'static str> = per_arch
        .iter()
        .flat_map(|(_, s)| s.iter().copied())
        .collect();
    for name in &all {
        let texts: Vec<(Arch, String)> =
            super::per_arch::having(per_arch.iter().map(|(a, _)| *a), name)
                .into_iter()
                .map(|a| {
                    let allowed = per_arch.iter().any(|(b, s)| *b == a && s.contains(name));
                    (
                        a,
                        if allowed {
                            format!("keep {name};")
                        } else {
                            String::new()
                        },
                    )
                })
                .collect();
        if let Some(msg) = super::per_arch::differing(name, &texts) {
            return Err(ImportError::new("bionic lists", msg).with_help(super::per_arch::HELP));
        }
    }
    Ok(all)
}

/// The lines of a text file as Python iterates it in text mode
/// (universal newlines: `\r\n`, `\r` and `\n` end a line).
fn python_lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['\r', '\n']) {
        out.push(&rest[..i]);
        let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + skip..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// SECCOMP_BLOCKLIST_APP.TXT as `grep -v '^setresgid'` leaves it; the
/// lines taken out stay as empty lines, so that line numbers still match.
fn without_setresgid(text: &str) -> String {
    text.split('\n')
        .map(|l| if l.starts_with("setresgid") { "" } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One list file: per architecture, the names and where they are
/// (gensyscalls.py `SysCallsTxtParser.parse_open_file`: stripped lines,
/// blank ones and those starting with `#` skipped).
fn parse(file: &str, text: &str) -> Result<Listed, ImportError> {
    let mut out: Listed = BTreeMap::new();
    for (i, raw) in python_lines(text).into_iter().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Columns count from the raw line; `line` starts `indent` in.
        let indent = raw.len() - raw.trim_start().len();
        let at = |offset: usize| format!("{}:{}", i + 1, indent + offset + 1);
        let err = |offset: usize, m: String| ImportError::new(format!("{file}:{}", at(offset)), m);
        let (name, name_at, arch_list, arch_at) = parse_line(line).map_err(|(o, m)| err(o, m))?;
        let arches = line_arches(arch_list, line).map_err(|(o, m)| err(arch_at + o, m))?;
        for a in arches {
            out.entry(a)
                .or_default()
                .entry(name.to_owned())
                .or_insert(at(name_at));
        }
    }
    Ok(out)
}

/// A mistake at a byte offset of the stripped line.
type LineError = (usize, String);

/// `SysCallsTxtParser.parse_line`, up to the architecture list:
/// `func[|aliases][:name[:socketcall_id]](params) ARCHES`. The name and
/// the architecture list, each with its offset.
fn parse_line(line: &str) -> Result<(&str, usize, &str, usize), LineError> {
    let lp = line
        .find('(')
        .ok_or_else(|| (0, format!("missing left parenthesis in `{line}`")))?;
    let rp = line.rfind(')').filter(|&r| r > lp).ok_or_else(|| {
        (
            0,
            format!("missing or misplaced right parenthesis in `{line}`"),
        )
    })?;
    let func = &line[..lp];
    let (mut name, name_at, func) = match func.find(':') {
        None => (func, 0, func),
        Some(c) if c == 0 || c + 1 >= func.len() => {
            return Err((c, format!("misplaced colon in `{line}`")));
        }
        Some(c) => match func[c + 1..].find(':') {
            None => (&func[c + 1..], c + 1, &func[..c]),
            Some(d) => {
                let c2 = c + 1 + d;
                let id = &func[c2 + 1..];
                if id.is_empty() {
                    return Err((c2, format!("misplaced colon2 in `{line}`")));
                }
                // `socketcall_id = int(...)`: anything else raises.
                if !python_int(id) {
                    return Err((
                        c2 + 1,
                        format!(
                            "`{id}` is not a socketcall number (genseccomp.py stops: int() fails)"
                        ),
                    ));
                }
                (&func[c + 1..c2], c + 1, &func[..c])
            }
        },
    };
    // The name loses its `|...` only when the function has aliases.
    if func.find('|').is_some_and(|a| a > 0)
        && let Some(a) = name.find('|').filter(|&a| a > 0)
    {
        name = &name[..a];
    }
    if !is_identifier(name) {
        return Err((
            name_at,
            format!(
                "`{name}` is not a syscall name: genseccomp.py would look it up as it is in the kernel's headers and stop"
            ),
        ));
    }
    Ok((
        name,
        name_at,
        line[rp + 1..].trim(),
        rp + 1 + (line[rp + 1..].len() - line[rp + 1..].trim_start().len()),
    ))
}

/// The architectures of a line's list (`all`, `lp32`, `lp64` or names,
/// comma-separated without spaces); a mistake at an offset of the list.
fn line_arches(arch_list: &str, line: &str) -> Result<Vec<&'static str>, LineError> {
    if arch_list == "all" {
        return Ok(ARCHES.iter().map(|(n, _)| *n).collect());
    }
    let mut arches = Vec::new();
    let mut offset = 0;
    for a in arch_list.split(',') {
        match a {
            "lp32" => arches.extend(["arm", "x86"]),
            "lp64" => arches.extend(["arm64", "riscv64", "x86_64"]),
            _ => match ARCHES.iter().find(|(n, _)| *n == a) {
                Some((n, _)) => arches.push(*n),
                None => {
                    return Err((
                        offset,
                        format!("invalid syscall architecture `{a}` in `{line}`"),
                    ));
                }
            },
        }
        offset += a.len() + 1;
    }
    Ok(arches)
}

/// A C identifier, which every `__NR_` and `__ARM_NR_` name is.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether Python's `int(text)` accepts `text`: surrounding whitespace, a
/// sign, decimal digits with single `_` between them.
fn python_int(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    !t.is_empty()
        && !t.starts_with('_')
        && !t.ends_with('_')
        && !t.contains("__")
        && t.chars().all(|c| c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests;
