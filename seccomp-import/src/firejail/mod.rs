//! firejail profiles, as firejail 0.9.72 applies them: the main filter of
//! `seccomp`, `seccomp.drop` or `seccomp.keep` (`lists`), and the
//! filters of `memory-deny-write-execute`, `restrict-namespaces` and
//! `protocol` (`extra`) installed beside it, combined as the kernel
//! combines stacked filters (`stack`). The profile is read as
//! firejail reads it, includes and all (`profile`).
//!
//! Which main filter (src/firejail/sandbox.c, src/firejail/seccomp.c
//! `seccomp_filter_drop`, `seccomp_filter_keep`): `seccomp.keep` if given,
//! else `seccomp.drop`, else `seccomp` (firejail's default list plus its
//! list); each keeps its last line only.
//!
//! The order firejail installs them in (`seccomp_load` puts each filter at
//! the head of a list, `seccomp_install_filters` installs from the head):
//! `restrict-namespaces` first, then `memory-deny-write-execute`, the main
//! filter, `protocol`, and after the exec the post-exec filter of
//! `seccomp`/`seccomp.drop` (execve, execveat, prctl).
//!
//! Our filters refuse i386 and x32 syscalls on x86_64 whatever the profile
//! says: `seccomp.32*` lines are skipped with a warning and
//! `seccomp.block-secondary` is what they do anyway.
//!
//! Groups are firejail 0.9.72's (`groups`), written with our
//! `@firejail-<name>` groups (`@default-nodebuggers`, `@default-keep`)
//! and the differences spelled out.

mod extra;
mod groups;
mod lists;
mod profile;

use super::text::PolicyText;
use super::{Draft, ImportError, ImportOptions, Imported};
use crate::stack::{self, Layer, Rule};
use lists::{Check, Filter, List};
use profile::{At, Dirs, Profile, Set};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let dirs = Dirs {
        search: opts.include_dirs.clone(),
        home: opts
            .home
            .clone()
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from)),
    };
    let p = profile::read(source_name, text, &dirs)?;
    let mut draft = Draft::new();
    draft.header.push(format!(
        "Imported from {source_name} (firejail profile) by `seccompc import --from firejail`, as firejail 0.9.72 applies it."
    ));
    let deny = error_action(&p)?;
    let mut arches = targets(&p, opts, &mut draft)?;
    let main = main_filter(&p, deny, &arches, &mut draft)?;
    if let Some(m) = &main {
        without_arm_if_it_differs(m, opts, &mut arches, &mut draft)?;
    }
    let older = older_layers(&p, deny)?;
    let newer = newer_layers(&p, main.as_ref())?;
    if main.is_none() && older.is_empty() && newer.is_empty() {
        return Err(ImportError::new(
            source_name,
            "no `seccomp`, `seccomp.drop`, `seccomp.keep`, `memory-deny-write-execute`, `restrict-namespaces` or `protocol` line: the profile installs no seccomp filter",
        ));
    }
    settings(&mut draft, &p, main.as_ref(), deny, &arches);
    notes(&mut draft, &p);
    let mut body = PolicyText::new();
    if let Some(m) = &main {
        body.comment(&m.title);
        m.filter.write(&mut body, deny, &arches);
    }
    let action = |name: &str| {
        main.as_ref()
            .map_or(Action::Allow, |m| m.filter.action(name))
    };
    stack::write(&mut body, &arches, &action, &older, &newer).map_err(|c| {
        ImportError::new(
            source_name,
            format!(
                "`{}` is restricted by conditions of two filters ({}), which one policy cannot combine",
                c.syscall,
                c.layers.join("; ")
            ),
        )
    })?;
    draft.body = body;
    acknowledgements(&mut draft, &p);
    draft.finish(source_name)
}

/// The main filter and how to describe it.
struct Main {
    title: String,
    filter: Filter,
    /// The post-exec filter's checks (`seccomp`/`seccomp.drop`).
    post: Vec<Check>,
    keep: bool,
    /// The list's line.
    at: At,
    /// The list's names firejail 0.9.72 does not know (skipped).
    newer: Vec<String>,
}

/// `seccomp-error-action` (profile.c: `kill`, `log` or an errno name, any
/// case); EPERM without one. `kill` is SECCOMP_RET_KILL, which kills the
/// thread.
fn error_action(p: &Profile) -> Result<Action, ImportError> {
    let Some(set) = &p.error_action else {
        return Ok(Action::Errno(EPERM));
    };
    match set.value.as_str() {
        "kill" => Ok(Action::KillThread),
        "log" => Ok(Action::Log),
        name => lists::firejail_errno(name)
            .map(Action::Errno)
            .ok_or_else(|| {
                set.at
                    .error(format!(
                        "unknown seccomp-error-action `{name}` (firejail refuses it)"
                    ))
                    .with_help("expected `kill`, `log` or an errno name such as EPERM")
            }),
    }
}

const EPERM: u16 = 1;

/// The architectures to compile for: `--arch`, else all but those where
/// `memory-deny-write-execute` means something else.
fn targets(p: &Profile, opts: &ImportOptions, draft: &mut Draft) -> Result<Vec<Arch>, ImportError> {
    let mut arches = opts.arches.clone().unwrap_or_else(|| Arch::ALL.to_vec());
    let Some(at) = &p.memory_deny_write_execute else {
        return Ok(arches);
    };
    let odd: Vec<Arch> = arches
        .iter()
        .copied()
        .filter(|a| extra::OLD_MMAP.contains(a))
        .collect();
    if odd.is_empty() {
        return Ok(arches);
    }
    let names: Vec<&str> = odd.iter().map(|a| a.name()).collect();
    let why = format!(
        "memory-deny-write-execute ({at}) refuses `mmap` outright on x86 (old_mmap, whose arguments a filter cannot read) and has no `mmap` rule on s390x, unlike on the other architectures; one policy cannot say both"
    );
    if opts.arches.is_some() {
        return Err(at
            .error(format!("cannot import for {}: {why}", names.join(", ")))
            .with_help("import for the other architectures"));
    }
    arches.retain(|a| !odd.contains(a));
    let msg = format!("not compiled for {}: {why}", names.join(", "));
    draft.header.push(format!("{msg}."));
    draft.warnings.push(msg);
    Ok(arches)
}

/// Leaves arm out where the main list names a syscall firejail 0.9.72's
/// x86_64 table lacks and its arm table has (`lists::ARM_ONLY_KNOWN`):
/// fseccomp skips the item on x86_64, which the import follows, but
/// applies it on arm.
fn without_arm_if_it_differs(
    m: &Main,
    opts: &ImportOptions,
    arches: &mut Vec<Arch>,
    draft: &mut Draft,
) -> Result<(), ImportError> {
    let names: Vec<&str> = m
        .newer
        .iter()
        .map(String::as_str)
        .filter(|n| lists::ARM_ONLY_KNOWN.contains(n))
        .collect();
    if names.is_empty() || !arches.contains(&Arch::Arm) {
        return Ok(());
    }
    let why = format!(
        "firejail 0.9.72 skips {} on x86_64, whose table lacks them, but applies them on arm, whose table has them (src/include/syscall_armeabi.h); one policy cannot say both",
        names.join(", ")
    );
    if opts.arches.is_some() {
        return Err(
            ImportError::new(m.at.to_string(), format!("cannot import for arm: {why}"))
                .with_help("import for the other architectures"),
        );
    }
    arches.retain(|&a| a != Arch::Arm);
    let msg = format!("not compiled for arm: {why}");
    draft.header.push(format!("{msg}."));
    draft.warnings.push(msg);
    Ok(())
}

fn main_filter(
    p: &Profile,
    deny: Action,
    arches: &[Arch],
    draft: &mut Draft,
) -> Result<Option<Main>, ImportError> {
    let Some(on) = &p.seccomp else {
        return Ok(None);
    };
    let mut read = |set: &Set<String>| -> Result<List, ImportError> {
        let list = lists::read_list(set, arches)?;
        for s in &list.skipped {
            draft.header.push(format!("Skipped: {s}."));
            draft.warnings.push(s.clone());
        }
        Ok(list)
    };
    if let Some(keep) = &p.keep {
        let list = read(keep)?;
        for (what, set) in [("seccomp.drop", &p.drop), ("seccomp", &p.list)] {
            if let Some(s) = set {
                let msg = format!(
                    "`{what}` at {} is not used: `seccomp.keep` decides (firejail: seccomp.keep, then seccomp.drop, then seccomp)",
                    s.at
                );
                draft.header.push(format!("{msg}."));
                draft.warnings.push(msg);
            }
        }
        return Ok(Some(Main {
            title: format!(
                "{}: seccomp.keep: only @default-keep (execve, execveat, prctl: firejail starts the program with them) and the listed syscalls run (fseccomp seccomp_keep)",
                keep.at
            ),
            filter: lists::keep_filter(&list, &keep.at, deny),
            post: Vec::new(),
            keep: true,
            at: keep.at.clone(),
            newer: list.newer,
        }));
    }
    if let Some(drop) = &p.drop {
        let list = read(drop)?;
        if let Some(s) = &p.list {
            let msg = format!(
                "`seccomp` at {} is not used: `seccomp.drop` decides (firejail: seccomp.keep, then seccomp.drop, then seccomp)",
                s.at
            );
            draft.header.push(format!("{msg}."));
            draft.warnings.push(msg);
        }
        let (filter, post) = lists::drop_filter(Some(&list), None, deny);
        return Ok(Some(Main {
            title: format!(
                "{}: seccomp.drop: the listed syscalls are refused (fseccomp seccomp_drop)",
                drop.at
            ),
            filter,
            post,
            keep: false,
            at: drop.at.clone(),
            newer: list.newer,
        }));
    }
    let list = p.list.as_ref().map(&mut read).transpose()?;
    let group = lists::default_group(p.allow_debuggers.is_some());
    let at = p.list.as_ref().map_or(on, |l| &l.at);
    let (filter, post) = lists::drop_filter(list.as_ref(), Some((group, at)), deny);
    Ok(Some(Main {
        title: format!(
            "{at}: seccomp: firejail's default list ({group}) and the listed syscalls are refused (fseccomp seccomp_default_drop)"
        ),
        filter,
        post,
        keep: false,
        at: at.clone(),
        newer: list.map(|l| l.newer).unwrap_or_default(),
    }))
}

/// The filters installed before the main one, oldest first.
fn older_layers(p: &Profile, deny: Action) -> Result<Vec<Layer>, ImportError> {
    let mut out = Vec::new();
    if let Some(ns) = &p.namespaces {
        out.push(extra::restrict_namespaces(ns, deny)?);
    }
    if let Some(at) = &p.memory_deny_write_execute {
        out.push(extra::memory_deny_write_execute(at, deny));
    }
    Ok(out)
}

/// The filters installed after the main one, oldest first.
fn newer_layers(p: &Profile, main: Option<&Main>) -> Result<Vec<Layer>, ImportError> {
    let mut out = Vec::new();
    if let Some(set) = &p.protocol {
        out.push(extra::protocol(set)?);
    }
    if let Some(m) = main.filter(|m| !m.post.is_empty()) {
        out.push(Layer {
            title: "The post-exec filter: firejail refuses these listed syscalls only after the program started, as it needs them to start it (fseccomp seccomp_drop). Installed before an exec (seccompc run), this policy refuses them to the exec too.".to_owned(),
            rules: m
                .post
                .iter()
                .map(|c| match &c.target {
                    lists::Target::Syscall(s) => Rule::always(s.clone(), c.action),
                    // drop_filter puts single syscalls here.
                    other => unreachable!("post-exec check on {other:?}"),
                })
                .collect(),
        });
    }
    Ok(out)
}

fn settings(draft: &mut Draft, p: &Profile, main: Option<&Main>, deny: Action, arches: &[Arch]) {
    match &p.error_action {
        Some(s) => draft.settings.setting(
            &format!("deny {deny};"),
            &format!("{}: seccomp-error-action {}", s.at, s.value),
        ),
        None => draft.settings.setting(
            "deny errno(EPERM);",
            "firejail's default seccomp-error-action",
        ),
    }
    if main.is_some_and(|m| m.keep) {
        draft.settings.setting(
            &format!("unknown {deny};"),
            "seccomp.keep refuses every syscall it does not list, new ones included",
        );
    } else {
        draft
            .settings
            .setting("default allow;", "a deny-list: what it does not name runs");
        draft.settings.setting(
            "unknown allow;",
            "firejail's deny-lists let syscalls newer than its tables through",
        );
    }
    if arches != Arch::ALL {
        let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
        draft.settings.line(&format!("arch {};", names.join(", ")));
    }
}

/// Header comments and warnings for what the import read, skipped or
/// could not apply.
fn notes(draft: &mut Draft, p: &Profile) {
    let h = &mut draft.header;
    if p.files.len() > 1 {
        h.push(format!("Files read: {}.", p.files.join(", ")));
    }
    h.extend(p.replaced.iter().map(|r| format!("{r}.")));
    draft.warnings.extend(p.replaced.iter().cloned());
    let h = &mut draft.header;
    if p.error_action.is_some() {
        h.push(
            "firejail.config's seccomp-error-action, when set there, overrides the profile's."
                .to_owned(),
        );
    }
    if let Some(at) = &p.block_secondary {
        h.push(format!(
            "{at}: seccomp.block-secondary: our filters always refuse other ABIs (i386 and x32 on x86_64)."
        ));
    }
    for at in &p.secondary {
        let msg = format!(
            "{at}: a `seccomp.32` line configures the i386 filter of an x86_64 system; our filters refuse every i386 syscall there, so it is skipped"
        );
        h.push(format!("Skipped: {msg}."));
        draft.warnings.push(msg);
    }
    if !p.missing_local.is_empty() {
        let list: Vec<String> = p
            .missing_local
            .iter()
            .map(|(f, at)| format!("{f} ({at})"))
            .collect();
        let msg = format!(
            "included files that do not exist, skipped as firejail skips missing `.local` files: {}",
            list.join(", ")
        );
        h.push(format!("{msg}."));
        draft.warnings.push(msg);
    }
    if !p.skipped.is_empty() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (option, _) in &p.skipped {
            *counts.entry(option.as_str()).or_default() += 1;
        }
        let list: Vec<String> = counts
            .iter()
            .map(|(o, n)| {
                if *n == 1 {
                    (*o).to_owned()
                } else {
                    format!("{o} ({n})")
                }
            })
            .collect();
        let msg = format!(
            "skipped {} line(s) whose options do not change the seccomp filter: {}",
            p.skipped.len(),
            list.join(", ")
        );
        h.push(format!("{msg}."));
        draft.warnings.push(msg);
    }
}

fn acknowledgements(draft: &mut Draft, p: &Profile) {
    let ptrace = if p.allow_debuggers.is_some() {
        "`allow-debuggers`: the profile lets programs trace each other (gdb, strace), accepting that a tracer can change syscalls after the filter"
    } else {
        "The profile lets `ptrace` through (an exemption from firejail's default list, or a list without it), accepting that a tracer can change syscalls after the filter"
    };
    draft.ack_reasons.insert("ptrace", ptrace.to_owned());
    draft.ack_reasons.insert(
        "socketcall",
        "firejail's `protocol` filter checks `socket` only; `socketcall`, which a filter cannot look into, is not filtered (fseccomp protocol.c)".to_owned(),
    );
    draft.ack_reasons.insert(
        "clone3",
        "The profile restricts `clone` while letting `clone3` through, as firejail's filters do"
            .to_owned(),
    );
}

#[cfg(test)]
mod tests;
