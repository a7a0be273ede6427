//! `seccompc learn` and `record --after-sandbox`/`--add-to` on the real
//! kernel, with strace as the independent oracle: it counts every syscall
//! a command makes, so under a policy that allows only four of them, learn
//! must report every other one with the same count.

mod common;

use common::{file, scratch, seccompc};
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What every process needs to start, and nothing more: everything else
/// `ls` and python do is refused by this policy.
const FOUR: &str = "keep execve, brk, exit_group, arch_prctl;\n";
const ALLOWED: [&str; 4] = ["execve", "brk", "exit_group", "arch_prctl"];

/// include/uapi/asm-generic/signal.h (31 on every supported architecture).
const SIGSYS: i32 = 31;

/// A fixed environment for both runs, so that both see the same program.
fn same_environment(c: &mut Command, dir: &Path) {
    c.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LANG", "C")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// `strace -f -c`'s count per syscall name.
fn strace_counts(dir: &Path, command: &[&str]) -> BTreeMap<String, u64> {
    let out = dir.join("strace.txt");
    let mut c = Command::new("strace");
    c.args(["-f", "-c", "-o"]).arg(&out).arg("--").args(command);
    same_environment(&mut c, dir);
    let run = c.output().expect("strace runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    // `% time  seconds  usecs/call  calls  errors syscall`: `errors` is
    // blank when there are none.
    text.lines()
        .skip(2)
        .filter(|l| !l.starts_with('-') && !l.ends_with(" total"))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let name = words.last().expect("a syscall name").to_string();
            (name, words[3].parse().expect("a call count"))
        })
        .collect()
}

/// The report's count per refused native syscall: `  12  openat (257)  ...`.
fn learned_counts(report: &str) -> BTreeMap<String, u64> {
    report
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("CALLS"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            (words[1].to_owned(), words[0].parse().expect("a count"))
        })
        .collect()
}

fn learn(dir: &Path, policy: &str, command: &[&str]) -> String {
    let report = dir.join("report.txt");
    let mut c = Command::new(env!("CARGO_BIN_EXE_seccompc"));
    c.args(["learn", "--policy", policy, "-o"])
        .arg(&report)
        .arg("--")
        .args(command);
    same_environment(&mut c, dir);
    let run = c.output().expect("seccompc runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read_to_string(report).unwrap()
}

fn learn_agrees_with_strace(name: &str, command: &[&str]) {
    if !have("strace") {
        eprintln!("no strace: skipping");
        return;
    }
    let dir = scratch(name);
    let policy = file(&dir, "four.policy", FOUR);
    let report = learn(&dir, &policy, command);
    assert!(report.contains(" exited with status 0 "), "{report}");
    let learned = learned_counts(&report);
    let mut expected = strace_counts(&dir, command);
    expected.retain(|name, _| !ALLOWED.contains(&name.as_str()));
    assert!(expected.len() > 20, "{expected:?}");
    assert_eq!(learned, expected, "learn's report:\n{report}");
}

#[test]
fn learn_reports_every_refusal_of_ls_as_strace_counts_it() {
    learn_agrees_with_strace("learn-ls", &["ls", "-la", "/usr"]);
}

/// A script that starts a child process (vfork, execve, wait4), which
/// learn follows.
const SCRIPT: &str = "\
import json, os, subprocess
subprocess.run([\"/bin/true\"], check=True)
print(json.dumps(sorted(os.listdir(\"/usr\"))[:3]))
";

#[test]
fn learn_reports_every_refusal_of_a_python_script_as_strace_counts_it() {
    if !have("python3") {
        eprintln!("no python3: skipping");
        return;
    }
    let dir = scratch("learn-python");
    let script = file(&dir, "script.py", SCRIPT);
    // -I: no environment or user site; -B: no bytecode written, so the
    // second run does what the first did.
    learn_agrees_with_strace("learn-python", &["python3", "-I", "-B", &script]);
}

/// The examples' binaries, which `cargo test --workspace` builds.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(Path::parent).unwrap();
    let path = profile.join("examples").join(name);
    assert!(
        path.is_file(),
        "{} not found: `cargo test --workspace` builds it; with `-p seccomp-cli` alone, run `cargo build -p examples --examples` first",
        path.display()
    );
    path
}

fn with_stdin(mut c: Command, input: &str) -> std::process::Output {
    use std::io::Write;
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    // A program killed before it reads leaves the pipe without a reader
    // (EPIPE): its status tells.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// `word_count`'s own `#[sandbox]` forgets `getrandom`, which std's
/// `HashMap` needs: alone it is killed; under learn it runs through and
/// the report names that one syscall.
#[test]
fn learn_names_the_syscall_an_example_policy_forgot() {
    let word_count = example("word_count");
    let alone = with_stdin(Command::new(&word_count), "to be or not to be\n");
    assert_eq!(alone.status.signal(), Some(SIGSYS), "{alone:?}");
    let mut c = Command::new(env!("CARGO_BIN_EXE_seccompc"));
    c.arg("learn").arg("--").arg(&word_count);
    let learned = with_stdin(c, "to be or not to be\n");
    assert!(learned.status.success(), "{learned:?}");
    assert_eq!(
        String::from_utf8_lossy(&learned.stdout),
        "     2 be\n     2 to\n     1 not\n     1 or\n"
    );
    let report = String::from_utf8_lossy(&learned.stderr);
    let counts = learned_counts(&report);
    assert_eq!(counts.keys().collect::<Vec<_>>(), ["getrandom"], "{report}");
    assert!(
        report.contains("installed its own filter with seccomp(SECCOMP_SET_MODE_FILTER, TSYNC)"),
        "{report}"
    );
    assert!(
        report.ends_with(
            "keep\n    // @default: System calls that are always permitted\n    getrandom;\n"
        ),
        "{report}"
    );
}

#[test]
fn learn_without_a_filter_says_there_is_nothing_to_learn() {
    let out = seccompc(&["learn", "--", "true"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("Nothing to learn from: the command installed no seccomp filter"),
        "{}",
        out.stderr
    );
}

#[test]
fn learn_reports_what_it_cannot_do() {
    let missing = seccompc(&["learn", "--", "no-such-command-anywhere"]);
    assert_eq!(missing.status, 127, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("command not found"),
        "{}",
        missing.stderr
    );
    let dir = scratch("learn-errors");
    let broken = file(&dir, "broken.policy", "keep wirte;\n");
    let out = seccompc(&["learn", "--policy", &broken, "--", "true"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("unknown syscall `wirte`"),
        "{}",
        out.stderr
    );
    let usage = seccompc(&["learn", "--policy", &broken]);
    assert_eq!(usage.status, 2, "{}", usage.stderr);
}

/// The names in a `keep` statement `record` wrote.
fn kept(policy: &str) -> Vec<&str> {
    let start = policy.find("\nkeep\n").expect("a keep statement");
    // The first `keep` only: a second keeps the stand-ins other
    // architectures need (`ppoll` for `poll`), which the run did not call.
    let end = start + policy[start..].find(";\n").expect("the keep ends");
    let mut kept: Vec<&str> = policy[start..=end]
        .lines()
        .skip(2)
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.split([',', ';']).map(str::trim))
        .filter(|w| !w.is_empty())
        .collect();
    kept.sort_unstable();
    kept
}

/// `--after-sandbox` records what runs under the program's own filter:
/// the calls strace shows after that filter's seccomp(2) call. The program
/// is `seccompc run`, which installs an allow-all policy and executes `ls`.
#[test]
fn record_after_the_sandbox_is_what_strace_shows_after_the_filter() {
    if !have("strace") {
        eprintln!("no strace: skipping");
        return;
    }
    let dir = scratch("record-after");
    let all = file(&dir, "all.policy", "default allow;\nacknowledge ptrace;\n");
    let seccompc = env!("CARGO_BIN_EXE_seccompc");
    let command = [seccompc, "run", &all, "--", "ls", "-la", "/usr"];
    let log = dir.join("strace.log");
    let mut c = Command::new("strace");
    c.args(["-f", "-qq", "-o"])
        .arg(&log)
        .arg("--")
        .args(command);
    same_environment(&mut c, &dir);
    assert!(c.status().unwrap().success());
    let text = std::fs::read_to_string(&log).unwrap();
    let after = &text[text
        .find("seccomp(SECCOMP_SET_MODE_FILTER")
        .expect("the install")..];
    let mut expected: Vec<&str> = after
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.split_once('(')
                .map(|(name, _)| name.rsplit(' ').next().unwrap())
        })
        .collect();
    expected.sort_unstable();
    expected.dedup();

    let mut c = Command::new(seccompc);
    c.args(["record", "--after-sandbox", "--"]).args(command);
    same_environment(&mut c, &dir);
    let recorded = c.stdout(Stdio::piped()).output().unwrap();
    assert!(recorded.status.success(), "{recorded:?}");
    let policy = String::from_utf8_lossy(&recorded.stdout);
    assert!(
        policy.contains("seccompc record --after-sandbox -- "),
        "{policy}"
    );
    assert_eq!(
        kept(&policy),
        expected,
        "policy:\n{policy}\nstrace:\n{after}"
    );
    assert!(expected.contains(&"execve") && expected.contains(&"getdents64"));
}

/// `word_count` is killed by its own filter when run alone; recorded after
/// its sandbox it runs through, and the policy has what it needs there
/// (getrandom) and not what its start-up needed (execve, openat).
#[test]
fn record_after_the_sandbox_lets_the_program_run() {
    let word_count = example("word_count");
    let mut c = Command::new(env!("CARGO_BIN_EXE_seccompc"));
    c.args(["record", "--after-sandbox", "--"]).arg(&word_count);
    let recorded = with_stdin(c, "a b a\n");
    assert!(recorded.status.success(), "{recorded:?}");
    let policy = String::from_utf8_lossy(&recorded.stdout);
    let kept = kept(&policy);
    for needed in ["getrandom", "read", "write", "exit_group"] {
        assert!(kept.contains(&needed), "{needed}: {kept:?}");
    }
    assert!(
        !kept.contains(&"execve") && !kept.contains(&"openat"),
        "{kept:?}"
    );
    let without = seccompc(&["record", "--after-sandbox", "--", "true"]);
    assert_eq!(without.status, 1);
    assert!(
        without.stderr.contains("installed no seccomp filter"),
        "{}",
        without.stderr
    );
}

#[test]
fn record_adds_runs_to_one_policy_that_then_runs_them_all() {
    let dir = scratch("record-add");
    let path = dir.join("tools.policy");
    let policy = path.to_str().unwrap();
    let first = seccompc(&["record", "--add-to", policy, "--", "true"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    let mut text = std::fs::read_to_string(&path).unwrap();
    // The author's own line survives the next run.
    text.push_str("// my note: keep this line\n");
    std::fs::write(&path, &text).unwrap();
    let second = seccompc(&["record", "--add-to", policy, "--", "ls", "-la", "/usr"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert!(second.stderr.contains("added "), "{}", second.stderr);
    let merged = std::fs::read_to_string(&path).unwrap();
    assert!(merged.starts_with(&text), "{merged}");
    assert!(
        merged.contains("// Added by `seccompc record --add-to "),
        "{merged}"
    );
    // Nothing new the second time.
    let again = seccompc(&["record", "--add-to", policy, "--", "true"]);
    assert!(again.stderr.contains("unchanged"), "{}", again.stderr);
    // The kernel is the judge: both commands run under the merged policy.
    for command in [&["true"][..], &["ls", "-la", "/usr"]] {
        let mut args = vec!["run", policy, "--"];
        args.extend_from_slice(command);
        let out = seccompc(&args);
        assert_eq!(out.status, 0, "{command:?}: {}", out.stderr);
    }
}
