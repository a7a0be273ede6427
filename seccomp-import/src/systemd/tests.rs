use super::*;
use crate::testutil::verdict;
use crate::{Format, import};
use seccomp_compiler::action::Action;

fn imp(text: &str) -> Result<Imported, ImportError> {
    import(
        Format::Systemd,
        "unit.service",
        text,
        &ImportOptions::default(),
    )
}

fn policy(text: &str) -> String {
    imp(text).unwrap_or_else(|e| panic!("{e}")).policy
}

const X: Arch = Arch::X86_64;

/// Issue 8: `~@swap \` continued with `  @mount` imported only
/// `drop @swap;`; systemd applies both.
#[test]
fn continuation_lines() {
    let p = policy("[Service]\nSystemCallFilter=~@swap \\\n  @mount\n");
    assert_eq!(verdict(&p, X, "mount", &[]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "swapon", &[]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    // A comment line in the middle of a continued value is skipped.
    let p = policy("[Service]\nSystemCallFilter=~@swap \\\n# mount too\n  @mount\n");
    assert_eq!(verdict(&p, X, "mount", &[]), Action::KillProcess);
}

#[test]
fn allow_list_then_removals() {
    let p = policy(
        "[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\nSystemCallErrorNumber=EPERM\nSystemCallArchitectures=native\n",
    );
    assert!(
        p.contains("\ndeny errno(EPERM); // unit.service:5:1: SystemCallErrorNumber=\n"),
        "{p}"
    );
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "setuid", &[]),
        Action::Errno(1),
        "@privileged"
    );
    assert_eq!(
        verdict(&p, X, "setpriority", &[]),
        Action::Errno(1),
        "@resources"
    );
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "write", &[]), Action::Allow);
}

#[test]
fn deny_list_with_suffixes_and_reset() {
    let p = policy(
        "[Service]\nSystemCallFilter=read\nSystemCallFilter=\nSystemCallFilter=~@mount:EACCES reboot:kill ptrace\nSystemCallFilter=umount2 nosuchcall\nSystemCallErrorNumber=ENOSYS\n",
    );
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Errno(13));
    assert_eq!(
        verdict(&p, X, "umount2", &[]),
        Action::Allow,
        "taken off the deny-list"
    );
    assert_eq!(verdict(&p, X, "reboot", &[]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "ptrace", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert!(
        p.contains("unit.service:3:1: an empty SystemCallFilter= resets"),
        "{p}"
    );
}

#[test]
fn later_words_replace_earlier_ones_as_in_systemds_map() {
    // An allow-list: `~uname:EBADF` gives uname its errno (systemd 252+).
    let p = policy(
        "[Service]\nSystemCallErrorNumber=EUCLEAN\nSystemCallFilter=@system-service\nSystemCallFilter=~uname:EBADF\n",
    );
    assert_eq!(verdict(&p, X, "uname", &[]), Action::Errno(9));
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Errno(117));
    // A deny-list: the last word for a syscall decides.
    let p = policy(
        "[Service]\nSystemCallFilter=~@mount:EACCES\nSystemCallFilter=~mount:kill\nSystemCallFilter=~@mount:EPERM\n",
    );
    assert_eq!(verdict(&p, X, "mount", &[]), Action::Errno(1));
}

#[test]
fn error_numbers_as_systemd_takes_them() {
    let i = imp("[Service]\nSystemCallFilter=~mount\nSystemCallErrorNumber=EPERM\nSystemCallErrorNumber=log\nSystemCallErrorNumber=0\n").unwrap();
    // `log` and `0` are ignored, keeping EPERM.
    assert_eq!(verdict(&i.policy, X, "mount", &[]), Action::Errno(1));
    assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    let p = policy(
        "[Service]\nSystemCallFilter=~mount\nSystemCallErrorNumber=EPERM\nSystemCallErrorNumber=kill\n",
    );
    assert_eq!(verdict(&p, X, "mount", &[]), Action::KillProcess);
    // Words systemd ignores: `:log`, an errno on an allow-listed name.
    let i = imp("[Service]\nSystemCallFilter=~mount:log umount2\nSystemCallFilter=read:EPERM\n")
        .unwrap();
    assert_eq!(verdict(&i.policy, X, "mount", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "umount2", &[]), Action::KillProcess);
    assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    assert!(
        i.warnings[0].starts_with("unit.service:2:19: `mount:log`"),
        "{:?}",
        i.warnings
    );
}

#[test]
fn sections_quotes_and_odd_lines() {
    let i = imp("[Unit]\nSystemCallFilter=~mount\n[Service]\nSystemCallFilter=~\"umount2\" \\@swap\nNoNewPrivileges=yes\n").unwrap();
    // [Unit] is not read; quotes are part of the word (no such syscall);
    // a backslash takes the next character.
    assert_eq!(verdict(&i.policy, X, "mount", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "umount2", &[]), Action::Allow);
    assert_eq!(verdict(&i.policy, X, "swapon", &[]), Action::KillProcess);
    assert!(
        i.warnings.iter().any(|w| w.contains("NoNewPrivileges")),
        "{:?}",
        i.warnings
    );
    assert!(
        i.warnings.iter().any(|w| w.contains("[Unit] is ignored")),
        "{:?}",
        i.warnings
    );
}

#[test]
fn other_settings_stack_under_the_filter() {
    let p = policy(
        "[Service]\nSystemCallFilter=~@clock:EACCES\nProtectClock=yes\nProtectKernelModules=yes\nPrivateDevices=true\nRestrictRealtime=yes\nRestrictNamespaces=~user\nLockPersonality=yes\nRestrictSUIDSGID=yes\nProtectHostname=yes\nProtectKernelLogs=yes\n",
    );
    // Both errno: the newer filter (SystemCallFilter=) wins.
    assert_eq!(verdict(&p, X, "settimeofday", &[]), Action::Errno(13));
    assert_eq!(verdict(&p, X, "init_module", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "ioperm", &[]), Action::Errno(1));
    assert_eq!(
        verdict(&p, X, "sched_setscheduler", &[0, 1]),
        Action::Errno(1)
    );
    assert_eq!(verdict(&p, X, "sched_setscheduler", &[0, 3]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "sched_setscheduler", &[0, 6]),
        Action::Errno(1)
    );
    // `~user`: only user namespaces are refused.
    assert_eq!(verdict(&p, X, "unshare", &[0x1000_0000]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "unshare", &[0x4000_0000]), Action::Allow);
    assert_eq!(verdict(&p, X, "setns", &[3, 0]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "clone3", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "personality", &[8]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "personality", &[0]), Action::Allow);
    assert_eq!(verdict(&p, X, "chmod", &[0, 0o4755]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "chmod", &[0, 0o755]), Action::Allow);
    assert_eq!(
        verdict(&p, X, "openat", &[0, 0, 0o100, 0o2755]),
        Action::Errno(1)
    );
    assert_eq!(verdict(&p, X, "openat", &[0, 0, 0, 0o2755]), Action::Allow);
    assert_eq!(verdict(&p, X, "openat2", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "sethostname", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "syslog", &[]), Action::Errno(1));
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    // Without SystemCallFilter=, and where some architectures differ.
    let i = imp("[Service]\nMemoryDenyWriteExecute=yes\nRestrictAddressFamilies=AF_UNIX AF_INET\n")
        .unwrap();
    assert!(
        i.policy
            .contains("\narch x86_64, aarch64, arm, riscv64, loongarch64;"),
        "{}",
        i.policy
    );
    assert_eq!(verdict(&i.policy, X, "mmap", &[0, 0, 7]), Action::Errno(1));
    assert_eq!(verdict(&i.policy, X, "socket", &[10]), Action::Errno(97));
    assert_eq!(verdict(&i.policy, X, "socket", &[1]), Action::Allow);
    // A deny-list filter kills: kill beats the other filters' EPERM.
    let p = policy("[Service]\nSystemCallFilter=~@clock\nProtectClock=yes\n");
    assert_eq!(verdict(&p, X, "settimeofday", &[]), Action::KillProcess);
}

/// systemd 257's `ProtectHostname=` takes a boolean or `private`, with an
/// optional `:HOSTNAME`; only `yes` installs a filter (exec-invoke.c
/// `apply_protect_hostname`).
#[test]
fn protect_hostname_private_installs_no_filter() {
    let p = policy("[Service]\nSystemCallFilter=~@swap\nProtectHostname=private\n");
    assert_eq!(verdict(&p, X, "sethostname", &[]), Action::Allow);
    let p = policy("[Service]\nSystemCallFilter=~@swap\nProtectHostname=private:box\n");
    assert_eq!(verdict(&p, X, "sethostname", &[]), Action::Allow);
    let p = policy("[Service]\nSystemCallFilter=~@swap\nProtectHostname=yes:box\n");
    assert_eq!(verdict(&p, X, "sethostname", &[]), Action::Errno(1));
    let i = imp("[Service]\nSystemCallFilter=~@swap\nProtectHostname=maybe\n").unwrap();
    assert_eq!(verdict(&i.policy, X, "sethostname", &[]), Action::Allow);
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("ProtectHostname=maybe: neither a boolean nor `private`")),
        "{:?}",
        i.warnings
    );
}

#[test]
fn mistakes() {
    assert!(
        imp("[Service]\nSystemCallErrorNumber=EPERM\n")
            .unwrap_err()
            .message
            .contains("has none")
    );
    assert!(imp("[Service\nSystemCallFilter=read\n").is_err());
    let e = imp("[Service]\nMemoryDenyWriteExecute=yes\n")
        .and(import(
            Format::Systemd,
            "u",
            "[Service]\nMemoryDenyWriteExecute=yes\n",
            &ImportOptions {
                arches: Some(vec![Arch::X86]),
                ..ImportOptions::default()
            },
        ))
        .unwrap_err();
    assert!(e.message.starts_with("cannot import for x86"), "{e}");
    let i = imp("SystemCallFilter=read frobnicate\n").unwrap();
    assert_eq!(
        i.warnings,
        ["unit.service:1:23: `frobnicate`: no such syscall; ignored, as systemd ignores it"]
    );
}
