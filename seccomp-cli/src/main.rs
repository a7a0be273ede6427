//! `seccompc`: compile, inspect and run seccomp policies.
//!
//! This file only dispatches; each command lives in its own module with
//! its `HELP` text and a `main(args) -> Result<()>`.

mod args;
mod compile;
mod disasm;
mod explain;
mod export;
mod format;
mod groups;
mod import;
mod input;
mod pretty;
mod record;
mod run;
mod simulate;
mod syscalls;

use args::{CliError, Result};
use std::ffi::OsString;
use std::process::ExitCode;

const HELP: &str = concat!(
    "seccompc ",
    env!("CARGO_PKG_VERSION"),
    ": compile, inspect and run seccomp policies

Usage: seccompc COMMAND [ARGS...]

Commands:
  compile    compile a policy to raw BPF, a Rust or C array, or JSON
  explain    what a policy does with each syscall, and which statement decided it
  disasm     list a program's instructions (a policy, or raw BPF)
  simulate   run a program on one syscall in the emulator, with the reference evaluator
  syscalls   syscall names and numbers per architecture, and parameters
  groups     the syscall groups (@system-service, ...) and their members
  run        install a policy and execute a command under it
  record     trace a command and print a policy allowing the syscalls it made
  import     convert OCI, seccompiler, firejail, systemd or minijail policies
  export     write a policy as OCI seccomp JSON (runc, crun, Docker, Podman)

`seccompc COMMAND --help` or `seccompc help COMMAND` describes a command.

Exit status: 0 on success, 1 when a policy or file is wrong or an operation
failed, 2 for a mistake on the command line.
"
);

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let command = args.next();
    let rest: Vec<OsString> = args.collect();
    match dispatch(command, rest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = e.to_string();
            if !text.is_empty() {
                eprintln!("{text}");
            }
            // Exit statuses are 0..=255 by construction (1, 2, 126, 127 or a
            // child's status).
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

fn dispatch(command: Option<OsString>, args: Vec<OsString>) -> Result<()> {
    let Some(command) = command else {
        eprint!("{HELP}");
        return Err(CliError::Exit(2));
    };
    match command.to_str().unwrap_or("") {
        "compile" => compile::main(args),
        "explain" => explain::main(args),
        "disasm" => disasm::main(args),
        "simulate" => simulate::main(args),
        "syscalls" => syscalls::main(args),
        "groups" => groups::main(args),
        "run" => run::main(args),
        "record" => record::main(args),
        "import" => import::main(args),
        "export" => export::main(args),
        "help" if !args.is_empty() => {
            let mut args = args;
            let command = args.remove(0);
            dispatch(Some(command), vec!["--help".into()])
        }
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            Ok(())
        }
        "-V" | "--version" => {
            println!("seccompc {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        other => {
            let commands = [
                "compile", "explain", "disasm", "simulate", "syscalls", "groups", "run", "record",
                "import", "export",
            ];
            let hint = seccomp_compiler::diag::nearest(other, commands)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Err(CliError::usage(
                "",
                format!("unknown command `{}`{hint}", command.to_string_lossy()),
            ))
        }
    }
}
