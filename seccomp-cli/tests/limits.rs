//! Hostile input is refused or handled with bounded work: files past the
//! size limit, names far longer than any syscall, and many statements
//! (memory measured per statement, by the kernel's accounting of the real
//! process, not by the clock).

mod common;

use common::{file, scratch, seccompc, seccompc_with_stdin};
use std::process::{Command, Stdio};

#[test]
fn inputs_past_4_mib_are_refused_naming_the_limit() {
    let out = seccompc(&[
        "compile",
        "/dev/zero",
        "--arch",
        "x86_64",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.status, 1);
    assert_eq!(
        out.stderr,
        "seccompc: `/dev/zero` is larger than 4194304 bytes (4 MiB), the limit for an input; policies and programs are far smaller\n"
    );
    let big = vec![b' '; (4 << 20) + 1];
    let out = seccompc_with_stdin(&["explain", "-", "--arch", "x86_64"], &big);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("standard input is larger than 4194304 bytes")
    );
    for command in [
        &["disasm", "/dev/zero", "--arch", "x86_64"][..],
        &["simulate", "/dev/zero", "--arch", "x86_64", "read"],
        &["import", "--from", "oci", "/dev/zero"],
        &["export", "/dev/zero"],
        &["run", "/dev/zero", "true"],
    ] {
        let out = seccompc(command);
        assert_eq!(out.status, 1, "{command:?}");
        assert!(
            out.stderr.contains("4194304 bytes (4 MiB)"),
            "{command:?}: {}",
            out.stderr
        );
    }
    // Exactly at the limit is accepted.
    let mut at_limit = vec![b' '; (4 << 20) - 10];
    at_limit.extend_from_slice(b"keep read;");
    let out = seccompc_with_stdin(&["explain", "-", "--arch", "x86_64"], &at_limit);
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn a_1_mb_unknown_name_gets_its_error_without_a_suggestion_search() {
    let dir = scratch("long-name");
    let name = "w".repeat(1 << 20);
    let policy = file(&dir, "p.policy", &format!("keep {name};\n"));
    let out = seccompc(&["compile", &policy, "--arch", "x86_64", "-o", "/dev/null"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .starts_with(&format!("error: unknown syscall `{name}`\n"))
    );
    assert!(!out.stderr.contains("did you mean"));
    // A command-line argument can be at most 128 KiB (MAX_ARG_STRLEN).
    let arg = &name[..100_000];
    let out = seccompc(&["syscalls", arg]);
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("no architecture has a syscall named"));
    assert!(!out.stderr.contains("did you mean"));
    let out = seccompc(&["groups", arg]);
    assert_eq!(out.status, 1);
    // The same search still finds what a typo is near.
    let out = seccompc(&["syscalls", "rt_sigtimedwait_time6"]);
    assert!(
        out.stderr
            .contains("did you mean `rt_sigtimedwait_time64`?")
    );
}

/// The peak resident memory, in bytes, of `seccompc ARGS` (wait4's
/// accounting for that child alone).
// The child is reaped by wait4, which also gives its memory; Child::wait
// could not.
#[allow(clippy::zombie_processes)]
fn peak_memory(args: &[&str]) -> u64 {
    let child = Command::new(env!("CARGO_BIN_EXE_seccompc"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("seccompc starts");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4(2) writes one int to `status` and one rusage to `usage`.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?}"
    );
    // ru_maxrss is in KiB on Linux.
    u64::try_from(usage.ru_maxrss).expect("a size") * 1024
}

#[test]
fn memory_per_statement_is_bounded() {
    let dir = scratch("memory");
    let small = file(&dir, "small.policy", &"keep read;\n".repeat(10_000));
    let large = file(&dir, "large.policy", &"keep read;\n".repeat(60_000));
    let per_statement = |args: &dyn Fn(&str) -> Vec<String>| {
        let run = |path: &str| {
            let a = args(path);
            peak_memory(&a.iter().map(String::as_str).collect::<Vec<_>>())
        };
        let (low, high) = (run(&small), run(&large));
        high.saturating_sub(low) / 50_000
    };
    // One architecture: about 600 bytes a statement (2 KB before the
    // resolved rules were slices and tokens half their size).
    let one = per_statement(&|p| {
        ["compile", p, "--arch", "x86_64", "-o", "/dev/null"]
            .map(str::to_owned)
            .to_vec()
    });
    eprintln!("compile, one architecture: {one} bytes per `keep read;`");
    assert!(one < 1000, "{one} bytes per statement");
    // Every architecture (export compiles all eight): about 1.3 KB (11 KB
    // before, a 1.3 KB map per statement per architecture).
    let all = per_statement(&|p| ["export", p, "-o", "/dev/null"].map(str::to_owned).to_vec());
    eprintln!("export, eight architectures: {all} bytes per `keep read;`");
    assert!(all < 2500, "{all} bytes per statement");
}
