//! Starting the command once the filter is installed, with nothing left
//! that can fail or that needs a syscall the policy may refuse.
//!
//! Before installing: the executable is found and checked as `execve`
//! would check it (exists, not a directory, executable, a `#!`
//! interpreter that exists), so the usual failures are reported normally
//! (127 not found, 126 otherwise); `argv` and the pointer array are
//! built; and the messages and exit syscalls for a failing `execve` are
//! prepared and run through the emulator on the very program that will be
//! installed. After installing, a failing `execve` (a file the kernel
//! cannot run, E2BIG, ...) writes its prepared message only if that exact
//! `write(2, ...)` cannot kill, and exits with `exit_group` or `exit`,
//! whichever the program allows: no allocation, no other syscall.

use crate::args::{CliError, Result};
use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch, emu};
use std::ffi::{CString, OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The exit status of a command that is not found, as shells use it.
pub const NOT_FOUND: u8 = 127;
/// The exit status of a command that is found but cannot be executed.
pub const CANNOT_EXECUTE: u8 = 126;

/// Where `execvp` would find `program`: as given if it contains a `/`,
/// else the first executable file of that name in `PATH`; checked as
/// `execve` will check it.
pub fn find_executable(program: &OsStr) -> Result<PathBuf> {
    let shown = program.to_string_lossy();
    if program.as_bytes().contains(&b'/') {
        let path = PathBuf::from(program);
        check_executable(&path)?;
        return Ok(path);
    }
    let not_found = || failure(NOT_FOUND, format!("{shown}: command not found"));
    if program.is_empty() {
        return Err(not_found());
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file() && access(p, libc::X_OK))
        .ok_or_else(not_found)?;
    check_executable(&found)?;
    Ok(found)
}

/// What `execve` would refuse before loading anything: a missing file, a
/// directory, no execute permission, a `#!` line naming a missing
/// interpreter.
fn check_executable(path: &Path) -> Result<()> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| failure(exec_status(&e), format!("cannot execute {shown}: {e}")))?;
    if meta.is_dir() {
        return Err(failure(
            CANNOT_EXECUTE,
            format!("cannot execute {shown}: it is a directory"),
        ));
    }
    if !access(path, libc::X_OK) {
        return Err(failure(
            CANNOT_EXECUTE,
            format!(
                "cannot execute {shown}: {}",
                std::io::Error::last_os_error()
            ),
        ));
    }
    match interpreter(path) {
        Some(interp) if !access(Path::new(&interp), libc::X_OK) => Err(failure(
            CANNOT_EXECUTE,
            format!(
                "cannot execute {shown}: bad interpreter `{}`: {}",
                interp.to_string_lossy(),
                std::io::Error::last_os_error()
            ),
        )),
        _ => Ok(()),
    }
}

/// The interpreter a `#!` line names (the kernel's binfmt_script reads the
/// first line, up to 256 bytes in Linux 5.1+, and its first word).
fn interpreter(path: &Path) -> Option<OsString> {
    let mut head = [0u8; 256];
    let n = std::fs::File::open(path).ok()?.read(&mut head).ok()?;
    let line = head[..n].strip_prefix(b"#!")?;
    let line = line.split(|&b| b == b'\n').next()?;
    let word = line
        .split(|&b| b == b' ' || b == b'\t')
        .find(|w| !w.is_empty())?;
    Some(OsStr::from_bytes(word).to_os_string())
}

/// access(2) for the real user, as execve checks it.
fn access(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: access(2) reads the NUL-terminated string `c`, alive here.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

/// 127 for a file that does not exist, 126 for any other failure.
fn exec_status(e: &std::io::Error) -> u8 {
    if e.raw_os_error() == Some(libc::ENOENT) {
        NOT_FOUND
    } else {
        CANNOT_EXECUTE
    }
}

/// Reports `message` now and gives the error that exits with `status`.
fn failure(status: u8, message: String) -> CliError {
    crate::output::stderr_line(&CliError::failed(message).to_string());
    CliError::Exit(status)
}

pub fn c_string(s: &OsStr) -> Result<CString> {
    CString::new(s.as_bytes())
        .map_err(|_| CliError::failed(format!("{} contains a NUL byte", s.to_string_lossy())))
}

pub fn c_strings(args: &[OsString]) -> Result<Vec<CString>> {
    args.iter().map(|a| c_string(a)).collect()
}

/// The errors execve(2) documents, for which messages are prepared.
const EXEC_ERRORS: [libc::c_int; 18] = [
    libc::E2BIG,
    libc::EACCES,
    libc::EAGAIN,
    libc::EFAULT,
    libc::EINVAL,
    libc::EIO,
    libc::EISDIR,
    libc::ELIBBAD,
    libc::ELOOP,
    libc::EMFILE,
    libc::ENAMETOOLONG,
    libc::ENFILE,
    libc::ENOENT,
    libc::ENOEXEC,
    libc::ENOMEM,
    libc::ENOTDIR,
    libc::EPERM,
    libc::ETXTBSY,
];

/// Everything `exec` needs, built before the filter is installed.
pub struct Launch {
    path: CString,
    /// Kept alive: `pointers` points into them.
    _argv: Vec<CString>,
    pointers: Vec<*const libc::c_char>,
    /// Per errno: the message, and whether writing it is safe.
    messages: Vec<(libc::c_int, Vec<u8>, bool)>,
    fallback: (Vec<u8>, bool),
    /// The syscall that ends the process with 126 and with 127.
    exit_126: libc::c_long,
    exit_127: libc::c_long,
}

impl Launch {
    /// Prepares running `executable` with `argv` under `prog` (the program
    /// about to be installed for `arch`); an error if `prog` would let
    /// neither `exit_group` nor `exit` end the process.
    pub fn prepare(
        executable: &Path,
        argv: &[OsString],
        prog: &[SockFilter],
        arch: Arch,
        policy_name: &str,
    ) -> Result<Launch> {
        let path = c_string(executable.as_os_str())?;
        let argv = c_strings(argv)?;
        let mut pointers: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
        pointers.push(std::ptr::null());
        let filter = Filter { prog, arch };
        let shown = executable.display();
        let message = |what: String| format!("seccompc: cannot execute {shown}: {what}\n");
        let messages = EXEC_ERRORS
            .iter()
            .map(|&errno| {
                let text = message(std::io::Error::from_raw_os_error(errno).to_string());
                let safe = filter.may_write_stderr(text.as_bytes());
                (errno, text.into_bytes(), safe)
            })
            .collect();
        let fallback = message("execve failed".to_owned()).into_bytes();
        let fallback_safe = filter.may_write_stderr(&fallback);
        let exit = |status: u8| {
            filter.exit_syscall(status).ok_or_else(|| {
                CliError::failed(format!(
                    "`{policy_name}` refuses both `exit_group` and `exit`, so no command could exit under it: add `keep exit_group;`"
                ))
            })
        };
        Ok(Launch {
            exit_126: exit(CANNOT_EXECUTE)?,
            exit_127: exit(NOT_FOUND)?,
            path,
            _argv: argv,
            pointers,
            messages,
            fallback: (fallback, fallback_safe),
        })
    }

    /// `execve` with the current environment; on failure, reports it with
    /// what was prepared and exits with 126 or 127.
    pub fn exec(&self) -> ! {
        // SAFETY: execv(2) reads the NUL-terminated `path` and the
        // NULL-terminated `pointers` array of NUL-terminated strings
        // (`_argv`), all alive here; it returns only on failure.
        unsafe {
            libc::execv(self.path.as_ptr(), self.pointers.as_ptr());
        }
        // Reading errno is a thread-local load, not a syscall.
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        let (text, safe) = self
            .messages
            .iter()
            .find(|(e, _, _)| *e == errno)
            .map_or((&self.fallback.0, self.fallback.1), |(_, t, s)| (t, *s));
        if safe {
            // SAFETY: write(2) reads `text.len()` bytes of `text`, alive;
            // the emulator showed this exact call cannot kill.
            unsafe {
                libc::write(2, text.as_ptr().cast(), text.len());
            }
        }
        let (nr, status) = if errno == libc::ENOENT {
            (self.exit_127, NOT_FOUND)
        } else {
            (self.exit_126, CANNOT_EXECUTE)
        };
        // SAFETY: exit_group(2) or exit(2), which the emulator showed the
        // program allows, take an int and do not return.
        unsafe {
            libc::syscall(nr, libc::c_int::from(status));
        }
        // Not reached: the filter allows the call, which never returns.
        std::process::abort()
    }
}

/// The program about to be installed, asked about the calls a failing
/// `execve` would make.
struct Filter<'p> {
    prog: &'p [SockFilter],
    arch: Arch,
}

impl Filter<'_> {
    /// What the program returns for syscall `name` with `args`; `None`
    /// when `arch` has no such syscall.
    fn action(&self, name: &str, args: [u64; 6]) -> Option<(u32, Action)> {
        let nr = syscalls::table(self.arch).number(name)?;
        let data = SeccompData {
            nr,
            arch: self.arch.audit_arch(),
            args,
            ..SeccompData::default()
        };
        // The program comes from the compiler, which only emits programs
        // the emulator runs; if it ever could not, treat the call as refused.
        let ret = emu::run(self.prog, &data, self.arch.is_big_endian())
            .ok()?
            .ret;
        Some((nr, Action::from_ret(ret)))
    }

    /// Whether `write(2, text, len)` returns rather than killing or
    /// trapping (an errno or a missing tracer only makes it fail).
    fn may_write_stderr(&self, text: &[u8]) -> bool {
        let args = [2, text.as_ptr() as u64, text.len() as u64, 0, 0, 0];
        self.action("write", args).is_some_and(|(_, action)| {
            !matches!(
                action,
                Action::KillProcess | Action::KillThread | Action::Trap
            )
        })
    }

    /// `exit_group`, else `exit` (this process has one thread), whichever
    /// the program lets through with `status`.
    fn exit_syscall(&self, status: u8) -> Option<libc::c_long> {
        let args = [u64::from(status), 0, 0, 0, 0, 0];
        ["exit_group", "exit"].into_iter().find_map(|name| {
            let (nr, action) = self.action(name, args)?;
            action.lets_through().then_some(libc::c_long::from(nr))
        })
    }
}
