//! Prints how fast the generated programs dispatch: instructions executed
//! per syscall (mean and worst over numbers 0..511, counted by the
//! emulator), program length, and how many of the numbers the policy
//! allows regardless of arguments the kernel's constant-action cache
//! serves (Linux 5.11+ skips the filter for those).
//!
//! `cargo run --release -p seccomp-compiler --example dispatch_stats`

use seccomp_compiler::bpf::SeccompData;
use seccomp_compiler::decide::Lookup;
use seccomp_compiler::{Action, Arch, compile_str, emu};

const POLICIES: [(&str, &str); 5] = [
    ("@system-service allow-list", "base @system-service;"),
    (
        "DESIGN.md example",
        "base @system-service; drop ptrace; keep write(fd == 1 | 2);",
    ),
    (
        "deny-list (@firejail-default, errno)",
        "default allow; drop @firejail-default => errno(EPERM); acknowledge ptrace;",
    ),
    (
        "conditional service",
        "base @system-service; keep write(fd == 1 | 2), openat(flags & 3 == 0), socket(family == 1 | 2 && type & 0xff == 1), mmap(prot & 4 == 0); drop clone3 => errno(ENOSYS); drop socketcall, ipc => errno(ENOSYS);",
    ),
    ("tiny", "keep read, write, exit_group;"),
];

const ARCHES: [Arch; 4] = [Arch::X86_64, Arch::Aarch64, Arch::X86, Arch::S390x];

fn main() {
    println!(
        "{:<38} {:<12} {:>5} {:>6} {:>6} {:>9}",
        "policy", "arch", "len", "mean", "worst", "cached"
    );
    for (name, text) in POLICIES {
        let compiled =
            compile_str(text).unwrap_or_else(|e| panic!("{name}: {:?}", e[0].full_message()));
        for arch in ARCHES {
            let Some(out) = compiled.get(arch) else {
                continue;
            };
            let prog = out.program.filters().expect("no symbolic values");
            let (mean, worst) = steps(&prog, arch);
            let allowed: Vec<u32> = (0..512).filter(|&nr| const_allow(out, nr)).collect();
            let report = emu::cache_coverage(&prog, arch, allowed.iter().copied());
            let cached = format!("{}/{}", report.cached.len(), allowed.len());
            println!(
                "{name:<38} {:<12} {:>5} {mean:>6.2} {worst:>6} {cached:>9}",
                arch.name(),
                prog.len()
            );
        }
    }
}

/// Mean and worst instructions executed over numbers 0..511 (arguments 0).
fn steps(prog: &[seccomp_compiler::bpf::SockFilter], arch: Arch) -> (f64, usize) {
    let counts: Vec<usize> = (0..512)
        .map(|nr| {
            let data = SeccompData {
                nr,
                arch: arch.audit_arch(),
                ..Default::default()
            };
            emu::run(prog, &data, arch.is_big_endian())
                .expect("valid program")
                .steps
        })
        .collect();
    (
        counts.iter().sum::<usize>() as f64 / counts.len() as f64,
        *counts.iter().max().unwrap_or(&0),
    )
}

fn const_allow(out: &seccomp_compiler::compile::ArchOutput, nr: u32) -> bool {
    match out.table.lookup(nr) {
        Lookup::Named(d) => d.constant_action() == Some(Action::Allow),
        Lookup::Default(o) => o.action == Action::Allow,
        _ => false,
    }
}
