//! kafel's own syscall tables (transcribed into `syscalls.tsv` by
//! tools/gen-kafel-tables from google/kafel `src/syscalls/*.c`): the names
//! a kafel policy may use on each architecture, their numbers, and the
//! argument names and sizes its expressions see.

use seccomp_compiler::arch::Arch;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const TSV: &str = include_str!("syscalls.tsv");

/// A syscall in kafel's table of one architecture.
pub struct KSyscall {
    pub nr: u32,
    /// (name, size in bytes) of each argument, in order.
    pub args: Vec<(&'static str, u8)>,
}

type Tables = BTreeMap<Arch, BTreeMap<&'static str, KSyscall>>;

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut out: Tables = BTreeMap::new();
        for line in TSV.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            // The file is generated and checked by the tests below; a
            // malformed line is a bug of the generator, skipped here.
            let (Some(arch), Some(name), Some(nr)) = (cols.next(), cols.next(), cols.next()) else {
                continue;
            };
            let (Some(arch), Ok(nr)) = (Arch::from_name(arch), nr.parse()) else {
                continue;
            };
            let args = cols
                .next()
                .unwrap_or("")
                .split(' ')
                .filter_map(|a| {
                    let (n, s) = a.split_once(':')?;
                    Some((n, s.parse().ok()?))
                })
                .collect();
            out.entry(arch)
                .or_default()
                .insert(name, KSyscall { nr, args });
        }
        out
    })
}

/// The architectures kafel has a table for that we compile for, in
/// kafel's order of preference for output.
pub const ARCHES: [Arch; 5] = [
    Arch::X86_64,
    Arch::X86,
    Arch::Aarch64,
    Arch::Arm,
    Arch::Riscv64,
];

/// kafel's entry for `name` on `arch`.
pub fn lookup(arch: Arch, name: &str) -> Option<&'static KSyscall> {
    tables().get(&arch)?.get(name)
}

/// Every name kafel knows on `arch`.
pub fn names(arch: Arch) -> impl Iterator<Item = &'static str> {
    tables()
        .get(&arch)
        .into_iter()
        .flat_map(|t| t.keys().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcription_is_complete_and_spot_checked() {
        // Entry counts of kafel's src/syscalls/*.c at 18f2074 (one
        // `{"name", NR, ...}` per syscall).
        let count = |a: Arch| tables()[&a].len();
        assert_eq!(count(Arch::X86_64), 382);
        assert_eq!(count(Arch::X86), 349);
        assert_eq!(count(Arch::Aarch64), 321);
        assert_eq!(count(Arch::Arm), 366);
        assert_eq!(count(Arch::Riscv64), 320);
        // amd64_syscalls.c: {"write", 1, {fd:4, buf:8, count:8}};
        // {"newfstat", 5, ...}; arm_syscalls.c: {"set_tls", 983045}.
        let w = lookup(Arch::X86_64, "write").unwrap();
        assert_eq!(
            (w.nr, w.args.clone()),
            (1, vec![("fd", 4), ("buf", 8), ("count", 8)])
        );
        assert_eq!(lookup(Arch::X86_64, "newfstat").unwrap().nr, 5);
        assert_eq!(lookup(Arch::Arm, "set_tls").unwrap().nr, 0xf0005);
        assert!(lookup(Arch::Aarch64, "open").is_none());
    }
}
