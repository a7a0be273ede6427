use super::*;
use crate::testutil::{corpus, verdict};
use crate::{Format, import};

const EPERM: Action = Action::Errno(1);
const ENOSYS: Action = Action::Errno(38);

fn oci(text: &str, opts: &ImportOptions) -> Result<String, ImportError> {
    import(Format::Oci, "p.json", text, opts).map(|i| i.policy)
}

fn ok(text: &str) -> String {
    oci(text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    oci(text, &ImportOptions::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn a_small_profile_reads_like_its_source() {
    let p = ok(r#"{
        "defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [
            {"names": ["read", "write", "exit_group", "no_such_call"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["mount"], "action": "SCMP_ACT_KILL_PROCESS", "comment": "never"},
            {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
            {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]},
            {"names": ["flock"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
        ]
    }"#);
    let body = p.split_once("\n\n").unwrap().1;
    assert_eq!(
        body,
        "\
// Rule 1 (syscalls[0]): SCMP_ACT_ALLOW
// Not in our syscall tables, left out: no_such_call.
base read, write, exit_group;

// Rule 2 (syscalls[1]): SCMP_ACT_KILL_PROCESS -- \"never\"
drop mount => kill_process;

// Rule 3 (syscalls[2]): SCMP_ACT_ALLOW with args
// Note: `socket` arg0: the kernel uses 32 bits of `family` (`int`) (x86_64), so those are compared; the source compares all 64 (--exact-width keeps that).
// Note: `socket`: with the conditions of rule(s) 4 (alternatives, as libseccomp ORs rules of one action).
keep socket(arg0 == 1 | 2);

// Rule 4 (syscalls[3]): SCMP_ACT_ALLOW with args
// Note: `socket`: see rule 3.

// Rule 5 (syscalls[4]): SCMP_ACT_ALLOW; includes caps CAP_SYS_ADMIN
// Not applied: needs CAP_SYS_ADMIN (--caps).
"
    );
    assert!(p.contains("\ndeny errno(EPERM); // defaultAction SCMP_ACT_ERRNO\n"));
    assert!(p.contains("\nunknown errno(EPERM); //"));
    assert!(!p.contains("\narch "), "{p}");
    assert!(
        p.contains("runc (through libseccomp) always adds the native architecture"),
        "{p}"
    );
    let exact = oci(
        r#"{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW",
            "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]}"#,
        &ImportOptions {
            exact_width: true,
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert!(exact.contains("\nbase socket(arg0:u64 == 1);\n"), "{exact}");
    assert!(exact.contains("\ndeny kill_thread;"), "{exact}");
    assert!(
        !exact.contains("\narch "),
        "no architectures: every one is compiled"
    );
}

#[test]
fn docker_default_profile() {
    let text = corpus("moby-default.json");
    let p = ok(&text);
    for arch in [
        Arch::X86_64,
        Arch::Aarch64,
        Arch::S390x,
        Arch::X86,
        Arch::Arm,
    ] {
        assert_eq!(verdict(&p, arch, "read", &[]), Action::Allow, "{arch}");
        assert_eq!(verdict(&p, arch, "mount", &[]), EPERM, "{arch}");
        assert_eq!(verdict(&p, arch, "unshare", &[]), EPERM, "{arch}");
        assert_eq!(
            verdict(&p, arch, "personality", &[0xffff_ffff]),
            Action::Allow
        );
        assert_eq!(verdict(&p, arch, "personality", &[0x0040_0000]), EPERM);
        // clone: threads yes, new user namespaces (CLONE_NEWUSER) no.
        let (flags_arg, n) = if arch == Arch::S390x { (1, 2) } else { (0, 1) };
        let mut args = [0u64; 2];
        args[flags_arg] = 0x3d0f00;
        assert_eq!(
            verdict(&p, arch, "clone", &args[..n]),
            Action::Allow,
            "{arch}"
        );
        args[flags_arg] = 0x1000_0000;
        assert_eq!(verdict(&p, arch, "clone", &args[..n]), EPERM, "{arch}");
        assert_eq!(verdict(&p, arch, "clone3", &[]), ENOSYS, "{arch}");
        assert_eq!(verdict(&p, arch, "ptrace", &[]), Action::Allow, "{arch}");
        assert_eq!(verdict(&p, arch, "socket", &[2]), Action::Allow, "{arch}");
        assert_eq!(verdict(&p, arch, "socket", &[40]), EPERM, "{arch}");
        assert_eq!(
            verdict(&p, arch, "chroot", &[]),
            Action::Allow,
            "CAP_SYS_CHROOT is a default"
        );
    }
    assert_eq!(verdict(&p, Arch::X86_64, "arch_prctl", &[]), Action::Allow);
    assert_eq!(
        verdict(&p, Arch::X86, "arch_prctl", &[]),
        Action::Allow,
        "x86 gets amd64's rules"
    );
    // Kernel width by default: the upper half of a 32-bit parameter is ignored.
    assert_eq!(
        verdict(&p, Arch::X86_64, "personality", &[0x1_ffff_ffff]),
        Action::Allow
    );
    assert!(p.contains("acknowledge ptrace;") && p.contains("acknowledge socketcall;"));
}

#[test]
fn docker_with_options() {
    let text = corpus("moby-default.json");
    let admin = oci(
        &text,
        &ImportOptions {
            caps: Some(vec!["CAP_SYS_ADMIN".into()]),
            kernel: Some((4, 4)),
            exact_width: true,
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(verdict(&admin, Arch::X86_64, "mount", &[]), Action::Allow);
    assert_eq!(
        verdict(&admin, Arch::X86_64, "clone", &[0x1000_0000]),
        Action::Allow
    );
    assert_eq!(verdict(&admin, Arch::X86_64, "clone3", &[]), Action::Allow);
    assert_eq!(
        verdict(&admin, Arch::X86_64, "chroot", &[]),
        EPERM,
        "not in --caps"
    );
    assert_eq!(
        verdict(&admin, Arch::X86_64, "ptrace", &[]),
        EPERM,
        "minKernel 4.8"
    );
    // Exact width: libseccomp's 64-bit comparison.
    assert_eq!(
        verdict(&admin, Arch::X86_64, "personality", &[0x1_ffff_ffff]),
        EPERM
    );
    assert_eq!(
        verdict(&admin, Arch::X86, "personality", &[0xffff_ffff]),
        Action::Allow
    );
    assert!(!admin.contains("acknowledge ptrace"));
}

#[test]
fn podman_socket_rules_combine_as_in_libseccomp() {
    let text = corpus("podman-containers-common-seccomp.json");
    let p = ok(&text);
    let x = Arch::X86_64;
    assert_eq!(verdict(&p, x, "socket", &[40]), EPERM);
    assert_eq!(
        verdict(&p, x, "socket", &[16, 3, 9]),
        Action::Allow,
        "with CAP_AUDIT_WRITE"
    );
    assert_eq!(verdict(&p, x, "vmsplice", &[]), EPERM);
    assert_eq!(
        verdict(&p, x, "setns", &[]),
        Action::Allow,
        "first rule without args wins"
    );
    // Without capabilities, three actions meet on `socket`.
    let none = oci(
        &text,
        &ImportOptions {
            caps: Some(vec![]),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        verdict(&none, x, "socket", &[40]),
        EPERM,
        "`== 40` wins over `!= 16`"
    );
    assert_eq!(verdict(&none, x, "socket", &[16, 3, 9]), Action::Errno(22));
    assert_eq!(verdict(&none, x, "socket", &[16, 3, 0]), Action::Allow);
    assert_eq!(verdict(&none, x, "socket", &[2, 1, 0]), Action::Allow);
    assert_eq!(verdict(&none, x, "chroot", &[]), EPERM);
    assert!(
        none.contains("keep socket((arg0 == 16 && arg2 != 9) || arg0 != 16);"),
        "{none}"
    );
}

#[test]
fn libseccomp_combinations() {
    let p = ok(
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [
        {"names": ["flock"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_EQ"}]},
        {"names": ["flock", "dup"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["flock", "dup"], "action": "SCMP_ACT_KILL"},
        {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 255, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["ioctl"], "action": "SCMP_ACT_TRAP", "args": [{"index": 1, "value": 6, "op": "SCMP_CMP_EQ"}]},
        {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
    ]}"#,
    );
    let x = Arch::X86_64;
    assert_eq!(
        verdict(&p, x, "flock", &[3]),
        Action::Allow,
        "the first rule without args decides"
    );
    assert_eq!(verdict(&p, x, "dup", &[]), Action::Allow);
    assert_eq!(verdict(&p, x, "ioctl", &[0, 0x107]), Action::Allow);
    assert_eq!(verdict(&p, x, "ioctl", &[0, 6]), Action::Trap);
    assert_eq!(verdict(&p, x, "ioctl", &[0, 5]), EPERM);
    assert_eq!(verdict(&p, x, "getpid", &[]), EPERM);
    assert!(p.contains("its action is the default action"), "{p}");
    assert!(p.contains("keep ioctl(arg1 & 0xff == 7);\n"), "{p}");
    assert!(p.contains("drop ioctl(arg1 == 6) => trap;\n"), "{p}");
}

#[test]
fn what_libseccomp_refuses_or_leaves_to_chance_is_refused() {
    let e = err(r#"{"defaultAction": "SCMP_ACT_KILL", "syscalls": [
        {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "args": [{"index": 0, "value": 10, "op": "SCMP_CMP_EQ"}]},
        {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_NE"}]}]}"#);
    assert!(e.contains("rules 1 (SCMP_ACT_ERRNO (errnoRet 1)) and 2 (SCMP_ACT_ALLOW) give `socket` different actions"), "{e}");
    let e = err(r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
        {"names": ["socket"], "action": "SCMP_ACT_TRAP", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}]},
        {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]}"#);
    assert!(
        e.contains("depends on the layout of its decision tree"),
        "{e}"
    );
}

/// Issue 8: a rule comparing one argument twice was refused; runc's
/// matchCall adds each comparison as a rule of its own (OR).
#[test]
fn an_argument_compared_twice_is_split_as_runc_splits_it() {
    let p = ok(
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW",
        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"},
                 {"index": 1, "value": 5, "op": "SCMP_CMP_EQ"}]}]}"#,
    );
    assert!(
        p.contains(
            "runc adds each comparison as a rule of its own (libcontainer/seccomp matchCall)"
        ),
        "{p}"
    );
    let x = Arch::X86_64;
    assert_eq!(verdict(&p, x, "socket", &[1, 0]), Action::Allow);
    assert_eq!(verdict(&p, x, "socket", &[2, 0]), Action::Allow);
    assert_eq!(
        verdict(&p, x, "socket", &[3, 5]),
        Action::Allow,
        "any one comparison"
    );
    assert_eq!(verdict(&p, x, "socket", &[3, 0]), EPERM);
}

/// Issue 8: runc adds the native architecture to those a profile lists,
/// so the import compiles for every architecture; where a rule's
/// `includes.arches` makes one differ, it is left out with a warning and
/// imports on its own with --arch.
#[test]
fn every_architecture_as_runc_applies_the_profile() {
    let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"], "syscalls": [
        {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}"#;
    let i = import(Format::Oci, "p.json", text, &ImportOptions::default()).unwrap();
    let c = seccomp_compiler::compile_str(&i.policy).unwrap();
    assert_eq!(c.arches.len(), Arch::ALL.len());
    assert_eq!(
        verdict(&i.policy, Arch::Aarch64, "read", &[]),
        Action::Allow
    );
    let text = r#"{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [
        {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []},
        {"architecture": "SCMP_ARCH_X86", "subArchitectures": []}], "syscalls": [
        {"names": ["getpid"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}}]}"#;
    let i = import(Format::Oci, "p.json", text, &ImportOptions::default()).unwrap();
    assert!(i.policy.contains("\n// not compiled for x86: `getpid` gets different rules on different architectures (x86_64: rules 1; x86: no rule)"), "{}", i.policy);
    assert_eq!(
        seccomp_compiler::compile_str(&i.policy)
            .unwrap()
            .arches
            .len(),
        1
    );
    let alone = ImportOptions {
        arches: Some(vec![Arch::X86]),
        ..ImportOptions::default()
    };
    let p = oci(text, &alone).unwrap();
    assert_eq!(verdict(&p, Arch::X86, "getpid", &[]), EPERM);
    let both = ImportOptions {
        arches: Some(vec![Arch::X86_64, Arch::X86]),
        ..ImportOptions::default()
    };
    let e = oci(text, &both).unwrap_err().to_string();
    assert!(e.contains("`getpid` gets different rules on different architectures (x86_64: rules 1; x86: no rule)"), "{e}");
}

/// A whole OCI runtime config.json: its `linux.seccomp`.
#[test]
fn a_runtime_configuration() {
    let text = r#"{"ociVersion": "1.1.0", "process": {"args": ["sh"]},
        "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
            {"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["write"], "action": "SCMP_ACT_BOGUS"}]}}}"#;
    let e = err(text);
    assert!(
        e.starts_with("p.json:3:93 (linux.seccomp.syscalls[1].action)"),
        "{e}"
    );
    let fixed = text.replace("SCMP_ACT_BOGUS", "SCMP_ACT_ALLOW");
    let p = ok(&fixed);
    assert_eq!(verdict(&p, Arch::X86_64, "write", &[]), Action::Allow);
    assert_eq!(verdict(&p, Arch::X86_64, "open", &[]), EPERM);
    let e = err(r#"{"ociVersion": "1.1.0", "linux": {}}"#);
    assert!(e.contains("without `linux.seccomp`"), "{e}");
}

#[test]
fn unknown_capabilities_are_refused() {
    let opts = ImportOptions {
        caps: Some(vec!["CAP_SYS_ADMN".into(), "net_raw".into()]),
        ..ImportOptions::default()
    };
    let e = oci(r#"{"defaultAction": "SCMP_ACT_ALLOW"}"#, &opts).unwrap_err();
    assert_eq!(e.location, "--caps");
    assert_eq!(e.message, "`CAP_SYS_ADMN` is not a capability");
    assert_eq!(e.help, ["did you mean `CAP_SYS_ADMIN`?"]);
    let fine = ImportOptions {
        caps: Some(vec!["sys_admin".into(), "CAP_BPF".into()]),
        ..ImportOptions::default()
    };
    assert!(oci(r#"{"defaultAction": "SCMP_ACT_ALLOW"}"#, &fine).is_ok());
}

#[test]
fn malformed_profiles_say_where() {
    assert_eq!(
        err("{\n  \"defaultAction\": 3\n}"),
        "p.json:2:20 (defaultAction): expected a string, found a number"
    );
    assert_eq!(err("[1,"), "p.json:1:4: unexpected end of input");
    let e = err(
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
        "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}"#,
    );
    assert!(
        e.contains("(syscalls[0].args[0].index): argument index 6 is out of range"),
        "{e}"
    );
    let e = err(
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}"#,
    );
    assert!(
        e.contains("(syscalls[0].action): unknown action `SCMP_ACT_ALOW`"),
        "{e}"
    );
}

#[test]
fn kernel_versions() {
    assert_eq!(parse_kernel("4.8"), Some((4, 8)));
    assert_eq!(parse_kernel("5.10.12"), Some((5, 10)));
    assert_eq!(parse_kernel("6"), Some((6, 0)));
    assert_eq!(parse_kernel("x"), None);
}

/// SCMP_CMP_MASKED_EQ compares the masked argument with the masked datum:
/// `valueTwo` bits outside the mask do not matter (found by the libseccomp
/// differential test: imported as `& 0xf0 == 511` it never matched).
#[test]
fn masked_equal_masks_the_datum_too() {
    let p = ok(r#"{
        "defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [
            {"names": ["exit_group"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["getpid"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 240, "valueTwo": 511, "op": "SCMP_CMP_MASKED_EQ"}]}
        ]
    }"#);
    // 511 & 0xf0 = 0xf0: an argument whose bits 4..8 are all set matches.
    assert_eq!(verdict(&p, Arch::X86_64, "getpid", &[0xf0]), Action::Allow);
    assert_eq!(verdict(&p, Arch::X86_64, "getpid", &[0x1ff]), Action::Allow);
    assert_eq!(verdict(&p, Arch::X86_64, "getpid", &[0x70]), EPERM);
}
