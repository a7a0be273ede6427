//! `seccompc compile`: every output format, standard input, errors.

mod common;

use common::{file, native, scratch, seccompc, seccompc_with_stdin};
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::{Arch, compile_str};
use std::process::Command;

const POLICY: &str = "base @system-service;\ndrop ptrace;\nkeep write(fd == 1 | 2);\n";

/// The library's program for `policy` on `arch`.
fn library(policy: &str, arch: Arch) -> seccomp_compiler::Program {
    let c = compile_str(policy).expect("policy compiles");
    c.get(arch).expect("arch compiles").program.clone()
}

#[test]
fn raw_output_is_the_kernel_records_in_target_byte_order() {
    let dir = scratch("raw");
    let policy = file(&dir, "p.policy", POLICY);
    for arch in [Arch::X86_64, Arch::S390x, Arch::Aarch64, Arch::X86] {
        let out = seccompc(&["compile", &policy, "--arch", arch.name()]);
        let bytes = out.stdout.clone();
        assert_eq!(out.status, 0, "{}", out.stderr);
        let program = library(POLICY, arch);
        assert_eq!(bytes.len(), 8 * program.len(), "{arch}");
        assert_eq!(bytes, program.to_bytes().unwrap(), "{arch}");
        // The first instruction is `ld arch`: BPF_LD | BPF_W | BPF_ABS = 0x20.
        let first: [u8; 2] = [bytes[0], bytes[1]];
        let expected = if arch == Arch::S390x {
            [0x00, 0x20]
        } else {
            [0x20, 0x00]
        };
        assert_eq!(first, expected, "{arch}");
    }
}

#[test]
fn raw_output_to_a_file_and_from_standard_input() {
    let dir = scratch("stdin");
    let out = dir.join("p.bpf");
    let run = seccompc_with_stdin(
        &[
            "compile",
            "-",
            "--arch",
            "s390x",
            "-o",
            out.to_str().unwrap(),
        ],
        POLICY.as_bytes(),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(
        bytes,
        library(POLICY, Arch::S390x).to_bytes().unwrap(),
        "s390x records are big-endian"
    );
}

#[test]
fn json_output_carries_the_program_and_its_metadata() {
    let dir = scratch("json");
    let policy = file(&dir, "p.policy", POLICY);
    let text = seccompc(&["compile", &policy, "--arch", "s390x", "--format", "json"]).ok();
    assert!(text.contains("\"arch\": \"s390x\""), "{text}");
    assert!(text.contains("\"audit_arch\": 2147483670"), "{text}"); // 0x80000016
    assert!(text.contains("\"audit_arch_name\": \"AUDIT_ARCH_S390X\""));
    assert!(text.contains("\"byte_order\": \"big\""));
    assert!(text.contains("{ \"action\": \"allow\", \"value\": 2147418112 }"));
    assert!(text.contains("{ \"action\": \"kill_process\", \"value\": 2147483648 }"));
    let program: Vec<SockFilter> = text
        .lines()
        .filter(|l| l.contains("\"code\""))
        .map(|l| {
            let n: Vec<u32> = l
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect();
            SockFilter {
                code: n[0] as u16,
                jt: n[1] as u8,
                jf: n[2] as u8,
                k: n[3],
            }
        })
        .collect();
    assert_eq!(
        program,
        library(POLICY, Arch::S390x).filters().unwrap(),
        "{text}"
    );
    assert!(text.contains(&format!("\"length\": {},", program.len())));
}

#[test]
fn c_output_compiles_to_the_same_bytes_as_raw_output() {
    let dir = scratch("c");
    let policy = file(&dir, "p.policy", POLICY);
    let header = seccompc(&["compile", &policy, "--arch", native(), "--format", "c"]).ok();
    assert!(header.contains("static const struct sock_filter seccomp_filter["));
    assert!(header.contains("static const struct sock_fprog seccomp_prog = {"));
    file(&dir, "filter.h", &header);
    let main = file(
        &dir,
        "main.c",
        "#include <stdio.h>\n#include \"filter.h\"\nint main(void) {\n\
         \tfwrite(seccomp_filter, sizeof seccomp_filter, 1, stdout);\n\
         \treturn seccomp_prog.len == sizeof seccomp_filter / sizeof seccomp_filter[0] ? 0 : 1;\n}\n",
    );
    let exe = dir.join("main");
    let Ok(cc) = Command::new("cc")
        .args(["-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(&main)
        .output()
    else {
        eprintln!("no C compiler: skipping");
        return;
    };
    assert!(
        cc.status.success(),
        "{}",
        String::from_utf8_lossy(&cc.stderr)
    );
    let run = Command::new(&exe).output().unwrap();
    assert!(run.status.success());
    let raw = seccompc(&["compile", &policy, "--arch", native()]);
    assert_eq!(run.stdout, raw.stdout);
}

#[test]
fn c_output_refuses_to_build_for_another_architecture() {
    let dir = scratch("c-arch");
    let policy = file(&dir, "p.policy", POLICY);
    let other = if native() == "s390x" {
        "x86_64"
    } else {
        "s390x"
    };
    let header = seccompc(&["compile", &policy, "--arch", other, "--format", "c"]).ok();
    let path = file(
        &dir,
        "main.c",
        &format!("{header}\nint main(void) {{ return 0; }}\n"),
    );
    let Ok(cc) = Command::new("cc").args(["-fsyntax-only", &path]).output() else {
        return;
    };
    assert!(!cc.status.success());
    assert!(
        String::from_utf8_lossy(&cc.stderr)
            .contains(&format!("this seccomp filter is for {other}"))
    );
}

#[test]
fn rust_output_compiles_against_a_sock_filter_type_to_the_same_bytes() {
    let dir = scratch("rust");
    let policy = file(&dir, "p.policy", POLICY);
    let code = seccompc(&[
        "compile",
        &policy,
        "--arch",
        native(),
        "--format",
        "rust",
        "--name",
        "SERVICE",
    ])
    .ok();
    assert!(code.contains("pub static SERVICE: [seccomp_runtime::SockFilter; "));
    // allow, kill_process, and errno(ENOSYS) for unknown numbers.
    assert!(
        code.contains(
            "pub static SERVICE_ACTIONS: [u32; 3] = [0x00050000, 0x7fff0000, 0x80000000];"
        ),
        "{code}"
    );
    file(&dir, "generated.rs", &code);
    // The type seccomp_runtime provides, as the generated comment describes it.
    let main = file(
        &dir,
        "main.rs",
        "mod seccomp_runtime {\n\
         #[repr(C)] pub struct SockFilter { pub code: u16, pub jt: u8, pub jf: u8, pub k: u32 }\n\
         impl SockFilter { pub const fn new(code: u16, jt: u8, jf: u8, k: u32) -> Self { SockFilter { code, jt, jf, k } } }\n\
         }\n\
         include!(\"generated.rs\");\n\
         fn main() {\n\
         use std::io::Write;\n\
         let mut out = Vec::new();\n\
         for f in SERVICE.iter() { out.extend(f.code.to_ne_bytes()); out.push(f.jt); out.push(f.jf); out.extend(f.k.to_ne_bytes()); }\n\
         assert!(SERVICE_ACTIONS.contains(&0x7fff0000));\n\
         std::io::stdout().write_all(&out).unwrap();\n\
         }\n",
    );
    let exe = dir.join("main");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let built = Command::new(rustc)
        .args(["--edition", "2021", "-D", "warnings", "-o"])
        .arg(&exe)
        .arg(&main)
        .output()
        .expect("rustc runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let run = Command::new(&exe).output().unwrap();
    assert!(run.status.success());
    let raw = seccompc(&["compile", &policy, "--arch", native()]);
    assert_eq!(run.stdout, raw.stdout);
}

#[test]
fn errors_point_at_the_policy_text() {
    let dir = scratch("error");
    let policy = file(&dir, "typo.policy", "base @default;\nkeep wirte;\n");
    let out = seccompc(&["compile", &policy, "--arch", "x86_64", "-o", "/dev/null"]);
    assert_eq!(out.status, 1);
    assert_eq!(
        out.stderr,
        format!(
            "error: unknown syscall `wirte`\n --> {policy}:2:6\n  |\n2 | keep wirte;\n  |      ^^^^^ \n  = help: did you mean `write`?\n"
        )
    );
    let from_stdin = seccompc_with_stdin(
        &["compile", "-", "--arch", "x86_64"],
        b"keep write(fdd == 1);",
    );
    assert_eq!(from_stdin.status, 1);
    assert!(
        from_stdin.stderr.contains(" --> <stdin>:1:12\n"),
        "{}",
        from_stdin.stderr
    );
    assert!(from_stdin.stderr.contains("^^^"), "{}", from_stdin.stderr);
}

/// The README's siblings example: every architecture fails, those without
/// `open` and `creat` (the generic syscall table's) with another list of
/// siblings, and the note says which is which.
#[test]
fn a_problem_of_several_architectures_names_them_exactly() {
    let dir = scratch("per-arch-note");
    let policy = file(
        &dir,
        "p.policy",
        "default allow; drop ptrace; drop openat(flags & 0x40 == 0x40);\n",
    );
    let note = |arch: &str| {
        let out = seccompc(&["compile", &policy, "--arch", arch, "-o", "/dev/null"]);
        assert_eq!(out.status, 1, "{}", out.stderr);
        let line = out.stderr.lines().find(|l| l.starts_with("  = note: "));
        line.unwrap_or_else(|| panic!("no note: {}", out.stderr))
            .to_owned()
    };
    assert_eq!(
        note("x86_64"),
        "  = note: on x86_64, x86, arm, s390x and powerpc64le; aarch64, riscv64 and loongarch64 fail with other errors"
    );
    assert_eq!(
        note("riscv64"),
        "  = note: on riscv64, aarch64 and loongarch64; x86_64, x86, arm, s390x and powerpc64le fail with other errors"
    );
}

#[test]
fn a_problem_of_another_architecture_does_not_fail_this_one() {
    let dir = scratch("per-arch");
    // On x86, libc may reach `socket` through `socketcall`, which
    // @system-service allows: the condition could be bypassed there only.
    let policy = file(
        &dir,
        "p.policy",
        "arch x86_64, x86;\nbase @system-service;\nkeep socket(family == 1);\n",
    );
    let ok = seccompc(&["compile", &policy, "--arch", "x86_64", "-o", "/dev/null"]);
    assert_eq!(ok.status, 0, "{}", ok.stderr);
    let bad = seccompc(&["compile", &policy, "--arch", "x86", "-o", "/dev/null"]);
    assert_eq!(bad.status, 1);
    assert!(bad.stderr.contains("socketcall"), "{}", bad.stderr);
    assert!(
        bad.stderr.contains(&format!(" --> {policy}:3:13\n")),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("only on x86;"), "{}", bad.stderr);
    // A problem of every architecture is the policy's, not "only on".
    let lint = file(&dir, "q.policy", "default allow;\n");
    let out = seccompc(&["compile", &lint, "--arch", "x86_64", "-o", "/dev/null"]);
    assert_eq!(out.status, 1);
    assert!(out.stderr.contains("allows `ptrace`"), "{}", out.stderr);
    assert!(!out.stderr.contains("only on"), "{}", out.stderr);
    let other = seccompc(&["compile", &policy, "--arch", "aarch64", "-o", "/dev/null"]);
    assert_eq!(other.status, 1);
    assert!(
        other.stderr.contains("the policy is not for aarch64"),
        "{}",
        other.stderr
    );
    // The error points at the `arch` statement.
    let late = file(&dir, "late.policy", "keep read;\narch x86_64;\n");
    let out = seccompc(&["compile", &late, "--arch", "aarch64", "-o", "/dev/null"]);
    assert!(
        out.stderr.contains(&format!(" --> {late}:2:1\n")),
        "{}",
        out.stderr
    );
}

#[test]
fn rust_values_are_refused_by_name() {
    let dir = scratch("symbolic");
    let policy = file(
        &dir,
        "p.policy",
        "base @default;\nkeep socket(family == libc::AF_UNIX);\n",
    );
    let out = seccompc(&["compile", &policy, "--arch", "x86_64", "-o", "/dev/null"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .starts_with("error: `libc::AF_UNIX` is a Rust value: seccompc cannot evaluate it\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(" --> {policy}:2:23\n")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("help: write `AF_UNIX`: a bare name is the kernel constant"),
        "{}",
        out.stderr
    );
}

#[test]
fn kernel_constants_take_each_architectures_value() {
    let dir = scratch("constants");
    let text = "keep exit_group, openat(dfd == AT_FDCWD && flags & O_DIRECTORY == O_DIRECTORY);\n";
    let policy = file(&dir, "p.policy", text);
    // Hand-checked: O_DIRECTORY is 00200000 in include/uapi/asm-generic/
    // fcntl.h (x86_64) and 040000 in arch/arm64/include/uapi/asm/fcntl.h;
    // AT_FDCWD is -100 (include/uapi/linux/fcntl.h).
    for (arch, flags, verdict) in [
        ("x86_64", "0o200000", "allow"),
        ("x86_64", "0o40000", "kill_process"),
        ("aarch64", "0o40000", "allow"),
        ("aarch64", "0o200000", "kill_process"),
    ] {
        let call = [
            "simulate", &policy, "--arch", arch, "openat", "-100", "0", flags,
        ];
        let out = seccompc(&call).ok();
        assert!(
            out.contains(&format!("\naction: {verdict} (")),
            "{call:?}\n{out}"
        );
    }
    let typo = file(
        &dir,
        "typo.policy",
        "keep exit_group,\n  openat(flags & O_DIRECTROY != 0);\n",
    );
    let out = seccompc(&["compile", &typo, "--arch", "x86_64", "-o", "/dev/null"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .starts_with("error: unknown constant `O_DIRECTROY`\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(" --> {typo}:2:18\n")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `O_DIRECTORY`?"),
        "{}",
        out.stderr
    );
    // A constant the architecture lacks: an error for that --arch only.
    let kvm = file(
        &dir,
        "kvm.policy",
        "keep exit_group, ioctl(cmd == KVM_RUN);\n",
    );
    let out = seccompc(&["compile", &kvm, "--arch", "arm", "-o", "/dev/null"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .starts_with("error: constant `KVM_RUN` is not defined on this architecture"),
        "{}",
        out.stderr
    );
    let out = seccompc(&["compile", &kvm, "--arch", "aarch64", "-o", "/dev/null"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
}

#[test]
fn raw_output_is_refused_on_a_terminal() {
    let dir = scratch("tty");
    let policy = file(&dir, "p.policy", POLICY);
    // script(1) gives the command a pseudo-terminal as standard output.
    let command = format!(
        "{} compile {policy} --arch x86_64",
        env!("CARGO_BIN_EXE_seccompc")
    );
    let Ok(out) = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
    else {
        eprintln!("no script(1): skipping");
        return;
    };
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("refusing to write raw BPF to a terminal"),
        "{text}"
    );
}

#[test]
fn command_line_mistakes_exit_with_status_2() {
    let dir = scratch("usage");
    let policy = file(&dir, "p.policy", POLICY);
    for args in [
        vec!["compile", &policy, "--arch"],
        vec!["compile", &policy, "--arch", "x86-65"],
        vec!["compile", &policy, "--arch", "x86_64", "--format", "elf"],
        vec!["compile", &policy, "--arch", "x86_64", "--frmat", "c"],
        vec!["compile", "--arch", "x86_64"],
        vec!["compile", &policy, "--arch", "x86_64", "--name", "a-b"],
        vec!["frobnicate"],
        vec![],
    ] {
        let out = seccompc(&args);
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = seccompc(&["compile", &policy, "--arch", "x86-65"]);
    assert!(
        out.stderr.contains("did you mean `x86_64`?"),
        "{}",
        out.stderr
    );
    let out = seccompc(&["compile", &policy, "--arch", "x86_64", "--frmat", "c"]);
    assert!(
        out.stderr
            .contains("tip: a similar argument exists: '--format'"),
        "{}",
        out.stderr
    );
    let out = seccompc(&["complie"]);
    assert!(
        out.stderr
            .contains("similar subcommands exist: 'completions', 'compile'"),
        "{}",
        out.stderr
    );
    let missing = seccompc(&["compile", "/nonexistent/p.policy", "--arch", "x86_64"]);
    assert_eq!(missing.status, 1);
    assert!(
        missing
            .stderr
            .contains("cannot read `/nonexistent/p.policy`")
    );
}
