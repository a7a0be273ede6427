//! The command line itself: help, version and exit statuses, argument
//! conventions (`-` for standard input, negative numbers, the command of
//! `run`/`record` taken verbatim), shell completions as bash runs them, and
//! manual pages as groff and man(1) read them.

mod common;

use common::{file, scratch, seccompc, seccompc_with_stdin};
use std::process::Command;

const COMMANDS: [&str; 14] = [
    "compile",
    "explain",
    "disasm",
    "simulate",
    "syscalls",
    "groups",
    "constants",
    "run",
    "record",
    "learn",
    "import",
    "export",
    "completions",
    "man",
];

const POLICY: &str = "keep openat(dfd == -100), write(fd == 1 | 2), exit_group;\n";

#[test]
fn help_and_version_exit_0_on_standard_output() {
    let top = seccompc(&["--help"]).ok();
    assert!(top.starts_with(concat!("seccompc ", env!("CARGO_PKG_VERSION"), ": ")));
    for command in COMMANDS {
        assert!(top.contains(&format!("\n  {command} ")), "{command}: {top}");
        let long = seccompc(&[command, "--help"]).ok();
        assert!(long.starts_with(&format!("seccompc {command}: ")), "{long}");
        assert!(
            long.contains(&format!("\nUsage: seccompc {command} ")),
            "{long}"
        );
        assert!(long.contains("\nExit status: "), "{command}: {long}");
        assert!(
            long.contains("\nExample:\n") || long.contains("\nExamples:\n"),
            "{command}: {long}"
        );
        // `help COMMAND` is `COMMAND --help`.
        assert_eq!(seccompc(&["help", command]).ok(), long);
        let short = seccompc(&[command, "-h"]).ok();
        assert!(short.len() < long.len(), "{command}");
    }
    let version = seccompc(&["--version"]).ok();
    assert_eq!(
        version,
        concat!("seccompc ", env!("CARGO_PKG_VERSION"), "\n")
    );
}

#[test]
fn command_line_mistakes_exit_2_with_usage_on_standard_error() {
    let dir = scratch("cli-usage");
    let policy = file(&dir, "p.policy", POLICY);
    let mistakes: [&[&str]; 9] = [
        &[],
        &["frobnicate"],
        &["compile", &policy, "--arch"],
        &["compile", &policy, "--arch", "vax"],
        &["compile", &policy, "--arch", "x86_64", "--name", "1x"],
        &["simulate", &policy, "--arch", "x86_64", "write", "fd"],
        &[
            "simulate", &policy, "--arch", "x86_64", "write", "1", "2", "3", "4", "5", "6", "7",
        ],
        &["run", &policy],
        &["man", "complie"],
    ];
    for args in mistakes {
        let out = seccompc(args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            out.stderr.contains("Usage: seccompc") || out.stderr.contains("try '--help'"),
            "{args:?}: {}",
            out.stderr
        );
    }
    let arch = seccompc(&["compile", &policy, "--arch", "x86-65"]);
    assert!(
        arch.stderr
            .contains("unknown architecture (did you mean `x86_64`?)")
    );
    let page = seccompc(&["man", "complie"]);
    assert!(
        page.stderr
            .contains("no command `complie` (did you mean `compile`?)"),
        "{}",
        page.stderr
    );
    let arg = seccompc(&["simulate", &policy, "--arch", "x86_64", "write", "fd"]);
    assert!(
        arg.stderr.contains("error: argument `fd` is not a number"),
        "{}",
        arg.stderr
    );
}

#[test]
fn simulate_takes_negative_numbers_and_options_after_them() {
    let dir = scratch("cli-negative");
    let policy = file(&dir, "p.policy", POLICY);
    for args in [
        vec![
            "simulate", &policy, "--arch", "x86_64", "openat", "-100", "-0x1",
        ],
        vec![
            "simulate", &policy, "openat", "-100", "-0x1", "--arch", "x86_64",
        ],
        vec![
            "simulate",
            "--arch=x86_64",
            &policy,
            "openat",
            "-100",
            "-0b1",
        ],
    ] {
        let out = seccompc(&args).ok();
        assert!(
            // `int dfd` as glibc passes it on x86_64 (tests/defaults.rs), a
            // pointer sign-extended.
            out.starts_with("openat(0xffffff9c, 0xffffffffffffffff) on x86_64"),
            "{args:?}: {out}"
        );
        assert!(out.contains("\naction: allow (0x7fff0000)\n"), "{out}");
    }
    let positive = seccompc(&["simulate", &policy, "--arch", "x86_64", "openat", "100"]).ok();
    assert!(positive.contains("\naction: kill_process"), "{positive}");
}

#[test]
fn a_dash_reads_standard_input() {
    let out = seccompc_with_stdin(&["explain", "-", "--arch", "x86_64"], POLICY.as_bytes()).ok();
    assert!(out.starts_with("<stdin> on x86_64 "), "{out}");
}

#[test]
fn run_and_record_take_the_command_verbatim() {
    let dir = scratch("cli-verbatim");
    let policy = file(&dir, "p.policy", "default allow;\nacknowledge ptrace;\n");
    // Options of the command are its own, `--help` included.
    let out = seccompc(&[
        "run",
        &policy,
        "sh",
        "-c",
        "echo \"$0 $1\"; exit 3",
        "--help",
        "-x",
    ]);
    assert_eq!(out.status, 3, "{}", out.stderr);
    assert_eq!(out.text(), "--help -x\n");
    // `--` ends seccompc's options; the command may then start with `-`.
    let dashed = seccompc(&["run", "--log", &policy, "--", "-no-such-command"]);
    assert_eq!(dashed.status, 127, "{}", dashed.stderr);
    assert!(
        dashed
            .stderr
            .contains("-no-such-command: command not found")
    );
    let out = seccompc(&["record", "-o", "-", "--", "sh", "-c", "exit 0", "--help"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.text().contains("\nkeep\n"), "{}", out.text());
}

#[test]
fn output_naming_the_input_is_refused() {
    let dir = scratch("cli-overwrite");
    let policy = file(&dir, "p.policy", POLICY);
    let link = dir.join("link.policy");
    std::os::unix::fs::symlink(&policy, &link).unwrap();
    let link = link.to_str().unwrap();
    let dotted = format!("{}/./p.policy", dir.display());
    for (command, output) in [
        (
            &["compile", &policy, "--arch", "x86_64", "-o"][..],
            policy.as_str(),
        ),
        (
            &["compile", &policy, "--arch", "x86_64", "--output"][..],
            link,
        ),
        (&["export", &policy, "-o"][..], dotted.as_str()),
        (
            &["import", "--from", "systemd", &policy, "-o"][..],
            policy.as_str(),
        ),
    ] {
        let mut args = command.to_vec();
        args.push(output);
        let out = seccompc(&args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("is the input file"), "{}", out.stderr);
        assert_eq!(std::fs::read_to_string(&policy).unwrap(), POLICY);
    }
    // Another file is fine.
    let bpf = dir.join("p.bpf");
    seccompc(&[
        "compile",
        &policy,
        "--arch",
        "x86_64",
        "-o",
        bpf.to_str().unwrap(),
    ])
    .ok();
    assert!(std::fs::metadata(&bpf).unwrap().len() > 0);
}

/// What bash's programmable completion offers for `words`, the last one
/// being completed, with the script `seccompc completions bash` prints.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n_seccompc seccompc \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let out = Command::new("bash")
        .args(["--norc", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_commands_options_and_values() {
    let script = seccompc(&["completions", "bash"]).ok();
    assert_eq!(
        bash_completes(&script, &["seccompc", "comp"]),
        ["compile", "completions"]
    );
    let arches = bash_completes(&script, &["seccompc", "compile", "p.policy", "--arch", ""]);
    assert_eq!(
        arches,
        [
            "x86_64",
            "x86",
            "aarch64",
            "arm",
            "riscv64",
            "s390x",
            "powerpc64le",
            "loongarch64"
        ]
    );
    let formats = bash_completes(&script, &["seccompc", "import", "--from", ""]);
    assert_eq!(
        formats,
        [
            "oci",
            "seccompiler",
            "firejail",
            "systemd",
            "minijail",
            "kafel",
            "lxc",
            "bionic",
            "spo"
        ]
    );
    let options = bash_completes(&script, &["seccompc", "export", "--f"]);
    assert_eq!(options, ["--format"]);
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let script = seccompc(&["completions", shell]).ok();
        assert!(script.contains("simulate"), "{shell}");
    }
    assert_eq!(seccompc(&["completions", "tcsh"]).status, 2);
}

/// `roff` rendered by groff as text, failing on any groff warning.
fn groff(roff: &[u8]) -> String {
    let dir = scratch("groff");
    let page = dir.join("page.1");
    std::fs::write(&page, roff).unwrap();
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-rLL=200n"])
        .arg(&page)
        .env("GROFF_NO_SGR", "1")
        .output()
        .expect("groff runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warnings");
    // Plain text: drop the overstriking groff uses for bold and underline.
    let text = String::from_utf8(out.stdout).unwrap();
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn man_pages_render_with_groff() {
    let top = groff(&seccompc(&["man"]).stdout);
    assert!(
        top.contains("seccompc - compile, inspect and run seccomp policies"),
        "{top}"
    );
    for command in COMMANDS {
        assert!(
            top.contains(&format!("seccompc-{command}(1)")),
            "{command}: {top}"
        );
    }
    let compile = groff(&seccompc(&["man", "compile"]).stdout);
    assert!(compile.contains("seccompc-compile - compile a policy to a seccomp BPF program"));
    assert!(compile.contains("--arch <ARCH>"), "{compile}");
    assert!(compile.contains("Exit status: 0 on success"), "{compile}");
    // `--dir` writes every page; man(1) finds them through MANPATH.
    let dir = scratch("man-dir");
    let man1 = dir.join("man1");
    std::fs::create_dir(&man1).unwrap();
    seccompc(&["man", "--dir", man1.to_str().unwrap()]).ok();
    let mut written: Vec<String> = std::fs::read_dir(&man1)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    let mut expected: Vec<String> = COMMANDS.iter().map(|c| format!("seccompc-{c}.1")).collect();
    expected.push("seccompc.1".to_owned());
    expected.sort();
    assert_eq!(written, expected);
    let Ok(out) = Command::new("man")
        .args(["-P", "cat", "seccompc-simulate"])
        .env("MANPATH", &dir)
        .env("MANWIDTH", "100")
        .output()
    else {
        eprintln!("no man(1): skipping the MANPATH check");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("seccompc-simulate - run a program on one syscall"),
        "{text}"
    );
    let unwritable = seccompc(&["man", "--dir", "/nonexistent/dir"]);
    assert_eq!(unwritable.status, 1);
    assert!(
        unwritable
            .stderr
            .contains("cannot write `/nonexistent/dir/seccompc.1`")
    );
}
