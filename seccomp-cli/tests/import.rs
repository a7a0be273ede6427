//! `seccompc import`: the command around the importers of
//! `seccomp_import` (their own tests cover each format).

mod common;

use common::{file, scratch, seccompc};
use std::path::Path;

const OCI: &str = r#"{
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [
    { "names": ["read", "write", "exit_group", "execve"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["personality"], "action": "SCMP_ACT_ALLOW",
      "args": [{ "index": 0, "value": 8, "op": "SCMP_CMP_EQ" }] }
  ]
}"#;

/// `seccompc import ARGS... -o DIR/NAME`, which must succeed: the path of
/// the policy it wrote.
fn import_to(dir: &Path, name: &str, args: &[&str]) -> String {
    let out = dir.join(name);
    let out = out.to_str().expect("UTF-8 path");
    let mut all = vec!["import"];
    all.extend(args);
    all.extend(["-o", out]);
    let imported = seccompc(&all);
    assert_eq!(imported.status, 0, "{}", imported.stderr);
    out.to_owned()
}

/// What `seccompc simulate POLICY --arch x86_64 CALL...` says after
/// `action: ` (`allow (0x7fff0000)`), once it has said that the program
/// and the policy agree.
fn simulate(policy: &str, call: &[&str]) -> String {
    let mut args = vec!["simulate", policy, "--arch", "x86_64"];
    args.extend(call);
    let text = seccompc(&args).ok();
    assert!(
        text.ends_with("the program and the policy agree\n"),
        "{text}"
    );
    let action = text.lines().find_map(|l| l.strip_prefix("action: "));
    action
        .unwrap_or_else(|| panic!("no action in {text}"))
        .to_owned()
}

#[test]
fn an_oci_profile_becomes_a_policy_that_behaves_like_it() {
    let dir = scratch("import");
    let json = file(&dir, "profile.json", OCI);
    let out = import_to(&dir, "profile.policy", &["--from", "oci", &json]);
    let policy = std::fs::read_to_string(&out).unwrap();
    assert!(policy.starts_with("// "), "{policy}");
    let action = |call: &[&str]| simulate(&out, call).split(' ').next().unwrap().to_owned();
    assert_eq!(action(&["write", "1"]), "allow");
    assert_eq!(action(&["personality", "8"]), "allow");
    assert_eq!(action(&["personality", "9"]), "errno(EPERM)");
    assert_eq!(action(&["getpid"]), "errno(EPERM)");
    // Standard output when there is no -o.
    let printed = seccompc(&["import", "--from", "oci", &json]).ok();
    assert_eq!(printed, policy);
}

#[test]
fn import_mistakes() {
    let dir = scratch("import-errors");
    let json = file(&dir, "profile.json", OCI);
    let no_format = seccompc(&["import", &json]);
    assert_eq!(no_format.status, 2);
    assert!(
        no_format.stderr.contains("--from <FORMAT>"),
        "{}",
        no_format.stderr
    );
    let bad_format = seccompc(&["import", "--from", "docker", &json]);
    assert_eq!(bad_format.status, 2);
    assert!(
        bad_format.stderr.contains(
            "[possible values: oci, seccompiler, firejail, systemd, minijail, kafel, lxc, bionic, spo]"
        ),
        "{}",
        bad_format.stderr
    );
    let bad_kernel = seccompc(&["import", "--from", "oci", "--kernel", "six", &json]);
    assert_eq!(bad_kernel.status, 2);
    let broken = file(&dir, "broken.json", "{ \"defaultAction\": ");
    let out = seccompc(&["import", "--from", "oci", &broken]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.starts_with(&format!("error: {broken}:")),
        "{}",
        out.stderr
    );
}

/// `export` writes OCI JSON that `import` reads back to a policy with the
/// same verdicts; what OCI cannot express is refused, not weakened.
#[test]
fn export_round_trips_through_import() {
    let dir = scratch("export");
    let policy = file(
        &dir,
        "service.policy",
        "deny errno(EPERM); keep read, exit_group, write(fd == 1 | 2), personality(personality == 8);",
    );
    let json = dir.join("service.json");
    let json = json.to_str().unwrap();
    let exported = seccompc(&["export", &policy, "--arch", "x86_64", "-o", json]);
    assert_eq!(exported.status, 0, "{}", exported.stderr);
    let text = std::fs::read_to_string(json).unwrap();
    assert!(
        text.contains("\"defaultAction\": \"SCMP_ACT_ERRNO\""),
        "{text}"
    );
    let back = import_to(&dir, "back.policy", &["--from", "oci", json]);
    for call in [
        &["write", "1"][..],
        &["write", "2"],
        &["write", "3"],
        &["read", "0"],
        &["personality", "8"],
        &["personality", "9"],
        &["getpid"],
    ] {
        assert_eq!(simulate(&policy, call), simulate(&back, call), "{call:?}");
    }
    // A layered drop over an allow cannot be said in OCI.
    let layered = file(
        &dir,
        "layered.policy",
        "keep exit_group, write; drop write(fd == 3) => errno(EBADF);",
    );
    let refused = seccompc(&["export", &layered, "--arch", "x86_64"]);
    assert_eq!(refused.status, 1, "{}", refused.stderr);
    assert!(refused.stderr.starts_with("error: "), "{}", refused.stderr);
    let bad = seccompc(&["export", &policy, "--format", "yaml"]);
    assert_eq!(bad.status, 2);
}

/// `--minijail-compiler` picks the meaning of a line minijail's two
/// compilers read differently; without it the import refuses and says so.
#[test]
fn minijail_compiler_choice() {
    let dir = scratch("import-minijail");
    let policy = file(
        &dir,
        "x86_64.policy",
        "read: arg0 == 0; return EBADF\nexit_group: 1\n",
    );
    let refused = seccompc(&["import", "--from", "minijail", &policy]);
    assert_eq!(refused.status, 1);
    assert!(
        refused
            .stderr
            .contains("minijail's two compilers read `read` differently"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("--minijail-compiler libminijail"),
        "{}",
        refused.stderr
    );
    for (compiler, expected) in [("libminijail", "allow "), ("tools", "errno(EBADF) ")] {
        let args = [
            "--from",
            "minijail",
            "--minijail-compiler",
            compiler,
            &policy,
        ];
        let out = import_to(&dir, &format!("{compiler}.policy"), &args);
        let simulated = simulate(&out, &["read", "0"]);
        assert!(simulated.starts_with(expected), "{compiler}: {simulated}");
    }
    let bad = seccompc(&[
        "import",
        "--from",
        "minijail",
        "--minijail-compiler",
        "python",
        &policy,
    ]);
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr.contains("[possible values: libminijail, tools]"),
        "{}",
        bad.stderr
    );
}

/// `export --format spo` writes a SeccompProfile: PyYAML (an independent
/// YAML reader) reads it as the object the OCI export describes, and
/// `import --from spo` reads it back to a policy with the same verdicts.
#[test]
fn export_spo_round_trips_through_import() {
    let dir = scratch("export-spo");
    let policy = file(
        &dir,
        "web-server.policy",
        "deny errno(EPERM); keep read, exit_group, write(fd == 1 | 2), personality(personality == 8);",
    );
    let yaml = dir.join("web.yaml");
    let yaml = yaml.to_str().unwrap();
    let exported = seccompc(&[
        "export", "--format", "spo", &policy, "--arch", "x86_64", "-o", yaml,
    ]);
    assert_eq!(exported.status, 0, "{}", exported.stderr);
    let oci = seccompc(&["export", &policy, "--arch", "x86_64"]).ok();
    // PyYAML's reading of the SeccompProfile, against the OCI JSON.
    let script = "import json, sys, yaml\nd = yaml.safe_load(open(sys.argv[1]))\noci = json.loads(sys.argv[2])\nassert d['apiVersion'] == 'security-profiles-operator.x-k8s.io/v1', d\nassert d['kind'] == 'SeccompProfile', d\nassert d['metadata']['name'] == 'web-server', d\noci.pop('defaultErrnoRet', None)\nassert d['spec'] == oci, (d['spec'], oci)\nprint('same')\n";
    let out = std::process::Command::new("python3")
        .args(["-c", script, yaml, &oci])
        .output()
        .expect("python3 runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "same\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = import_to(&dir, "back.policy", &["--from", "spo", yaml]);
    for call in [
        &["write", "1"][..],
        &["write", "3"],
        &["read", "0"],
        &["personality", "9"],
        &["getpid"],
    ] {
        assert_eq!(simulate(&policy, call), simulate(&back, call), "{call:?}");
    }
    // A default errno other than EPERM has no place in a SeccompProfile.
    let enosys = file(
        &dir,
        "enosys.policy",
        "deny errno(ENOSYS); keep read, exit_group;",
    );
    let refused = seccompc(&["export", "--format", "spo", &enosys, "--arch", "x86_64"]);
    assert_eq!(refused.status, 1);
    assert!(
        refused
            .stderr
            .contains("a SeccompProfile has no defaultErrnoRet"),
        "{}",
        refused.stderr
    );
    let bad_name = seccompc(&["export", "--format", "spo", &policy, "--name", "Web_Server"]);
    assert_eq!(bad_name.status, 1);
    assert!(
        bad_name.stderr.contains("is not a Kubernetes object name"),
        "{}",
        bad_name.stderr
    );
}
