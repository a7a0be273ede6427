//! `explain`, `disasm`, `simulate`, `syscalls`, `groups`, `constants` and the
//! help texts.

mod common;

use common::{file, scratch, seccompc};
use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::tables::{groups, syscalls};
use seccomp_compiler::{Arch, compile_str, decide, emu};

const SMALL: &str = "keep write(fd == 1 | 2), exit_group;
deny errno(EPERM);
unknown kill_thread;
drop kill(sig == 9) => trap;
";

#[test]
fn explain_a_small_policy() {
    let dir = scratch("explain");
    let policy = file(&dir, "small.policy", SMALL);
    let text = seccompc(&["explain", &policy, "--arch", "x86_64"]).ok();
    // The two figures that are the compiler's business, not explain's.
    let len = compile_str(SMALL)
        .unwrap()
        .get(Arch::X86_64)
        .unwrap()
        .program
        .len();
    let others = syscalls::table(Arch::X86_64).entries().len() - 3;
    let expected = format!(
        "{policy} on x86_64 (AUDIT_ARCH_X86_64): 3 syscalls named, {len} instructions
 NR  SYSCALL     STATEMENT          ACTION
  1  write       1:1 keep           allow if fd == 1 | 2, else errno(EPERM)
 62  kill        4:1 drop, default  trap if sig == 9, else errno(EPERM)
231  exit_group  1:1 keep           allow

default: errno(EPERM), for the {others} other syscalls x86_64 knows (no `default` statement: the deny action, set at 2:1 deny)
unknown: kill_thread, for numbers x86_64's table does not know, e.g. newer syscalls (set at 3:1 unknown)
other ABIs: kill_process, whatever the policy says, for calls with arch != 0xc000003e (AUDIT_ARCH_X86_64) and x32 calls (nr & 0x40000000)
kernel cache: write (1) is allowed only under a condition, so the filter runs for it; the kernel's constant-action cache (Linux 5.11+) answers the other allowed syscalls without running it
"
    );
    assert_eq!(text, expected);
}

#[test]
fn explain_the_design_example_on_aarch64() {
    let dir = scratch("explain-design");
    let policy = file(
        &dir,
        "service.policy",
        "base @system-service;\ndrop ptrace;\nkeep write(fd == 1 | 2);\n",
    );
    let text = seccompc(&["explain", &policy, "--arch", "arm64"]).ok();
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no line {prefix:?} in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("64 "),
        "64 write 3:1 keep allow if fd == 1 | 2, else kill_process"
    );
    assert_eq!(line("117 "), "117 ptrace 2:1 drop kill_process");
    assert_eq!(line("56 "), "56 openat 1:1 base allow");
    assert!(text.contains("\ndefault: kill_process, for the "), "{text}");
    assert!(text.contains("(no `default` statement: the deny action, built in)\n"));
    assert!(text.contains("\nunknown: errno(ENOSYS), "));
    assert!(!text.contains("x32"), "aarch64 has no x32 ABI");
    assert!(text.contains("\nkernel cache: write (64) is allowed only under a condition"));
    // Sorted by number.
    let numbers: Vec<u32> = text
        .lines()
        .skip(2)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]));
    let named = compile_str("base @system-service;\ndrop ptrace;\nkeep write(fd == 1 | 2);\n")
        .unwrap()
        .get(Arch::Aarch64)
        .unwrap()
        .table
        .named
        .len();
    assert_eq!(numbers.len(), named);
    assert!(named > 250);
}

#[test]
fn disasm_of_a_policy_and_of_raw_bpf() {
    let dir = scratch("disasm");
    let policy = file(&dir, "small.policy", SMALL);
    let program = compile_str(SMALL).unwrap();
    for arch in [Arch::X86_64, Arch::S390x] {
        let filters = program.get(arch).unwrap().program.filters().unwrap();
        let expected = emu::disasm_for(&filters, arch.is_big_endian());
        let listing = seccompc(&["disasm", &policy, "--arch", arch.name()]).ok();
        assert_eq!(listing, expected, "{arch}");
        let bpf = dir.join(format!("{arch}.bpf"));
        let raw = seccompc(&[
            "compile",
            &policy,
            "--arch",
            arch.name(),
            "-o",
            bpf.to_str().unwrap(),
        ]);
        assert_eq!(raw.status, 0);
        let from_raw = seccompc(&["disasm", bpf.to_str().unwrap(), "--arch", arch.name()]).ok();
        assert_eq!(from_raw, expected, "{arch}");
    }
    let first = seccompc(&["disasm", &policy, "--arch", "x86_64"]).ok();
    assert!(first.starts_with(
        " line  OP   JT   JF   K\n=================================\n 0000: 0x20 0x00 0x00 0x00000004   ld   arch\n"
    ));
}

#[test]
fn disasm_reports_programs_the_kernel_would_refuse() {
    let dir = scratch("disasm-bad");
    // `ld nr` and nothing after it: no final return.
    let path = dir.join("bad.bpf");
    std::fs::write(&path, [0x20, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    let out = seccompc(&["disasm", path.to_str().unwrap(), "--arch", "x86_64"]);
    assert_eq!(out.status, 1);
    assert!(
        out.text()
            .contains(" 0000: 0x20 0x00 0x00 0x00000000   ld   nr\n")
    );
    assert!(
        out.stderr.contains("the kernel would refuse this program"),
        "{}",
        out.stderr
    );
    std::fs::write(&path, [0x06, 0, 0, 0, 0, 0, 0]).unwrap();
    let out = seccompc(&["disasm", path.to_str().unwrap(), "--arch", "x86_64"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains("not a positive multiple of 8"),
        "{}",
        out.stderr
    );
}

#[test]
fn simulate_agrees_with_the_reference_evaluator() {
    let dir = scratch("simulate");
    let text = "base @default;\nkeep openat(dfd == -100 && flags & 3 == 0), write(fd == 1 | 2);\ndrop kill(sig == 9) => errno(EPERM);\n";
    let policy = file(&dir, "p.policy", text);
    let compiled = compile_str(text).unwrap();
    let cases: [(&str, &[&str]); 8] = [
        ("openat", &["-100", "0x7fff0000", "0"]),
        ("openat", &["-100", "0", "2"]),
        ("openat", &["0xffffffffffffff9c", "0", "0x80000"]),
        ("openat", &["3", "0", "0"]),
        ("write", &["2"]),
        ("write", &["0x100000001"]),
        ("kill", &["1", "9"]),
        ("getpid", &[]),
    ];
    for arch in [Arch::X86_64, Arch::X86, Arch::S390x] {
        let resolved = &compiled.get(arch).unwrap().resolved;
        for (name, args) in cases {
            let mut call = vec!["simulate", &policy, "--arch", arch.name(), name];
            call.extend(args);
            let out = seccompc(&call);
            let stdout = out.text();
            if arch == Arch::X86 && args.iter().any(|a| a.len() > 10) {
                // 64-bit values do not fit an x86 register.
                assert_eq!(out.status, 2, "{call:?}");
                continue;
            }
            assert_eq!(out.status, 0, "{call:?}: {}", out.stderr);
            let mut data = SeccompData {
                nr: syscalls::table(arch).number(name).unwrap(),
                arch: arch.audit_arch(),
                ..SeccompData::default()
            };
            for (slot, a) in data.args.iter_mut().zip(args) {
                let v: i128 = match a.strip_prefix("0x") {
                    Some(hex) => i128::from_str_radix(hex, 16).unwrap(),
                    None => a.parse().unwrap(),
                };
                *slot = (v as u64)
                    & if arch == Arch::X86 {
                        0xffff_ffff
                    } else {
                        u64::MAX
                    };
            }
            let expected = decide::eval(resolved, &data, &|_| 0);
            assert!(
                stdout.contains(&format!("\naction: {expected} (")),
                "{call:?}\n{stdout}"
            );
            assert!(
                stdout.contains(&format!("\nreference evaluator: {expected}, ")),
                "{call:?}\n{stdout}"
            );
            assert!(stdout.ends_with("the program and the policy agree\n"));
        }
    }
}

#[test]
fn simulate_shows_the_path_through_the_program() {
    let dir = scratch("simulate-path");
    let policy = file(&dir, "small.policy", SMALL);
    let out = seccompc(&["simulate", &policy, "--arch", "x86_64", "write", "3"]).ok();
    assert!(
        out.starts_with(
            "write(3) on x86_64: nr 1, arch 0xc000003e\naction: errno(EPERM) (0x00050001)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(" instructions executed:\n 0000: 0x20 0x00 0x00 0x00000004   ld   arch\n")
    );
    assert!(out.contains("ld   args[0].lo"), "{out}");
    assert!(out.contains("\nkernel cache: the filter runs"), "{out}");
    assert!(out.contains("\nreference evaluator: errno(EPERM), decided by 1:1 keep: write gets allow if fd == 1 | 2, else errno(EPERM)\n"), "{out}");
    let exit = seccompc(&["simulate", &policy, "--arch", "x86_64", "231"]).ok();
    assert!(exit.contains("\naction: allow (0x7fff0000)\n"), "{exit}");
    assert!(exit.contains("\nkernel cache: answers this call"), "{exit}");
    let x32 = seccompc(&["simulate", &policy, "--arch", "x86_64", "0x40000001"]).ok();
    assert!(x32.starts_with("x32 syscall 1() on x86_64"), "{x32}");
    assert!(
        x32.contains("\naction: kill_process (0x80000000)\n"),
        "{x32}"
    );
    let unknown = seccompc(&["simulate", &policy, "--arch", "x86_64", "1000"]).ok();
    assert!(
        unknown.contains("\naction: kill_thread (0x00000000)\n"),
        "{unknown}"
    );
    assert!(unknown.contains("decided by 3:1 unknown\n"), "{unknown}");
    // A raw program has no policy to compare with.
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
    let raw = seccompc(&[
        "simulate",
        bpf.to_str().unwrap(),
        "--arch",
        "x86_64",
        "write",
        "3",
    ])
    .ok();
    assert!(raw.contains("\naction: errno(EPERM) (0x00050001)\n"));
    assert!(!raw.contains("reference evaluator"));
    let missing = seccompc(&["simulate", &policy, "--arch", "aarch64", "open"]);
    assert_eq!(missing.status, 1);
    assert!(
        missing
            .stderr
            .contains("`open` is not a syscall on aarch64")
    );
    let typo = seccompc(&["simulate", &policy, "--arch", "x86_64", "wirte"]);
    assert!(
        typo.stderr.contains("did you mean `write`?"),
        "{}",
        typo.stderr
    );
    let many = seccompc(&[
        "simulate", &policy, "--arch", "x86_64", "write", "1", "2", "3", "4", "5", "6", "7",
    ]);
    assert_eq!(many.status, 2);
}

#[test]
fn syscalls_tables_and_parameters() {
    let write = seccompc(&["syscalls", "write", "--arch", "x86_64"]).ok();
    assert!(
        write.starts_with("write\n  x86_64          1\n  x86             4\n  aarch64        64\n"),
        "{write}"
    );
    assert!(write.contains("\nparameters on x86_64 (fs/read_write.c: SYSCALL_DEFINE3(write, ...)):\n  arg0  fd     unsigned int         32 bits\n  arg1  buf    const char __user *  64 bits\n  arg2  count  size_t               64 bits\n"), "{write}");
    assert!(
        write.contains("\ngroups: @basic-io, @system-service, "),
        "{write}"
    );
    let by_number = seccompc(&["syscalls", "--arch", "aarch64", "56"]).ok();
    assert!(by_number.starts_with("openat\n"), "{by_number}");
    assert!(by_number.contains("\nparameters on aarch64 "));
    let split = seccompc(&["syscalls", "fallocate", "--arch", "x86"]).ok();
    assert!(
        split.contains("  split offset  loff_t  64 bits in two registers: cannot be compared\n"),
        "{split}"
    );
    let table = seccompc(&["syscalls", "--arch", "x86_64"]).ok();
    assert!(
        table.starts_with(" NR  SYSCALL (x86_64)\n  0  read\n  1  write\n"),
        "{table}"
    );
    let all = seccompc(&["syscalls"]).ok();
    let open = all.lines().find(|l| l.starts_with("open ")).unwrap();
    assert_eq!(
        open.split_whitespace().collect::<Vec<_>>(),
        ["open", "2", "5", "-", "5", "-", "5", "5", "-"]
    );
    let typo = seccompc(&["syscalls", "wirte"]);
    assert_eq!(typo.status, 1);
    assert!(typo.stderr.contains("did you mean `write`?"));
    let none = seccompc(&["syscalls", "--arch", "x86_64", "9999"]);
    assert_eq!(none.status, 1);
    assert!(none.stderr.contains("no syscall has number 9999 on x86_64"));
}

#[test]
fn groups_and_their_members() {
    let list = seccompc(&["groups"]).ok();
    let size = groups::expand("@system-service").unwrap().len();
    let line = list
        .lines()
        .find(|l| l.starts_with("@system-service "))
        .unwrap();
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        [
            "@system-service",
            &size.to_string(),
            "systemd",
            "General",
            "system",
            "service",
            "operations"
        ]
    );
    assert_eq!(
        list.lines().filter(|l| l.starts_with('@')).count(),
        groups::GROUPS.len()
    );
    let keep = seccompc(&["groups", "@default-keep"]).ok();
    let g = groups::group("@default-keep").unwrap();
    assert_eq!(
        keep,
        format!(
            "@default-keep: {}\norigin: {}\nmembers:\n  execve execveat prctl\n3 syscalls in all\n",
            g.description, g.origin
        )
    );
    let service = seccompc(&["groups", "system-service"]).ok();
    assert!(
        service.contains("\n  @default: System calls that are always permitted\n    @sandbox: "),
        "{service}"
    );
    assert!(
        service.ends_with(&format!("{size} syscalls in all\n"))
            || service.contains(&format!("\n{size} syscalls in all\n"))
    );
    let typo = seccompc(&["groups", "@defualt"]);
    assert_eq!(typo.status, 1);
    assert!(typo.stderr.contains("did you mean `@default`?"));
}

#[test]
fn every_command_has_help() {
    for command in [
        "compile", "explain", "disasm", "simulate", "syscalls", "groups", "run", "record",
        "import", "export",
    ] {
        let out = seccompc(&[command, "--help"]).ok();
        assert!(out.starts_with(&format!("seccompc {command}: ")), "{out}");
        assert!(out.contains(&format!("Usage: seccompc {command}")), "{out}");
    }
    let top = seccompc(&["--help"]).ok();
    assert!(top.contains("\n  record     "));
    let missing = seccompc(&["export", "--format", "oci", "no-such.policy"]);
    assert_eq!(missing.status, 1);
    assert!(
        missing.stderr.contains("no-such.policy"),
        "{}",
        missing.stderr
    );
}

/// A raw program the kernel would refuse (5,000 instructions, past
/// BPF_MAXINSNS) is not run: its answer would mean nothing.
#[test]
fn simulate_refuses_a_program_the_kernel_would_refuse() {
    let dir = scratch("simulate-invalid");
    // 4,999 `ld [0]` then `ret ALLOW`, little-endian records.
    let ld = SockFilter {
        code: 0x20,
        jt: 0,
        jf: 0,
        k: 0,
    };
    let ret = SockFilter {
        code: 0x06,
        jt: 0,
        jf: 0,
        k: 0x7fff_0000,
    };
    let mut bytes = Vec::new();
    for f in std::iter::repeat_n(ld, 4999).chain([ret]) {
        bytes.extend_from_slice(&f.to_bytes(false));
    }
    let path = dir.join("long.bpf");
    std::fs::write(&path, &bytes).unwrap();
    let path = path.to_str().unwrap();
    let out = seccompc(&["simulate", path, "--arch", "x86_64", "read"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with("seccompc: the kernel would refuse this program: "),
        "{}",
        out.stderr
    );
    // The same program cut to the kernel's limit runs.
    let short = dir.join("short.bpf");
    std::fs::write(&short, &bytes[(5000 - 4096) * 8..]).unwrap();
    let out = seccompc(&[
        "simulate",
        short.to_str().unwrap(),
        "--arch",
        "x86_64",
        "read",
    ])
    .ok();
    assert!(out.contains("\naction: allow (0x7fff0000)\n"), "{out}");
}

#[test]
fn constants_by_pattern_and_architecture() {
    // Hand-checked against the uapi headers: asm-generic/ioctls.h TCGETS
    // 0x5401; arch/powerpc/include/uapi/asm/ioctls.h _IOR('t', 19, struct
    // termios) = 0x402c7413; O_DIRECTORY 00200000 (asm-generic/fcntl.h),
    // 040000 (arch/{arm64,arm,powerpc}/include/uapi/asm/fcntl.h).
    let tcgets = seccompc(&["constants", "--arch", "powerpc64le", "TCGETS"]).ok();
    assert_eq!(tcgets, "TCGETS  0x402c7413\n");
    let tcgets = seccompc(&["constants", "--arch", "x86_64", "TCGET?"]).ok();
    // asm-generic/ioctls.h: TCGETA 0x5405, TCGETX 0x5432.
    assert_eq!(tcgets, "TCGETA  0x5405\nTCGETS  0x5401\nTCGETX  0x5432\n");
    let o = seccompc(&["constants", "O_DIRECTORY"]).ok();
    assert_eq!(
        o,
        "O_DIRECTORY  0x10000 on x86_64, x86, riscv64, s390x, loongarch64; 0x4000 on aarch64, arm, powerpc64le\n"
    );
    let at = seccompc(&["constants", "AT_FDCWD"]).ok();
    assert_eq!(at, "AT_FDCWD  -100\n");
    let af = seccompc(&["constants", "--arch", "arm64", "AF_*"]).ok();
    assert!(
        af.contains("\nAF_UNIX        1\n") || af.contains("\nAF_UNIX "),
        "{af}"
    );
    assert!(af.lines().all(|l| l.starts_with("AF_")), "{af}");
    let typo = seccompc(&["constants", "O_DIRECTROY"]);
    assert_eq!(typo.status, 1);
    assert_eq!(
        typo.stderr,
        "seccompc: no constant matches `O_DIRECTROY` (did you mean `O_DIRECTORY`?)\n"
    );
    let arm = seccompc(&["constants", "--arch", "arm", "KVM_RUN"]);
    assert_eq!(arm.status, 1);
    assert!(
        arm.stderr
            .contains("(it is defined on x86_64, x86, aarch64,"),
        "{}",
        arm.stderr
    );
}
