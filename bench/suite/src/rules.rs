//! A policy as the run-time builders take it: a default action and a list
//! of rules, each a syscall name, an action and comparisons that must all
//! hold (libseccomp's `seccomp_rule_add`, seccompiler's `SeccompRule`,
//! firejail's list items). x86_64 only: every figure is for this machine.
//! A comparison is the differential tests' [`ArgCmp`] (`Width::Full` is
//! seccompiler's `Qword` and libseccomp's only width, `Width::Low32`
//! seccompiler's `Dword`).

pub use ::tests::libseccomp::rules::{ArgCmp, Op, Width};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeMap;

/// One rule: `action` for `name` when every comparison holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub action: Action,
    pub conds: Vec<ArgCmp>,
}

/// A policy as rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub default: Action,
    pub entries: Vec<Entry>,
}

impl Rules {
    /// An allow-list of unconditional names.
    pub fn allow_list(names: &[&str], default: Action) -> Rules {
        Rules {
            default,
            entries: names
                .iter()
                .map(|n| Entry {
                    name: (*n).to_owned(),
                    action: Action::Allow,
                    conds: Vec::new(),
                })
                .collect(),
        }
    }

    /// Whether every rule allows its syscall without conditions (what a
    /// firejail `seccomp.keep` list can say).
    pub fn is_plain_allow_list(&self) -> bool {
        self.entries
            .iter()
            .all(|e| e.action == Action::Allow && e.conds.is_empty())
    }

    /// The constants each argument is compared with (values and masks),
    /// for building inputs around them.
    pub fn constants(&self) -> BTreeMap<u8, Vec<u64>> {
        let mut out: BTreeMap<u8, Vec<u64>> = BTreeMap::new();
        for c in self.entries.iter().flat_map(|e| &e.conds) {
            let values = out.entry(c.arg).or_default();
            values.push(c.value);
            if let Op::MaskedEq(m) = c.op {
                values.push(m);
            }
        }
        for values in out.values_mut() {
            values.sort_unstable();
            values.dedup();
        }
        out
    }

    /// The rules grouped by x86_64 syscall number (names our table does
    /// not know are left out and returned apart).
    pub fn by_number(&self) -> (BTreeMap<u32, Vec<&Entry>>, Vec<&str>) {
        let table = syscalls::table(Arch::X86_64);
        let mut by_nr: BTreeMap<u32, Vec<&Entry>> = BTreeMap::new();
        let mut unknown = Vec::new();
        for e in &self.entries {
            match table.number(&e.name) {
                Some(nr) => by_nr.entry(nr).or_default().push(e),
                None => unknown.push(e.name.as_str()),
            }
        }
        (by_nr, unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(arg: u8, op: Op, value: u64) -> ArgCmp {
        ArgCmp {
            arg,
            width: Width::Full,
            op,
            value,
        }
    }

    #[test]
    fn constants_collect_values_and_masks_per_argument() {
        let rules = Rules {
            default: Action::KillProcess,
            entries: vec![
                Entry {
                    name: "mmap".into(),
                    action: Action::Allow,
                    conds: vec![cmp(2, Op::MaskedEq(4), 0), cmp(3, Op::Eq, 34)],
                },
                Entry {
                    name: "write".into(),
                    action: Action::Allow,
                    conds: vec![cmp(0, Op::Eq, 2), cmp(0, Op::Eq, 1)],
                },
            ],
        };
        let c = rules.constants();
        assert_eq!(c[&0], [1, 2]);
        assert_eq!(c[&2], [0, 4]);
        assert_eq!(c[&3], [34]);
        assert!(!rules.is_plain_allow_list());
    }

    #[test]
    fn by_number_uses_the_x86_64_table() {
        let rules = Rules::allow_list(&["read", "write", "no_such_call"], Action::KillProcess);
        let (by_nr, unknown) = rules.by_number();
        // read is 0 and write 1 in arch/x86/entry/syscalls/syscall_64.tbl.
        assert_eq!(by_nr.keys().copied().collect::<Vec<_>>(), [0, 1]);
        assert_eq!(unknown, ["no_such_call"]);
        assert!(rules.is_plain_allow_list());
    }
}
