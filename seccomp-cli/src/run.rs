//! `seccompc run`: install a policy in this process, then execute a
//! command under it.
//!
//! Everything that can fail or that needs syscalls the policy may refuse
//! (compiling, finding and checking the command, building `argv`,
//! resetting signal dispositions, preparing what a failing `execve`
//! reports) happens before the filter is installed; after it, the only
//! syscall made is `execve`, and if it fails, only calls the program was
//! shown to allow (`launch.rs`).

mod launch;

pub use launch::{c_string, c_strings, find_executable};

use crate::args::{CliError, CommandLine, Result};
use crate::input::{self, Compiled};
use crate::learn;
use crate::pretty::Locator;
use launch::Launch;
use seccomp_compiler::Action;
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::decide::Lookup;
use seccomp_compiler::tables::syscalls;
use seccomp_tracer::Ending;
use std::ffi::OsString;

/// `seccompc run`.
#[derive(clap::Args)]
#[command(
    about = "install a policy and execute a command under it",
    long_about = "\
run a command under a policy

Compiles POLICY for the running architecture, installs it in this process
(no_new_privs, then seccomp(2) with TSYNC, after checking that the kernel
supports every action) and executes CMD with ARGS, searching PATH. The
filter applies to CMD and to every process it starts: filters survive
fork and execve and cannot be removed. Because no_new_privs is set,
setuid and file-capability programs run without their privileges.

The policy must allow `execve` (it is checked), and what CMD's dynamic
loader and libc need at start-up: `base @system-service;` is a good start,
`seccompc record` finds the rest. Everything after POLICY is the command,
verbatim; `--` before it is allowed.",
    after_long_help = "\
Examples:
  seccompc run service.policy -- /usr/bin/env ls -l
  seccompc run --log service.policy ./server --port 8080

Exit status: CMD's own; 126 if CMD cannot be executed, 127 if it is not
found, 1 if the policy has errors or cannot be installed, 2 for a mistake
on the command line."
)]
pub struct Args {
    /// Learning mode: nothing is refused. Every call the policy would
    /// refuse runs, and when the command has ended each one is listed on
    /// standard error with its count, its action and its first arguments,
    /// with a `keep` to paste: `seccompc learn --policy POLICY -- CMD`
    /// (which see). No kernel log is read and nothing is rate-limited
    #[arg(long)]
    log: bool,
    /// The policy; `-` reads standard input
    policy: String,
    #[command(flatten)]
    command: CommandLine,
}

pub fn main(args: Args) -> Result<()> {
    // clap requires at least one word of the command.
    let Some(program) = args.command.words.first() else {
        return Err(CliError::usage(
            "run",
            "expected the command to run after POLICY",
        ));
    };
    let arch = input::require_native_arch()?;
    let compiled = input::compile_for(input::read_policy(&args.policy)?, arch)?;
    if args.log {
        return learn_instead(&compiled, &args.command.words);
    }
    check_execve(&compiled)?;
    let prog = compiled.filters()?;
    let actions: Vec<Action> = compiled.output.program.actions.clone();
    let executable = find_executable(program)?;
    let launch = Launch::prepare(
        &executable,
        &args.command.words,
        &prog,
        arch,
        &compiled.source.name,
    )?;
    reset_signals();
    install(&prog, &actions)?;
    launch.exec()
}

/// Refuses a policy under which `execve` cannot start the command.
fn check_execve(c: &Compiled) -> Result<()> {
    let Some(nr) = syscalls::table(c.arch).number("execve") else {
        return Ok(());
    };
    let table = &c.output.table;
    let (runs, origin) = match table.lookup(nr) {
        Lookup::Named(d) => (d.actions().any(Action::lets_through), d.otherwise.origin),
        Lookup::Default(o) | Lookup::Unknown(o) => (o.action.lets_through(), o.origin),
        Lookup::OtherAbi => (false, table.default.origin),
    };
    if runs {
        return Ok(());
    }
    let locator = Locator {
        source: &c.source,
        policy: &c.policy,
    };
    Err(CliError::failed(format!(
        "`{}` refuses `execve` ({}), so the command could not be started under it: add `keep execve;`, or use --log to see what it refuses",
        c.source.name,
        locator.origin(origin)
    )))
}

/// `--log`: the command runs under the tracer with the policy's refusals
/// recorded, not enforced; the exit status is still the command's.
fn learn_instead(compiled: &Compiled, command: &[OsString]) -> Result<()> {
    let report = learn::learn(&learn::Learn {
        policy: Some(compiled),
        keep_trap: false,
        output: None,
        command,
    })?;
    match report.status {
        Some(Ending::Exited(0)) => Ok(()),
        // Exit statuses are 0..=255 (the low byte of the wait status).
        Some(Ending::Exited(code)) => Err(CliError::Exit(u8::try_from(code).unwrap_or(1))),
        // As a shell reports a death by a signal (signal numbers are < 128).
        Some(Ending::Signalled(signal)) => {
            Err(CliError::Exit(u8::try_from(128 + signal).unwrap_or(1)))
        }
        None => Err(CliError::Exit(1)),
    }
}

/// Gives the command default signal dispositions where Rust's runtime
/// changed them: SIGPIPE is ignored in Rust programs, and ignored signals
/// stay ignored across execve.
pub fn reset_signals() {
    // SAFETY: signal(2) with SIG_DFL installs no handler; the process is
    // single-threaded and about to exec.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Installs the program on this process with seccomp_runtime.
fn install(prog: &[SockFilter], actions: &[Action]) -> Result<()> {
    let filters: Vec<seccomp_runtime::SockFilter> = prog
        .iter()
        .map(|f| seccomp_runtime::SockFilter::new(f.code, f.jt, f.jf, f.k))
        .collect();
    let mut kinds: Vec<u32> = actions.iter().map(|a| a.kind_ret()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    // Leaked on purpose: the policy lives until exec replaces the process.
    let filters: &'static [seccomp_runtime::SockFilter] = Vec::leak(filters);
    let kinds: &'static [u32] = Vec::leak(kinds);
    seccomp_runtime::Policy::from_parts(filters, kinds, &[])
        .apply()
        .map_err(|e| CliError::failed(format!("cannot install the filter: {e}")))
}
