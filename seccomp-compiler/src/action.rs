//! What a filter tells the kernel to do with a syscall: the `SECCOMP_RET_*`
//! actions of seccomp(2).

use crate::bpf::*;
use std::fmt;

/// A seccomp action. Data-carrying variants hold values already checked to
/// fit (errno <= `MAX_ERRNO`, trace data <= 0xffff).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// `SECCOMP_RET_ALLOW`: run the syscall.
    Allow,
    /// `SECCOMP_RET_LOG`: run the syscall and log it to the audit log.
    Log,
    /// `SECCOMP_RET_KILL_PROCESS`: kill the whole process, as though by SIGSYS.
    KillProcess,
    /// `SECCOMP_RET_KILL_THREAD`: kill only the calling thread.
    KillThread,
    /// `SECCOMP_RET_TRAP`: deliver SIGSYS to the calling thread instead of running it.
    Trap,
    /// `SECCOMP_RET_ERRNO`: fail the syscall with this errno (<= `MAX_ERRNO`).
    Errno(u16),
    /// `SECCOMP_RET_TRACE`: notify a ptrace tracer, passing this 16-bit data.
    Trace(u16),
    /// `SECCOMP_RET_USER_NOTIF`: hand the syscall to a user-space supervisor.
    UserNotif,
}

/// ENOSYS on every supported architecture (asm-generic/errno.h): what
/// numbers no table knows get by default, so libc falls back.
pub const ENOSYS: u16 = 38;

impl Action {
    /// The action keywords of the language, for suggestions.
    pub const KEYWORDS: [&'static str; 8] = [
        "allow",
        "log",
        "kill_process",
        "kill_thread",
        "trap",
        "errno",
        "trace",
        "user_notif",
    ];

    /// The 32-bit value a `BPF_RET` returns for this action.
    pub const fn to_ret(self) -> u32 {
        match self {
            Action::Allow => SECCOMP_RET_ALLOW,
            Action::Log => SECCOMP_RET_LOG,
            Action::KillProcess => SECCOMP_RET_KILL_PROCESS,
            Action::KillThread => SECCOMP_RET_KILL_THREAD,
            Action::Trap => SECCOMP_RET_TRAP,
            Action::Errno(e) => SECCOMP_RET_ERRNO | e as u32,
            Action::Trace(d) => SECCOMP_RET_TRACE | d as u32,
            Action::UserNotif => SECCOMP_RET_USER_NOTIF,
        }
    }

    /// What the kernel does with a filter's return value (kernel/seccomp.c,
    /// `__seccomp_filter`): unknown actions kill the process and errno data
    /// is capped at `MAX_ERRNO`.
    pub fn from_ret(ret: u32) -> Action {
        let data = ret & SECCOMP_RET_DATA;
        match ret & SECCOMP_RET_ACTION_FULL {
            SECCOMP_RET_ALLOW => Action::Allow,
            SECCOMP_RET_LOG => Action::Log,
            SECCOMP_RET_KILL_THREAD => Action::KillThread,
            SECCOMP_RET_TRAP => Action::Trap,
            // `data` is masked to 16 bits, then capped at 4095.
            SECCOMP_RET_ERRNO => Action::Errno(data.min(MAX_ERRNO) as u16),
            SECCOMP_RET_TRACE => Action::Trace(data as u16),
            SECCOMP_RET_USER_NOTIF => Action::UserNotif,
            _ => Action::KillProcess,
        }
    }

    /// The action without its data, as `SECCOMP_GET_ACTION_AVAIL` takes it.
    pub const fn kind_ret(self) -> u32 {
        self.to_ret() & SECCOMP_RET_ACTION_FULL
    }

    /// Whether the syscall runs.
    pub const fn lets_through(self) -> bool {
        matches!(self, Action::Allow | Action::Log)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Allow => f.write_str("allow"),
            Action::Log => f.write_str("log"),
            Action::KillProcess => f.write_str("kill_process"),
            Action::KillThread => f.write_str("kill_thread"),
            Action::Trap => f.write_str("trap"),
            Action::Errno(e) => match crate::tables::errno::name_of(*e) {
                Some(name) => write!(f, "errno({name})"),
                None => write!(f, "errno({e})"),
            },
            Action::Trace(d) => write!(f, "trace({d})"),
            Action::UserNotif => f.write_str("user_notif"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ret_values_round_trip() {
        for a in [
            Action::Allow,
            Action::Log,
            Action::KillProcess,
            Action::KillThread,
            Action::Trap,
            Action::Errno(1),
            Action::Errno(4095),
            Action::Trace(0xffff),
            Action::UserNotif,
        ] {
            assert_eq!(Action::from_ret(a.to_ret()), a);
        }
    }

    #[test]
    fn kernel_normalises_odd_return_values() {
        assert_eq!(
            Action::from_ret(SECCOMP_RET_ERRNO | 0xffff),
            Action::Errno(4095)
        );
        assert_eq!(Action::from_ret(0x1234_0000), Action::KillProcess);
        assert_eq!(Action::from_ret(0x0000_0005), Action::KillThread);
    }
}
