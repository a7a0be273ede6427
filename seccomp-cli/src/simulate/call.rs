//! The call `simulate` runs: a syscall and its arguments as the kernel puts
//! them in `seccomp_data`.
//!
//! An argument is a value for the next slot (`3`), or `NAME=VALUE` for a
//! named parameter of the syscall on the architecture (`fd=3`, from the
//! kernel's prototypes) or a slot (`arg2=0x41`). A value is a number
//! (decimal, 0x, 0o, 0b, optionally negative) or a constant of the
//! architecture's headers (`O_CREAT`), several joined with `|`.
//!
//! A negative value is what a C program's `-1` becomes in the register
//! through glibc's syscall wrappers, which is what `seccomp_data.args`
//! holds. On x86 and arm registers are 32 bits: 0xffffffff. On aarch64
//! (`LOAD_ARGS_n` in sysdeps/unix/sysv/linux/aarch64/sysdep.h casts each
//! argument to `long`) and, we assume, the other 64-bit architectures, it
//! is sign-extended: 0xffffffffffffffff. On x86_64, `ARGIFY` in
//! sysdeps/unix/sysv/linux/x86_64/64/sysdep.h keeps the argument's own
//! type, so an `int` lands in the register as a 32-bit value with the upper
//! half clear: `close(-1)` passes 0xffffffff (checked on the real kernel
//! with glibc 2.36, seccomp-cli/tests/defaults.rs); a parameter the kernel
//! reads as 32 bits or narrower gets that there, a wider one (`off_t`,
//! `long`, pointers) is sign-extended. The kernel, and a policy's
//! condition, use only the parameter's own bits, so the verdict of a
//! compiled policy never depends on the upper half; a raw program's may.

use crate::args::{CliError, Result, did_you_mean};
use crate::simulate::parse_signed;
use seccomp_compiler::Arch;
use seccomp_compiler::tables::params::{self, ParamInfo, ParamSlot};
use seccomp_compiler::tables::{constants, syscalls};

const COMMAND: &str = "simulate";

/// The arguments of one call.
#[derive(Debug, PartialEq, Eq)]
pub struct CallArgs {
    pub values: [u64; 6],
    /// How many to show: up to the last one given.
    pub shown: usize,
}

/// Reads `words` as the arguments of syscall `nr` on `arch`.
pub fn parse_args(arch: Arch, nr: u32, words: &[&str]) -> Result<CallArgs> {
    let protos = Prototype::of(arch, nr);
    let mut args = CallArgs {
        values: [0; 6],
        shown: 0,
    };
    let mut given = [false; 6];
    let mut named_seen = false;
    for (position, word) in words.iter().enumerate() {
        let (slot, text) = match named(word) {
            Some((name, text)) => {
                named_seen = true;
                (protos.slot_of(name)?, text)
            }
            None if named_seen => {
                return Err(CliError::usage(
                    COMMAND,
                    format!(
                        "argument `{word}` has no name but follows a named one: give values in order first, then `name=value`"
                    ),
                ));
            }
            None => (position, *word),
        };
        let narrow = match protos.param_at(slot) {
            Some(ParamInfo {
                slot: ParamSlot::Arg { bits, .. },
                ..
            }) => *bits <= 32,
            _ => false,
        };
        if given[slot] {
            return Err(CliError::usage(
                COMMAND,
                format!("argument {slot} is given twice (`{word}`)"),
            ));
        }
        given[slot] = true;
        args.values[slot] = register_value(arch, narrow, text)?;
        args.shown = args.shown.max(slot + 1);
    }
    Ok(args)
}

/// `NAME=VALUE`, if `word` is written so: a name starts with a letter or
/// `_`, which no value does except a constant, and a constant has no `=`.
fn named(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let first = name.chars().next()?;
    (first.is_ascii_alphabetic() || first == '_').then_some((name, value))
}

/// The syscall's parameters on one architecture, as far as known.
struct Prototype {
    arch: Arch,
    syscall: Option<&'static str>,
    params: &'static [ParamInfo],
}

impl Prototype {
    fn of(arch: Arch, nr: u32) -> Prototype {
        let syscall = syscalls::table(arch).name(nr);
        let params = syscall
            .and_then(|name| params::params(arch, name))
            .unwrap_or(&[]);
        Prototype {
            arch,
            syscall,
            params,
        }
    }

    /// The parameter in `seccomp_data.args[slot]`, if the prototype has one.
    fn param_at(&self, slot: usize) -> Option<&'static ParamInfo> {
        self.params
            .iter()
            .find(|p| matches!(p.slot, ParamSlot::Arg { index, .. } if usize::from(index) == slot))
    }

    /// The slot of `name`: `argN`, or a parameter's `seccomp_data.args`
    /// index.
    fn slot_of(&self, name: &str) -> Result<usize> {
        if let Some(slot) = raw_slot(name) {
            return Ok(slot);
        }
        let syscall = self.syscall.unwrap_or("this syscall");
        let arch = self.arch;
        let Some(param) = self.params.iter().find(|p| p.name == name) else {
            return Err(self.no_such_param(name));
        };
        match param.slot {
            ParamSlot::Arg { index, .. } => Ok(usize::from(index)),
            ParamSlot::Split => Err(CliError::usage(
                COMMAND,
                format!(
                    "`{name}` of {syscall} has no single argument slot on {arch} (a 64-bit value split over two registers, or a parameter after one): give the registers as arg0..arg5"
                ),
            )),
        }
    }

    fn no_such_param(&self, name: &str) -> CliError {
        let syscall = self.syscall.unwrap_or("this syscall");
        let names: Vec<&str> = self.params.iter().map(|p| p.name).collect();
        let all = ["arg0", "arg1", "arg2", "arg3", "arg4", "arg5"];
        let hint = did_you_mean(name, names.iter().copied().chain(all));
        let known = if names.is_empty() {
            "no named parameters are known; use arg0..arg5".to_owned()
        } else {
            format!("its parameters are {} (or arg0..arg5)", names.join(", "))
        };
        CliError::usage(
            COMMAND,
            format!(
                "{syscall} on {} has no parameter `{name}`{hint}: {known}",
                self.arch
            ),
        )
    }
}

/// `arg0`..`arg5` as a slot.
fn raw_slot(name: &str) -> Option<usize> {
    let digit = name.strip_prefix("arg")?;
    let slot: usize = digit.parse().ok()?;
    (digit.len() == 1 && slot < 6).then_some(slot)
}

/// `text` as the register holding it, for a parameter the kernel reads
/// as 32 bits or fewer (`narrow`) or not.
fn register_value(arch: Arch, narrow: bool, text: &str) -> Result<u64> {
    let value = parse_value(arch, text).ok_or_else(|| {
        CliError::usage(
            COMMAND,
            format!(
                "argument `{text}` is not a number (decimal, 0x, 0o, 0b, optionally negative) or a constant {arch} defines (`O_CREAT`), nor several joined with `|`"
            ),
        )
    })?;
    let bits = arch.word_bits();
    let min = -(1i128 << (bits - 1));
    let max = (1i128 << bits) - 1;
    if !(min..=max).contains(&value) {
        return Err(CliError::usage(
            COMMAND,
            format!("argument `{text}` does not fit a {bits}-bit register of {arch}"),
        ));
    }
    // Two's complement at the register width (the cast keeps the low 64
    // bits on purpose, the mask those of a 32-bit register), or for an
    // x86_64 `int` at 32 bits, zero-extended.
    let width = if arch == Arch::X86_64 && narrow && value < 0 {
        32
    } else {
        bits
    };
    Ok((value as u64) & mask(width))
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// A number, a constant of `arch`, or several joined with `|`.
fn parse_value(arch: Arch, text: &str) -> Option<i128> {
    text.split('|')
        .map(|part| {
            let part = part.trim();
            parse_signed(part).or_else(|| constants::value(arch, part))
        })
        .try_fold(0i128, |all, part| Some(all | part?))
}

#[cfg(test)]
mod tests {
    //! Expected register values from the C conversions glibc's wrappers
    //! make, worked out by hand.
    use super::*;

    fn args(arch: Arch, syscall: &str, words: &[&str]) -> Result<CallArgs> {
        let nr = syscalls::table(arch).number(syscall).unwrap();
        parse_args(arch, nr, words)
    }

    fn values(arch: Arch, syscall: &str, words: &[&str]) -> Vec<u64> {
        let a = args(arch, syscall, words).unwrap();
        a.values[..a.shown].to_vec()
    }

    fn error(arch: Arch, syscall: &str, words: &[&str]) -> String {
        args(arch, syscall, words).unwrap_err().to_string()
    }

    #[test]
    fn named_arguments_go_to_their_slot() {
        // SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename,
        // int, flags, umode_t, mode)
        assert_eq!(
            values(Arch::X86_64, "openat", &["mode=0o644", "dfd=3"]),
            [3, 0, 0, 0o644]
        );
        assert_eq!(values(Arch::X86_64, "write", &["1", "arg2=10"]), [1, 0, 10]);
    }

    #[test]
    fn negative_values_extend_as_c_converts_them() {
        // SYSCALL_DEFINE1(close, unsigned int, fd): glibc's close(int fd)
        // leaves the upper half clear on x86_64, sign-extends on aarch64;
        // x86's registers are 32 bits.
        assert_eq!(values(Arch::X86_64, "close", &["fd=-1"]), [0xffff_ffff]);
        assert_eq!(values(Arch::X86_64, "close", &["-1"]), [0xffff_ffff]);
        assert_eq!(values(Arch::Aarch64, "close", &["-1"]), [u64::MAX]);
        assert_eq!(values(Arch::X86, "close", &["fd=-1"]), [0xffff_ffff]);
        // SYSCALL_DEFINE3(lseek, unsigned int, fd, off_t, offset, unsigned
        // int, whence): off_t is a long.
        assert_eq!(values(Arch::X86_64, "lseek", &["0", "-1"]), [0, u64::MAX]);
        assert!(error(Arch::X86, "close", &["-0x80000001"]).contains("32-bit register"));
    }

    #[test]
    fn constants_of_the_architecture() {
        let creat = constants::value(Arch::X86_64, "O_CREAT").unwrap() as u64;
        let wronly = constants::value(Arch::X86_64, "O_WRONLY").unwrap() as u64;
        assert_eq!(
            values(
                Arch::X86_64,
                "openat",
                &["AT_FDCWD", "0", "O_CREAT|O_WRONLY"]
            ),
            // int dfd: the upper half clear, as in `close(-1)`.
            [0xffff_ff9c, 0, creat | wronly]
        );
    }

    #[test]
    fn mistakes() {
        assert!(
            error(Arch::X86_64, "write", &["fdd=1"])
                .contains("write on x86_64 has no parameter `fdd` (did you mean `fd`?)")
        );
        assert!(error(Arch::X86_64, "write", &["fd=1", "2"]).contains("follows a named one"));
        assert!(error(Arch::X86_64, "write", &["1", "fd=1"]).contains("given twice"));
        assert!(error(Arch::X86_64, "write", &["fd=x"]).contains("argument `x` is not a number"));
        // SYSCALL_DEFINE4(pread64, ..., loff_t pos): two registers on x86.
        assert!(error(Arch::X86, "pread64", &["pos=1"]).contains("no single argument slot"));
    }
}
