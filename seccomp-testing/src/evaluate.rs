//! `evaluate`: a policy's verdict on one call, from its program, without
//! installing it.

use crate::Error;
use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::diag::nearest;
use seccomp_compiler::tables::params::{self, ParamSlot};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch, emu};
use seccomp_runtime::Policy;

/// A syscall by name (`"openat"`) or by its number on the running
/// architecture (`257u32` on x86_64; numbers no table knows are allowed,
/// as a program can make them).
pub trait Syscall {
    /// The number on `arch`.
    fn number(&self, arch: Arch) -> Result<u32, Error>;
}

impl Syscall for &str {
    fn number(&self, arch: Arch) -> Result<u32, Error> {
        if let Some(nr) = syscalls::table(arch).number(self) {
            return Ok(nr);
        }
        let all = syscalls::all_names();
        if all.contains(*self) {
            Err(Error::NotOnThisArch {
                name: (*self).to_owned(),
                arch,
            })
        } else {
            Err(Error::UnknownSyscall {
                name: (*self).to_owned(),
                suggestion: nearest(self, all.iter().copied()),
            })
        }
    }
}

impl Syscall for u32 {
    fn number(&self, _arch: Arch) -> Result<u32, Error> {
        Ok(*self)
    }
}

/// What `policy` does with `syscall(args...)` made by this process (the
/// running architecture's native ABI), as the kernel would decide it:
/// the policy's program runs in the compiler's emulator over the
/// `seccomp_data` the kernel builds (`nr`, `arch`, the arguments as six
/// 64-bit values, missing ones 0), and its return value becomes the
/// kernel's action (`errno` data capped at 4095, unknown actions
/// `kill_process`, as `__seccomp_filter` does).
///
/// Arguments are register values: a negative `int` is passed as C would
/// pass it (see `seccompc simulate --help`); the policy's conditions
/// compare only the bits the kernel uses, so `-1i32 as u32 as u64` and
/// `u64::MAX` give the same verdict for an `int` parameter.
///
/// ```
/// use seccomp_runtime::{Policy, seccomp_policy};
/// use seccomp_testing::{Action, evaluate};
///
/// static POLICY: Policy = seccomp_policy! {
///     default errno(EPERM);
///     keep write(fd == 1 | 2), exit_group;
/// };
///
/// assert_eq!(evaluate(&POLICY, "write", &[2, 0, 5]).unwrap(), Action::Allow);
/// assert_eq!(evaluate(&POLICY, "write", &[3]).unwrap(), Action::KillProcess);
/// assert_eq!(evaluate(&POLICY, "getpid", &[]).unwrap(), Action::Errno(1));
/// assert!(evaluate(&POLICY, "wirte", &[]).unwrap_err().to_string().contains("`write`"));
/// ```
pub fn evaluate(policy: &Policy, syscall: impl Syscall, args: &[u64]) -> Result<Action, Error> {
    let arch = Arch::native().ok_or(Error::UnsupportedArch)?;
    let nr = syscall.number(arch)?;
    if args.len() > 6 {
        return Err(Error::TooManyArguments { given: args.len() });
    }
    let mut data = SeccompData {
        nr,
        arch: arch.audit_arch(),
        ..SeccompData::default()
    };
    data.args[..args.len()].copy_from_slice(args);
    let program = program_of(policy);
    emu::validate(&program).map_err(|e| Error::InvalidProgram {
        reason: e.to_string(),
    })?;
    let run =
        emu::run(&program, &data, arch.is_big_endian()).map_err(|e| Error::InvalidProgram {
            reason: e.to_string(),
        })?;
    Ok(Action::from_ret(run.ret))
}

/// [`evaluate`] with arguments by parameter name, as the kernel's
/// prototype of the syscall on the running architecture names them
/// (`seccompc syscalls NAME` lists them) or as `arg0`..`arg5`; the others
/// are 0.
///
/// ```
/// use seccomp_runtime::{Policy, seccomp_policy};
/// use seccomp_testing::{Action, evaluate_named};
///
/// static POLICY: Policy = seccomp_policy! {
///     default errno(EPERM);
///     keep write(fd == 1 | 2), exit_group;
/// };
///
/// assert_eq!(evaluate_named(&POLICY, "write", &[("fd", 2), ("count", 5)]).unwrap(), Action::Allow);
/// assert_eq!(evaluate_named(&POLICY, "write", &[("fd", 3)]).unwrap(), Action::KillProcess);
/// let typo = evaluate_named(&POLICY, "write", &[("fdd", 2)]).unwrap_err();
/// assert!(typo.to_string().contains("did you mean `fd`?"), "{typo}");
/// ```
pub fn evaluate_named(
    policy: &Policy,
    syscall: &str,
    args: &[(&str, u64)],
) -> Result<Action, Error> {
    let arch = Arch::native().ok_or(Error::UnsupportedArch)?;
    syscall.number(arch)?;
    let mut values = [0u64; 6];
    for &(name, value) in args {
        values[slot(arch, syscall, name)?] = value;
    }
    evaluate(policy, syscall, &values)
}

/// The `seccomp_data.args` index of parameter `name` of `syscall` on `arch`.
fn slot(arch: Arch, syscall: &str, name: &str) -> Result<usize, Error> {
    let raw = name.strip_prefix("arg").filter(|digit| digit.len() == 1);
    if let Some(index) = raw.and_then(|d| d.parse::<usize>().ok()).filter(|&i| i < 6) {
        return Ok(index);
    }
    let known = params::params(arch, syscall).unwrap_or(&[]);
    match known.iter().find(|p| p.name == name).map(|p| p.slot) {
        Some(ParamSlot::Arg { index, .. }) => Ok(usize::from(index)),
        Some(ParamSlot::Split) => Err(Error::SplitParameter {
            syscall: syscall.to_owned(),
            name: name.to_owned(),
            arch,
        }),
        None => Err(Error::UnknownParameter {
            syscall: syscall.to_owned(),
            name: name.to_owned(),
            arch,
            known: known.iter().map(|p| p.name).collect(),
        }),
    }
}

/// The policy's program as the compiler's instructions.
pub(crate) fn program_of(policy: &Policy) -> Vec<SockFilter> {
    policy
        .program()
        .iter()
        .map(|insn| SockFilter {
            code: insn.code,
            jt: insn.jt,
            jf: insn.jf,
            k: insn.k,
        })
        .collect()
}
