//! Kernel constants in conditions, resolved per architecture. Expected
//! values are read off the uapi headers by hand (cited at each); the
//! programs run on the emulator and must agree with the evaluator.

use crate::action::Action;
use crate::arch::Arch;
use crate::bpf::SeccompData;
use crate::compile::{Compilation, compile_str};
use crate::tables::syscalls;

/// What `arch`'s program does with `syscall(args)`, checked to be what the
/// evaluator says.
fn verdict(c: &Compilation, arch: Arch, syscall: &str, args: &[u64]) -> Action {
    let out = c
        .get(arch)
        .unwrap_or_else(|| panic!("{arch} did not compile"));
    let mut data = SeccompData {
        nr: syscalls::table(arch).number(syscall).unwrap(),
        arch: arch.audit_arch(),
        ..Default::default()
    };
    data.args[..args.len()].copy_from_slice(args);
    let prog = out.program.filters().unwrap();
    let ran = crate::emu::run(&prog, &data, arch.is_big_endian()).unwrap();
    let got = Action::from_ret(ran.ret);
    assert_eq!(
        got,
        crate::decide::eval(&out.resolved, &data, &|_| 0),
        "{arch}"
    );
    got
}

fn arch_errors(c: &Compilation, arch: Arch) -> Vec<String> {
    let a = c.arches.iter().find(|a| a.arch == arch).unwrap();
    match &a.outcome {
        Ok(_) => Vec::new(),
        Err(ds) => ds
            .iter()
            .map(|d| format!("{}; {}", d.message, d.help.join("; ")))
            .collect(),
    }
}

fn error(text: &str) -> String {
    let ds = compile_str(text).expect_err("should fail");
    ds.iter()
        .map(|d| format!("{}; {}", d.message, d.help.join("; ")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_constant_takes_each_architectures_value() {
    // O_DIRECTORY: 00200000 in include/uapi/asm-generic/fcntl.h, 040000 in
    // arch/{arm64,arm,powerpc}/include/uapi/asm/fcntl.h.
    let c = compile_str("keep exit_group, openat(flags & O_DIRECTORY == O_DIRECTORY);").unwrap();
    for (arch, own, other) in [
        (Arch::X86_64, 0o200000, 0o40000),
        (Arch::Riscv64, 0o200000, 0o40000),
        (Arch::Aarch64, 0o40000, 0o200000),
        (Arch::Arm, 0o40000, 0o200000),
        (Arch::Powerpc64le, 0o40000, 0o200000),
    ] {
        assert_eq!(
            verdict(&c, arch, "openat", &[0, 0, own]),
            Action::Allow,
            "{arch}"
        );
        assert_eq!(
            verdict(&c, arch, "openat", &[0, 0, other]),
            Action::KillProcess,
            "{arch}"
        );
    }
}

#[test]
fn value_sets_of_constants_differ_per_architecture() {
    // TCGETS: 0x5401 in asm-generic/ioctls.h; _IOR('t', 19, struct termios)
    // = 0x402c7413 in arch/powerpc/include/uapi/asm/ioctls.h. FIONREAD:
    // 0x541B, and _IOR('f', 127, int) = 0x4004667f on powerpc.
    let c = compile_str("keep exit_group, ioctl(cmd == TCGETS | FIONREAD);").unwrap();
    for cmd in [0x5401, 0x541b] {
        assert_eq!(verdict(&c, Arch::X86_64, "ioctl", &[0, cmd]), Action::Allow);
        assert_eq!(
            verdict(&c, Arch::Powerpc64le, "ioctl", &[0, cmd]),
            Action::KillProcess
        );
    }
    for cmd in [0x402c7413, 0x4004667f] {
        assert_eq!(
            verdict(&c, Arch::Powerpc64le, "ioctl", &[0, cmd]),
            Action::Allow
        );
        assert_eq!(
            verdict(&c, Arch::X86_64, "ioctl", &[0, cmd]),
            Action::KillProcess
        );
    }
}

#[test]
fn a_negative_constant_is_negative_in_the_parameters_width() {
    // AT_FDCWD is -100 (include/uapi/linux/fcntl.h); `dfd` is an int, so
    // 0xffffff9c, with any high word.
    let c = compile_str("keep exit_group, openat(dfd == AT_FDCWD);").unwrap();
    for arch in [Arch::X86_64, Arch::Aarch64, Arch::S390x] {
        for dfd in [0xffff_ff9c, 0xffff_ffff_ffff_ff9c, 0x1234_5678_ffff_ff9c] {
            assert_eq!(verdict(&c, arch, "openat", &[dfd]), Action::Allow, "{arch}");
        }
        assert_eq!(
            verdict(&c, arch, "openat", &[100]),
            Action::KillProcess,
            "{arch}"
        );
    }
    let e = error("keep exit_group, openat(dfd < AT_FDCWD);");
    assert!(e.starts_with("`AT_FDCWD` is -100 on this architecture, but masks and `<`, `<=`, `>`, `>=` compare unsigned values"), "{e}");
}

#[test]
fn parentheses_or_constants_into_one_value() {
    // O_CREAT 0100, O_EXCL 0200 (asm-generic/fcntl.h).
    let c = compile_str(
        "keep exit_group, openat(flags & (O_CREAT | O_EXCL) == (O_CREAT | O_EXCL) | 0);",
    )
    .unwrap();
    let x = Arch::X86_64;
    assert_eq!(verdict(&c, x, "openat", &[0, 0, 0o300]), Action::Allow);
    assert_eq!(verdict(&c, x, "openat", &[0, 0, 0o2]), Action::Allow);
    assert_eq!(
        verdict(&c, x, "openat", &[0, 0, 0o100]),
        Action::KillProcess
    );
    assert_eq!(
        verdict(&c, x, "openat", &[0, 0, 0o200]),
        Action::KillProcess
    );
    let e = error("keep exit_group, openat(flags == (O_CREAT | AT_FDCWD));");
    assert!(
        e.starts_with(
            "`AT_FDCWD` is -100 on this architecture: `|` combines non-negative values only"
        ),
        "{e}"
    );
}

#[test]
fn a_constant_one_architecture_lacks_is_that_architectures_problem() {
    // linux/kvm.h is not exported for arm (include/uapi/linux/Kbuild).
    let c = compile_str("keep exit_group, ioctl(cmd == KVM_RUN);").unwrap();
    let errs = arch_errors(&c, Arch::Arm);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("constant `KVM_RUN` is not defined on this architecture; it is defined on x86_64, x86, aarch64,"), "{errs:?}");
    // _IO(KVMIO, 0x80), KVMIO 0xAE.
    assert_eq!(
        verdict(&c, Arch::X86_64, "ioctl", &[3, 0xae80]),
        Action::Allow
    );
    // Selecting only architectures without it is a policy error.
    let e = error("arch aarch64, riscv64; keep exit_group, arch_prctl(option == ARCH_SET_FS);");
    assert!(e.contains("constant `ARCH_SET_FS` is not defined on aarch64, riscv64; it is defined on x86_64, x86"), "{e}");
}

#[test]
fn a_misspelt_constant_gets_the_nearest_name() {
    let e = error("keep exit_group, openat(flags & O_DIRECTROY != 0);");
    assert!(
        e.starts_with("unknown constant `O_DIRECTROY`; did you mean `O_DIRECTORY`?"),
        "{e}"
    );
    let e = error("keep exit_group, openat(flags == (O_RDONLY | libc::O_CLOEXEC));");
    assert!(
        e.starts_with("expected an integer or a kernel constant inside `( | )`"),
        "{e}"
    );
}

#[test]
fn a_constant_too_wide_for_the_parameter_says_its_value() {
    // KVM_REG_RISCV is 0x8000000000000000ULL (include/uapi/linux/kvm.h).
    let e = error("keep exit_group, write(fd == KVM_REG_RISCV);");
    assert!(e.starts_with("`KVM_REG_RISCV` (0x8000000000000000 on this architecture) does not fit in `fd` (`unsigned int`), a 32-bit parameter"), "{e}");
}
