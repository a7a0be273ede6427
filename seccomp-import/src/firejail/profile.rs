//! Reading a firejail profile as firejail 0.9.72 reads it
//! (src/firejail/profile.c `profile_read`, `profile_check_line`,
//! `profile_check_conditional`, `is_in_ignore_list`,
//! `profile_list_augment`; src/firejail/macros.c `expand_macros`;
//! src/firejail/util.c `line_remove_spaces`), keeping of each option what
//! firejail keeps.
//!
//! - `#` starts a comment anywhere in a line; runs of spaces and tabs
//!   become one space; leading and trailing ones go; `\r` ends the line.
//!   A line longer than 8191 bytes comes in pieces (fgets with
//!   `MAX_READ`), each a line of its own: refused unless the rest is blank.
//! - `include FILE` reads FILE in place. A bare name is looked for in
//!   `--include-dir` directories, the including profile's directory,
//!   `${HOME}/.config/firejail` and `/etc/firejail` (firejail: the last two,
//!   then its working directory), a path as written after `${HOME}`, `~`,
//!   `${CFG}` (`/etc/firejail`) and `${RUNUSER}` are expanded. A missing
//!   `*.local` file is skipped, as firejail skips it; any other missing file
//!   is an error. At most 16 levels.
//! - `ignore WORDS` makes later lines starting with those words (whole
//!   words) be skipped, `include` lines too.
//! - `?CONDITION: line` applies `line` when a run-time condition holds
//!   (`HAS_X11`, `HAS_NET`, ...); such a line that would change the filter
//!   (a seccomp option, an `ignore` of one, a nested condition with one)
//!   is refused, the others are skipped.
//! - `seccomp LIST`, `seccomp.drop LIST` and `seccomp.keep LIST` each keep
//!   only their last line; `seccomp-error-action` too; `protocol` and
//!   `restrict-namespaces` lines combine (`-x` removes, `=x` restarts).
//! - Options that cannot change the seccomp filter (file system, network,
//!   D-Bus, capabilities, ...), in the forms firejail accepts, are skipped
//!   and listed; any other line is an error, as firejail refuses it.

use super::super::ImportError;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a line or an item is: `file:line:col`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct At {
    pub file: String,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

impl At {
    /// The same line, `offset` bytes further into it.
    pub fn plus(&self, offset: usize) -> At {
        At {
            col: self.col + offset,
            ..self.clone()
        }
    }

    pub fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError::new(self.to_string(), message)
    }
}

/// An option's value and the line that set it.
#[derive(Clone, Debug)]
pub(crate) struct Set<T> {
    pub at: At,
    pub value: T,
}

/// What a profile configures for seccomp, as firejail keeps it.
#[derive(Default, Debug)]
pub(crate) struct Profile {
    /// `seccomp` (with or without a list), `seccomp.drop` or
    /// `seccomp.keep`: the main filter is installed (`arg_seccomp`).
    pub seccomp: Option<At>,
    /// The last `seccomp LIST`.
    pub list: Option<Set<String>>,
    /// The last `seccomp.drop LIST`.
    pub drop: Option<Set<String>>,
    /// The last `seccomp.keep LIST`.
    pub keep: Option<Set<String>>,
    /// The last `seccomp-error-action`, as written.
    pub error_action: Option<Set<String>>,
    pub allow_debuggers: Option<At>,
    pub block_secondary: Option<At>,
    /// `seccomp.32`, `seccomp.32.drop`, `seccomp.32.keep` lines.
    pub secondary: Vec<At>,
    pub memory_deny_write_execute: Option<At>,
    /// `restrict-namespaces` lines combined, and the lines.
    pub namespaces: Option<Set<String>>,
    /// `protocol` lines combined, and the last line.
    pub protocol: Option<Set<String>>,
    /// Skipped lines that cannot change the filter: (option, where).
    pub skipped: Vec<(String, At)>,
    /// `*.local` includes that do not exist.
    pub missing_local: Vec<(String, At)>,
    /// Every file read, in order.
    pub files: Vec<String>,
    /// Lines whose value a later line replaced, one sentence each.
    pub replaced: Vec<String>,
}

/// Where includes are looked for.
pub(crate) struct Dirs {
    /// `--include-dir` directories, then the profile's own directory.
    pub search: Vec<PathBuf>,
    /// The user's home (`${HOME}`, `~`, `~/.config/firejail`).
    pub home: Option<PathBuf>,
}

/// The system profile directory (firejail's SYSCONFDIR, `${CFG}`).
const SYSCONFDIR: &str = "/etc/firejail";
/// firejail.h `MAX_INCLUDE_LEVEL`.
const MAX_INCLUDE_LEVEL: usize = 16;
/// firejail.h `MAX_PROFILE_IGNORE`.
const MAX_PROFILE_IGNORE: usize = 32;
/// profile.c `MAX_READ`: fgets reads at most 8191 bytes at a time.
const MAX_READ: usize = 8192;

/// Reads `text` (the profile `name`) and the files it includes.
pub(crate) fn read(name: &str, text: &str, dirs: &Dirs) -> Result<Profile, ImportError> {
    let mut r = Reader {
        dirs,
        depth: 0,
        ignore: Vec::new(),
        p: Profile::default(),
    };
    let dir = Path::new(name)
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && d.is_dir());
    r.file(name, text, dir)?;
    Ok(r.p)
}

struct Reader<'a> {
    dirs: &'a Dirs,
    depth: usize,
    ignore: Vec<String>,
    p: Profile,
}

impl Reader<'_> {
    fn file(&mut self, name: &str, text: &str, dir: Option<&Path>) -> Result<(), ImportError> {
        self.p.files.push(name.to_owned());
        // fgets splits at `\n` only; a `\r` ends the line in normalize.
        for (i, raw) in text.split('\n').enumerate() {
            let at = At {
                file: name.to_owned(),
                line: i + 1,
                col: 1,
            };
            one_buffer(raw, &at)?;
            let Some((col, line)) = normalize(raw) else {
                continue;
            };
            self.line(&At { col, ..at }, &line, dir)?;
        }
        Ok(())
    }

    fn line(&mut self, at: &At, line: &str, dir: Option<&Path>) -> Result<(), ImportError> {
        // profile_read: whitelist-ro and quiet, then include.
        if line == "quiet" || line.starts_with("whitelist-ro ") {
            return self.skip(line, at);
        }
        if let Some(path) = line.strip_prefix("include ") {
            if self.ignored(line) {
                return self.skip(line, at);
            }
            return self.include(path, at, dir);
        }
        // profile_check_line: conditionals, the ignore list, `ignore`.
        if line.starts_with('?') {
            return self.conditional(line, at);
        }
        if self.ignored(line) {
            return self.skip(line, at);
        }
        if let Some(word) = line.strip_prefix("ignore ") {
            // profile_add_ignore
            if self.ignore.len() >= MAX_PROFILE_IGNORE {
                return Err(at.error(
                    "more than 32 `ignore` lines (firejail refuses them: MAX_PROFILE_IGNORE)",
                ));
            }
            self.ignore.push(word.to_owned());
            return Ok(());
        }
        if line == "ignore" {
            return Err(
                at.error("`ignore` needs an option to ignore (firejail: invalid ignore option)")
            );
        }
        if self.seccomp_option(line, at)? {
            return Ok(());
        }
        if other_option(line) {
            return self.skip(line, at);
        }
        let word = line.split(' ').next().unwrap_or(line);
        if OTHER_OPTIONS
            .iter()
            .any(|o| o.split(' ').next() == Some(word))
        {
            return Err(at.error(format!(
                "`{line}`: firejail refuses this form of `{word}` (an argument missing, extra or not one it takes)"
            )));
        }
        Err(at
            .error(format!(
                "firejail does not know the option `{word}` (it refuses such a line)"
            ))
            .with_help("firejail 0.9.72's options are listed in firejail-profile(5)"))
    }

    /// Whether `line` starts with a word of an `ignore` line
    /// (`is_in_ignore_list`: the whole word or the whole line).
    fn ignored(&self, line: &str) -> bool {
        self.ignore.iter().any(|w| {
            line.strip_prefix(w.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
        })
    }

    fn skip(&mut self, line: &str, at: &At) -> Result<(), ImportError> {
        let word = line.split(' ').next().unwrap_or(line);
        self.p.skipped.push((word.to_owned(), at.clone()));
        Ok(())
    }

    /// `?NAME: line` (`profile_check_conditional`).
    fn conditional(&mut self, line: &str, at: &At) -> Result<(), ImportError> {
        let rest = &line[1..];
        let Some(name) = CONDITIONS.iter().find(|c| rest.starts_with(**c)) else {
            let name = rest.split(':').next().unwrap_or(rest);
            return Err(at.error(format!(
                "unknown firejail condition `?{name}` (firejail refuses it)"
            )));
        };
        let after = rest[name.len()..]
            .strip_prefix(' ')
            .unwrap_or(&rest[name.len()..]);
        let Some(body) = after.strip_prefix(':') else {
            return Err(at.error("a colon must follow the condition (firejail refuses the line)"));
        };
        let body = body.strip_prefix(' ').unwrap_or(body);
        if body.is_empty() {
            return Err(at.error("no profile line after the condition (firejail refuses the line)"));
        }
        if body.starts_with("quiet") || body.starts_with("include") {
            return Err(at.error("`quiet` and `include` are not allowed after a condition (firejail refuses the line)"));
        }
        // When the condition holds, profile_check_line reads the body as a
        // line of its own: another condition, the ignore list, options.
        if body.starts_with('?') {
            return self.conditional(body, at);
        }
        if !self.ignored(body) && changes_the_filter(body) {
            let word = body.split(' ').next().unwrap_or(body);
            return Err(at.error(format!(
                "`{word}` under `?{name}` changes the seccomp filter only when that run-time condition holds, which an import cannot know"
            ))
            .with_help("write the line without the condition, or remove it, to import the profile as it runs in one of the two cases"));
        }
        self.p.skipped.push((format!("?{name}"), at.clone()));
        Ok(())
    }

    fn include(&mut self, path: &str, at: &At, dir: Option<&Path>) -> Result<(), ImportError> {
        if self.depth >= MAX_INCLUDE_LEVEL {
            return Err(at.error("includes nested more than 16 levels (firejail's limit)"));
        }
        let expanded = self.expand(path, at)?;
        let found = self.find(&expanded, dir);
        let Some(found) = found else {
            if is_local(&expanded) {
                self.p.missing_local.push((expanded, at.clone()));
                return Ok(());
            }
            return Err(at
                .error(format!("cannot find `{expanded}` to include"))
                .with_help(self.searched(&expanded, dir)));
        };
        if found.is_dir() {
            return Err(at.error(format!(
                "`{}` is a directory (firejail refuses it: invalid profile file)",
                found.display()
            )));
        }
        // profile_read: with --allow-debuggers (or the profile's
        // `allow-debuggers`), disable-devel.inc is not read.
        if self.p.allow_debuggers.is_some()
            && found.file_name().is_some_and(|f| f == "disable-devel.inc")
        {
            self.p.skipped.push((
                "include disable-devel.inc (after allow-debuggers)".to_owned(),
                at.clone(),
            ));
            return Ok(());
        }
        let text = std::fs::read_to_string(&found)
            .map_err(|e| at.error(format!("cannot read `{}`: {e}", found.display())))?;
        self.depth += 1;
        let shown = found.display().to_string();
        let result = self.file(&shown, &text, found.parent());
        self.depth -= 1;
        result
    }

    /// `expand_macros` for an include path.
    fn expand(&self, path: &str, at: &At) -> Result<String, ImportError> {
        let home = || {
            self.dirs
                .home
                .as_ref()
                .map(|h| h.display().to_string())
                .ok_or_else(|| {
                    at.error(format!("`{path}` needs the home directory"))
                        .with_help("set HOME")
                })
        };
        if path.starts_with("$HOME") {
            return Err(at.error(
                "$HOME is not allowed in profile files, write ${HOME} (firejail refuses it)",
            ));
        }
        if let Some(rest) = path.strip_prefix("${HOME}") {
            return Ok(format!("{}{rest}", home()?));
        }
        if let Some(rest) = path.strip_prefix('~') {
            return Ok(format!("{}{rest}", home()?));
        }
        if let Some(rest) = path.strip_prefix("${CFG}") {
            return Ok(format!("{SYSCONFDIR}{rest}"));
        }
        if let Some(rest) = path.strip_prefix("${RUNUSER}") {
            let uid = real_uid();
            return Ok(format!("/run/user/{uid}{rest}"));
        }
        if path.starts_with("${") {
            return Err(at.error(format!(
                "`{path}`: the import expands ${{HOME}}, ~, ${{CFG}} and ${{RUNUSER}} in includes, not this macro"
            )));
        }
        Ok(path.to_owned())
    }

    /// The file an include names: a bare name in the profile directories,
    /// a path as it is (relative ones from the including profile's
    /// directory). profile_find matches directory entries by name, so a
    /// directory is found too (and then refused).
    fn find(&self, path: &str, dir: Option<&Path>) -> Option<PathBuf> {
        self.candidates(path, dir).into_iter().find(|p| p.exists())
    }

    fn candidates(&self, path: &str, dir: Option<&Path>) -> Vec<PathBuf> {
        if path.contains('/') {
            let p = PathBuf::from(path);
            return match dir {
                Some(d) if p.is_relative() => vec![d.join(&p), p],
                _ => vec![p],
            };
        }
        let mut dirs: Vec<PathBuf> = self.dirs.search.clone();
        dirs.extend(dir.map(Path::to_path_buf));
        if let Some(h) = &self.dirs.home {
            dirs.push(h.join(".config/firejail"));
        }
        dirs.push(PathBuf::from(SYSCONFDIR));
        dirs.push(PathBuf::from("."));
        dirs.iter().map(|d| d.join(path)).collect()
    }

    fn searched(&self, path: &str, dir: Option<&Path>) -> String {
        let list: Vec<String> = self
            .candidates(path, dir)
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        format!(
            "looked for {}; name a directory with --include-dir",
            list.join(", ")
        )
    }

    /// The options that configure seccomp; `Ok(false)` for other lines.
    fn seccomp_option(&mut self, line: &str, at: &At) -> Result<bool, ImportError> {
        let (word, arg) = match line.split_once(' ') {
            Some((w, a)) => (w, Some(a)),
            None => (line, None),
        };
        let arg_at = at.plus(word.len() + 1);
        let p = &mut self.p;
        match (word, arg) {
            ("seccomp", None) => {
                p.seccomp.get_or_insert_with(|| at.clone());
            }
            ("seccomp", Some(list)) => {
                p.seccomp.get_or_insert_with(|| at.clone());
                replaced(&mut p.replaced, word, &p.list, at);
                p.list = Some(checked_list(list, &arg_at)?);
            }
            ("seccomp.drop", Some(list)) => {
                p.seccomp.get_or_insert_with(|| at.clone());
                replaced(&mut p.replaced, word, &p.drop, at);
                p.drop = Some(checked_list(list, &arg_at)?);
            }
            ("seccomp.keep", Some(list)) => {
                p.seccomp.get_or_insert_with(|| at.clone());
                replaced(&mut p.replaced, word, &p.keep, at);
                p.keep = Some(checked_list(list, &arg_at)?);
            }
            ("seccomp.32" | "seccomp.32.drop" | "seccomp.32.keep", Some(list)) => {
                checked_list(list, &arg_at)?;
                p.secondary.push(at.clone());
            }
            ("seccomp.block-secondary", None) => p.block_secondary = Some(at.clone()),
            ("allow-debuggers", None) => p.allow_debuggers = Some(at.clone()),
            ("memory-deny-write-execute", None) => p.memory_deny_write_execute = Some(at.clone()),
            ("restrict-namespaces", arg) => {
                let add = arg.unwrap_or("cgroup,ipc,net,mnt,pid,time,user,uts");
                augment(&mut p.namespaces, add, at);
            }
            ("protocol", Some(list)) => augment(&mut p.protocol, list, at),
            ("seccomp-error-action", Some(value)) => {
                replaced(&mut p.replaced, word, &p.error_action, at);
                p.error_action = Some(Set {
                    at: arg_at,
                    value: value.to_owned(),
                })
            }
            (w, _) if SECCOMP_OPTIONS.contains(&w) => {
                return Err(at.error(format!(
                    "`{line}`: firejail refuses this form of `{w}` (an argument missing or extra)"
                )));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Whether a missing include is skipped: profile_read skips a file whose
/// base name's first `.local` ends it (`strstr(base, ".local")` of length
/// 6), unless access() failed with EACCES (a file that exists).
fn is_local(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.find(".local").is_some_and(|i| i + 6 == base.len())
}

/// profile_read reads with `fgets(buf, MAX_READ)`: a line longer than
/// 8191 bytes comes in pieces, each read as a line of its own. Refused
/// unless the pieces after the first are blank.
fn one_buffer(raw: &str, at: &At) -> Result<(), ImportError> {
    for (i, piece) in raw.as_bytes().chunks(MAX_READ - 1).enumerate().skip(1) {
        if normalize(&String::from_utf8_lossy(piece)).is_some() {
            return Err(at.plus(i * (MAX_READ - 1)).error(
                "a line longer than 8191 bytes: firejail reads the rest as a line of its own (MAX_READ)",
            ));
        }
    }
    Ok(())
}

/// Whether a line (the body of a `?CONDITION:` line) can change the
/// seccomp filter: a seccomp option, or an `ignore` of one (or of
/// `include`, or of `ignore`).
fn changes_the_filter(line: &str) -> bool {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    if word == "ignore" {
        let target = rest.split(' ').next().unwrap_or(rest);
        return SECCOMP_OPTIONS.contains(&target) || matches!(target, "include" | "ignore");
    }
    SECCOMP_OPTIONS.contains(&word)
}

/// Whether firejail 0.9.72's profile_check_line accepts `line` as one of
/// the options that cannot change a seccomp filter (`OTHER_OPTIONS`).
fn other_option(line: &str) -> bool {
    OTHER_OPTIONS.iter().any(|o| {
        if o.ends_with(' ') || *o == "private-lib" {
            line.starts_with(o)
        } else {
            line == *o
        }
    })
}

/// The real user id (`getuid()`), for `${RUNUSER}`, from
/// /proc/self/status (0 where /proc is missing).
fn real_uid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().next().map(str::to_owned))
        })
        .and_then(|u| u.parse().ok())
        .unwrap_or(0)
}

/// Notes that the line at `at` replaces `old`'s value (firejail keeps the
/// last line of these options).
fn replaced(notes: &mut Vec<String>, option: &str, old: &Option<Set<String>>, at: &At) {
    if let Some(old) = old {
        notes.push(format!(
            "`{option}` at {}:{} is replaced by the one at {}:{}: firejail keeps only the last",
            old.at.file, old.at.line, at.file, at.line
        ));
    }
}

/// `seccomp_check_list`: only letters, digits and `_ , : @ - $ !`.
fn checked_list(list: &str, at: &At) -> Result<Set<String>, ImportError> {
    if let Some((i, c)) = list.char_indices().find(|&(_, c)| {
        !(c.is_ascii_alphanumeric() || matches!(c, '_' | ',' | ':' | '@' | '-' | '$' | '!'))
    }) {
        return Err(at.plus(i).error(format!(
            "`{c}` in a syscall list: firejail refuses the line (only letters, digits and `_,:@-$!`)"
        )));
    }
    Ok(Set {
        at: at.clone(),
        value: list.to_owned(),
    })
}

/// `profile_list_augment`: `x` adds, `-x` removes, `+x` adds, `=x` starts
/// over; duplicates are dropped.
fn augment(list: &mut Option<Set<String>>, add: &str, at: &At) {
    let mut items: Vec<String> = list
        .as_ref()
        .map(|l| l.value.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    for item in add.split(',').filter(|i| !i.is_empty()) {
        if let Some(x) = item.strip_prefix('-') {
            items.retain(|i| i != x);
        } else if let Some(x) = item.strip_prefix('=') {
            items.clear();
            if !x.is_empty() {
                items.push(x.to_owned());
            }
        } else {
            let x = item.strip_prefix('+').unwrap_or(item);
            if !x.is_empty() && !items.iter().any(|i| i == x) {
                items.push(x.to_owned());
            }
        }
    }
    items.retain(|i| !i.is_empty());
    *list = Some(Set {
        at: at.clone(),
        value: items.join(","),
    });
}

/// `line_remove_spaces` after the comment is cut: the line and the column
/// where it starts; `None` for a line with nothing left.
fn normalize(raw: &str) -> Option<(usize, String)> {
    let code = raw.split('#').next().unwrap_or(raw);
    let code = code.split(['\n', '\r']).next().unwrap_or(code);
    let start = code.find(|c| c != ' ' && c != '\t')?;
    let words: Vec<&str> = code[start..]
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    Some((start + 1, words.join(" ")))
}

/// The conditions of `?NAME:` lines (profile.c `conditionals`).
const CONDITIONS: [&str; 9] = [
    "HAS_APPIMAGE",
    "HAS_NET",
    "HAS_NODBUS",
    "HAS_NOSOUND",
    "HAS_PRIVATE",
    "HAS_X11",
    "BROWSER_DISABLE_U2F",
    "BROWSER_ALLOW_DRM",
    "ALLOW_TRAY",
];

/// The options that configure a seccomp filter (see `seccomp_option`).
pub(crate) const SECCOMP_OPTIONS: [&str; 12] = [
    "seccomp",
    "seccomp.drop",
    "seccomp.keep",
    "seccomp.32",
    "seccomp.32.drop",
    "seccomp.32.keep",
    "seccomp.block-secondary",
    "seccomp-error-action",
    "allow-debuggers",
    "memory-deny-write-execute",
    "restrict-namespaces",
    "protocol",
];

/// firejail 0.9.72's other options, as profile_check_line accepts them:
/// the whole line, or (ending in a space) the option and an argument;
/// `private-lib` is matched as a prefix, as there (`strncmp(ptr,
/// "private-lib", 11)`). File system, network, D-Bus, capabilities,
/// environment, X11 and resource settings, none of which changes a seccomp
/// filter. (`noroot` sets up a user namespace, `nonewprivs` sets
/// no_new_privs, which firejail sets anyway when it installs a filter.)
/// Extracted from src/firejail/profile.c at tag 0.9.72 (every `strcmp` and
/// `strncmp` of the line in profile_check_line, less the seccomp options,
/// `ignore` and the `rlimit` umbrella, whose six forms are listed).
const OTHER_OPTIONS: &[&str] = &[
    "allusers",
    "apparmor ",
    "apparmor",
    "apparmor-replace",
    "apparmor-stack",
    "bind ",
    "blacklist ",
    "blacklist-nolog ",
    "caps",
    "caps.drop ",
    "caps.drop all",
    "caps.keep ",
    "cpu ",
    "dbus-system ",
    "dbus-system.broadcast ",
    "dbus-system.call ",
    "dbus-system.own ",
    "dbus-system.see ",
    "dbus-system.talk ",
    "dbus-user ",
    "dbus-user.broadcast ",
    "dbus-user.call ",
    "dbus-user.own ",
    "dbus-user.see ",
    "dbus-user.talk ",
    "defaultgw ",
    "deterministic-exit-code",
    "deterministic-shutdown",
    "disable-mnt",
    "dns ",
    "env ",
    "hostname ",
    "hosts-file ",
    "ip ",
    "ip6 ",
    "ipc-namespace",
    "iprange ",
    "join-or-start ",
    "keep-config-pulse",
    "keep-dev-shm",
    "keep-fd ",
    "keep-var-tmp",
    "mac ",
    "machine-id",
    "mkdir ",
    "mkfile ",
    "mtu ",
    "name ",
    "net ",
    "net none",
    "netfilter ",
    "netfilter",
    "netfilter6 ",
    "netlock",
    "netmask ",
    "netns ",
    "nice ",
    "no3d",
    "noautopulse",
    "noblacklist ",
    "nodbus",
    "nodvd",
    "noexec ",
    "nogroups",
    "noinput",
    "nonewprivs",
    "noprinters",
    "noroot",
    "nosound",
    "notv",
    "nou2f",
    "novideo",
    "nowhitelist ",
    "overlay",
    "overlay-named ",
    "overlay-tmpfs",
    "private ",
    "private",
    "private-bin ",
    "private-cache",
    "private-cwd ",
    "private-cwd",
    "private-dev",
    "private-etc ",
    "private-home ",
    "private-lib",
    "private-opt ",
    "private-srv ",
    "private-tmp",
    "read-only ",
    "read-write ",
    "rlimit-as ",
    "rlimit-cpu ",
    "rlimit-fsize ",
    "rlimit-nofile ",
    "rlimit-nproc ",
    "rlimit-sigpending ",
    "rmenv ",
    "shell none",
    "tab",
    "timeout ",
    "tmpfs ",
    "tracelog",
    "veth-name ",
    "whitelist ",
    "writable-etc",
    "writable-run-user",
    "writable-var",
    "writable-var-log",
    "x11 none",
    "x11 xephyr",
    "x11 xorg",
    "x11 xpra",
    "x11 xvfb",
    "x11",
    "xephyr-screen ",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs() -> Dirs {
        Dirs {
            search: Vec::new(),
            home: Some(PathBuf::from("/nonexistent-home")),
        }
    }

    #[test]
    fn lines_are_normalized_as_firejail_does() {
        assert_eq!(
            normalize("  seccomp\t\tmount,  # x"),
            Some((3, "seccomp mount,".into()))
        );
        assert_eq!(normalize("   # only a comment"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn repeated_lists_keep_the_last_and_augmented_lists_combine() {
        let p = read(
            "p.profile",
            "seccomp.keep read,write\nseccomp.keep read\nprotocol unix,inet\nprotocol -inet,inet6\nrestrict-namespaces user\nrestrict-namespaces =net\n",
            &dirs(),
        )
        .unwrap();
        assert_eq!(p.keep.unwrap().value, "read");
        assert_eq!(p.protocol.unwrap().value, "unix,inet6");
        assert_eq!(p.namespaces.unwrap().value, "net");
    }

    #[test]
    fn ignore_and_conditions() {
        let p = read(
            "p",
            "ignore seccomp\nseccomp mount\n?HAS_X11: private-dev\n",
            &dirs(),
        )
        .unwrap();
        assert!(p.seccomp.is_none());
        assert_eq!(p.skipped.len(), 2);
        let e = read("p", "?HAS_NET: seccomp.drop mount\n", &dirs()).unwrap_err();
        assert_eq!(e.location, "p:1:1");
        assert!(e.message.contains("run-time condition"), "{e}");
        assert!(read("p", "?HAS_SOMETHING: seccomp\n", &dirs()).is_err());
    }

    #[test]
    fn unknown_options_and_bad_lists_are_errors_with_columns() {
        let e = read("p", "\n  frobnicate yes\n", &dirs()).unwrap_err();
        assert_eq!(e.location, "p:2:3");
        let e = read("p", "seccomp.drop mount, umount2\n", &dirs()).unwrap_err();
        assert_eq!(e.location, "p:1:20");
        assert!(read("p", "seccomp.drop\n", &dirs()).is_err());
    }

    /// Audit of issue 8: a condition's body is read as a line of its
    /// own when the condition holds, so an `ignore` of a seccomp option or
    /// another condition with a seccomp option changes the filter only
    /// then (profile.c `profile_check_conditional` calls
    /// `profile_check_line` on the body).
    #[test]
    fn conditional_ignores_and_nested_conditions() {
        let e = read("p", "?HAS_X11: ignore seccomp.drop\n", &dirs()).unwrap_err();
        assert_eq!(e.location, "p:1:1");
        assert!(e.message.contains("`ignore` under `?HAS_X11`"), "{e}");
        let e = read("p", "?HAS_NET: ignore include\n", &dirs()).unwrap_err();
        assert!(e.message.contains("run-time condition"), "{e}");
        let e = read("p", "\n?HAS_X11: ?HAS_NET: protocol unix\n", &dirs()).unwrap_err();
        assert_eq!(e.location, "p:2:1");
        assert!(e.message.contains("`protocol` under `?HAS_NET`"), "{e}");
        assert!(read("p", "?HAS_X11: ?NOPE: x\n", &dirs()).is_err());
        // Debian's profiles: `?HAS_APPIMAGE: ignore private-dev`.
        let p = read(
            "p",
            "?HAS_APPIMAGE: ignore private-dev\nignore seccomp\n?HAS_X11: seccomp\n",
            &dirs(),
        )
        .unwrap();
        assert_eq!(p.skipped.len(), 2, "{:?}", p.skipped);
        assert!(p.seccomp.is_none());
    }

    /// Audit of issue 8: options firejail accepts only in some forms.
    #[test]
    fn other_options_in_firejails_forms() {
        for ok in [
            "private-dev",
            "x11 none",
            "private-lib",
            "private-lib a,b",
            "rlimit-as 1g",
            "dbus-user none",
            "net none",
            "net eth0",
        ] {
            assert!(other_option(ok), "{ok}");
        }
        for bad in [
            "private-dev /dev",
            "x11 wayland",
            "rlimit-foo 1",
            "private",
            "nonewprivs yes",
            "caps.drop",
        ] {
            assert!(!other_option(bad) || bad == "private", "{bad}");
        }
        assert!(other_option("private"), "`private` alone is firejail's");
        let e = read("p", "nonewprivs yes\n", &dirs()).unwrap_err();
        assert!(
            e.message.contains("refuses this form of `nonewprivs`"),
            "{e}"
        );
    }

    /// Audit of issue 8: fgets reads 8191 bytes at a time (MAX_READ), and
    /// firejail allows 32 `ignore` lines (MAX_PROFILE_IGNORE).
    #[test]
    fn firejails_limits() {
        let fits = format!("seccomp.drop mount{}\n", " ".repeat(9000));
        assert!(
            read("p", &fits, &dirs()).is_ok(),
            "blank pieces are blank lines"
        );
        let long = format!("seccomp.drop mount,{}chroot\n", "read,".repeat(1700));
        let e = read("p", &long, &dirs()).unwrap_err();
        assert_eq!(e.location, "p:1:8192");
        let ignores: String = (0..33).map(|i| format!("ignore o{i}\n")).collect();
        let e = read("p", &ignores, &dirs()).unwrap_err();
        assert_eq!(e.location, "p:33:1");
        let fine: String = (0..32).map(|i| format!("ignore o{i}\n")).collect();
        assert!(read("p", &fine, &dirs()).is_ok());
    }

    #[test]
    fn crlf_and_carriage_returns_end_the_line() {
        let p = read("p", "seccomp.drop mount\r\nprotocol unix\rinet\n", &dirs()).unwrap();
        assert_eq!(p.drop.unwrap().value, "mount");
        assert_eq!(
            p.protocol.unwrap().value,
            "unix",
            "line_remove_spaces stops at \\r"
        );
    }

    #[test]
    fn local_files_as_profile_read_tells_them() {
        assert!(is_local("/x/app.local"));
        assert!(is_local("app.local"));
        assert!(!is_local("a.localb.local"), "the first `.local` decides");
        assert!(!is_local("/x.local/app.inc"));
    }

    #[test]
    fn includes() {
        let dir = std::env::temp_dir().join(format!("fj-include-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("common.inc"), "seccomp.drop mount\n").unwrap();
        let d = Dirs {
            search: vec![dir.clone()],
            home: None,
        };
        let p = read("p", "include common.inc\ninclude p.local\n", &d).unwrap();
        assert_eq!(p.drop.unwrap().value, "mount");
        assert_eq!(p.missing_local.len(), 1);
        let e = read("p", "include nowhere.inc\n", &d).unwrap_err();
        assert!(e.message.contains("cannot find `nowhere.inc`"), "{e}");
        assert_eq!(e.location, "p:1:1");
        // A directory is refused (profile_read: invalid profile file),
        // even one named `.local`.
        std::fs::create_dir_all(dir.join("d.local")).unwrap();
        let e = read("p", "include d.local\n", &d).unwrap_err();
        assert!(e.message.contains("is a directory"), "{e}");
        // After allow-debuggers, disable-devel.inc is not read.
        std::fs::write(dir.join("disable-devel.inc"), "seccomp.drop chroot\n").unwrap();
        let p = read("p", "include disable-devel.inc\n", &d).unwrap();
        assert_eq!(p.drop.unwrap().value, "chroot");
        let p = read("p", "allow-debuggers\ninclude disable-devel.inc\n", &d).unwrap();
        assert!(p.drop.is_none());
        assert_eq!(p.skipped[0].1.line, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
