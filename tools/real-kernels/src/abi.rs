//! The syscall ABIs the driver is built for, and what the kernel puts in
//! `seccomp_data` when a call arrives through each: the `AUDIT_ARCH_*`
//! value, how wide the argument registers are, and which bits of the
//! number register the filter sees.
//!
//! Most ABIs are a supported architecture's native one. Two are not: the
//! 31-bit s390 ABI of an s390x kernel and (as a guard) the i386 ABI of an
//! x86_64 kernel, through which a program for the 64-bit architecture must
//! kill every call.

use seccomp_compiler::Arch;

/// `AUDIT_ARCH_S390` (include/uapi/linux/audit.h): `EM_S390`, 32-bit,
/// big-endian. The compiler has no constant for it because it compiles
/// for no 31-bit architecture; the kernel reports it for a 31-bit process
/// on an s390x kernel (`CONFIG_COMPAT`).
pub const AUDIT_ARCH_S390: u32 = 22;

/// A syscall ABI a driver binary makes its calls through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Abi {
    /// As in case ids and file names.
    pub name: &'static str,
    /// What the kernel reports in `seccomp_data.arch`.
    pub audit_arch: u32,
    /// Width of an argument register (and of the number register).
    pub word_bits: u32,
    /// The architecture whose syscall table gives this ABI's numbers.
    pub numbers: Arch,
    /// Mask the kernel applies to the number register before building
    /// `seccomp_data.nr`.
    pub nr_mask: u64,
}

impl Abi {
    /// The native ABI of a supported architecture.
    pub const fn native(arch: Arch) -> Abi {
        Abi {
            name: arch.name(),
            audit_arch: arch.audit_arch(),
            word_bits: arch.word_bits(),
            numbers: arch,
            nr_mask: nr_mask(arch),
        }
    }

    /// `syscall_get_nr()` of the kernel: the number the filter sees for a
    /// call made with `nr` in the number register.
    pub fn seen_nr(self, nr: u64) -> u32 {
        // The mask is at most 32 bits wide, so the value fits.
        u32::try_from(nr & self.nr_mask).expect("masked to 32 bits")
    }

    /// An argument as the register holds it: a 32-bit ABI has no high word
    /// (the driver passes `unsigned long`).
    pub fn register(self, value: u64) -> u64 {
        if self.word_bits == 32 {
            value & 0xffff_ffff
        } else {
            value
        }
    }
}

/// The number register's bits the kernel keeps. `syscall_get_nr()` returns
/// an `int` everywhere (the low 32 bits of a 64-bit register); s390's
/// `__do_syscall` (arch/s390/kernel/syscall.c) takes the number from
/// `gprs[1] & 0xffff` when `svc 0` carries it in r1, as glibc's `syscall()`
/// does.
const fn nr_mask(arch: Arch) -> u64 {
    match arch {
        Arch::S390x => 0xffff,
        _ => 0xffff_ffff,
    }
}

/// The i386 ABI of an x86_64 kernel (`int 0x80`, `sysenter`): native for
/// x86 programs, another ABI for x86_64 ones.
pub const I386: Abi = Abi::native(Arch::X86);

/// AArch32, on an arm kernel or an aarch64 one (`CONFIG_COMPAT`): native
/// for arm programs, another ABI for aarch64 ones.
pub const ARM: Abi = Abi::native(Arch::Arm);

/// A 31-bit process on an s390x kernel. Its common syscalls have the s390x
/// numbers (arch/s390/kernel/syscalls/syscall.tbl lists one number for
/// both ABIs), and the number register is masked the same way.
pub const S390_31: Abi = Abi {
    name: "s390",
    audit_arch: AUDIT_ARCH_S390,
    word_bits: 32,
    numbers: Arch::S390x,
    nr_mask: 0xffff,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_arch_values_are_the_kernel_headers() {
        // include/uapi/linux/audit.h: AUDIT_ARCH_S390 = EM_S390 (22), and
        // AUDIT_ARCH_S390X = EM_S390 | __AUDIT_ARCH_64BIT.
        assert_eq!(AUDIT_ARCH_S390, 0x16);
        assert_eq!(Arch::S390x.audit_arch(), AUDIT_ARCH_S390 | 0x8000_0000);
        assert_eq!(I386.audit_arch, seccomp_compiler::arch::AUDIT_ARCH_I386);
        assert_eq!(ARM.audit_arch, 0x4000_0028);
    }

    #[test]
    fn the_filter_sees_the_low_bits_of_the_number_register() {
        let x86_64 = Abi::native(Arch::X86_64);
        assert_eq!(x86_64.seen_nr(0xdead_0000_0000_006e), 0x6e);
        assert_eq!(Abi::native(Arch::S390x).seen_nr(0x1_0040), 0x40);
        assert_eq!(S390_31.seen_nr(u64::from(u32::MAX)), 0xffff);
        assert_eq!(I386.register(0x1_0000_0002), 2);
        assert_eq!(x86_64.register(0x1_0000_0002), 0x1_0000_0002);
    }
}
