//! `seccompc groups`: the syscall groups policies can name.

use crate::args::{CliError, Result, did_you_mean};
use crate::output;
use seccomp_compiler::tables::groups::{self, GROUPS, Group};
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// `seccompc groups`.
#[derive(clap::Args)]
#[command(
    about = "the syscall groups (@system-service, ...) and their members",
    long_about = "\
the syscall groups a policy can name

Without an argument: every group with its size (syscalls once nested
groups are expanded), where it comes from (systemd or firejail) and its
description. The table is systemd's groups (`systemd-analyze
syscall-filter`), where @default is what every process needs, plus
firejail's under their own names (@default-keep, @default-nodebuggers) and
as @firejail-NAME (@firejail-default is firejail's default block-list).

With @GROUP (the @ may be left out): its description and origin, then its
members as a tree: nested groups with their own members indented below
them, then the number of syscalls it stands for.",
    after_long_help = "\
Examples:
  seccompc groups
  seccompc groups @system-service

Exit status: 0 on success, 1 when there is no such group, 2 for a mistake on
the command line."
)]
pub struct Args {
    /// A group, with or without its `@`
    #[arg(value_name = "@GROUP")]
    group: Option<String>,
}

pub fn main(args: Args) -> Result<()> {
    let text = match args.group {
        None => list(),
        Some(name) => describe(find(&name)?),
    };
    output::stdout(text.as_bytes())
}

fn find(name: &str) -> Result<&'static Group> {
    let name = if name.starts_with('@') {
        name.to_owned()
    } else {
        format!("@{name}")
    };
    groups::group(&name).ok_or_else(|| {
        let hint = did_you_mean(&name, GROUPS.iter().map(|g| g.name));
        CliError::failed(format!(
            "no group `{name}`{hint}; `seccompc groups` lists them"
        ))
    })
}

/// `systemd` or `firejail`: the first word of the origin.
fn source(g: &Group) -> &str {
    g.origin.split_whitespace().next().unwrap_or("")
}

fn list() -> String {
    let w = GROUPS.iter().map(|g| g.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<w$}  {:>5}  {:<8}  DESCRIPTION\n",
        "GROUP", "SIZE", "ORIGIN"
    );
    for g in GROUPS.iter() {
        let size = groups::expand(g.name).map_or(0, |m| m.len());
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{:<w$}  {size:>5}  {:<8}  {}",
            g.name,
            source(g),
            g.description
        );
    }
    let origins: BTreeSet<&str> = GROUPS.iter().map(|g| g.origin).collect();
    let _ = writeln!(
        out,
        "\nsources: {}",
        origins.into_iter().collect::<Vec<_>>().join(", ")
    );
    out
}

fn describe(g: &Group) -> String {
    let mut out = format!(
        "{}: {}\norigin: {}\nmembers:\n",
        g.name, g.description, g.origin
    );
    let mut unknown = false;
    tree(g, 1, &mut out, &mut unknown);
    let n = groups::expand(g.name).map_or(0, |m| m.len());
    let _ = writeln!(out, "{n} syscalls in all");
    if unknown {
        out.push_str(
            "(*: no syscall table we have knows this name, e.g. newer than our kernel tables; it resolves to nothing)\n",
        );
    }
    out
}

/// Members at indentation `depth`: nested groups on their own line with
/// their members below, syscall names wrapped.
fn tree(g: &Group, depth: usize, out: &mut String, unknown: &mut bool) {
    let indent = "  ".repeat(depth);
    let mut names: Vec<String> = Vec::new();
    for &m in g.members {
        match groups::group(m).filter(|_| m.starts_with('@')) {
            Some(sub) => {
                let _ = writeln!(out, "{indent}{}: {}", sub.name, sub.description);
                tree(sub, depth + 1, out, unknown);
            }
            None if syscalls::all_names().contains(m) => names.push(m.to_owned()),
            None => {
                *unknown = true;
                names.push(format!("{m}*"));
            }
        }
    }
    wrap(&names, &indent, out);
}

fn wrap(words: &[String], indent: &str, out: &mut String) {
    let mut line = String::new();
    for w in words {
        if !line.is_empty() && indent.len() + line.len() + 1 + w.len() > 78 {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
}
