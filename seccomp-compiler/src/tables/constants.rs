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
//! The table is one sorted name list with the value most architectures
//! give each name, plus per architecture the names whose value differs
//! and the names it lacks: a lookup is two binary searches, and nothing is
//! built at start-up.

use super::generated::constants::{NAMES, USUAL, exceptions};
use crate::arch::Arch;

/// The value of constant `name` on `arch`, or `None` if that
/// architecture's headers do not define it (no `KVM_*` on arm, no
/// `ARCH_SET_FS` outside x86).
pub fn value(arch: Arch, name: &str) -> Option<i128> {
    let index = NAMES.binary_search(&name).ok()?;
    value_at(arch, index)
}

/// Whether some architecture defines `name`.
pub fn is_known(name: &str) -> bool {
    NAMES.binary_search(&name).is_ok()
}

/// Every name some architecture defines, sorted.
pub fn names() -> &'static [&'static str] {
    &NAMES
}

/// `(name, value)` for every constant `arch` defines, sorted by name.
pub fn iter(arch: Arch) -> impl Iterator<Item = (&'static str, i128)> {
    (0..NAMES.len()).filter_map(move |i| value_at(arch, i).map(|v| (NAMES[i], v)))
}

/// The architectures that define `name`.
pub fn arches_defining(name: &str) -> impl Iterator<Item = Arch> + '_ {
    Arch::ALL
        .into_iter()
        .filter(move |&arch| value(arch, name).is_some())
}

fn value_at(arch: Arch, index: usize) -> Option<i128> {
    let (different, absent) = exceptions(arch);
    // NAMES has fewer than 2^16 entries (the generator checks), so an
    // index into it fits the tables' u16.
    let key = index as u16;
    if absent.binary_search(&key).is_ok() {
        return None;
    }
    match different.binary_search_by_key(&key, |&(i, _)| i) {
        Ok(at) => Some(different[at].1),
        Err(_) => Some(USUAL[index]),
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
        assert!(NAMES.windows(2).all(|w| w[0] < w[1]));
        for arch in Arch::ALL {
            let listed: Vec<_> = iter(arch).collect();
            assert!(listed.len() > 4000, "{arch}: {}", listed.len());
            for (name, v) in listed {
                assert_eq!(value(arch, name), Some(v));
            }
        }
    }
}
