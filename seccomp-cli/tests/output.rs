//! Write errors, in every command that prints: a full device (`/dev/full`,
//! ENOSPC) is a message and status 1, a closed pipe (EPIPE) ends seccompc
//! quietly by SIGPIPE as it ends `cat`, and a standard error that cannot
//! be written never turns a failure into a panic (status 101).

mod common;

use common::{Sink, file, scratch, seccompc_into};
use std::os::unix::process::ExitStatusExt;

// `acknowledge siblings`: the sibling warning would be more lines on
// standard error, which these tests check stays quiet.
const POLICY: &str =
    "base @system-service;\ndrop ptrace;\nkeep write(fd == 1 | 2);\nacknowledge siblings;\n";

/// One command line per command that writes to standard output, with
/// every file it needs in `dir`.
fn printing_commands(dir: &std::path::Path) -> Vec<Vec<String>> {
    let policy = file(dir, "p.policy", POLICY);
    let oci = file(
        dir,
        "p.json",
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
            "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}]}"#,
    );
    let lines = [
        vec!["compile", &policy, "--arch", "x86_64"],
        vec!["compile", &policy, "--arch", "x86_64", "--format", "json"],
        vec!["explain", &policy, "--arch", "x86_64"],
        vec!["disasm", &policy, "--arch", "x86_64"],
        vec!["simulate", &policy, "--arch", "x86_64", "write", "1"],
        vec!["syscalls"],
        vec!["syscalls", "openat"],
        vec!["groups"],
        vec!["groups", "@system-service"],
        vec!["import", "--from", "oci", &oci],
        vec!["export", &policy, "--arch", "x86_64"],
        vec!["record", "--", "true"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["man", "compile"],
        vec!["--help"],
        vec!["compile", "--help"],
        vec!["help", "run"],
        vec!["--version"],
    ];
    lines
        .into_iter()
        .map(|l| l.into_iter().map(str::to_owned).collect())
        .collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn a_full_device_is_an_error_with_a_message() {
    let dir = scratch("full");
    for args in printing_commands(&dir) {
        let ended = seccompc_into(&strs(&args), Sink::Full, Sink::Pipe);
        assert_eq!(ended.status.code(), Some(1), "{args:?}: {}", ended.stderr);
        assert!(
            ended
                .stderr
                .contains("seccompc: cannot write standard output: No space left on device"),
            "{args:?}: {}",
            ended.stderr
        );
        assert!(!ended.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_by_sigpipe() {
    let dir = scratch("closed");
    for args in printing_commands(&dir) {
        let ended = seccompc_into(&strs(&args), Sink::Closed, Sink::Pipe);
        assert_eq!(
            ended.status.signal(),
            Some(libc::SIGPIPE),
            "{args:?}: {:?} {}",
            ended.status,
            ended.stderr
        );
        // Quiet: no error, no panic (`export` still warns about the policy,
        // before it writes).
        let quiet = ended.stderr.lines().all(|l| l.starts_with("warning: "));
        assert!(quiet, "{args:?}: {}", ended.stderr);
    }
}

#[test]
fn a_closed_or_full_standard_error_keeps_the_exit_status() {
    let dir = scratch("stderr");
    let policy = file(&dir, "p.policy", POLICY);
    let bad = file(&dir, "bad.policy", "keep wirte;\n");
    let failing: [(&[&str], i32); 7] = [
        (&["compile", &bad, "--arch", "x86_64"], 1),
        (&["compile", "/nonexistent", "--arch", "x86_64"], 1),
        (&["compile", &policy, "--arch"], 2),
        (&["frobnicate"], 2),
        (&[], 2),
        (&["simulate", &policy, "--arch", "x86_64", "write", "x"], 2),
        (&["run", &policy, "/nonexistent/command"], 127),
    ];
    for sink in [Sink::Closed, Sink::Full] {
        for (args, status) in failing {
            let ended = seccompc_into(args, Sink::Pipe, sink);
            assert_eq!(ended.status.code(), Some(status), "{args:?} {sink:?}");
        }
        // Warnings that cannot be shown do not stop the output.
        let warned = seccompc_into(&["export", &policy, "--arch", "x86_64"], Sink::Pipe, sink);
        assert_eq!(warned.status.code(), Some(0), "{sink:?}");
        assert!(warned.stdout.starts_with(b"{"), "{sink:?}");
    }
}
