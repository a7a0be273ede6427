//! libseccomp 2.5 (Debian's libseccomp-dev) through the differential
//! tests' FFI (`tests::libseccomp::ffi`): the default action, other ABIs
//! killed, each rule added by name as runc and crun add them (a name
//! libseccomp does not know is skipped, as they skip it), the policy's
//! extra architectures (runc adds x86 and x32 on an amd64 host), and
//! `SCMP_FLTATR_CTL_OPTIMIZE` 1 (its default layout) or 2 (a binary tree).
//! Behind the `libseccomp` feature: without it the columns say so.

use crate::policies::Policy;
use seccomp_compiler::bpf::SockFilter;

#[cfg(feature = "libseccomp")]
pub use with_ffi::{filter, program};

#[cfg(not(feature = "libseccomp"))]
pub fn program(_: &Policy, _: u32) -> Result<Vec<SockFilter>, String> {
    Err(NOT_BUILT.to_owned())
}

/// Why there is no libseccomp column.
#[cfg(not(feature = "libseccomp"))]
pub const NOT_BUILT: &str = "built without the `libseccomp` feature (bench/run.sh turns it on)";

#[cfg(feature = "libseccomp")]
mod with_ffi {
    use super::*;
    use seccomp_compiler::action::Action;
    use seccomp_compiler::arch::Arch;
    use tests::libseccomp::ffi::{self, Attr, Filter, ScmpArgCmp};
    use tests::libseccomp::{export_filter, scmp_arg_cmp};

    /// The libseccomp filter context for `policy` (not yet loaded).
    pub fn filter(policy: &Policy, optimize: u32) -> Result<Filter, ffi::Error> {
        let rules = &policy.rules;
        let mut f = Filter::new(Arch::X86_64, rules.default.to_ret())?;
        for &token in policy.libseccomp_extra_arches {
            f.add_arch(token)?;
        }
        f.set_attr(Attr::ActBadarch, Action::KillProcess.to_ret())?;
        f.set_attr(Attr::CtlOptimize, optimize)?;
        for e in &rules.entries {
            let cmps: Vec<ScmpArgCmp> = e.conds.iter().map(scmp_arg_cmp).collect();
            f.add_rule_by_name(e.action.to_ret(), &e.name, &cmps)?;
        }
        Ok(f)
    }

    /// The program libseccomp exports for `policy` (built in a forked
    /// child with a time limit: 2.5.4 loops forever on some rule sets).
    /// With extra architectures the program is the whole multi-ABI filter
    /// runc loads.
    pub fn program(policy: &Policy, optimize: u32) -> Result<Vec<SockFilter>, String> {
        export_filter(Arch::X86_64, || filter(policy, optimize))
            .map(|e| e.bpf)
            .map_err(|e| e.to_string())
    }
}

/// Whether libseccomp knows `name` (always "yes" without the feature:
/// then there is no libseccomp program to disagree with).
pub fn knows(name: &str) -> bool {
    #[cfg(feature = "libseccomp")]
    {
        tests::libseccomp::ffi::resolve_name(name).is_some()
    }
    #[cfg(not(feature = "libseccomp"))]
    {
        let _ = name;
        true
    }
}
