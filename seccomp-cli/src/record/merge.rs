//! `record --add-to POLICY`: one more run added to a policy file. The
//! file's text stays as it is; what the run used and the policy does not
//! allow yet is appended as one `keep`, with a comment naming the run.
//! Syscalls the policy names on purpose (refused, or allowed under a
//! condition) are left to the author and listed in a comment instead.

use super::ptrace::Recording;
use crate::args::{CliError, Result};
use crate::format::comment_safe;
use crate::input::{self, Compiled};
use crate::rules::{self, Rule};
use seccomp_compiler::Arch;
use seccomp_compiler::tables::syscalls;
use std::fmt::Write as _;
use std::path::Path;

/// The policy file a run is added to.
pub struct Existing {
    path: String,
    arch: Arch,
    /// The policy as it is, or `None` when the file does not exist yet.
    compiled: Option<Compiled>,
}

/// What the run used, as the policy sees it.
#[derive(Default)]
struct Sorted {
    /// Not allowed yet, not named: added.
    new: Vec<&'static str>,
    /// Named by the policy with a refusal or a condition: `name (why)`.
    left: Vec<String>,
}

impl Existing {
    /// Reads and compiles `path` before the run, so a broken policy stops
    /// the command from being run for nothing.
    pub fn read(path: &str, arch: Arch) -> Result<Existing> {
        let compiled = match Path::new(path).try_exists() {
            Ok(false) => None,
            _ => Some(input::compile_for(input::read_policy(path)?, arch).map_err(
                |e| match e {
                    CliError::Policy(text) => CliError::Policy(format!(
                        "{text}\nseccompc record: `{path}` must compile for {arch} before a run is added to it"
                    )),
                    other => other,
                },
            )?),
        };
        Ok(Existing {
            path: path.to_owned(),
            arch,
            compiled,
        })
    }

    /// Adds the run and says what changed. `command` is how the run was
    /// asked for (`-- ls -la`).
    pub fn add(self, r: &Recording, command: &str) -> Result<String> {
        let Some(compiled) = &self.compiled else {
            let policy = super::policy(self.arch, command_only(command), r);
            write_atomically(&self.path, &policy)?;
            return Ok(format!("wrote the policy to `{}`", self.path));
        };
        let sorted = sort(compiled, r);
        if sorted.new.is_empty() && sorted.left.is_empty() {
            return Ok(format!(
                "`{}` already allows every syscall this run used; unchanged",
                self.path
            ));
        }
        let text = appended(&compiled.source.text, &self.path, command, &sorted);
        // What was added must not break the policy.
        let source = seccomp_compiler::Source::new(&self.path, text.clone());
        input::compile_for(source, self.arch)?;
        write_atomically(&self.path, &text)?;
        Ok(format!(
            "added {} syscall(s) to `{}`{}",
            sorted.new.len(),
            self.path,
            if sorted.left.is_empty() {
                String::new()
            } else {
                format!("; left as written: {}", sorted.left.join(", "))
            }
        ))
    }
}

/// `ls -la` from `-- ls -la` (the policy's own header says the rest).
fn command_only(command: &str) -> &str {
    command.rsplit_once("-- ").map_or(command, |(_, c)| c)
}

fn sort(c: &Compiled, r: &Recording) -> Sorted {
    let table = syscalls::table(c.arch);
    let mut sorted = Sorted::default();
    for &nr in r.syscalls.keys() {
        // Numbers no table names are decided by `unknown`; `keep` cannot
        // name them.
        let Some(name) = table.name(nr) else {
            continue;
        };
        match rules::rule(c, nr) {
            Rule::Default => sorted.new.push(name),
            Rule::Named { why } => sorted.left.push(format!("{name} ({why})")),
            Rule::Allowed | Rule::OtherAbi => {}
        }
    }
    sorted.new.sort_unstable();
    sorted
}

/// The policy text with the run's statement appended.
fn appended(text: &str, path: &str, command: &str, sorted: &Sorted) -> String {
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "\n// Added by `seccompc record --add-to {} {}`:",
        comment_safe(path),
        comment_safe(command)
    );
    if sorted.new.is_empty() {
        out.push_str("// nothing new to allow.\n");
    } else {
        let _ = writeln!(
            out,
            "// the {} syscall(s) this run used that the policy did not allow.",
            sorted.new.len()
        );
        out.push_str(&super::keep(&sorted.new));
        out.push_str(&super::stand_ins::keep_stand_ins(&sorted.new));
    }
    if !sorted.left.is_empty() {
        let _ = writeln!(
            out,
            "// Used too, and left as the policy says (change those statements if the\n// program needs them): {}",
            comment_safe(&sorted.left.join(", "))
        );
    }
    out
}

/// Replaces `path` with `text` through a temporary file in the same
/// directory, so an interrupted write never leaves half a policy.
fn write_atomically(path: &str, text: &str) -> Result<()> {
    let target = Path::new(path);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = target.with_file_name(format!(".{name}.seccompc-{}", std::process::id()));
    let failed = |e: std::io::Error| CliError::failed(format!("cannot write `{path}`: {e}"));
    std::fs::write(&temporary, text).map_err(failed)?;
    std::fs::rename(&temporary, target).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::Source;

    fn recording(names: &[&str]) -> Recording {
        let table = syscalls::table(Arch::X86_64);
        Recording {
            syscalls: names
                .iter()
                .map(|n| (table.number(n).unwrap(), 1))
                .collect(),
            tasks: [1].into(),
            executed: true,
            ..Recording::default()
        }
    }

    const POLICY: &str = "// my policy\narch x86_64;\nkeep read, exit_group; // the basics\ndrop ptrace;\nkeep write(fd == 1);\n";

    #[test]
    fn new_syscalls_are_appended_and_named_ones_left_alone() {
        let c = input::compile_for(Source::new("p.policy", POLICY.to_owned()), Arch::X86_64)
            .ok()
            .unwrap();
        let sorted = sort(
            &c,
            &recording(&["read", "write", "ptrace", "openat", "close"]),
        );
        assert_eq!(sorted.new, ["close", "openat"]);
        assert_eq!(
            sorted.left,
            [
                "write (allowed only under a condition, 5:1 keep)",
                "ptrace (kill_process by 4:1 drop)"
            ]
        );
        let text = appended(POLICY, "p.policy", "-- ls /", &sorted);
        assert!(text.starts_with(POLICY), "{text}");
        assert_eq!(
            &text[POLICY.len()..],
            "\n// Added by `seccompc record --add-to p.policy -- ls /`:\n\
             // the 2 syscall(s) this run used that the policy did not allow.\n\
             keep\n    // @basic-io: Basic IO\n    close,\n    // @file-system: File system operations\n    openat;\n\
             // Used too, and left as the policy says (change those statements if the\n\
             // program needs them): write (allowed only under a condition, 5:1 keep), ptrace (kill_process by 4:1 drop)\n"
        );
        let c = input::compile_for(Source::new("p.policy", text), Arch::X86_64)
            .ok()
            .unwrap();
        assert!(
            sort(&c, &recording(&["openat", "close", "read"]))
                .new
                .is_empty()
        );
    }
}
