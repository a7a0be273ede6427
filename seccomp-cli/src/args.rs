//! What every command shares: the errors commands return (and the exit
//! status each means), and the value parsers clap uses for arguments
//! seccompc defines (architectures, identifiers), so that a mistake in them
//! is a command-line error (status 2) naming the argument.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use seccomp_compiler::Arch;
use seccomp_compiler::diag::nearest;
use std::ffi::OsStr;
use std::fmt;

/// Why a command stopped, and with which exit status.
#[derive(Debug)]
pub enum CliError {
    /// The command line cannot be understood (exit status 2), found after
    /// clap parsed it (e.g. a syscall argument that is not a number);
    /// `command` names the subcommand whose usage to show.
    Usage {
        command: &'static str,
        message: String,
    },
    /// Diagnostics already rendered against the policy source (exit 1).
    Policy(String),
    /// Anything else that went wrong: a missing file, an unknown syscall
    /// name, a refused `seccomp(2)` (exit 1).
    Failed(String),
    /// Standard output is a pipe nobody reads any more: end quietly, as
    /// `cat` does (see `output::broken_pipe`).
    BrokenPipe,
    /// Exit with this status and no further message (it was printed).
    Exit(u8),
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

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => 2,
            CliError::Policy(_) | CliError::Failed(_) | CliError::BrokenPipe => 1,
            CliError::Exit(code) => *code,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage { command, message } => write!(f, "seccompc {command}: {message}"),
            CliError::Policy(rendered) => f.write_str(rendered.trim_end()),
            CliError::Failed(message) => write!(f, "seccompc: {message}"),
            CliError::BrokenPipe | CliError::Exit(_) => Ok(()),
        }
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// ` (did you mean `x`?)`, or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// `--arch`: one of the architectures seccompc compiles for, by name or
/// alias (`amd64`, `arm64`); completions offer the names. A mistake is
/// reported with the nearest name by edit distance, which suggests
/// `x86_64` for `x86-65` where clap's own similarity picks `x86`.
#[derive(Clone, Copy, Debug)]
pub struct ArchParser;

impl TypedValueParser for ArchParser {
    type Value = Arch;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> std::result::Result<Arch, clap::Error> {
        let name = value.to_string_lossy();
        Arch::from_name(&name).ok_or_else(|| {
            let all: Vec<&str> = Arch::ALL.iter().map(|a| a.name()).collect();
            let what = arg.map_or_else(|| "ARCH".to_owned(), ToString::to_string);
            let message = format!(
                "invalid value '{name}' for '{what}': unknown architecture{}; one of: {}",
                did_you_mean(&name, Arch::all_names()),
                all.join(", ")
            );
            cmd.clone().error(ErrorKind::InvalidValue, message)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(Arch::ALL.iter().map(|a| {
            PossibleValue::new(a.name()).aliases(a.aliases().iter().copied())
        })))
    }
}

/// `--name`: something that can name a Rust or C item.
pub fn identifier(text: &str) -> std::result::Result<String, String> {
    if crate::format::is_identifier(text) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{text}` is not an identifier (letters, digits and `_`, not starting with a digit)"
        ))
    }
}

/// The command `run`, `record` and `learn` start: everything after their
/// options (or after `--`) verbatim, its own options included.
#[derive(clap::Args)]
pub struct CommandLine {
    /// The command (searched in PATH) and its arguments
    #[arg(
        value_name = "CMD",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub words: Vec<std::ffi::OsString>,
}

/// The help of an `--arch` that selects the architecture to compile for.
pub const ARCH_HELP: &str = "The architecture to compile for (default: this machine's, when the policy selects it; aliases such as amd64 and arm64 are accepted)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(identifier("FILTER_1").is_ok());
        assert!(identifier("_x").is_ok());
        for bad in ["a-b", "1a", "", "_"] {
            assert!(identifier(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn architectures_by_name_and_alias() {
        let cmd = clap::Command::new("t");
        let parse = |s: &str| ArchParser.parse_ref(&cmd, None, OsStr::new(s));
        assert_eq!(parse("arm64").unwrap(), Arch::Aarch64);
        assert_eq!(parse("x86_64").unwrap(), Arch::X86_64);
        let e = parse("x86-65").unwrap_err().to_string();
        assert!(e.contains("(did you mean `x86_64`?)"), "{e}");
    }
}
