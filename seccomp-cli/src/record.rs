//! `seccompc record`: run a command, trace the syscalls it makes, and
//! write a policy that allows exactly those: the seed workflow of building
//! an allow-list from `strace -c`, done for the user.

mod after;
mod merge;
mod ptrace;
mod stand_ins;

use crate::args::{CliError, CommandLine, Result};
use crate::format::comment_safe;
use crate::trace::shown;
use crate::{input, output};
use ptrace::{Ending, Recording};
use seccomp_compiler::Arch;
use seccomp_compiler::tables::{groups, syscalls};
use std::fmt::Write as _;

/// `seccompc record`.
#[derive(clap::Args)]
#[command(
    about = "trace a command and print a policy allowing the syscalls it made",
    long_about = "\
trace a command and write a policy allowing what it used

Runs CMD (searched in PATH) under ptrace, follows every process and thread
it starts, and collects the syscalls they make through the running
architecture's native ABI, until all of them have exited (a daemon that
stays in the background keeps the recording open). Then prints a policy
that allows exactly those, with no conditions: an `arch` statement for
this architecture, and one `keep` listing the syscalls by topic (under the
first systemd group that has them: @default, @basic-io, @file-system,
@process, ...; names sorted), with comments saying how many calls were
seen and which group would cover them all as a broader `base`.

What a trace cannot see, and the policy will therefore lack:
  - code paths this run did not take (errors, signals, other input or
    options): record each way the program is used with --add-to, into one
    policy;
  - calls the vDSO answers in user space (clock_gettime, gettimeofday,
    time, getcpu) never reach the kernel on most machines; seccomp does not
    see them either, but on some clock sources they fall back to real
    syscalls: add them if the program reads the clock;
  - syscalls made before tracing starts: tracing begins with CMD's execve
    (included), so anything a launcher does after installing the filter
    (bwrap, a service manager) must be added by hand; `seccompc run` needs
    only execve;
  - calls through another ABI (i386 int 0x80, x32) are counted and listed
    in a comment but not allowed: the policy always kills them.

The tracer uses ptrace's PTRACE_GET_SYSCALL_INFO (Linux 5.3+), so it needs
permission to trace its own children (usually granted; not inside some
sandboxes). Traced setuid programs run without their privileges.
Everything after the options is the command, verbatim; `--` before it is
allowed.",
    after_long_help = "\
Examples:
  seccompc record -o ls.policy -- ls -l /tmp
  seccompc run ls.policy -- ls -l /tmp
  seccompc record --add-to tools.policy -- ls -la /usr
  seccompc record --add-to tools.policy -- tar cf /tmp/x.tar /etc/hostname
  seccompc record --after-sandbox -o app.policy -- ./app

Exit status: 0 when a policy was written (whatever CMD's status, which is
reported on standard error), 127 if CMD is not found, 126 if it cannot be
executed, 1 if it could not be traced, 2 for a mistake on the command line."
)]
pub struct Args {
    /// Write the policy to POLICY instead of standard output (use it when
    /// CMD writes to standard output)
    #[arg(short, long, value_name = "POLICY", conflicts_with = "add_to")]
    output: Option<String>,
    /// Add this run to POLICY: the syscalls it used that POLICY does not
    /// allow yet are appended as one `keep` with a comment naming the run;
    /// the file's statements and comments stay as they are (it is created
    /// if it does not exist). Several runs, of one command or of several,
    /// make one policy this way
    #[arg(long, value_name = "POLICY")]
    add_to: Option<String>,
    /// Record only what CMD does after it installs its own seccomp filter
    /// (`#[sandbox]`, `Policy::apply`, any seccomp(2) or
    /// prctl(PR_SET_SECCOMP) call): what that filter must allow. The filter
    /// is installed with every return turned into a trace, so the program
    /// runs unfiltered (see `seccompc learn`)
    #[arg(long)]
    after_sandbox: bool,
    #[command(flatten)]
    command: CommandLine,
}

/// The groups a recorded syscall is filed under, first match wins: what
/// every process needs, then by topic, privileged ones last.
const TOPICS: [&str; 28] = [
    "@default",
    "@basic-io",
    "@file-system",
    "@process",
    "@signal",
    "@io-event",
    "@ipc",
    "@network-io",
    "@timer",
    "@clock",
    "@aio",
    "@sync",
    "@memlock",
    "@resources",
    "@setuid",
    "@chown",
    "@keyring",
    "@pkey",
    "@sandbox",
    "@debug",
    "@mount",
    "@module",
    "@reboot",
    "@swap",
    "@raw-io",
    "@cpu-emulation",
    "@obsolete",
    "@privileged",
];

/// Groups suggested as a broader start, smallest first.
const BASES: [&str; 2] = ["@default", "@system-service"];

pub fn main(args: Args) -> Result<()> {
    // clap requires at least one word of the command.
    if args.command.words.is_empty() {
        return Err(CliError::usage("record", "expected the command to record"));
    }
    let arch = input::require_native_arch()?;
    let existing = args
        .add_to
        .as_deref()
        .map(|path| merge::Existing::read(path, arch))
        .transpose()?;
    let recording = ptrace::record(&args.command.words, arch, args.after_sandbox)?;
    let shown = shown(&args.command.words);
    if !recording.executed {
        return Err(not_executed(&shown, recording.status));
    }
    if args.after_sandbox && recording.installs == 0 {
        return Err(ptrace::no_sandbox(&shown));
    }
    let summary = format!("seccompc record: {}", summary(&shown, &recording));
    if let Some(existing) = existing {
        let added = existing.add(&recording, &after::command_line(&shown, args.after_sandbox))?;
        output::stderr_line(&format!("{summary}; {added}"));
        return Ok(());
    }
    let mut policy = policy(arch, &shown, &recording);
    if args.after_sandbox {
        policy = after::with_note(policy);
    }
    output::write(args.output.as_deref(), policy.as_bytes())?;
    output::stderr_line(&summary);
    Ok(())
}

/// The error for a command whose execve failed (the child exits with 127
/// when the file does not exist, 126 otherwise, as shells do).
fn not_executed(shown: &str, status: Option<Ending>) -> CliError {
    let (why, code) = match status {
        Some(Ending::Exited(127)) => ("no such file", 127),
        Some(Ending::Exited(126)) => ("not executable, or permission denied", 126),
        _ => ("it did not start", 1),
    };
    output::stderr_line(&format!("seccompc: cannot execute `{shown}`: {why}"));
    CliError::Exit(code)
}

fn ending(r: &Recording) -> String {
    match r.status {
        Some(Ending::Exited(code)) => format!("exited with status {code}"),
        Some(Ending::Signalled(sig)) => format!("was killed by signal {sig}"),
        None => "ended".to_owned(),
    }
}

/// `N distinct syscalls in M calls by K processes/threads`.
fn counts(r: &Recording) -> String {
    let tasks = match r.tasks.len() {
        1 => "1 process".to_owned(),
        n => format!("{n} processes and threads"),
    };
    format!(
        "{} distinct syscalls in {} calls by {tasks}",
        r.syscalls.len(),
        r.syscalls.values().sum::<u64>()
    )
}

fn summary(shown: &str, r: &Recording) -> String {
    format!("`{shown}` {}; {}", ending(r), counts(r))
}

/// The policy text.
pub fn policy(arch: Arch, shown: &str, r: &Recording) -> String {
    let table = syscalls::table(arch);
    let mut names: Vec<&str> = Vec::new();
    let mut unnamed: Vec<u32> = Vec::new();
    for &nr in r.syscalls.keys() {
        match table.name(nr) {
            Some(name) => names.push(name),
            None => unnamed.push(nr),
        }
    }
    names.sort_unstable();
    let mut out = header(arch, shown, r, &names);
    if !unnamed.is_empty() {
        let list: Vec<String> = unnamed.iter().map(u32::to_string).collect();
        let _ = writeln!(
            out,
            "// Numbers no {arch} table of ours knows (newer syscalls), which `unknown`\n// decides (errno(ENOSYS) unless set): {}",
            list.join(", ")
        );
    }
    if !r.other_abi.is_empty() {
        let list: Vec<String> = r
            .other_abi
            .keys()
            .map(|&(audit, nr)| format!("{nr} (arch {audit:#010x})"))
            .collect();
        let _ = writeln!(
            out,
            "// Calls through another ABI, which every policy kills: {}",
            list.join(", ")
        );
    }
    // No `arch` statement: the policy is for every architecture, with the
    // stand-ins of what some lack.
    let _ = writeln!(out);
    if names.contains(&"ptrace") {
        out.push_str(
            "// The command used ptrace: a tracer can rewrite a tracee's syscalls after\n// the filter passed them. Drop it unless the program really needs it.\nacknowledge ptrace;\n",
        );
    }
    out.push_str(&keep(&names));
    out.push_str(&stand_ins::keep_stand_ins(&names));
    out
}

fn header(arch: Arch, shown: &str, r: &Recording, names: &[&str]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "// Recorded by `seccompc record -- {shown}` on {arch}:\n\
         // {}; the command {}.\n\
         //\n\
         // Allows exactly the syscalls seen, without conditions, and kills the\n\
         // process on any other (the default deny action). One run shows only\n\
         // the paths it took: errors, signals and other input may need more.\n\
         // Calls the vDSO answers (clock_gettime, gettimeofday, time, getcpu)\n\
         // are not seen; add them if the program reads the clock. It compiles\n\
         // for every architecture; the syscalls of {arch} others lack are skipped\n\
         // there, and what libc calls there instead is kept at the end.\n",
        counts(r),
        ending(r),
        shown = comment_safe(shown),
    );
    out.push_str(&base_suggestion(names));
    out
}

/// Comment lines naming the smallest group that covers what was seen (a
/// broader `base` that also covers paths this run missed).
fn base_suggestion(names: &[&str]) -> String {
    let mut out = String::from("//\n");
    for group in BASES {
        let members = groups::expand(group).unwrap_or_default();
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !members.contains(n))
            .collect();
        if missing.is_empty() {
            let _ = writeln!(
                out,
                "// A broader start that covers every syscall seen:\n// base {group};"
            );
            return out;
        }
        if group == "@system-service" {
            let _ = writeln!(
                out,
                "// A broader start: `base {group};` covers {} of the {} syscalls seen;\n// the others would still need `keep`: {}",
                names.len() - missing.len(),
                names.len(),
                missing.join(", ")
            );
        }
    }
    out
}

/// One `keep` statement, a commented line per topic group.
pub(crate) fn keep(names: &[&str]) -> String {
    let mut rest: Vec<&str> = names.to_vec();
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for topic in TOPICS {
        let (Some(group), Some(members)) = (groups::group(topic), groups::expand(topic)) else {
            continue;
        };
        let (here, others): (Vec<&str>, Vec<&str>) = rest.iter().partition(|n| members.contains(n));
        rest = others;
        if !here.is_empty() {
            sections.push((format!("{topic}: {}", group.description), here));
        }
    }
    if !rest.is_empty() {
        sections.push(("in none of the groups above".to_owned(), rest));
    }
    let mut out = String::from("keep\n");
    let last = sections.len().saturating_sub(1);
    for (i, (title, members)) in sections.iter().enumerate() {
        let _ = writeln!(out, "    // {title}");
        let end = if i == last { ";" } else { "," };
        wrap(members, end, &mut out);
    }
    out
}

/// `    a, b, c` lines of at most 80 columns, the last ending in `end`.
fn wrap(names: &[&str], end: &str, out: &mut String) {
    let mut line = String::from("    ");
    for (i, name) in names.iter().enumerate() {
        let sep = if i + 1 == names.len() { end } else { "," };
        if line.len() > 4 && line.len() + 1 + name.len() + sep.len() > 80 {
            let _ = writeln!(out, "{}", line.trim_end());
            line = String::from("    ");
        }
        if line.len() > 4 {
            line.push(' ');
        }
        line.push_str(name);
        line.push_str(sep);
    }
    let _ = writeln!(out, "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_recording_becomes_a_policy_that_compiles() {
        let table = syscalls::table(Arch::X86_64);
        let seen = ["read", "write", "exit_group", "openat", "mount", "brk"];
        let recording = Recording {
            syscalls: seen
                .iter()
                .map(|n| (table.number(n).unwrap(), 2))
                .collect::<BTreeMap<_, _>>(),
            tasks: [1].into(),
            executed: true,
            status: Some(Ending::Exited(0)),
            ..Recording::default()
        };
        let text = policy(Arch::X86_64, "prog", &recording);
        assert!(text.contains("\n\nkeep\n    // @default: System calls that are always permitted\n    brk, exit_group,\n"), "{text}");
        assert!(text.contains("base @system-service;` covers 5 of the 6 syscalls seen;\n// the others would still need `keep`: mount\n"), "{text}");
        assert!(text.ends_with("    mount;\n"), "{text}");
        let c = seccomp_compiler::compile_str(&text).unwrap();
        let allowed = &c.get(Arch::X86_64).unwrap().table.named;
        assert_eq!(allowed.len(), seen.len());
    }
}
