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

fn inline(syscalls: &str) -> Result<String, String> {
    let text = format!(
        "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: p\nspec:\n  defaultAction: SCMP_ACT_ALLOW\n  syscalls:\n{syscalls}"
    );
    let opts = ImportOptions {
        arches: Some(vec![X]),
        ..ImportOptions::default()
    };
    import(Format::Spo, "p.yaml", &text, &opts)
        .map(|i| i.policy)
        .map_err(|e| e.to_string())
}

/// The operator writes `json.Marshal(spec)` (daemon/seccompprofile
/// `reconcile`), and v1's `ErrnoRet int32 json:"errnoRet,omitempty"` is
/// left out when 0: runc then gives EPERM, not 0.
#[test]
fn an_errno_of_zero_is_eperm() {
    let p = inline("  - names: [ptrace]\n    action: SCMP_ACT_ERRNO\n    errnoRet: 0\n").unwrap();
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(1));
    let p =
        inline("  - names: [ptrace]\n    action: SCMP_ACT_ERRNO\n    errnoRet: \"0\"\n").unwrap();
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(1));
}

/// Kubernetes decodes a SeccompProfile strictly and with case: a field the
/// spec's `Syscall` or `Arg` does not have is an error, as in `spec`.
#[test]
fn rule_fields_are_strict() {
    let e =
        inline("  - names: [ptrace]\n    action: SCMP_ACT_ERRNO\n    comment: x\n").unwrap_err();
    assert!(
        e.starts_with("p.yaml:10:14 (spec.syscalls[0].comment): `comment` is not a field here"),
        "{e}"
    );
    let e = inline("  - Names: [ptrace]\n    action: SCMP_ACT_ERRNO\n").unwrap_err();
    assert!(e.contains("did you mean `names`?"), "{e}");
    let e = inline(
        "  - names: [ptrace]\n    action: SCMP_ACT_ERRNO\n    args: [{index: 0, value: 1, op: SCMP_CMP_EQ, mask: 3}]\n",
    )
    .unwrap_err();
    assert!(e.contains("(spec.syscalls[0].args[0].mask)"), "{e}");
}

/// A key given twice is an error, as Kubernetes' strict decoding makes it
/// (the YAML reader refuses it already).
#[test]
fn a_repeated_key_is_refused() {
    let e = inline("  - names: [ptrace]\n    action: SCMP_ACT_ERRNO\n    action: SCMP_ACT_ALLOW\n")
        .unwrap_err();
    assert_eq!(e, "p.yaml:10:5: duplicated key in mapping");
    let text = "kind: SeccompProfile\nmetadata:\n  name: p\nspec:\n  defaultAction: SCMP_ACT_ALLOW\n  defaultAction: SCMP_ACT_ERRNO\n";
    let e = import(Format::Spo, "p.yaml", text, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "p.yaml:6:3: duplicated key in mapping");
}
