//! The SeccompProfile importer: verdicts worked out by hand from the
//! operator's source (see the module comment) over its examples and a
//! profile with a base.

use crate::testutil::{corpus, verdict};
use crate::{Format, ImportOptions, import};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;

const X: Arch = Arch::X86_64;

fn opts(filter: &str) -> ImportOptions {
    ImportOptions {
        filter: Some(filter.to_owned()),
        arches: Some(vec![X]),
        ..ImportOptions::default()
    }
}

fn spo(file: &str, filter: &str) -> Result<String, String> {
    let path = format!("spo/{file}");
    import(Format::Spo, &path, &corpus(&path), &opts(filter))
        .map(|i| i.policy)
        .map_err(|e| e.to_string())
}

#[test]
fn the_operators_examples() {
    let e = import(
        Format::Spo,
        "spo/seccompprofile.yaml",
        &corpus("spo/seccompprofile.yaml"),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.help,
        [
            "choose one with --filter: `profile-block-all`, `profile-complain-unsafe`, `profile-allow-unsafe`, `profile-complain-block-high-risk`"
        ]
    );
    let p = spo("seccompprofile.yaml", "profile-block-all").unwrap();
    assert_eq!(verdict(&p, X, "read", &[]), Action::Errno(1));
    let p = spo("seccompprofile.yaml", "profile-allow-unsafe").unwrap();
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Allow);
    let p = spo("seccompprofile.yaml", "profile-complain-block-high-risk").unwrap();
    assert_eq!(verdict(&p, X, "futex", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "read", &[]), Action::Log);
    let p = spo(
        "seccompprofile-allowed-syscalls-change.yaml",
        "profile-allowed-syscalls",
    )
    .unwrap();
    assert_eq!(verdict(&p, X, "nanosleep", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "read", &[]), Action::Errno(1));
}

/// `app` unions `runc-v1.1.12`'s syscalls: per name the less restrictive
/// action (mmap: the base's allow over app's kill_process; ptrace: app's
/// allow over the base's errno 38), conditions only where both have them,
/// together (socket: family 1 or 2, as runc splits a rule comparing one
/// argument twice).
#[test]
fn base_profiles_are_unioned_as_the_operator_does() {
    let p = spo("base-profile.yaml", "app").unwrap();
    for call in [
        "exit_group",
        "futex",
        "read",
        "write",
        "close",
        "openat",
        "mmap",
        "ptrace",
    ] {
        assert_eq!(verdict(&p, X, call, &[]), Action::Allow, "{call}\n{p}");
    }
    assert_eq!(verdict(&p, X, "socket", &[1]), Action::Allow);
    assert_eq!(verdict(&p, X, "socket", &[2]), Action::Allow);
    assert_eq!(verdict(&p, X, "socket", &[10]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "getpid", &[]), Action::Errno(1));
    // The base alone.
    let p = spo("base-profile.yaml", "runc-v1.1.12").unwrap();
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "socket", &[2]), Action::Errno(1));
}

#[test]
fn mistakes_are_named_with_file_line_and_column() {
    let text = "kind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  sycalls: []\n";
    let e = import(Format::Spo, "p.yaml", text, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "p.yaml:6:12 (spec.sycalls): `sycalls` is not a field of a SeccompProfile's spec"
        ),
        "{e}"
    );
    let text = "kind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  baseProfileName: nowhere\n  defaultAction: SCMP_ACT_ERRNO\n";
    let e = import(Format::Spo, "p.yaml", text, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(
            "p.yaml:5:20 (spec.baseProfileName): base profile `nowhere` is not in this file"
        ),
        "{e}"
    );
    let text = "kind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  baseProfileName: oci://ghcr.io/x/y:1\n  defaultAction: SCMP_ACT_ERRNO\n";
    let e = import(Format::Spo, "p.yaml", text, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("pulls this base profile from a registry"), "{e}");
    let text =
        "kind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_EROR\n";
    let e = import(Format::Spo, "p.yaml", text, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("p.yaml:5:18 (spec.defaultAction)"), "{e}");
    let e = import(Format::Spo, "p.yaml", "kind: [", &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("p.yaml:2:1: while parsing a node"), "{e}");
    let text = "kind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  state: Disabled\n  defaultAction: SCMP_ACT_ERRNO\n";
    let e = import(Format::Spo, "p.yaml", text, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("the profile is disabled"), "{e}");
}
