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
//! The lists are read from the directory of the file given (any of them),
//! and the policy is `--filter app` or `--filter system`, or the one the
//! file's name says (`..._APP.TXT`, `..._SYSTEM.TXT`).

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

/// The files each policy reads, besides SYSCALLS.TXT.
fn lists(policy: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    match policy {
        "app" => Some((
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
/// each with the line that lists it.
type Listed = BTreeMap<&'static str, BTreeMap<String, usize>>;

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
        return Err(ImportError::new(source_name, format!("unknown bionic policy `{policy}`"))
            .with_help("--filter app or --filter system (app_zygote's block list is generated at build time)"));
    };
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
        for (n, line) in on(l) {
            if !names.contains_key(&n) {
                return Err(ImportError::new(
                    format!("{file}:{line}"),
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
        .map(|(n, l)| (n, format!("{base_name}:{l}")))
        .collect();
    for (file, l) in allow {
        for (n, line) in on(l) {
            lines.entry(n).or_insert(format!("{file}:{line}"));
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

/// One list file: per architecture, the names and their lines
/// (SysCallsTxtParser.parse_line).
fn parse(file: &str, text: &str) -> Result<Listed, ImportError> {
    let mut out: Listed = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{file}:{}", i + 1);
        let err = |m: String| ImportError::new(&at, m);
        let lp = line
            .find('(')
            .ok_or_else(|| err(format!("missing left parenthesis in `{line}`")))?;
        let rp = line.rfind(')').filter(|&r| r > lp).ok_or_else(|| {
            err(format!(
                "missing or misplaced right parenthesis in `{line}`"
            ))
        })?;
        let func = &line[..lp];
        let name = match func.find(':') {
            None => func,
            Some(0) => return Err(err(format!("misplaced colon in `{line}`"))),
            Some(c) => {
                let rest = &func[c + 1..];
                match rest.find(':') {
                    None => rest,
                    Some(c2) => &rest[..c2],
                }
            }
        };
        // `func|alias:name|...`: the name up to its `|`.
        let name = name.split('|').next().unwrap_or(name).trim();
        if name.is_empty() {
            return Err(err(format!("misplaced colon in `{line}`")));
        }
        let arch_list = line[rp + 1..].trim();
        let mut arches: Vec<&'static str> = Vec::new();
        if arch_list == "all" {
            arches.extend(ARCHES.iter().map(|(n, _)| *n));
        } else {
            for a in arch_list.split(',') {
                match a {
                    "lp32" => arches.extend(["arm", "x86"]),
                    "lp64" => arches.extend(["arm64", "riscv64", "x86_64"]),
                    _ => match ARCHES.iter().find(|(n, _)| *n == a) {
                        Some((n, _)) => arches.push(n),
                        None => {
                            return Err(err(format!(
                                "invalid syscall architecture `{a}` in `{line}`"
                            )));
                        }
                    },
                }
            }
        }
        for a in arches {
            out.entry(a)
                .or_default()
                .entry(name.to_owned())
                .or_insert(i + 1);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
