//! Syscall families at the command line: the sibling warning on standard
//! error beside a program, the sibling lint and the portability check as
//! errors with the policy's place.

mod common;
use common::seccompc_with_stdin;

fn compile(policy: &str, arch: &str) -> common::Out {
    seccompc_with_stdin(
        &["compile", "-", "--arch", arch, "--format", "json"],
        policy.as_bytes(),
    )
}

#[test]
fn the_sibling_warning_is_printed_beside_the_program() {
    let out = compile(
        "base @system-service; drop ptrace; keep write(fd == 1 | 2);",
        "x86_64",
    );
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!out.stdout.is_empty());
    assert!(
        out.stderr.starts_with(
            "warning: this condition on `write` does not confine its siblings: `writev`, `pwrite64`, \
             `pwritev`, `pwritev2`, `sendfile`, `splice` and `copy_file_range` write to a descriptor too"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" --> <stdin>:1:47\n"), "{}", out.stderr);
    assert!(
        out.stderr.contains("`keep writev(fd == 1 | 2);`"),
        "{}",
        out.stderr
    );
    let acknowledged = compile(
        "base @system-service; drop ptrace; keep write(fd == 1 | 2); acknowledge siblings;",
        "x86_64",
    );
    assert_eq!((acknowledged.status, acknowledged.stderr.as_str()), (0, ""));
}

#[test]
fn a_drop_its_siblings_bypass_is_an_error() {
    let out = compile(
        "default allow; drop ptrace;\ndrop openat(flags & 0x40 == 0x40);",
        "x86_64",
    );
    assert_eq!(out.status, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.starts_with(
            "error: this condition on `openat` can be bypassed: `open`, `creat` and `openat2` open files too"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" --> <stdin>:2:13\n"), "{}", out.stderr);
    assert!(
        out.stderr.contains("`drop openat2 => errno(ENOSYS);`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_call_missing_on_the_architecture_needs_its_stand_in() {
    let policy = "keep exit_group, openat;\nkeep poll;";
    assert_eq!(compile(policy, "x86_64").status, 0);
    let out = compile(policy, "aarch64");
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.starts_with(
            "error: `poll` does not exist on aarch64, and this policy allows none of what libc calls there instead: `ppoll`"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" --> <stdin>:2:6\n"), "{}", out.stderr);
    assert_eq!(
        compile("keep exit_group, openat, poll, ppoll;", "aarch64").status,
        0
    );
}
