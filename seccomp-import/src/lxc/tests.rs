//! Verdicts of imported LXC policies, each listing hand-checked against
//! LXC's src/lxc/seccomp.c (e7b855a) and libseccomp's rule semantics, on
//! LXC's shipped policies and policies in the forms LXC's users write.

use super::*;
use crate::testutil::{corpus, verdict};
use crate::{Format, import};

const X: Arch = Arch::X86_64;

fn imp(text: &str, arches: Option<Vec<Arch>>) -> Result<Imported, String> {
    let opts = ImportOptions {
        arches,
        ..ImportOptions::default()
    };
    import(Format::Lxc, "p.seccomp", text, &opts).map_err(|e| e.to_string())
}

#[test]
fn common_seccomp_as_lxc_applies_it() {
    // config/templates/common.seccomp: denylist (default allow),
    // reject_force_umount, [all] kexec_load, open_by_handle_at,
    // init_module, finit_module, delete_module errno 1.
    let i = import(
        Format::Lxc,
        "common.seccomp",
        &corpus("lxc/common.seccomp"),
        &ImportOptions::default(),
    )
    .unwrap();
    let p = &i.policy;
    for a in [
        X,
        Arch::X86,
        Arch::Aarch64,
        Arch::Arm,
        Arch::S390x,
        Arch::Powerpc64le,
    ] {
        assert_eq!(verdict(p, a, "kexec_load", &[]), Action::Errno(1), "{a}");
        assert_eq!(verdict(p, a, "delete_module", &[]), Action::Errno(1), "{a}");
        // umount2(target, MNT_FORCE | MNT_DETACH) is refused with EACCES;
        // without MNT_FORCE it is allowed.
        assert_eq!(verdict(p, a, "umount2", &[0, 3]), Action::Errno(13), "{a}");
        assert_eq!(verdict(p, a, "umount2", &[0, 2]), Action::Allow, "{a}");
        assert_eq!(verdict(p, a, "mount", &[]), Action::Allow, "{a}");
    }
    // On riscv64 LXC does not know the host (get_hostarch): the
    // reject_force_umount line before `[all]` is skipped there, so riscv64
    // means something else and is left out without --arch.
    assert!(!p.contains("riscv64"), "{p}");
    assert!(
        i.warnings
            .iter()
            .any(|w| w.starts_with("not imported for riscv64")),
        "{:?}",
        i.warnings
    );
    let r = imp(&corpus("lxc/common.seccomp"), Some(vec![Arch::Riscv64]))
        .unwrap()
        .policy;
    assert_eq!(
        verdict(&r, Arch::Riscv64, "umount2", &[0, 3]),
        Action::Allow
    );
    assert_eq!(
        verdict(&r, Arch::Riscv64, "kexec_load", &[]),
        Action::Errno(1)
    );
}

#[test]
fn allowlist_with_sections_and_trap() {
    // doc/examples/seccomp-v2.conf: `allowlist trap`, [x86_64] and [x86]
    // sections listing open close read write mount umount2. On an x86_64
    // host both sections apply; on arm64 neither.
    let p = imp(&corpus("lxc/seccomp-v2.conf"), Some(vec![X, Arch::X86]))
        .unwrap()
        .policy;
    for a in [X, Arch::X86] {
        assert_eq!(verdict(&p, a, "read", &[]), Action::Allow, "{a}");
        assert_eq!(verdict(&p, a, "umount2", &[]), Action::Allow, "{a}");
        assert_eq!(verdict(&p, a, "getpid", &[]), Action::Trap, "{a}");
    }
    let p = imp(&corpus("lxc/seccomp-v2.conf"), Some(vec![Arch::Aarch64]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&p, Arch::Aarch64, "read", &[]), Action::Trap);
}

#[test]
fn denylist_errno_zero_and_version_1() {
    // doc/examples/seccomp-v2-denylist.conf: `mknod errno 0`.
    let p = imp(&corpus("lxc/seccomp-v2-denylist.conf"), Some(vec![X]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&p, X, "mknod", &[]), Action::Errno(0));
    assert_eq!(verdict(&p, X, "mknodat", &[]), Action::Allow);
    // doc/examples/seccomp-v1.conf: numbers 0 to 1079 of the host,
    // allowed; the others killed (the thread).
    let e = imp(&corpus("lxc/seccomp-v1.conf"), None).unwrap_err();
    assert!(
        e.contains("a version 1 LXC policy lists syscall numbers of the host's architecture"),
        "{e}"
    );
    let i = imp(&corpus("lxc/seccomp-v1.conf"), Some(vec![X])).unwrap();
    assert_eq!(verdict(&i.policy, X, "read", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "ptrace", &[]), Action::Allow);
    assert!(
        i.warnings.iter().any(|w| w.contains("stricter than LXC")),
        "{:?}",
        i.warnings
    );
    let i = imp("1\nallowlist\n0\n1\n", Some(vec![X])).unwrap();
    assert_eq!(verdict(&i.policy, X, "write", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "open", &[]), Action::KillThread);
}

#[test]
fn argument_filters_and_notify() {
    // In the form LXD writes its notify rules: mknod notify when
    // (mode & S_IFMT) == S_IFCHR or S_IFBLK; iSulad's example of three
    // comparisons on kexec_load.
    let text = "2\ndenylist\n[all]\nmknod notify [1,8192,SCMP_CMP_MASKED_EQ,61440]\nmknod notify [1,24576,SCMP_CMP_MASKED_EQ,61440]\nkexec_load errno 1 [0,1,SCMP_CMP_LE][3,1,==][5,1,SCMP_CMP_MASKED_EQ,1]\nsetns kill\n";
    let p = imp(text, Some(vec![X])).unwrap().policy;
    assert_eq!(verdict(&p, X, "mknod", &[0, 0o20644]), Action::UserNotif);
    assert_eq!(verdict(&p, X, "mknod", &[0, 0o60644]), Action::UserNotif);
    assert_eq!(verdict(&p, X, "mknod", &[0, 0o100644]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "kexec_load", &[1, 0, 0, 1, 0, 1]),
        Action::Errno(1)
    );
    assert_eq!(
        verdict(&p, X, "kexec_load", &[2, 0, 0, 1, 0, 1]),
        Action::Allow
    );
    assert_eq!(
        verdict(&p, X, "kexec_load", &[0, 0, 0, 1, 0, 2]),
        Action::Allow
    );
    assert_eq!(verdict(&p, X, "setns", &[]), Action::KillThread);
}

#[test]
fn what_lxc_refuses_is_refused() {
    let e = imp("2\nallowlist\nread kill\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:6: the rule's action (kill_thread) is the default action"),
        "{e}"
    );
    let e = imp("2\ndenylist\n[x86_64 ]\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:1: unsupported architecture section `[x86_64 ]`"),
        "{e}"
    );
    let e = imp("2\ndenylist\nopen errno\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:6: `errno` needs a number"),
        "{e}"
    );
    let e = imp("2\ndenylist\nopen [0,1,==]\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:6: unrecognized action `[0,1,==]`"),
        "{e}"
    );
    let e = imp("2\ndenylist\nopen errno 1 [0, 1, ==]\n", None).unwrap_err();
    assert!(e.contains("unknown operator ` ==`"), "{e}");
    let e = imp("2\ndenylist\nopne errno 1\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:1: `opne` is not a syscall in any of our tables"),
        "{e}"
    );
    let e = imp("3\ndenylist\n", None).unwrap_err();
    assert!(e.starts_with("p.seccomp:1:1: invalid version `3`"), "{e}");
    let e = imp("2\ndenylist debug\n", None).unwrap_err();
    assert!(e.contains("debug"), "{e}");
    let e = imp(
        "2\ndenylist\nioctl errno 1 [1,1,==]\nioctl kill [1,1,>=]\n",
        None,
    )
    .unwrap_err();
    assert!(
        e.contains("give different actions for some of the same arguments"),
        "{e}"
    );
    // Disjoint conditions of different actions are fine.
    let p = imp(
        "2\ndenylist\nioctl errno 1 [1,1,==]\nioctl kill [1,5,>=]\n",
        Some(vec![X]),
    )
    .unwrap()
    .policy;
    assert_eq!(verdict(&p, X, "ioctl", &[0, 1]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "ioctl", &[0, 7]), Action::KillThread);
    assert_eq!(verdict(&p, X, "ioctl", &[0, 3]), Action::Allow);
}

#[test]
fn version_and_directives_as_fscanf_reads_them() {
    // parse_config: fscanf("%d\n") reads the version and every whitespace
    // after it, then getline reads the directives from there: on the
    // version's own line when something follows it there. Before, the
    // import read the next line as the directives, so this policy (an
    // allowlist whose only rule names no syscall: everything killed) was
    // imported as a denylist allowing everything.
    let e = imp("2 allowlist\ndenylist\n", Some(vec![X])).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:2:1: `denylist` is not a syscall in any of our tables"),
        "{e}"
    );
    let p = imp("2 allowlist\nread\n", Some(vec![X])).unwrap().policy;
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "write", &[]), Action::KillThread);
    // Blank lines and indentation before the directives are skipped too.
    let p = imp("\n 2\n\n\t denylist\nmount\n", Some(vec![X]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&p, X, "mount", &[]), Action::KillThread);
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    // `2x`: the directives are `x`.
    let e = imp("2x\n", None).unwrap_err();
    assert!(e.starts_with("p.seccomp:1:2: bad policy style `x`"), "{e}");
    let e = imp("2\n\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:1: missing the directive line"),
        "{e}"
    );
    let e = imp("2\nallowlist kil\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:2:11: unrecognized action `kil`"),
        "{e}"
    );
    let e = imp("2\ndenylist nodebug\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:2:12: LXC refuses the `debug` directive"),
        "{e}"
    );
}

#[test]
fn every_error_names_line_and_column() {
    let e = imp("2\ndenylist\nioctl errno 1 [1,1,==][1,2,==]\n", None).unwrap_err();
    assert!(e.starts_with("p.seccomp:3:23: compares"), "{e}");
    let e = imp("2\ndenylist\nioctl errno 1 [1,1,==] [9,2,==]\n", None).unwrap_err();
    assert!(
        e.starts_with(
            "p.seccomp:3:24: cannot read argument filter `[9,2,==`: the index must be 0 to 5"
        ),
        "{e}"
    );
    let e = imp(
        "2\ndenylist\nioctl errno 1 [1,1,==]\nioctl kill [1,1,>=]\n",
        None,
    )
    .unwrap_err();
    assert!(
        e.starts_with("p.seccomp:4:1: `ioctl`: rules of lines 3 and 4"),
        "{e}"
    );
    let e = imp(
        "1\nallowlist\n0\n# no comments in version 1\n",
        Some(vec![X]),
    )
    .unwrap_err();
    assert!(
        e.starts_with(
            "p.seccomp:4:1: expected a syscall number, found `# no comments in version 1`"
        ),
        "{e}"
    );
    let e = imp("1\nallowlist\n -3\n", Some(vec![X])).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:2: a negative syscall number"),
        "{e}"
    );
    // Seven argument filters: LXC reads six and ignores the seventh, which
    // would weaken an allow rule; refused.
    let e = imp(
        "2\ndenylist\nclone errno 1 [0,1,==][1,1,==][2,1,==][3,1,==][4,1,==][5,1,==][0,2,==]\n",
        None,
    )
    .unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:63: a 7th argument filter"),
        "{e}"
    );
}

#[test]
fn argument_fields_as_sscanf_reads_them() {
    // `&=5,3`: sscanf's `%30[^0-9^,]` stops at the 5, the `,` it wants
    // next is not there, and the mask keeps its initial "0": the rule
    // matches when (arg & 0) == 0, always.
    let p = imp("2\ndenylist\nioctl errno 1 [1,2,&=5,3]\n", Some(vec![X]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&p, X, "ioctl", &[0, 3]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "ioctl", &[0, 0]), Action::Errno(1));
    // get_v2_default_action: sscanf("%d") after `errno` reads `1` of
    // `1-2` and `-1` as 65535 & 0xffff, capped by the kernel at 4095.
    let p = imp(
        "2\ndenylist\nioctl errno 1-2\nmount errno -1\n",
        Some(vec![X]),
    )
    .unwrap()
    .policy;
    assert_eq!(verdict(&p, X, "ioctl", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Errno(4095));
    // lxc_safe_uint64 takes a `+` (strtoull does) and leading whitespace.
    let p = imp("2\ndenylist\nioctl errno 1 [1, +0x10,==]\n", Some(vec![X]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&p, X, "ioctl", &[0, 16]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "ioctl", &[0, 17]), Action::Allow);
    // `%23[^,]`: LXC reads 23 characters of a value; a longer one fails.
    let e = imp(
        "2\ndenylist\nioctl errno 1 [1,0x0000000000000000000000001,==]\n",
        None,
    )
    .unwrap_err();
    assert!(e.contains("longer than the 23 characters LXC reads"), "{e}");
}

#[test]
fn lines_lxc_skips_are_listed() {
    // An indented comment or a CRLF line end: LXC reads the empty name
    // before the first space (the action after it: `#`, the default) or
    // looks up `umount2\r`, which no syscall is, and skips the line (the
    // import used to skip the first silently and refuse the second).
    let i = imp(
        "2\ndenylist\n # mount\numount2\r\nkexec_load errno 1\r\n",
        Some(vec![X]),
    )
    .unwrap();
    assert_eq!(verdict(&i.policy, X, "mount", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "umount2", &[]), Action::Allow);
    // `errno 1\r`: sscanf reads the 1.
    assert_eq!(verdict(&i.policy, X, "kexec_load", &[]), Action::Errno(1));
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("skipped too: p.seccomp:3:1, p.seccomp:4:1")),
        "{:?}",
        i.warnings
    );
    // An indented rule is not skipped: LXC reads `mount` as its action and
    // refuses it.
    let e = imp("2\ndenylist\n mount\n", None).unwrap_err();
    assert!(
        e.starts_with("p.seccomp:3:2: unrecognized action `mount`"),
        "{e}"
    );
    // A blank line is no rule, and no warning.
    let i = imp("2\ndenylist\n\nmount\n", Some(vec![X])).unwrap();
    assert!(
        i.warnings.iter().all(|w| !w.contains("skipped too")),
        "{:?}",
        i.warnings
    );
}
