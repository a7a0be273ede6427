//! What the differential tests share: policies in the subset our language,
//! libseccomp and seccompiler all express ([`rules`]), a tally of compared
//! inputs ([`tally`]), an interpreter for libseccomp's pseudo-filter code
//! ([`pfc`]), and, behind the `libseccomp` feature, a small FFI to
//! the system's libseccomp ([`ffi`]) with the way runc and crun build a
//! filter from rules ([`build`]).

pub mod pfc;
pub mod rules;
pub mod tally;

#[cfg(feature = "libseccomp")]
pub mod ffi;

#[cfg(feature = "libseccomp")]
pub use build::build;

#[cfg(feature = "libseccomp")]
mod build {
    use super::ffi::{self, Attr, Filter, ScmpArgCmp};
    use super::rules::{Op, RulePolicy};
    use seccomp_compiler::Action;

    /// The libseccomp filter for `p`: default action, bad-architecture
    /// action `kill_process` (ours for other ABIs), each rule added by
    /// name with its 64-bit data, `optimize` 1 (a sorted list) or 2 (a
    /// binary tree of syscall numbers).
    pub fn build(p: &RulePolicy, optimize: u32) -> Result<Filter, ffi::Error> {
        let mut f = Filter::new(p.arch, p.default.to_ret())?;
        f.set_attr(Attr::ActBadarch, Action::KillProcess.to_ret())?;
        f.set_attr(Attr::CtlOptimize, optimize)?;
        for s in &p.syscalls {
            for r in &s.rules {
                let cmps: Vec<ScmpArgCmp> = r
                    .conds
                    .iter()
                    .map(|c| {
                        let (op, a, b) = match c.op {
                            Op::Ne => (ffi::SCMP_CMP_NE, c.value, 0),
                            Op::Lt => (ffi::SCMP_CMP_LT, c.value, 0),
                            Op::Le => (ffi::SCMP_CMP_LE, c.value, 0),
                            Op::Eq => (ffi::SCMP_CMP_EQ, c.value, 0),
                            Op::Ge => (ffi::SCMP_CMP_GE, c.value, 0),
                            Op::Gt => (ffi::SCMP_CMP_GT, c.value, 0),
                            Op::MaskedEq(m) => (ffi::SCMP_CMP_MASKED_EQ, m, c.value),
                        };
                        ScmpArgCmp {
                            arg: u32::from(c.arg),
                            op,
                            datum_a: a,
                            datum_b: b,
                        }
                    })
                    .collect();
                let added = f.add_rule_by_name(r.action.to_ret(), s.name, &cmps)?;
                assert!(added, "libseccomp does not know `{}`", s.name);
            }
        }
        Ok(f)
    }
}
