//! `learn`: what a closure does that a policy refuses, found by running it
//! under the policy in learn mode.

use crate::Error;
use crate::evaluate::program_of;
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch};
use seccomp_runtime::Policy;
use seccomp_tracer::{Ending, Mode, Options, PANICKED, Report, trace_closure};
use std::fmt;
use std::time::Duration;

/// How long [`learn`] lets a closure run.
const TIMEOUT: Duration = Duration::from_secs(60);

/// One syscall the policy refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Its name, for a call through the running architecture's own ABI
    /// that the table knows.
    pub name: Option<&'static str>,
    /// The number as the filter saw it (x32 numbers keep their bit).
    pub nr: u64,
    /// The `AUDIT_ARCH_*` value of the ABI the call came through.
    pub audit_arch: u32,
    /// How often it was made.
    pub count: u64,
    /// The arguments of the first call.
    pub example: Option<[u64; 6]>,
    /// What the policy would have done, and how often.
    pub actions: Vec<(Action, u64)>,
}

/// Every syscall the policy refused while the closure ran, by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Refusals {
    refusals: Vec<Refusal>,
}

impl Refusals {
    /// Whether the policy refused nothing: the code path runs under it.
    pub fn is_empty(&self) -> bool {
        self.refusals.is_empty()
    }

    /// How many distinct syscalls were refused.
    pub fn len(&self) -> usize {
        self.refusals.len()
    }

    /// Each refused syscall.
    pub fn iter(&self) -> impl Iterator<Item = &Refusal> {
        self.refusals.iter()
    }

    /// The refusal of syscall `name`, if it was refused.
    pub fn get(&self, name: &str) -> Option<&Refusal> {
        self.refusals.iter().find(|r| r.name == Some(name))
    }

    /// Whether syscall `name` was refused.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The names of the refused syscalls (numbers for calls the table does
    /// not name), in number order.
    pub fn names(&self) -> Vec<String> {
        self.refusals.iter().map(Refusal::label).collect()
    }
}

impl Refusal {
    fn label(&self) -> String {
        match self.name {
            Some(name) => name.to_owned(),
            None => format!("syscall {} (AUDIT_ARCH {:#010x})", self.nr, self.audit_arch),
        }
    }
}

/// One line per refusal: `openat (257): 2 calls, errno(EPERM), first
/// args 0xffffff9c 0x7ffd... 0x80000 0 0 0`; `nothing refused` when empty.
impl fmt::Display for Refusals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("nothing refused");
        }
        for r in &self.refusals {
            write!(f, "{} ({}): {} call(s)", r.label(), r.nr, r.count)?;
            for (action, n) in &r.actions {
                write!(f, ", {action} x{n}")?;
            }
            if let Some(args) = r.example {
                f.write_str(", first args")?;
                for a in args {
                    write!(f, " {a:#x}")?;
                }
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Runs `f` in a forked child of this process under `policy` in learn mode
/// and returns what the policy refused: every call the policy's program
/// would refuse is recorded (with its action and first arguments) and then
/// runs, so one run lists everything the code path needs that the policy
/// lacks. Threads and processes `f` starts are followed. Filters `f`
/// installs itself are learnt from too.
///
/// The test process is not filtered: the policy is installed in the child
/// only, under `seccompc learn`'s tracer (`seccomp-tracer`). The child is a
/// copy of the test with one thread; `f` must not wait for a lock another
/// test thread held when it forked, nor for its own parent. What `f`
/// changes in its memory stays in the child: prepare sockets and files
/// before, read results from them after.
///
/// `f` gets 60 seconds ([`learn_with_timeout`] sets another limit). An
/// `f` that panics (a failed assertion inside it) is an error, with its
/// message on the test's standard error.
///
/// ```
/// use seccomp_runtime::{Policy, seccomp_policy};
/// use seccomp_testing::learn;
///
/// static POLICY: Policy = seccomp_policy! {
///     base @default, @basic-io, @file-system;
///     drop getpid;
/// };
///
/// let refused = learn(&POLICY, || {
///     std::hint::black_box(std::process::id()); // getpid(2)
/// })
/// .unwrap();
/// assert_eq!(refused.names(), ["getpid"], "{refused}");
/// ```
pub fn learn<F: FnOnce()>(policy: &Policy, f: F) -> Result<Refusals, Error> {
    learn_with_timeout(policy, TIMEOUT, f)
}

/// [`learn`], with `f` and its processes killed after `timeout`.
pub fn learn_with_timeout<F: FnOnce()>(
    policy: &Policy,
    timeout: Duration,
    f: F,
) -> Result<Refusals, Error> {
    let arch = Arch::native().ok_or(Error::UnsupportedArch)?;
    let mut options = Options::new(Mode::Refusals { keep_trap: false });
    options.policy = Some(program_of(policy));
    let report = trace_closure(f, &options, Some(timeout)).map_err(Error::Trace)?;
    match report.status {
        Some(Ending::Exited(0)) => Ok(refusals(arch, &report)),
        Some(Ending::Exited(PANICKED)) => Err(Error::ClosurePanicked),
        Some(Ending::Exited(status)) => Err(Error::ClosureDied {
            how: format!("exited with status {status} instead of returning"),
        }),
        Some(Ending::Signalled(signal)) => Err(Error::ClosureDied {
            how: format!("was killed by signal {signal}"),
        }),
        None => Err(Error::ClosureDied {
            how: "ended without the tracer seeing how".to_owned(),
        }),
    }
}

fn refusals(arch: Arch, report: &Report) -> Refusals {
    let table = syscalls::table(arch);
    let refusals = report
        .calls
        .iter()
        .map(|(call, seen)| Refusal {
            name: (call.arch == arch.audit_arch())
                .then(|| u32::try_from(call.nr).ok().and_then(|nr| table.name(nr)))
                .flatten(),
            nr: call.nr,
            audit_arch: call.arch,
            count: seen.count,
            example: seen.example,
            actions: seen.actions.iter().map(|(a, n)| (*a, *n)).collect(),
        })
        .collect();
    Refusals { refusals }
}
