//! The entry point `#[sandbox]` expands to.

use core::fmt::Write;

use crate::line::{LineBuf, write_all};
use crate::sys;
use crate::{Error, Policy, report_violations};

/// What [`#[sandbox]`](crate) does when the policy cannot be installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OnError {
    /// Write `sandbox: cannot install seccomp policy: <reason>` to stderr
    /// and exit the process with status 1 (through `exit_group`: no
    /// destructors, no unwinding).
    #[default]
    Exit,
    /// Panic with the same message, so an unwinding `main`, a test harness
    /// or a panic hook sees it.
    Panic,
}

/// Installs `policy` on every thread ([`Policy::apply`]) or refuses to go
/// on, as `on_error` says. `#[sandbox]` calls this before the body of the
/// function it decorates; the body never runs unfiltered.
#[doc(hidden)]
pub fn __enter_sandbox(policy: &Policy, on_error: OnError) {
    if let Err(error) = policy.apply() {
        refuse(error, on_error)
    }
}

/// [`__enter_sandbox`] after installing the SIGSYS reporter
/// ([`report_violations`]): `#[sandbox(on_violation = report, ...)]`,
/// whose policy returns `trap` where it would kill, so a refused syscall
/// prints its name, number and arguments before the process exits.
#[doc(hidden)]
pub fn __enter_sandbox_reporting(policy: &Policy, on_error: OnError) {
    match report_violations() {
        Ok(()) => __enter_sandbox(policy, on_error),
        Err(error) => refuse(error, on_error),
    }
}

/// Stops before the body: `sandbox: cannot install seccomp policy: <reason>`.
fn refuse(error: Error, on_error: OnError) {
    match on_error {
        OnError::Exit => {
            let mut line = LineBuf::new();
            // `LineBuf` never fails: it truncates.
            let _ = write!(line, "sandbox: cannot install seccomp policy: {error}");
            write_all(2, line.finish());
            sys::exit_group(1)
        }
        OnError::Panic => panic!("sandbox: cannot install seccomp policy: {error}"),
    }
}
