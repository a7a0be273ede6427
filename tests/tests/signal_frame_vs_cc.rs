//! Where the SIGSYS reporter reads a refused call's arguments
//! (seccomp-runtime-core/src/sys/frame.rs), against what each architecture's C
//! compiler makes of glibc's `ucontext_t`, which mirrors the kernel's
//! signal frame (a handler's third argument is the kernel's `struct
//! ucontext`, and glibc programs read it as `ucontext_t`): for every
//! architecture, each offset must equal `offsetof` of the register glibc
//! names. The compilers are those of the constants test: the host's gcc
//! always, and with the `cross-compilers` feature Debian's cross compilers
//! and zig's for loongarch64.
//!
//! The x86_64 table is also checked on the real kernel
//! (`runtime_kernel.rs`, `report_violations_names_the_syscall_and_exits_159`).

use seccomp_compiler::Arch;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

#[allow(dead_code)]
#[path = "../../seccomp-runtime-core/src/sys/frame.rs"]
mod frame;

/// The runtime's table for `arch`.
fn table(arch: Arch) -> [usize; 6] {
    match arch {
        Arch::X86_64 => frame::X86_64,
        Arch::X86 => frame::X86,
        Arch::Aarch64 => frame::AARCH64,
        Arch::Arm => frame::ARM,
        Arch::Riscv64 => frame::RISCV64,
        Arch::S390x => frame::S390X,
        Arch::Powerpc64le => frame::POWERPC64,
        Arch::Loongarch64 => frame::LOONGARCH64,
    }
}

/// The six argument registers as glibc's sys/ucontext.h names them for
/// `arch` (`-D_GNU_SOURCE` makes the `REG_*` names and unprefixed members
/// visible), in syscall(2)'s order.
fn glibc_registers(arch: Arch) -> [String; 6] {
    let each = |f: &dyn Fn(usize) -> String| std::array::from_fn(f);
    match arch {
        Arch::X86_64 => {
            ["RDI", "RSI", "RDX", "R10", "R8", "R9"].map(|r| format!("uc_mcontext.gregs[REG_{r}]"))
        }
        Arch::X86 => ["EBX", "ECX", "EDX", "ESI", "EDI", "EBP"]
            .map(|r| format!("uc_mcontext.gregs[REG_{r}]")),
        Arch::Aarch64 => each(&|i| format!("uc_mcontext.regs[{i}]")),
        Arch::Arm => each(&|i| format!("uc_mcontext.arm_r{i}")),
        // REG_A0 is 10: pc ra sp gp tp t0 t1 t2 s0 s1 a0 ...
        Arch::Riscv64 => each(&|i| format!("uc_mcontext.__gregs[REG_A0 + {i}]")),
        Arch::S390x => each(&|i| format!("uc_mcontext.gregs[{}]", i + 2)),
        Arch::Powerpc64le => each(&|i| format!("uc_mcontext.gp_regs[{}]", i + 3)),
        // a0..a5 are r4..r9.
        Arch::Loongarch64 => each(&|i| format!("uc_mcontext.__gregs[{}]", i + 4)),
    }
}

/// The compiler for `arch`, as tests::c_constants::Toolchain::debian
/// chooses it.
fn compiler(arch: Arch) -> Vec<&'static str> {
    match arch {
        Arch::X86_64 => vec!["gcc"],
        Arch::X86 => vec!["gcc", "-m32"],
        Arch::Aarch64 => vec!["aarch64-linux-gnu-gcc"],
        Arch::Arm => vec!["arm-linux-gnueabihf-gcc"],
        Arch::Riscv64 => vec!["riscv64-linux-gnu-gcc"],
        Arch::S390x => vec!["s390x-linux-gnu-gcc"],
        Arch::Powerpc64le => vec!["powerpc64le-linux-gnu-gcc"],
        Arch::Loongarch64 => vec![
            "python3",
            "-m",
            "ziglang",
            "cc",
            "-target",
            "loongarch64-linux-gnu",
        ],
    }
}

/// A C file that compiles only if every offset is glibc's.
fn program(arch: Arch) -> String {
    let mut c = String::from("#define _GNU_SOURCE\n#include <stddef.h>\n#include <ucontext.h>\n");
    for (register, offset) in glibc_registers(arch).iter().zip(table(arch)) {
        c.push_str(&format!(
            "_Static_assert(offsetof(ucontext_t, {register}) == {offset}, \"{register} is not at {offset}\");\n"
        ));
    }
    c
}

/// Compiles the program in a directory of its own (zig cc, used for
/// loongarch64, misbehaves with standard input and writes its object next to
/// the working directory), so nothing is left in the source tree. Tests run
/// in parallel and two of them check x86_64: each check has its own
/// directory.
fn check(arch: Arch) {
    static CHECKS: AtomicUsize = AtomicUsize::new(0);
    let command = compiler(arch);
    let n = CHECKS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("signal-frame-{arch}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let source = program(arch);
    let c_file = dir.join("offsets.c");
    std::fs::write(&c_file, &source).expect("the C file is written");
    let out = Command::new(command[0])
        .args(&command[1..])
        .arg("-c")
        .arg("-o")
        .arg(dir.join("offsets.o"))
        .arg(&c_file)
        .output()
        .unwrap_or_else(|e| panic!("{arch}: cannot run {}: {e}", command.join(" ")));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{arch}: the runtime's signal frame offsets are not glibc's ({}):\n{}\n{source}",
        command.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_offsets_are_glibcs() {
    check(Arch::X86_64);
}

#[cfg(not(feature = "cross-compilers"))]
#[test]
fn other_architectures_need_the_cross_compilers_feature() {
    println!(
        "NOTICE: the signal frame offsets of architectures other than x86_64 were NOT \
         compared with their C compilers: `cargo test -p tests --features cross-compilers` does"
    );
}

#[cfg(feature = "cross-compilers")]
#[test]
fn every_architectures_offsets_are_glibcs() {
    for arch in Arch::ALL {
        check(arch);
    }
}
