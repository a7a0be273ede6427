//! What can go wrong installing a filter.

use core::fmt;

use crate::Flags;
use crate::filter::{ACTIONS, BPF_MAXINSNS, action_index};

/// Why a filter was not installed. Nothing was installed when one of these
/// is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The kernel has no seccomp filters (older than Linux 3.5, or built
    /// without `CONFIG_SECCOMP_FILTER`).
    Unsupported,
    /// EACCES: the thread has neither `no_new_privs` nor `CAP_SYS_ADMIN`.
    /// (`apply*` set `no_new_privs` first, so this means something refused
    /// that.)
    PermissionDenied,
    /// The kernel does not know an action the program returns, so the filter
    /// would act differently from what was written (an unknown action kills
    /// the process). `action` is the value masked with
    /// [`SECCOMP_RET_ACTION_FULL`](crate::SECCOMP_RET_ACTION_FULL).
    ActionUnavailable {
        /// The missing action.
        action: u32,
    },
    /// TSYNC: a thread of the process could not be synchronised to the
    /// filter (it runs a filter that is not an ancestor of the caller's, or
    /// seccomp strict mode). `thread` is its id, or `None` when
    /// [`Flags::TSYNC_ESRCH`] asked for ESRCH instead.
    TsyncFailed {
        /// The thread's id (`gettid()`), if the kernel said.
        thread: Option<i32>,
    },
    /// The program cannot be installed.
    InvalidProgram(InvalidProgram),
    /// The kernel refused the requested filter flags (each has a minimum
    /// kernel version: `LOG` 4.14, `SPEC_ALLOW` 4.17, `TSYNC_ESRCH` 5.7).
    UnsupportedFlags {
        /// The flags requested.
        flags: Flags,
    },
    /// `seccomp(2)` is missing (Linux before 3.17, or refused by an outer
    /// filter), and `prctl(PR_SET_SECCOMP)` cannot express these flags.
    NoSeccompSyscall {
        /// The flags requested.
        flags: Flags,
    },
    /// Any other failure, with the errno.
    Errno(i32),
}

/// Why a program cannot be installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidProgram {
    /// It has no instructions.
    Empty,
    /// It has more than [`BPF_MAXINSNS`](crate::BPF_MAXINSNS) instructions.
    TooLong {
        /// Its length.
        len: usize,
    },
    /// The kernel's checker refused it (EINVAL): a bad opcode, a jump out of
    /// range, a load outside `seccomp_data`, no `ret` at the end...
    Rejected,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Unsupported => f.write_str("the kernel does not support seccomp filters"),
            Error::PermissionDenied => f.write_str(
                "permission denied: installing a seccomp filter needs no_new_privs or CAP_SYS_ADMIN",
            ),
            Error::ActionUnavailable { action } => match action_index(action) {
                Some(index) => {
                    let (_, name, kernel_name) = ACTIONS[index];
                    write!(
                        f,
                        "the kernel does not support the action `{name}` ({kernel_name}) the program uses"
                    )
                }
                None => write!(
                    f,
                    "the kernel does not support the action {action:#010x} the program uses"
                ),
            },
            Error::TsyncFailed { thread: Some(thread) } => write!(
                f,
                "thread {thread} could not be synchronised to the filter (TSYNC), so none was installed"
            ),
            Error::TsyncFailed { thread: None } => f.write_str(
                "a thread could not be synchronised to the filter (TSYNC), so none was installed",
            ),
            Error::InvalidProgram(reason) => write!(f, "invalid seccomp program: {reason}"),
            Error::UnsupportedFlags { flags } => {
                write!(f, "the kernel does not support the filter flags {flags}")
            }
            Error::NoSeccompSyscall { flags } => write!(
                f,
                "seccomp(2) is not available, and prctl(PR_SET_SECCOMP) cannot apply the flags {flags}"
            ),
            Error::Errno(errno) => match errno_name(errno) {
                Some(name) => write!(f, "system call failed: errno {errno} ({name})"),
                None => write!(f, "system call failed: errno {errno}"),
            },
        }
    }
}

impl fmt::Display for InvalidProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InvalidProgram::Empty => f.write_str("it has no instructions"),
            InvalidProgram::TooLong { len } => write!(
                f,
                "it has {len} instructions, the kernel accepts at most {BPF_MAXINSNS}"
            ),
            InvalidProgram::Rejected => f.write_str("the kernel rejected it (EINVAL)"),
        }
    }
}

impl core::error::Error for Error {}

impl From<InvalidProgram> for Error {
    fn from(reason: InvalidProgram) -> Error {
        Error::InvalidProgram(reason)
    }
}

/// Names of the errno values the calls made here can plausibly return
/// (include/uapi/asm-generic/errno-base.h, errno.h).
fn errno_name(errno: i32) -> Option<&'static str> {
    Some(match errno {
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        4 => "EINTR",
        9 => "EBADF",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        22 => "EINVAL",
        38 => "ENOSYS",
        95 => "EOPNOTSUPP",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn display() {
        let cases = [
            (
                Error::Unsupported,
                "the kernel does not support seccomp filters",
            ),
            (
                Error::PermissionDenied,
                "permission denied: installing a seccomp filter needs no_new_privs or CAP_SYS_ADMIN",
            ),
            (
                Error::ActionUnavailable {
                    action: 0x7ffc_0000,
                },
                "the kernel does not support the action `log` (SECCOMP_RET_LOG) the program uses",
            ),
            (
                Error::ActionUnavailable {
                    action: 0x7fe0_0000,
                },
                "the kernel does not support the action 0x7fe00000 the program uses",
            ),
            (
                Error::TsyncFailed { thread: Some(4242) },
                "thread 4242 could not be synchronised to the filter (TSYNC), so none was installed",
            ),
            (
                Error::TsyncFailed { thread: None },
                "a thread could not be synchronised to the filter (TSYNC), so none was installed",
            ),
            (
                Error::InvalidProgram(InvalidProgram::Empty),
                "invalid seccomp program: it has no instructions",
            ),
            (
                Error::InvalidProgram(InvalidProgram::TooLong { len: 5000 }),
                "invalid seccomp program: it has 5000 instructions, the kernel accepts at most 4096",
            ),
            (
                Error::InvalidProgram(InvalidProgram::Rejected),
                "invalid seccomp program: the kernel rejected it (EINVAL)",
            ),
            (
                Error::UnsupportedFlags {
                    flags: Flags::LOG | Flags::SPEC_ALLOW,
                },
                "the kernel does not support the filter flags LOG|SPEC_ALLOW",
            ),
            (
                Error::NoSeccompSyscall {
                    flags: Flags::TSYNC,
                },
                "seccomp(2) is not available, and prctl(PR_SET_SECCOMP) cannot apply the flags TSYNC",
            ),
            (Error::Errno(12), "system call failed: errno 12 (ENOMEM)"),
            (Error::Errno(200), "system call failed: errno 200"),
        ];
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
        }
    }

    #[test]
    fn every_known_action_has_a_name() {
        for (value, name, kernel_name) in ACTIONS {
            let text = Error::ActionUnavailable { action: value }.to_string();
            assert!(text.contains(name) && text.contains(kernel_name), "{text}");
        }
    }
}
