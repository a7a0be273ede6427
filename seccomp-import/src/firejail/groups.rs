//! firejail 0.9.72's syscall groups, which are not the groups of the
//! newer firejail our tables transcribe (`@firejail-<name>`): 0.9.72's
//! `@default` has `mincore` and `remap_file_pages`, its `@file-system` has
//! `mmap`, its `@process` no `getpid`, ... An import means what 0.9.72
//! means, so it expands these (`groups-0.9.72.json`, transcribed from
//! src/lib/syscall.c `sysgroups[]` at tag 0.9.72) and writes our group with
//! the differences spelled out, or the members themselves where the
//! groups differ much.

use super::super::json;
use super::super::text::Item;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{groups as ours, syscalls};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("groups-0.9.72.json");

/// Group name (with `@`) -> its syscalls, nested groups expanded, in
/// source order without repeats.
fn table() -> &'static BTreeMap<String, Vec<String>> {
    static TABLE: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The file is part of the crate and checked by the tests below.
        let doc = json::parse(DATA).expect("groups-0.9.72.json is valid JSON");
        let raw: BTreeMap<String, Vec<String>> = doc
            .get("groups")
            .and_then(json::Node::as_object)
            .expect("a `groups` object")
            .iter()
            .map(|(name, list)| {
                let members = list
                    .as_array()
                    .expect("a list per group")
                    .iter()
                    .map(|m| m.as_str().expect("names").to_owned())
                    .collect();
                (name.clone(), members)
            })
            .collect();
        raw.keys()
            .map(|g| {
                let mut out = Vec::new();
                expand(&raw, g, &mut out);
                (g.clone(), out)
            })
            .collect()
    })
}

fn expand(raw: &BTreeMap<String, Vec<String>>, group: &str, out: &mut Vec<String>) {
    for m in raw.get(group).map_or(&[][..], Vec::as_slice) {
        if m.starts_with('@') {
            expand(raw, m, out);
        } else if !out.contains(m) {
            out.push(m.clone());
        }
    }
}

/// The syscalls of firejail's group `name` (with the `@`).
pub(crate) fn members(name: &str) -> Option<&'static [String]> {
    table().get(name).map(Vec::as_slice)
}

pub(crate) fn contains(group: &str, syscall: &str) -> bool {
    members(group).is_some_and(|m| m.iter().any(|s| s == syscall))
}

/// Our table's name for firejail's group: `@default-nodebuggers` and
/// `@default-keep` keep theirs, the others are `@firejail-<name>`.
fn our_name(name: &str) -> String {
    match name {
        "@default-nodebuggers" | "@default-keep" => name.to_owned(),
        other => format!("@firejail-{}", &other[1..]),
    }
}

/// More differences than this and the members are listed instead.
const MAX_CORRECTIONS: usize = 12;

/// Items naming firejail's group `name` without `except`, on `arches`:
/// our group with `!name` for what 0.9.72 lacks and names for what it has
/// besides, or the members themselves.
pub(crate) fn items(name: &str, except: &[String], arches: &[Arch]) -> Vec<Item> {
    let known = |s: &str| {
        arches
            .iter()
            .any(|&a| syscalls::table(a).number(s).is_some())
    };
    let theirs: Vec<&str> = members(name)
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .filter(|s| known(s) && !except.iter().any(|e| e == s))
        .collect();
    let ours_name = our_name(name);
    let Some(our_members) = ours::expanded(&ours_name) else {
        return theirs.into_iter().map(Item::new).collect();
    };
    let our_members: Vec<&str> = our_members.iter().copied().filter(|s| known(s)).collect();
    let extra: Vec<&str> = our_members
        .iter()
        .copied()
        .filter(|s| !theirs.contains(s))
        .collect();
    let missing: Vec<&str> = theirs
        .iter()
        .copied()
        .filter(|s| !our_members.contains(s))
        .collect();
    if extra.len() + missing.len() > MAX_CORRECTIONS {
        return theirs.into_iter().map(Item::new).collect();
    }
    std::iter::once(Item::new(ours_name))
        .chain(extra.into_iter().map(|s| Item::new(format!("!{s}"))))
        .chain(missing.into_iter().map(Item::new))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_nests() {
        assert_eq!(table().len(), 29);
        assert_eq!(
            members("@default-keep").unwrap(),
            ["execveat", "execve", "prctl"]
        );
        assert!(contains("@default-nodebuggers", "ptrace"));
        assert!(
            contains("@default-nodebuggers", "mount"),
            "through @default, @mount"
        );
        assert!(contains("@default", "remap_file_pages"));
        assert!(!contains("@process", "getpid"));
    }

    #[test]
    fn items_spell_out_differences() {
        let texts = |v: Vec<Item>| v.into_iter().map(|i| i.text).collect::<Vec<_>>();
        assert_eq!(
            texts(items("@default-keep", &[], &[Arch::X86_64])),
            ["@default-keep"]
        );
        let clock = texts(items("@clock", &[], &[Arch::X86_64]));
        assert_eq!(clock[0], "@firejail-clock");
        assert!(clock.contains(&"settimeofday".to_owned()), "{clock:?}");
        let except = texts(items("@default-keep", &["execve".into()], &[Arch::X86_64]));
        assert_eq!(except, ["@default-keep", "!execve"]);
    }
}
