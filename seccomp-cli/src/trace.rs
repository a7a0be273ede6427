//! Running a command under the tracer (seccomp-tracer), for `record` and
//! `learn`: finding it, and turning the tracer's errors into the exit
//! statuses a shell would give.

use crate::args::{CliError, Result};
use crate::output;
use crate::run::{c_string, c_strings, find_executable};
use seccomp_tracer::{Error, Options, Report};
use std::ffi::OsString;

/// Runs `command` (searched in PATH) under the tracer.
pub fn trace(command: &[OsString], options: &Options) -> Result<Report> {
    let Some(program) = command.first() else {
        return Err(CliError::failed("no command to run"));
    };
    let path = c_string(find_executable(program)?.as_os_str())?;
    let argv = c_strings(command)?;
    seccomp_tracer::trace_command(&path, &argv, options).map_err(|e| match e {
        Error::Exec { errno } => {
            let why = match errno {
                libc::ENOENT => "no such file".to_owned(),
                libc::EACCES => "permission denied".to_owned(),
                libc::ENOEXEC => "not an executable file".to_owned(),
                _ => std::io::Error::from_raw_os_error(errno).to_string(),
            };
            output::stderr_line(&format!(
                "seccompc: cannot execute `{}`: {why}",
                program.to_string_lossy()
            ));
            CliError::Exit(if errno == libc::ENOENT { 127 } else { 126 })
        }
        other => CliError::failed(other.to_string()),
    })
}

/// A command line as a POSIX shell would read it back, quoted only where
/// needed.
pub fn shown(command: &[OsString]) -> String {
    command
        .iter()
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `arg` as a POSIX shell word.
pub fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("/bin/ls"), "/bin/ls");
        assert_eq!(shell_quote("ls /tmp; echo"), "'ls /tmp; echo'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
