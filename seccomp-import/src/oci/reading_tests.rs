//! How a profile's fields are read: as Docker and Podman (a profile file)
//! or runc (a `config.json`) read them, with Go's `encoding/json`. Each
//! expectation is from the source named beside it (moby/profiles cd3bed8,
//! containers/common f437c58, runc 76d9cf5, Go's `encoding/json`).

use super::*;
use crate::testutil::verdict;
use crate::{Format, import};

const EPERM: Action = Action::Errno(1);
const ENOSYS: Action = Action::Errno(38);

fn oci(text: &str) -> Result<Imported, ImportError> {
    import(Format::Oci, "p.json", text, &ImportOptions::default())
}

fn ok(text: &str) -> Imported {
    oci(text).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    oci(text).unwrap_err().to_string()
}

/// A profile allowing everything but the rules given (JSON, no brackets).
fn allow_but(rules: &str) -> String {
    format!(r#"{{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{rules}]}}"#)
}

fn warned(i: &Imported, what: &str) -> bool {
    i.warnings.iter().any(|w| w.contains(what))
}

/// Go's encoding/json skips keys no field has (no DisallowUnknownFields in
/// moby's or Podman's LoadProfile, nor in runc): they cannot change the
/// filter and are listed; a key a typo away from a field is refused, since
/// the runtime would silently drop what it says.
#[test]
fn unknown_fields_are_listed_and_typos_refused() {
    let i = ok(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "description": "mine", "syscalls": [
        {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "owner": "me", "since": 2}]}"#,
    );
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), EPERM);
    assert!(
        warned(
            &i,
            "p.json:1:1 ($): Docker and Podman ignore fields they do not know, and so does this import: `description`"
        ),
        "{:?}",
        i.warnings
    );
    assert!(warned(
        &i,
        "(syscalls[0]): Docker and Podman ignore fields they do not know, and so does this import: `owner`, `since`"
    ));
    let e = err(&allow_but(
        r#"{"nmes": ["ptrace"], "action": "SCMP_ACT_ERRNO"}"#,
    ));
    assert!(
        e.contains("(syscalls[0].nmes): `nmes` is not a field; Docker and Podman would ignore it, and what `names` says would not be applied"),
        "{e}"
    );
    assert!(e.contains("did you mean `names`?"), "{e}");
    let e = err(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "valueTow": 2}]}"#,
    ));
    assert!(e.contains("did you mean `valueTwo`?"), "{e}");
}

/// encoding/json matches a key to a field as bytes.EqualFold does (fold.go
/// `foldName`): any ASCII case, and U+017F LONG S for `s`, U+212A KELVIN
/// SIGN for `k`.
#[test]
fn keys_match_fields_as_go_matches_them() {
    let i = ok(r#"{"DEFAULTACTION": "SCMP_ACT_ALLOW", "Syscalls": [
        {"Names": ["ptrace"], "action": "SCMP_ACT_ERRNO"},
        {"name\u017f": ["mount"], "ACTION": "SCMP_ACT_KILL_PROCESS"},
        {"names": ["flock"], "action": "SCMP_ACT_ERRNO", "Includes": {"cap\u017f": ["CAP_SYS_ADMIN"]}},
        {"names": ["chroot"], "action": "SCMP_ACT_ERRNO", "excludes": {"min\u212aernel": "4.0"}}]}"#);
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), EPERM);
    assert_eq!(
        verdict(&i.policy, Arch::X86_64, "mount", &[]),
        Action::KillProcess
    );
    // Needs CAP_SYS_ADMIN, which Docker's default set lacks.
    assert_eq!(
        verdict(&i.policy, Arch::X86_64, "flock", &[]),
        Action::Allow
    );
    // Not for kernels from 4.0 on, as the current one.
    assert_eq!(
        verdict(&i.policy, Arch::X86_64, "chroot", &[]),
        Action::Allow
    );
    assert!(
        warned(
            &i,
            "(syscalls[0].Names): `Names` is read as `names`, as Go's encoding/json matches keys without regard to case"
        ),
        "{:?}",
        i.warnings
    );
}

/// Of two keys naming one field, the later is decoded last and wins;
/// `includes` twice is merged by Docker and replaced by Podman on `null`,
/// so it is refused.
#[test]
fn a_repeated_key_is_the_last_one() {
    let i = ok(&allow_but(
        r#"{"names": ["read"], "action": "SCMP_ACT_ERRNO", "names": ["ptrace"]}"#,
    ));
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), EPERM);
    assert_eq!(verdict(&i.policy, Arch::X86_64, "read", &[]), Action::Allow);
    assert!(warned(&i, "`names` is given twice; the last one is used"));
    let i = ok(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "Action": "SCMP_ACT_ERRNO"}"#,
    ));
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), EPERM);
    let e = err(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}, "includes": {"arches": ["amd64"]}}"#,
    ));
    assert!(
        e.contains("(syscalls[0].includes): `includes` is given twice"),
        "{e}"
    );
}

/// moby/profiles `setupSeccomp` and containers/common refuse `name` with
/// `names`; runc's `matchCall` refuses an empty name; a rule without names
/// adds nothing (specconv adds one rule per name).
#[test]
fn names() {
    let e = err(&allow_but(
        r#"{"name": "mount", "names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}"#,
    ));
    assert!(
        e.contains("(syscalls[0].name): both `name` and `names` are given"),
        "{e}"
    );
    let i = ok(&allow_but(
        r#"{"name": "mount", "action": "SCMP_ACT_ERRNO"}, {"name": "", "names": ["ptrace"], "action": "SCMP_ACT_ERRNO"}"#,
    ));
    assert_eq!(verdict(&i.policy, Arch::X86_64, "mount", &[]), EPERM);
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), EPERM);
    let e = err(&allow_but(
        r#"{"names": ["ptrace", ""], "action": "SCMP_ACT_ERRNO"}"#,
    ));
    assert!(
        e.contains("(syscalls[0].names[1]): an empty syscall name"),
        "{e}"
    );
    let i = ok(&allow_but(r#"{"names": [], "action": "SCMP_ACT_ERRNO"}"#));
    assert!(warned(
        &i,
        "(syscalls[0]): the rule names no syscall, so it adds nothing"
    ));
}

/// A `config.json` is read by runc into runtime-spec's types: Docker's
/// `includes`, `comment` and `archMap` are not fields there, so a rule
/// applies whatever its `includes` says, and `name` is a typo of `names`.
#[test]
fn a_runtime_configuration_has_runtime_spec_fields_only() {
    let config = |rules: &str| {
        format!(
            r#"{{"ociVersion": "1.2.0", "Linux": {{"Seccomp": {{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{rules}]}}}}}}"#
        )
    };
    let i = ok(&config(
        r#"{"names": ["flock"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}, "comment": "x"}"#,
    ));
    assert_eq!(verdict(&i.policy, Arch::X86_64, "flock", &[]), EPERM);
    assert!(
        warned(
            &i,
            "(linux.seccomp.syscalls[0]): runc ignore fields they do not know, and so does this import: `includes`, `comment`"
        ),
        "{:?}",
        i.warnings
    );
    let e = err(&config(r#"{"name": "flock", "action": "SCMP_ACT_ERRNO"}"#));
    assert!(e.contains("did you mean `names`?"), "{e}");
}

/// runc refuses unknown architectures (config.go `archs`); Docker and
/// Podman refuse `architectures` with `archMap`.
#[test]
fn architectures() {
    let e = err(r#"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_65"]}"#);
    assert!(
        e.contains("(architectures[0]): `SCMP_ARCH_X86_65` is not an architecture runc knows"),
        "{e}"
    );
    assert!(e.contains("did you mean `SCMP_ARCH_X86_64`?"), "{e}");
    let e = err(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_I386"]}]}"#,
    );
    assert!(e.contains("(archMap[0].subArchitectures[0])"), "{e}");
    let e = err(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}"#,
    );
    assert!(
        e.contains("both `architectures` and `archMap` are given"),
        "{e}"
    );
    let i = ok(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_MIPS"]}"#,
    );
    assert!(warned(
        &i,
        "architectures left out (not supported): SCMP_ARCH_MIPS"
    ));
}

/// `includes.arches` is compared with the host's name as Docker
/// (goToNative) and Podman (libseccomp-golang's String) spell it: `amd64`,
/// `x86`, `arm64`; `x86_64` never matches.
#[test]
fn includes_arches_use_the_loaders_names() {
    let i = ok(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["x86_64", "aarch64"]}},
           {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["amd64", "arm64"]}}"#,
    ));
    for arch in [Arch::X86_64, Arch::Aarch64] {
        assert_eq!(verdict(&i.policy, arch, "ptrace", &[]), Action::Allow);
        assert_eq!(verdict(&i.policy, arch, "mount", &[]), EPERM);
    }
}

/// runc refuses a flag it does not know (specconv `SetupSeccomp`); the
/// ones it knows do not change verdicts.
#[test]
fn flags() {
    let e = err(r#"{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOGG"]}"#);
    assert!(
        e.contains(
            "(flags[0]): `SECCOMP_FILTER_FLAG_LOGG` is not a seccomp filter flag runc knows"
        ),
        "{e}"
    );
    let i = ok(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]}"#,
    );
    assert!(warned(
        &i,
        "SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW: these filter flags change logging"
    ));
}

/// runc: SCMP_ACT_NOTIFY is not a default action nor for `write`
/// (InitSeccomp), and needs `listenerPath` (process_linux.go).
#[test]
fn notify() {
    let e = err(r#"{"defaultAction": "SCMP_ACT_NOTIFY"}"#);
    assert!(e.contains("cannot be the default action"), "{e}");
    let e = err(&allow_but(
        r#"{"names": ["openat"], "action": "SCMP_ACT_NOTIFY"}"#,
    ));
    assert!(
        e.contains("(syscalls[0]): SCMP_ACT_NOTIFY without a `listenerPath`"),
        "{e}"
    );
    let with_listener = |rules: &str| {
        format!(
            r#"{{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock", "listenerMetadata": "x", "syscalls": [{rules}]}}"#
        )
    };
    let e = err(&with_listener(
        r#"{"names": ["openat", "write"], "action": "SCMP_ACT_NOTIFY"}"#,
    ));
    assert!(e.contains("SCMP_ACT_NOTIFY for `write`"), "{e}");
    let i = ok(&with_listener(
        r#"{"names": ["openat"], "action": "SCMP_ACT_NOTIFY"}"#,
    ));
    assert_eq!(
        verdict(&i.policy, Arch::X86_64, "openat", &[]),
        Action::UserNotif
    );
    assert!(warned(
        &i,
        "(listenerPath): `listenerPath` says where the runtime sends"
    ));
    // A notifying rule that does not apply (CAP_SYS_ADMIN) needs no listener.
    ok(&allow_but(
        r#"{"names": ["openat"], "action": "SCMP_ACT_NOTIFY", "includes": {"caps": ["CAP_SYS_ADMIN"]}}"#,
    ));
}

/// runc's getAction reads `errnoRet` only with SCMP_ACT_ERRNO and
/// SCMP_ACT_TRACE; Podman's `errno` (a name or a number) wins over
/// `errnoRet` (containers/common getErrno), and so does `defaultErrno`.
#[test]
fn errno_values() {
    let i = ok(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS", "errnoRet": 1}"#,
    ));
    assert_eq!(
        verdict(&i.policy, Arch::X86_64, "ptrace", &[]),
        Action::KillProcess
    );
    assert!(warned(
        &i,
        "(syscalls[0].action): an errno (1) means nothing with SCMP_ACT_KILL_PROCESS: runc ignores it"
    ));
    let i = ok(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "errno": "ENOSYS"},
           {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errno": "38"},
           {"names": ["flock"], "action": "SCMP_ACT_ERRNO", "errno": "", "errnoRet": 38}"#,
    ));
    for name in ["ptrace", "mount", "flock"] {
        assert_eq!(
            verdict(&i.policy, Arch::X86_64, name, &[]),
            ENOSYS,
            "{name}"
        );
    }
    let e = err(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errno": "+38"}"#,
    ));
    assert!(e.contains("unknown errno `+38`"), "{e}");
    let i = ok(
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrno": "ENOSYS", "defaultErrnoRet": 1,
        "syscalls": [{"names": ["exit_group"], "action": "SCMP_ACT_ALLOW"}]}"#,
    );
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), ENOSYS);
}

/// moby/profiles `KernelVersion.UnmarshalJSON`: exactly `<kernel>.<major>`,
/// each `strconv.ParseUint(_, 10, 8)`, not `0.0`; `""` is 0.0 (met by
/// every kernel: an `excludes` with it always excludes).
#[test]
fn min_kernel_as_docker_reads_it() {
    for bad in ["5.10.0", "5", "256.1", "0.0", "+4.8", "4.x", "4 .8"] {
        let e = err(&allow_but(&format!(
            r#"{{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "includes": {{"minKernel": "{bad}"}}}}"#
        )));
        assert!(
            e.contains(&format!("(syscalls[0].includes.minKernel): `{bad}` is not a kernel version as Docker reads it")),
            "{e}"
        );
    }
    let i = ok(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "04.08"}},
           {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "excludes": {"minKernel": ""}},
           {"names": ["flock"], "action": "SCMP_ACT_ERRNO", "excludes": {"minKernel": null}}"#,
    ));
    assert_eq!(verdict(&i.policy, Arch::X86_64, "ptrace", &[]), EPERM);
    assert_eq!(
        verdict(&i.policy, Arch::X86_64, "mount", &[]),
        Action::Allow
    );
    assert_eq!(verdict(&i.policy, Arch::X86_64, "flock", &[]), EPERM);
}

/// Go refuses to decode a non-string `comment`, so does the import.
#[test]
fn a_comment_is_a_string() {
    let e = err(&allow_but(
        r#"{"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "comment": 3}"#,
    ));
    assert!(
        e.contains("(syscalls[0].comment): expected a string"),
        "{e}"
    );
}
