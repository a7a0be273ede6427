//! `seccompc`: compile, inspect and run seccomp policies.
//!
//! This file only parses the command line (clap's derive API) and
//! dispatches; each command lives in its own module.
//!
//! To add a command `NAME`: write `src/NAME.rs` with
//! `#[derive(clap::Args)] pub struct Args` (its `about`, `long_about` and
//! an `after_long_help` with an example and the exit statuses, as in
//! `compile.rs`) and `pub fn main(args: Args) -> Result<()>`; then add
//! `mod NAME;`, a variant `Name(NAME::Args)` to `Command` and its arm in
//! `Command::run`. To add a flag, add a field to the command's `Args`.
//! Print only through `output` (clippy denies `print!` here), return
//! `CliError` for failures: the exit statuses follow from it. Completions
//! and the man page follow from the definitions.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod compile;
mod completions;
mod constants;
mod disasm;
mod explain;
mod export;
mod format;
mod groups;
mod import;
mod input;
mod learn;
mod man;
mod output;
mod pretty;
mod record;
mod rules;
mod run;
mod simulate;
mod syscalls;
mod trace;

use args::{CliError, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

/// The help layout of a command: `seccompc NAME: ABOUT` first, as the
/// hand-written help of earlier versions had it.
fn help_template(name: &str) -> String {
    format!(
        "seccompc {name}: {{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{{all-args}}{{after-help}}"
    )
}

#[derive(Parser)]
#[command(
    name = "seccompc",
    version,
    about = "compile, inspect and run seccomp policies",
    long_about = None,
    help_template = "seccompc {version}: {about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}",
    after_help = concat!(
        "`seccompc COMMAND --help` or `seccompc help COMMAND` describes a command.\n\n",
        "Exit status: 0 on success, 1 when a policy or file is wrong or an operation\n",
        "failed, 2 for a mistake on the command line.",
    ),
    arg_required_else_help = true,
    subcommand_required = true,
    max_term_width = 80,
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Compile(compile::Args),
    Explain(explain::Args),
    Disasm(disasm::Args),
    Simulate(simulate::Args),
    Syscalls(syscalls::Args),
    Groups(groups::Args),
    Constants(constants::Args),
    Run(run::Args),
    Record(record::Args),
    Learn(learn::Args),
    Import(import::Args),
    Export(export::Args),
    Completions(completions::Args),
    Man(man::Args),
}

impl Command {
    fn run(self) -> Result<()> {
        match self {
            Command::Compile(a) => compile::main(a),
            Command::Explain(a) => explain::main(a),
            Command::Disasm(a) => disasm::main(a),
            Command::Simulate(a) => simulate::main(a),
            Command::Syscalls(a) => syscalls::main(a),
            Command::Groups(a) => groups::main(a),
            Command::Constants(a) => constants::main(a),
            Command::Run(a) => run::main(a),
            Command::Record(a) => record::main(a),
            Command::Learn(a) => learn::main(a),
            Command::Import(a) => import::main(a),
            Command::Export(a) => export::main(a),
            Command::Completions(a) => completions::main(a),
            Command::Man(a) => man::main(a),
        }
    }
}

/// The whole command line's definition, which parsing, completions and
/// man pages use.
pub fn definition() -> clap::Command {
    let mut cmd = Cli::command().mut_subcommands(|sub| {
        let template = help_template(sub.get_name());
        sub.help_template(template).max_term_width(80)
    });
    cmd.build();
    cmd
}

fn main() -> ExitCode {
    let parsed = definition()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let result = match parsed {
        Ok(cli) => cli.command.run(),
        Err(e) => clap_outcome(&e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::BrokenPipe) => output::broken_pipe(),
        Err(CliError::Usage { command, message }) => {
            // Reported as clap reports its own mistakes, with the usage.
            let e = usage_error(command, &message);
            let _ = e.print();
            ExitCode::from(2)
        }
        Err(e) => {
            let text = e.to_string();
            if !text.is_empty() {
                output::stderr_line(&text);
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Help and version (standard output, status 0) or a command-line mistake
/// (standard error, status 2), printed by clap.
fn clap_outcome(e: &clap::Error) -> Result<()> {
    let printed = e.print();
    if !e.use_stderr() {
        return printed
            .and_then(|()| std::io::Write::flush(&mut std::io::stdout()))
            .map_err(output::stdout_error);
    }
    // An exit code outside 0..=255 cannot come from clap (it uses 2).
    Err(CliError::Exit(u8::try_from(e.exit_code()).unwrap_or(2)))
}

/// A mistake found after parsing, reported as clap reports its own.
fn usage_error(command: &str, message: &str) -> clap::Error {
    let mut cli = definition();
    let cmd = cli.find_subcommand_mut(command);
    let cmd = match cmd {
        Some(cmd) => cmd,
        None => &mut cli,
    };
    cmd.error(clap::error::ErrorKind::ValueValidation, message)
}
