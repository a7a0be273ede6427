//! The interceptor: a filter installed in the traced command before it
//! starts, which returns `SECCOMP_RET_TRACE | INTERCEPTOR_TAG` for the
//! calls that install a seccomp filter, and `SECCOMP_RET_ALLOW` for
//! everything else. The tracer then stops exactly where a program installs
//! its own filter, without stopping at every syscall.
//!
//! The calls (kernel/seccomp.c, `do_seccomp` and `prctl_set_seccomp`):
//! `seccomp(SECCOMP_SET_MODE_FILTER, flags, struct sock_fprog *)` and
//! `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, struct sock_fprog *)`, through
//! the native ABI and the compat ABI the kernel also runs (i386 on x86_64,
//! arm on aarch64), and on x86_64 the x32 numbers.
//!
//! Everything else is allowed by comparing only `arch` and `nr`, so the
//! kernel's constant-action cache (Linux 5.11+) answers those without
//! running the filter: the interceptor costs nothing on the hot path.

use seccomp_compiler::Arch;
use seccomp_compiler::arch::X32_SYSCALL_BIT;
use seccomp_compiler::bpf::{
    BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, SECCOMP_DATA_ARCH, SECCOMP_DATA_ARGS,
    SECCOMP_DATA_NR, SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE, SockFilter, bpf_jump, bpf_stmt,
};
use seccomp_compiler::tables::syscalls;

/// The `SECCOMP_RET_DATA` of the interceptor's traces. Rewritten programs
/// use their filter's index, which stays below it.
pub const INTERCEPTOR_TAG: u16 = 0xffff;

/// `SECCOMP_SET_MODE_FILTER` (include/uapi/linux/seccomp.h).
const SECCOMP_SET_MODE_FILTER: u64 = 1;
/// `SECCOMP_MODE_FILTER` (include/uapi/linux/seccomp.h).
const SECCOMP_MODE_FILTER: u64 = 2;
/// `PR_SET_SECCOMP` (include/uapi/linux/prctl.h).
const PR_SET_SECCOMP: u64 = 22;

/// Which call installs a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Seccomp,
    Prctl,
}

/// One ABI's numbers for the two calls.
#[derive(Clone, Copy, Debug)]
struct Abi {
    audit_arch: u32,
    /// Pointers are 32 bits: the kernel reads a `struct compat_sock_fprog`
    /// (`in_compat_syscall()`, true for x32 too).
    compat: bool,
    seccomp: Option<u32>,
    prctl: Option<u32>,
}

impl Abi {
    /// `nr_bias` is added to the table's numbers (the x32 bit), else 0.
    fn of(arch: Arch, nr_bias: u32, compat: bool) -> Abi {
        let table = syscalls::table(arch);
        Abi {
            audit_arch: arch.audit_arch(),
            compat,
            seccomp: table.number("seccomp").map(|n| n | nr_bias),
            prctl: table.number("prctl").map(|n| n | nr_bias),
        }
    }
}

/// The ABIs a process on `native` can make syscalls through.
fn abis(native: Arch) -> Vec<Abi> {
    let mut abis = vec![Abi::of(native, 0, false)];
    if native.has_x32_abi() {
        abis.push(Abi::of(native, X32_SYSCALL_BIT, true));
    }
    match native {
        Arch::X86_64 => abis.push(Abi::of(Arch::X86, 0, true)),
        Arch::Aarch64 => abis.push(Abi::of(Arch::Arm, 0, true)),
        _ => {}
    }
    abis
}

/// A filter install the tracee is making.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstallCall {
    pub via: Via,
    /// `SECCOMP_FILTER_FLAG_*` (always 0 through prctl).
    pub flags: u64,
    /// Where the `struct sock_fprog` is.
    pub fprog: u64,
    /// The caller's pointers are 32 bits wide.
    pub compat: bool,
}

/// Whether a call (its `AUDIT_ARCH_*`, number and arguments) installs a
/// seccomp filter, and how.
pub fn install_call(native: Arch, arch: u32, nr: u64, args: &[u64; 6]) -> Option<InstallCall> {
    // The numbers include the x32 bit, so equality tells the ABIs apart.
    let abi = abis(native).into_iter().find(|a| {
        a.audit_arch == arch
            && (a.seccomp.map(u64::from) == Some(nr) || a.prctl.map(u64::from) == Some(nr))
    })?;
    let low = |v: u64| v & 0xffff_ffff;
    let via = if abi.seccomp.map(u64::from) == Some(nr) && low(args[0]) == SECCOMP_SET_MODE_FILTER {
        Via::Seccomp
    } else if abi.prctl.map(u64::from) == Some(nr)
        && low(args[0]) == PR_SET_SECCOMP
        && args[1] == SECCOMP_MODE_FILTER
    {
        Via::Prctl
    } else {
        return None;
    };
    let (flags, fprog) = match via {
        // seccomp(unsigned int op, unsigned int flags, void __user *uargs)
        Via::Seccomp => (low(args[1]), args[2]),
        // prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, filter): no flags.
        Via::Prctl => (0, args[2]),
    };
    let fprog = if abi.compat { low(fprog) } else { fprog };
    Some(InstallCall {
        via,
        flags,
        fprog,
        compat: abi.compat,
    })
}

/// The interceptor program for processes on `native`.
pub fn program(native: Arch) -> Vec<SockFilter> {
    let arg0_low = SECCOMP_DATA_ARGS + if native.is_big_endian() { 4 } else { 0 };
    // `(arch, nr, low word of args[0])`; the constants are small.
    let checks: Vec<(u32, u32, u32)> = abis(native)
        .iter()
        .flat_map(|abi| {
            let seccomp = abi
                .seccomp
                .map(|nr| (abi.audit_arch, nr, SECCOMP_SET_MODE_FILTER as u32));
            let prctl = abi
                .prctl
                .map(|nr| (abi.audit_arch, nr, PR_SET_SECCOMP as u32));
            [seccomp, prctl].into_iter().flatten()
        })
        .collect();
    let mut prog = Vec::new();
    // Each check is six instructions that fall through to the next one
    // unless arch, nr and the low word of args[0] all match.
    for (i, &(audit_arch, nr, first_arg)) in checks.iter().enumerate() {
        let remaining = checks.len() - i - 1;
        // From the last instruction of this check to the trace return: the
        // remaining checks, then the allow return. At most 6 checks, so the
        // offset fits a u8.
        let to_trace = u8::try_from(remaining * 6 + 1).expect("few checks");
        prog.extend([
            bpf_stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH),
            bpf_jump(JEQ, audit_arch, 0, 4),
            bpf_stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
            bpf_jump(JEQ, nr, 0, 2),
            bpf_stmt(BPF_LD | BPF_W | BPF_ABS, arg0_low),
            bpf_jump(JEQ, first_arg, to_trace, 0),
        ]);
    }
    prog.push(bpf_stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    prog.push(bpf_stmt(
        BPF_RET | BPF_K,
        SECCOMP_RET_TRACE | u32::from(INTERCEPTOR_TAG),
    ));
    prog
}

const JEQ: u16 = BPF_JMP | BPF_JEQ | BPF_K;

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::bpf::SeccompData;
    use seccomp_compiler::emu;

    const X86_64: u32 = 0xc000_003e;
    const I386: u32 = 0x4000_0003;

    fn run(arch: u32, nr: u32, args: [u64; 6]) -> u32 {
        let prog = program(Arch::X86_64);
        emu::validate(&prog).expect("a valid program");
        let data = SeccompData {
            nr,
            arch,
            instruction_pointer: 0,
            args,
        };
        emu::run(&prog, &data, false).unwrap().ret
    }

    const TRACE: u32 = SECCOMP_RET_TRACE | 0xffff;

    /// Numbers from arch/x86/entry/syscalls/syscall_64.tbl and
    /// syscall_32.tbl: seccomp 317 and 354, prctl 157 and 172.
    #[test]
    fn stops_at_filter_installs_on_every_x86_64_abi() {
        assert_eq!(run(X86_64, 317, [1, 0, 0, 0, 0, 0]), TRACE);
        assert_eq!(run(X86_64, 157, [22, 2, 0, 0, 0, 0]), TRACE);
        assert_eq!(run(X86_64, 317 | 0x4000_0000, [1, 0, 0, 0, 0, 0]), TRACE);
        assert_eq!(run(I386, 354, [1, 0, 0, 0, 0, 0]), TRACE);
        assert_eq!(run(I386, 172, [22, 2, 0, 0, 0, 0]), TRACE);
    }

    #[test]
    fn allows_everything_else() {
        // seccomp(SECCOMP_GET_ACTION_AVAIL), prctl(PR_SET_NO_NEW_PRIVS),
        // getpid, and 317 through i386 (i386's 317 is move_pages).
        assert_eq!(run(X86_64, 317, [2, 0, 0, 0, 0, 0]), SECCOMP_RET_ALLOW);
        assert_eq!(run(X86_64, 157, [38, 1, 0, 0, 0, 0]), SECCOMP_RET_ALLOW);
        assert_eq!(run(X86_64, 39, [1, 0, 0, 0, 0, 0]), SECCOMP_RET_ALLOW);
        assert_eq!(run(I386, 317, [1, 0, 0, 0, 0, 0]), SECCOMP_RET_ALLOW);
    }

    #[test]
    fn the_kernel_cache_serves_every_other_syscall() {
        let prog = program(Arch::X86_64);
        for nr in [0, 1, 39, 56, 59, 231, 435] {
            assert!(emu::is_const_allow(&prog, X86_64, nr), "nr {nr}");
        }
        assert!(!emu::is_const_allow(&prog, X86_64, 317));
    }

    #[test]
    fn recognises_installs_and_their_arguments() {
        let native = Arch::X86_64;
        assert_eq!(
            install_call(native, X86_64, 317, &[1, 1, 0x7000, 0, 0, 0]),
            Some(InstallCall {
                via: Via::Seccomp,
                flags: 1,
                fprog: 0x7000,
                compat: false
            })
        );
        assert_eq!(
            install_call(native, I386, 172, &[22, 2, 0xdead_0000_8000, 0, 0, 0]),
            Some(InstallCall {
                via: Via::Prctl,
                flags: 0,
                fprog: 0x8000,
                compat: true
            })
        );
        assert_eq!(
            install_call(
                native,
                X86_64,
                317 | 0x4000_0000,
                &[1, 0, 0x1_0000_9000, 0, 0, 0]
            ),
            Some(InstallCall {
                via: Via::Seccomp,
                flags: 0,
                fprog: 0x9000,
                compat: true
            })
        );
        // prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) installs no filter.
        assert_eq!(
            install_call(native, X86_64, 157, &[22, 1, 0, 0, 0, 0]),
            None
        );
        assert_eq!(install_call(native, X86_64, 317, &[0, 0, 0, 0, 0, 0]), None);
    }
}
