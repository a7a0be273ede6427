//! What the differential tests share: policies in the subset our language,
//! libseccomp and seccompiler all express ([`rules`]), a tally of compared
//! inputs ([`tally`]), an interpreter for libseccomp's pseudo-filter code
//! ([`pfc`]), OCI profiles as runc reads them ([`oci`]), and, behind the
//! `libseccomp` feature, a small FFI to the system's libseccomp (`ffi`)
//! with the way runc and crun build a filter from rules (`build`).

/// The architectures both libseccomp 2.5.4 and we support: all of ours
/// but loongarch64.
pub const ARCHES: [seccomp_compiler::Arch; 7] = {
    use seccomp_compiler::Arch;
    [
        Arch::X86_64,
        Arch::X86,
        Arch::Aarch64,
        Arch::Arm,
        Arch::Riscv64,
        Arch::S390x,
        Arch::Powerpc64le,
    ]
};

pub mod oci;
pub mod pfc;
pub mod rules;
pub mod tally;

#[cfg(feature = "libseccomp")]
pub mod ffi;

#[cfg(feature = "libseccomp")]
pub use build::{Export, ExportError, build, export, export_filter, scmp_arg_cmp};

#[cfg(feature = "libseccomp")]
mod build {
    use super::ffi::{self, Attr, ChildError, Filter, ScmpArgCmp};
    use super::rules::{ArgCmp, Op, RulePolicy};
    use seccomp_compiler::bpf::SockFilter;
    use seccomp_compiler::{Action, Arch};
    use std::fmt;
    use std::time::Duration;

    /// How long libseccomp may take for one policy before it counts as hung.
    const LIBSECCOMP_TIMEOUT: Duration = Duration::from_secs(3);

    /// What libseccomp made of a policy.
    #[derive(Clone, Debug)]
    pub struct Export {
        pub bpf: Vec<SockFilter>,
        pub pfc: String,
    }

    /// Why libseccomp made nothing of a policy.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum ExportError {
        /// A libseccomp call failed (its message).
        Refused(String),
        /// libseccomp did not return (2.5.4 loops forever in
        /// `seccomp_rule_add` on some rule sets).
        Hung,
        /// The child process building it failed otherwise.
        Child(String),
    }

    impl fmt::Display for ExportError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                ExportError::Refused(e) => write!(f, "libseccomp refused the policy: {e}"),
                ExportError::Hung => f.write_str("libseccomp did not return (an endless loop)"),
                ExportError::Child(e) => write!(f, "the child building the filter {e}"),
            }
        }
    }

    /// [`build`] and both exports, in a forked child with a time limit.
    pub fn export(p: &RulePolicy, optimize: u32) -> Result<Export, ExportError> {
        export_filter(p.arch, || build(p, optimize))
    }

    /// The filter `make` builds (for `arch`), exported both ways, in a
    /// forked child with a time limit.
    pub fn export_filter(
        arch: Arch,
        make: impl FnOnce() -> Result<Filter, ffi::Error>,
    ) -> Result<Export, ExportError> {
        let out = ffi::in_child(LIBSECCOMP_TIMEOUT, || {
            let made = make().and_then(|f| Ok((f.export_bpf_bytes()?, f.export_pfc()?)));
            match made {
                Ok((bpf, pfc)) => {
                    let mut out = vec![0u8];
                    out.extend_from_slice(&(bpf.len() as u64).to_le_bytes());
                    out.extend_from_slice(&bpf);
                    out.extend_from_slice(pfc.as_bytes());
                    out
                }
                Err(e) => {
                    let mut out = vec![1u8];
                    out.extend_from_slice(e.to_string().as_bytes());
                    out
                }
            }
        })
        .map_err(|e| match e {
            ChildError::Hung => ExportError::Hung,
            e => ExportError::Child(e.to_string()),
        })?;
        match out.split_first() {
            Some((0, rest)) if rest.len() >= 8 => {
                let (len, rest) = rest.split_at(8);
                let len = u64::from_le_bytes(len.try_into().expect("8 bytes"));
                let len = usize::try_from(len).ok().filter(|&l| l <= rest.len());
                let len = len.ok_or_else(|| ExportError::Child("sent a bad length".to_owned()))?;
                let (bpf, pfc) = rest.split_at(len);
                Ok(Export {
                    bpf: ffi::decode_bpf(bpf, arch),
                    pfc: String::from_utf8_lossy(pfc).into_owned(),
                })
            }
            Some((1, msg)) => Err(ExportError::Refused(
                String::from_utf8_lossy(msg).into_owned(),
            )),
            _ => Err(ExportError::Child("sent nothing (it panicked?)".to_owned())),
        }
    }

    /// `c` as libseccomp's `struct scmp_arg_cmp` (a masked comparison
    /// takes the mask first, then the value).
    pub fn scmp_arg_cmp(c: &ArgCmp) -> ScmpArgCmp {
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
    }

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
                let cmps: Vec<ScmpArgCmp> = r.conds.iter().map(scmp_arg_cmp).collect();
                let added = f.add_rule_by_name(r.action.to_ret(), s.name, &cmps)?;
                assert!(added, "libseccomp does not know `{}`", s.name);
            }
        }
        Ok(f)
    }
}
