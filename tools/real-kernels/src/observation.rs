//! What the driver saw a call do (one line per case, see driver.c), and
//! what it should have seen given the action the reference evaluator
//! expects.

use seccomp_compiler::Action;
use seccomp_compiler::action::ENOSYS;
use std::fmt;

/// One observation, as the driver prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// The call returned this (the register, as an unsigned number).
    Ret(u64),
    Errno(u32),
    /// SIGSYS from `SECCOMP_RET_TRAP`: `si_syscall`, `si_arch`, `si_errno`.
    Trap {
        nr: u32,
        arch: u32,
        data: u32,
    },
    KillThread,
    KillProcess,
    /// Anything else (a signal, a hang, the filter refused): never expected.
    Other(String),
}

impl Observation {
    /// Parses the driver's text for one observation.
    pub fn parse(text: &str) -> Observation {
        let words: Vec<&str> = text.split_whitespace().collect();
        let hex = |w: &str| u64::from_str_radix(w, 16).ok();
        let hex32 = |w: &str| u32::from_str_radix(w, 16).ok();
        let parsed = match words.as_slice() {
            ["ret", v] => hex(v).map(Observation::Ret),
            ["errno", n] => n.parse().ok().map(Observation::Errno),
            ["trap", nr, arch, data] => match (hex32(nr), hex32(arch), data.parse().ok()) {
                (Some(nr), Some(arch), Some(data)) => Some(Observation::Trap { nr, arch, data }),
                _ => None,
            },
            ["kill_thread"] => Some(Observation::KillThread),
            ["kill_process"] => Some(Observation::KillProcess),
            _ => None,
        };
        parsed.unwrap_or_else(|| Observation::Other(text.trim().to_owned()))
    }

    /// What a call whose filter returns `action` does, given what it does
    /// unfiltered (`baseline`), for a call whose `seccomp_data` has `nr`
    /// and `arch`.
    pub fn of_action(action: Action, baseline: &Observation, nr: u32, arch: u32) -> Observation {
        match action {
            Action::Allow | Action::Log => baseline.clone(),
            // SECCOMP_RET_ERRNO with 0 skips the call and returns 0.
            Action::Errno(0) => Observation::Ret(0),
            Action::Errno(e) => Observation::Errno(u32::from(e)),
            // kernel/seccomp.c: without a tracer (SECCOMP_RET_TRACE) or a
            // listener (SECCOMP_RET_USER_NOTIF) the call fails with ENOSYS.
            Action::Trace(_) | Action::UserNotif => Observation::Errno(u32::from(ENOSYS)),
            // The language's `trap` carries no data.
            Action::Trap => Observation::Trap { nr, arch, data: 0 },
            Action::KillThread => Observation::KillThread,
            Action::KillProcess => Observation::KillProcess,
        }
    }
}

/// Actions no observation without a tracer, a listener or the audit log
/// can tell apart: they count as one.
pub fn indistinguishable(a: Action, b: Action) -> bool {
    let class = |a: Action| match a {
        Action::Allow | Action::Log => 1,
        Action::Trace(_) | Action::UserNotif => 2,
        _ => 0,
    };
    a == b || (class(a) != 0 && class(a) == class(b))
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Observation::Ret(v) => write!(f, "ret {v:x}"),
            Observation::Errno(e) => write!(f, "errno {e}"),
            Observation::Trap { nr, arch, data } => write!(f, "trap {nr:x} {arch:x} {data}"),
            Observation::KillThread => f.write_str("kill_thread"),
            Observation::KillProcess => f.write_str("kill_process"),
            Observation::Other(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_lines_parse_and_print_back() {
        for text in [
            "ret e9e",
            "errno 9",
            "trap 4b c000003e 0",
            "kill_thread",
            "kill_process",
        ] {
            let o = Observation::parse(text);
            assert!(!matches!(o, Observation::Other(_)), "{text}");
            assert_eq!(o.to_string(), text);
        }
        assert_eq!(
            Observation::parse("signal 4"),
            Observation::Other("signal 4".into())
        );
        assert_eq!(
            Observation::parse("trap zz 1 0"),
            Observation::Other("trap zz 1 0".into())
        );
    }

    #[test]
    fn actions_predict_observations() {
        let ebadf = Observation::Errno(9);
        let of = |a| Observation::of_action(a, &ebadf, 3, 0xc000_003e);
        assert_eq!(of(Action::Allow), ebadf);
        assert_eq!(of(Action::Log), ebadf);
        assert_eq!(of(Action::Errno(0)), Observation::Ret(0));
        assert_eq!(of(Action::Errno(18)), Observation::Errno(18));
        assert_eq!(of(Action::Trace(7)), Observation::Errno(38));
        assert_eq!(
            of(Action::Trap),
            Observation::Trap {
                nr: 3,
                arch: 0xc000_003e,
                data: 0
            }
        );
        assert!(indistinguishable(Action::Allow, Action::Log));
        assert!(indistinguishable(Action::Trace(1), Action::UserNotif));
        assert!(!indistinguishable(Action::Trace(1), Action::Errno(38)));
        assert!(!indistinguishable(Action::KillThread, Action::KillProcess));
    }
}
