//! OCI runtime-spec seccomp JSON, as Docker (moby/profiles) and Podman
//! (containers/common) write it, with the meaning libseccomp 2.5 gives it
//! when a runtime (runc, crun) loads it.
//!
//! Which rules apply (moby's `profiles/seccomp` loader): a rule applies when
//! every capability in `includes.caps` is in the container's set and none
//! in `excludes.caps` is, when `includes.minKernel` is met and
//! `excludes.minKernel` is not, and when the host architecture is in
//! `includes.arches` (if given) and not in `excludes.arches`. The host
//! architecture is the main architecture of the `archMap` entry an
//! architecture belongs to: a 32-bit x86 process on an x86_64 host gets the
//! rules for `amd64`, as Docker gives them.
//!
//! How libseccomp combines rules for one syscall (checked against
//! libseccomp 2.5.4 with `seccomp_export_pfc` and on the kernel):
//! - a rule whose action is the default action is refused (`EACCES`);
//!   runtimes skip it;
//! - several `args` in one rule must all hold (AND); two on the same
//!   argument are refused (`EINVAL`), and so the whole profile;
//! - several rules with one action: any may match (OR); a rule without
//!   `args` makes the syscall unconditional;
//! - the first rule without `args` decides the syscall alone: rules with
//!   conditions or other actions, before or after it, are dropped;
//! - rules with different actions and conditions: each action applies when
//!   its conditions hold, provided no input satisfies two of them. Where
//!   they overlap, libseccomp's result depends on the order of its decision
//!   tree (e.g. `== 10` loses to `!= 16` but `== 40` wins over it, and of
//!   `a0 == 1` and `a0 == 1 && a1 == 2` the later-added one is dropped). The
//!   import accepts the one overlap real profiles use (Podman's `socket`
//!   rules), `argN == V` against `argN != W` with V > W, where the `==` rule
//!   wins, and refuses the others;
//! - comparisons cover all 64 bits on 64-bit architectures (both words,
//!   ordering comparisons included) and the low 32 bits on 32-bit ones;
//! - numbers with no rule, unknown ones included, get the default action.

mod fields;
mod read;

pub(crate) use fields::Schema;
use fields::go_get;
pub use read::parse_kernel;
pub(crate) use read::scmp_arch;
use read::{Arg, Filter, Profile, Reader, Rule, host_names, read_profile};

use super::cond::{self, ArgRef, Cmp, Conj, Renderer};
use super::json;
use super::text::{Item, PolicyText};
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::tables::{params, syscalls};
use std::collections::{BTreeMap, BTreeSet};

/// The capabilities of a container started by Docker without `--cap-add`
/// (moby `oci/caps/defaults.go`), the default for `includes.caps`.
pub const DOCKER_DEFAULT_CAPS: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let root = json::parse(text)
        .map_err(|e| ImportError::new(super::location(source_name, text, e.offset), e.message))?;
    let (root, prefix) = profile_node(source_name, text, &root)?;
    let mut warnings = Vec::new();
    let schema = if prefix.is_empty() {
        Schema::Profile
    } else {
        warnings.push(format!(
            "{source_name} is an OCI runtime configuration: its `linux.seccomp` is imported as runc reads it (runtime-spec's fields only)"
        ));
        Schema::RuntimeSpec
    };
    import_profile(source_name, text, root, prefix, schema, opts, warnings)
}

/// Imports the OCI profile `root`, a node of `text` (JSON, or YAML read
/// into the same nodes) at `prefix` (`""`, `linux.seccomp.`, `spec.`),
/// with the fields `schema`'s reader knows.
pub(super) fn import_profile(
    source_name: &str,
    text: &str,
    root: &json::Node,
    prefix: &str,
    schema: Schema,
    opts: &ImportOptions,
    mut warnings: Vec<String>,
) -> Result<Imported, ImportError> {
    let r = Reader {
        name: source_name,
        text,
        prefix,
        schema,
    };
    let profile = read_profile(&r, root, &mut warnings)?;
    let ctx = Context::new(&profile, opts)?;
    check_notify(source_name, text, &profile, &ctx)?;
    let mut draft = Draft::new();
    draft.warnings = warnings;
    Importer {
        text,
        profile: &profile,
        targets: ctx.targets.clone(),
        left_out: Vec::new(),
        ctx: &ctx,
        opts,
        draft: &mut draft,
    }
    .run(source_name)?;
    draft.finish(source_name)
}

/// The profile in `root`: the document itself, or the `linux.seccomp` of
/// an OCI runtime `config.json` (which has `ociVersion`); and its path.
fn profile_node<'n>(
    source_name: &str,
    text: &str,
    root: &'n json::Node,
) -> Result<(&'n json::Node, &'static str), ImportError> {
    // runc reads config.json with Go's encoding/json: keys match fields
    // without regard to case (see fields.rs).
    if go_get(root, "ociVersion").is_none() {
        return Ok((root, ""));
    }
    match go_get(root, "linux").and_then(|l| go_get(l, "seccomp")) {
        Some(s) if !s.is_null() => Ok((s, "linux.seccomp.")),
        _ => Err(ImportError::new(
            format!(
                "{} (linux.seccomp)",
                super::location(source_name, text, root.offset)
            ),
            "an OCI runtime configuration without `linux.seccomp`: the container runs without a seccomp filter",
        )),
    }
}

/// What runc refuses about SCMP_ACT_NOTIFY in the rules that apply
/// (libcontainer/seccomp `InitSeccomp`: not for `write`; process_linux.go:
/// "seccomp listenerPath is not set" when the filter notifies).
fn check_notify(
    source_name: &str,
    text: &str,
    profile: &Profile,
    ctx: &Context,
) -> Result<(), ImportError> {
    let applied = |rule: &Rule| {
        ctx.targets
            .iter()
            .any(|&(_, h)| ctx.excluded(rule, h).is_none())
    };
    for rule in profile
        .rules
        .iter()
        .filter(|r| r.action == Action::UserNotif && applied(r))
    {
        let at = format!(
            "{} ({})",
            super::location(source_name, text, rule.offset),
            rule.path
        );
        if rule.names.iter().any(|n| n == "write") {
            return Err(ImportError::new(
                at,
                "SCMP_ACT_NOTIFY for `write`: runc refuses it (it writes the listener's descriptor to its parent with `write`)",
            ));
        }
        if !profile.listener {
            return Err(ImportError::new(at, "SCMP_ACT_NOTIFY without a `listenerPath`: runc refuses to start the container (\"seccomp listenerPath is not set\")")
                .with_help("give `listenerPath`, the socket of the agent that answers the notifications"));
        }
    }
    Ok(())
}

/// The container and host the profile is imported for.
struct Context {
    /// Target architectures with their hosts.
    targets: Vec<(Arch, Arch)>,
    caps: BTreeSet<String>,
    caps_text: String,
    kernel: Option<(u32, u32)>,
}

impl Context {
    fn new(p: &Profile, opts: &ImportOptions) -> Result<Context, ImportError> {
        // runc creates the filter for the native architecture and adds the
        // listed ones (libcontainer/seccomp InitSeccomp: libseccomp's
        // seccomp_init always includes the native one), so the rules apply
        // on every architecture a container runs on, whatever the list.
        let targets = opts
            .arches
            .as_deref()
            .unwrap_or(&Arch::ALL)
            .iter()
            .map(|&a| {
                (
                    a,
                    p.arches
                        .iter()
                        .find(|(b, _)| *b == a)
                        .map_or(a, |&(_, h)| h),
                )
            })
            .collect();
        if let Some(list) = &opts.caps {
            for c in list {
                check_cap(c)?;
            }
        }
        let (caps, caps_text): (BTreeSet<String>, String) = match &opts.caps {
            Some(list) => (
                list.iter().map(|c| normalize_cap(c)).collect(),
                if list.is_empty() {
                    "none (--caps)".to_owned()
                } else {
                    format!("{} (--caps)", list.join(", "))
                },
            ),
            None => (
                DOCKER_DEFAULT_CAPS
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect(),
                "Docker's default set, as without --cap-add (choose with --caps)".to_owned(),
            ),
        };
        Ok(Context {
            targets,
            caps,
            caps_text,
            kernel: opts.kernel,
        })
    }

    /// Why `rule` does not apply on an architecture with host `host`.
    fn excluded(&self, rule: &Rule, host: Arch) -> Option<String> {
        let on_host = |list: &[String]| list.iter().any(|a| host_names(host).contains(&a.as_str()));
        if !rule.includes.arches.is_empty() && !on_host(&rule.includes.arches) {
            return Some(format!("only for {}", rule.includes.arches.join(", ")));
        }
        if on_host(&rule.excludes.arches) {
            return Some(format!("not for {}", rule.excludes.arches.join(", ")));
        }
        if let Some(c) = rule.includes.caps.iter().find(|c| !self.caps.contains(*c)) {
            return Some(format!("needs {c} (--caps)"));
        }
        if let Some(c) = rule.excludes.caps.iter().find(|c| self.caps.contains(*c)) {
            return Some(format!("only without {c} (--caps)"));
        }
        let met = |v: (u32, u32)| self.kernel.is_none_or(|k| k >= v);
        if let Some(v) = rule.includes.min_kernel.filter(|&v| !met(v)) {
            return Some(format!("needs kernel {}.{} (--kernel)", v.0, v.1));
        }
        if let Some(v) = rule.excludes.min_kernel.filter(|&v| met(v)) {
            return Some(format!("only before kernel {}.{} (--kernel)", v.0, v.1));
        }
        None
    }
}

/// The capabilities of linux/capability.h, for `--caps`.
const CAPABILITIES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// A `--caps` name must be a capability (with or without `CAP_`, any
/// case): a misspelt one would silently leave the rules it enables out.
fn check_cap(c: &str) -> Result<(), ImportError> {
    let n = normalize_cap(c);
    if CAPABILITIES.contains(&n.as_str()) {
        return Ok(());
    }
    let mut e = ImportError::new("--caps", format!("`{c}` is not a capability"));
    if let Some(near) = seccomp_compiler::diag::nearest(&n, CAPABILITIES.iter().copied()) {
        e = e.with_help(format!("did you mean `{near}`?"));
    }
    Err(e)
}

fn normalize_cap(c: &str) -> String {
    let up = c.trim().to_ascii_uppercase();
    if up.starts_with("CAP_") {
        up
    } else {
        format!("CAP_{up}")
    }
}

/// What libseccomp does with one syscall on one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Plan {
    /// The first rule without `args` decides; the other rules are dropped.
    Uncond {
        action: Action,
        rule: usize,
        dropped: Vec<usize>,
    },
    /// Conditional layers, lowest precedence first.
    Layers(Vec<Layer>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Layer {
    action: Action,
    /// (rule number, conditions), alternatives.
    alts: Vec<(usize, Conj)>,
}

impl Plan {
    /// The plan without rule numbers, for comparing architectures.
    fn meaning(&self) -> (Option<Action>, Vec<(Action, Vec<Conj>)>) {
        match self {
            Plan::Uncond { action, .. } => (Some(*action), Vec::new()),
            Plan::Layers(ls) => (
                None,
                ls.iter()
                    .map(|l| (l.action, l.alts.iter().map(|(_, c)| c.clone()).collect()))
                    .collect(),
            ),
        }
    }

    fn rules(&self) -> BTreeSet<usize> {
        match self {
            Plan::Uncond { rule, .. } => BTreeSet::from([*rule]),
            Plan::Layers(ls) => ls
                .iter()
                .flat_map(|l| l.alts.iter().map(|(r, _)| *r))
                .collect(),
        }
    }

    fn map_args(&self, f: &dyn Fn(&ArgRef) -> Option<ArgRef>) -> Option<Plan> {
        match self {
            Plan::Uncond { .. } => Some(self.clone()),
            Plan::Layers(ls) => {
                let mut out = Vec::new();
                for l in ls {
                    let mut alts = Vec::new();
                    for (r, conj) in &l.alts {
                        let mapped: Option<Conj> = conj
                            .iter()
                            .map(|c| {
                                Some(Cmp {
                                    arg: f(&c.arg)?,
                                    ..c.clone()
                                })
                            })
                            .collect();
                        alts.push((*r, mapped?));
                    }
                    out.push(Layer {
                        action: l.action,
                        alts,
                    });
                }
                Some(Plan::Layers(out))
            }
        }
    }
}

/// Per syscall, its plan on each architecture that has it.
type PerArch = BTreeMap<String, Vec<(Arch, Option<Plan>)>>;

/// Whether `args` compare one argument more than once.
fn repeats_an_argument(args: &[Arg]) -> bool {
    let mut seen = BTreeSet::new();
    args.iter().any(|a| !seen.insert(a.index))
}

/// One rule's contribution to a syscall.
struct Entry {
    rule: usize,
    action: Action,
    args: Vec<Arg>,
}

struct Importer<'a> {
    text: &'a str,
    profile: &'a Profile,
    ctx: &'a Context,
    /// The architectures compiled for and their hosts: the context's,
    /// less those whose rules one policy cannot say with the others'.
    targets: Vec<(Arch, Arch)>,
    /// Why an architecture was left out, one sentence each.
    left_out: Vec<String>,
    opts: &'a ImportOptions,
    draft: &'a mut Draft,
}

impl Importer<'_> {
    fn rule(&self, number: usize) -> &Rule {
        &self.profile.rules[number - 1]
    }

    fn run(mut self, source_name: &str) -> Result<(), ImportError> {
        let entries = self.entries();
        let table = self.arch_plans(&entries, source_name)?;
        if self.opts.arches.is_none() {
            self.keep_consistent_arches(&table, source_name);
        }
        let arches: Vec<Arch> = self.targets.iter().map(|&(a, _)| a).collect();
        self.header(source_name, &arches);
        self.settings(&arches);
        let plans = self.plans(&table, source_name)?;
        self.ack_reasons(&plans);
        self.body(&plans, &arches);
        Ok(())
    }

    fn header(&mut self, source_name: &str, arches: &[Arch]) {
        let h = &mut self.draft.header;
        h.push(format!(
            "Imported from {source_name} (OCI seccomp profile) by `seccompc import --from oci`,"
        ));
        h.push("with the meaning libseccomp 2.5 gives it when runc or crun loads it.".to_owned());
        h.push(format!("Capabilities: {}.", self.ctx.caps_text));
        h.push(match self.ctx.kernel {
            Some((a, b)) => format!("Kernel: {a}.{b} (--kernel), for `minKernel`."),
            None => "Kernel: a current one, which meets every `minKernel` (choose with --kernel)."
                .to_owned(),
        });
        h.push(if self.opts.exact_width {
            "Widths: as libseccomp compares, all 64 bits on 64-bit architectures (--exact-width).".to_owned()
        } else {
            "Widths: kernel-exact (a 32-bit parameter is compared on its 32 bits); each rule where this differs from libseccomp's 64-bit comparison says so; --exact-width keeps libseccomp's.".to_owned()
        });
        let hosts: Vec<String> = self
            .targets
            .iter()
            .map(|&(a, h)| {
                if a == h {
                    a.to_string()
                } else {
                    format!("{a} (rules for {h})")
                }
            })
            .collect();
        h.push(format!("Architectures: {}.", hosts.join(", ")));
        if !self.profile.arches.is_empty() && self.opts.arches.is_none() {
            h.push("runc (through libseccomp) always adds the native architecture to the ones the profile lists, so its rules apply on every architecture a container runs on.".to_owned());
        }
        h.extend(self.left_out.iter().map(|m| format!("{m}.")));
        if !self.profile.unsupported.is_empty() {
            h.push(format!(
                "Not compiled (not supported here): {}.",
                self.profile.unsupported.join(", ")
            ));
            self.draft.warnings.push(format!(
                "architectures left out (not supported): {}",
                self.profile.unsupported.join(", ")
            ));
        }
        if arches.contains(&Arch::X86_64) {
            h.push("x32 and i386 syscalls reaching the x86_64 filter are killed, whatever the profile says (see README.md, Semantics).".to_owned());
        }
    }

    fn settings(&mut self, arches: &[Arch]) {
        let d = self.profile.default;
        let s = &mut self.draft.settings;
        let src = &self.profile.default_src;
        if d == Action::Allow {
            s.setting("default allow;", &format!("defaultAction {src}"));
        } else {
            s.setting(&format!("deny {d};"), &format!("defaultAction {src}"));
        }
        s.setting(
            &format!("unknown {d};"),
            "libseccomp gives the default action to every number without a rule, new syscalls included",
        );
        if self.opts.arches.is_some() || arches.len() < Arch::ALL.len() {
            let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
            s.line(&format!("arch {};", names.join(", ")));
        }
    }

    /// Per architecture, per syscall name, the rules that name it there.
    fn entries(&mut self) -> BTreeMap<Arch, BTreeMap<String, Vec<Entry>>> {
        let mut out: BTreeMap<Arch, BTreeMap<String, Vec<Entry>>> = BTreeMap::new();
        let mut unknown: BTreeSet<&str> = BTreeSet::new();
        for rule in &self.profile.rules {
            for &(arch, host) in &self.targets {
                if self.ctx.excluded(rule, host).is_some() || rule.action == self.profile.default {
                    continue;
                }
                for name in &rule.names {
                    if !syscalls::all_names().contains(name.as_str()) {
                        unknown.insert(name);
                        continue;
                    }
                    if syscalls::table(arch).number(name).is_none() {
                        continue;
                    }
                    out.entry(arch)
                        .or_default()
                        .entry(name.clone())
                        .or_default()
                        .push(Entry {
                            rule: rule.number,
                            action: rule.action,
                            args: rule.args.clone(),
                        });
                }
            }
        }
        if !unknown.is_empty() {
            let list: Vec<&str> = unknown.into_iter().collect();
            self.draft.warnings.push(format!(
                "syscall names no architecture of ours knows, left out: {}",
                list.join(", ")
            ));
        }
        out
    }

    /// Per syscall, its plan on each architecture that has it.
    fn arch_plans(
        &self,
        entries: &BTreeMap<Arch, BTreeMap<String, Vec<Entry>>>,
        source_name: &str,
    ) -> Result<PerArch, ImportError> {
        let names: BTreeSet<&String> = entries.values().flat_map(|m| m.keys()).collect();
        let mut out = BTreeMap::new();
        for name in names {
            let mut per_arch: Vec<(Arch, Option<Plan>)> = Vec::new();
            for &(arch, _) in &self.targets {
                if syscalls::table(arch).number(name).is_none() {
                    continue;
                }
                let list = entries.get(&arch).and_then(|m| m.get(name));
                let plan = match list {
                    Some(l) => Some(self.plan(name, l, source_name)?),
                    None => None,
                };
                per_arch.push((arch, plan));
            }
            out.insert(name.clone(), per_arch);
        }
        Ok(out)
    }

    /// Leaves out the architectures on which some syscall gets rules that
    /// differ from those of the architectures kept (Docker's `modify_ldt`,
    /// allowed only `includes.arches` amd64, x32, x86, is refused by the
    /// default action on powerpc64le), the profile's own first; each with a
    /// warning. They import with `--arch`.
    fn keep_consistent_arches(&mut self, table: &PerArch, source_name: &str) {
        let listed = |a: Arch| self.profile.arches.iter().any(|&(b, _)| b == a);
        let mut order = self.targets.clone();
        order.sort_by_key(|&(a, _)| !listed(a));
        let mut kept: Vec<Arch> = Vec::new();
        for &(arch, _) in &order {
            let mut trial = kept.clone();
            trial.push(arch);
            let clash = table.iter().find_map(|(name, per_arch)| {
                let sub: Vec<(Arch, Option<Plan>)> = per_arch
                    .iter()
                    .filter(|(a, _)| trial.contains(a))
                    .cloned()
                    .collect();
                self.unify(name, &sub, source_name).err()
            });
            match clash {
                None => kept.push(arch),
                Some(e) => {
                    let msg = format!(
                        "not compiled for {arch}: {}; import it for {arch} alone with --arch {arch}",
                        e.message
                    );
                    self.left_out.push(msg.clone());
                    self.draft.warnings.push(msg);
                }
            }
        }
        self.targets.retain(|(a, _)| kept.contains(a));
    }

    /// The plan of every syscall, the same on every architecture compiled.
    fn plans(
        &self,
        table: &PerArch,
        source_name: &str,
    ) -> Result<BTreeMap<String, Plan>, ImportError> {
        let mut out = BTreeMap::new();
        for (name, per_arch) in table {
            let sub: Vec<(Arch, Option<Plan>)> = per_arch
                .iter()
                .filter(|(a, _)| self.targets.iter().any(|(b, _)| b == a))
                .cloned()
                .collect();
            if let Some(plan) = self.unify(name, &sub, source_name)? {
                out.insert(name.clone(), plan);
            }
        }
        Ok(out)
    }

    /// libseccomp's combination of the rules naming one syscall.
    fn plan(&self, name: &str, entries: &[Entry], source_name: &str) -> Result<Plan, ImportError> {
        if let Some(first) = entries.iter().find(|e| e.args.is_empty()) {
            let dropped = entries
                .iter()
                .filter(|e| e.rule != first.rule)
                .map(|e| e.rule)
                .collect();
            return Ok(Plan::Uncond {
                action: first.action,
                rule: first.rule,
                dropped,
            });
        }
        let mut layers: Vec<Layer> = Vec::new();
        for e in entries {
            for conj in Self::alternatives(e) {
                match layers.iter_mut().find(|l| l.action == e.action) {
                    Some(l) => {
                        if !l.alts.iter().any(|(_, c)| *c == conj) {
                            l.alts.push((e.rule, conj));
                        }
                    }
                    None => layers.push(Layer {
                        action: e.action,
                        alts: vec![(e.rule, conj)],
                    }),
                }
            }
        }
        self.order_layers(name, layers, source_name)
            .map(Plan::Layers)
    }

    /// The alternatives a rule's `args` give: all of them (AND), or, when
    /// the rule compares one argument twice, each on its own (OR), as
    /// runc's `matchCall` (libcontainer/seccomp/seccomp_linux.go) adds
    /// each comparison as a rule of its own then.
    fn alternatives(e: &Entry) -> Vec<Conj> {
        if repeats_an_argument(&e.args) {
            return e.args.iter().map(|a| vec![a.cmp()]).collect();
        }
        let mut conj: Conj = e.args.iter().map(|a| a.cmp()).collect();
        conj.sort();
        vec![conj]
    }

    /// Orders layers so that, where two overlap, the one libseccomp lets
    /// win is above; refuses overlaps whose outcome is an accident of
    /// libseccomp's tree layout.
    fn order_layers(
        &self,
        name: &str,
        layers: Vec<Layer>,
        source_name: &str,
    ) -> Result<Vec<Layer>, ImportError> {
        let n = layers.len();
        // above[i][j]: layer i must be above layer j.
        let mut above = vec![vec![false; n]; n];
        for i in 0..n {
            for j in i + 1..n {
                for (ri, ci) in &layers[i].alts {
                    for (rj, cj) in &layers[j].alts {
                        if !overlap(ci, cj) {
                            continue;
                        }
                        match (eq_beats_ne(ci, cj), eq_beats_ne(cj, ci)) {
                            (Some(true), _) => above[i][j] = true,
                            (_, Some(true)) => above[j][i] = true,
                            // `== V` under `!= W` with V < W: libseccomp lets
                            // the `!=` rule shadow the `==` rule entirely.
                            _ => return Err(self.overlap_error(name, *ri, *rj, source_name)),
                        }
                    }
                }
            }
        }
        // Bottom-up: a layer may go next when it need not be above any
        // layer still to place; allowing layers first (they read as `keep`).
        let mut left: Vec<usize> = (0..n).collect();
        let mut order = Vec::new();
        while !left.is_empty() {
            let ready = |i: &usize| !left.iter().any(|&j| j != *i && above[*i][j]);
            let pick = left
                .iter()
                .copied()
                .filter(ready)
                .min_by_key(|&i| (layers[i].action != Action::Allow, i));
            let Some(pick) = pick else {
                let rules: Vec<usize> = left.iter().map(|&i| layers[i].alts[0].0).collect();
                return Err(self.overlap_error(
                    name,
                    rules[0],
                    rules[rules.len() - 1],
                    source_name,
                ));
            };
            left.retain(|&i| i != pick);
            order.push(layers[pick].clone());
        }
        Ok(order)
    }

    fn overlap_error(&self, name: &str, a: usize, b: usize, source_name: &str) -> ImportError {
        let ra = self.rule(a);
        let rb = self.rule(b);
        ImportError::new(
            format!("{source_name} ({} and {})", ra.path, rb.path),
            format!(
                "rules {a} ({}) and {b} ({}) give `{name}` different actions for some of the same arguments; libseccomp's result there depends on the layout of its decision tree, not on the profile",
                ra.action_src, rb.action_src
            ),
        )
        .with_help("make the rules' conditions exclusive (e.g. add the negated condition to one of them)")
    }

    /// One plan for all architectures that have the syscall: the same
    /// plan, or the same once argument indices are read as the parameter
    /// names of each architecture's prototype (s390x's `clone`).
    fn unify(
        &self,
        name: &str,
        per_arch: &[(Arch, Option<Plan>)],
        source_name: &str,
    ) -> Result<Option<Plan>, ImportError> {
        let Some((_, first)) = per_arch.first() else {
            return Ok(None);
        };
        let same = |plans: &[(Arch, Option<Plan>)]| {
            plans
                .iter()
                .all(|(_, p)| p.as_ref().map(Plan::meaning) == first.as_ref().map(Plan::meaning))
        };
        if same(per_arch) {
            return Ok(first.clone());
        }
        let named: Option<Vec<(Arch, Option<Plan>)>> = per_arch
            .iter()
            .map(|(arch, p)| {
                let to_param = |a: &ArgRef| match a {
                    ArgRef::Index(i) => params::params(*arch, name)?
                        .iter()
                        .find(|p| matches!(p.slot, params::ParamSlot::Arg { index, .. } if index == *i))
                        .map(|p| ArgRef::Param(p.name)),
                    other => Some(other.clone()),
                };
                match p {
                    Some(p) => p.map_args(&to_param).map(|m| (*arch, Some(m))),
                    None => Some((*arch, None)),
                }
            })
            .collect();
        if let Some(named) = named {
            let first_named = &named[0].1;
            if named.iter().all(|(_, p)| {
                p.as_ref().map(Plan::meaning) == first_named.as_ref().map(Plan::meaning)
            }) {
                return Ok(first_named.clone());
            }
        }
        let describe = |p: &Option<Plan>| match p {
            None => "no rule".to_owned(),
            Some(p) => {
                let rules: Vec<String> = p.rules().iter().map(|r| r.to_string()).collect();
                format!("rules {}", rules.join(", "))
            }
        };
        let differing: Vec<String> = per_arch
            .iter()
            .map(|(a, p)| format!("{a}: {}", describe(p)))
            .collect();
        Err(ImportError::new(
            self.profile
                .rules
                .iter()
                .find(|r| r.names.iter().any(|n| n == name))
                .map_or_else(
                    || source_name.to_owned(),
                    |r| format!("{} ({})", super::location(source_name, self.text, r.offset), r.path),
                ),
            format!(
                "`{name}` gets different rules on different architectures ({}), which one policy cannot say",
                differing.join("; ")
            ),
        )
        .with_help("import one architecture at a time with --arch"))
    }

    fn body(&mut self, plans: &BTreeMap<String, Plan>, arches: &[Arch]) {
        let render = Renderer {
            arches,
            exact: self.opts.exact_width,
        };
        let mut first_allow = true;
        for rule in &self.profile.rules {
            let mut out = PolicyText::new();
            let applied: Vec<&(Arch, Arch)> = self
                .ctx
                .targets
                .iter()
                .filter(|(_, h)| self.ctx.excluded(rule, *h).is_none())
                .collect();
            let mut head = vec![self.rule_title(rule)];
            if repeats_an_argument(&rule.args) {
                head.push("It compares one argument more than once: runc adds each comparison as a rule of its own (libcontainer/seccomp matchCall), so the action applies when any one holds.".to_owned());
            }
            self.draft.body.blank();
            if applied.is_empty() {
                let why = self
                    .ctx
                    .targets
                    .first()
                    .and_then(|&(_, h)| self.ctx.excluded(rule, h))
                    .unwrap_or_default();
                head.push(format!("Not applied: {why}."));
                comment_block(&mut self.draft.body, &head);
                continue;
            }
            if rule.action == self.profile.default {
                head.push("Not applied: its action is the default action (libseccomp refuses such rules, runtimes skip them).".to_owned());
                comment_block(&mut self.draft.body, &head);
                continue;
            }
            if applied.len() < self.targets.len() {
                let on: Vec<String> = applied.iter().map(|(a, _)| a.to_string()).collect();
                head.push(format!("Applies on {} only.", on.join(", ")));
            }
            let mut items = Vec::new();
            let mut notes = BTreeSet::new();
            let mut blocks = Vec::new();
            for name in &rule.names {
                let Some(plan) = plans.get(name) else {
                    continue;
                };
                let anchor = *plan.rules().iter().next().unwrap_or(&0);
                match plan {
                    Plan::Uncond {
                        rule: r, dropped, ..
                    } if *r == rule.number => {
                        items.push(Item::new(name.clone()));
                        if !dropped.is_empty() {
                            let list: BTreeSet<usize> = dropped.iter().copied().collect();
                            notes.insert(format!(
                                "`{name}`: rule(s) {} dropped, as libseccomp drops every other rule for a syscall with a rule without `args`",
                                join_numbers(&list)
                            ));
                        }
                    }
                    Plan::Layers(ls) if ls.len() == 1 && anchor == rule.number => {
                        let alts: Vec<Conj> = ls[0].alts.iter().map(|(_, c)| c.clone()).collect();
                        items.push(Item::new(format!(
                            "{name}({})",
                            render.dnf(name, &alts, &mut notes)
                        )));
                        let others: BTreeSet<usize> = ls[0]
                            .alts
                            .iter()
                            .map(|(r, _)| *r)
                            .filter(|&r| r != rule.number)
                            .collect();
                        if !others.is_empty() {
                            notes.insert(format!(
                                "`{name}`: with the conditions of rule(s) {} (alternatives, as libseccomp ORs rules of one action)",
                                join_numbers(&others)
                            ));
                        }
                    }
                    Plan::Layers(ls) if ls.len() > 1 && anchor == rule.number => {
                        blocks.push((name.clone(), ls.clone()));
                    }
                    Plan::Uncond { rule: r, .. } if r != &rule.number => {
                        notes.insert(format!(
                            "`{name}`: decided by rule {r} (libseccomp keeps only the first rule without `args`)"
                        ));
                    }
                    _ => {
                        notes.insert(format!("`{name}`: see rule {anchor}"));
                    }
                }
            }
            head.extend(notes.iter().map(|n| format!("Note: {n}.")));
            comment_block(&mut out, &head);
            if !items.is_empty() {
                let (kw, tail) = self.keyword(rule.action, &mut first_allow);
                out.statement(&kw, &items, &tail);
            }
            for (name, layers) in blocks {
                self.layered(&mut out, &render, &name, &layers, &mut first_allow);
            }
            let text = out.finish();
            self.draft.body.line(text.trim_end());
        }
    }

    /// Why the profile accepts each risk our lints report.
    fn ack_reasons(&mut self, plans: &BTreeMap<String, Plan>) {
        let lets_through = |name: &str| match plans.get(name) {
            Some(Plan::Uncond { action, rule, .. }) if action.lets_through() => Some(*rule),
            Some(Plan::Layers(ls)) => ls
                .iter()
                .find(|l| l.action.lets_through())
                .map(|l| l.alts[0].0),
            _ => None,
        };
        let r = &mut self.draft.ack_reasons;
        if let Some(n) = lets_through("ptrace") {
            r.insert("ptrace", format!(
                "The profile allows `ptrace` (rule {n}): it accepts that a tracer can change a traced process's syscalls after the filter has passed them."
            ));
        }
        if let Some(n) = lets_through("clone3") {
            r.insert("clone3", format!(
                "The profile allows `clone3` (rule {n}) beside conditions on `clone`: it accepts that clone3's flags, in memory, escape them."
            ));
        }
        for (mux, what) in [("socketcall", "socket calls"), ("ipc", "SysV IPC calls")] {
            if let Some(n) = lets_through(mux) {
                r.insert(mux, format!(
                    "The profile allows `{mux}` (rule {n}) beside conditions on {what}: where libc multiplexes through `{mux}` (x86, s390x), its arguments are in memory and escape those conditions, as they do under libseccomp."
                ));
            }
        }
    }

    fn rule_title(&self, rule: &Rule) -> String {
        let mut s = format!("Rule {} ({}): {}", rule.number, rule.path, rule.action_src);
        if !rule.args.is_empty() {
            s.push_str(" with args");
        }
        let mut cond = Vec::new();
        let f = |prefix: &str, filt: &Filter, cond: &mut Vec<String>| {
            if !filt.caps.is_empty() {
                cond.push(format!("{prefix} caps {}", filt.caps.join(", ")));
            }
            if !filt.arches.is_empty() {
                cond.push(format!("{prefix} arches {}", filt.arches.join(", ")));
            }
            if let Some((a, b)) = filt.min_kernel {
                cond.push(format!("{prefix} minKernel {a}.{b}"));
            }
        };
        f("includes", &rule.includes, &mut cond);
        f("excludes", &rule.excludes, &mut cond);
        if !cond.is_empty() {
            s.push_str(&format!("; {}", cond.join("; ")));
        }
        if !rule.comment.is_empty() {
            s.push_str(&format!(" -- \"{}\"", super::text::one_line(&rule.comment)));
        }
        let unknown: Vec<&str> = rule
            .names
            .iter()
            .map(String::as_str)
            .filter(|n| !syscalls::all_names().contains(n))
            .collect();
        if !unknown.is_empty() {
            s.push_str(&format!(
                "\nNot in our syscall tables, left out: {}.",
                unknown.join(", ")
            ));
        }
        s
    }

    /// The statement keyword and tail for items with `action`.
    fn keyword(&self, action: Action, first_allow: &mut bool) -> (String, String) {
        if action == Action::Allow {
            let kw = if *first_allow { "base" } else { "keep" };
            *first_allow = false;
            return (kw.to_owned(), String::new());
        }
        let deny = if self.profile.default == Action::Allow {
            Action::KillProcess
        } else {
            self.profile.default
        };
        let tail = if action == deny {
            String::new()
        } else {
            format!(" => {action}")
        };
        ("drop".to_owned(), tail)
    }

    /// Statements for a syscall whose rules have several actions: the
    /// lowest layer first, each higher one a conditional `drop` on top.
    fn layered(
        &self,
        out: &mut PolicyText,
        render: &Renderer,
        name: &str,
        layers: &[Layer],
        first_allow: &mut bool,
    ) {
        let rules: BTreeSet<usize> = layers
            .iter()
            .flat_map(|l| l.alts.iter().map(|(r, _)| *r))
            .collect();
        out.comment(&format!(
            "`{name}` (rules {}): each action applies where its conditions hold; where they overlap, the later statement wins, as in libseccomp",
            join_numbers(&rules)
        ));
        let mut notes = BTreeSet::new();
        let items: Vec<Item> = layers
            .iter()
            .map(|layer| {
                let alts: Vec<Conj> = layer.alts.iter().map(|(_, c)| c.clone()).collect();
                Item::new(format!("{name}({})", render.dnf(name, &alts, &mut notes)))
            })
            .collect();
        for n in &notes {
            out.comment(&format!("Note: {n}."));
        }
        for (i, (layer, item)) in layers.iter().zip(items).enumerate() {
            if i == 0 && layer.action == Action::Allow {
                let (kw, _) = self.keyword(Action::Allow, first_allow);
                out.statement(&kw, &[item], "");
            } else {
                out.statement("drop", &[item], &format!(" => {}", layer.action));
            }
        }
    }
}

fn join_numbers(ns: &BTreeSet<usize>) -> String {
    ns.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn comment_block(out: &mut PolicyText, lines: &[String]) {
    for l in lines {
        out.comment(l);
    }
}

/// Whether some argument values satisfy both conjunctions.
fn overlap(a: &Conj, b: &Conj) -> bool {
    !a.iter().any(|x| b.iter().any(|y| cond::disjoint(x, y)))
}

/// For `a` = `argN == V` and `b` = `argN != W` (each the only condition of
/// its rule): whether libseccomp lets `a` win where both hold (V > W: its
/// tree checks the larger datum first). `None` for other shapes.
fn eq_beats_ne(a: &Conj, b: &Conj) -> Option<bool> {
    match (a.as_slice(), b.as_slice()) {
        ([x], [y])
            if x.arg == y.arg
                && x.mask.is_none()
                && y.mask.is_none()
                && x.op == CmpOp::Eq
                && y.op == CmpOp::Ne =>
        {
            Some(x.value > y.value)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod reading_tests;
