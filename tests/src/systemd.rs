//! This machine's systemd groups, as `systemd-analyze syscall-filter`
//! lists them (for the tests that compare with systemd).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// `systemd-analyze syscall-filter`'s groups; `None` without
/// `systemd-analyze`.
pub fn listing() -> Option<BTreeMap<String, Vec<String>>> {
    let run = Command::new("systemd-analyze")
        .args(["syscall-filter", "--no-pager"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    Some(parse_listing(&String::from_utf8_lossy(&run.stdout)))
}

/// `systemd-analyze syscall-filter` output: group -> members (syscalls
/// and `@group` references), in order.
pub fn parse_listing(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('@') {
            let name = line.trim().to_owned();
            out.entry(name.clone()).or_default();
            current = Some(name);
        } else if let (Some(g), Some(member)) = (&current, line.strip_prefix("    ")) {
            let member = member.trim();
            if !member.starts_with('#') && !member.is_empty() {
                out.get_mut(g)
                    .expect("inserted above")
                    .push(member.to_owned());
            }
        } else {
            // A blank line ends a group; `# Ungrouped ...` trailers are not groups.
            current = None;
        }
    }
    out
}

/// The syscalls of `group`, nested groups expanded.
pub fn expand(listing: &BTreeMap<String, Vec<String>>, group: &str, out: &mut BTreeSet<String>) {
    for m in listing.get(group).into_iter().flatten() {
        if m.starts_with('@') {
            expand(listing, m, out);
        } else {
            out.insert(m.clone());
        }
    }
}
