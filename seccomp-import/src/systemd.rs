//! systemd unit lines: `SystemCallFilter=`, `SystemCallErrorNumber=`,
//! `SystemCallArchitectures=` (other lines, sections and comments are
//! skipped).
//!
//! Semantics, from systemd.exec(5) "SYSTEM CALL FILTERING" and systemd's
//! `config_parse_syscall_filter`:
//! - the first `SystemCallFilter=` decides the mode: an allow-list, or with
//!   a leading `~` a deny-list; an allow-list always includes `@default`;
//! - later lines add to or remove from the set: in an allow-list, `~NAME`
//!   removes NAME (it is then refused like any unlisted syscall); in a
//!   deny-list, a line without `~` removes names from the deny-list;
//! - in a deny-list an entry may end in `:ERRNO` (a name or number) or
//!   `:kill`, its own action, which wins over `SystemCallErrorNumber=`;
//! - an empty `SystemCallFilter=` resets everything before it;
//! - `SystemCallErrorNumber=` (errno name or number, `kill`, `log`, or
//!   empty) is how refused syscalls are refused; without it they kill the
//!   process (SIGSYS);
//! - `SystemCallArchitectures=` lists the ABIs allowed besides the native
//!   one; our filters refuse every other ABI whatever it says.
//!
//! Group names are systemd's, the same as ours.

use super::text::{Item, PolicyText};
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{errno, groups, syscalls};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Allow,
    Deny,
}

/// One `SystemCallFilter=` line after the last reset.
struct FilterLine {
    line: usize,
    text: String,
    invert: bool,
    /// (item, its own action).
    items: Vec<(String, Option<Action>)>,
}

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let arches = opts.arches.clone().unwrap_or_else(|| Arch::ALL.to_vec());
    let mut draft = Draft::new();
    draft.header.push(format!(
        "Imported from {source_name} (systemd unit lines) by `seccompc import --from systemd`."
    ));
    let mut lines: Vec<FilterLine> = Vec::new();
    let mut reset_at = None;
    let mut error: Option<(Action, usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let at = format!("{source_name}:{n}");
        let content = raw.trim();
        let Some((key, value)) = content.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "SystemCallFilter" if value.is_empty() => {
                lines.clear();
                reset_at = Some(n);
            }
            "SystemCallFilter" => {
                let (invert, list) = match value.strip_prefix('~') {
                    Some(rest) => (true, rest),
                    None => (false, value),
                };
                let items = parse_items(list, &at, &arches, &mut draft.warnings)?;
                lines.push(FilterLine {
                    line: n,
                    text: content.to_owned(),
                    invert,
                    items,
                });
            }
            "SystemCallErrorNumber" => {
                let action = match value {
                    "" | "kill" => Action::KillProcess,
                    v => action(v).ok_or_else(|| {
                        ImportError::new(&at, format!("unknown SystemCallErrorNumber= value `{v}`"))
                            .with_help("expected an errno name or number, `kill` or `log`")
                    })?,
                };
                error = Some((action, n, content.to_owned()));
            }
            "SystemCallArchitectures" => {
                draft.header.push(format!(
                    "Line {n}: {content}: our filters always refuse syscalls of other ABIs (i386 and x32 on x86_64), as `native` does."
                ));
                if value.split_whitespace().any(|a| a != "native") {
                    draft.warnings.push(format!(
                        "line {n}: other ABIs are refused by our filters whatever `SystemCallArchitectures=` allows"
                    ));
                }
            }
            _ => {}
        }
    }
    let Some(first) = lines.first() else {
        return Err(ImportError::new(
            source_name,
            "no `SystemCallFilter=` line (after the last reset): the unit installs no syscall filter",
        ));
    };
    let mode = if first.invert {
        Mode::Deny
    } else {
        Mode::Allow
    };
    if let Some(r) = reset_at {
        draft.header.push(format!(
            "Line {r}: an empty SystemCallFilter= resets the lines before it."
        ));
    }
    let deny = error.as_ref().map_or(Action::KillProcess, |e| e.0);
    match &error {
        Some((_, n, text)) => draft
            .settings
            .setting(&format!("deny {deny};"), &format!("line {n}: {text}")),
        None => draft.settings.setting(
            "deny kill_process;",
            "no SystemCallErrorNumber=: a refused syscall kills the process (SIGSYS)",
        ),
    }
    if mode == Mode::Deny {
        draft.settings.setting(
            "default allow;",
            "a deny-list (`~`): what it does not name runs",
        );
        draft.settings.setting(
            "unknown allow;",
            "a deny-list lets syscalls newer than the tables through",
        );
    }
    if let Some(a) = &opts.arches {
        let names: Vec<&str> = a.iter().map(|a| a.name()).collect();
        draft.settings.line(&format!("arch {};", names.join(", ")));
    }
    let mut body = PolicyText::new();
    if mode == Mode::Allow {
        body.comment("systemd adds @default (exit_group, rt_sigreturn, clock_gettime, ...) to every allow-list");
        body.statement("base", &[Item::new("@default")], "");
    }
    for l in &lines {
        statements(&mut body, l, mode, deny, &mut draft.warnings);
    }
    draft.body = body;
    draft.ack_reasons.insert(
        "ptrace",
        "The unit's filter lets `ptrace` through; it accepts that a tracer can change syscalls after the filter".to_owned(),
    );
    draft.finish(source_name)
}

fn action(v: &str) -> Option<Action> {
    if v == "log" {
        return Some(Action::Log);
    }
    if let Ok(n) = v.parse::<u16>() {
        return (n <= 4095).then_some(Action::Errno(n));
    }
    errno::number(Arch::X86_64, v).map(Action::Errno)
}

fn parse_items(
    list: &str,
    at: &str,
    arches: &[Arch],
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, Option<Action>)>, ImportError> {
    let mut out = Vec::new();
    for word in list.split_whitespace() {
        let (name, act) = match word.split_once(':') {
            Some((n, "kill")) => (n, Some(Action::KillProcess)),
            Some((n, e)) => (
                n,
                Some(action(e).filter(|a| *a != Action::Log).ok_or_else(|| {
                    ImportError::new(at, format!("unknown error number `{e}` after `{n}`"))
                })?),
            ),
            None => (word, None),
        };
        let known = if name.starts_with('@') {
            groups::group(name).is_some()
        } else {
            arches
                .iter()
                .any(|&a| syscalls::table(a).number(name).is_some())
        };
        if !known {
            // systemd logs unknown names and goes on.
            warnings.push(format!(
                "{at}: `{name}` is unknown here; skipped, as systemd skips it"
            ));
            continue;
        }
        out.push((name.to_owned(), act));
    }
    Ok(out)
}

fn statements(
    out: &mut PolicyText,
    l: &FilterLine,
    mode: Mode,
    deny: Action,
    warnings: &mut Vec<String>,
) {
    out.blank();
    out.comment(&format!("line {}: {}", l.line, l.text));
    let plain: Vec<Item> = l.items.iter().map(|(n, _)| Item::new(n.clone())).collect();
    if plain.is_empty() {
        out.comment("(nothing this policy knows)");
        return;
    }
    match (mode, l.invert) {
        (Mode::Allow, false) | (Mode::Deny, false) => {
            if mode == Mode::Deny {
                out.comment("in a deny-list, a line without `~` takes syscalls off it");
            }
            if l.items.iter().any(|(_, a)| a.is_some()) {
                warnings.push(format!(
                    "line {}: an error number on an allowed syscall means nothing; ignored",
                    l.line
                ));
            }
            out.statement("keep", &plain, "");
        }
        (Mode::Allow, true) => {
            out.comment("in an allow-list, `~` takes syscalls off it: they are refused like any unlisted one");
            out.statement("drop", &plain, "");
        }
        (Mode::Deny, true) => {
            let mut by_action: Vec<(Action, Vec<Item>)> = Vec::new();
            for (n, a) in &l.items {
                let a = a.unwrap_or(deny);
                match by_action.iter_mut().find(|(b, _)| *b == a) {
                    Some((_, v)) => v.push(Item::new(n.clone())),
                    None => by_action.push((a, vec![Item::new(n.clone())])),
                }
            }
            for (a, items) in by_action {
                let tail = if a == deny {
                    String::new()
                } else {
                    format!(" => {a}")
                };
                out.statement("drop", &items, &tail);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::verdict;
    use crate::{Format, import};

    fn imp(text: &str) -> Result<String, ImportError> {
        import(
            Format::Systemd,
            "unit.service",
            text,
            &ImportOptions::default(),
        )
        .map(|i| i.policy)
    }

    #[test]
    fn allow_list_then_removals() {
        let p = imp("[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\nSystemCallErrorNumber=EPERM\nSystemCallArchitectures=native\n").unwrap();
        let body = p.split_once("\n\n").unwrap().1;
        assert_eq!(
            body,
            "\
// systemd adds @default (exit_group, rt_sigreturn, clock_gettime, ...) to every allow-list
base @default;

// line 3: SystemCallFilter=@system-service
keep @system-service;

// line 4: SystemCallFilter=~@privileged @resources
// in an allow-list, `~` takes syscalls off it: they are refused like any unlisted one
drop @privileged, @resources;
"
        );
        assert!(
            p.contains("\ndeny errno(EPERM); // line 5: SystemCallErrorNumber=EPERM\n"),
            "{p}"
        );
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
        assert_eq!(
            verdict(&p, x, "setuid", &[]),
            Action::Errno(1),
            "@privileged"
        );
        assert_eq!(
            verdict(&p, x, "setpriority", &[]),
            Action::Errno(1),
            "@resources"
        );
        assert_eq!(verdict(&p, x, "mount", &[]), Action::Errno(1));
    }

    #[test]
    fn deny_list_with_suffixes_and_reset() {
        let p = imp("SystemCallFilter=read\nSystemCallFilter=\nSystemCallFilter=~@mount:EACCES reboot:kill ptrace\nSystemCallFilter=umount2 nosuchcall\nSystemCallErrorNumber=ENOSYS\n").unwrap();
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "mount", &[]), Action::Errno(13));
        assert_eq!(
            verdict(&p, x, "umount2", &[]),
            Action::Allow,
            "taken off the deny-list"
        );
        assert_eq!(verdict(&p, x, "reboot", &[]), Action::KillProcess);
        assert_eq!(verdict(&p, x, "ptrace", &[]), Action::Errno(38));
        assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
        assert!(
            p.contains(
                "drop @mount => errno(EACCES);\ndrop reboot => kill_process;\ndrop ptrace;\n"
            ),
            "{p}"
        );
        assert!(
            p.contains("Line 2: an empty SystemCallFilter= resets"),
            "{p}"
        );
    }

    #[test]
    fn mistakes() {
        assert!(
            imp("SystemCallErrorNumber=EPERM\n")
                .unwrap_err()
                .message
                .contains("no `SystemCallFilter=`")
        );
        let e = imp("SystemCallFilter=read\nSystemCallErrorNumber=EPRM\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("unit.service:2: unknown SystemCallErrorNumber= value `EPRM`"),
            "{e}"
        );
        let i = import(
            Format::Systemd,
            "u",
            "SystemCallFilter=read frobnicate\n",
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(
            i.warnings,
            ["u:1: `frobnicate` is unknown here; skipped, as systemd skips it"]
        );
    }
}
