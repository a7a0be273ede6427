use super::*;
use crate::testutil::verdict;
use crate::{Format, import};

fn opts() -> ImportOptions {
    ImportOptions {
        home: Some(PathBuf::from("/nonexistent-home")),
        ..ImportOptions::default()
    }
}

fn imp(text: &str) -> Result<String, ImportError> {
    import(Format::Firejail, "p.profile", text, &opts()).map(|i| i.policy)
}

const X: Arch = Arch::X86_64;

#[test]
fn seccomp_with_exemptions_and_own_actions() {
    let p = imp("seccomp !chroot,mount:kill,socket\n").unwrap();
    assert_eq!(verdict(&p, X, "chroot", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(1));
    // SECCOMP_RET_KILL, as fseccomp writes it, kills the thread.
    assert_eq!(verdict(&p, X, "mount", &[]), Action::KillThread);
    assert_eq!(verdict(&p, X, "socket", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert!(
        p.contains(
            "\ndeny errno(EPERM); // firejail's default seccomp-error-action\ndefault allow;"
        ),
        "{p}"
    );
}

/// Issue 8: two `seccomp.keep` lines were merged into one allow-list;
/// firejail applies only the last, so `mkdir` (in the first only) must be
/// refused.
#[test]
fn repeated_keep_lines_keep_the_last() {
    let i = import(
        Format::Firejail,
        "p.profile",
        "seccomp.keep read,write,exit_group,mkdir\nseccomp.keep read,write,exit_group\n",
        &opts(),
    )
    .unwrap();
    assert_eq!(verdict(&i.policy, X, "mkdir", &[]), Action::Errno(1));
    assert_eq!(verdict(&i.policy, X, "write", &[]), Action::Allow);
    assert!(
        i.policy
            .contains("`seccomp.keep` at p.profile:1 is replaced by the one at p.profile:2"),
        "{}",
        i.policy
    );
}

/// Issue 8: two `seccomp.drop` lines: firejail refuses only the last
/// line's syscalls; merging them made the import stricter.
#[test]
fn repeated_drop_lines_keep_the_last() {
    let p = imp("seccomp.drop mount\nseccomp.drop umount2\n").unwrap();
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "umount2", &[]), Action::Errno(1));
    let p = imp("seccomp mount\nseccomp umount2\n").unwrap();
    assert_eq!(
        verdict(&p, X, "mount", &[]),
        Action::Errno(1),
        "in the default list"
    );
    assert_eq!(verdict(&p, X, "socket", &[]), Action::Allow);
    let p = imp("seccomp socket\nseccomp umount2\n").unwrap();
    assert_eq!(verdict(&p, X, "socket", &[]), Action::Allow);
}

/// Issue 8: `include` lines were ignored, losing a `seccomp.drop` in the
/// included file.
#[test]
fn includes_are_followed() {
    let dir = std::env::temp_dir().join(format!("fj-import-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("common.inc"),
        "seccomp.drop mount,ptrace\ninclude sub/more.inc\n",
    )
    .unwrap();
    std::fs::write(dir.join("sub/more.inc"), "protocol unix\n").unwrap();
    let profile = dir.join("app.profile");
    std::fs::write(&profile, "include common.inc\ninclude app.local\n").unwrap();
    let name = profile.display().to_string();
    let text = std::fs::read_to_string(&profile).unwrap();
    let i = import(Format::Firejail, &name, &text, &opts()).unwrap();
    assert_eq!(verdict(&i.policy, X, "mount", &[]), Action::Errno(1));
    assert_eq!(verdict(&i.policy, X, "socket", &[2]), Action::Errno(95));
    assert_eq!(verdict(&i.policy, X, "socket", &[1]), Action::Allow);
    assert!(
        i.warnings.iter().any(|w| w.contains("app.local")),
        "{:?}",
        i.warnings
    );
    // A missing include other than `.local` is an error at its line.
    let e = import(
        Format::Firejail,
        &name,
        "seccomp\ninclude gone.inc\n",
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.location, format!("{name}:2:1"));
    assert!(e.message.contains("cannot find `gone.inc`"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keep_drop_and_settings() {
    let p = imp("seccomp.keep read,write,@signal,!kill\nseccomp-error-action kill\nseccomp.block-secondary\n").unwrap();
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "execve", &[]),
        Action::Allow,
        "@default-keep"
    );
    assert_eq!(
        verdict(&p, X, "rt_sigaction", &[]),
        Action::Allow,
        "@firejail-signal"
    );
    assert_eq!(verdict(&p, X, "kill", &[]), Action::KillThread);
    assert_eq!(verdict(&p, X, "open", &[]), Action::KillThread);
    assert!(p.contains("seccomp.block-secondary: our filters always refuse other ABIs"));
    let d = imp("seccomp.drop @clock,@default\nallow-debuggers\nseccomp\n").unwrap();
    assert_eq!(verdict(&d, X, "settimeofday", &[]), Action::Errno(1));
    assert_eq!(
        verdict(&d, X, "mount", &[]),
        Action::Errno(1),
        "firejail's @default"
    );
    assert_eq!(verdict(&d, X, "ptrace", &[]), Action::Allow);
    assert!(d.contains("acknowledge ptrace;"), "{d}");
    let l = imp("seccomp-error-action log\nseccomp\n").unwrap();
    assert_eq!(verdict(&l, X, "mount", &[]), Action::Log);
}

#[test]
fn post_exec_syscalls_and_skipped_items() {
    let i = import(
        Format::Firejail,
        "p",
        "seccomp.drop execve:EACCES,umount2:log,!@clock\n",
        &opts(),
    )
    .unwrap();
    // The post-exec filter's EPERM (newer) wins over the main filter's
    // EACCES, as on the kernel.
    assert_eq!(verdict(&i.policy, X, "execve", &[]), Action::Errno(1));
    assert_eq!(verdict(&i.policy, X, "umount2", &[]), Action::Allow);
    assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    assert!(
        i.warnings[0].starts_with("p:1:28: `umount2:log`"),
        "{:?}",
        i.warnings
    );
}

#[test]
fn extra_filters() {
    let p = imp("seccomp\nmemory-deny-write-execute\nrestrict-namespaces\nprotocol unix,inet\n")
        .unwrap();
    assert!(
        p.contains("arch x86_64, aarch64, arm, riscv64, powerpc64le, loongarch64;"),
        "{p}"
    );
    assert_eq!(verdict(&p, X, "mmap", &[0, 4096, 7]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "mmap", &[0, 4096, 5]), Action::Allow);
    assert_eq!(verdict(&p, X, "mprotect", &[0, 4096, 4]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "memfd_create", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "unshare", &[0x1000_0000]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "unshare", &[0x200]), Action::Allow);
    assert_eq!(verdict(&p, X, "setns", &[3, 0]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "clone3", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "socket", &[10]), Action::Errno(95));
    assert_eq!(verdict(&p, X, "socket", &[2]), Action::Allow);
    // Only the extra filters.
    let p = imp("protocol unix\n").unwrap();
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Allow);
    assert_eq!(
        verdict(&p, Arch::Aarch64, "socket", &[16]),
        Action::Errno(95)
    );
    let e = import(
        Format::Firejail,
        "p",
        "memory-deny-write-execute\n",
        &ImportOptions {
            arches: Some(vec![Arch::X86]),
            ..opts()
        },
    )
    .unwrap_err();
    assert!(e.message.starts_with("cannot import for x86"), "{e}");
}

#[test]
fn mistakes_name_file_line_and_column() {
    let e = imp("seccomp\nseccomp.drop mount,moutn\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "p.profile:2:20: `moutn` is not a syscall of the architectures compiled\nhelp: did you mean `mount`?"
    );
    let e = imp("seccomp @nosuch").unwrap_err().to_string();
    assert!(
        e.starts_with("p.profile:1:9: unknown firejail group `@nosuch`"),
        "{e}"
    );
    let e = imp("seccomp-error-action EPREM\nseccomp")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("p.profile:1:22: unknown seccomp-error-action `EPREM`"),
        "{e}"
    );
    assert!(
        imp("private-dev\n")
            .unwrap_err()
            .message
            .contains("installs no seccomp filter")
    );
    let e = imp("seccomp\nprivate-devv\n").unwrap_err();
    assert_eq!(e.location, "p.profile:2:1");
}

/// Audit of issue 8: ENOTSUP is an errno firejail knows (src/lib/errno.c),
/// as an item's action and as `seccomp-error-action`; the import skipped
/// the item, letting `mount` through.
#[test]
fn enotsup_is_an_errno_to_firejail() {
    let p = imp("seccomp.drop mount:ENOTSUP\nseccomp-error-action enotsup\nseccomp\n").unwrap();
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Errno(95));
    assert!(p.contains("deny errno(EOPNOTSUPP);"), "{p}");
}

/// Audit of issue 8: a keep-list naming a syscall newer than firejail
/// 0.9.72's table allowed it; fseccomp skips the item, so firejail refuses
/// it. On arm, whose table has it, firejail allows it: arm is left out.
#[test]
fn syscalls_newer_than_firejails_table_are_skipped() {
    let i = import(
        Format::Firejail,
        "p",
        "seccomp.keep read,write,landlock_create_ruleset,cachestat\n",
        &opts(),
    )
    .unwrap();
    assert_eq!(
        verdict(&i.policy, X, "landlock_create_ruleset", &[]),
        Action::Errno(1)
    );
    assert_eq!(verdict(&i.policy, X, "cachestat", &[]), Action::Errno(1));
    assert_eq!(verdict(&i.policy, X, "read", &[]), Action::Allow);
    assert!(
        i.warnings.iter().any(|w| w
            .starts_with("not compiled for arm: firejail 0.9.72 skips landlock_create_ruleset")),
        "{:?}",
        i.warnings
    );
    assert!(
        i.policy.contains("\narch x86_64, x86, aarch64, riscv64,"),
        "{}",
        i.policy
    );
    let e = import(
        Format::Firejail,
        "p",
        "seccomp.drop landlock_add_rule\n",
        &ImportOptions {
            arches: Some(vec![Arch::Arm]),
            ..opts()
        },
    )
    .unwrap_err();
    assert_eq!(e.location, "p:1:14");
    assert!(e.message.starts_with("cannot import for arm"), "{e}");
    // Newer than both tables: every architecture keeps the same meaning.
    let i = import(Format::Firejail, "p", "seccomp.drop mseal,mount\n", &opts()).unwrap();
    assert_eq!(verdict(&i.policy, X, "mseal", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, Arch::Arm, "mseal", &[]), Action::Allow);
    assert_eq!(
        verdict(&i.policy, Arch::Arm, "mount", &[]),
        Action::Errno(1)
    );
}

/// Audit of issue 8: lines firejail does not use are listed in warnings,
/// not only in the output's header.
#[test]
fn unused_and_replaced_lines_are_warned_about() {
    let i = import(
        Format::Firejail,
        "p",
        "seccomp.drop mount\nseccomp.drop chroot\nseccomp.keep read\nseccomp umount2\n",
        &opts(),
    )
    .unwrap();
    let w = i.warnings.join("\n");
    assert!(
        w.contains("`seccomp.drop` at p:1 is replaced by the one at p:2"),
        "{w}"
    );
    assert!(w.contains("`seccomp.drop` at p:2:14 is not used"), "{w}");
    assert!(w.contains("`seccomp` at p:4:9 is not used"), "{w}");
}

/// Issue 8, section 2: lists whose every item fseccomp skips still give
/// a filter, as firejail installs one (checked against firejail in
/// tests/tests/import_vs_firejail.rs); lists with no item at all are
/// refused, as fseccomp refuses them.
#[test]
fn lists_with_nothing_left() {
    let p = imp("seccomp.drop umount2:log\n").unwrap();
    assert_eq!(verdict(&p, X, "umount2", &[]), Action::Allow);
    let p = imp("seccomp.keep umount2:log\n").unwrap();
    assert_eq!(verdict(&p, X, "execve", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "umount2", &[]), Action::Errno(1));
    let p = imp("restrict-namespaces user\nrestrict-namespaces -user\n").unwrap();
    assert_eq!(verdict(&p, X, "setns", &[3, 0]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "unshare", &[0x1000_0000]), Action::Allow);
    for (text, at) in [
        ("seccomp.keep ,\n", "p.profile:1:14"),
        ("seccomp ,,\n", "p.profile:1:9"),
        ("seccomp\nprotocol unix\nprotocol -unix\n", "p.profile:3:1"),
    ] {
        assert_eq!(imp(text).unwrap_err().location, at, "{text}");
    }
}
