//! Why a traced run could not happen.

use crate::child::Stage;
use std::fmt;
use std::io;
use std::time::Duration;

/// What went wrong, in a sentence a user can act on.
#[derive(Debug)]
pub enum Error {
    /// This machine's architecture is not one the compiler knows.
    UnsupportedArch,
    /// The policy to install is empty or longer than 4096 instructions.
    PolicyLength { len: usize },
    /// A system call of the tracer itself failed.
    Os {
        what: &'static str,
        error: io::Error,
    },
    /// The child could not become a tracee (`PTRACE_TRACEME`).
    NotTraceable { errno: i32 },
    /// The child could not set `no_new_privs` or install a filter.
    Setup { stage: Stage, errno: i32 },
    /// The command could not be executed (`ENOENT`: not found).
    Exec { errno: i32 },
    /// The closure ran longer than allowed; it and its children were killed.
    TimedOut { after: Duration },
}

impl Error {
    pub(crate) fn os(what: &'static str, error: io::Error) -> Error {
        Error::Os { what, error }
    }

    pub(crate) fn from_child(stage: Stage, errno: i32) -> Error {
        match stage {
            Stage::Traceme => Error::NotTraceable { errno },
            Stage::Exec => Error::Exec { errno },
            stage => Error::Setup { stage, errno },
        }
    }
}

fn errno_text(errno: i32) -> io::Error {
    io::Error::from_raw_os_error(errno)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnsupportedArch => {
                f.write_str("this machine's architecture is not one the policy compiler knows")
            }
            Error::PolicyLength { len } => write!(
                f,
                "the policy has {len} instructions; the kernel takes 1 to 4096"
            ),
            Error::Os { what, error } => write!(f, "{what} failed: {error}"),
            Error::NotTraceable { errno } => write!(
                f,
                "the child cannot be traced: ptrace(PTRACE_TRACEME) failed: {}{}",
                errno_text(*errno),
                if *errno == libc::EPERM {
                    " (is this process itself traced, by strace -f or a debugger? or does a sandbox or Yama's ptrace_scope forbid ptrace?)"
                } else {
                    ""
                }
            ),
            Error::Setup { stage, errno } => {
                let what = match stage {
                    Stage::NoNewPrivs => "prctl(PR_SET_NO_NEW_PRIVS)",
                    Stage::Policy => "installing the policy",
                    _ => "installing the filter that stops at filter installs",
                };
                write!(f, "{what} in the child failed: {}", errno_text(*errno))?;
                if *errno == libc::EINVAL {
                    f.write_str(" (a kernel without seccomp filters or SECCOMP_RET_TRACE?)")?;
                }
                Ok(())
            }
            Error::Exec { errno } => {
                write!(f, "cannot execute the command: {}", errno_text(*errno))
            }
            Error::TimedOut { after } => write!(
                f,
                "the closure did not finish within {:.1} s; it was killed",
                after.as_secs_f64()
            ),
        }
    }
}

impl std::error::Error for Error {}
