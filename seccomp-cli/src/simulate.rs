//! `seccompc simulate`: one syscall through a program in the emulator,
//! and for a policy through the reference evaluator too.

use crate::args::{ArchParser, CliError, Result};
use crate::input::{self, Compiled, Input};
use crate::output;
use crate::pretty::{Locator, Printer};
use crate::syscalls::syscall_number;
use seccomp_compiler::arch::X32_SYSCALL_BIT;
use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::decide::{self, Lookup};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch, emu};
use std::fmt::Write as _;

mod call;

/// `seccompc simulate`.
#[derive(clap::Args)]
#[command(
    about = "run a program on one syscall in the emulator, with the reference evaluator",
    long_about = "\
what a program does with one syscall

Runs the program in seccompc's emulator (the kernel's classic-BPF semantics
for seccomp_data) on SYSCALL with up to six arguments, as a process of ARCH
would make it, and prints the action, the instructions executed and whether
the kernel's constant-action cache would answer without running the filter.
For a policy it also asks the reference evaluator, which reads the policy's
statements directly, and shows the statement that decided; the two must
agree (exit status 1 if they ever do not). A raw program the kernel would
refuse is not run.",
    override_usage = "seccompc simulate [OPTIONS] <FILE> <SYSCALL> [ARG]...",
    after_long_help = "\
Examples:
  seccompc simulate service.policy openat -100 0 O_RDONLY
  seccompc simulate service.policy --arch aarch64 write fd=3 count=-1

Exit status: 0 on success, 1 when the file cannot be read, the policy has
errors, the kernel would refuse the program or the program and the policy
disagree, 2 for a mistake on the command line."
)]
pub struct Args {
    /// A policy (compiled for ARCH first) or raw BPF; `-` reads standard
    /// input
    file: String,
    /// A name (`openat`) or a number (`257`, `0x101`; x32 numbers and
    /// unknown ones are allowed)
    syscall: String,
    #[command(flatten)]
    call: CallArgs,
    /// The architecture of the calling process (default: this machine's,
    /// when the policy selects it)
    #[arg(long, value_parser = ArchParser)]
    arch: Option<Arch>,
}

/// The syscall's arguments: six positionals rather than one list, so that
/// each may start with `-` (`-100`, `-0x1`) while options after them
/// (`--arch`) are still options.
#[derive(clap::Args)]
struct CallArgs {
    /// Up to six arguments, in order or as `NAME=VALUE` (a parameter of the
    /// syscall's kernel prototype, `fd=3`, or `arg0`..`arg5`): decimal, hex
    /// (0x), octal (0o) or binary (0b), or a constant such as O_CREAT, several
    /// joined with `|`; missing ones are 0. A negative value is what C's
    /// conversion to the register makes of it: sign-extended for a signed
    /// parameter (`-100` is AT_FDCWD), zero-extended from its width for an
    /// unsigned one. On 32-bit architectures (x86, arm) arguments are 32 bits
    #[arg(value_name = "ARG", allow_hyphen_values = true)]
    arg0: Option<String>,
    #[arg(hide = true, allow_hyphen_values = true)]
    arg1: Option<String>,
    #[arg(hide = true, allow_hyphen_values = true)]
    arg2: Option<String>,
    #[arg(hide = true, allow_hyphen_values = true)]
    arg3: Option<String>,
    #[arg(hide = true, allow_hyphen_values = true)]
    arg4: Option<String>,
    #[arg(hide = true, allow_hyphen_values = true)]
    arg5: Option<String>,
}

impl CallArgs {
    /// The arguments given, in order (positionals fill from the first).
    fn given(&self) -> Vec<&str> {
        [
            &self.arg0, &self.arg1, &self.arg2, &self.arg3, &self.arg4, &self.arg5,
        ]
        .into_iter()
        .map_while(|a| a.as_deref())
        .collect()
    }
}

const COMMAND: &str = "simulate";

pub fn main(args: Args) -> Result<()> {
    let input = input::read_policy_or_bpf(&args.file)?;
    let arch = match &input {
        Input::Bpf { .. } => input::arch_or_native(COMMAND, args.arch)?,
        Input::Policy(source) => input::choose_arch(COMMAND, args.arch, source)?,
    };
    let nr = syscall_number(COMMAND, arch, &args.syscall)?;
    let call = call::parse_args(arch, nr, &args.call.given())?;
    let data = SeccompData {
        nr,
        arch: arch.audit_arch(),
        args: call.values,
        ..SeccompData::default()
    };
    let (prog, compiled) = match input {
        Input::Bpf { name, bytes } => (input::decode_bpf(&name, &bytes, arch)?, None),
        Input::Policy(source) => {
            let c = input::compile_for(source, arch)?;
            (c.filters()?, Some(c))
        }
    };
    emu::validate(&prog)
        .map_err(|e| CliError::failed(format!("the kernel would refuse this program: {e}")))?;
    let (report, action) = run(&prog, arch, &data, call.shown)?;
    output::stdout(report.as_bytes())?;
    match compiled {
        Some(c) => compare(&c, &data, action),
        None => Ok(()),
    }
}

/// `-0x10`, `255`, `0b101`, `0o17` (underscores allowed).
pub fn parse_signed(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let digits = digits.replace('_', "");
    let (radix, body) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ => (10, digits.as_str()),
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    let value = i128::from(magnitude);
    Some(if negative { -value } else { value })
}

/// Runs the program and describes the run.
fn run(
    prog: &[SockFilter],
    arch: Arch,
    data: &SeccompData,
    shown_args: usize,
) -> Result<(String, Action)> {
    let (exec, path) = emu::trace(prog, data, arch.is_big_endian())
        .map_err(|e| CliError::failed(format!("the program cannot run: {e}")))?;
    let action = Action::from_ret(exec.ret);
    let name = match syscalls::table(arch).name(data.nr) {
        Some(name) => name.to_owned(),
        None if arch.has_x32_abi() && data.nr & X32_SYSCALL_BIT != 0 => {
            format!("x32 syscall {}", data.nr & !X32_SYSCALL_BIT)
        }
        None => format!("syscall {}", data.nr),
    };
    let args: Vec<String> = data.args[..shown_args]
        .iter()
        .map(|&a| {
            if a < 0x1000 {
                a.to_string()
            } else {
                format!("{a:#x}")
            }
        })
        .collect();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{name}({}) on {arch}: nr {}, arch {:#010x}",
        args.join(", "),
        data.nr,
        data.arch
    );
    let _ = writeln!(out, "action: {action} ({:#010x})", exec.ret);
    let listing = emu::disasm_for(prog, arch.is_big_endian());
    let lines: Vec<&str> = listing.lines().skip(2).collect();
    let _ = writeln!(out, "{} instructions executed:", exec.steps);
    for pc in path {
        let _ = writeln!(out, "{}", lines.get(pc).copied().unwrap_or("?"));
    }
    let cache = emu::cache_coverage(prog, arch, [data.nr]);
    let _ = writeln!(
        out,
        "kernel cache: {}",
        if cache.is_complete() {
            "answers this call (always allowed) without running the filter (Linux 5.11+)"
        } else {
            "the filter runs (the kernel's cache answers only syscalls that are always allowed)"
        }
    );
    Ok((out, action))
}

/// The reference evaluator's verdict and where it comes from; an error if
/// it differs from the program's.
fn compare(c: &Compiled, data: &SeccompData, emulated: Action) -> Result<()> {
    let syms = |_| 0;
    let reference = decide::eval(&c.output.resolved, data, &syms);
    let locator = Locator {
        source: &c.source,
        policy: &c.policy,
    };
    let verdict = format!(
        "reference evaluator: {reference}, {}\n",
        decided_by(c, &locator, data)
    );
    output::stdout(verdict.as_bytes())?;
    if reference == emulated {
        output::stdout(b"the program and the policy agree\n")
    } else {
        Err(CliError::failed(format!(
            "the program returns {emulated} but the policy says {reference}: this is a compiler bug, please report it with the policy"
        )))
    }
}

/// Which statement or setting decides `data`.
fn decided_by(c: &Compiled, locator: &Locator, data: &SeccompData) -> String {
    let table = &c.output.table;
    let symbol = |id: usize| c.symbol_text(id);
    if data.arch != c.arch.audit_arch() {
        return "another architecture's call: always killed".to_owned();
    }
    match table.lookup(data.nr) {
        Lookup::OtherAbi => "a call through another ABI (x32): always killed".to_owned(),
        Lookup::Unknown(o) => format!(
            "a number {}'s table does not know, decided by {}",
            c.arch,
            locator.origin(o.origin)
        ),
        Lookup::Default(o) => format!(
            "no statement names it, decided by {}",
            locator.origin(o.origin)
        ),
        Lookup::Named(d) => {
            let origin = d
                .arms
                .iter()
                .find(|a| a.cond.holds(&data.args, &|_| 0))
                .map_or(d.otherwise.origin, |a| a.origin);
            let name = syscalls::table(c.arch).name(data.nr).unwrap_or("?");
            let printer = Printer {
                arch: c.arch,
                syscall: name,
                symbol: &symbol,
            };
            format!(
                "decided by {}: {name} gets {}",
                locator.origin(origin),
                printer.decision(d)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_every_base() {
        assert_eq!(parse_signed("255"), Some(255));
        assert_eq!(parse_signed("-100"), Some(-100));
        assert_eq!(parse_signed("0x1_00"), Some(256));
        assert_eq!(parse_signed("0o17"), Some(15));
        assert_eq!(parse_signed("-0b11"), Some(-3));
        assert_eq!(parse_signed("--1"), None);
        assert_eq!(parse_signed("0x"), None);
        assert_eq!(parse_signed("x"), None);
    }
}
