//! The OCI import reads a profile's fields as Docker does, and Docker
//! decodes it with Go's `encoding/json` (moby/profiles `LoadProfile`):
//! keys match fields without regard to case (and `ſ`, `K` fold to `s`,
//! `k`), a repeated key's last value counts, unknown keys are skipped,
//! `null` leaves a field unset. The oracle is Go itself:
//! `tests/fixtures/moby-decode/main.go` decodes each profile into moby's
//! types and writes it back out plainly; our import of the quirky profile
//! must give every x86_64 syscall, for a few argument vectors, the verdict
//! our import of Go's plain rewrite gives. Needs the `go` command
//! (Debian's `golang-go`); without it the test says so and compares
//! nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use seccomp_compiler::bpf::SeccompData;
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch, compile_str, emu};
use seccomp_import::{Format, ImportOptions, import};

/// Builds the decoder into `dir`; `None` when Go is not installed.
fn build_decoder(dir: &Path) -> Option<PathBuf> {
    if Command::new("go").arg("version").output().is_err() {
        println!("NOTICE: Go is not installed here (package `golang-go`); not compared");
        return None;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/moby-decode/main.go");
    let bin = dir.join("moby-decode");
    let out = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(&src)
        // A single file, no module: nothing to download.
        .env("GO111MODULE", "off")
        .env("GOCACHE", dir.join("go-cache"))
        .output()
        .expect("go build runs");
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(bin)
}

fn verdicts(policy: &str) -> Vec<Action> {
    let compiled = compile_str(policy).unwrap_or_else(|d| panic!("{d:?}\n{policy}"));
    let prog = compiled
        .get(Arch::X86_64)
        .expect("x86_64")
        .program
        .filters()
        .expect("no symbols");
    let mut out = Vec::new();
    for &(nr, _) in syscalls::table(Arch::X86_64).entries() {
        for a0 in [0, 1, 2, 10] {
            let data = SeccompData {
                nr,
                arch: Arch::X86_64.audit_arch(),
                instruction_pointer: 0,
                args: [a0, 0, 0, 0, 0, 0],
            };
            let r = emu::run(&prog, &data, false).unwrap_or_else(|e| panic!("{e}"));
            out.push(Action::from_ret(r.ret));
        }
    }
    out
}

fn cases() -> Vec<(&'static str, String)> {
    let docker = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../seccomp-import/tests/corpus/moby-default.json"),
    )
    .expect("Docker's profile");
    vec![
        ("docker-default", docker),
        (
            "keys-in-any-case",
            r#"{"DefaultAction": "SCMP_ACT_ALLOW", "SYSCALLS": [
                {"Names": ["ptrace"], "ACTION": "SCMP_ACT_ERRNO", "ErrnoRet": 38},
                {"nAmEs": ["socket"], "action": "SCMP_ACT_ERRNO",
                 "ARGS": [{"Index": 0, "VALUE": 1, "Op": "SCMP_CMP_EQ"}]}]}"#
                .to_owned(),
        ),
        (
            "unicode-folding",
            r#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"name\u017f": ["flock"], "action": "SCMP_ACT_ERRNO", "excludes": {"min\u212aernel": "4.0"}},
                {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "includes": {"cap\u017f": ["CAP_SYS_ADMIN"]}},
                {"names": ["chroot"], "action": "SCMP_ACT_ERRNO", "includes": {"arche\u017f": ["amd64"]}}]}"#
                .to_owned(),
        ),
        (
            "repeated-keys",
            r#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                {"names": ["read"], "action": "SCMP_ACT_ERRNO", "names": ["ptrace"]},
                {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "Action": "SCMP_ACT_KILL_PROCESS"},
                {"names": ["socket"], "action": "SCMP_ACT_ERRNO",
                 "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}],
                 "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ", "value": 10}]}]}"#
                .to_owned(),
        ),
        (
            "unknown-keys",
            r#"{"defaultAction": "SCMP_ACT_ALLOW", "description": "mine", "syscalls": [
                {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "owner": "me", "since": {"v": [1]},
                 "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_GE", "why": "x"}]}]}"#
                .to_owned(),
        ),
        (
            "nulls",
            r#"{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": null, "architectures": null, "syscalls": [
                {"names": ["read", "exit_group"], "action": "SCMP_ACT_ALLOW", "args": null, "errnoRet": null,
                 "includes": null, "comment": null, "name": null},
                {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 0, "value": 2, "valueTwo": null, "op": "SCMP_CMP_EQ"}]}]}"#
                .to_owned(),
        ),
    ]
}

#[test]
fn profiles_read_as_go_decodes_them() {
    let dir = std::env::temp_dir().join(format!("oci-vs-go-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let Some(decoder) = build_decoder(&dir) else {
        return;
    };
    let cases = cases();
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|(name, text)| {
            let p = dir.join(format!("{name}.json"));
            std::fs::write(&p, text).expect("write case");
            p
        })
        .collect();
    let out = Command::new(&decoder)
        .args(&files)
        .output()
        .expect("decoder runs");
    assert!(
        out.status.success(),
        "Go refused a case: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let opts = ImportOptions::default();
    for ((name, text), file) in cases.iter().zip(&files) {
        let plain =
            std::fs::read_to_string(file.with_extension("json.go.json")).expect("Go's output");
        let ours = import(Format::Oci, &format!("{name}.json"), text, &opts)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let go = import(Format::Oci, &format!("{name}.go.json"), &plain, &opts)
            .unwrap_or_else(|e| panic!("{name} as Go rewrote it: {e}\n{plain}"));
        let (a, b) = (verdicts(&ours.policy), verdicts(&go.policy));
        let differ = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        assert_eq!(
            differ, 0,
            "{name}: {differ} verdicts differ from Go's reading\nGo: {plain}\nours:\n{}\nfrom Go's:\n{}",
            ours.policy, go.policy
        );
        println!("{name}: {} verdicts agree with Go's reading", a.len());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
