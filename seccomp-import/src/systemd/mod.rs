//! systemd units, as systemd 257 applies them: the unit file read as
//! systemd reads it (`unit`), `SystemCallFilter=` and
//! `SystemCallErrorNumber=` (`filter`), and the other settings that
//! install a seccomp filter of their own (`protect`: `ProtectClock=`,
//! `RestrictNamespaces=`, `RestrictAddressFamilies=`,
//! `MemoryDenyWriteExecute=`, ...), stacked under `SystemCallFilter=` as
//! the kernel stacks filters (`stack`).
//!
//! Settings are read in the sections of units that run processes
//! (`[Service]`, `[Socket]`, `[Mount]`, `[Swap]`); everything else in a
//! unit cannot change a seccomp filter and is skipped, listed in a warning.
//! `SystemCallArchitectures=` decides which ABIs may make syscalls: our
//! filters refuse every ABI but the native one whatever it says.
//! Drop-in files (`unit.d/*.conf`) are not read; import them one after the
//! other, appended to the unit.
//!
//! Group names are systemd's, the same as ours (our tables transcribe a
//! systemd newer than 257; `tests/fixtures/systemd-252-group-differences.txt`
//! lists where they differ from 252's).

mod filter;
mod protect;
mod unit;

use super::{Draft, ImportError, ImportOptions, Imported};
use crate::stack;
use crate::text::PolicyText;
use filter::SyscallFilter;
use seccomp_compiler::arch::Arch;
use std::collections::BTreeMap;

/// The sections whose settings configure how a unit runs processes
/// (load-fragment-gperf.gperf.in's `{{type}}` entries).
const EXEC_SECTIONS: [&str; 4] = ["Service", "Socket", "Mount", "Swap"];

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let unit = unit::read(source_name, text)?;
    let mut arches = opts.arches.clone().unwrap_or_else(|| Arch::ALL.to_vec());
    let mut draft = Draft::new();
    draft.header.push(format!(
        "Imported from {source_name} (systemd unit) by `seccompc import --from systemd`, as systemd 257 applies it."
    ));
    if unit.bare {
        draft
            .header
            .push("No section header: read as the settings of a [Service] section.".to_owned());
    }
    let mut filter = SyscallFilter::default();
    let mut other = protect::Settings::default();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for a in &unit.assignments {
        let section = a.section.as_deref().unwrap_or_default();
        if !EXEC_SECTIONS.contains(&section) {
            if a.key.starts_with("SystemCall") {
                draft.warnings.push(format!(
                    "{}: {} in [{section}] is ignored, as systemd reads it only in [Service], [Socket], [Mount] and [Swap]",
                    a.at, a.key
                ));
            } else {
                *skipped.entry(a.key.clone()).or_default() += 1;
            }
            continue;
        }
        match a.key.as_str() {
            "SystemCallFilter" => filter.line(a, &arches),
            "SystemCallErrorNumber" => filter.error_number(a),
            _ if other.take(a, &arches)? => {}
            _ => *skipped.entry(a.key.clone()).or_default() += 1,
        }
    }
    if let Some(at) = filter.write_conflict() {
        return Err(ImportError::new(
            at,
            "`write` has an errno of its own in an allow-list: systemd 257 refuses to start such a unit (it adds `write` to every allow-list)",
        ));
    }
    restrict_arches(&mut arches, &other, opts, &mut draft)?;
    let layers = other.layers()?;
    if !filter.installed() && layers.is_empty() {
        return Err(ImportError::new(
            source_name,
            "no `SystemCallFilter=` (after the last reset) and no other setting that installs a seccomp filter: the unit has none",
        ));
    }
    settings(&mut draft, &filter, &arches, opts);
    let mut body = PolicyText::new();
    filter.write(&mut body, &mut draft.header);
    stack::write(&mut body, &arches, &|name| filter.action(name), &layers, &[]).map_err(|c| {
        ImportError::new(
            source_name,
            format!(
                "`{}` is restricted by conditions of two settings ({}), which one policy cannot combine",
                c.syscall,
                c.layers.join("; ")
            ),
        )
    })?;
    draft.body = body;
    notes(&mut draft, &unit, &filter, &other, &skipped);
    draft.ack_reasons.insert(
        "ptrace",
        "The unit's filter lets `ptrace` through; it accepts that a tracer can change syscalls after the filter".to_owned(),
    );
    draft.ack_reasons.insert(
        "clone3",
        "The unit restricts `clone` while letting `clone3` through, as systemd's filters do"
            .to_owned(),
    );
    draft.finish(source_name)
}

/// Leaves out of the default architectures those where a setting means
/// something else (an error when `--arch` names one).
fn restrict_arches(
    arches: &mut Vec<Arch>,
    other: &protect::Settings,
    opts: &ImportOptions,
    draft: &mut Draft,
) -> Result<(), ImportError> {
    for (arch, why) in other.odd_arches() {
        if !arches.contains(&arch) {
            continue;
        }
        if opts.arches.is_some() {
            return Err(ImportError::new(
                "--arch",
                format!(
                    "cannot import for {arch}: {why}; one policy cannot say that and the rule of the other architectures"
                ),
            ));
        }
        arches.retain(|&a| a != arch);
        let msg = format!("not compiled for {arch}: {why}");
        draft.header.push(format!("{msg}."));
        draft.warnings.push(msg);
    }
    Ok(())
}

fn settings(draft: &mut Draft, filter: &SyscallFilter, arches: &[Arch], opts: &ImportOptions) {
    let deny = filter.deny();
    match &filter.errno {
        Some((_, at)) => draft.settings.setting(
            &format!("deny {deny};"),
            &format!("{at}: SystemCallErrorNumber="),
        ),
        None => draft.settings.setting(
            "deny kill_process;",
            "no SystemCallErrorNumber=: a refused syscall kills the process (SIGSYS)",
        ),
    }
    if filter.installed() {
        filter.settings(&mut draft.settings);
    } else {
        draft.settings.setting(
            "default allow;",
            "no SystemCallFilter=: only the other settings refuse",
        );
        draft.settings.setting("unknown allow;", "");
    }
    if opts.arches.is_some() || arches.len() < Arch::ALL.len() {
        let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
        draft.settings.line(&format!("arch {};", names.join(", ")));
    }
}

fn notes(
    draft: &mut Draft,
    unit: &unit::Unit,
    filter: &SyscallFilter,
    other: &protect::Settings,
    skipped: &BTreeMap<String, usize>,
) {
    for (at, value) in &other.archs {
        draft.header.push(format!(
            "{at}: SystemCallArchitectures={value}: our filters refuse every ABI but the native one (i386 and x32 on x86_64)."
        ));
        if value.split_whitespace().any(|a| a != "native") {
            draft.warnings.push(format!(
                "{at}: other ABIs are refused by our filters whatever `SystemCallArchitectures=` allows"
            ));
        }
    }
    let warned = unit
        .ignored
        .iter()
        .chain(&filter.warnings)
        .chain(&other.warnings);
    draft.warnings.extend(warned.cloned());
    if !skipped.is_empty() {
        let list: Vec<String> = skipped
            .iter()
            .map(|(k, n)| {
                if *n == 1 {
                    k.clone()
                } else {
                    format!("{k} ({n})")
                }
            })
            .collect();
        let msg = format!(
            "skipped settings that install no seccomp filter: {}",
            list.join(", ")
        );
        draft.header.push(format!("{msg}."));
        draft.warnings.push(msg);
    }
}

#[cfg(test)]
mod tests;
