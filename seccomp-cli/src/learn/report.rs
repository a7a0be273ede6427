//! The text `learn` prints: what was enforced, each refused syscall with
//! its count, action and first arguments, and the statements to paste.

use crate::format::comment_safe;
use crate::input::Compiled;
use crate::rules::{self, Rule};
use seccomp_compiler::Arch;
use seccomp_compiler::arch::X32_SYSCALL_BIT;
use seccomp_compiler::tables::{params, syscalls};
use seccomp_tracer::{
    Ending, Install, Report, SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_TSYNC, Seen,
    Syscall, Via,
};
use std::fmt::Write as _;

/// One finished run.
pub struct Run<'a> {
    pub arch: Arch,
    /// The command as a shell would read it.
    pub command: &'a str,
    /// The policy given with `--policy`.
    pub policy: Option<&'a Compiled>,
    pub report: &'a Report,
}

/// A refused syscall, named for the report.
struct Row<'a> {
    /// `openat (257)`, or `i386 getpid (20)` for another ABI.
    label: String,
    /// The table name on its ABI, if any.
    name: Option<&'static str>,
    /// The architecture whose table and prototypes apply.
    abi: Option<Arch>,
    nr: u64,
    seen: &'a Seen,
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "seccompc learn: `{}` {}",
        run.command,
        ending(run.report)
    );
    out.push_str(&sources(run));
    let (native, foreign) = rows(run);
    if native.is_empty() && foreign.is_empty() {
        out.push_str(&nothing_refused(run));
    } else {
        let _ = writeln!(
            out,
            "\nRefused {} in {}; {} ran anyway:\n",
            // A count of syscalls fits in a u64.
            plural((native.len() + foreign.len()) as u64, "distinct syscall"),
            plural(run.report.total(), "call"),
            if run.report.total() == 1 {
                "it"
            } else {
                "each"
            }
        );
        table(&native, &mut out);
        if !foreign.is_empty() {
            out.push_str(
                "\nThrough another ABI, which every policy of ours kills whatever it says:\n\n",
            );
            table(&foreign, &mut out);
        }
        out.push_str(&statements(run, &native));
    }
    for note in &run.report.notes {
        let _ = writeln!(out, "\nnote: {note}");
    }
    out
}

/// `1 call`, `2 calls`.
fn plural(n: impl Into<u64>, what: &str) -> String {
    match n.into() {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

fn ending(r: &Report) -> String {
    let status = match r.status {
        Some(Ending::Exited(code)) => format!("exited with status {code}"),
        Some(Ending::Signalled(signal)) => format!("was killed by signal {signal}"),
        None => "ended".to_owned(),
    };
    let tasks = match r.tasks.len() {
        1 => "1 process".to_owned(),
        n => format!("{n} processes and threads"),
    };
    format!("{status} ({tasks})")
}

/// What was enforced: the policy given, and the filters the program
/// installed.
fn sources(run: &Run) -> String {
    let mut out = String::new();
    if let Some(policy) = run.policy {
        let _ = writeln!(
            out,
            "Policy `{}` ({} instructions for {}) was installed before the command started.",
            policy.source.name,
            policy.output.program.len(),
            run.arch
        );
    }
    for install in &run.report.installs {
        let _ = writeln!(out, "{}", install_line(install));
    }
    out
}

fn install_line(i: &Install) -> String {
    let call = match i.via {
        Via::Seccomp => format!("seccomp(SECCOMP_SET_MODE_FILTER{})", flags(i.flags)),
        Via::Prctl => "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)".to_owned(),
    };
    let result = match i.result {
        Ok(()) => "installed",
        Err(_) => "refused by the kernel",
    };
    format!(
        "Task {} installed its own filter with {call}: {} instructions, {} returns turned into traces; {result}.",
        i.tid, i.len, i.rewritten
    )
}

fn flags(flags: u64) -> String {
    let mut names = Vec::new();
    if flags & SECCOMP_FILTER_FLAG_TSYNC != 0 {
        names.push("TSYNC".to_owned());
    }
    if flags & SECCOMP_FILTER_FLAG_NEW_LISTENER != 0 {
        names.push("NEW_LISTENER".to_owned());
    }
    let rest = flags & !(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER);
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    if names.is_empty() {
        String::new()
    } else {
        format!(", {}", names.join(" | "))
    }
}

fn nothing_refused(run: &Run) -> String {
    let installed = run.report.installs.iter().any(|i| i.result.is_ok());
    if run.policy.is_none() && !installed {
        "\nNothing to learn from: the command installed no seccomp filter and no --policy was given.\n\
         Give the policy to try with --policy POLICY, or list every syscall with `seccompc record`.\n"
            .to_owned()
    } else {
        "\nNothing was refused: the policy allows everything this run did.\n".to_owned()
    }
}

/// The refused calls, native ones first, each sorted by name.
fn rows<'a>(run: &Run<'a>) -> (Vec<Row<'a>>, Vec<Row<'a>>) {
    let (mut native, mut foreign): (Vec<Row>, Vec<Row>) = run
        .report
        .calls
        .iter()
        .map(|(call, seen)| row(run.arch, *call, seen))
        .partition(|r| r.abi == Some(run.arch) && !r.label.starts_with("x32 "));
    native.sort_by(|a, b| a.label.cmp(&b.label));
    foreign.sort_by(|a, b| a.label.cmp(&b.label));
    (native, foreign)
}

fn row(native: Arch, call: Syscall, seen: &Seen) -> Row<'_> {
    let x32 = native.has_x32_abi()
        && call.arch == native.audit_arch()
        && call.nr & u64::from(X32_SYSCALL_BIT) != 0;
    let abi = Arch::from_audit_arch(call.arch);
    let table_nr = if x32 {
        call.nr & !u64::from(X32_SYSCALL_BIT)
    } else {
        call.nr
    };
    let name = abi.and_then(|a| syscalls::table(a).name(u32::try_from(table_nr).ok()?));
    let prefix = match abi {
        _ if x32 => "x32 ".to_owned(),
        Some(a) if a == native => String::new(),
        Some(a) => format!("{a} "),
        None => format!("arch {:#010x} ", call.arch),
    };
    let label = match name {
        Some(name) => format!("{prefix}{name} ({table_nr})"),
        None => format!("{prefix}{table_nr}"),
    };
    Row {
        label,
        name,
        abi,
        nr: call.nr,
        seen,
    }
}

fn table(rows: &[Row], out: &mut String) {
    let width = rows.iter().map(|r| r.label.len()).max().unwrap_or(0).max(7);
    let actions: Vec<String> = rows.iter().map(|r| actions(r.seen)).collect();
    let action_width = actions.iter().map(String::len).max().unwrap_or(0).max(6);
    let _ = writeln!(
        out,
        "  {:>7}  {:<width$}  {:<action_width$}  FIRST CALL",
        "CALLS", "SYSCALL", "ACTION"
    );
    for (row, action) in rows.iter().zip(&actions) {
        let _ = writeln!(
            out,
            "  {:>7}  {:<width$}  {:<action_width$}  {}",
            row.seen.count,
            row.label,
            action,
            first_call(row)
        );
    }
}

/// `kill_process`, or `errno(EPERM) 3, kill_process 1` when they differ.
fn actions(seen: &Seen) -> String {
    match seen.actions.len() {
        1 => seen.actions.keys().map(ToString::to_string).collect(),
        _ => seen
            .actions
            .iter()
            .map(|(a, n)| format!("{a} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `openat(dfd=-100, filename=0x7ffc..., flags=0x80000, mode=0)`.
fn first_call(row: &Row) -> String {
    let Some(args) = row.seen.example else {
        return "(arguments not available: reported from its SIGSYS)".to_owned();
    };
    let name = row
        .name
        .map_or_else(|| format!("syscall_{}", row.nr), str::to_owned);
    let described = row
        .abi
        .zip(row.name)
        .and_then(|(arch, name)| params::params(arch, name));
    let values: Vec<String> = match described {
        Some(params) => params
            .iter()
            .zip(args)
            .map(|(p, v)| format!("{}={}", p.name, value(p.name, p.ctype, v, row.abi)))
            .collect(),
        None => args
            .iter()
            .map(|&v| value("", "unsigned long", v, row.abi))
            .collect(),
    };
    format!("{name}({})", values.join(", "))
}

/// An argument as its C type suggests: pointers and large numbers in hex,
/// signed types that are negative in decimal. A descriptor is an int even
/// where the prototype says `unsigned long` (mmap's `fd`).
fn value(name: &str, ctype: &str, v: u64, abi: Option<Arch>) -> String {
    let bits = abi.map_or(64, Arch::word_bits);
    let int = [
        "int",
        "pid_t",
        "key_t",
        "clockid_t",
        "timer_t",
        "mqd_t",
        "rwf_t",
    ];
    let descriptor = name == "fd" || name.ends_with("fd");
    let narrow = descriptor
        || int
            .iter()
            .any(|t| ctype == *t || ctype.ends_with(&format!(" {t}")));
    let signed = descriptor
        || !ctype.contains("unsigned")
            && !ctype.contains('*')
            && !ctype.contains("size_t")
            && !ctype.contains("u32")
            && !ctype.contains("u64")
            && !ctype.contains("umode_t");
    // Reinterpretations of the register as the kernel would read it.
    let as_signed = if narrow || bits == 32 {
        i64::from(v as u32 as i32)
    } else {
        v as i64
    };
    if ctype.contains('*') {
        format!("{v:#x}")
    } else if ctype.contains("umode_t") && v != 0 {
        format!("{v:#o}")
    } else if signed && as_signed < 0 {
        as_signed.to_string()
    } else if v < 0x10000 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

/// The `keep` to paste, and what is better changed by hand.
fn statements(run: &Run, native: &[Row]) -> String {
    let mut keep: Vec<&'static str> = Vec::new();
    let mut by_hand: Vec<String> = Vec::new();
    for row in native {
        let Some(name) = row.name else { continue };
        let rule = match (run.policy, u32::try_from(row.nr)) {
            (Some(policy), Ok(nr)) => rules::rule(policy, nr),
            _ => Rule::Default,
        };
        match rule {
            Rule::Named { why } => by_hand.push(format!("{name} ({why})")),
            Rule::Default => keep.push(name),
            Rule::Allowed | Rule::OtherAbi => {}
        }
    }
    let mut out = String::new();
    if !keep.is_empty() {
        keep.sort_unstable();
        let _ = writeln!(
            out,
            "\nTo allow {}, add to the policy (without conditions: where the policy allows\n\
             a syscall under a condition, widening that condition is the narrower change):\n",
            if keep.len() == 1 { "it" } else { "them" }
        );
        let _ = writeln!(
            out,
            "// Added after `seccompc learn -- {}`",
            comment_safe(run.command)
        );
        out.push_str(&crate::record::keep(&keep));
    }
    if !by_hand.is_empty() {
        let _ = writeln!(
            out,
            "\nNamed by the policy, so left to you (change those statements if the program\nneeds them): {}",
            by_hand.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_read_as_their_types() {
        let x86_64 = Some(Arch::X86_64);
        assert_eq!(value("dfd", "int", 0xffff_ff9c, x86_64), "-100");
        assert_eq!(value("dfd", "int", 0x1234_ffff_ff9c, x86_64), "-100");
        let pointer = "const char __user *";
        assert_eq!(
            value("filename", pointer, 0x7ffc_0000, x86_64),
            "0x7ffc0000"
        );
        assert_eq!(
            value("addr", "unsigned long", u64::MAX, x86_64),
            "0xffffffffffffffff"
        );
        assert_eq!(value("fd", "unsigned long", 0xffff_ffff, x86_64), "-1");
        assert_eq!(value("x", "long", u64::MAX, x86_64), "-1");
        assert_eq!(value("mode", "umode_t", 0o644, x86_64), "0o644");
        assert_eq!(value("count", "size_t", 0x10_0000, x86_64), "0x100000");
        assert_eq!(value("x", "long", 0xffff_ffff, Some(Arch::X86)), "-1");
    }

    #[test]
    fn a_first_call_is_written_with_parameter_names() {
        let seen = Seen {
            count: 1,
            example: Some([0xffff_ff9c, 0x5555_0000, 0x80000, 0, 0, 0]),
            actions: Default::default(),
        };
        let r = row(
            Arch::X86_64,
            Syscall {
                arch: 0xc000_003e,
                nr: 257,
            },
            &seen,
        );
        assert_eq!(r.label, "openat (257)");
        assert_eq!(
            first_call(&r),
            "openat(dfd=-100, filename=0x55550000, flags=0x80000, mode=0)"
        );
        let r = row(
            Arch::X86_64,
            Syscall {
                arch: 0x4000_0003,
                nr: 20,
            },
            &seen,
        );
        assert_eq!(r.label, "x86 getpid (20)");
        let r = row(
            Arch::X86_64,
            Syscall {
                arch: 0xc000_003e,
                nr: 0x4000_0027,
            },
            &seen,
        );
        assert_eq!(r.label, "x32 getpid (39)");
    }
}
