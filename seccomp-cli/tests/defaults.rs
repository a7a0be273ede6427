//! `--arch` defaulting to the running architecture, and `simulate`'s named
//! and negative arguments, through the real binary. Where a negative
//! argument's register value matters, the real kernel says what glibc puts
//! there.

mod common;

use common::{file, native, scratch, seccompc};

const POLICY: &str = "base @system-service;\ndrop ptrace;\nkeep write(fd == 1 | 2);\n";

/// Every command that takes `--arch` prints without it what it prints
/// with the running architecture named.
#[test]
fn arch_defaults_to_the_running_one() {
    let dir = scratch("default-arch");
    let policy = file(&dir, "p.policy", POLICY);
    let bpf = dir.join("p.bpf");
    let bpf = bpf.to_str().unwrap();
    let arch = native();
    seccompc(&["compile", &policy, "--arch", arch, "-o", bpf]).ok();
    let runs: [&[&str]; 5] = [
        &["compile", &policy, "--format", "rust"],
        &["explain", &policy],
        &["disasm", &policy],
        &["disasm", bpf],
        &["simulate", &policy, "write", "2"],
    ];
    for args in runs {
        let implicit = seccompc(args).ok();
        let mut explicit = args.to_vec();
        explicit.extend(["--arch", arch]);
        assert_eq!(implicit, seccompc(&explicit).ok(), "{args:?}");
    }
    let simulated = seccompc(&["simulate", bpf, "write", "3"]).ok();
    assert!(simulated.contains(&format!("on {arch}:")), "{simulated}");
}

#[test]
fn a_policy_for_other_architectures_needs_arch() {
    let dir = scratch("default-arch-other");
    let other = if native() == "aarch64" {
        "s390x"
    } else {
        "aarch64"
    };
    let policy = file(
        &dir,
        "p.policy",
        &format!("arch {other}, riscv64;\n{POLICY}"),
    );
    for command in ["compile", "explain", "disasm"] {
        let out = seccompc(&[command, &policy]);
        assert_eq!(out.status, 2, "{command}: {}", out.stderr);
        let expected = format!(
            "the policy is not for {}, this machine: its `arch` statement selects {other}, riscv64; choose one with `--arch`",
            native()
        );
        assert!(out.stderr.contains(&expected), "{command}: {}", out.stderr);
    }
    let chosen = seccompc(&["explain", &policy, "--arch", "riscv64"]).ok();
    assert!(chosen.contains(" on riscv64 "), "{chosen}");
}

#[test]
fn simulate_takes_named_arguments() {
    let dir = scratch("simulate-named");
    let policy = file(&dir, "p.policy", POLICY);
    let by_name = seccompc(&["simulate", &policy, "write", "count=5", "fd=2"]).ok();
    assert!(by_name.starts_with("write(2, 0, 5) on "), "{by_name}");
    assert!(by_name.contains("\naction: allow"), "{by_name}");
    let refused = seccompc(&["simulate", &policy, "write", "fd=3"]).ok();
    assert!(refused.contains("\naction: kill_process"), "{refused}");
    let slot = seccompc(&["simulate", &policy, "write", "arg0=2"]).ok();
    assert!(slot.starts_with("write(2) on "), "{slot}");
    let typo = seccompc(&["simulate", &policy, "write", "fdd=2"]);
    assert_eq!(typo.status, 2);
    assert!(
        typo.stderr
            .contains("write on x86_64 has no parameter `fdd` (did you mean `fd`?): its parameters are fd, buf, count (or arg0..arg5)")
            || native() != "x86_64",
        "{}",
        typo.stderr
    );
}

/// What the kernel sees of a negative argument, through glibc: the policy
/// refuses `close` when its argument's 64 bits are 0xffffffff (glibc's
/// `close(int)` leaves the upper half clear on x86_64) and `lseek` when its
/// `off_t` offset is -1 in 64 bits. `simulate` must say what the kernel
/// does with the calls python3's `os.close(-1)` and `os.lseek(0, -1, 1)`
/// make.
#[cfg(target_arch = "x86_64")]
#[test]
fn negative_arguments_are_what_the_kernel_sees() {
    let dir = scratch("simulate-negative");
    let policy = file(
        &dir,
        "p.policy",
        "default allow;\nacknowledge ptrace;\n\
         drop close(fd:u64 == 0xffffffff) => errno(EPERM);\n\
         drop lseek(offset:u64 == 0xffffffffffffffff) => errno(EACCES);\n",
    );
    let action = |args: &[&str]| {
        let mut all = vec!["simulate", &policy];
        all.extend(args);
        let out = seccompc(&all).ok();
        let line = out.lines().find(|l| l.starts_with("action: ")).unwrap();
        line.split(' ').nth(1).unwrap().to_owned()
    };
    assert_eq!(action(&["close", "-1"]), "errno(EPERM)");
    assert_eq!(action(&["close", "fd=-1"]), "errno(EPERM)");
    assert_eq!(action(&["close", "0xffffffffffffffff"]), "allow");
    assert_eq!(action(&["lseek", "0", "-1", "1"]), "errno(EACCES)");
    assert_eq!(action(&["lseek", "offset=-1"]), "errno(EACCES)");
    let script = "import os\n\
        for call in (lambda: os.close(-1), lambda: os.lseek(0, -1, 1)):\n\
        \x20   try:\n\
        \x20       call()\n\
        \x20   except OSError as e:\n\
        \x20       print(e.errno)\n";
    let kernel = seccompc(&["run", &policy, "--", "python3", "-c", script]).ok();
    // EPERM (1) and EACCES (13) from the filter, not EBADF or EINVAL from
    // the calls themselves.
    assert_eq!(kernel, "1\n13\n");
}
