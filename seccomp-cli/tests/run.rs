//! `seccompc run` and `seccompc record` on the real kernel. `run` installs
//! the filter in the seccompc process it starts, never in the test runner.

mod common;

use common::{file, native, scratch, seccompc};

/// Everything allowed except creating directories, which fails with EPERM.
const NO_MKDIR: &str =
    "default allow;\nacknowledge ptrace;\ndrop mkdir, mkdirat => errno(EPERM);\n";

#[test]
fn run_installs_the_policy_for_the_command() {
    let dir = scratch("run");
    let policy = file(&dir, "no-mkdir.policy", NO_MKDIR);
    let target = dir.join("made");
    let target = target.to_str().unwrap();
    let refused = seccompc(&["run", &policy, "--", "mkdir", target]);
    assert_ne!(refused.status, 0);
    assert!(
        refused.stderr.contains("Operation not permitted"),
        "{}",
        refused.stderr
    );
    assert!(!dir.join("made").exists());
    // Everything else still works, children included.
    let listed = seccompc(&["run", &policy, "sh", "-c", &format!("ls {policy} && true")]);
    assert_eq!(listed.status, 0, "{}", listed.stderr);
    assert_eq!(listed.text(), format!("{policy}\n"));
    // Also in a child of the command: the filter is inherited.
    let nested = seccompc(&[
        "run",
        &policy,
        "sh",
        "-c",
        &format!("mkdir {target}; exit 7"),
    ]);
    assert_eq!(nested.status, 7);
    assert!(!dir.join("made").exists());
}

#[test]
fn run_with_log_logs_instead_of_refusing() {
    let dir = scratch("run-log");
    let policy = file(&dir, "no-mkdir.policy", NO_MKDIR);
    let target = dir.join("made");
    let out = seccompc(&["run", "--log", &policy, "mkdir", target.to_str().unwrap()]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(target.is_dir());
}

#[test]
fn run_refuses_what_cannot_work() {
    let dir = scratch("run-errors");
    let no_exec = file(&dir, "no-exec.policy", "keep read, write, exit_group;\n");
    let out = seccompc(&["run", &no_exec, "true"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("refuses `execve` (default)"),
        "{}",
        out.stderr
    );
    let policy = file(&dir, "p.policy", NO_MKDIR);
    let missing = seccompc(&["run", &policy, "no-such-command-here"]);
    assert_eq!(missing.status, 127);
    assert!(
        missing
            .stderr
            .contains("no-such-command-here: command not found")
    );
    let not_a_program = seccompc(&["run", &policy, "/etc/passwd"]);
    assert_eq!(not_a_program.status, 126);
    assert!(
        not_a_program
            .stderr
            .contains("cannot execute /etc/passwd: ")
    );
    let usage = seccompc(&["run", &policy]);
    assert_eq!(usage.status, 2);
    let bad = file(&dir, "bad.policy", "keep wirte;\n");
    let out = seccompc(&["run", &bad, "true"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains(&format!(" --> {bad}:1:6\n")),
        "{}",
        out.stderr
    );
}

#[test]
fn record_true_then_run_it_under_the_recorded_policy() {
    let dir = scratch("record");
    let out_path = dir.join("true.policy");
    let out_path = out_path.to_str().unwrap();
    let recorded = seccompc(&["record", "-o", out_path, "--", "/bin/true"]);
    assert_eq!(recorded.status, 0, "{}", recorded.stderr);
    assert!(
        recorded
            .stderr
            .starts_with("seccompc record: `/bin/true` exited with status 0; "),
        "{}",
        recorded.stderr
    );
    let policy = std::fs::read_to_string(out_path).unwrap();
    assert!(
        policy.starts_with("// Recorded by `seccompc record -- /bin/true` on "),
        "{policy}"
    );
    // No `arch` statement: it compiles for every architecture.
    assert!(policy.contains("\n\nkeep\n"), "{policy}");
    assert!(!policy.contains("\narch "), "{policy}");
    for arch in [
        "x86_64",
        "x86",
        "aarch64",
        "arm",
        "riscv64",
        "s390x",
        "powerpc64le",
        "loongarch64",
    ] {
        seccompc(&["compile", out_path, "--arch", arch, "-o", "/dev/null"]).ok();
    }
    for name in ["execve", "exit_group"] {
        assert!(policy.contains(name), "{name} missing from\n{policy}");
    }
    // It compiles, and /bin/true runs under it.
    seccompc(&["compile", out_path, "--arch", native(), "-o", "/dev/null"]).ok();
    let run = seccompc(&["run", out_path, "--", "/bin/true"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Anything beyond what was recorded is refused (killed).
    let more = seccompc(&["run", out_path, "--", "/bin/ls", "/"]);
    assert_ne!(more.status, 0);
}

#[test]
fn record_follows_forked_children() {
    let dir = scratch("record-fork");
    let target = dir.join("made");
    // The shell forks for mkdir (not its last command), so `mkdir` appears
    // only if the child is traced.
    let script = format!("mkdir {}; exit 3", target.to_str().unwrap());
    let recorded = seccompc(&["record", "--", "sh", "-c", &script]);
    assert_eq!(recorded.status, 0, "{}", recorded.stderr);
    assert!(
        recorded.stderr.contains("exited with status 3"),
        "{}",
        recorded.stderr
    );
    assert!(
        recorded.stderr.contains("processes and threads"),
        "{}",
        recorded.stderr
    );
    let policy = recorded.text();
    let keep = policy.split("\nkeep\n").nth(1).unwrap();
    let names: Vec<&str> = keep
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.split([',', ';', ' ']))
        .filter(|w| !w.is_empty())
        .collect();
    assert!(
        names.contains(&"mkdir") || names.contains(&"mkdirat"),
        "{policy}"
    );
    assert!(names.windows(2).any(|w| w[0] < w[1]));
    assert!(policy.contains("sh -c 'mkdir "), "{policy}");
}

#[test]
fn record_reports_commands_it_cannot_run() {
    let missing = seccompc(&["record", "--", "no-such-command-here"]);
    assert_eq!(missing.status, 127);
    let by_path = seccompc(&["record", "--", "/nonexistent/command"]);
    assert_eq!(by_path.status, 127);
    assert!(
        by_path
            .stderr
            .contains("cannot execute /nonexistent/command: No such file or directory"),
        "{}",
        by_path.stderr
    );
    let not_a_program = seccompc(&["record", "--", "/etc/passwd"]);
    assert_eq!(not_a_program.status, 126);
    let usage = seccompc(&["record"]);
    assert_eq!(usage.status, 2);
}

/// An executable file the kernel cannot run (neither ELF nor `#!`): execve
/// itself fails with ENOEXEC, after the filter is installed, so the
/// failure is reported with only what the policy allows.
#[test]
fn a_failing_execve_is_reported_under_a_narrow_policy() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("run-enoexec");
    let garbage = dir.join("garbage");
    std::fs::write(&garbage, "not a program\n").unwrap();
    std::fs::set_permissions(&garbage, std::fs::Permissions::from_mode(0o755)).unwrap();
    let garbage = garbage.to_str().unwrap();
    let with_stderr = file(
        &dir,
        "a.policy",
        "keep execve, write(fd == 2), exit_group;\n",
    );
    let out = seccompc(&["run", &with_stderr, garbage]);
    assert_eq!(out.status, 126, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        format!("seccompc: cannot execute {garbage}: Exec format error (os error 8)\n")
    );
    // Writing would kill: the status alone reports it.
    let silent = file(&dir, "b.policy", "keep execve, exit_group;\n");
    let out = seccompc(&["run", &silent, garbage]);
    assert_eq!(out.status, 126, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    // `exit` ends a one-thread process as well as `exit_group`.
    let exit_only = file(&dir, "c.policy", "keep execve, exit;\n");
    assert_eq!(seccompc(&["run", &exit_only, garbage]).status, 126);
    // A policy no program could exit under is refused before running.
    let no_exit = file(&dir, "d.policy", "keep execve;\n");
    let out = seccompc(&["run", &no_exit, garbage]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("refuses both `exit_group` and `exit`"),
        "{}",
        out.stderr
    );
    // What execve would refuse before loading anything is found before
    // installing, and reported normally whatever the policy.
    let script = file(&dir, "script", "#!/nonexistent/interpreter\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = seccompc(&["run", &silent, &script]);
    assert_eq!(out.status, 126, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("bad interpreter `/nonexistent/interpreter`: No such file"),
        "{}",
        out.stderr
    );
    let out = seccompc(&["run", &silent, dir.to_str().unwrap()]);
    assert_eq!(out.status, 126, "{}", out.stderr);
    assert!(out.stderr.contains("it is a directory"), "{}", out.stderr);
    let out = seccompc(&["run", &silent, "/nonexistent/command"]);
    assert_eq!(out.status, 127, "{}", out.stderr);
}
