//! Everything seccompc prints goes through here, so that no write can
//! panic (`print!` panics when standard output is full or closed) and
//! write errors are handled as coreutils handles them:
//!
//! - standard output a pipe whose reader has gone (EPIPE): stop quietly,
//!   killed by SIGPIPE as `cat` is (`seccompc syscalls | head`);
//! - any other error on standard output (ENOSPC on `/dev/full`, EIO): a
//!   message naming it on standard error and exit status 1;
//! - errors writing standard error itself: nothing left to report them to,
//!   so they are ignored and the exit status says what happened.
//!
//! `main.rs` denies `clippy::print_stdout` and `clippy::print_stderr`, so
//! a new command cannot bypass this module by accident.

use crate::args::{CliError, Result};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::MetadataExt;

/// Writes `bytes` to standard output and flushes them.
pub fn stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// The error of a failed write to standard output.
pub fn stdout_error(e: std::io::Error) -> CliError {
    if e.kind() == ErrorKind::BrokenPipe {
        CliError::BrokenPipe
    } else {
        CliError::failed(format!("cannot write standard output: {e}"))
    }
}

/// Writes `text` and a newline to standard error, ignoring failure.
pub fn stderr_line(text: &str) {
    let mut err = std::io::stderr().lock();
    // Standard error is where a failure would be reported: if it cannot be
    // written there is nowhere left, and the exit status still tells.
    let _ = err
        .write_all(text.as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// A `warning:` line on standard error.
pub fn warn(text: &str) {
    stderr_line(&format!("warning: {text}"));
}

/// Ends the process the way a closed pipe ends `cat`: by SIGPIPE, with no
/// message. Rust programs ignore SIGPIPE (so that writes return EPIPE
/// instead), hence the disposition is reset before raising it.
pub fn broken_pipe() -> ! {
    // SAFETY: signal(2) with SIG_DFL installs no handler, and raise(3)
    // sends a signal to this thread; neither touches Rust-managed memory.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    // Unreachable unless SIGPIPE is blocked: exit as a shell reports a
    // death by SIGPIPE.
    std::process::exit(128 + libc::SIGPIPE)
}

/// Writes to `-o OUT`, or standard output (also for `-o -`).
pub fn write(to: Option<&str>, bytes: &[u8]) -> Result<()> {
    match to {
        Some(path) if path != "-" => std::fs::write(path, bytes)
            .map_err(|e| CliError::failed(format!("cannot write `{path}`: {e}"))),
        _ => stdout(bytes),
    }
}

/// Refuses `-o OUT` when OUT is the input file itself (by device and
/// inode, so another spelling, a symbolic or a hard link is caught too):
/// writing would destroy the policy before it is read.
pub fn refuse_overwriting_input(
    command: &'static str,
    input: &str,
    to: Option<&str>,
) -> Result<()> {
    let Some(to) = to.filter(|&t| t != "-" && input != "-") else {
        return Ok(());
    };
    let same = match (std::fs::metadata(input), std::fs::metadata(to)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    };
    if same {
        return Err(CliError::usage(
            command,
            format!(
                "`-o {to}` is the input file `{input}`: writing it would destroy the input; choose another output"
            ),
        ));
    }
    Ok(())
}
