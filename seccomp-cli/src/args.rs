//! Command-line arguments: a small hand-written parser (one pass, no
//! dependency) and the errors every command returns.
//!
//! Conventions: `--opt VALUE` or `--opt=VALUE`, `-o VALUE`; `-` alone is a
//! positional (standard input); `--` ends the options; a word starting
//! with `-` and a digit is a positional (a negative syscall argument);
//! `-h`/`--help` anywhere prints the command's help. Commands that run a
//! program (`run`, `record`) take everything after their last positional
//! (or after `--`) as the program's command line, verbatim.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;

/// Why a command stopped, and with which exit status.
#[derive(Debug)]
pub enum CliError {
    /// The command line cannot be understood (exit status 2); `command`
    /// names the subcommand whose help to point at.
    Usage {
        command: &'static str,
        message: String,
    },
    /// Diagnostics already rendered against the policy source (exit 1).
    Policy(String),
    /// Anything else that went wrong: a missing file, an unknown syscall
    /// name, a refused `seccomp(2)` (exit 1).
    Failed(String),
    /// Exit with this status and no further message (it was printed).
    Exit(i32),
}

impl CliError {
    pub fn usage(command: &'static str, message: impl Into<String>) -> CliError {
        CliError::Usage {
            command,
            message: message.into(),
        }
    }

    pub fn failed(message: impl Into<String>) -> CliError {
        CliError::Failed(message.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage { .. } => 2,
            CliError::Policy(_) | CliError::Failed(_) => 1,
            CliError::Exit(code) => *code,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage { command, message } => {
                let cmd = if command.is_empty() {
                    String::new()
                } else {
                    format!(" {command}")
                };
                write!(
                    f,
                    "seccompc{cmd}: {message}\nTry `seccompc{cmd} --help` for more information."
                )
            }
            CliError::Policy(rendered) => f.write_str(rendered.trim_end()),
            CliError::Failed(message) => write!(f, "seccompc: {message}"),
            CliError::Exit(_) => Ok(()),
        }
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// What a command accepts.
pub struct Spec {
    pub command: &'static str,
    /// Options that take a value, each with its aliases (`["-o", "--output"]`).
    pub options: &'static [&'static [&'static str]],
    /// Options without a value.
    pub flags: &'static [&'static str],
    /// After this many positionals, the rest is a command line (`run`,
    /// `record`); `None` for commands that take none.
    pub command_after: Option<usize>,
}

/// The parsed command line of one subcommand.
#[derive(Debug, Default)]
pub struct Parsed {
    pub positionals: Vec<String>,
    /// Option values by their first (canonical) spelling, in order.
    pub options: BTreeMap<&'static str, Vec<String>>,
    pub flags: Vec<&'static str>,
    /// The program's command line, for `run` and `record`.
    pub command: Vec<OsString>,
    pub help: bool,
}

impl Parsed {
    /// The value of an option given once or more: the last one wins.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of an option that may be repeated.
    pub fn option_all(&self, name: &str) -> &[String] {
        self.options.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }
}

impl Spec {
    /// Parses `args` (without the program and subcommand names).
    /// Parses `args`; for `-h`/`--help`, prints `help` and returns `None`.
    pub fn parse_or_help(&self, args: Vec<OsString>, help: &str) -> Result<Option<Parsed>> {
        let parsed = self.parse(args)?;
        if parsed.help {
            print!("{help}");
            return Ok(None);
        }
        Ok(Some(parsed))
    }

    /// The one positional argument, called `what` when it is missing or
    /// there are several.
    pub fn one_positional<'p>(&self, parsed: &'p Parsed, what: &str) -> Result<&'p str> {
        match parsed.positionals.as_slice() {
            [one] => Ok(one),
            _ => Err(self.usage(format!("expected one {what}"))),
        }
    }

    pub fn parse(&self, args: Vec<OsString>) -> Result<Parsed> {
        let mut out = Parsed::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if self.command_starts(&out, &arg) {
                out.command.push(arg);
                out.command.extend(args.by_ref());
                break;
            }
            let text = self.utf8(arg)?;
            if text == "--" {
                match self.command_after {
                    Some(_) => out.command.extend(args.by_ref()),
                    None => {
                        for a in args.by_ref() {
                            out.positionals.push(self.utf8(a)?);
                        }
                    }
                }
                break;
            }
            if text == "-h" || text == "--help" {
                out.help = true;
            } else if is_option(&text) {
                self.option(&text, &mut args, &mut out)?;
            } else {
                out.positionals.push(text);
            }
        }
        Ok(out)
    }

    /// Whether `arg` starts the program's command line: the first word
    /// that is not an option once the positionals are complete.
    fn command_starts(&self, out: &Parsed, arg: &OsString) -> bool {
        let is_word = arg.as_encoded_bytes().first() != Some(&b'-');
        is_word && self.command_after == Some(out.positionals.len())
    }

    fn option(
        &self,
        text: &str,
        args: &mut impl Iterator<Item = OsString>,
        out: &mut Parsed,
    ) -> Result<()> {
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (text, None),
        };
        if let Some(&canonical) = self.flags.iter().find(|&&f| f == name) {
            if inline.is_some() {
                return Err(self.usage(format!("`{name}` takes no value")));
            }
            out.flags.push(canonical);
            return Ok(());
        }
        let Some(aliases) = self.options.iter().find(|a| a.contains(&name)) else {
            return Err(self.unknown_option(name));
        };
        let value = match inline {
            Some(v) => v,
            None => match args.next() {
                Some(v) => self.utf8(v)?,
                None => return Err(self.usage(format!("`{name}` needs a value"))),
            },
        };
        out.options.entry(aliases[0]).or_default().push(value);
        Ok(())
    }

    fn unknown_option(&self, name: &str) -> CliError {
        let known = self
            .options
            .iter()
            .flat_map(|a| a.iter().copied())
            .chain(self.flags.iter().copied())
            .chain(["--help"]);
        let hint = seccomp_compiler::diag::nearest(name, known)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        self.usage(format!("unknown option `{name}`{hint}"))
    }

    fn utf8(&self, arg: OsString) -> Result<String> {
        arg.into_string()
            .map_err(|a| self.usage(format!("argument {a:?} is not valid UTF-8")))
    }

    pub fn usage(&self, message: impl Into<String>) -> CliError {
        CliError::usage(self.command, message)
    }
}

/// `-x`, `--xyz`, but not `-` (standard input) or `-12` (a negative number).
fn is_option(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next() == Some('-')
        && chars
            .next()
            .is_some_and(|c| c == '-' || !c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    const COMPILE: Spec = Spec {
        command: "compile",
        options: &[&["--arch"], &["-o", "--output"]],
        flags: &["--log"],
        command_after: None,
    };

    #[test]
    fn options_flags_and_positionals() {
        let p = COMPILE
            .parse(os(&[
                "p.policy",
                "--arch=x86_64",
                "-o",
                "out",
                "--log",
                "-",
            ]))
            .unwrap();
        assert_eq!(p.positionals, ["p.policy", "-"]);
        assert_eq!(p.option("--arch"), Some("x86_64"));
        assert_eq!(p.option("-o"), Some("out"));
        assert!(p.flag("--log"));
        let p = COMPILE.parse(os(&["--arch", "a", "--arch=b"])).unwrap();
        assert_eq!(p.option("--arch"), Some("b"));
        assert_eq!(p.option_all("--arch"), ["a", "b"]);
    }

    #[test]
    fn negative_numbers_are_positionals() {
        let p = COMPILE.parse(os(&["openat", "-100", "-0x1"])).unwrap();
        assert_eq!(p.positionals, ["openat", "-100", "-0x1"]);
    }

    #[test]
    fn mistakes_are_usage_errors() {
        let e = COMPILE.parse(os(&["--ach", "x"])).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("did you mean `--arch`?"), "{e}");
        let e = COMPILE.parse(os(&["--arch"])).unwrap_err();
        assert!(e.to_string().contains("`--arch` needs a value"), "{e}");
    }

    #[test]
    fn the_command_line_after_the_positionals_is_verbatim() {
        let run = Spec {
            command: "run",
            options: &[],
            flags: &["--log"],
            command_after: Some(1),
        };
        let p = run
            .parse(os(&["--log", "p.policy", "ls", "-l", "--help"]))
            .unwrap();
        assert_eq!(p.positionals, ["p.policy"]);
        assert_eq!(p.command, os(&["ls", "-l", "--help"]));
        assert!(!p.help);
        let p = run.parse(os(&["p.policy", "--", "--weird"])).unwrap();
        assert_eq!(p.command, os(&["--weird"]));
    }
}
