//! Our expansion of every systemd group (`tables::groups::expand`) against
//! what this machine's systemd says (`systemd-analyze syscall-filter`,
//! nested groups expanded with its own listing). Our groups transcribe a
//! newer systemd than Debian bookworm's 252; every difference must be one
//! listed, with its reason, in `tests/fixtures/systemd-252-group-differences.txt`.
//!
//! Without `systemd-analyze` the test says so and passes (the `systemd`
//! package provides it; `.ci/run` installs it).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use seccomp_compiler::tables::groups;
use tests::systemd::{expand, parse_listing};

const FIXTURE: &str = include_str!("../fixtures/systemd-252-group-differences.txt");

/// One difference: (group, "+name" / "-name" / "group").
type Difference = (String, String);

/// The fixture: its systemd version line and the differences with reasons.
fn fixture() -> (String, BTreeMap<Difference, String>) {
    let mut version = String::new();
    let mut out = BTreeMap::new();
    for line in FIXTURE.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("systemd ") {
            version = line.to_owned();
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let (Some(group), Some(what), Some(reason)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("fixture line without a reason: {line}");
        };
        out.insert((group.to_owned(), what.to_owned()), reason.to_owned());
    }
    (version, out)
}

fn differences(listing: &BTreeMap<String, Vec<String>>) -> BTreeSet<Difference> {
    let mut out = BTreeSet::new();
    for g in groups::GROUPS
        .iter()
        .filter(|g| g.origin.starts_with("systemd "))
    {
        if !listing.contains_key(g.name) {
            out.insert((g.name.to_owned(), "group".to_owned()));
            continue;
        }
        let ours: BTreeSet<String> = groups::expand(g.name)
            .expect("our group")
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut theirs = BTreeSet::new();
        expand(listing, g.name, &mut theirs);
        for n in ours.difference(&theirs) {
            out.insert((g.name.to_owned(), format!("+{n}")));
        }
        for n in theirs.difference(&ours) {
            out.insert((g.name.to_owned(), format!("-{n}")));
        }
    }
    for g in listing.keys() {
        if groups::group(g).is_none() {
            out.insert((g.clone(), "missing".to_owned()));
        }
    }
    out
}

#[test]
fn systemd_groups_match_systemd_analyze() {
    let run = Command::new("systemd-analyze")
        .args(["syscall-filter", "--no-pager"])
        .output();
    let Some(run) = run.ok().filter(|o| o.status.success()) else {
        println!(
            "NOTICE: `systemd-analyze syscall-filter` is not available here (package `systemd`): \
             our systemd groups were NOT compared with systemd's"
        );
        return;
    };
    let version = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_default();
    let listing = parse_listing(&String::from_utf8_lossy(&run.stdout));
    assert!(
        listing.len() > 20,
        "too few groups parsed: {:?}",
        listing.keys()
    );
    let found = differences(&listing);
    let (fixture_version, known) = fixture();
    println!(
        "{version}: {} groups compared, {} differences, all listed with a reason:",
        listing.len(),
        found.len()
    );
    let mut unexplained = Vec::new();
    for d in &found {
        match known.get(d) {
            Some(reason) => println!("  {} {}: {reason}", d.0, d.1),
            None => unexplained.push(format!("{} {}", d.0, d.1)),
        }
    }
    assert!(
        unexplained.is_empty(),
        "differences from {version} not in the fixture (add each with its reason): {unexplained:#?}"
    );
    let stale: Vec<String> = known
        .keys()
        .filter(|d| !found.contains(d))
        .map(|d| format!("{} {}", d.0, d.1))
        .collect();
    if version.starts_with(&fixture_version) {
        assert!(
            stale.is_empty(),
            "fixture lines that no longer differ on {version}: {stale:#?}"
        );
    } else if !stale.is_empty() {
        println!(
            "NOTICE: {version} is not the fixture's {fixture_version}; lines not seen here: {stale:?}"
        );
    }
}

#[test]
fn listing_parser_reads_nested_groups() {
    let text = "@a\n    # desc\n    x\n    @b\n\n@b\n    # other\n    y\n\n# Ungrouped System Calls:\n#   z\n";
    let listing = parse_listing(text);
    let mut a = BTreeSet::new();
    expand(&listing, "@a", &mut a);
    assert_eq!(a, BTreeSet::from(["x".to_owned(), "y".to_owned()]));
    assert_eq!(listing.len(), 2);
}
