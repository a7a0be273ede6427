//! `seccompc syscalls`: the kernel's syscall tables, like
//! `firejail --debug-syscalls`, and one syscall's parameters.

use crate::args::{ArchParser, CliError, Result, did_you_mean};
use crate::simulate::parse_signed;
use crate::{input, output};
use seccomp_compiler::Arch;
use seccomp_compiler::tables::params::{self, ParamSlot};
use seccomp_compiler::tables::{groups, syscalls};
use std::fmt::Write as _;

/// `seccompc syscalls`.
#[derive(clap::Args)]
#[command(
    about = "syscall names and numbers per architecture, and parameters",
    long_about = "\
syscall names, numbers and parameters

Without NAME_OR_NUMBER: with --arch, that architecture's table, number and
name per line (like `firejail --debug-syscalls`); without, every name with
its number on each architecture (`-` where it does not exist).

With a NAME: its number on every architecture, its parameters on ARCH
(default: the running architecture) as the kernel declares them (name,
C type, argument slot and the width a condition compares: 32-bit types
compare the low half only), and the groups that include it. A NUMBER is
looked up in ARCH's table first.

The numbers come from Linux's syscall tables (the `syscalls` crate's,
corrected from Linux 6.12's), the parameters from Linux 6.12's
include/linux/syscalls.h and SYSCALL_DEFINE lines.",
    after_long_help = "\
Examples:
  seccompc syscalls --arch aarch64
  seccompc syscalls openat
  seccompc syscalls --arch x86 102

Exit status: 0 on success, 1 when no syscall has that name or number, 2 for
a mistake on the command line."
)]
pub struct Args {
    /// A syscall name, or a number in ARCH's table
    #[arg(allow_negative_numbers = true)]
    name_or_number: Option<String>,
    #[arg(long, value_parser = ArchParser, help = "The architecture (aliases such as amd64 and arm64 are accepted)")]
    arch: Option<Arch>,
}

pub fn main(args: Args) -> Result<()> {
    let text = match args.name_or_number {
        None => match args.arch {
            Some(arch) => table(arch),
            None => matrix(),
        },
        Some(what) => {
            let arch = match args.arch {
                Some(a) => a,
                None => input::require_native_arch()?,
            };
            let name = match parse_signed(&what) {
                Some(nr) => name_of(arch, nr)?,
                None => known_name(&what)?,
            };
            describe(name, arch)
        }
    };
    output::stdout(text.as_bytes())
}

/// The number of a syscall given by name or number on `arch`.
pub fn syscall_number(command: &'static str, arch: Arch, text: &str) -> Result<u32> {
    if let Some(nr) = parse_signed(text) {
        return u32::try_from(nr).map_err(|_| {
            CliError::usage(command, format!("syscall number `{text}` is not a u32"))
        });
    }
    let name = known_name(text)?;
    syscalls::table(arch)
        .number(name)
        .ok_or_else(|| CliError::failed(format!("`{name}` is not a syscall on {arch}")))
}

/// `text` if some architecture knows it, else an error with the nearest name.
fn known_name(text: &str) -> Result<&'static str> {
    let all = syscalls::all_names();
    if let Some(&name) = all.get(text) {
        return Ok(name);
    }
    let hint = did_you_mean(text, all.iter().copied());
    Err(CliError::failed(format!(
        "no architecture has a syscall named `{text}`{hint}"
    )))
}

fn name_of(arch: Arch, nr: i128) -> Result<&'static str> {
    u32::try_from(nr)
        .ok()
        .and_then(|nr| syscalls::table(arch).name(nr))
        .ok_or_else(|| CliError::failed(format!("no syscall has number {nr} on {arch}")))
}

/// One architecture's table, by number.
fn table(arch: Arch) -> String {
    let entries = syscalls::table(arch).entries();
    let width = entries
        .last()
        .map_or(1, |&(nr, _)| nr.to_string().len())
        .max(2);
    let mut out = format!("{:>width$}  SYSCALL ({arch})\n", "NR");
    for &(nr, name) in entries {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{nr:>width$}  {name}");
    }
    out
}

/// Every name, with its number on each architecture.
fn matrix() -> String {
    let names = syscalls::all_names();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(7);
    let mut out = format!("{:<width$}", "SYSCALL");
    for arch in Arch::ALL {
        let _ = write!(out, " {:>w$}", arch.name(), w = column(arch));
    }
    out.push('\n');
    for name in names {
        let _ = write!(out, "{name:<width$}");
        for arch in Arch::ALL {
            let nr = syscalls::table(arch)
                .number(name)
                .map_or_else(|| "-".to_owned(), |nr| nr.to_string());
            let _ = write!(out, " {nr:>w$}", w = column(arch));
        }
        out.push('\n');
    }
    out
}

fn column(arch: Arch) -> usize {
    arch.name().len().max(4)
}

/// A syscall's numbers, its parameters on `arch` and its groups.
fn describe(name: &str, arch: Arch) -> String {
    let mut out = format!("{name}\n");
    for a in Arch::ALL {
        let nr = syscalls::table(a)
            .number(name)
            .map_or_else(|| "-".to_owned(), |nr| nr.to_string());
        let _ = writeln!(out, "  {:<12} {nr:>4}", a.name());
    }
    out.push_str(&parameters(name, arch));
    let in_groups: Vec<&str> = groups::GROUPS
        .iter()
        .filter(|g| groups::expand(g.name).is_some_and(|m| m.contains(&name)))
        .map(|g| g.name)
        .collect();
    if in_groups.is_empty() {
        out.push_str("groups: none\n");
    } else {
        let _ = writeln!(out, "groups: {}", in_groups.join(", "));
    }
    out
}

fn parameters(name: &str, arch: Arch) -> String {
    if syscalls::table(arch).number(name).is_none() {
        return format!("not a syscall on {arch}\n");
    }
    let Some(list) = params::params(arch, name) else {
        return format!(
            "parameters on {arch}: no prototype known; conditions can use arg0..arg5 ({} bits)\n",
            arch.word_bits()
        );
    };
    let origin = params::origin(arch, name).unwrap_or("?");
    if list.is_empty() {
        return format!("parameters on {arch}: none ({origin})\n");
    }
    let mut out = format!("parameters on {arch} ({origin}):\n");
    let w_name = list.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let w_type = list.iter().map(|p| p.ctype.len()).max().unwrap_or(0);
    for p in list {
        let (slot, width) = match p.slot {
            ParamSlot::Arg { index, bits } => (format!("arg{index}"), format!("{bits} bits")),
            ParamSlot::Split => (
                "split".to_owned(),
                "64 bits in two registers: cannot be compared".to_owned(),
            ),
        };
        let _ = writeln!(
            out,
            "  {slot:<5} {:<w_name$}  {:<w_type$}  {width}",
            p.name, p.ctype
        );
    }
    out
}
