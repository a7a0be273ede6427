//! firejail's main filter: a syscall list turned into the list of checks
//! fseccomp writes, first match wins (firejail 0.9.72
//! src/fseccomp/seccomp.c `seccomp_drop`, `seccomp_default_drop`,
//! `seccomp_keep`; src/lib/syscall.c `syscall_check_list`,
//! `syscall_process_name`, `syscalls_in_list`; src/fseccomp/seccomp_file.c).
//!
//! How fseccomp reads a list (comma-separated, empty items skipped):
//! - `@group` expands the group; `@group:ERRNO` is an error (no such group);
//! - `name:ERRNO` (an errno name, any case) or `name:kill` gives the item
//!   its own action; any other suffix (`:log`, a number) makes fseccomp
//!   skip the item altogether, so the syscall is not refused;
//! - `!name` exempts the syscall (`seccomp`, `seccomp.drop`) or refuses it
//!   (`seccomp.keep`); `!@group` and `!name:ERRNO` are skipped;
//! - `$NUMBER` names a syscall by number (refused by the import);
//! - a name firejail 0.9.72's table lacks is skipped (`known_to_firejail`);
//!   `!name:ERRNO` and `!name:kill` do nothing (fseccomp writes a check
//!   of the negative number).
//!
//! The checks, in order:
//! - `seccomp`/`seccomp.drop`: the items' own actions and `!name`
//!   exemptions, then (`seccomp` only) the default list
//!   (`@default-nodebuggers`, or `@default` with `allow-debuggers`), then
//!   the listed syscalls; the rest is allowed. Listed members of
//!   `@default-keep` (execve, execveat, prctl, which firejail needs to
//!   start the program) go to a second filter installed after the exec.
//! - `seccomp.keep`: the `!name` refusals and items' own actions, then
//!   `@default-keep`, then the listed syscalls are allowed; the rest is
//!   refused.
//! - The default action (`seccomp-error-action`, EPERM unless set) is
//!   SECCOMP_RET_KILL, i.e. `kill_thread`, for `kill`.

use super::groups;
use super::profile::{At, Set};
use crate::ImportError;
use crate::text::{Item, PolicyText};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{errno, syscalls};

/// What a check matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Syscall(String),
    /// A firejail group (its name, with `@`), except some members.
    Group(String, Vec<String>),
}

impl Target {
    pub fn contains(&self, name: &str) -> bool {
        match self {
            Target::Syscall(s) => s == name,
            Target::Group(g, except) => {
                groups::contains(g, name) && !except.iter().any(|e| e == name)
            }
        }
    }

    fn items(&self, arches: &[Arch]) -> Vec<Item> {
        match self {
            Target::Syscall(s) => vec![Item::new(s.clone())],
            Target::Group(g, except) => groups::items(g, except, arches),
        }
    }
}

/// One check: `target` gets `action`; `at` is the source of it.
#[derive(Clone, Debug)]
pub(crate) struct Check {
    pub target: Target,
    pub action: Action,
    pub at: At,
}

/// A filter as a list of checks, first match wins.
#[derive(Clone, Debug, Default)]
pub(crate) struct Filter {
    pub checks: Vec<Check>,
    /// What no check matches gets.
    pub otherwise: Option<Action>,
}

impl Filter {
    pub fn action(&self, name: &str) -> Action {
        self.checks
            .iter()
            .find(|c| c.target.contains(name))
            .map_or(self.otherwise.unwrap_or(Action::Allow), |c| c.action)
    }

    /// Statements in our language for `arches`, later ones winning: the
    /// checks in reverse order, neighbours with one action in one
    /// statement (but not where an item exempts with `!`, which applies to
    /// the whole statement).
    pub fn write(&self, out: &mut PolicyText, deny: Action, arches: &[Arch]) {
        let mut runs: Vec<Run> = Vec::new();
        for (i, c) in self.checks.iter().enumerate().rev() {
            // A syscall an earlier check decides is never reached here.
            if let Target::Syscall(s) = &c.target
                && self.checks[..i].iter().any(|e| e.target.contains(s))
            {
                continue;
            }
            let items = c.target.items(arches);
            if items.is_empty() {
                continue;
            }
            let exempts = items.iter().any(|i| i.text.starts_with('!'));
            match runs.last_mut() {
                Some(r) if r.action == c.action && !r.exempts && !exempts => {
                    r.checks.push((c, items))
                }
                _ => runs.push(Run {
                    action: c.action,
                    exempts,
                    checks: vec![(c, items)],
                }),
            }
        }
        for Run { action, checks, .. } in runs {
            let mut lines: Vec<String> = Vec::new();
            for (c, _) in &checks {
                let l = format!("{}:{}", c.at.file, c.at.line);
                if !lines.contains(&l) {
                    lines.push(l);
                }
            }
            out.comment(&format!("from {}", lines.join(", ")));
            let items: Vec<Item> = checks.into_iter().flat_map(|(_, i)| i).collect();
            match action {
                Action::Allow => out.statement("keep", &items, ""),
                a if a == deny => out.statement("drop", &items, ""),
                a => out.statement("drop", &items, &format!(" => {a}")),
            }
        }
    }
}

/// Neighbouring checks written as one statement.
struct Run<'a> {
    action: Action,
    /// Whether an item exempts (`!name`), which keeps others out.
    exempts: bool,
    checks: Vec<(&'a Check, Vec<Item>)>,
}

/// An item of a list as fseccomp reads it.
#[derive(Clone, Debug)]
enum ListItem {
    /// A syscall (our name), whether `!` precedes it, and its own action.
    Syscall {
        name: String,
        negated: bool,
        own: Option<Action>,
        at: At,
    },
    /// A firejail group, with its `@`.
    Group { name: String, at: At },
}

/// A list read: its items and what fseccomp skips, with why.
pub(crate) struct List {
    items: Vec<ListItem>,
    pub skipped: Vec<String>,
    /// Skipped names of syscalls newer than firejail 0.9.72's x86_64
    /// table (`known_to_firejail`).
    pub newer: Vec<String>,
}

/// Reads a `seccomp*` list (`set.value`, at `set.at`) for `arches`.
pub(crate) fn read_list(set: &Set<String>, arches: &[Arch]) -> Result<List, ImportError> {
    let mut out = List {
        items: Vec::new(),
        skipped: Vec::new(),
        newer: Vec::new(),
    };
    let mut offset = 0;
    for raw in set.value.split(',') {
        let at = set.at.plus(offset);
        offset += raw.len() + 1;
        if raw.is_empty() {
            continue;
        }
        if let Some(group) = raw.strip_prefix('@') {
            out.items.push(ListItem::Group {
                name: group_name(group, &at)?,
                at,
            });
            continue;
        }
        let (negated, rest) = match raw.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, raw),
        };
        let (name, suffix) = match rest.split_once(':') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        if name.is_empty() {
            return Err(at.error(format!(
                "`{raw}`: no syscall name (fseccomp refuses the list)"
            )));
        }
        if name.starts_with('$') {
            return Err(at
                .error(format!(
                    "`{raw}`: a syscall by number is not supported by the import"
                ))
                .with_help("write the syscall's name"));
        }
        if name.starts_with('@') {
            out.skipped.push(format!(
                "{at}: `{raw}`: fseccomp skips `!@group` (it looks for a syscall named `{name}`), so nothing is exempted"
            ));
            continue;
        }
        let own = match suffix {
            None => None,
            Some("kill") => Some(Action::KillThread),
            Some(e) => match firejail_errno(e) {
                Some(n) => Some(Action::Errno(n)),
                None => {
                    out.skipped.push(format!(
                        "{at}: `{raw}`: fseccomp skips an item whose action is neither an errno name nor `kill`, so `{name}` is not refused by it"
                    ));
                    continue;
                }
            },
        };
        known_syscall(name, &at, arches)?;
        if !known_to_firejail(name) {
            out.skipped.push(format!(
                "{at}: `{raw}`: firejail 0.9.72 does not know `{name}` (its x86_64 table ends at process_madvise, 440), so fseccomp skips the item"
            ));
            out.newer.push(name.to_owned());
            continue;
        }
        if negated && own.is_some() {
            // syscall_check_list hands `-nr` with the errno to
            // filter_add_errno / filter_add_blacklist_override, which write
            // a check no syscall number matches (or none at all); the
            // post-exec pass looks the negative number up as "unknown".
            out.skipped.push(format!(
                "{at}: `{raw}`: fseccomp writes `!name:ACTION` as a check of the negative syscall number, which no call matches, so the item does nothing"
            ));
            continue;
        }
        out.items.push(ListItem::Syscall {
            name: name.to_owned(),
            negated,
            own,
            at,
        });
    }
    if out.items.is_empty() && out.skipped.is_empty() {
        return Err(set.at.error("an empty syscall list (fseccomp refuses it)"));
    }
    Ok(out)
}

/// An errno name as firejail 0.9.72 reads it (src/lib/errno.c
/// `errno_find_name`: `strcasecmp` over `errnolist`, glibc's names, which
/// are the kernel's plus ENOTSUP, glibc's alias of EOPNOTSUPP; ENOATTR is
/// there only `#ifdef ENOATTR`, which glibc's <errno.h> does not define).
pub(crate) fn firejail_errno(name: &str) -> Option<u16> {
    let upper = name.to_ascii_uppercase();
    if upper == "ENOTSUP" {
        return Some(EOPNOTSUPP);
    }
    errno::number(Arch::X86_64, &upper)
}

const EOPNOTSUPP: u16 = 95;

/// Whether firejail 0.9.72 knows the syscall `name`: its x86_64 table
/// (src/include/syscall_x86_64.h, read by src/lib/syscall.c
/// `syscall_find_name`) is Linux 5.10's, numbers 0 to 440
/// (process_madvise), which has neither uretprobe (335, Linux 6.11) nor
/// uprobe (336, Linux 6.13). fseccomp skips an item it does not find
/// (`syscall_check_list`: SYSCALL_ERROR). A name x86_64 does not have at
/// all (`_llseek`, `mmap2`) is the other architectures' business: the
/// compiler leaves it out of the x86_64 filter, as firejail does.
pub(crate) fn known_to_firejail(name: &str) -> bool {
    match syscalls::table(Arch::X86_64).number(name) {
        Some(nr) => nr <= LAST_FIREJAIL_SYSCALL && !matches!(nr, 335 | 336),
        None => true,
    }
}

/// process_madvise, the last entry of firejail 0.9.72's x86_64 table.
const LAST_FIREJAIL_SYSCALL: u32 = 440;

/// The syscalls firejail 0.9.72's own arm table (src/include/
/// syscall_armeabi.h) has beyond its x86_64 one: a profile naming one
/// means something else to firejail on arm.
pub(crate) const ARM_ONLY_KNOWN: [&str; 8] = [
    "epoll_pwait2",
    "mount_setattr",
    "quotactl_fd",
    "landlock_create_ruleset",
    "landlock_add_rule",
    "landlock_restrict_self",
    "process_mrelease",
    "futex_waitv",
];

fn known_syscall(name: &str, at: &At, arches: &[Arch]) -> Result<(), ImportError> {
    if arches
        .iter()
        .any(|&a| syscalls::table(a).number(name).is_some())
    {
        return Ok(());
    }
    let mut err = at.error(format!(
        "`{name}` is not a syscall of the architectures compiled"
    ));
    if let Some(h) = seccomp_compiler::diag::nearest(name, syscalls::all_names().iter().copied()) {
        err = err.with_help(format!("did you mean `{h}`?"));
    }
    Err(err)
}

/// A firejail 0.9.72 group's name (given without the `@`), checked.
fn group_name(g: &str, at: &At) -> Result<String, ImportError> {
    let name = format!("@{g}");
    if groups::members(&name).is_none() {
        return Err(at
            .error(format!("unknown firejail group `@{g}` (fseccomp refuses the list)"))
            .with_help("firejail 0.9.72's groups are listed by `firejail --debug-syscalls`' man page, firejail-profile(5)"));
    }
    Ok(name)
}

/// The default list of `seccomp` (fseccomp `add_default_list`).
pub(crate) fn default_group(allow_debuggers: bool) -> &'static str {
    if allow_debuggers {
        "@default"
    } else {
        "@default-nodebuggers"
    }
}

const DEFAULT_KEEP: &str = "@default-keep";

/// `seccomp` (with `default` = the default list) or `seccomp.drop`: the
/// main filter and the syscalls of the post-exec filter.
pub(crate) fn drop_filter(
    list: Option<&List>,
    default: Option<(&str, &At)>,
    deny: Action,
) -> (Filter, Vec<Check>) {
    let mut f = Filter::default();
    let items: &[ListItem] = list.map_or(&[], |l| &l.items);
    // The first pass: own actions and exemptions.
    for item in items {
        if let ListItem::Syscall {
            name,
            negated,
            own,
            at,
        } = item
        {
            let action = match (negated, own) {
                (true, None) => Action::Allow,
                (false, Some(a)) => *a,
                _ => continue,
            };
            f.checks.push(Check {
                target: Target::Syscall(name.clone()),
                action,
                at: at.clone(),
            });
        }
    }
    if let Some((group, at)) = default {
        f.checks.push(Check {
            target: Target::Group(group.to_owned(), Vec::new()),
            action: deny,
            at: at.clone(),
        });
    }
    // The listed syscalls, without @default-keep's, which go post-exec.
    let mut post = Vec::new();
    for item in items {
        match item {
            ListItem::Syscall {
                name,
                negated: false,
                own,
                at,
            } => {
                let check = Check {
                    target: Target::Syscall(name.clone()),
                    action: match own {
                        Some(Action::Errno(e)) => Action::Errno(*e),
                        _ => deny,
                    },
                    at: at.clone(),
                };
                if groups::contains(DEFAULT_KEEP, name) {
                    post.push(Check {
                        action: deny,
                        ..check
                    });
                } else {
                    f.checks.push(check);
                }
            }
            ListItem::Group { name, at } => {
                let members = groups::members(name).unwrap_or_default();
                let kept: Vec<String> = members
                    .iter()
                    .filter(|m| groups::contains(DEFAULT_KEEP, m))
                    .cloned()
                    .collect();
                for k in &kept {
                    post.push(Check {
                        target: Target::Syscall(k.clone()),
                        action: deny,
                        at: at.clone(),
                    });
                }
                f.checks.push(Check {
                    target: Target::Group(name.clone(), kept),
                    action: deny,
                    at: at.clone(),
                });
            }
            ListItem::Syscall { negated: true, .. } => {}
        }
    }
    f.otherwise = Some(Action::Allow);
    (f, post)
}

/// `seccomp.keep`: the main filter.
pub(crate) fn keep_filter(list: &List, keep_at: &At, deny: Action) -> Filter {
    let mut f = Filter::default();
    for item in &list.items {
        if let ListItem::Syscall {
            name,
            negated,
            own,
            at,
        } = item
        {
            let action = match (negated, own) {
                (true, None) => deny,
                (false, Some(a)) => *a,
                _ => continue,
            };
            f.checks.push(Check {
                target: Target::Syscall(name.clone()),
                action,
                at: at.clone(),
            });
        }
    }
    f.checks.push(Check {
        target: Target::Group(DEFAULT_KEEP.to_owned(), Vec::new()),
        action: Action::Allow,
        at: keep_at.clone(),
    });
    for item in &list.items {
        let (target, at) = match item {
            ListItem::Syscall {
                name,
                negated: false,
                own: None,
                at,
            } => (Target::Syscall(name.clone()), at),
            ListItem::Group { name, at } => (Target::Group(name.clone(), Vec::new()), at),
            ListItem::Syscall { .. } => continue,
        };
        f.checks.push(Check {
            target,
            action: Action::Allow,
            at: at.clone(),
        });
    }
    f.otherwise = Some(deny);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(text: &str) -> List {
        let set = Set {
            at: At {
                file: "p".into(),
                line: 1,
                col: 14,
            },
            value: text.to_owned(),
        };
        read_list(&set, &Arch::ALL).unwrap()
    }

    fn at() -> At {
        At {
            file: "p".into(),
            line: 1,
            col: 1,
        }
    }

    #[test]
    fn items_as_fseccomp_reads_them() {
        let l = list("mount:kill,umount2:log,chroot:eacces,!ptrace,execve,!@clock,,");
        assert_eq!(l.items.len(), 4);
        assert_eq!(l.skipped.len(), 2, "{:?}", l.skipped);
        assert!(
            l.skipped[0].starts_with("p:1:25: `umount2:log`"),
            "{:?}",
            l.skipped
        );
        let (f, post) = drop_filter(Some(&l), None, Action::Errno(1));
        assert_eq!(f.action("mount"), Action::KillThread);
        assert_eq!(f.action("umount2"), Action::Allow);
        assert_eq!(f.action("chroot"), Action::Errno(13));
        assert_eq!(f.action("ptrace"), Action::Allow);
        assert_eq!(f.action("execve"), Action::Allow, "post-exec");
        assert_eq!(post.len(), 1);
    }

    #[test]
    fn keep_refuses_what_it_does_not_list() {
        let l = list("read,!execve,chmod:EACCES");
        let f = keep_filter(&l, &at(), Action::KillThread);
        assert_eq!(f.action("read"), Action::Allow);
        assert_eq!(
            f.action("execve"),
            Action::KillThread,
            "`!` before @default-keep"
        );
        assert_eq!(f.action("prctl"), Action::Allow);
        assert_eq!(f.action("chmod"), Action::Errno(13));
        assert_eq!(f.action("mkdir"), Action::KillThread);
    }

    const FSECCOMP: &str = "/usr/lib/x86_64-linux-gnu/firejail/fseccomp";

    /// `fseccomp debug-X` lines, `NUMBER\t- NAME`; `None` without firejail
    /// (package `firejail`).
    fn fseccomp_table(what: &str) -> Option<Vec<(u32, String)>> {
        let out = std::process::Command::new(FSECCOMP)
            .arg(what)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).expect("ASCII");
        Some(
            text.lines()
                .filter_map(|l| l.split_once("\t- "))
                .map(|(n, name)| (n.parse().expect("a number"), name.to_owned()))
                .collect(),
        )
    }

    /// known_to_firejail against firejail 0.9.72's own table, as the
    /// installed fseccomp prints it.
    #[test]
    fn the_syscalls_firejail_knows_are_fseccomps() {
        let Some(theirs) = fseccomp_table("debug-syscalls") else {
            println!("NOTICE: firejail is not installed here; not compared");
            return;
        };
        assert_eq!(theirs.len(), 352);
        let table = syscalls::table(Arch::X86_64);
        for (nr, name) in &theirs {
            assert_eq!(table.number(name), Some(*nr), "{name}");
            assert!(known_to_firejail(name), "{name}");
        }
        for nr in 0..=table.max_number() {
            if let Some(name) = table.name(nr) {
                let listed = theirs.iter().any(|(_, n)| n == name);
                assert_eq!(known_to_firejail(name), listed, "{name} ({nr})");
            }
        }
    }

    /// firejail_errno against fseccomp's errno list.
    #[test]
    fn the_errnos_firejail_knows_are_fseccomps() {
        let Some(theirs) = fseccomp_table("debug-errnos") else {
            println!("NOTICE: firejail is not installed here; not compared");
            return;
        };
        for (nr, name) in &theirs {
            assert_eq!(firejail_errno(name), Some(*nr as u16), "{name}");
            assert_eq!(
                firejail_errno(&name.to_lowercase()),
                Some(*nr as u16),
                "strcasecmp"
            );
        }
        for name in ["EFOO", "kill", "", "1"] {
            assert_eq!(firejail_errno(name), None, "{name}");
        }
        assert!(theirs.iter().any(|(_, n)| n == "ENOTSUP"));
    }

    /// Audit of issue 8: items fseccomp reads otherwise than the import
    /// did: ENOTSUP (an errno firejail knows), syscalls newer than its
    /// table (skipped), `!name:ACTION` (no effect).
    #[test]
    fn audited_items() {
        let l = list("mount:ENOTSUP,landlock_add_rule,!chroot:EPERM,!umount2:kill,futex_waitv");
        assert_eq!(l.items.len(), 1);
        assert_eq!(l.newer, ["landlock_add_rule", "futex_waitv"]);
        assert_eq!(l.skipped.len(), 4, "{:?}", l.skipped);
        assert!(l.skipped[0].contains("firejail 0.9.72 does not know `landlock_add_rule`"));
        assert!(
            l.skipped[1].starts_with("p:1:46: `!chroot:EPERM`"),
            "{:?}",
            l.skipped
        );
        let (f, _) = drop_filter(Some(&l), None, Action::Errno(1));
        assert_eq!(f.action("mount"), Action::Errno(95));
        assert_eq!(f.action("chroot"), Action::Allow);
        assert_eq!(f.action("landlock_add_rule"), Action::Allow);
        let k = keep_filter(&list("read,cachestat"), &at(), Action::Errno(1));
        assert_eq!(k.action("cachestat"), Action::Errno(1));
        // Names x86_64 lacks are the other architectures' business.
        assert!(list("_llseek,mmap2").skipped.is_empty());
    }

    #[test]
    fn mistakes() {
        let set = |v: &str| Set {
            at: at(),
            value: v.to_owned(),
        };
        let e = read_list(&set("read,wirte"), &Arch::ALL).err().unwrap();
        assert_eq!(e.location, "p:1:6");
        assert_eq!(e.help, ["did you mean `write`?"]);
        assert!(read_list(&set("@nosuch"), &Arch::ALL).is_err());
        assert!(read_list(&set("@clock:EPERM"), &Arch::ALL).is_err());
        assert!(read_list(&set("$165"), &Arch::ALL).is_err());
        assert!(read_list(&set(",,"), &Arch::ALL).is_err());
    }
}
