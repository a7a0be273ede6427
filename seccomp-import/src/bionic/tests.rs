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
    let e = parse("f.TXT", "read(int, void*, size_t) mips\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "f.TXT:1:26: invalid syscall architecture `mips` in `read(int, void*, size_t) mips`"
    );
    let e = parse("f.TXT", "\n  read all\n").unwrap_err().to_string();
    assert_eq!(e, "f.TXT:2:3: missing left parenthesis in `read all`");
    let l = parse(
        "f.TXT",
        "# c\nsetgid:setgid32(gid_t) lp32\npread64|pread:pread64(int) all\n",
    )
    .unwrap();
    assert_eq!(l["arm"].keys().collect::<Vec<_>>(), ["pread64", "setgid32"]);
    assert_eq!(l["x86_64"].keys().collect::<Vec<_>>(), ["pread64"]);
    assert_eq!(l["arm"]["setgid32"], "2:8");
}

/// Audit of issue 8: names as gensyscalls.py's parse_line takes them.
/// genseccomp.py looks each listed name up in the kernel's headers as it
/// is, so a name with a space or a `|` stops the build; the import took
/// the trimmed name (or the part before `|`).
#[test]
fn names_as_parse_line_takes_them() {
    let err = |line: &str| parse("f.TXT", line).unwrap_err().to_string();
    assert_eq!(
        err("read (int) all"),
        "f.TXT:1:1: `read ` is not a syscall name: genseccomp.py would look it up as it is in the kernel's headers and stop"
    );
    assert!(err("int read(int) all").starts_with("f.TXT:1:1: `int read`"));
    // Without aliases in the function part, `|` stays in the name.
    assert!(err("f:n|x(int) all").starts_with("f.TXT:1:3: `n|x`"));
    let l = parse("f.TXT", "f|g:n|x(int) all\n").unwrap();
    assert!(l["x86"].contains_key("n"));
    // `func:name:socketcall_id`: int() of the id.
    assert!(parse("f.TXT", "bind:socketcall:2(int) x86\n").is_ok());
    assert!(parse("f.TXT", "bind:socketcall: +1_0 (int) x86\n").is_ok());
    assert_eq!(
        err("bind:socketcall:x(int) x86"),
        "f.TXT:1:17: `x` is not a socketcall number (genseccomp.py stops: int() fails)"
    );
    assert!(err("bind:socketcall:(int) x86").contains("misplaced colon2"));
    assert!(err(":read(int) all").contains("misplaced colon"));
    assert!(err("read:(int) all").contains("misplaced colon"));
    // Spaces are not allowed in the architecture list.
    assert_eq!(
        err("read(int) lp32, lp64"),
        "f.TXT:1:16: invalid syscall architecture ` lp64` in `read(int) lp32, lp64`"
    );
}

/// Audit of issue 8: Python reads the lists with universal newlines, so a
/// lone `\r` ends a line; the import read `mount() all\rreboot() all` as
/// one line naming `mount` for all architectures and lost `reboot`.
#[test]
fn carriage_returns_end_lines_as_in_python() {
    let l = parse("f.TXT", "mount(int) all\rreboot(int) lp64\r\nkill(int) all").unwrap();
    assert_eq!(
        l["x86_64"].keys().collect::<Vec<_>>(),
        ["kill", "mount", "reboot"]
    );
    assert_eq!(l["x86_64"]["kill"], "3:1");
    assert_eq!(python_lines("a\r\rb\n"), ["a", "", "b"]);
}

/// Audit of issue 8: a FILE the policy does not read was silently not
/// read (its directory's lists were).
#[test]
fn a_file_the_policy_does_not_read_is_refused() {
    let e = imp("SECCOMP_ALLOWLIST_SYSTEM.TXT", Some("app"), None).unwrap_err();
    assert!(
        e.message.starts_with(
            "`SECCOMP_ALLOWLIST_SYSTEM.TXT` is not one of the lists the `app` policy is built from"
        ),
        "{e}"
    );
    assert!(
        imp(
            "SECCOMP_PRIORITY.TXT",
            Some("app"),
            Some(vec![Arch::X86_64])
        )
        .is_ok()
    );
}

/// app_zygote: Android.bp's generate_app_zygote_blocklist removes the
/// lines starting with `setresgid` from SECCOMP_BLOCKLIST_APP.TXT (lines
/// 22 and 23 of the fixture), so setresgid runs; everything else is the
/// app policy's.
#[test]
fn app_zygote_lets_setresgid_through() {
    let x = Arch::X86_64;
    let app = imp("SYSCALLS.TXT", Some("app"), Some(vec![x]))
        .unwrap()
        .policy;
    let zygote = imp("SYSCALLS.TXT", Some("app_zygote"), Some(vec![x]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&app, x, "setresgid", &[]), Action::Trap);
    assert_eq!(verdict(&zygote, x, "setresgid", &[]), Action::Allow);
    for name in ["setgid", "mount", "reboot", "kexec_load"] {
        assert_eq!(verdict(&zygote, x, name, &[]), Action::Trap, "{name}");
    }
    assert_eq!(verdict(&zygote, x, "setresuid", &[]), Action::Allow);
    let arm = imp("SYSCALLS.TXT", Some("app_zygote"), Some(vec![Arch::Arm]))
        .unwrap()
        .policy;
    assert_eq!(verdict(&arm, Arch::Arm, "setresgid32", &[]), Action::Allow);
    assert_eq!(verdict(&arm, Arch::Arm, "setgid32", &[]), Action::Trap);
}

/// Every policy on every architecture against genseccomp.py's own
/// merge_names over the same lists (tests/corpus/bionic/
/// genseccomp-allowed.txt, written by genseccomp-allowed.py there): each
/// syscall number of the architecture is allowed exactly when its name is
/// in genseccomp.py's set, and traps otherwise.
#[test]
fn every_policy_allows_what_genseccomps_merge_names_gives() {
    let listing = crate::testutil::corpus("bionic/genseccomp-allowed.txt");
    let mut checked = 0;
    for line in listing.lines().filter(|l| !l.starts_with('#')) {
        let mut words = line.split(' ');
        let (policy, barch) = (words.next().unwrap(), words.next().unwrap());
        let theirs: BTreeSet<&str> = words
            .map(|n| n.strip_prefix("__ARM_NR_").unwrap_or(n))
            .collect();
        let arch = ARCHES.iter().find(|(b, _)| *b == barch).unwrap().1;
        let p = imp("SYSCALLS.TXT", Some(policy), Some(vec![arch]))
            .unwrap()
            .policy;
        let compiled = seccomp_compiler::compile_str(&p).unwrap();
        let out = compiled.get(arch).unwrap();
        let table = syscalls::table(arch);
        let mut allowed = BTreeSet::new();
        for nr in 0..=table.max_number() + 16 {
            let data = seccomp_compiler::bpf::SeccompData {
                nr,
                arch: arch.audit_arch(),
                instruction_pointer: 0,
                args: [0; 6],
            };
            match seccomp_compiler::decide::eval(&out.resolved, &data, &|_| 0) {
                Action::Allow => {
                    allowed.insert(table.name(nr).unwrap());
                }
                Action::Trap => {}
                other => panic!("{policy} {barch}: {nr} gets {other}"),
            }
            checked += 1;
        }
        assert_eq!(allowed, theirs, "{policy} on {barch}");
    }
    assert!(checked > 15 * 300, "{checked}");
}
