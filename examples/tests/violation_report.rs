//! `violation_report`: a syscall its `#[sandbox(on_violation = report)]`
//! policy refuses is printed, with its arguments as the kernel saw them,
//! and the process exits with status 159.

mod common;

use std::process::Command;

#[test]
fn the_refused_syscall_is_printed_with_its_arguments() {
    let out = Command::new(common::example("violation_report"))
        .output()
        .expect("run violation_report");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(159), "stderr: {stderr}");
    assert_eq!(stdout, "sandboxed: opening /etc/hostname\n");
    let line = stderr.lines().next().unwrap_or_default();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // glibc's open64 makes openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0)
    // (sysdeps/unix/sysv/linux/open64.c passes mode 0 without O_CREAT);
    // on x86_64 its `int` AT_FDCWD (-100) arrives with the upper half
    // clear. The last two registers are whatever the caller left there.
    #[cfg(target_arch = "x86_64")]
    {
        let prefix = "seccomp: blocked syscall openat (257) by policy, args 0xffffff9c 0x";
        assert!(line.starts_with(prefix), "{line}");
        let args: Vec<&str> = line[line.find(", args ").unwrap() + 7..]
            .split(' ')
            .collect();
        assert_eq!(args.len(), 6, "{line}");
        let path = u64::from_str_radix(&args[1][2..], 16).unwrap();
        assert!(path > 0x1000, "a user-space address: {line}");
        assert_eq!(&args[2..4], ["0x80000", "0"], "{line}");
    }
    #[cfg(not(target_arch = "x86_64"))]
    assert!(
        line.starts_with("seccomp: blocked syscall openat ("),
        "{line}"
    );
}
