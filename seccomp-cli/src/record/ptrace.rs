//! `record`'s view of a traced run. The tracing itself is
//! seccomp-tracer's: every syscall entry of the command and of every
//! process and thread it starts (`PTRACE_SYSCALL`), or with
//! `--after-sandbox` only the calls made under the command's own filter.

use crate::args::{CliError, Result};
use crate::trace;
use seccomp_compiler::Arch;
use seccomp_compiler::arch::X32_SYSCALL_BIT;
pub use seccomp_tracer::Ending;
use seccomp_tracer::{Mode, Options, Report};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;

/// What one traced run did.
#[derive(Debug, Default)]
pub struct Recording {
    /// Native syscall numbers and how often each was made.
    pub syscalls: BTreeMap<u32, u64>,
    /// Calls through another ABI (compat or x32), by `(audit arch, nr)`.
    pub other_abi: BTreeMap<(u32, u64), u64>,
    /// Every process and thread seen.
    pub tasks: BTreeSet<libc::pid_t>,
    /// Whether the command's `execve` succeeded.
    pub executed: bool,
    /// How the command's first process ended.
    pub status: Option<Ending>,
    /// How many filters the command installed (with `--after-sandbox`).
    pub installs: usize,
}

/// Runs `command` under the tracer until it and all its descendants have
/// exited, recording every call, or with `after_sandbox` only those made
/// under the command's own filter.
pub fn record(command: &[OsString], arch: Arch, after_sandbox: bool) -> Result<Recording> {
    let mode = if after_sandbox {
        Mode::AfterSandbox
    } else {
        Mode::Everything
    };
    let mut options = Options::new(mode);
    options.outlive_interrupts = true;
    let report = trace::trace(command, &options)?;
    if let Some(note) = report.notes.first() {
        crate::output::stderr_line(&format!("seccompc record: note: {note}"));
    }
    Ok(recording(report, arch))
}

fn recording(report: Report, arch: Arch) -> Recording {
    let mut r = Recording {
        tasks: report.tasks,
        executed: report.executed,
        status: report.status,
        installs: report.installs.iter().filter(|i| i.result.is_ok()).count(),
        ..Recording::default()
    };
    for (call, seen) in report.calls {
        let native = call.arch == arch.audit_arch()
            && !(arch.has_x32_abi() && call.nr & u64::from(X32_SYSCALL_BIT) != 0);
        match u32::try_from(call.nr) {
            Ok(nr) if native => *r.syscalls.entry(nr).or_default() += seen.count,
            _ => *r.other_abi.entry((call.arch, call.nr)).or_default() += seen.count,
        }
    }
    r
}

/// For `record`'s error messages.
pub fn no_sandbox(shown: &str) -> CliError {
    CliError::failed(format!(
        "`{shown}` installed no seccomp filter, so nothing ran under one; without --after-sandbox, record records every call"
    ))
}
