//! Verdicts of imported kafel policies, each listing hand-checked against
//! kafel's semantics (google/kafel 18f2074: first match wins per syscall,
//! range_rules.c; widths from codegen.c is_64bit; DEFAULT KILL when
//! none), on real files from kafel's samples and nsjail's configs.

use super::*;
use crate::testutil::{corpus, verdict};
use crate::{Format, import};

const X: Arch = Arch::X86_64;

fn imp(text: &str) -> Result<String, String> {
    import(Format::Kafel, "p.policy", text, &ImportOptions::default())
        .map(|i| i.policy)
        .map_err(|e| e.to_string())
}

fn imp_x86_64(name: &str) -> String {
    let opts = ImportOptions {
        arches: Some(vec![X]),
        ..ImportOptions::default()
    };
    import(Format::Kafel, name, &corpus(name), &opts)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .policy
}

#[test]
fn nsjail_test_config_first_match_wins() {
    // nsjail tests/seccomp.cfg: ERRNO(1337) { geteuid }, ERRNO(1) { ptrace,
    // sched_setaffinity }, KILL_PROCESS { syslog }, DEFAULT ALLOW.
    let p = imp_x86_64("kafel/nsjail/tests-seccomp.cfg");
    assert_eq!(verdict(&p, X, "geteuid", &[]), Action::Errno(1337));
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "sched_setaffinity", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "syslog", &[]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "process_vm_readv", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert!(p.contains("default allow;"), "{p}");
    // firefox-with-net-X11.cfg: KILL_PROCESS { ptrace, process_vm_readv,
    // process_vm_writev }, ERRNO(38) { io_uring_* }, DEFAULT ALLOW.
    let p = imp_x86_64("kafel/nsjail/firefox-with-net-X11.cfg");
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::KillProcess);
    assert_eq!(
        verdict(&p, X, "process_vm_writev", &[]),
        Action::KillProcess
    );
    assert_eq!(verdict(&p, X, "io_uring_enter", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "execve", &[]), Action::Allow);
}

#[test]
fn sample_basic_conditions() {
    // samples/sample_basic.policy: write(myfd, mybuf, mysize) allowed when
    // (myfd == 1 || myfd == 2) && (mysize < 4 || mybuf == 0), else KILL
    // (the thread). Declared names are 8 bytes: 64-bit comparisons.
    let p = imp_x86_64("kafel/samples/sample_basic.policy");
    assert_eq!(verdict(&p, X, "write", &[1, 0, 3]), Action::Allow);
    assert_eq!(verdict(&p, X, "write", &[2, 0, 100]), Action::Allow);
    assert_eq!(verdict(&p, X, "write", &[2, 5, 100]), Action::KillThread);
    assert_eq!(verdict(&p, X, "write", &[3, 0, 3]), Action::KillThread);
    assert_eq!(verdict(&p, X, "read", &[]), Action::KillThread);
}

#[test]
fn constants_or_flags_and_composition() {
    // sample_or_flags: open allowed when flags == O_RDWR|O_CREAT (66) or
    // O_WRONLY|O_CREAT (65); `flags` is 4 bytes in kafel's amd64 table.
    let p = imp_x86_64("kafel/samples/sample_or_flags.policy");
    assert_eq!(verdict(&p, X, "open", &[0, 66]), Action::Allow);
    assert_eq!(verdict(&p, X, "open", &[0, 65]), Action::Allow);
    assert_eq!(verdict(&p, X, "open", &[0, 64]), Action::KillThread);
    // sample_composition: read(fd == 0), write(fd == 1 || fd == 2).
    let p = imp_x86_64("kafel/samples/sample_composition.policy");
    assert_eq!(verdict(&p, X, "read", &[0]), Action::Allow);
    assert_eq!(verdict(&p, X, "read", &[1]), Action::KillThread);
    assert_eq!(verdict(&p, X, "write", &[2]), Action::Allow);
    assert_eq!(verdict(&p, X, "write", &[0]), Action::KillThread);
}

#[test]
fn masks_and_widths() {
    // sample_and_eq_short_bottom_set: (fd & 0xf1) == 0; fd is 4 bytes, so
    // kafel compares the low 32 bits only.
    let p = imp_x86_64("kafel/samples/sample_and_eq_short_bottom_set.policy");
    assert_eq!(verdict(&p, X, "write", &[0x0e]), Action::Allow);
    assert_eq!(verdict(&p, X, "write", &[0x10]), Action::KillThread);
    assert_eq!(verdict(&p, X, "write", &[0x1_0000_0000]), Action::Allow);
    // sample_and_eq_long: (buf & M) == M with M above 32 bits: 64-bit.
    let p = imp_x86_64("kafel/samples/sample_and_eq_long.policy");
    let m = 0xc267df278caf1f35u64;
    assert_eq!(verdict(&p, X, "write", &[0, m]), Action::Allow);
    assert_eq!(verdict(&p, X, "write", &[0, u64::MAX]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "write", &[0, m & 0xffff_ffff]),
        Action::KillThread
    );
    // A constant above 32 bits compared with a 4-byte argument makes
    // kafel compare all 64 bits: (fd & 0xf1f1f1f100000000) == 0. With
    // --exact-width the import does the same; by default it compares the
    // 32 bits of `fd` the kernel uses, where the mask leaves nothing.
    let name = "kafel/samples/sample_and_eq_short_top_set.policy";
    let exact = ImportOptions {
        arches: Some(vec![X]),
        exact_width: true,
        ..ImportOptions::default()
    };
    let p = import(Format::Kafel, name, &corpus(name), &exact)
        .unwrap()
        .policy;
    assert!(
        p.contains("keep write(arg0:u64 & 0xf1f1f1f100000000 == 0);"),
        "{p}"
    );
    assert_eq!(verdict(&p, X, "write", &[0xffff_ffff]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "write", &[0x0100_0000_0000_0000]),
        Action::KillThread
    );
    let p = imp_x86_64(name);
    assert!(p.contains("the kernel uses 32 bits of `fd`"), "{p}");
    assert_eq!(
        verdict(&p, X, "write", &[0x0100_0000_0000_0000]),
        Action::Allow
    );
}

#[test]
fn comparing_two_arguments_is_refused() {
    // sample_var_cmp: `fd != count && buf == count` compares arguments
    // with each other, which our language cannot say.
    let e = import(
        Format::Kafel,
        "sample_var_cmp.policy",
        &corpus("kafel/samples/sample_var_cmp.policy"),
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("sample_var_cmp.policy:4:4: compares argument `fd` with argument `count`"),
        "{e}"
    );
}

#[test]
fn actions_negation_and_default() {
    let p = imp("#define AT_FDCWD -100\n\
         POLICY p { ALLOW { openat { dfd == AT_FDCWD && !(flags & 3) } } }\n\
         POLICY q { TRACE(7) { ptrace }, LOG { getpid }, ERRNO(5000) { mkdir } }\n\
         USE p, USE q, USE p\n\
         ERRNO(13) { openat }, USER_NOTIF { ioctl { 0x5401 == cmd } }, KILL_PROCESS { kill { sig > 9 } }\n\
         DEFAULT ERRNO(1)");
    // `!(flags & 3)` is not a comparison in kafel's grammar.
    assert!(p.unwrap_err().contains("expected a comparison"));
    let p = imp(
        "#define AT_FDCWD -100\n\
         POLICY p { ALLOW { openat { dfd == AT_FDCWD && !((flags & 3) != 0) } } }\n\
         POLICY q { TRACE(7) { ptrace }, LOG { getpid }, ERRNO(5000) { mkdir } }\n\
         USE p, USE q, USE p\n\
         ERRNO(13) { openat }, USER_NOTIF { ioctl { 0x5401 == cmd } }, KILL_PROCESS { kill { sig > 9 } }\n\
         DEFAULT ERRNO(1)",
    )
    .unwrap();
    let at = -100i64 as u64;
    assert_eq!(verdict(&p, X, "openat", &[at, 0, 0]), Action::Allow);
    // Falls through to the later `ERRNO(13) { openat }`.
    assert_eq!(verdict(&p, X, "openat", &[at, 0, 1]), Action::Errno(13));
    assert_eq!(verdict(&p, X, "openat", &[3, 0, 0]), Action::Errno(13));
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Trace(7));
    assert_eq!(verdict(&p, X, "getpid", &[]), Action::Log);
    // ERRNO data above 4095 is capped by the kernel (MAX_ERRNO).
    assert_eq!(verdict(&p, X, "mkdir", &[]), Action::Errno(4095));
    assert_eq!(verdict(&p, X, "ioctl", &[0, 0x5401]), Action::UserNotif);
    assert_eq!(verdict(&p, X, "ioctl", &[0, 0x5402]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "kill", &[1, 10]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "kill", &[1, 9]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "read", &[]), Action::Errno(1));
    // kafel's aarch64 and riscv64 tables have no `mkdir`: left out.
    assert!(p.contains("arch x86_64, x86, arm;"), "{p}");
    for a in [Arch::Arm, Arch::X86] {
        assert_eq!(verdict(&p, a, "getpid", &[]), Action::Log, "{a}");
        assert_eq!(verdict(&p, a, "mkdir", &[]), Action::Errno(4095), "{a}");
    }
}

#[test]
fn architectures_follow_kafels_tables() {
    // `open` is not in kafel's aarch64 and riscv64 tables: kafel refuses
    // the policy there, so the import leaves those out (with a warning).
    let i = import(
        Format::Kafel,
        "p",
        "ALLOW { open, newfstat } DEFAULT KILL",
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(i.policy.contains("arch x86_64, x86, arm;"), "{}", i.policy);
    assert!(
        i.warnings
            .iter()
            .any(|w| w.starts_with("not imported for aarch64")),
        "{:?}",
        i.warnings
    );
    // newfstat is kafel's (and the kernel's) name for fstat.
    assert_eq!(verdict(&i.policy, X, "fstat", &[]), Action::Allow);
    let e = imp("ALLOW { opne }").unwrap_err();
    assert!(
        e.starts_with("p.policy:1:9: undefined identifier `opne`"),
        "{e}"
    );
    assert!(e.contains("did you mean `open`?"), "{e}");
    // An ON guard makes the architectures differ: without --arch, those
    // that differ from x86_64 are left out; with --arch naming them, an
    // error.
    let i = import(
        Format::Kafel,
        "p",
        "ALLOW { getpid ON x86_64 }",
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(i.policy.contains("arch x86_64;"), "{}", i.policy);
    assert!(
        i.warnings
            .iter()
            .any(|w| w.starts_with("not imported for x86, where the policy means something else")),
        "{:?}",
        i.warnings
    );
    let two = ImportOptions {
        arches: Some(vec![X, Arch::Aarch64]),
        ..ImportOptions::default()
    };
    let e = import(Format::Kafel, "p", "ALLOW { getpid ON x86_64 }", &two)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`getpid` gets different rules on different architectures (x86_64: `keep getpid;`; aarch64: the default)"), "{e}");
    let e = import(
        Format::Kafel,
        "p",
        "ALLOW { read }",
        &ImportOptions {
            arches: Some(vec![Arch::S390x]),
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("kafel has no syscall table for s390x"),
        "{e}"
    );
}

#[test]
fn errors_name_their_place() {
    assert_eq!(
        imp("ALLOW { read } DEFAULT KILL DEFAULT ALLOW").unwrap_err(),
        "p.policy:1:29: redefinition of the default action"
    );
    assert_eq!(
        imp("USE nope").unwrap_err(),
        "p.policy:1:5: undefined policy `nope` (a policy can use only policies defined before it)"
    );
    assert_eq!(
        imp("TRAP(5) { read }").unwrap_err().lines().next().unwrap(),
        "p.policy:1:11: TRAP(5) passes 5 to the SIGSYS handler (si_errno); our `trap` action carries no value"
    );
    assert_eq!(
        imp("ALLOW { write { fd == 1 } ").unwrap_err(),
        "p.policy:1:27: syntax error: expected `}`, found the end of the policy"
    );
    assert_eq!(
        imp("#define A 1\n#define A 2").unwrap_err(),
        "p.policy:2:1: redefinition of constant `A` with a different value (was 1, is 2)"
    );
    let e = imp("ALLOW { write { bogus == 1 } }").unwrap_err();
    assert!(e.starts_with("p.policy:1:17: undefined identifier `bogus`\nhelp: the arguments on x86_64 are: fd, buf, count"), "{e}");
    // kafel has no built-in constants (src/lexer.l); the help names the
    // kernel's value (AF_UNIX is 1, include/linux/socket.h).
    let e = imp("ALLOW { socket { family == AF_UNIX } }").unwrap_err();
    assert!(e.starts_with("p.policy:1:28: undefined identifier `AF_UNIX`\nhelp: kafel has no built-in constants; `#define AF_UNIX 1` gives it its value on x86_64"), "{e}");
}

#[test]
fn nsjail_config_errors_point_into_the_config() {
    let cfg = "name: \"x\"\nmount { dst: \"/\" }\nseccomp_string: \"ALLOW { read }\"\nseccomp_string: \"  ALLOW { wirte }\"\n";
    let e = import(Format::Kafel, "j.cfg", cfg, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("j.cfg:4:28: undefined identifier `wirte`"),
        "{e}"
    );
    let i = import(
        Format::Kafel,
        "j.cfg",
        &cfg.replace("wirte", "write"),
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("left out: name, mount")),
        "{:?}",
        i.warnings
    );
    assert_eq!(verdict(&i.policy, X, "write", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "open", &[]), Action::KillThread);
    let e = import(
        Format::Kafel,
        "j.cfg",
        "name: \"x\"\n",
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("sets no seccomp policy"), "{e}");
}

fn cfg_err(cfg: &str) -> String {
    import(Format::Kafel, "j.cfg", cfg, &ImportOptions::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn nsjail_config_fields_as_protobuf_checks_them() {
    // protobuf's text parser refuses a field config.proto does not declare
    // (nsjail 3.6: `Message type "nsjail.NsJailConfig" has no field named
    // "seccomp_strin"`), nested ones too; the import used to list it with
    // the fields it leaves out and import the rest.
    let e = cfg_err("seccomp_string: \"ALLOW { read }\"\nseccomp_strin: \"ALLOW { write }\"\n");
    assert!(
        e.starts_with("j.cfg:2:1: nsjail's config has no field `seccomp_strin` in NsJailConfig (config.proto); nsjail refuses the config\nhelp: did you mean `seccomp_string`?"),
        "{e}"
    );
    let e = cfg_err("seccomp_string: \"ALLOW { read }\"\nmount { dst: \"/x\" frob: 1 }\n");
    assert!(
        e.starts_with("j.cfg:2:19: nsjail's config has no field `frob` in MountPt"),
        "{e}"
    );
    // A non-repeated field given twice (`Non-repeated field "seccomp_log"
    // is specified multiple times`); repeated ones may repeat.
    let e = cfg_err("seccomp_string: \"ALLOW { read }\"\nseccomp_log: true\nseccomp_log: false\n");
    assert!(
        e.starts_with("j.cfg:3:1: `seccomp_log` is given twice"),
        "{e}"
    );
    let e = cfg_err("seccomp_string: \"ALLOW { read }\"\nmount { dst: \"/x\" dst: \"/y\" }\n");
    assert!(e.starts_with("j.cfg:2:19: `dst` is given twice"), "{e}");
    // A message field needs `{`, a scalar its `:`.
    let e = cfg_err("seccomp_string: \"ALLOW { read }\"\nmount: \"/x\"\n");
    assert!(
        e.starts_with("j.cfg:2:8: expected a `{ ... }` message"),
        "{e}"
    );
    let e = cfg_err("hostname: \"x\"\nseccomp_string \"ALLOW { read }\"\n");
    assert!(e.starts_with("j.cfg:2:16: expected `:`"), "{e}");
}

#[test]
fn nsjail_bools_lists_and_json() {
    // A bool as protobuf reads it: `seccomp_unotify: 1` (or `t`, `True`)
    // is true, so refused like `true` (the import used to take only
    // `true`, and imported the policy without nsjail's second filter).
    for v in ["1", "t", "True", "true"] {
        let e = cfg_err(&format!(
            "seccomp_string: \"ALLOW {{ read }}\"\nseccomp_unotify: {v}\n"
        ));
        assert!(
            e.starts_with("j.cfg:2:1: `seccomp_unotify: true`"),
            "{v}: {e}"
        );
    }
    let e = cfg_err("seccomp_string: \"ALLOW { read }\"\nseccomp_log: yes\n");
    assert!(
        e.starts_with("j.cfg:2:14: invalid value `yes` for a bool field"),
        "{e}"
    );
    // seccomp_log installs the filter with SECCOMP_FILTER_FLAG_LOG, which
    // changes no action: a warning.
    let i = import(
        Format::Kafel,
        "j.cfg",
        "seccomp_log: t\nseccomp_string: [\"ALLOW { read }\", 'DEFAULT ERRNO(1)']\n",
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("SECCOMP_FILTER_FLAG_LOG") && w.contains("changes none")),
        "{:?}",
        i.warnings
    );
    // The `[...]` list joins its strings as separate values, each followed
    // by a newline.
    assert_eq!(verdict(&i.policy, X, "read", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "write", &[]), Action::Errno(1));
    // nsjail also reads ProtoJSON configs; the import says it does not.
    let e = cfg_err("\n  {\"seccompString\": [\"ALLOW { read }\"]}\n");
    assert!(
        e.starts_with("j.cfg:2:3: an nsjail config in ProtoJSON"),
        "{e}"
    );
}

#[test]
fn includes_as_kafel_resolves_them() {
    let dir = std::env::temp_dir().join(format!("kafel-inc-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/a.policy"), "ALLOW { read }\n").unwrap();
    let opts = ImportOptions {
        arches: Some(vec![X]),
        include_dirs: vec![dir.clone()],
        ..ImportOptions::default()
    };
    // includes.c path_join: `DIR` + "/" + name, even for an absolute name
    // (the import used Path::join, which takes an absolute name alone).
    let p = import(
        Format::Kafel,
        "p.policy",
        "#include \"/sub/a.policy\"\n",
        &opts,
    )
    .unwrap()
    .policy;
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    // nsjail adds no search path (sandbox.cc preparePolicy): an include in
    // a config is not found, whatever --include-dir says.
    let e = import(
        Format::Kafel,
        "j.cfg",
        "seccomp_string: \"#include \\\"sub/a.policy\\\"\"\n",
        &opts,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("j.cfg:1:27: could not include file `sub/a.policy`"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
