//! The runs: one driver binary, built for one ABI, on one kernel, loading
//! the programs of one architecture (and, where the kernel has a second
//! ABI, checking that another architecture's programs kill every call
//! made through it). `run.sh` starts each run under the same name and
//! hands its output back; the names tie the two together.

use crate::abi::{self, Abi};
use seccomp_compiler::Arch;

/// One driver on one kernel.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// Case ids start with it; `run.sh` writes the cases to `NAME.cases`.
    pub name: &'static str,
    /// For messages.
    pub kernel: &'static str,
    /// What the driver's calls go through.
    pub abi: Abi,
    /// The architecture whose programs the calls are native to: every
    /// policy's cases.
    pub native: Option<Arch>,
    /// An architecture whose programs see these calls as another ABI's and
    /// must kill them whatever the policy says.
    pub guarded: Option<Arch>,
}

/// Every run `run.sh` makes.
pub const RUNS: [Run; 9] = [
    Run {
        name: "x86_64",
        kernel: "this machine's kernel",
        abi: Abi::native(Arch::X86_64),
        native: Some(Arch::X86_64),
        guarded: None,
    },
    Run {
        name: "x86",
        kernel: "this machine's kernel (i386 ABI)",
        abi: abi::I386,
        native: Some(Arch::X86),
        guarded: Some(Arch::X86_64),
    },
    Run {
        name: "aarch64",
        kernel: "Debian's arm64 kernel under qemu",
        abi: Abi::native(Arch::Aarch64),
        native: Some(Arch::Aarch64),
        guarded: None,
    },
    Run {
        name: "arm-on-aarch64",
        kernel: "Debian's arm64 kernel under qemu (AArch32 compat ABI)",
        abi: abi::ARM,
        native: Some(Arch::Arm),
        guarded: Some(Arch::Aarch64),
    },
    Run {
        name: "arm",
        kernel: "Debian's armmp kernel under qemu",
        abi: abi::ARM,
        native: Some(Arch::Arm),
        guarded: None,
    },
    Run {
        name: "powerpc64le",
        kernel: "Debian's ppc64el kernel under qemu",
        abi: Abi::native(Arch::Powerpc64le),
        native: Some(Arch::Powerpc64le),
        guarded: None,
    },
    Run {
        name: "s390x",
        kernel: "Debian's s390x kernel under qemu",
        abi: Abi::native(Arch::S390x),
        native: Some(Arch::S390x),
        guarded: None,
    },
    Run {
        name: "riscv64",
        kernel: "Debian 13's riscv64 kernel under qemu",
        abi: Abi::native(Arch::Riscv64),
        native: Some(Arch::Riscv64),
        guarded: None,
    },
    Run {
        name: "s390-on-s390x",
        kernel: "Debian's s390x kernel under qemu (31-bit compat ABI)",
        abi: abi::S390_31,
        native: None,
        guarded: Some(Arch::S390x),
    },
];

impl Run {
    /// The architectures whose programs this run loads.
    pub fn program_arches(&self) -> impl Iterator<Item = Arch> {
        self.native.into_iter().chain(self.guarded)
    }
}
