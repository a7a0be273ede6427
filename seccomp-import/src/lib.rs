//! Importers: policies written for other tools, turned into policy text in
//! our language, and an exporter to OCI JSON.
//!
//! A crate of its own because only `seccompc` needs it: every program that
//! uses `seccomp_policy!` compiles `seccomp-compiler`, and the macro never
//! imports. Everything here goes through the compiler's public pipeline
//! (parse, resolve, decide, lints) and its kernel tables.
//!
//! Every importer produces text that reads like a hand-written policy (one
//! statement per rule group of the source, comments naming the source rule
//! and every choice the import made) and checks that it compiles before
//! returning it. What the source means is kept exactly where our language
//! can say it; where the source's tool gives an ambiguous or order-dependent
//! meaning, the import refuses with a message rather than guess.
//!
//! | format | module | semantics taken from |
//! | --- | --- | --- |
//! | OCI JSON (Docker, Podman) | [`oci`] | libseccomp 2.5 (`seccomp_rule_add(3)`, checked against the library), runc/moby's profile loader |
//! | seccompiler JSON (Firecracker) | [`seccompiler`] | rust-vmm/seccompiler `src/frontend/json.rs`, `src/backend/condition.rs` |
//! | firejail profile lines | [`firejail`] | firejail `src/fseccomp/seccomp.c`, firejail(1) |
//! | systemd unit lines | [`systemd`] | systemd.exec(5) "SYSTEM CALL FILTERING" |
//! | minijail policy files | [`minijail`] | minijail `syscall_filter.c` (libminijail), `tools/parser.py` and `tools/compiler.py` (compile_seccomp_policy.py) |
//! | LXC seccomp policies | [`lxc`] | lxc/lxc `src/lxc/seccomp.c` (parse_config_v1/v2), libseccomp as for OCI |
//! | Android bionic's seccomp lists | [`bionic`] | bionic `libc/tools/genseccomp.py`, `gensyscalls.py`, `Android.bp`, `seccomp_policy.cpp` |
//! | Kubernetes SeccompProfile objects | `spo` | kubernetes-sigs/security-profiles-operator `api/seccompprofile/v1`, `internal/pkg/daemon/seccompprofile`, security-profiles-merger `UnionSyscalls`; then as OCI |
//! | kafel policies, nsjail configs | [`kafel`] | google/kafel `src/lexer.l`, `src/parser.y`, `src/range_rules.c`, `src/codegen.c`; nsjail `config.proto`, `sandbox.cc` |

pub mod bionic;
mod cond;
pub mod export;
pub mod firejail;
mod json;
pub mod kafel;
pub mod lxc;
pub mod minijail;
pub mod oci;
mod per_arch;
pub mod seccompiler;
mod spo;
mod stack;
pub mod systemd;
mod text;

pub use export::{ExportError, ExportOptions, Exported, export_oci};
/// A JSON string literal, as the exporter (and `seccompc compile --format
/// json`) write them.
pub use json::quote as json_quote;
pub use oci::DOCKER_DEFAULT_CAPS;
pub use spo::export_spo;

use seccomp_compiler::arch::Arch;
use seccomp_compiler::ir::RuleSource;
use seccomp_compiler::span::Source;
use seccomp_compiler::{check, decide, parse, resolve, successors};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;

/// The source formats `seccompc import --from` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// OCI runtime-spec seccomp JSON, as Docker and Podman ship it.
    Oci,
    /// seccompiler JSON, as Firecracker ships it.
    Seccompiler,
    /// firejail profile lines (`seccomp`, `seccomp.drop`, ...).
    Firejail,
    /// systemd unit lines (`SystemCallFilter=`, ...).
    Systemd,
    /// minijail policy files.
    Minijail,
    /// kafel policies (nsjail's language), and nsjail configs embedding one.
    Kafel,
    /// LXC seccomp policies (versions 1 and 2).
    Lxc,
    /// Android bionic's SECCOMP_*.TXT lists.
    Bionic,
    /// Kubernetes security-profiles-operator SeccompProfile objects (YAML).
    Spo,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Oci,
        Format::Seccompiler,
        Format::Firejail,
        Format::Systemd,
        Format::Minijail,
        Format::Kafel,
        Format::Lxc,
        Format::Bionic,
        Format::Spo,
    ];

    /// The name used on the command line (`--from oci`).
    pub const fn name(self) -> &'static str {
        match self {
            Format::Oci => "oci",
            Format::Seccompiler => "seccompiler",
            Format::Firejail => "firejail",
            Format::Systemd => "systemd",
            Format::Minijail => "minijail",
            Format::Kafel => "kafel",
            Format::Lxc => "lxc",
            Format::Bionic => "bionic",
            Format::Spo => "spo",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Choices the source leaves to whoever loads it.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// seccompiler: which named filter (`--filter NAME`); needed when the
    /// file has more than one.
    pub filter: Option<String>,
    /// OCI: the container's capabilities, for `includes`/`excludes.caps`
    /// (`--caps CAP_SYS_ADMIN,...`). `None`: Docker's default set
    /// ([`DOCKER_DEFAULT_CAPS`]), i.e. a container started without
    /// `--cap-add`.
    pub caps: Option<Vec<String>>,
    /// OCI: the kernel version for `minKernel` (`--kernel 6.1`). `None`: a
    /// current kernel, which meets every `minKernel`.
    pub kernel: Option<(u32, u32)>,
    /// The architectures to compile for. `None`: the ones the source names
    /// (OCI `architectures`/`archMap`; seccompiler and minijail: the one in
    /// the file name or `constants.json`); firejail and systemd lines name
    /// none, so all.
    pub arches: Option<Vec<Arch>>,
    /// Keep the source's comparison widths bit for bit (`argN:u64`,
    /// `argN:u32`) instead of the kernel-exact width of each parameter.
    pub exact_width: bool,
    /// minijail: directories searched for `@include`d files (by their path
    /// relative to the directory, then by file name). firejail: directories
    /// searched for `include`d files before the profile's own directory,
    /// `~/.config/firejail` and `/etc/firejail`.
    pub include_dirs: Vec<PathBuf>,
    /// firejail: the home directory `${HOME}` and `~` stand for in
    /// `include` lines. `None`: `$HOME`.
    pub home: Option<PathBuf>,
    /// minijail: named constants (e.g. crosvm's `constants.json`, read with
    /// [`minijail::constants_from_json`]); used before the built-in ones.
    pub constants: BTreeMap<String, u64>,
    /// minijail: which of minijail's two compilers runs the policy, where
    /// they read it differently. `None`: `tools` when the file uses what
    /// only it reads, else the import refuses where they differ.
    pub minijail_compiler: Option<minijail::MinijailCompiler>,
}

/// An imported policy.
#[derive(Clone, Debug)]
pub struct Imported {
    /// Policy text in our language; compiles with [`seccomp_compiler::compile_str`].
    pub policy: String,
    /// What the import left out or changed, one sentence each.
    pub warnings: Vec<String>,
}

/// Why a source could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// `file:line:col` and, for JSON, the path (`syscalls[3].args[0]`).
    pub location: String,
    pub message: String,
    pub help: Vec<String>,
}

impl ImportError {
    pub(crate) fn new(location: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError {
            location: location.into(),
            message: message.into(),
            help: Vec::new(),
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> ImportError {
        self.help.push(help.into());
        self
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        for h in &self.help {
            write!(f, "\nhelp: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// Imports `text` (the contents of `source_name`) written in `format`.
pub fn import(
    format: Format,
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    match format {
        Format::Oci => oci::import(source_name, text, opts),
        Format::Seccompiler => seccompiler::import(source_name, text, opts),
        Format::Firejail => firejail::import(source_name, text, opts),
        Format::Systemd => systemd::import(source_name, text, opts),
        Format::Minijail => minijail::import(source_name, text, opts),
        Format::Kafel => kafel::import(source_name, text, opts),
        Format::Lxc => lxc::import(source_name, text, opts),
        Format::Bionic => bionic::import(source_name, text, opts),
        Format::Spo => spo::import(source_name, text, opts),
    }
}

/// `name:line:col` of byte `offset` in `text`.
pub(crate) fn location(source_name: &str, text: &str, offset: usize) -> String {
    let lc = Source::new(source_name, text).line_col(offset);
    format!("{source_name}:{}:{}", lc.line, lc.col)
}

/// An importer's result before the last step: the policy's parts, and why
/// the source accepts each risk a lint would report.
pub(crate) struct Draft {
    /// Comment lines describing the source and the import's choices.
    pub header: Vec<String>,
    /// `deny`, `default`, `unknown`, `arch` statements, with comments.
    pub settings: text::PolicyText,
    /// `base`/`keep`/`drop` statements.
    pub body: text::PolicyText,
    /// Lint name -> why the source accepts it (used if the lint fires).
    pub ack_reasons: BTreeMap<&'static str, String>,
    pub warnings: Vec<String>,
}

impl Draft {
    pub fn new() -> Draft {
        Draft {
            header: Vec::new(),
            settings: text::PolicyText::new(),
            body: text::PolicyText::new(),
            ack_reasons: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Adds the `acknowledge` lines the policy needs, assembles the text
    /// and checks that it compiles.
    pub fn finish(self, source_name: &str) -> Result<Imported, ImportError> {
        let mut head = text::PolicyText::new();
        for line in &self.header {
            head.comment(line);
        }
        let settings = self.settings.finish();
        let body = self.body.finish();
        let draft = format!("{settings}{body}");
        let mut acks = text::PolicyText::new();
        for lint in needed_acknowledgements(&draft) {
            let reason = self
                .ack_reasons
                .get(lint)
                .cloned()
                .unwrap_or_else(|| format!("the source allows what the `{lint}` lint reports"));
            acks.comment(&reason);
            acks.line(&format!("acknowledge {lint};"));
        }
        let successors = successors_off(&draft);
        let policy = format!(
            "{}{settings}{successors}{}\n{body}",
            head.finish(),
            acks.finish()
        );
        check_compiles(source_name, &policy)?;
        Ok(Imported {
            policy,
            warnings: self.warnings,
        })
    }
}

/// The lints (`acknowledge NAME`) whose risk the policy text takes: each
/// one that still fires when every other lint is acknowledged.
fn needed_acknowledgements(text: &str) -> Vec<&'static str> {
    if !lints_fire(text) {
        return Vec::new();
    }
    resolve::LINTS
        .into_iter()
        .filter(|&lint| {
            let others: Vec<&str> = resolve::LINTS.into_iter().filter(|&l| l != lint).collect();
            lints_fire(&format!("{text}\nacknowledge {};\n", others.join(", ")))
        })
        .collect()
}

/// `successors off;` with a comment naming the calls it concerns, when the
/// policy would otherwise give some successor `errno(ENOSYS)`: the source
/// tools give a syscall their rules do not name their default action, so
/// an import means what they mean only with the compiler's successor rules
/// off (README "Policies that survive libc upgrades").
fn successors_off(text: &str) -> String {
    let Ok(policy) = parse::parse_str(text) else {
        return String::new();
    };
    if resolve::check_names(&policy).is_err() {
        return String::new();
    }
    let mut calls: BTreeSet<&'static str> = BTreeSet::new();
    for arch in resolve::selected_arches(&policy) {
        let Ok(rp) = resolve::resolve(&policy, arch) else {
            continue;
        };
        let table = decide::decide(&rp);
        for rule in successors::fallback_rules(&policy, &rp, &table) {
            if let RuleSource::Successor(s) = rule.source {
                calls.insert(s.new);
            }
        }
    }
    if calls.is_empty() {
        return String::new();
    }
    let list = calls.into_iter().collect::<Vec<_>>().join(", ");
    let mut out = text::PolicyText::new();
    out.comment(&format!(
        "The source gives every syscall it does not name its default action;\n\
         that includes these, which libc tries before a call the policy\n\
         allows (falling back on ENOSYS): {list}"
    ));
    out.line("successors off;");
    out.finish()
}

/// Whether some lint reports a problem on some architecture (problems of
/// other kinds are left to the final compilation to report).
fn lints_fire(text: &str) -> bool {
    let Ok(policy) = parse::parse_str(text) else {
        return false;
    };
    if resolve::check_names(&policy).is_err() {
        return false;
    }
    resolve::selected_arches(&policy).into_iter().any(|arch| {
        resolve::resolve(&policy, arch)
            .is_ok_and(|rp| !check::lints(&policy, &decide::decide(&rp)).is_empty())
    })
}

/// Compiles the imported text; a failure is a bug of the import or a
/// source our language cannot express, reported with the diagnostics.
fn check_compiles(source_name: &str, policy: &str) -> Result<(), ImportError> {
    let diags = match seccomp_compiler::compile_str(policy) {
        Ok(c) => c
            .arches
            .into_iter()
            .filter_map(|a| a.outcome.err())
            .flatten()
            .collect(),
        Err(diags) => diags,
    };
    if diags.is_empty() {
        return Ok(());
    }
    let src = Source::new("<imported policy>", policy);
    let rendered: Vec<String> = diags.iter().map(|d| d.render(&src)).collect();
    Err(ImportError::new(
        source_name,
        format!(
            "the imported policy does not compile:\n{}",
            rendered.join("\n")
        ),
    ))
}

/// Helpers for the importers' tests: what a policy text does with a call.
#[cfg(test)]
pub(crate) mod testutil {
    use seccomp_compiler::action::Action;
    use seccomp_compiler::arch::Arch;
    use seccomp_compiler::bpf::SeccompData;
    use seccomp_compiler::tables::syscalls;

    /// The reference evaluator's verdict for `name(args...)` on `arch`.
    pub fn verdict(policy: &str, arch: Arch, name: &str, args: &[u64]) -> Action {
        let c = seccomp_compiler::compile_str(policy).unwrap_or_else(|d| panic!("{d:?}\n{policy}"));
        let out = c.get(arch).unwrap_or_else(|| panic!("no {arch} program"));
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        let data = SeccompData {
            nr: syscalls::table(arch)
                .number(name)
                .unwrap_or_else(|| panic!("{name} on {arch}")),
            arch: arch.audit_arch(),
            instruction_pointer: 0,
            args: a,
        };
        seccomp_compiler::decide::eval(&out.resolved, &data, &|_| 0)
    }

    pub fn corpus(name: &str) -> String {
        let path = format!("{}/tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name("docker"), None);
    }

    #[test]
    fn acknowledgements_are_found_exactly() {
        assert!(needed_acknowledgements("default allow; drop mount, ptrace;").is_empty());
        assert_eq!(
            needed_acknowledgements("keep ptrace, exit_group;"),
            ["ptrace"]
        );
        assert_eq!(needed_acknowledgements("default allow;"), ["ptrace"]);
        assert_eq!(
            needed_acknowledgements("keep clone(clone_flags == 0), clone3, ptrace;"),
            ["ptrace", "clone3"]
        );
    }

    #[test]
    fn errors_show_location_and_help() {
        let e = ImportError::new("a.json:3:4", "bad").with_help("fix it");
        assert_eq!(e.to_string(), "a.json:3:4: bad\nhelp: fix it");
        assert_eq!(location("f", "ab\ncd", 4), "f:2:2");
    }
}
