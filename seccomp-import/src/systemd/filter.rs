//! `SystemCallFilter=` and `SystemCallErrorNumber=` as systemd 257 reads
//! and applies them (src/core/load-fragment.c
//! `config_parse_syscall_filter`, `config_parse_syscall_errno`;
//! src/shared/seccomp-util.c `parse_syscall_and_errno`,
//! `seccomp_parse_syscall_filter`, `seccomp_load_syscall_filter_set_raw`;
//! src/core/exec-invoke.c `apply_syscall_filter`; the same in 252 except
//! where said).
//!
//! systemd keeps a map syscall -> errno (or none, or kill):
//! - the first line after a reset decides the mode: an allow-list, which
//!   starts with `@default`, or with `~` a deny-list;
//! - each word `name[:ERRNO]` (`ERRNO`: a name such as `EPERM`, a number
//!   0..4095, or `kill`) puts the syscalls of `name` (a group expands) in
//!   the map or takes them out: a line of the list's own kind puts them, a
//!   line of the other kind takes them out, except that `~name:ERRNO` in an
//!   allow-list puts them with that errno; a later word replaces an
//!   earlier one's entry;
//! - an allow-listed word with `:ERRNO` is ignored, so are words whose
//!   errno does not parse (`:log` among them) and names no table knows,
//!   each with a warning; an empty value resets everything;
//! - in an allow-list the map's syscalls run (or fail with their errno)
//!   and everything else gets `SystemCallErrorNumber=`'s action; in a
//!   deny-list the map's syscalls get their errno or that action and
//!   everything else runs. That action kills the process unless an errno
//!   is set (`kill` or an empty value resets it; `0`, `log` and other
//!   values that do not parse are ignored, keeping the earlier value);
//! - systemd 257 then adds `write` to an allow-list and takes it off a
//!   deny-list, as the manager needs it to hand off timestamps (252 does
//!   not).
//!
//! Each word becomes a statement of ours in order (a later statement
//! replaces the rule of what it names, as a later word replaces the map
//! entry), so the output follows the unit line by line.

use super::super::text::{Item, PolicyText};
use super::unit::{Assignment, words_plain};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{errno, groups, syscalls};

/// What a word asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Num {
    None,
    Errno(u16),
    Kill,
}

/// One applied word: `name` (a syscall or group) put with `num`, or taken
/// out.
#[derive(Clone, Debug)]
struct Op {
    name: String,
    put: Option<Num>,
}

/// One `SystemCallFilter=` line after the last reset.
#[derive(Clone, Debug)]
struct Line {
    at: String,
    text: String,
    invert: bool,
    ops: Vec<Op>,
}

/// The filter as systemd has it after reading every line.
#[derive(Default)]
pub(crate) struct SyscallFilter {
    /// `None`: no filter (no line, or reset last).
    allow_list: Option<bool>,
    lines: Vec<Line>,
    reset_at: Option<String>,
    /// `SystemCallErrorNumber=`'s value and line; `None`: kill.
    pub errno: Option<(u16, String)>,
    pub warnings: Vec<String>,
}

impl SyscallFilter {
    pub fn installed(&self) -> bool {
        self.allow_list.is_some()
    }

    /// `SystemCallFilter=VALUE`.
    pub fn line(&mut self, a: &Assignment, arches: &[Arch]) {
        if a.value.is_empty() {
            *self = SyscallFilter {
                reset_at: Some(a.at.clone()),
                errno: self.errno.take(),
                warnings: std::mem::take(&mut self.warnings),
                ..SyscallFilter::default()
            };
            return;
        }
        let (invert, list) = match a.value.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, a.value.as_str()),
        };
        let allow_list = *self.allow_list.get_or_insert(!invert);
        let (words, trailing) = words_plain(list);
        let mut ops = Vec::new();
        for (offset, word) in words {
            let at = format!("{}+{}", a.value_at, offset + usize::from(invert));
            match self.word(&word, invert, allow_list, arches) {
                Ok(Some(op)) => ops.push(op),
                Ok(None) => {}
                Err(why) => self.warnings.push(format!(
                    "{}: `{word}`: {why}; ignored, as systemd ignores it",
                    at_col(&at)
                )),
            }
        }
        if trailing {
            self.warnings.push(format!(
                "{}: a backslash at the end of the value; systemd ignores the rest of the line after the words before it",
                a.value_at
            ));
        }
        self.lines.push(Line {
            at: a.at.clone(),
            text: format!("{}={}", a.key, a.value),
            invert,
            ops,
        });
    }

    /// One word (`parse_syscall_and_errno`, `seccomp_parse_syscall_filter`).
    fn word(
        &self,
        word: &str,
        invert: bool,
        allow_list: bool,
        arches: &[Arch],
    ) -> Result<Option<Op>, String> {
        let (name, num) = match word.split_once(':') {
            Some((n, e)) => (
                n,
                parse_errno_or_kill(e).ok_or_else(|| {
                    format!("`{e}` is not an errno name, a number 0..4095 or `kill`")
                })?,
            ),
            None => (word, Num::None),
        };
        if name.is_empty() {
            return Err("no syscall name".to_owned());
        }
        if !invert && num != Num::None {
            return Err("an allow-listed syscall cannot take an error number".to_owned());
        }
        let known = if name.starts_with('@') {
            groups::group(name).is_some()
        } else {
            arches
                .iter()
                .any(|&a| syscalls::table(a).number(name).is_some())
        };
        if !known {
            return Err(if name.starts_with('@') {
                "no such group".to_owned()
            } else {
                "no such syscall".to_owned()
            });
        }
        let put = (invert != allow_list) || (invert && allow_list && num != Num::None);
        Ok(Some(Op {
            name: name.to_owned(),
            put: put.then_some(num),
        }))
    }

    /// `SystemCallErrorNumber=VALUE`.
    pub fn error_number(&mut self, a: &Assignment) {
        if a.value.is_empty() || a.value == "kill" {
            self.errno = None;
            return;
        }
        match parse_errno_or_kill(&a.value) {
            Some(Num::Errno(e)) if e > 0 => self.errno = Some((e, a.at.clone())),
            _ => self.warnings.push(format!(
                "{}: SystemCallErrorNumber={}: not an errno name or a number 1..4095 (systemd 252 and 257 accept `kill` but not `log`); ignored, as systemd ignores it",
                a.value_at, a.value
            )),
        }
    }

    /// The action refused syscalls get (`negative_action`).
    pub fn deny(&self) -> Action {
        match &self.errno {
            Some((e, _)) => Action::Errno(*e),
            None => Action::KillProcess,
        }
    }

    fn action_of(&self, num: Num) -> Action {
        match num {
            Num::None => self.deny(),
            Num::Errno(e) => Action::Errno(e),
            Num::Kill => Action::KillProcess,
        }
    }

    /// What the filter does with `syscall`.
    pub fn action(&self, syscall: &str) -> Action {
        let Some(allow_list) = self.allow_list else {
            return Action::Allow;
        };
        if syscall == "write" {
            return Action::Allow;
        }
        let mut entry: Option<Num> = allow_list
            .then(|| {
                groups::expanded("@default")
                    .unwrap_or_default()
                    .contains(&syscall)
            })
            .and_then(|d| d.then_some(Num::None));
        for op in self.lines.iter().flat_map(|l| &l.ops) {
            let hit = if op.name.starts_with('@') {
                groups::expanded(&op.name).is_some_and(|m| m.contains(&syscall))
            } else {
                op.name == syscall
            };
            if hit {
                entry = op.put;
            }
        }
        match (allow_list, entry) {
            (true, Some(Num::None)) => Action::Allow,
            (true, Some(n)) => self.action_of(n),
            (true, None) => self.deny(),
            (false, Some(n)) => self.action_of(n),
            (false, None) => Action::Allow,
        }
    }

    /// `default`/`unknown` settings.
    pub fn settings(&self, out: &mut PolicyText) {
        match self.allow_list {
            Some(true) => out.setting(
                &format!("unknown {};", self.deny()),
                "an allow-list refuses numbers no table knows",
            ),
            _ => {
                out.setting(
                    "default allow;",
                    "a deny-list (`~`): what it does not name runs",
                );
                out.setting(
                    "unknown allow;",
                    "a deny-list lets syscalls newer than the tables through",
                );
            }
        }
    }

    /// The statements, line by line.
    pub fn write(&self, out: &mut PolicyText, header: &mut Vec<String>) {
        let Some(allow_list) = self.allow_list else {
            return;
        };
        if let Some(r) = &self.reset_at {
            header.push(format!(
                "{r}: an empty SystemCallFilter= resets the lines before it."
            ));
        }
        if allow_list {
            out.comment("systemd starts every allow-list with @default (exit_group, rt_sigreturn, clock_gettime, ...)");
            out.statement("keep", &[Item::new("@default")], "");
        }
        for l in &self.lines {
            out.blank();
            out.comment(&format!("{}: {}", l.at, l.text));
            if l.invert != allow_list {
                // Lines of the list's own kind: the usual meaning.
            } else if allow_list {
                out.comment("in an allow-list, `~` takes syscalls off it: they are refused like any unlisted one");
            } else {
                out.comment("in a deny-list, a line without `~` takes syscalls off it");
            }
            self.write_ops(out, &l.ops, allow_list);
        }
        out.blank();
        out.comment("systemd 257 adds `write` to an allow-list and takes it off a deny-list (exec-invoke.c apply_syscall_filter: the manager's timestamp hand-off needs it); systemd 252 does not");
        out.statement("keep", &[Item::new("write")], "");
    }

    /// Neighbouring words with one effect in one statement.
    fn write_ops(&self, out: &mut PolicyText, ops: &[Op], allow_list: bool) {
        let mut runs: Vec<(Option<Action>, Vec<Item>)> = Vec::new();
        for op in ops {
            // None: allowed.
            let effect = match (allow_list, op.put) {
                (true, Some(Num::None)) | (false, None) => None,
                (true, None) => Some(self.deny()),
                (_, Some(n)) => Some(self.action_of(n)),
            };
            match runs.last_mut() {
                Some((e, items)) if *e == effect => items.push(Item::new(op.name.clone())),
                _ => runs.push((effect, vec![Item::new(op.name.clone())])),
            }
        }
        let deny = self.deny();
        for (effect, items) in runs {
            match effect {
                None => out.statement("keep", &items, ""),
                Some(a) if a == deny => out.statement("drop", &items, ""),
                Some(a) => out.statement("drop", &items, &format!(" => {a}")),
            }
        }
    }

    /// An allow-listed `write` with its own errno makes systemd 257 fail
    /// to start the unit (its `hashmap_put` finds a different value).
    pub fn write_conflict(&self) -> Option<String> {
        if self.allow_list != Some(true) {
            return None;
        }
        let last = self
            .lines
            .iter()
            .flat_map(|l| l.ops.iter().map(move |op| (l, op)))
            .rfind(|(_, op)| {
                op.name == "write"
                    || groups::expanded(&op.name).is_some_and(|m| m.contains(&"write"))
            })?;
        matches!(last.1.put, Some(Num::Errno(_) | Num::Kill)).then(|| last.0.at.clone())
    }
}

/// `a:b:c+offset` -> `a:b:(c+offset)`.
fn at_col(at: &str) -> String {
    let Some((head, off)) = at.rsplit_once('+') else {
        return at.to_owned();
    };
    let Some((file_line, col)) = head.rsplit_once(':') else {
        return at.to_owned();
    };
    match (col.parse::<usize>(), off.parse::<usize>()) {
        (Ok(c), Ok(o)) => format!("{file_line}:{}", c + o),
        _ => at.to_owned(),
    }
}

/// `seccomp_parse_errno_or_action`: `kill`, an errno name (exact case), or
/// a number 0..4095 (`parse_errno`).
pub(crate) fn parse_errno_or_kill(text: &str) -> Option<Num> {
    if text == "kill" {
        return Some(Num::Kill);
    }
    if let Some(n) = errno::number(Arch::X86_64, text) {
        return Some(Num::Errno(n));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u16>()
            .ok()
            .filter(|&n| n <= 4095)
            .map(Num::Errno);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values() {
        assert_eq!(parse_errno_or_kill("EPERM"), Some(Num::Errno(1)));
        assert_eq!(parse_errno_or_kill("0"), Some(Num::Errno(0)));
        assert_eq!(parse_errno_or_kill("4095"), Some(Num::Errno(4095)));
        assert_eq!(parse_errno_or_kill("4096"), None);
        assert_eq!(parse_errno_or_kill("kill"), Some(Num::Kill));
        assert_eq!(parse_errno_or_kill("log"), None);
        assert_eq!(parse_errno_or_kill("eperm"), None);
        assert_eq!(parse_errno_or_kill("-1"), None);
        assert_eq!(at_col("u:3:18+5"), "u:3:23");
    }
}
