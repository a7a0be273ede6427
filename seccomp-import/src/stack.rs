//! Several filters installed one on top of the other, written as one
//! policy.
//!
//! firejail and systemd install a filter per option (firejail's
//! `memory-deny-write-execute`, `restrict-namespaces` and `protocol`
//! beside its main list; systemd's `ProtectClock=`, `RestrictNamespaces=`,
//! ... beside `SystemCallFilter=`). The kernel runs every filter and keeps
//! the result of highest precedence (kernel/seccomp.c,
//! `seccomp_run_filters`: it walks from the newest filter to the oldest and
//! takes a value only when its action is strictly lower as a signed 32-bit
//! number, so `kill_process` beats `kill_thread` beats `trap` beats `errno`
//! ... beats `allow`, and of two equal actions the newest filter's data,
//! e.g. its errno, wins).
//!
//! Our language says one action per syscall, later statements replacing
//! earlier ones and a conditional `drop` layering on what came before. So
//! the importers write the main filter's statements first, then one
//! statement per syscall whose result the other filters change.

use super::text::{Item, PolicyText};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{groups, syscalls};
use std::collections::BTreeMap;

/// The action the kernel applies when a filter installed after another
/// returns `newer` and the earlier one `older`.
pub(crate) fn stacked(newer: Action, older: Action) -> Action {
    // The action bits compared as the kernel compares them: signed, so
    // SECCOMP_RET_KILL_PROCESS (0x80000000) is the smallest. The cast
    // reinterprets the bits on purpose.
    let rank = |a: Action| a.kind_ret() as i32;
    if rank(older) < rank(newer) {
        older
    } else {
        newer
    }
}

/// What a filter besides the main one does with one syscall or group.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    /// A syscall name or a group (`@clock`).
    pub target: String,
    /// A condition in our language on the syscall's parameters; `None`:
    /// always.
    pub cond: Option<String>,
    pub action: Action,
}

impl Rule {
    pub fn always(target: impl Into<String>, action: Action) -> Rule {
        Rule {
            target: target.into(),
            cond: None,
            action,
        }
    }

    pub fn when(target: impl Into<String>, cond: impl Into<String>, action: Action) -> Rule {
        Rule {
            target: target.into(),
            cond: Some(cond.into()),
            action,
        }
    }
}

/// A filter installed besides the main one; everything it does not name
/// it allows.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    /// What installs it, for the comment (`memory-deny-write-execute`,
    /// `ProtectClock=yes`), and where.
    pub title: String,
    pub rules: Vec<Rule>,
}

/// Why layers cannot be written as one policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Conflict {
    pub syscall: String,
    pub layers: Vec<String>,
}

/// The layers' statements for `arches`: `older` were installed before the
/// main filter, `newer` after it, each list oldest first. `main` says what
/// the main filter does with a syscall (always unconditionally).
pub(crate) fn write(
    out: &mut PolicyText,
    arches: &[Arch],
    main: &dyn Fn(&str) -> Action,
    older: &[Layer],
    newer: &[Layer],
) -> Result<(), Conflict> {
    // Syscall -> its rules in installation order (the main filter between
    // `older` and `newer`), with the layer each comes from.
    let mut per_syscall: BTreeMap<String, Vec<(usize, &Rule)>> = BTreeMap::new();
    let layers: Vec<&Layer> = older.iter().chain(newer).collect();
    for (i, layer) in layers.iter().enumerate() {
        for rule in &layer.rules {
            // A name no architecture compiled knows cannot be written.
            let known = |n: &String| {
                arches
                    .iter()
                    .any(|&a| syscalls::table(a).number(n).is_some())
            };
            for name in members(&rule.target).into_iter().filter(known) {
                per_syscall.entry(name).or_default().push((i, rule));
            }
        }
    }
    // Results per layer, so that statements come out grouped by layer.
    let mut by_layer: Vec<Vec<(String, Option<String>, Action)>> = vec![Vec::new(); layers.len()];
    for (name, rules) in &per_syscall {
        let conditional: Vec<&(usize, &Rule)> =
            rules.iter().filter(|(_, r)| r.cond.is_some()).collect();
        if conditional.len() > 1 {
            return Err(Conflict {
                syscall: name.clone(),
                layers: conditional
                    .iter()
                    .map(|(i, _)| layers[*i].title.clone())
                    .collect(),
            });
        }
        let fold = |with_cond: bool| {
            let mut acc: Option<Action> = None;
            let mut put = |a: Action| {
                acc = Some(acc.map_or(a, |old| stacked(a, old)));
            };
            for &(_, rule) in rules.iter().filter(|(i, _)| *i < older.len()) {
                if rule.cond.is_none() || with_cond {
                    put(rule.action);
                }
            }
            put(main(name));
            for &(_, rule) in rules.iter().filter(|(i, _)| *i >= older.len()) {
                if rule.cond.is_none() || with_cond {
                    put(rule.action);
                }
            }
            // At least `main` was put.
            acc.unwrap_or(Action::Allow)
        };
        let base = main(name);
        let otherwise = fold(false);
        let last_unconditional = rules
            .iter()
            .filter(|(_, r)| r.cond.is_none())
            .map(|(i, _)| *i)
            .next_back();
        if otherwise != base {
            // Only an unconditional rule changes the result without a
            // condition.
            let i = last_unconditional.unwrap_or(0);
            by_layer[i].push((name.clone(), None, otherwise));
        }
        if let Some(&&(i, rule)) = conditional.first() {
            let when = fold(true);
            if when != otherwise {
                by_layer[i].push((name.clone(), rule.cond.clone(), when));
            }
        }
    }
    for (layer, results) in layers.iter().zip(by_layer) {
        out.blank();
        out.comment(&layer.title);
        if results.is_empty() {
            out.comment("(changes nothing the statements above do not already do)");
            continue;
        }
        write_results(out, arches, layer, results);
    }
    Ok(())
}

/// One statement per action, naming a group where every member of one of
/// the layer's groups ends up the same.
fn write_results(
    out: &mut PolicyText,
    arches: &[Arch],
    layer: &Layer,
    results: Vec<(String, Option<String>, Action)>,
) {
    let mut uncond: BTreeMap<Action, Vec<String>> = BTreeMap::new();
    let mut cond: Vec<(String, String, Action)> = Vec::new();
    for (name, c, a) in results {
        match c {
            Some(c) => cond.push((name, c, a)),
            None => uncond.entry(a).or_default().push(name),
        }
    }
    for (action, mut names) in uncond {
        let mut items = Vec::new();
        for rule in layer.rules.iter().filter(|r| r.target.starts_with('@')) {
            let members: Vec<String> = members(&rule.target)
                .into_iter()
                .filter(|n| {
                    arches
                        .iter()
                        .any(|&a| syscalls::table(a).number(n).is_some())
                })
                .collect();
            if !members.is_empty() && members.iter().all(|m| names.contains(m)) {
                names.retain(|n| !members.contains(n));
                items.push(Item::new(rule.target.clone()));
            }
        }
        items.extend(names.into_iter().map(Item::new));
        out.statement("drop", &items, &format!(" => {action}"));
    }
    for (name, c, action) in cond {
        out.statement(
            "drop",
            &[Item::new(format!("{name}({c})"))],
            &format!(" => {action}"),
        );
    }
}

/// The syscalls a target names: itself, or a group's members.
fn members(target: &str) -> Vec<String> {
    if target.starts_with('@') {
        groups::expanded(target)
            .map(|m| m.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default()
    } else {
        vec![target.to_owned()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::verdict;

    #[test]
    fn precedence_is_the_kernels() {
        let e = Action::Errno;
        assert_eq!(stacked(Action::Allow, e(1)), e(1));
        assert_eq!(stacked(e(1), Action::KillThread), Action::KillThread);
        assert_eq!(
            stacked(Action::KillThread, Action::KillProcess),
            Action::KillProcess
        );
        assert_eq!(stacked(Action::Log, Action::Allow), Action::Log);
        assert_eq!(stacked(Action::Trap, e(1)), Action::Trap);
        // Equal actions: the newer filter's data.
        assert_eq!(stacked(e(13), e(1)), e(13));
        assert_eq!(
            stacked(Action::UserNotif, Action::Trace(1)),
            Action::UserNotif
        );
    }

    #[test]
    fn layers_change_only_what_they_make_stricter() {
        let main = |name: &str| match name {
            "mmap" => Action::KillThread,
            "clone3" => Action::Errno(1),
            _ => Action::Allow,
        };
        let older = [Layer {
            title: "older".into(),
            rules: vec![
                Rule::when("mmap", "prot & 6 == 6", Action::Errno(1)),
                Rule::when("mprotect", "prot & 4 == 4", Action::Errno(1)),
                Rule::always("clone3", Action::Errno(38)),
            ],
        }];
        let newer = [Layer {
            title: "newer".into(),
            rules: vec![Rule::always("@swap", Action::Errno(13))],
        }];
        let mut out = PolicyText::new();
        write(&mut out, &Arch::ALL, &main, &older, &newer).unwrap();
        let text = out.finish();
        // mmap is killed anyway; clone3 keeps the newer (main) errno.
        assert!(!text.contains("mmap"), "{text}");
        assert!(!text.contains("clone3"), "{text}");
        assert!(
            text.contains("drop mprotect(prot & 4 == 4) => errno(EPERM);"),
            "{text}"
        );
        assert!(text.contains("drop @swap => errno(EACCES);"), "{text}");
        let policy =
            format!("default allow;\nacknowledge ptrace;\ndrop mmap => kill_thread;\n{text}");
        let x = Arch::X86_64;
        assert_eq!(
            verdict(&policy, x, "mprotect", &[0, 0, 7]),
            Action::Errno(1)
        );
        assert_eq!(verdict(&policy, x, "mprotect", &[0, 0, 3]), Action::Allow);
        assert_eq!(verdict(&policy, x, "swapon", &[]), Action::Errno(13));
    }

    #[test]
    fn two_conditions_on_one_syscall_are_refused() {
        let l = |t: &str| Layer {
            title: t.into(),
            rules: vec![Rule::when("socket", "family == 1", Action::Errno(1))],
        };
        let mut out = PolicyText::new();
        let e = write(
            &mut out,
            &Arch::ALL,
            &|_| Action::Allow,
            &[l("a")],
            &[l("b")],
        )
        .unwrap_err();
        assert_eq!(e.syscall, "socket");
        assert_eq!(e.layers, ["a", "b"]);
    }
}
