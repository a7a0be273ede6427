//! `seccompc run`: install a policy in this process, then execute a
//! command under it.
//!
//! Everything that can fail or that needs syscalls the policy may refuse
//! (compiling, finding the command on `PATH`, building `argv`, resetting
//! signal dispositions) happens before the filter is installed; after it,
//! the only syscall made is `execve`.

use crate::args::{CliError, Result, Spec};
use crate::input::{self, Compiled};
use crate::pretty::Locator;
use seccomp_compiler::Action;
use seccomp_compiler::bpf::{BPF_K, BPF_RET, SockFilter};
use seccomp_compiler::decide::Lookup;
use seccomp_compiler::tables::syscalls;
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

pub const HELP: &str = "\
seccompc run: run a command under a policy

Usage: seccompc run [--log] POLICY [--] CMD [ARGS...]

Compiles POLICY for the running architecture, installs it in this process
(no_new_privs, then seccomp(2) with TSYNC, after checking that the kernel
supports every action) and executes CMD with ARGS, searching PATH. The
filter applies to CMD and to every process it starts: filters survive
fork and execve and cannot be removed. Because no_new_privs is set,
setuid and file-capability programs run without their privileges.

The policy must allow `execve` (it is checked), and what CMD's dynamic
loader and libc need at start-up: `base @system-service;` is a good start,
`seccompc record` finds the rest.

Options:
  --log        debug mode: every action except allow becomes `log`
               (SECCOMP_RET_LOG, Linux 4.14+), so nothing is refused and each
               call the policy would refuse is logged by the kernel's audit
               subsystem instead, as a `type=1326` record naming the syscall
               by number (`syscall=83`; `seccompc syscalls 83` names it):
                 journalctl -k -g type=1326     or     dmesg | grep type=1326
               (with auditd running: ausearch -m SECCOMP). The kernel logs
               only if `log` is listed in
               /proc/sys/kernel/seccomp/actions_logged (the default), and
               rate-limits the messages. Calls through another ABI, which
               the policy always kills, are logged and allowed too.
  -h, --help   this help

Exit status: CMD's own; 126 if CMD cannot be executed, 127 if it is not
found, 1 if the policy has errors or cannot be installed, 2 for a mistake
on the command line.
";

const SPEC: Spec = Spec {
    command: "run",
    options: &[],
    flags: &["--log"],
    command_after: Some(1),
};

pub fn main(args: Vec<OsString>) -> Result<()> {
    let Some(parsed) = SPEC.parse_or_help(args, HELP)? else {
        return Ok(());
    };
    let [path] = parsed.positionals.as_slice() else {
        return Err(SPEC.usage("expected POLICY, then the command to run"));
    };
    let Some(program) = parsed.command.first() else {
        return Err(SPEC.usage("expected the command to run after POLICY"));
    };
    let arch = input::require_native_arch()?;
    let compiled = input::compile_for(input::read_policy(path)?, arch)?;
    let log = parsed.flag("--log");
    if !log {
        check_execve(&compiled)?;
    }
    let mut prog = compiled.filters()?;
    let mut actions: Vec<Action> = compiled.output.program.actions.clone();
    if log {
        (prog, actions) = log_instead(&prog, &actions);
    }
    let executable = find_executable(program)?;
    let argv = c_strings(&parsed.command)?;
    let path = c_string(executable.as_os_str())?;
    reset_signals();
    install(&prog, &actions)?;
    Err(exec(&path, &argv, program))
}

/// Refuses a policy under which `execve` cannot start the command.
fn check_execve(c: &Compiled) -> Result<()> {
    let Some(nr) = syscalls::table(c.arch).number("execve") else {
        return Ok(());
    };
    let table = &c.output.table;
    let (runs, origin) = match table.lookup(nr) {
        Lookup::Named(d) => (d.actions().any(Action::lets_through), d.otherwise.origin),
        Lookup::Default(o) | Lookup::Unknown(o) => (o.action.lets_through(), o.origin),
        Lookup::OtherAbi => (false, table.default.origin),
    };
    if runs {
        return Ok(());
    }
    let locator = Locator {
        source: &c.source,
        policy: &c.policy,
    };
    Err(CliError::failed(format!(
        "`{}` refuses `execve` ({}), so the command could not be started under it: add `keep execve;`, or use --log to see what it refuses",
        c.source.name,
        locator.origin(origin)
    )))
}

/// The program with every refusing return replaced by `SECCOMP_RET_LOG`.
fn log_instead(prog: &[SockFilter], actions: &[Action]) -> (Vec<SockFilter>, Vec<Action>) {
    let prog = prog
        .iter()
        .map(|&f| {
            let refuses = f.code == BPF_RET | BPF_K && !Action::from_ret(f.k).lets_through();
            if refuses {
                SockFilter {
                    k: Action::Log.to_ret(),
                    ..f
                }
            } else {
                f
            }
        })
        .collect();
    let mut actions: Vec<Action> = actions
        .iter()
        .map(|&a| if a.lets_through() { a } else { Action::Log })
        .collect();
    actions.sort();
    actions.dedup();
    (prog, actions)
}

/// Where `execvp` would find `program`: as given if it contains a `/`,
/// else the first executable file of that name in `PATH`.
pub fn find_executable(program: &OsStr) -> Result<PathBuf> {
    let not_found =
        || CliError::failed(format!("{}: command not found", program.to_string_lossy()));
    if program.as_bytes().contains(&b'/') {
        return Ok(PathBuf::from(program));
    }
    if program.is_empty() {
        return Err(not_found());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
        .ok_or_else(|| CliError::Exit(report(127, not_found())))
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Prints `e` and gives `status` to exit with.
fn report(status: i32, e: CliError) -> i32 {
    eprintln!("{e}");
    status
}

pub fn c_string(s: &OsStr) -> Result<CString> {
    CString::new(s.as_bytes())
        .map_err(|_| CliError::failed(format!("{} contains a NUL byte", s.to_string_lossy())))
}

pub fn c_strings(args: &[OsString]) -> Result<Vec<CString>> {
    args.iter().map(|a| c_string(a)).collect()
}

/// Gives the command default signal dispositions where Rust's runtime
/// changed them: SIGPIPE is ignored in Rust programs, and ignored signals
/// stay ignored across execve.
pub fn reset_signals() {
    // SAFETY: signal(2) with SIG_DFL installs no handler; the process is
    // single-threaded and about to exec.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Installs the program on this process with seccomp_runtime.
fn install(prog: &[SockFilter], actions: &[Action]) -> Result<()> {
    let filters: Vec<seccomp_runtime::SockFilter> = prog
        .iter()
        .map(|f| seccomp_runtime::SockFilter::new(f.code, f.jt, f.jf, f.k))
        .collect();
    let mut kinds: Vec<u32> = actions.iter().map(|a| a.kind_ret()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    // Leaked on purpose: the policy lives until exec replaces the process.
    let filters: &'static [seccomp_runtime::SockFilter] = Vec::leak(filters);
    let kinds: &'static [u32] = Vec::leak(kinds);
    seccomp_runtime::Policy::from_parts(filters, kinds, &[])
        .apply()
        .map_err(|e| CliError::failed(format!("cannot install the filter: {e}")))
}

/// `execve` with the current environment; returns only on failure, with
/// the exit status a shell would use (126, or 127 when not found).
fn exec(path: &CString, argv: &[CString], program: &OsStr) -> CliError {
    let mut pointers: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    pointers.push(std::ptr::null());
    // SAFETY: execv(2) reads the NUL-terminated `path` and the
    // NULL-terminated `argv` array of NUL-terminated strings, all alive
    // here; it returns only on failure.
    unsafe {
        libc::execv(path.as_ptr(), pointers.as_ptr());
    }
    let err = std::io::Error::last_os_error();
    let status = if err.raw_os_error() == Some(libc::ENOENT) {
        127
    } else {
        126
    };
    CliError::Exit(report(
        status,
        CliError::failed(format!(
            "cannot execute {}: {err}",
            program.to_string_lossy()
        )),
    ))
}
