//! `seccompc explain`: what a policy does with every syscall it names on
//! one architecture, and why.

use crate::args::{ARCH_HELP, ArchParser, Result};
use crate::input::{self, Compiled};
use crate::output;
use crate::pretty::{Locator, Printer, audit_arch_name};
use seccomp_compiler::arch::X32_SYSCALL_BIT;
use seccomp_compiler::decide::{Decision, DecisionTable, Origin};
use seccomp_compiler::emu::{self, NotCached};
use seccomp_compiler::ir::RuleSource;
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch};
use std::fmt::Write as _;

/// `seccompc explain`.
#[derive(clap::Args)]
#[command(
    about = "what a policy does with each syscall, and why",
    long_about = "\
what a policy does with each syscall, and why

Prints one line per syscall the policy names or that one of its groups
brings in, sorted by number: the number, the name, the statement that
decided it (line:col and keyword) and the action, with its condition when
the action depends on the arguments; for
`base @system-service; drop ptrace; keep write(fd == 1 | 2);` on x86_64:

      1  write    1:36 keep  allow if fd == 1 | 2, else kill_process
    101  ptrace   1:23 drop  kill_process
    257  openat   1:1 base   allow

Then the action of every syscall no statement names (`default`), of numbers
no table knows (`unknown`), the rule for calls through another ABI, and
which allowed syscalls the kernel's constant-action cache (Linux 5.11+)
cannot serve because their action depends on arguments.",
    after_long_help = "\
Example:
  seccompc explain service.policy                  (for this machine)
  seccompc explain service.policy --arch aarch64

Exit status: 0 on success, 1 when the policy has errors or cannot be read,
2 for a mistake on the command line."
)]
pub struct Args {
    /// The policy; `-` reads standard input
    #[arg(value_name = "POLICY_FILE")]
    policy: String,
    #[arg(long, value_parser = ArchParser, help = ARCH_HELP)]
    arch: Option<Arch>,
}

const COMMAND: &str = "explain";

pub fn main(args: Args) -> Result<()> {
    let source = input::read_policy(&args.policy)?;
    let arch = input::choose_arch(COMMAND, args.arch, &source)?;
    let compiled = input::compile_for(source, arch)?;
    output::stdout(explain(&compiled).as_bytes())
}

/// The whole report.
pub fn explain(c: &Compiled) -> String {
    let table = &c.output.table;
    let locator = Locator {
        source: &c.source,
        policy: &c.policy,
    };
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "{} on {} ({}): {} syscalls named, {} instructions",
        c.source.name,
        c.arch,
        audit_arch_name(c.arch),
        table.named.len(),
        c.output.program.len()
    );
    out.push_str(&rows(c, &locator));
    out.push('\n');
    out.push_str(&successors(c, &locator));
    out.push_str(&settings(c, &locator));
    out.push_str(&cache_note(c));
    out
}

/// The table, columns aligned.
fn rows(c: &Compiled, locator: &Locator) -> String {
    let names = syscalls::table(c.arch);
    let symbol = |id: usize| c.symbol_text(id);
    let rows: Vec<[String; 4]> = c
        .output
        .table
        .named
        .iter()
        .map(|(nr, d)| {
            let name = names.name(nr).unwrap_or("?");
            let printer = Printer {
                arch: c.arch,
                syscall: name,
                symbol: &symbol,
            };
            [
                nr.to_string(),
                name.to_owned(),
                locator.decision_origins(d),
                printer.decision(d),
            ]
        })
        .collect();
    let header = ["NR", "SYSCALL", "STATEMENT", "ACTION"].map(str::to_owned);
    let width = |i: usize| {
        std::iter::once(&header)
            .chain(&rows)
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = String::new();
    for [nr, name, origin, action] in std::iter::once(&header).chain(&rows) {
        let _ = writeln!(out, "{nr:>w0$}  {name:<w1$}  {origin:<w2$}  {action}");
    }
    out
}

/// Why each successor rule is there: the pair, the libc that falls back,
/// and the statement that allows the older call.
fn successors(c: &Compiled, locator: &Locator) -> String {
    let rules: Vec<String> = c
        .output
        .resolved
        .rules
        .iter()
        .filter_map(|r| match r.source {
            RuleSource::Successor(s) => Some((r, s)),
            RuleSource::Statement => None,
        })
        .map(|(r, s)| {
            let allowed_by = locator.origin(Origin::Statement {
                index: r.statement,
                span: r.span,
            });
            format!(
                "  {}: {} is allowed ({allowed_by}); {}\n",
                s.new, s.old, s.source
            )
        })
        .collect();
    if rules.is_empty() {
        return String::new();
    }
    format!(
        "successors: errno(ENOSYS) for {} calls the policy names nowhere, which libc tries first and falls back from on ENOSYS (`successors off;` gives them the default instead):\n{}\n",
        rules.len(),
        rules.concat()
    )
}

/// The default, unknown and foreign-ABI lines.
fn settings(c: &Compiled, locator: &Locator) -> String {
    let table = &c.output.table;
    let resolved = &c.output.resolved;
    let known = syscalls::table(c.arch).entries().len();
    let others = known.saturating_sub(table.named.len());
    let default_from = match resolved.default.span {
        Some(_) => locator.setting_phrase(&resolved.default),
        None => format!(
            "no `default` statement: the deny action, {}",
            locator.setting_phrase(&resolved.deny)
        ),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "default: {}, for the {others} other syscalls {} knows ({default_from})",
        table.default.action, c.arch
    );
    let _ = writeln!(
        out,
        "unknown: {}, for numbers {}'s table does not know, e.g. newer syscalls ({})",
        table.unknown.action,
        c.arch,
        locator.setting_phrase(&resolved.unknown)
    );
    let x32 = if c.arch.has_x32_abi() {
        format!(" and x32 calls (nr & {X32_SYSCALL_BIT:#x})")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "other ABIs: {}, whatever the policy says, for calls with arch != {:#010x} ({}){x32}",
        Action::KillProcess,
        c.arch.audit_arch(),
        audit_arch_name(c.arch)
    );
    out
}

/// Which allowed syscalls run the filter rather than being answered by
/// the kernel's constant-action cache.
fn cache_note(c: &Compiled) -> String {
    let table = &c.output.table;
    let names = syscalls::table(c.arch);
    let label = |nr: u32| format!("{} ({nr})", names.name(nr).unwrap_or("?"));
    let conditional: Vec<String> = table
        .named
        .iter()
        .filter(|(_, d)| !d.arms.is_empty() && d.actions().any(|a| a == Action::Allow))
        .map(|(nr, _)| label(nr))
        .collect();
    let mut out = String::new();
    if conditional.is_empty() {
        out.push_str("kernel cache: every allowed syscall is answered by the kernel's constant-action cache (Linux 5.11+) without running the filter\n");
    } else {
        let (list, verb, them) = match conditional.as_slice() {
            [one] => (one.clone(), "is", "it"),
            more => (more.join(", "), "are", "them"),
        };
        let _ = writeln!(
            out,
            "kernel cache: {list} {verb} allowed only under a condition, so the filter runs for {them}; the kernel's constant-action cache (Linux 5.11+) answers the other allowed syscalls without running it"
        );
    }
    if let Ok(prog) = c.output.program.filters() {
        let report = emu::cache_coverage(&prog, c.arch, constant_allows(table));
        let of = |reason: NotCached| {
            let list: Vec<String> = report
                .not_cached
                .iter()
                .filter(|&&(_, r)| r == reason)
                .map(|&(nr, _)| label(nr))
                .collect();
            list.join(", ")
        };
        let past = of(NotCached::OutsideBitmap);
        if !past.is_empty() {
            let _ = writeln!(
                out,
                "kernel cache: always allowed, but past the {}-entry cache bitmap of Linux 6.12 (newer kernels have larger ones), so the filter runs: {past}",
                report.bitmap_size
            );
        }
        let uncached = of(NotCached::NotConstAllow);
        if !uncached.is_empty() {
            let _ = writeln!(
                out,
                "kernel cache: always allowed, but the program's path reads more than nr and arch: {uncached}"
            );
        }
    }
    out
}

/// The known numbers the policy allows whatever the arguments.
fn constant_allows(table: &DecisionTable) -> Vec<u32> {
    let allowed = |d: Option<&Decision>| match d {
        Some(d) => d.constant_action() == Some(Action::Allow),
        None => table.default.action == Action::Allow,
    };
    syscalls::table(table.arch)
        .entries()
        .iter()
        .map(|&(nr, _)| nr)
        .filter(|nr| allowed(table.named.get(*nr)))
        .collect()
}
