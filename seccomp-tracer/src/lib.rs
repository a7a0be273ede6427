//! The ptrace engine behind `seccompc record`, `seccompc learn` and
//! `seccomp-testing`: runs a command (or a closure in a forked child) and
//! records, as [`Mode`] says, every syscall it makes, the calls its seccomp
//! filters refuse, or the calls it makes under its own filter, following
//! every thread and child process.
//!
//! # How refusals are seen without being enforced
//!
//! Before the command starts, the child installs a small filter, the
//! *interceptor*, that returns `SECCOMP_RET_TRACE` only for the calls that
//! install a seccomp filter (`seccomp(SECCOMP_SET_MODE_FILTER)` and
//! `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)`, on every ABI the kernel
//! runs). When the program installs its own filter, the tracer is stopped
//! there (`PTRACE_EVENT_SECCOMP`), reads the program from the tracee's
//! memory, and rewrites each of its refusing returns into
//! `SECCOMP_RET_TRACE | n` (with `PTRACE_POKEDATA`, which writes through
//! the read-only mapping a `static` policy lives in) before the kernel
//! copies it; once the call has returned, the original bytes are put back.
//! From then on each call the program's filter would refuse stops the
//! tracee once; the tracer replays the original filters in the compiler's
//! emulator to know the exact action, records the call, and lets it run
//! (the kernel's recheck after a trace stop takes `SECCOMP_RET_TRACE` as
//! allow). Nothing is rate-limited and no kernel log is read. Calls the
//! filters allow never stop, and the kernel's constant-action cache still
//! serves them.
//!
//! Why not `SECCOMP_RET_USER_NOTIF` with `SECCOMP_USER_NOTIF_FLAG_CONTINUE`:
//! the listener descriptor would have to be passed out of the program
//! through syscalls its own filter is about to intercept, a program's own
//! listener (`SECCOMP_FILTER_FLAG_NEW_LISTENER`) would conflict with ours
//! (one per filter list), and ptrace already follows every descendant.
//!
//! # Limits
//!
//! A program that ptraces its own children (a debugger, `strace`) cannot
//! run under the tracer: a process has one tracer. Traced setuid programs
//! run without their privileges (unless the tracer is root). A program that
//! emulates syscalls in a SIGSYS handler sees them run for real unless its
//! traps are kept ([`Mode::Refusals`]'s `keep_trap`). A filter installed
//! with `SECCOMP_FILTER_FLAG_NEW_LISTENER` keeps its `user_notif` returns
//! for its supervisor.

mod child;
mod error;
mod filters;
mod interceptor;
mod launch;
mod report;
mod rewrite;
mod sys;
mod tracer;

pub use child::Stage;
pub use error::Error;
pub use interceptor::Via;
pub use launch::{Options, PANICKED, trace_closure, trace_command};
pub use report::{
    Ending, Install, Report, SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_TSYNC, Seen,
    Syscall,
};

/// What to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every syscall entry (`PTRACE_SYSCALL`), as `strace -c` counts them.
    /// The program's own filters are enforced as written.
    Everything,
    /// The calls the program's own filters (and [`Options::policy`]) refuse,
    /// with the action they would have taken; the calls run anyway.
    Refusals {
        /// Leave `trap` returns to the program (which gets its SIGSYS), for
        /// programs that emulate syscalls in a SIGSYS handler; they are
        /// recorded from the signal, without arguments.
        keep_trap: bool,
    },
    /// Every call the program makes under its own filter (what that filter
    /// has to allow), which runs unfiltered.
    AfterSandbox,
}
