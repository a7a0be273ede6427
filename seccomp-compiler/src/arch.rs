//! The architectures a policy is compiled for, and what the kernel says about
//! each: its `AUDIT_ARCH_*` value (include/uapi/linux/audit.h), byte order,
//! word size, and the Rust `cfg` that selects it.

use std::fmt;

/// A supported architecture (one native syscall ABI each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    /// x86-64, 64-bit ABI (`AUDIT_ARCH_X86_64`).
    X86_64,
    /// 32-bit x86, i386 ABI (`AUDIT_ARCH_I386`).
    X86,
    /// 64-bit Arm (`AUDIT_ARCH_AARCH64`).
    Aarch64,
    /// 32-bit Arm EABI, little-endian (`AUDIT_ARCH_ARM`).
    Arm,
    /// 64-bit RISC-V (`AUDIT_ARCH_RISCV64`).
    Riscv64,
    /// 64-bit IBM Z, big-endian (`AUDIT_ARCH_S390X`).
    S390x,
    /// 64-bit POWER, little-endian (`AUDIT_ARCH_PPC64LE`).
    Powerpc64le,
    /// 64-bit LoongArch (`AUDIT_ARCH_LOONGARCH64`).
    Loongarch64,
}

// include/uapi/linux/elf-em.h and include/uapi/linux/audit.h.
const AUDIT_ARCH_64BIT: u32 = 0x8000_0000;
const AUDIT_ARCH_LE: u32 = 0x4000_0000;
const EM_386: u32 = 3;
const EM_ARM: u32 = 40;
const EM_S390: u32 = 22;
const EM_PPC64: u32 = 21;
const EM_X86_64: u32 = 62;
const EM_AARCH64: u32 = 183;
const EM_RISCV: u32 = 243;
const EM_LOONGARCH: u32 = 258;

/// `AUDIT_ARCH_X86_64`.
pub const AUDIT_ARCH_X86_64: u32 = EM_X86_64 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_I386`.
pub const AUDIT_ARCH_I386: u32 = EM_386 | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_AARCH64`.
pub const AUDIT_ARCH_AARCH64: u32 = EM_AARCH64 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_ARM` (little-endian EABI).
pub const AUDIT_ARCH_ARM: u32 = EM_ARM | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_RISCV64`.
pub const AUDIT_ARCH_RISCV64: u32 = EM_RISCV | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_S390X`.
pub const AUDIT_ARCH_S390X: u32 = EM_S390 | AUDIT_ARCH_64BIT;
/// `AUDIT_ARCH_PPC64LE`.
pub const AUDIT_ARCH_PPC64LE: u32 = EM_PPC64 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
/// `AUDIT_ARCH_LOONGARCH64`.
pub const AUDIT_ARCH_LOONGARCH64: u32 = EM_LOONGARCH | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;

/// `__X32_SYSCALL_BIT` (arch/x86/include/uapi/asm/unistd.h): x32 syscalls
/// arrive with `AUDIT_ARCH_X86_64` and this bit set in `nr`.
pub const X32_SYSCALL_BIT: u32 = 0x4000_0000;

impl Arch {
    /// Every supported architecture, in a fixed order.
    pub const ALL: [Arch; 8] = [
        Arch::X86_64,
        Arch::X86,
        Arch::Aarch64,
        Arch::Arm,
        Arch::Riscv64,
        Arch::S390x,
        Arch::Powerpc64le,
        Arch::Loongarch64,
    ];

    /// The name used in policies and on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::X86 => "x86",
            Arch::Aarch64 => "aarch64",
            Arch::Arm => "arm",
            Arch::Riscv64 => "riscv64",
            Arch::S390x => "s390x",
            Arch::Powerpc64le => "powerpc64le",
            Arch::Loongarch64 => "loongarch64",
        }
    }

    /// Other spellings accepted for the same architecture.
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            Arch::X86_64 => &["amd64"],
            Arch::X86 => &["i386", "i686", "x86_32"],
            Arch::Aarch64 => &["arm64"],
            Arch::Arm => &["armhf", "armel", "arm32"],
            Arch::Riscv64 => &["riscv"],
            Arch::S390x => &[],
            Arch::Powerpc64le => &["ppc64le"],
            Arch::Loongarch64 => &["loong64"],
        }
    }

    /// Looks an architecture up by name or alias.
    pub fn from_name(name: &str) -> Option<Arch> {
        Arch::ALL
            .into_iter()
            .find(|a| a.name() == name || a.aliases().contains(&name))
    }

    /// All accepted names, for suggestions (a plain loop, as elsewhere in
    /// this crate: it is compiled unoptimised in every build that uses the
    /// macro, and each iterator chain with a closure is compiled anew).
    pub fn all_names() -> Vec<&'static str> {
        let mut names = Vec::new();
        for a in Arch::ALL {
            names.push(a.name());
            names.extend_from_slice(a.aliases());
        }
        names
    }

    /// `x86_64, x86, arm`: the names of `arches`, for messages.
    pub fn list(arches: &[Arch]) -> String {
        let mut names = Vec::new();
        for a in arches {
            names.push(a.name());
        }
        crate::diag::join(&names, ", ", "")
    }

    /// The architecture this program was built for, if it is one of ours
    /// (x86_64 with 32-bit pointers, x32, is not).
    pub const fn native() -> Option<Arch> {
        if cfg!(all(target_arch = "x86_64", target_pointer_width = "64")) {
            Some(Arch::X86_64)
        } else if cfg!(target_arch = "x86") {
            Some(Arch::X86)
        } else if cfg!(target_arch = "aarch64") {
            Some(Arch::Aarch64)
        } else if cfg!(target_arch = "arm") {
            Some(Arch::Arm)
        } else if cfg!(target_arch = "riscv64") {
            Some(Arch::Riscv64)
        } else if cfg!(target_arch = "s390x") {
            Some(Arch::S390x)
        } else if cfg!(all(target_arch = "powerpc64", target_endian = "little")) {
            Some(Arch::Powerpc64le)
        } else if cfg!(target_arch = "loongarch64") {
            Some(Arch::Loongarch64)
        } else {
            None
        }
    }

    /// The `AUDIT_ARCH_*` value the kernel puts in `seccomp_data.arch`.
    pub const fn audit_arch(self) -> u32 {
        match self {
            Arch::X86_64 => AUDIT_ARCH_X86_64,
            Arch::X86 => AUDIT_ARCH_I386,
            Arch::Aarch64 => AUDIT_ARCH_AARCH64,
            Arch::Arm => AUDIT_ARCH_ARM,
            Arch::Riscv64 => AUDIT_ARCH_RISCV64,
            Arch::S390x => AUDIT_ARCH_S390X,
            Arch::Powerpc64le => AUDIT_ARCH_PPC64LE,
            Arch::Loongarch64 => AUDIT_ARCH_LOONGARCH64,
        }
    }

    /// The architecture whose `AUDIT_ARCH_*` value is `audit_arch`.
    pub fn from_audit_arch(audit_arch: u32) -> Option<Arch> {
        match audit_arch {
            AUDIT_ARCH_X86_64 => Some(Arch::X86_64),
            AUDIT_ARCH_I386 => Some(Arch::X86),
            AUDIT_ARCH_AARCH64 => Some(Arch::Aarch64),
            AUDIT_ARCH_ARM => Some(Arch::Arm),
            AUDIT_ARCH_RISCV64 => Some(Arch::Riscv64),
            AUDIT_ARCH_S390X => Some(Arch::S390x),
            AUDIT_ARCH_PPC64LE => Some(Arch::Powerpc64le),
            AUDIT_ARCH_LOONGARCH64 => Some(Arch::Loongarch64),
            _ => None,
        }
    }

    /// Byte order of `seccomp_data` and of raw `sock_filter` records.
    pub const fn is_big_endian(self) -> bool {
        matches!(self, Arch::S390x)
    }

    /// Width of a syscall argument register in bits.
    pub const fn word_bits(self) -> u32 {
        match self {
            Arch::X86 | Arch::Arm => 32,
            _ => 64,
        }
    }

    /// Whether syscalls of a second ABI reach this architecture's filter
    /// under the same `AUDIT_ARCH_*` value (x32 on x86_64), which the filter
    /// must tell apart by `nr`.
    pub const fn has_x32_abi(self) -> bool {
        matches!(self, Arch::X86_64)
    }

    /// The Rust `cfg` predicate selecting this architecture, as tokens text.
    pub const fn cfg(self) -> &'static str {
        match self {
            Arch::X86_64 => "all(target_arch = \"x86_64\", target_pointer_width = \"64\")",
            Arch::X86 => "target_arch = \"x86\"",
            Arch::Aarch64 => "target_arch = \"aarch64\"",
            Arch::Arm => "target_arch = \"arm\"",
            Arch::Riscv64 => "target_arch = \"riscv64\"",
            Arch::S390x => "target_arch = \"s390x\"",
            Arch::Powerpc64le => "all(target_arch = \"powerpc64\", target_endian = \"little\")",
            Arch::Loongarch64 => "target_arch = \"loongarch64\"",
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_arch_values_match_the_kernel_headers() {
        // Values as printed by `ausyscall --dump` / libseccomp's arch tables.
        assert_eq!(AUDIT_ARCH_X86_64, 0xc000_003e);
        assert_eq!(AUDIT_ARCH_I386, 0x4000_0003);
        assert_eq!(AUDIT_ARCH_AARCH64, 0xc000_00b7);
        assert_eq!(AUDIT_ARCH_ARM, 0x4000_0028);
        assert_eq!(AUDIT_ARCH_RISCV64, 0xc000_00f3);
        assert_eq!(AUDIT_ARCH_S390X, 0x8000_0016);
        assert_eq!(AUDIT_ARCH_PPC64LE, 0xc000_0015);
        assert_eq!(AUDIT_ARCH_LOONGARCH64, 0xc000_0102);
    }

    #[test]
    fn names_and_aliases_round_trip() {
        for a in Arch::ALL {
            assert_eq!(Arch::from_name(a.name()), Some(a));
            assert_eq!(Arch::from_audit_arch(a.audit_arch()), Some(a));
        }
        assert_eq!(Arch::from_name("i386"), Some(Arch::X86));
        assert_eq!(Arch::from_name("mips"), None);
    }
}
