//! What can keep a policy from being evaluated or a closure from being
//! learnt from.

use seccomp_compiler::Arch;
use seccomp_compiler::diag::nearest;
use std::fmt;

/// The slot names every syscall takes.
const ARGS: [&str; 6] = ["arg0", "arg1", "arg2", "arg3", "arg4", "arg5"];

/// Why [`evaluate`](crate::evaluate) or [`learn`](crate::learn) gave no
/// answer, in a sentence a test's failure message can show.
#[derive(Debug)]
pub enum Error {
    /// The tests run on an architecture the policy compiler does not know.
    UnsupportedArch,
    /// No architecture has a syscall of this name.
    UnknownSyscall {
        name: String,
        /// The nearest name, if one is close.
        suggestion: Option<&'static str>,
    },
    /// The syscall exists, but not on the running architecture (`open` on
    /// aarch64).
    NotOnThisArch { name: String, arch: Arch },
    /// The syscall has no parameter of this name on the running
    /// architecture.
    UnknownParameter {
        syscall: String,
        name: String,
        arch: Arch,
        /// Its parameters' names.
        known: Vec<&'static str>,
    },
    /// The parameter has no single argument slot on the running
    /// architecture (a 64-bit value a 32-bit ABI splits over two registers).
    SplitParameter {
        syscall: String,
        name: String,
        arch: Arch,
    },
    /// More than the six arguments a syscall has.
    TooManyArguments { given: usize },
    /// The policy's program cannot run (an empty policy: the stand-in the
    /// macro emits next to its errors, or a hand-written program the kernel
    /// would refuse).
    InvalidProgram { reason: String },
    /// The tracer could not run the closure.
    Trace(seccomp_tracer::Error),
    /// The closure panicked (its message is on the test's standard error).
    ClosurePanicked,
    /// The closure's process ended otherwise than by returning.
    ClosureDied { how: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnsupportedArch => f.write_str(
                "the tests run on an architecture the seccomp policy compiler does not know",
            ),
            Error::UnknownSyscall { name, suggestion } => {
                write!(f, "no architecture has a syscall named `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            Error::NotOnThisArch { name, arch } => {
                write!(
                    f,
                    "`{name}` is not a syscall on {arch}, where the tests run"
                )
            }
            Error::UnknownParameter {
                syscall,
                name,
                arch,
                known,
            } => {
                write!(f, "{syscall} has no parameter `{name}` on {arch}")?;
                let all = known.iter().copied().chain(ARGS);
                if let Some(s) = nearest(name, all) {
                    write!(f, " (did you mean `{s}`?)")?;
                }
                write!(f, "; its parameters: ")?;
                let list: Vec<&str> = known.iter().copied().chain(ARGS).collect();
                f.write_str(&list.join(", "))
            }
            Error::SplitParameter {
                syscall,
                name,
                arch,
            } => write!(
                f,
                "`{name}` of {syscall} has no single argument slot on {arch} (a 64-bit value split over two registers, or a parameter after one): give the registers as arg0..arg5"
            ),
            Error::TooManyArguments { given } => {
                write!(f, "{given} arguments given; a syscall has at most 6")
            }
            Error::InvalidProgram { reason } => {
                write!(f, "the policy's program cannot run: {reason}")
            }
            Error::Trace(e) => write!(f, "cannot run the closure under the tracer: {e}"),
            Error::ClosurePanicked => {
                f.write_str("the closure panicked in the learning child (see its message above)")
            }
            Error::ClosureDied { how } => write!(f, "the closure's process {how}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Trace(e) => Some(e),
            _ => None,
        }
    }
}
