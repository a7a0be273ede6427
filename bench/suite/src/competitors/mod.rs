//! The competitors, each building a policy's x86_64 program its own way:
//! ours at compile time ([`ours`]), libseccomp 2.5 in both layouts
//! ([`libseccomp`]), the seccompiler crate ([`seccompiler`]) and firejail's
//! `fseccomp` ([`firejail`]).

pub mod firejail;
pub mod libseccomp;
pub mod ours;
pub mod seccompiler;

use crate::policies::Policy;
use seccomp_compiler::bpf::SockFilter;

/// Who built a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Competitor {
    Ours,
    /// libseccomp's default layout (`SCMP_FLTATR_CTL_OPTIMIZE=1`: a list
    /// of syscalls sorted by priority).
    LibseccompList,
    /// `SCMP_FLTATR_CTL_OPTIMIZE=2`: a binary tree of syscall numbers.
    LibseccompTree,
    Seccompiler,
    Firejail,
}

impl Competitor {
    pub const ALL: [Competitor; 5] = [
        Competitor::Ours,
        Competitor::LibseccompList,
        Competitor::LibseccompTree,
        Competitor::Seccompiler,
        Competitor::Firejail,
    ];

    /// A column heading.
    pub fn name(self) -> &'static str {
        match self {
            Competitor::Ours => "ours",
            Competitor::LibseccompList => "libseccomp",
            Competitor::LibseccompTree => "libseccomp tree",
            Competitor::Seccompiler => "seccompiler",
            Competitor::Firejail => "fseccomp",
        }
    }

    /// Builds `policy`'s program.
    pub fn build(self, policy: &Policy) -> Result<Vec<SockFilter>, String> {
        match self {
            Competitor::Ours => ours::program(&policy.ours),
            Competitor::LibseccompList => libseccomp::program(policy, 1),
            Competitor::LibseccompTree => libseccomp::program(policy, 2),
            Competitor::Seccompiler => seccompiler::program(policy),
            Competitor::Firejail => firejail::program(&policy.rules),
        }
    }
}

/// A competitor's program for one policy.
pub struct Built {
    pub competitor: Competitor,
    pub program: Vec<SockFilter>,
}
