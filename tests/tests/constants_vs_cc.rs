//! Every value of `seccomp_compiler::tables::constants` against C
//! compilers and headers that had no part in making it (see
//! `tests::c_constants`):
//!
//! - always (x86_64 hosts): a program the host's gcc compiles against the
//!   host's headers prints every value;
//! - with the `cross-compilers` feature (what `.ci/run` installs and
//!   turns on): all eight architectures, Debian's gcc for each (zig's for
//!   loongarch64) with Debian 13's Linux 6.12 uapi headers, unpacked where
//!   `SECCOMP_TEST_UAPI_HEADERS` points (`.ci/uapi-headers DIR` fetches
//!   them). There every name must be compared and equal, except the few
//!   kernel-internal ones libc does not copy.

use std::path::PathBuf;

use seccomp_compiler::Arch;
use tests::c_constants::{Readout, Report, Toolchain, compare};

fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("constants_vs_cc");
    std::fs::create_dir_all(&dir).expect("CARGO_TARGET_TMPDIR is writable");
    dir
}

fn print_report(arch: Arch, tc: &Toolchain, r: &Report) {
    let sample: Vec<_> = r.not_in_headers.iter().take(8).collect();
    println!(
        "{arch}: {} values equal those {} computes from Linux {} headers; {} names not in \
         those headers (e.g. {sample:?})",
        r.compared,
        tc.command.join(" "),
        r.linux(),
        r.not_in_headers.len(),
    );
}

/// Values that grow as the kernel gains features (masks of all flags,
/// counts, ioctls whose struct was extended): headers older or newer than
/// the table's Linux 6.12 give other values, and that is no error.
const GROW_WITH_THE_KERNEL: &[&str] = &[
    "MOVE_MOUNT__MASK",
    "NSIGSEGV",
    "RWF_SUPPORTED",
    "UFFD_API_FEATURES",
    "UFFD_API_RANGE_IOCTLS",
    "UFFD_API_RANGE_IOCTLS_BASIC",
    // struct drm_syncobj_wait gained deadline_nsec in Linux 6.5.
    "DRM_IOCTL_SYNCOBJ_WAIT",
    "DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT",
];

/// Linux 6.12 as `LINUX_VERSION_CODE` >> 8.
const LINUX_6_12: u64 = (6 << 8) | 12;

#[cfg(target_arch = "x86_64")]
#[test]
fn x86_64_values_equal_what_a_program_built_against_the_hosts_headers_prints() {
    let tc = Toolchain::host();
    let report = compare(&tc, &scratch(), Readout::Run).unwrap_or_else(|e| panic!("{e}"));
    print_report(Arch::X86_64, &tc, &report);
    let same_series = report.linux_version >> 8 == LINUX_6_12;
    let wrong: Vec<_> = report
        .mismatches
        .iter()
        .filter(|(name, ..)| same_series || !GROW_WITH_THE_KERNEL.contains(name))
        .collect();
    assert!(
        wrong.is_empty(),
        "values differ from the host's Linux {} headers: {wrong:?}",
        report.linux()
    );
    // Debian 12's headers (Linux 6.1) lack about 500 of the 5,200 names.
    assert!(
        report.compared >= 4000,
        "only {} names compared",
        report.compared
    );
}

#[cfg(not(feature = "cross-compilers"))]
#[test]
fn other_architectures_need_the_cross_compilers_feature() {
    println!(
        "NOTICE: the constants were NOT compared with each architecture's C compiler: \
         `cargo test -p tests --features cross-compilers` does (needs the packages \
         .ci/run installs and SECCOMP_TEST_UAPI_HEADERS)"
    );
}

#[cfg(feature = "cross-compilers")]
mod cross {
    use super::*;
    use std::path::Path;

    /// Names the table takes from the kernel's include/linux/socket.h and
    /// net.h that glibc (2.36 in Debian 12's cross packages, zig's for
    /// loongarch64) does not copy, so no header here defines them. Plain
    /// numbers there; any other missing name fails the test.
    const NOT_IN_GLIBC: &[&str] = &[
        "MSG_EOF",
        "MSG_PROBE",
        "MSG_SOCK_DEVMEM",
        "SCM_PIDFD",
        "SCM_SECURITY",
        "SOCK_TYPE_MASK",
        "SOL_ATALK",
        "SOL_AX25",
        "SOL_IPX",
        "SOL_NETROM",
        "SOL_ROSE",
        "SOL_SCTP",
        "SOL_UDPLITE",
        "SOL_VSOCK",
    ];

    fn check(arch: Arch) {
        let uapi = std::env::var_os("SECCOMP_TEST_UAPI_HEADERS").unwrap_or_else(|| {
            panic!("set SECCOMP_TEST_UAPI_HEADERS to a tree `.ci/uapi-headers DIR` unpacked")
        });
        let tc = Toolchain::debian(arch, Path::new(&uapi));
        let report =
            compare(&tc, &scratch(), Readout::Object).unwrap_or_else(|e| panic!("{arch}: {e}"));
        print_report(arch, &tc, &report);
        assert_eq!(
            report.linux_version >> 8,
            LINUX_6_12,
            "{arch}: SECCOMP_TEST_UAPI_HEADERS has Linux {} headers, not 6.12",
            report.linux()
        );
        assert!(
            report.mismatches.is_empty(),
            "{arch}: {} values differ: {:?}",
            report.mismatches.len(),
            report.mismatches
        );
        let unexpected: Vec<_> = report
            .not_in_headers
            .iter()
            .filter(|n| !NOT_IN_GLIBC.contains(n))
            .collect();
        assert!(
            unexpected.is_empty(),
            "{arch}: names no header here defines: {unexpected:?}"
        );
    }

    #[test]
    fn x86_64() {
        check(Arch::X86_64);
    }

    #[test]
    fn x86() {
        check(Arch::X86);
    }

    #[test]
    fn aarch64() {
        check(Arch::Aarch64);
    }

    #[test]
    fn arm() {
        check(Arch::Arm);
    }

    #[test]
    fn riscv64() {
        check(Arch::Riscv64);
    }

    #[test]
    fn s390x() {
        check(Arch::S390x);
    }

    #[test]
    fn powerpc64le() {
        check(Arch::Powerpc64le);
    }

    #[test]
    fn loongarch64() {
        check(Arch::Loongarch64);
    }
}
