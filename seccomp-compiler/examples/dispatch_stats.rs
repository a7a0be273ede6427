//! Prints how fast the generated programs dispatch, counted by the emulator:
//!
//! - `len`: program length;
//! - `mean` / `worst`: instructions executed over syscall numbers 0..511
//!   (arguments 0) — what a kernel without the constant-action cache runs;
//! - `cached`: of the numbers the policy allows regardless of arguments and
//!   that lie below the kernel's bitmap (`NR_syscalls`), how many the
//!   kernel's cache serves without running the filter (Linux 5.11+);
//! - `args`: mean instructions for the syscalls with argument checks, which
//!   no cache can serve: the filter runs on every such call.
//!
//! `cargo run --release -p seccomp-compiler --example dispatch_stats`

use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::compile::ArchOutput;
use seccomp_compiler::decide::Lookup;
use seccomp_compiler::{Action, Arch, compile_str, emu};

const POLICIES: [(&str, &str); 5] = [
    ("@system-service allow-list", "base @system-service;"),
    (
        "README example",
        "base @system-service; drop ptrace; keep write(fd == 1 | 2);",
    ),
    (
        "deny-list (@firejail-default, errno)",
        "default allow; drop @firejail-default => errno(EPERM); acknowledge ptrace;",
    ),
    (
        "service with argument checks",
        "base @system-service; keep write(fd == 1 | 2), openat(flags & 3 == 0), \
         socket(family == 1 | 2 && type & 0xff == 1), mmap(prot & 4 == 0); \
         drop clone3 => errno(ENOSYS); drop socketcall, ipc => errno(ENOSYS);",
    ),
    ("tiny allow-list", "keep read, write, exit_group;"),
];

const ARCHES: [Arch; 4] = [Arch::X86_64, Arch::Aarch64, Arch::X86, Arch::S390x];

fn main() {
    println!(
        "{:<38} {:<12} {:>5} {:>6} {:>6} {:>9} {:>6}",
        "policy", "arch", "len", "mean", "worst", "cached", "args"
    );
    for (name, text) in POLICIES {
        let compiled =
            compile_str(text).unwrap_or_else(|e| panic!("{name}: {}", e[0].full_message()));
        for arch in ARCHES {
            if let Some(out) = compiled.get(arch) {
                println!("{name:<38} {}", row(out, arch));
            }
        }
    }
}

fn row(out: &ArchOutput, arch: Arch) -> String {
    let prog = out.program.filters().expect("no symbolic values");
    let counts: Vec<usize> = (0..512).map(|nr| steps(&prog, arch, nr)).collect();
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    let worst = counts.iter().max().unwrap_or(&0);
    let bitmap = emu::seccomp_arch_nr(arch);
    let allowed: Vec<u32> = (0..bitmap).filter(|&nr| const_allow(out, nr)).collect();
    let report = emu::cache_coverage(&prog, arch, allowed.iter().copied());
    let cached = format!("{}/{}", report.cached.len(), allowed.len());
    let checked: Vec<usize> = out
        .table
        .named
        .iter()
        .filter(|(_, d)| !d.arms.is_empty())
        .map(|(nr, _)| steps(&prog, arch, nr))
        .collect();
    let args = if checked.is_empty() {
        "-".to_owned()
    } else {
        format!(
            "{:.1}",
            checked.iter().sum::<usize>() as f64 / checked.len() as f64
        )
    };
    format!(
        "{:<12} {:>5} {mean:>6.2} {worst:>6} {cached:>9} {args:>6}",
        arch.name(),
        prog.len()
    )
}

fn steps(prog: &[SockFilter], arch: Arch, nr: u32) -> usize {
    let data = SeccompData {
        nr,
        arch: arch.audit_arch(),
        ..Default::default()
    };
    emu::run(prog, &data, arch.is_big_endian())
        .expect("generated programs are valid")
        .steps
}

fn const_allow(out: &ArchOutput, nr: u32) -> bool {
    match out.table.lookup(nr) {
        Lookup::Named(d) => d.constant_action() == Some(Action::Allow),
        Lookup::Default(o) => o.action == Action::Allow,
        _ => false,
    }
}
