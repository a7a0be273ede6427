//! One policy text for several architectures. Our language has no
//! per-architecture statements: a syscall name missing on an architecture
//! is skipped there, and every other statement applies everywhere. So an
//! importer whose source says different things on different
//! architectures (kafel's `ON` guards and own tables, LXC's sections,
//! bionic's `lp32`/`lp64` lists) renders each syscall's statements per
//! architecture and keeps them only when they are the same on every
//! architecture that has the syscall.

use super::ImportError;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::syscalls;

/// The message for syscall `name`, whose statements on each architecture
/// that has it are `texts` (empty: no statement, the default), if they
/// differ.
pub fn differing(name: &str, texts: &[(Arch, String)]) -> Option<String> {
    let first = &texts.first()?.1;
    if texts.iter().all(|(_, t)| t == first) {
        return None;
    }
    let show = |t: &str| {
        if t.is_empty() {
            "the default".to_owned()
        } else {
            format!("`{}`", t.trim().replace('\n', " "))
        }
    };
    let list: Vec<String> = texts
        .iter()
        .map(|(a, t)| format!("{a}: {}", show(t)))
        .collect();
    Some(format!(
        "`{name}` gets different rules on different architectures ({}), which one policy cannot say",
        list.join("; ")
    ))
}

/// The help for [`differing`]'s errors.
pub const HELP: &str = "import one architecture at a time with --arch";

/// The architectures among `arches` whose table has `name`.
pub fn having(arches: impl IntoIterator<Item = Arch>, name: &str) -> Vec<Arch> {
    arches
        .into_iter()
        .filter(|&a| syscalls::table(a).number(name).is_some())
        .collect()
}

/// Without `--arch`: the items, in order, whose architecture means what
/// the first means (`unify` succeeds on all chosen so far); the others are
/// left out with a warning. Returns the chosen items and `unify`'s result
/// for them.
pub fn consistent<T, R>(
    items: Vec<(Arch, T)>,
    unify: impl Fn(&[(Arch, T)]) -> Result<R, ImportError>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<(Arch, T)>, R), ImportError> {
    let mut chosen: Vec<(Arch, T)> = Vec::new();
    let mut result = None;
    for (arch, item) in items {
        chosen.push((arch, item));
        match unify(&chosen) {
            Ok(r) => result = Some(r),
            Err(e) if chosen.len() > 1 => {
                chosen.pop();
                warnings.push(format!(
                    "not imported for {arch}, where the policy means something else than on {}: {e}",
                    chosen[0].0
                ));
            }
            Err(e) => return Err(e),
        }
    }
    match result {
        Some(r) => Ok((chosen, r)),
        None => unify(&chosen).map(|r| (chosen, r)),
    }
}
