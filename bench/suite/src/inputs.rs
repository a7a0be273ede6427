//! The inputs every program is run on: each syscall number 0..511 with
//! argument vectors built around the policy's constants, with and without
//! the high 32 bits set.

use crate::rules::Rules;
use seccomp_compiler::arch::AUDIT_ARCH_X86_64;
use seccomp_compiler::bpf::SeccompData;

/// Numbers checked: every x86_64 syscall (the table ends below 470) and
/// some past it.
pub const NUMBERS: std::ops::Range<u32> = 0..512;

/// Set in the high word of an argument: a value no 32-bit parameter has.
pub const HIGH: u64 = 0xdead_beef_0000_0000;

/// The argument vectors for `rules`: all zero; then, for each argument a
/// rule compares, each constant `c` (values and masks) as `c`, `c + 1`,
/// `c - 1`, `c | HIGH` and `(c + 1) | HIGH` in that argument, the others
/// zero.
pub fn vectors(rules: &Rules) -> Vec<[u64; 6]> {
    let mut out = vec![[0u64; 6]];
    for (arg, values) in rules.constants() {
        for c in values {
            for v in [
                c,
                c.wrapping_add(1),
                c.wrapping_sub(1),
                c | HIGH,
                c.wrapping_add(1) | HIGH,
            ] {
                let mut args = [0u64; 6];
                args[usize::from(arg)] = v;
                out.push(args);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `seccomp_data` for a native x86_64 call.
pub fn data(nr: u32, args: [u64; 6]) -> SeccompData {
    SeccompData {
        nr,
        arch: AUDIT_ARCH_X86_64,
        instruction_pointer: 0,
        args,
    }
}

/// The same arguments with every high word cleared.
pub fn low_words(args: [u64; 6]) -> [u64; 6] {
    args.map(|a| a & 0xffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ArgCmp, Entry, Op, Width};
    use seccomp_compiler::action::Action;

    #[test]
    fn vectors_surround_each_constant_with_and_without_high_words() {
        let rules = Rules {
            default: Action::KillProcess,
            entries: vec![Entry {
                name: "write".into(),
                action: Action::Allow,
                conds: vec![ArgCmp {
                    arg: 0,
                    width: Width::Low32,
                    op: Op::Eq,
                    value: 1,
                }],
            }],
        };
        let firsts: Vec<u64> = vectors(&rules).iter().map(|v| v[0]).collect();
        assert_eq!(firsts, [0, 1, 2, HIGH | 1, HIGH | 2]);
        assert_eq!(
            low_words([HIGH | 7, 0, 0, 0, 0, u64::MAX]),
            [7, 0, 0, 0, 0, 0xffff_ffff]
        );
    }
}
