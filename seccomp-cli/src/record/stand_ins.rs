//! A recorded policy on the other architectures: a recorded syscall some
//! architecture lacks (`poll` on aarch64) is made there through another
//! member of its family (`ppoll`), which the policy keeps too, so it
//! compiles and works on all eight (the compiler's portability check,
//! seccomp-compiler's check/families.rs, refuses it otherwise).

use seccomp_compiler::Arch;
use seccomp_compiler::check::families::stand_in;
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// For each stand-in the recording lacks: the recorded syscalls it stands
/// in for, each with the architectures where it does.
type StandIns = BTreeMap<&'static str, BTreeMap<String, Vec<Arch>>>;

fn stand_ins(names: &[&str]) -> StandIns {
    let mut out = StandIns::new();
    for &name in names {
        for arch in Arch::ALL {
            if syscalls::table(arch).number(name).is_some() {
                continue;
            }
            let Some(s) = stand_in(arch, name).filter(|s| !names.contains(s)) else {
                continue;
            };
            out.entry(s)
                .or_default()
                .entry(name.to_owned())
                .or_default()
                .push(arch);
        }
    }
    out
}

/// A `keep` of the stand-ins with a comment on each, or nothing.
pub fn keep_stand_ins(names: &[&str]) -> String {
    let found = stand_ins(names);
    if found.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "// Where a syscall above does not exist, libc makes another of its family;\n\
         // kept so that the policy works on every architecture:\nkeep\n",
    );
    let last = found.len() - 1;
    for (i, (s, for_names)) in found.iter().enumerate() {
        let why: Vec<String> = for_names
            .iter()
            .map(|(name, arches)| {
                let list: Vec<&str> = arches.iter().map(|a| a.name()).collect();
                format!("{name} on {}", list.join(", "))
            })
            .collect();
        let end = if i == last { ";" } else { "," };
        // Writing to a String cannot fail.
        let _ = writeln!(out, "    {s}{end} // for {}", why.join("; "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_and_newfstatat_recorded_on_x86_64() {
        // aarch64, riscv64 and loongarch64 have no `poll` (asm-generic
        // unistd.h defines only ppoll); x86 and arm have fstatat64 where
        // 64-bit architectures have newfstatat.
        let text = keep_stand_ins(&["exit_group", "newfstatat", "poll", "arch_prctl"]);
        assert_eq!(
            text,
            "// Where a syscall above does not exist, libc makes another of its family;\n\
             // kept so that the policy works on every architecture:\nkeep\n    \
             fstatat64, // for newfstatat on x86, arm\n    \
             ppoll; // for poll on aarch64, riscv64, loongarch64\n"
        );
        assert_eq!(keep_stand_ins(&["poll", "ppoll", "read"]), "");
    }
}
