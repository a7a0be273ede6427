//! Filter flags for `seccomp(SECCOMP_SET_MODE_FILTER)`.

use core::fmt;
use core::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign};

/// Flags for [`Policy::apply_with`](crate::Policy::apply_with): the
/// `SECCOMP_FILTER_FLAG_*` values of include/uapi/linux/seccomp.h.
/// Combine with `|`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u32);

impl Flags {
    /// `SECCOMP_FILTER_FLAG_TSYNC` (Linux 3.17): install on every thread of
    /// the process at once, atomically, or on none. Threads started before
    /// the call get the filter (and `no_new_privs`) too. If a thread cannot
    /// take it, the call fails with [`Error::TsyncFailed`](crate::Error)
    /// naming that thread.
    pub const TSYNC: Flags = Flags(1 << 0);
    /// `SECCOMP_FILTER_FLAG_LOG` (Linux 4.14): log every action except
    /// `allow` to the audit log (subject to
    /// `/proc/sys/kernel/seccomp/actions_logged`).
    pub const LOG: Flags = Flags(1 << 1);
    /// `SECCOMP_FILTER_FLAG_SPEC_ALLOW` (Linux 4.17): do not turn on the
    /// Speculative Store Bypass (Spectre v4) mitigation for this process.
    ///
    /// Where the kernel's mitigation mode is `seccomp` (the x86 default
    /// `spec_store_bypass_disable=seccomp` before Linux 5.16, which then
    /// switched to `prctl`), installing a filter also disables speculative
    /// store bypass for the thread, which can cost a noticeable share of
    /// throughput in memory-heavy code. With this flag the process keeps
    /// running at full speed, but code inside it can again use the
    /// speculative side channel: faster, less safe. Only use it when the
    /// sandboxed code is trusted not to attack the rest of the process.
    pub const SPEC_ALLOW: Flags = Flags(1 << 2);
    /// `SECCOMP_FILTER_FLAG_TSYNC_ESRCH` (Linux 5.7): with `TSYNC`, fail with
    /// ESRCH rather than a thread id when synchronisation fails
    /// ([`Error::TsyncFailed`](crate::Error) then has no thread).
    pub const TSYNC_ESRCH: Flags = Flags(1 << 4);

    const NAMES: [(Flags, &'static str); 4] = [
        (Flags::TSYNC, "TSYNC"),
        (Flags::LOG, "LOG"),
        (Flags::SPEC_ALLOW, "SPEC_ALLOW"),
        (Flags::TSYNC_ESRCH, "TSYNC_ESRCH"),
    ];

    /// No flags: install on the calling thread only.
    pub const fn empty() -> Flags {
        Flags(0)
    }

    /// The bits as the kernel takes them.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every flag in `other` is set in `self`.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The flags in either (`|` in `const` contexts).
    pub const fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, other: Flags) -> Flags {
        self.union(other)
    }
}

impl BitOrAssign for Flags {
    fn bitor_assign(&mut self, other: Flags) {
        *self = self.union(other);
    }
}

impl BitAnd for Flags {
    type Output = Flags;
    fn bitand(self, other: Flags) -> Flags {
        Flags(self.0 & other.0)
    }
}

impl BitAndAssign for Flags {
    fn bitand_assign(&mut self, other: Flags) {
        self.0 &= other.0;
    }
}

/// `TSYNC|LOG`, or `none`.
impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut separator = "";
        for (flag, name) in Flags::NAMES {
            if self.contains(flag) {
                write!(f, "{separator}{name}")?;
                separator = "|";
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Flags({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn values_are_the_kernels() {
        assert_eq!(Flags::TSYNC.bits(), 1);
        assert_eq!(Flags::LOG.bits(), 2);
        assert_eq!(Flags::SPEC_ALLOW.bits(), 4);
        assert_eq!(Flags::TSYNC_ESRCH.bits(), 16);
    }

    #[test]
    fn operators_and_display() {
        let mut flags = Flags::TSYNC | Flags::LOG;
        assert!(flags.contains(Flags::TSYNC) && !flags.contains(Flags::SPEC_ALLOW));
        flags |= Flags::TSYNC_ESRCH;
        assert_eq!(format!("{flags}"), "TSYNC|LOG|TSYNC_ESRCH");
        assert_eq!(format!("{:?}", flags & Flags::LOG), "Flags(LOG)");
        flags &= Flags::empty();
        assert!(flags.is_empty());
        assert_eq!(format!("{flags}"), "none");
        const BOTH: Flags = Flags::TSYNC.union(Flags::SPEC_ALLOW);
        assert_eq!(BOTH.bits(), 5);
    }
}
