//! Violation reports for development: what a `trap` filter refused, on
//! stderr.

use crate::error::Error;
use crate::line::{LineBuf, write_all};
use crate::sys::{self, Errno, Sigsys};

/// The exit status after a report: 128 + SIGSYS, what a shell shows for a
/// process killed by SIGSYS.
const EXIT_STATUS: i32 = 128 + 31;

/// Installs a SIGSYS handler that reports syscalls a filter refused with
/// `SECCOMP_RET_TRAP` (`deny trap;` in a policy), then ends the process.
///
/// For each trapped syscall the handler writes one line to stderr, with
/// the call's arguments as the registers held them (numbers below 4096 in
/// decimal, others in hex),
///
/// ```text
/// seccomp: blocked syscall openat (257) by policy, args 0xffffff9c 0x7ffd1d35a5e0 0x80000 0 0 0
/// ```
///
/// (`seccomp: blocked syscall 257 by policy, ...` when the policy applied
/// last carries no name table), and exits the whole process with status 159
/// (128 + SIGSYS) through `exit_group`, running no destructors. The handler
/// uses nothing but raw `write` and `exit_group`, so it is
/// async-signal-safe; the policy must allow those two (every policy must
/// allow `exit_group`). Call it before [`Policy::apply`](crate::Policy::apply);
/// it replaces any SIGSYS handler installed before.
pub fn report_violations() -> Result<(), Error> {
    sys::install_sigsys_handler().map_err(|Errno(errno)| Error::Errno(errno))
}

/// Called by the SIGSYS handler in `sys`.
pub(crate) fn on_sigsys(signal: Sigsys) -> ! {
    let mut line = LineBuf::new();
    if signal.code == sys::SYS_SECCOMP {
        violation_line(&mut line, signal.syscall, name_of(signal));
        if let Some(args) = signal.args {
            arguments(&mut line, args);
        }
    } else {
        line.push_str("seccomp: SIGSYS received that no seccomp filter raised");
    }
    write_all(2, line.finish());
    sys::exit_group(EXIT_STATUS)
}

fn violation_line(line: &mut LineBuf, nr: i32, name: Option<&str>) {
    line.push_str("seccomp: blocked syscall ");
    if let Some(name) = name {
        line.push_str(name);
        line.push_str(" (");
        line.push_int(i64::from(nr));
        line.push_str(")");
    } else {
        line.push_int(i64::from(nr));
    }
    line.push_str(" by policy");
}

/// `, args 1 0x7ffd1d35a5e0 ...`: small numbers (flags, descriptors) read
/// best in decimal, addresses and masks in hex.
fn arguments(line: &mut LineBuf, args: [u64; 6]) {
    line.push_str(", args");
    for arg in args {
        line.push_str(" ");
        if arg < 4096 {
            // Below 4096, so it fits an i64.
            line.push_int(arg as i64);
        } else {
            line.push_hex(arg);
        }
    }
}

/// The name of the trapped syscall, if the policy applied last has a table
/// and the syscall came through the native ABI (the table is for that ABI
/// alone; an x32 or i386 number on x86_64 would find the wrong name).
fn name_of(signal: Sigsys) -> Option<&'static str> {
    if signal.arch != sys::AUDIT_ARCH {
        return None;
    }
    let nr = u32::try_from(signal.syscall).ok()?;
    let names = sys::published_names()?;
    names
        .iter()
        .find(|&&(number, _)| number == nr)
        .map(|&(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(nr: i32, name: Option<&str>) -> std::vec::Vec<u8> {
        let mut line = LineBuf::new();
        violation_line(&mut line, nr, name);
        line.finish().to_vec()
    }

    #[test]
    fn lines() {
        assert_eq!(
            line(39, Some("getpid")),
            b"seccomp: blocked syscall getpid (39) by policy\n"
        );
        assert_eq!(line(39, None), b"seccomp: blocked syscall 39 by policy\n");
    }

    #[test]
    fn arguments_follow() {
        let mut line = LineBuf::new();
        violation_line(&mut line, 257, Some("openat"));
        arguments(
            &mut line,
            [0xffff_ff9c, 0x7ffd_1d35_a5e0, 0x80000, 0, 4095, 4096],
        );
        assert_eq!(
            line.finish(),
            b"seccomp: blocked syscall openat (257) by policy, args 0xffffff9c 0x7ffd1d35a5e0 0x80000 0 4095 0x1000\n"
        );
    }

    #[test]
    fn foreign_abis_get_no_name() {
        let signal = Sigsys {
            code: sys::SYS_SECCOMP,
            syscall: 39,
            arch: 0x4000_0003,
            args: None,
        };
        if sys::AUDIT_ARCH != 0x4000_0003 {
            assert_eq!(name_of(signal), None);
        }
    }
}
