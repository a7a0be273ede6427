//! `seccompc learn`: run a command so that what its seccomp filters (or a
//! policy given here) refuse is recorded instead of enforced, then say
//! what was refused and what to paste into the policy.

mod report;

use crate::args::{CliError, CommandLine, Result};
use crate::input::{self, Compiled};
use crate::{output, trace};
use seccomp_tracer::{Mode, Options, Report};
use std::ffi::OsString;
use std::io::Write as _;

/// `seccompc learn`.
#[derive(clap::Args)]
#[command(
    about = "run a command and list what its seccomp policy refuses (it all runs)",
    long_about = "\
run a command and list what its seccomp policy refuses

Runs CMD (searched in PATH) and every process and thread it starts under
ptrace. Each seccomp filter the program installs itself (its own
`Policy::apply` or `#[sandbox]`, or any seccomp(2) or prctl(PR_SET_SECCOMP)
call, with or without TSYNC) is installed with its refusals turned into
traces: a call the filter would kill, trap or fail with an errno stops the
program once, is recorded with the action its filter would have taken, and
then runs. With --policy, POLICY is installed the same way before CMD
starts (as `seccompc run` would install it). Nothing is enforced, nothing
is rate-limited, and no kernel log is read.

When every process has exited (Ctrl-C ends CMD, not seccompc), prints to
standard error (or REPORT) each refused syscall with its number, how often
it was refused and with which action, and the arguments of its first
call; calls through another ABI (i386 `int 0x80` on x86_64), which every
policy kills; and a `keep` statement to paste into the policy.

Limits: a program that traces its own children (a debugger, strace) cannot
run under learn; traced setuid programs run without their privileges
(unless seccompc runs as root); a program that emulates syscalls in its own
SIGSYS handler sees them run for real unless --keep-trap is given; calls
the vDSO answers (clock_gettime, ...) never reach seccomp at all. One run
shows only the paths it took. Everything after the options is the command,
verbatim; `--` before it is allowed.",
    after_long_help = "\
Examples:
  seccompc learn -- ./my-sandboxed-daemon --port 8080
  seccompc learn --policy service.policy -- ls -la /usr

Exit status: 0 when the report was written (whatever CMD's status, which
it states), 127 if CMD is not found, 126 if it cannot be executed, 1 if it
could not be traced or POLICY has errors, 2 for a mistake on the command
line."
)]
pub struct Args {
    /// Install POLICY (compiled for this machine) before CMD starts, and
    /// record what it refuses too
    #[arg(long, value_name = "POLICY")]
    policy: Option<String>,
    /// Leave `trap` returns as they are: the program gets its SIGSYS (for
    /// programs that emulate syscalls in a handler); the call is reported
    /// without its arguments
    #[arg(long)]
    keep_trap: bool,
    /// Write the report to REPORT instead of standard error
    #[arg(short, long, value_name = "REPORT")]
    output: Option<String>,
    #[command(flatten)]
    command: CommandLine,
}

pub fn main(args: Args) -> Result<()> {
    let arch = input::require_native_arch()?;
    let policy = args
        .policy
        .as_deref()
        .map(|path| input::compile_for(input::read_policy(path)?, arch))
        .transpose()?;
    learn(&Learn {
        policy: policy.as_ref(),
        keep_trap: args.keep_trap,
        output: args.output.as_deref(),
        command: &args.command.words,
    })
    .map(drop)
}

/// One learning run, for `learn` and `run --log`.
pub struct Learn<'a> {
    pub policy: Option<&'a Compiled>,
    pub keep_trap: bool,
    /// Where the report goes (standard error if `None`).
    pub output: Option<&'a str>,
    pub command: &'a [OsString],
}

/// Runs the command, writes the report, and returns what the tracer saw.
pub fn learn(l: &Learn) -> Result<Report> {
    // clap requires at least one word of the command.
    if l.command.is_empty() {
        return Err(CliError::usage("learn", "expected the command to run"));
    }
    let arch = input::require_native_arch()?;
    let mut options = Options::new(Mode::Refusals {
        keep_trap: l.keep_trap,
    });
    options.policy = l.policy.map(Compiled::filters).transpose()?;
    options.outlive_interrupts = true;
    let traced = trace::trace(l.command, &options)?;
    let text = report::render(&report::Run {
        arch,
        command: &trace::shown(l.command),
        policy: l.policy,
        report: &traced,
    });
    match l.output {
        Some(path) => output::write(Some(path), text.as_bytes())?,
        None => {
            // The report is the result, so a failure to write it is one.
            let mut stderr = std::io::stderr().lock();
            stderr
                .write_all(text.as_bytes())
                .map_err(|e| CliError::failed(format!("cannot write standard error: {e}")))?;
        }
    }
    Ok(traced)
}
