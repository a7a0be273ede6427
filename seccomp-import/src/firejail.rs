//! firejail profile lines: `seccomp [LIST]`, `seccomp.drop LIST`,
//! `seccomp.keep LIST`, `seccomp.block-secondary`, `seccomp-error-action`,
//! `allow-debuggers`; other lines are skipped. Lines may carry their origin
//! as `path:line:text` (as the corpus collects them); errors then give that
//! line number.
//!
//! Semantics, from firejail's `src/fseccomp/seccomp.c` and firejail(1):
//! - `seccomp`: deny-list mode; refuses firejail's default list
//!   (`@default-nodebuggers`, or `@default` with `allow-debuggers`) plus the
//!   listed syscalls and groups; `!name` exempts a syscall;
//! - `seccomp.drop LIST`: refuses only the listed ones (`!name` exempts);
//! - `seccomp.keep LIST`: allow-list mode; allows `@default-keep` (execve,
//!   execveat, prctl: firejail needs them to start the program) and the
//!   list; `!name` refuses a syscall;
//! - several lines of one kind add to each other; with several kinds,
//!   `seccomp.keep` wins, then `seccomp.drop`, then `seccomp`;
//! - an item may end in `:ERRNO`, `:kill` or `:log`: its own action;
//! - `seccomp-error-action kill|log|ERRNO`: how refused syscalls are
//!   refused (default EPERM); `kill` kills the process;
//! - `seccomp.32*` lines configure the i386 filter of an x86_64 system,
//!   whose syscalls our filters always refuse: skipped with a warning;
//!   `seccomp.block-secondary` is what our filters always do.
//!
//! Group names: firejail's `@default` is `@firejail-default` here
//! (see README.md, Groups), its other groups `@firejail-<name>`;
//! `@default-nodebuggers` and `@default-keep` keep their names.

use super::text::{Item, PolicyText};
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{errno, groups, syscalls};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Default,
    Drop,
    Keep,
}

/// A list item as written and where.
struct Entry {
    line: usize,
    text: String,
}

#[derive(Default)]
struct Profile {
    seccomp: Vec<Entry>,
    /// Whether a `seccomp` line was seen (a bare one has no entries).
    seccomp_on: Option<usize>,
    drop: Vec<Entry>,
    drop_on: Option<usize>,
    keep: Vec<Entry>,
    keep_on: Option<usize>,
    error_action: Option<(Action, String, usize)>,
    allow_debuggers: Option<usize>,
    block_secondary: Option<usize>,
    skipped_32: Vec<usize>,
}

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let p = read(source_name, text)?;
    let mode = match (p.keep_on, p.drop_on, p.seccomp_on) {
        (Some(_), _, _) => Mode::Keep,
        (None, Some(_), _) => Mode::Drop,
        (None, None, Some(_)) => Mode::Default,
        (None, None, None) => {
            return Err(ImportError::new(
                source_name,
                "no `seccomp`, `seccomp.drop` or `seccomp.keep` line: the profile installs no seccomp filter",
            ));
        }
    };
    let mut draft = Draft::new();
    draft.header.push(format!(
        "Imported from {source_name} (firejail profile lines) by `seccompc import --from firejail`."
    ));
    let deny = p.error_action.as_ref().map_or(Action::Errno(1), |e| e.0);
    match &p.error_action {
        Some((_, src, line)) => draft.settings.setting(
            &format!("deny {deny};"),
            &format!("line {line}: seccomp-error-action {src}"),
        ),
        None => draft.settings.setting(
            "deny errno(EPERM);",
            "firejail's default seccomp-error-action",
        ),
    }
    if mode == Mode::Keep {
        draft.settings.setting(
            &format!("unknown {deny};"),
            "seccomp.keep refuses every syscall it does not list, new ones included",
        );
    } else {
        draft
            .settings
            .setting("default allow;", "a deny-list: what it does not name runs");
        draft.settings.setting(
            "unknown allow;",
            "firejail's deny-list lets syscalls newer than its tables through",
        );
    }
    if let Some(arches) = &opts.arches {
        let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
        draft.settings.line(&format!("arch {};", names.join(", ")));
    }
    notes(&mut draft, &p, mode);
    let arches = opts.arches.clone().unwrap_or_else(|| Arch::ALL.to_vec());
    let mut body = PolicyText::new();
    match mode {
        Mode::Keep => keep(source_name, &mut body, &p, deny, &arches)?,
        Mode::Drop => drop_list(
            source_name,
            &mut body,
            &p.drop,
            "seccomp.drop",
            None,
            deny,
            &arches,
        )?,
        Mode::Default => {
            let base = if p.allow_debuggers.is_some() {
                "@firejail-default"
            } else {
                "@default-nodebuggers"
            };
            drop_list(
                source_name,
                &mut body,
                &p.seccomp,
                "seccomp",
                Some(base),
                deny,
                &arches,
            )?
        }
    }
    draft.body = body;
    if p.allow_debuggers.is_some() {
        draft.ack_reasons.insert(
            "ptrace",
            "`allow-debuggers`: the profile lets programs trace each other (gdb, strace), accepting that a tracer can change syscalls after the filter".to_owned(),
        );
    } else if mode != Mode::Keep {
        draft.ack_reasons.insert(
            "ptrace",
            "An exemption from firejail's default list lets `ptrace` through; the profile accepts that a tracer can change syscalls after the filter".to_owned(),
        );
    }
    draft.finish(source_name)
}

fn notes(draft: &mut Draft, p: &Profile, mode: Mode) {
    let h = &mut draft.header;
    let ignored = |name: &str, on: Option<usize>| {
        on.map(|l| format!("`{name}` (line {l}) is ignored: firejail uses one mode, and `seccomp.keep` wins over `seccomp.drop`, which wins over `seccomp`."))
    };
    match mode {
        Mode::Keep => {
            h.extend(ignored("seccomp.drop", p.drop_on));
            h.extend(ignored("seccomp", p.seccomp_on));
        }
        Mode::Drop => h.extend(ignored("seccomp", p.seccomp_on)),
        Mode::Default => {}
    }
    if let Some(l) = p.block_secondary {
        h.push(format!(
            "Line {l}: seccomp.block-secondary: our filters always refuse other ABIs (i386 and x32 on x86_64)."
        ));
    }
    for l in &p.skipped_32 {
        let msg = format!(
            "line {l}: a `seccomp.32` line configures the i386 filter of an x86_64 system; our filters refuse i386 syscalls there, so it is skipped"
        );
        h.push(format!("Skipped: {msg}."));
        draft.warnings.push(msg);
    }
}

fn read(source_name: &str, text: &str) -> Result<Profile, ImportError> {
    let mut p = Profile::default();
    for (i, raw) in text.lines().enumerate() {
        let (line, content) = split_location(i + 1, raw);
        let content = content.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let (cmd, rest) = content
            .split_once(char::is_whitespace)
            .map_or((content, ""), |(c, r)| (c, r.trim()));
        let at = || format!("{source_name}:{line}");
        let entries = |rest: &str| -> Vec<Entry> {
            rest.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Entry {
                    line,
                    text: s.to_owned(),
                })
                .collect()
        };
        match cmd {
            "seccomp" => {
                p.seccomp_on.get_or_insert(line);
                p.seccomp.extend(entries(rest));
            }
            "seccomp.drop" => {
                p.drop_on.get_or_insert(line);
                p.drop.extend(entries(rest));
            }
            "seccomp.keep" => {
                p.keep_on.get_or_insert(line);
                p.keep.extend(entries(rest));
            }
            "seccomp.32" | "seccomp.32.drop" | "seccomp.32.keep" => p.skipped_32.push(line),
            "seccomp.block-secondary" => p.block_secondary = Some(line),
            "allow-debuggers" => p.allow_debuggers = Some(line),
            "seccomp-error-action" => {
                let action = error_action(rest).ok_or_else(|| {
                    ImportError::new(at(), format!("unknown seccomp-error-action `{rest}`"))
                        .with_help("expected `kill`, `log` or an errno name such as EPERM")
                })?;
                p.error_action = Some((action, rest.to_owned(), line));
            }
            _ => {}
        }
    }
    Ok(p)
}

/// `path:12:seccomp ...` (the corpus's collected lines) -> (12, "seccomp ...");
/// a plain profile line keeps its own number.
fn split_location(number: usize, raw: &str) -> (usize, &str) {
    let mut parts = raw.splitn(3, ':');
    if let (Some(path), Some(n), Some(rest)) = (parts.next(), parts.next(), parts.next())
        && !path.contains(char::is_whitespace)
        && path.contains('/')
        && let Ok(n) = n.parse()
    {
        return (n, rest);
    }
    (number, raw)
}

fn error_action(s: &str) -> Option<Action> {
    match s {
        "kill" => Some(Action::KillProcess),
        "log" => Some(Action::Log),
        name => errno::number(Arch::X86_64, name).map(Action::Errno),
    }
}

/// An item of our language for a firejail list entry, and its own action.
fn item(e: &Entry, source: &str, arches: &[Arch]) -> Result<(String, Option<Action>), ImportError> {
    let at = || format!("{source}:{}", e.line);
    let (name, action) = match e.text.split_once(':') {
        Some((n, a)) => {
            let act = error_action(a).ok_or_else(|| {
                ImportError::new(at(), format!("unknown action `{a}` after `{n}`"))
                    .with_help("expected `kill`, `log` or an errno name such as EPERM")
            })?;
            (n, Some(act))
        }
        None => (e.text.as_str(), None),
    };
    let (bang, bare) = match name.strip_prefix('!') {
        Some(b) => ("!", b),
        None => ("", name),
    };
    let ours = match bare.strip_prefix('@') {
        Some(g) => {
            let mapped = group_name(g);
            if groups::group(&mapped).is_none() {
                return Err(
                    ImportError::new(at(), format!("unknown firejail group `@{g}`")).with_help(
                        "`seccompc groups` lists them; firejail's are `@firejail-<name>` here",
                    ),
                );
            }
            mapped
        }
        None => {
            let known = arches
                .iter()
                .any(|&a| syscalls::table(a).number(bare).is_some());
            if !known {
                let hint =
                    seccomp_compiler::diag::nearest(bare, syscalls::all_names().iter().copied());
                let mut err = ImportError::new(
                    at(),
                    format!("`{bare}` is not a syscall of the architectures compiled"),
                );
                if let Some(h) = hint {
                    err = err.with_help(format!("did you mean `{h}`?"));
                }
                return Err(err);
            }
            bare.to_owned()
        }
    };
    Ok((format!("{bang}{ours}"), action))
}

/// Our name of a firejail group (without the `@`).
fn group_name(g: &str) -> String {
    match g {
        "default-nodebuggers" | "default-keep" => format!("@{g}"),
        other => format!("@firejail-{other}"),
    }
}

/// `seccomp` / `seccomp.drop`: the refused items, with per-item actions.
fn drop_list(
    source: &str,
    out: &mut PolicyText,
    entries: &[Entry],
    what: &str,
    base: Option<&str>,
    deny: Action,
    arches: &[Arch],
) -> Result<(), ImportError> {
    let mut plain: Vec<Item> = Vec::new();
    let mut own: Vec<(Item, Action)> = Vec::new();
    let mut exempt: Vec<Item> = Vec::new();
    if let Some(b) = base {
        plain.push(Item::new(b));
    }
    for e in entries {
        let (text, action) = item(e, source, arches)?;
        match action {
            _ if text.starts_with('!') => exempt.push(Item::new(text)),
            Some(a) if a != deny => own.push((Item::new(text), a)),
            _ => plain.push(Item::new(text)),
        }
    }
    let lines: Vec<String> = entries
        .iter()
        .map(|e| e.line.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut comment = match base {
        Some(b) => {
            format!("`{what}`: firejail's default list ({b}) and the listed syscalls are refused")
        }
        None => format!("`{what}`: the listed syscalls are refused"),
    };
    if !lines.is_empty() {
        comment.push_str(&format!(" (line(s) {})", lines.join(", ")));
    }
    if !exempt.is_empty() {
        comment.push_str("; `!name` exempts a syscall");
    }
    out.comment(&comment);
    let mut items = plain;
    items.extend(exempt.iter().cloned());
    out.statement("drop", &items, "");
    for (it, a) in own {
        let mut items = vec![it];
        items.extend(exempt.iter().cloned());
        out.statement("drop", &items, &format!(" => {a}"));
    }
    Ok(())
}

/// `seccomp.keep`: the allowed items; `!name` refuses.
fn keep(
    source: &str,
    out: &mut PolicyText,
    p: &Profile,
    deny: Action,
    arches: &[Arch],
) -> Result<(), ImportError> {
    let mut allowed = vec![Item::new("@default-keep")];
    let mut refused: Vec<(Item, Option<Action>)> = Vec::new();
    for e in &p.keep {
        let (text, action) = item(e, source, arches)?;
        match text.strip_prefix('!') {
            Some(t) => refused.push((Item::new(t), action)),
            None => allowed.push(Item::new(text)),
        }
    }
    out.comment("`seccomp.keep`: only @default-keep (execve, execveat, prctl: firejail starts the program with them) and the listed syscalls run");
    out.statement("base", &allowed, "");
    for (it, a) in refused {
        out.comment("`!name` in `seccomp.keep`: refused");
        let tail = a
            .filter(|&a| a != deny)
            .map(|a| format!(" => {a}"))
            .unwrap_or_default();
        out.statement("drop", &[it], &tail);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, verdict};
    use crate::{Format, import};

    fn imp(text: &str) -> Result<String, ImportError> {
        import(
            Format::Firejail,
            "p.profile",
            text,
            &ImportOptions::default(),
        )
        .map(|i| i.policy)
    }

    #[test]
    fn seccomp_with_exemptions() {
        let p = imp("include foo.inc\nseccomp !chroot,mount:kill\nseccomp socket\n").unwrap();
        assert!(p.ends_with(
            "\
// `seccomp`: firejail's default list (@default-nodebuggers) and the listed syscalls are refused (line(s) 2, 3); `!name` exempts a syscall
drop @default-nodebuggers, socket, !chroot;
drop mount, !chroot => kill_process;
"
        ), "{p}");
        assert!(p.contains(
            "\ndeny errno(EPERM); // firejail's default seccomp-error-action\ndefault allow;"
        ));
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "chroot", &[]), Action::Allow);
        assert_eq!(verdict(&p, x, "ptrace", &[]), Action::Errno(1));
        assert_eq!(verdict(&p, x, "mount", &[]), Action::KillProcess);
        assert_eq!(verdict(&p, x, "socket", &[]), Action::Errno(1));
        assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
    }

    #[test]
    fn keep_drop_and_settings() {
        let p = imp("seccomp.keep read,write,@signal,!kill\nseccomp-error-action kill\nseccomp.block-secondary\n").unwrap();
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
        assert_eq!(
            verdict(&p, x, "execve", &[]),
            Action::Allow,
            "@default-keep"
        );
        assert_eq!(
            verdict(&p, x, "rt_sigaction", &[]),
            Action::Allow,
            "@firejail-signal"
        );
        assert_eq!(verdict(&p, x, "open", &[]), Action::KillProcess);
        assert!(
            p.contains("base @default-keep, read, write, @firejail-signal;"),
            "{p}"
        );
        assert!(p.contains("seccomp.block-secondary: our filters always refuse other ABIs"));
        let d = imp("seccomp.drop @clock,@default\nallow-debuggers\nseccomp\n").unwrap();
        assert_eq!(verdict(&d, x, "settimeofday", &[]), Action::Errno(1));
        assert_eq!(
            verdict(&d, x, "mount", &[]),
            Action::Errno(1),
            "firejail's @default"
        );
        assert_eq!(verdict(&d, x, "ptrace", &[]), Action::Allow);
        assert!(d.contains("acknowledge ptrace;"), "{d}");
        assert!(d.contains("`seccomp` (line 3) is ignored"), "{d}");
    }

    #[test]
    fn mistakes_name_the_line() {
        let e = imp("seccomp\nseccomp.drop mount,moutn\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "p.profile:2: `moutn` is not a syscall of the architectures compiled\nhelp: did you mean `mount`?"
        );
        let e = imp("seccomp @nosuch").unwrap_err().to_string();
        assert!(
            e.starts_with("p.profile:1: unknown firejail group `@nosuch`"),
            "{e}"
        );
        let e = imp("seccomp-error-action EPREM\nseccomp")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p.profile:1: unknown seccomp-error-action `EPREM`"),
            "{e}"
        );
        assert!(
            imp("private-dev\n")
                .unwrap_err()
                .message
                .contains("no `seccomp`")
        );
    }

    #[test]
    fn every_corpus_line_imports() {
        // Each collected line is imported as a profile of its own.
        let text = corpus("firejail-profile-seccomp-lines.txt");
        let mut n = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, content) = split_location(0, line);
            let c = content.trim_start();
            if !c.starts_with("seccomp") || c.starts_with("seccomp-") || c.starts_with("seccomp.32")
            {
                continue;
            }
            imp(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            n += 1;
        }
        assert!(n > 65, "{n}");
    }
}
