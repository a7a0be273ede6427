//! `seccompc constants`: the kernel constants a policy can name, with
//! their value on each architecture.

use crate::args::{ArchParser, CliError, Result, did_you_mean};
use crate::output;
use seccomp_compiler::Arch;
use seccomp_compiler::tables::constants;
use std::fmt::Write as _;

/// `seccompc constants`.
#[derive(clap::Args)]
#[command(
    about = "kernel constants (O_*, AF_*, TCGETS, ...) and their values per architecture",
    long_about = "\
the kernel constants a policy can name

A policy compares arguments with kernel constants by name (`family ==
AF_UNIX`, `flags & O_ACCMODE == O_RDONLY`); each architecture's program
uses that architecture's value, from Linux 6.12's uapi headers as its C
compiler computes them.

With --arch: NAME and VALUE per line for that architecture. Without: every
name with its value, or, where architectures differ, each value with the
architectures that have it (and those that lack the name).

PATTERN selects names: `*` matches any run of characters and `?` one
character, over the whole name (`O_*`, `*IOC*`, `TCGETS`). Values are
decimal up to 9 and for negative values, hexadecimal otherwise.",
    after_long_help = "\
Examples:
  seccompc constants 'O_*'
  seccompc constants --arch powerpc64le TCGETS
  seccompc constants --arch aarch64

Exit status: 0 on success, 1 when no constant matches PATTERN, 2 for a
mistake on the command line."
)]
pub struct Args {
    /// Names to list: a pattern with `*` and `?` (default: every name)
    pattern: Option<String>,
    #[arg(long, value_parser = ArchParser, help = "Only this architecture's values (aliases such as amd64 and arm64 are accepted)")]
    arch: Option<Arch>,
}

pub fn main(args: Args) -> Result<()> {
    let pattern = args.pattern.as_deref().unwrap_or("*");
    let names: Vec<&str> = constants::names()
        .iter()
        .copied()
        .filter(|name| glob(pattern.as_bytes(), name.as_bytes()))
        .filter(|&name| {
            args.arch
                .is_none_or(|a| constants::value(a, name).is_some())
        })
        .collect();
    if names.is_empty() {
        return Err(no_match(pattern, args.arch));
    }
    let text = match args.arch {
        Some(arch) => one_arch(&names, arch),
        None => every_arch(&names),
    };
    output::stdout(text.as_bytes())
}

fn no_match(pattern: &str, arch: Option<Arch>) -> CliError {
    let on = arch.map(|a| format!(" on {a}")).unwrap_or_default();
    let mut message = format!("no constant matches `{pattern}`{on}");
    if arch.is_some() && constants::is_known(pattern) {
        let there: Vec<_> = constants::arches_defining(pattern)
            .map(Arch::name)
            .collect();
        let _ = write!(message, " (it is defined on {})", there.join(", "));
    } else if !pattern.contains(['*', '?']) {
        message.push_str(&did_you_mean(pattern, constants::names().iter().copied()));
    }
    CliError::failed(message)
}

/// Whether `name` matches `pattern` (`*`: any run, `?`: one character),
/// iteratively with one backtrack point, so any pattern costs at most
/// pattern length times name length steps.
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

fn shown(v: i128) -> String {
    if (0..10).contains(&v) || v < 0 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

fn one_arch(names: &[&str], arch: Arch) -> String {
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut out = String::new();
    for &name in names {
        if let Some(v) = constants::value(arch, name) {
            // Writing to a String cannot fail.
            let _ = writeln!(out, "{name:<width$}  {}", shown(v));
        }
    }
    out
}

fn every_arch(names: &[&str]) -> String {
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut out = String::new();
    for &name in names {
        let _ = writeln!(out, "{name:<width$}  {}", per_arch(name));
    }
    out
}

/// `VALUE` when every architecture agrees, else `V1 on a, b; V2 on c;
/// none on d`.
fn per_arch(name: &str) -> String {
    let mut groups: Vec<(Option<i128>, Vec<&str>)> = Vec::new();
    for arch in Arch::ALL {
        let v = constants::value(arch, name);
        match groups.iter_mut().find(|(g, _)| *g == v) {
            Some((_, arches)) => arches.push(arch.name()),
            None => groups.push((v, vec![arch.name()])),
        }
    }
    if let [(Some(v), _)] = groups.as_slice() {
        return shown(*v);
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(v, arches)| {
            let v = v.map_or_else(|| "none".to_owned(), shown);
            format!("{v} on {}", arches.join(", "))
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_the_whole_name() {
        for (p, n, m) in [
            ("O_*", "O_DIRECTORY", true),
            ("O_*", "SO_TYPE", false),
            ("*IOC*", "FS_IOC_GETFLAGS", true),
            ("TCGET?", "TCGETS", true),
            ("TCGET?", "TCGETS2", false),
            ("TCGETS", "TCGETS", true),
            ("*", "", true),
            ("a*b*c", "aXbYbc", true),
            ("a*b*c", "aXbYbd", false),
        ] {
            assert_eq!(glob(p.as_bytes(), n.as_bytes()), m, "{p} {n}");
        }
    }
}
