//! What a traced run produced.

use crate::interceptor::Via;
use seccomp_compiler::Action;
use std::collections::{BTreeMap, BTreeSet};

/// A syscall as the kernel saw it: the `AUDIT_ARCH_*` of its ABI and its
/// number (x32 numbers keep their bit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Syscall {
    pub arch: u32,
    pub nr: u64,
}

/// How often a syscall was seen, and an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub count: u64,
    /// The arguments of the first call, when known (a `trap` left to the
    /// program is reported from its SIGSYS, which carries none).
    pub example: Option<[u64; 6]>,
    /// What the program's filters (or the policy) would have done, and how
    /// often; empty when recording every call.
    pub actions: BTreeMap<Action, u64>,
}

/// How the command's first process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Signalled(i32),
}

/// A filter the traced program asked the kernel to install.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Install {
    /// The thread that made the call.
    pub tid: i32,
    pub via: Via,
    /// `SECCOMP_FILTER_FLAG_*`.
    pub flags: u64,
    /// Instructions (0 when the program could not be read).
    pub len: usize,
    /// How many returns were rewritten.
    pub rewritten: usize,
    /// The kernel's answer: `Ok` or the errno.
    pub result: Result<(), i32>,
}

/// `SECCOMP_FILTER_FLAG_TSYNC` (include/uapi/linux/seccomp.h).
pub const SECCOMP_FILTER_FLAG_TSYNC: u64 = 1;
/// `SECCOMP_FILTER_FLAG_NEW_LISTENER` (include/uapi/linux/seccomp.h).
pub const SECCOMP_FILTER_FLAG_NEW_LISTENER: u64 = 1 << 3;

/// Everything one traced run saw.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The calls recorded: every call, the refused ones, or those made
    /// under the program's own filter, depending on the mode.
    pub calls: BTreeMap<Syscall, Seen>,
    /// Every process and thread seen.
    pub tasks: BTreeSet<i32>,
    /// Whether the command's `execve` succeeded (always true for a closure).
    pub executed: bool,
    /// How the first process ended.
    pub status: Option<Ending>,
    /// The filters the program installed, in order.
    pub installs: Vec<Install>,
    /// Things the tracer could not do as asked, one sentence each.
    pub notes: Vec<String>,
}

impl Report {
    /// Counts one call.
    pub(crate) fn record(&mut self, call: Syscall, args: Option<[u64; 6]>, action: Option<Action>) {
        let seen = self.calls.entry(call).or_insert_with(|| Seen {
            count: 0,
            example: args,
            actions: BTreeMap::new(),
        });
        seen.count += 1;
        if seen.example.is_none() {
            seen.example = args;
        }
        if let Some(action) = action {
            *seen.actions.entry(action).or_default() += 1;
        }
    }

    /// The number of calls recorded.
    pub fn total(&self) -> u64 {
        self.calls.values().map(|s| s.count).sum()
    }
}
