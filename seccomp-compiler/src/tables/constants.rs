//! Kernel constants by name (`O_DIRECTORY`, `AF_UNIX`, `TCGETS`,
//! `KVM_RUN`, ...), per architecture: the values that architecture's C
//! compiler gives them from the kernel's uapi headers (and the socket
//! constants libc copies from include/linux/socket.h and net.h). Generated
//! by tools/gen-tables (`constants_gen.py`) into generated/constants.rs.
//!
//! Values are `i128`, so both ends of the C range are exact: a negative C
//! value is negative (`AT_FDCWD` is -100, as if the policy wrote `-100`),
//! an unsigned one keeps its magnitude (`KVM_REG_RISCV` is 2^63). The
//! width of the parameter a value is compared with decides the bits, as
//! for a number written in the policy.
//!
//! The table is the value most architectures give each name, plus per
//! architecture the names whose value differs and the names it lacks, all
//! text sorted by name (`tables::lines`): a lookup is two binary searches
//! in place, and nothing is built at start-up but the name list
//! [`names`] returns.

use super::generated::constants::{USUAL, exceptions};
use super::lines::{Lines, SortedLines, number, split_key};
use crate::arch::Arch;
use std::sync::OnceLock;

/// How the per-architecture lists write a name the architecture lacks
/// (tools/gen-tables/emit_files.py, `ABSENT`).
const ABSENT: &str = "absent";

/// The value of constant `name` on `arch`, or `None` if that
/// architecture's headers do not define it (no `KVM_*` on arm, no
/// `ARCH_SET_FS` outside x86).
pub fn value(arch: Arch, name: &str) -> Option<i128> {
    let usual = SortedLines(USUAL).get(name)?;
    value_of(arch, name, usual)
}

/// Whether some architecture defines `name`.
pub fn is_known(name: &str) -> bool {
    SortedLines(USUAL).get(name).is_some()
}

/// Every name some architecture defines, sorted.
pub fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = Vec::new();
        for line in Lines(USUAL) {
            names.push(split_key(line).0);
        }
        names
    })
}

/// `(name, value)` for every constant `arch` defines, sorted by name.
pub fn iter(arch: Arch) -> impl Iterator<Item = (&'static str, i128)> {
    SortedLines(USUAL)
        .iter()
        .filter_map(move |(name, usual)| value_of(arch, name, usual).map(|v| (name, v)))
}

/// The architectures that define `name`.
pub fn arches_defining(name: &str) -> std::vec::IntoIter<Arch> {
    let mut arches = Vec::new();
    for arch in Arch::ALL {
        if value(arch, name).is_some() {
            arches.push(arch);
        }
    }
    arches.into_iter()
}

/// `name`'s value on `arch`, given its usual value's text.
fn value_of(arch: Arch, name: &str, usual: &str) -> Option<i128> {
    match SortedLines(exceptions(arch)).get(name) {
        Some(ABSENT) => None,
        Some(different) => Some(number(different)),
        None => Some(number(usual)),
    }
}

#[cfg(test)]
mod tests {
    //! Spot values checked by hand against the kernel's headers; the
    //! whole table is checked against C compilers in
    //! tests/tests/constants_vs_cc.rs.
    use super::*;

    #[test]
    fn o_directory_differs_between_architectures() {
        // arch/arm64/include/uapi/asm/fcntl.h and arch/arm/.../fcntl.h:
        // 040000; include/uapi/asm-generic/fcntl.h: 00200000;
        // arch/powerpc/include/uapi/asm/fcntl.h: 040000.
        assert_eq!(value(Arch::X86_64, "O_DIRECTORY"), Some(0o200000));
        assert_eq!(value(Arch::X86, "O_DIRECTORY"), Some(0o200000));
        assert_eq!(value(Arch::Aarch64, "O_DIRECTORY"), Some(0o40000));
        assert_eq!(value(Arch::Arm, "O_DIRECTORY"), Some(0o40000));
        assert_eq!(value(Arch::Powerpc64le, "O_DIRECTORY"), Some(0o40000));
        assert_eq!(value(Arch::Riscv64, "O_DIRECTORY"), Some(0o200000));
    }

    #[test]
    fn tcgets_holds_the_size_of_powerpcs_termios() {
        // asm-generic/ioctls.h: TCGETS 0x5401; arch/powerpc/include/uapi/
        // asm/ioctls.h: _IOR('t', 19, struct termios), 44 bytes.
        assert_eq!(value(Arch::X86_64, "TCGETS"), Some(0x5401));
        assert_eq!(value(Arch::Powerpc64le, "TCGETS"), Some(0x402c7413));
    }

    #[test]
    fn negative_and_unsigned_values_keep_their_c_meaning() {
        for arch in Arch::ALL {
            assert_eq!(value(arch, "AT_FDCWD"), Some(-100), "{arch}");
            assert_eq!(value(arch, "AF_UNIX"), Some(1), "{arch}");
            assert_eq!(value(arch, "SOCK_STREAM"), Some(1), "{arch}");
            assert_eq!(value(arch, "SOCK_TYPE_MASK"), Some(0xf), "{arch}");
            assert_eq!(value(arch, "SIGKILL"), Some(9), "{arch}");
            assert_eq!(value(arch, "PR_SET_NAME"), Some(15), "{arch}");
        }
        // arch/riscv/include/uapi/asm/kvm.h: 0x8000000000000000ULL.
        assert_eq!(value(Arch::Riscv64, "KVM_REG_RISCV"), Some(1 << 63));
    }

    #[test]
    fn architecture_specific_names() {
        // arch/x86/include/uapi/asm/prctl.h; linux/kvm.h is not exported
        // for arm (include/uapi/linux/Kbuild: no asm/kvm.h).
        assert_eq!(value(Arch::X86_64, "ARCH_SET_FS"), Some(0x1002));
        assert_eq!(value(Arch::Aarch64, "ARCH_SET_FS"), None);
        assert_eq!(value(Arch::Arm, "KVM_RUN"), None);
        assert_eq!(value(Arch::X86_64, "KVM_RUN"), Some(0xae80));
        assert_eq!(
            arches_defining("ARCH_SET_FS").collect::<Vec<_>>(),
            [Arch::X86_64, Arch::X86]
        );
        assert!(is_known("KVM_RUN"));
        assert!(!is_known("O_DIRECTROY"));
        assert_eq!(value(Arch::X86_64, "O_DIRECTROY"), None);
    }

    #[test]
    fn names_are_sorted_and_listing_agrees_with_lookup() {
        assert!(names().windows(2).all(|w| w[0] < w[1]));
        assert!(names().len() > 5000, "{}", names().len());
        for arch in Arch::ALL {
            let exceptions: Vec<_> = SortedLines(exceptions(arch)).iter().collect();
            assert!(exceptions.windows(2).all(|w| w[0].0 < w[1].0), "{arch}");
            // Every exception names a constant of the table.
            assert!(exceptions.iter().all(|(name, _)| is_known(name)), "{arch}");
        }
        for arch in Arch::ALL {
            let listed: Vec<_> = iter(arch).collect();
            assert!(listed.len() > 4000, "{arch}: {}", listed.len());
            for (name, v) in listed {
                assert_eq!(value(arch, name), Some(v));
            }
        }
    }
}
