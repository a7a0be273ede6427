//! Verdicts of imported bionic policies, hand-checked against the lists
//! (aosp-mirror/platform_bionic 731631f, libc/*.TXT) as genseccomp.py
//! merges them.

use super::*;
use crate::testutil::verdict;
use crate::{Format, import};
use seccomp_compiler::action::Action;

fn corpus_path(name: &str) -> String {
    format!("{}/tests/corpus/bionic/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn imp(
    file: &str,
    filter: Option<&str>,
    arches: Option<Vec<Arch>>,
) -> Result<Imported, ImportError> {
    let path = corpus_path(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let opts = ImportOptions {
        filter: filter.map(str::to_owned),
        arches,
        ..ImportOptions::default()
    };
    import(Format::Bionic, &path, &text, &opts)
}

#[test]
fn app_policy_on_x86_64() {
    let p = imp("SECCOMP_BLOCKLIST_APP.TXT", None, Some(vec![Arch::X86_64]))
        .unwrap()
        .policy;
    let x = Arch::X86_64;
    // SYSCALLS.TXT lists read (all): allowed.
    assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
    // SECCOMP_BLOCKLIST_APP.TXT: setgid (lp64), mount, reboot, chroot.
    assert_eq!(verdict(&p, x, "setgid", &[]), Action::Trap);
    assert_eq!(verdict(&p, x, "mount", &[]), Action::Trap);
    assert_eq!(verdict(&p, x, "reboot", &[]), Action::Trap);
    // SECCOMP_ALLOWLIST_COMMON.TXT: gettid, futex, execveat, open
    // (arm,x86,x86_64); SECCOMP_ALLOWLIST_APP.TXT: setresuid isn't blocked.
    assert_eq!(verdict(&p, x, "gettid", &[]), Action::Allow);
    assert_eq!(verdict(&p, x, "open", &[]), Action::Allow);
    // Not in any list: kexec_load, ptrace? (ptrace is in SYSCALLS.TXT).
    assert_eq!(verdict(&p, x, "kexec_load", &[]), Action::Trap);
}

#[test]
fn system_policy_keeps_what_the_app_blocklist_removes() {
    let p = imp("SYSCALLS.TXT", Some("system"), Some(vec![Arch::X86_64]))
        .unwrap()
        .policy;
    let x = Arch::X86_64;
    assert_eq!(verdict(&p, x, "setgid", &[]), Action::Allow);
    assert_eq!(verdict(&p, x, "mount", &[]), Action::Allow);
    assert_eq!(verdict(&p, x, "kexec_load", &[]), Action::Trap);
}

#[test]
fn lp32_names_differ_so_arches_are_imported_apart() {
    // SYSCALLS.TXT lists fchown:fchown32 for lp32 and fchown for lp64: on
    // arm the 16-bit fchown (95) is not allowed while x86_64's fchown is,
    // which one policy cannot say.
    let i = imp("SECCOMP_ALLOWLIST_APP.TXT", None, None).unwrap();
    assert!(
        i.warnings
            .iter()
            .any(|w| w.starts_with("not imported for x86")),
        "{:?}",
        i.warnings
    );
    let p = imp("SECCOMP_ALLOWLIST_APP.TXT", None, Some(vec![Arch::Arm]))
        .unwrap()
        .policy;
    let a = Arch::Arm;
    assert_eq!(verdict(&p, a, "fchown32", &[]), Action::Allow);
    assert_eq!(verdict(&p, a, "fchown", &[]), Action::Trap);
    // SECCOMP_ALLOWLIST_APP.TXT allows the 16-bit getuid on lp32.
    assert_eq!(verdict(&p, a, "getuid", &[]), Action::Allow);
    // SECCOMP_BLOCKLIST_APP.TXT blocks setgid32 on lp32.
    assert_eq!(verdict(&p, a, "setgid32", &[]), Action::Trap);
    // __ARM_NR_set_tls and __ARM_NR_cacheflush (SYSCALLS.TXT, arm).
    assert_eq!(verdict(&p, a, "set_tls", &[]), Action::Allow);
    assert_eq!(verdict(&p, a, "cacheflush", &[]), Action::Allow);
}

#[test]
fn which_policy_and_bad_lines() {
    let e = imp("SYSCALLS.TXT", None, None).unwrap_err().to_string();
    assert!(e.contains("--filter app or --filter system"), "{e}");
    let e = imp("SYSCALLS.TXT", Some("zygote"), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown bionic policy `zygote`"), "{e}");
    let e = parse("f.TXT", "int read(int, void*, size_t) mips\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "f.TXT:1: invalid syscall architecture `mips` in `int read(int, void*, size_t) mips`"
    );
    let e = parse("f.TXT", "read all\n").unwrap_err().to_string();
    assert_eq!(e, "f.TXT:1: missing left parenthesis in `read all`");
    let l = parse(
        "f.TXT",
        "# c\nint setgid:setgid32(gid_t) lp32\nssize_t pread64|pread:pread64(int) all\n",
    )
    .unwrap();
    assert_eq!(l["arm"].keys().collect::<Vec<_>>(), ["pread64", "setgid32"]);
    assert_eq!(l["x86_64"].keys().collect::<Vec<_>>(), ["pread64"]);
}
