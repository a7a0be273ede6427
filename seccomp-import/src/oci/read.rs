//! Reading an OCI profile: the JSON, checked and typed, with every error
//! naming its place (`file:line:col (syscalls[3].args)`). What the rules
//! mean is decided in `oci.rs`.

use super::super::ImportError;
use super::super::cond::{ArgRef, Cmp, SourceWidth};
use super::super::json::{Node, Value};
use super::fields::{Fields, Object, Schema};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::tables::errno;

/// A profile as read.
pub(super) struct Profile {
    pub(super) default: Action,
    pub(super) default_src: String,
    /// (architecture, its host), in profile order.
    pub(super) arches: Vec<(Arch, Arch)>,
    /// `SCMP_ARCH_*` names we do not compile for.
    pub(super) unsupported: Vec<String>,
    pub(super) rules: Vec<Rule>,
    /// Whether `listenerPath` names a listener for SCMP_ACT_NOTIFY.
    pub(super) listener: bool,
}

pub(super) struct Rule {
    /// 1-based position in `syscalls`, as comments show it.
    pub(super) number: usize,
    pub(super) path: String,
    pub(super) offset: usize,
    pub(super) names: Vec<String>,
    pub(super) action: Action,
    pub(super) action_src: String,
    pub(super) args: Vec<Arg>,
    pub(super) comment: String,
    pub(super) includes: Filter,
    pub(super) excludes: Filter,
}

#[derive(Default)]
pub(super) struct Filter {
    pub(super) caps: Vec<String>,
    pub(super) arches: Vec<String>,
    pub(super) min_kernel: Option<(u32, u32)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Ne,
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
    MaskedEq,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Arg {
    pub(super) index: u8,
    pub(super) value: u64,
    pub(super) value_two: u64,
    pub(super) op: Op,
}

impl Arg {
    pub(super) fn cmp(self) -> Cmp {
        let (mask, op, value) = match self.op {
            // libseccomp masks the datum too (seccomp_rule_add(3): "the
            // masked argument value is equal to the masked datum value"), so
            // `valueTwo` bits outside `value` never matter.
            Op::MaskedEq => (Some(self.value), CmpOp::Eq, self.value_two & self.value),
            Op::Ne => (None, CmpOp::Ne, self.value),
            Op::Lt => (None, CmpOp::Lt, self.value),
            Op::Le => (None, CmpOp::Le, self.value),
            Op::Eq => (None, CmpOp::Eq, self.value),
            Op::Ge => (None, CmpOp::Ge, self.value),
            Op::Gt => (None, CmpOp::Gt, self.value),
        };
        Cmp {
            arg: ArgRef::Index(self.index),
            width: SourceWidth::Bits64,
            mask,
            op,
            value,
        }
    }
}

/// Reads JSON values with locations for errors.
pub(super) struct Reader<'a> {
    pub(super) name: &'a str,
    pub(super) text: &'a str,
    /// Where the profile sits in the file: `""`, or `linux.seccomp.` in
    /// an OCI runtime `config.json`.
    pub(super) prefix: &'a str,
    /// Whose reading of the fields the import follows.
    pub(super) schema: Schema,
}

impl Reader<'_> {
    /// `path` within the file: with the prefix, `$` the profile itself.
    pub(super) fn full_path(&self, path: &str) -> String {
        match (self.prefix, path) {
            ("", p) => p.to_owned(),
            (pre, "$") => pre.trim_end_matches('.').to_owned(),
            (pre, p) => format!("{pre}{p}"),
        }
    }

    pub(super) fn err(&self, node: &Node, path: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(
            format!(
                "{} ({})",
                super::super::location(self.name, self.text, node.offset),
                self.full_path(path)
            ),
            message,
        )
    }

    pub(super) fn str<'n>(&self, node: &'n Node, path: &str) -> Result<&'n str, ImportError> {
        node.as_str().ok_or_else(|| {
            self.err(
                node,
                path,
                format!("expected a string, found {}", node.value.kind()),
            )
        })
    }

    pub(super) fn u64(&self, node: &Node, path: &str) -> Result<u64, ImportError> {
        node.as_u64().ok_or_else(|| {
            self.err(
                node,
                path,
                format!(
                    "expected an unsigned 64-bit integer, found {}",
                    describe(&node.value)
                ),
            )
        })
    }

    pub(super) fn array<'n>(&self, node: &'n Node, path: &str) -> Result<&'n [Node], ImportError> {
        if node.is_null() {
            return Ok(&[]);
        }
        node.as_array().ok_or_else(|| {
            self.err(
                node,
                path,
                format!("expected an array, found {}", node.value.kind()),
            )
        })
    }

    pub(super) fn strings(
        &self,
        node: Option<&Node>,
        path: &str,
    ) -> Result<Vec<String>, ImportError> {
        let Some(node) = node else {
            return Ok(Vec::new());
        };
        self.array(node, path)?
            .iter()
            .enumerate()
            .map(|(i, n)| self.str(n, &format!("{path}[{i}]")).map(str::to_owned))
            .collect()
    }
}

pub(super) fn describe(v: &Value) -> String {
    match v {
        Value::Int(i) => format!("{i}"),
        Value::Float(f) => format!("{f}"),
        other => other.kind().to_owned(),
    }
}

pub(super) fn read_profile(
    r: &Reader,
    root: &Node,
    warnings: &mut Vec<String>,
) -> Result<Profile, ImportError> {
    if root.as_object().is_none() {
        return Err(r.err(
            root,
            "$",
            "expected a JSON object (an OCI `linux.seccomp` section)",
        ));
    }
    let top = r.fields(root, "$", Object::Top, warnings)?;
    read_flags(r, &top, warnings)?;
    let listener = match top.given("listenerPath") {
        Some(n) => !r.str(n, "listenerPath")?.is_empty(),
        None => false,
    };
    for key in ["listenerPath", "listenerMetadata"] {
        if let Some(n) = top.given(key) {
            r.str(n, key)?;
            warnings.push(format!(
                "{} ({}): `{key}` says where the runtime sends the SCMP_ACT_NOTIFY listener, not what the filter decides; ignored",
                super::super::location(r.name, r.text, n.offset),
                r.full_path(key)
            ));
        }
    }
    let default_node = top.given("defaultAction").ok_or_else(|| {
        r.err(
            root,
            "$",
            "missing `defaultAction`: the runtime would run the container without a seccomp filter",
        )
    })?;
    let default_src = r.str(default_node, "defaultAction")?.to_owned();
    let default_ret = errno_ret(r, &top, "defaultErrnoRet", "defaultErrno")?;
    let default = action(
        r,
        default_node,
        "defaultAction",
        &default_src,
        default_ret,
        warnings,
    )?;
    if default == Action::UserNotif {
        return Err(r.err(default_node, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action: runc refuses it (libcontainer/seccomp InitSeccomp)"));
    }
    let (arches, unsupported) = read_arches(r, &top, warnings)?;
    let mut rules = Vec::new();
    if let Some(list) = top.get("syscalls") {
        for (i, node) in r.array(list, "syscalls")?.iter().enumerate() {
            rules.push(read_rule(r, node, i, warnings)?);
        }
    }
    Ok(Profile {
        default,
        default_src: describe_action(
            &default_src,
            default_ret.filter(|_| matches!(default, Action::Errno(_) | Action::Trace(_))),
        ),
        arches,
        unsupported,
        rules,
        listener,
    })
}

/// The filter flags runc knows (libcontainer/seccomp config.go `flags`;
/// it refuses any other, specconv `SetupSeccomp`). None changes a verdict
/// (kernel/seccomp.c): TSYNC applies the filter to every thread (runc
/// ignores it), LOG logs every action but SECCOMP_RET_ALLOW, SPEC_ALLOW
/// leaves out the speculative store bypass mitigation, and
/// WAIT_KILLABLE_RECV changes how a notified task waits.
const FLAGS: [&str; 4] = [
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
];

fn read_flags(r: &Reader, top: &Fields, warnings: &mut Vec<String>) -> Result<(), ImportError> {
    let Some(node) = top.get("flags") else {
        return Ok(());
    };
    let flags = r.strings(Some(node), "flags")?;
    for (i, f) in flags.iter().enumerate() {
        if !FLAGS.contains(&f.as_str()) {
            let n = &r.array(node, "flags")?[i];
            return Err(r
                .err(
                    n,
                    &format!("flags[{i}]"),
                    format!(
                        "`{f}` is not a seccomp filter flag runc knows; runc refuses the profile"
                    ),
                )
                .with_help(format!("the flags: {}", FLAGS.join(", "))));
        }
    }
    if !flags.is_empty() {
        warnings.push(format!(
            "{} ({}): {}: these filter flags change logging, speculation mitigation or how the filter is installed, not what it decides; ignored",
            super::super::location(r.name, r.text, node.offset),
            r.full_path("flags"),
            flags.join(", ")
        ));
    }
    Ok(())
}

/// The errno of `ret_key` (a number) or, in Podman's files, `name_key` (an
/// errno name or number), which wins when given (containers/common
/// `getErrno`: a non-empty `errno` first, then `errnoRet`).
fn errno_ret(
    r: &Reader,
    f: &Fields,
    ret_key: &str,
    name_key: &str,
) -> Result<Option<u64>, ImportError> {
    let path = |k: &str| f.at(k);
    if let Some(n) = f.given(name_key) {
        let name = r.str(n, &path(name_key))?;
        if !name.is_empty() {
            // strconv.ParseUint(errno, 10, 32): decimal digits only.
            if let Some(v) = go_parse_uint(name, u64::from(u32::MAX)) {
                return Ok(Some(v));
            }
            // Podman's table is the host's (golang.org/x/sys/unix), the
            // same numbers on every architecture we compile for but
            // powerpc64le's EDEADLOCK.
            let nr = errno::number(Arch::X86_64, name)
                .ok_or_else(|| r.err(n, &path(name_key), format!("unknown errno `{name}`")))?;
            return Ok(Some(u64::from(nr)));
        }
    }
    match f.given(ret_key) {
        Some(n) => Ok(Some(r.u64(n, &path(ret_key))?)),
        None => Ok(None),
    }
}

/// Go's `strconv.ParseUint(s, 10, bits)` with `max` = 2^bits - 1.
fn go_parse_uint(s: &str, max: u64) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().filter(|&v| v <= max)
}

pub(super) fn describe_action(src: &str, ret: Option<u64>) -> String {
    match ret {
        Some(n) => format!("{src} (errnoRet {n})"),
        None => src.to_owned(),
    }
}

/// Our action for an OCI action name; `SCMP_ACT_ERRNO` and `SCMP_ACT_TRACE`
/// without a number get EPERM, as runc gives them. runc's `getAction`
/// (libcontainer/seccomp) reads `errnoRet` only with those two and ignores
/// it with the others.
pub(super) fn action(
    r: &Reader,
    node: &Node,
    path: &str,
    name: &str,
    ret: Option<u64>,
    warnings: &mut Vec<String>,
) -> Result<Action, ImportError> {
    const EPERM: u16 = 1;
    let data = |max: u64, what: &str| -> Result<u16, ImportError> {
        match ret {
            None => Ok(EPERM),
            // Bounded by `max` <= u16::MAX.
            Some(n) if n <= max => Ok(n as u16),
            Some(n) => Err(r.err(
                node,
                path,
                format!("{what} {n} is out of range (at most {max})"),
            )),
        }
    };
    let mut plain = |a: Action| -> Result<Action, ImportError> {
        if let Some(n) = ret {
            warnings.push(format!(
                "{} ({}): an errno ({n}) means nothing with {name}: runc ignores it (libcontainer/seccomp getAction), and so does this import",
                super::super::location(r.name, r.text, node.offset),
                r.full_path(path)
            ));
        }
        Ok(a)
    };
    match name {
        "SCMP_ACT_ALLOW" => plain(Action::Allow),
        "SCMP_ACT_LOG" => plain(Action::Log),
        // libseccomp: SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD.
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => plain(Action::KillThread),
        "SCMP_ACT_KILL_PROCESS" => plain(Action::KillProcess),
        "SCMP_ACT_TRAP" => plain(Action::Trap),
        "SCMP_ACT_NOTIFY" => plain(Action::UserNotif),
        "SCMP_ACT_ERRNO" => Ok(Action::Errno(data(4095, "errno")?)),
        "SCMP_ACT_TRACE" => Ok(Action::Trace(data(0xffff, "trace data")?)),
        _ => Err(r.err(node, path, format!("unknown action `{name}`")).with_help(
            "actions: SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_NOTIFY",
        )),
    }
}

/// `SCMP_ARCH_*` -> our architecture.
pub(super) fn arch_of(scmp: &str) -> Option<Arch> {
    Some(match scmp {
        "SCMP_ARCH_X86_64" => Arch::X86_64,
        "SCMP_ARCH_X86" => Arch::X86,
        "SCMP_ARCH_AARCH64" => Arch::Aarch64,
        "SCMP_ARCH_ARM" => Arch::Arm,
        "SCMP_ARCH_RISCV64" => Arch::Riscv64,
        "SCMP_ARCH_S390X" => Arch::S390x,
        "SCMP_ARCH_PPC64LE" => Arch::Powerpc64le,
        "SCMP_ARCH_LOONGARCH64" => Arch::Loongarch64,
        _ => return None,
    })
}

/// Our architecture -> `SCMP_ARCH_*`.
pub(crate) fn scmp_arch(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "SCMP_ARCH_X86_64",
        Arch::X86 => "SCMP_ARCH_X86",
        Arch::Aarch64 => "SCMP_ARCH_AARCH64",
        Arch::Arm => "SCMP_ARCH_ARM",
        Arch::Riscv64 => "SCMP_ARCH_RISCV64",
        Arch::S390x => "SCMP_ARCH_S390X",
        Arch::Powerpc64le => "SCMP_ARCH_PPC64LE",
        Arch::Loongarch64 => "SCMP_ARCH_LOONGARCH64",
    }
}

/// The name `includes.arches` / `excludes.arches` are compared with on a
/// host: Docker's (moby/profiles `goToNative[runtime.GOARCH]`) and
/// Podman's (libseccomp-golang `GetNativeArch().String()`), which agree
/// but on loongarch64 (`loongarch64` and `loong64`: either matches there).
pub(super) fn host_names(arch: Arch) -> &'static [&'static str] {
    match arch {
        Arch::X86_64 => &["amd64"],
        Arch::X86 => &["x86"],
        Arch::Aarch64 => &["arm64"],
        Arch::Arm => &["arm"],
        Arch::Riscv64 => &["riscv64"],
        Arch::S390x => &["s390x"],
        Arch::Powerpc64le => &["ppc64le"],
        Arch::Loongarch64 => &["loongarch64", "loong64"],
    }
}

/// The architecture names runc accepts (libcontainer/seccomp config.go
/// `archs`); it refuses a profile with any other.
const RUNC_ARCHES: [&str; 18] = [
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
    "SCMP_ARCH_X32",
    "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",
    "SCMP_ARCH_LOONGARCH64",
];

type ArchList = (Vec<(Arch, Arch)>, Vec<String>);

/// An architecture list's names, each one runc knows.
fn arch_names(r: &Reader, node: Option<&Node>, path: &str) -> Result<Vec<String>, ImportError> {
    let names = r.strings(node, path)?;
    let nodes = node.and_then(Node::as_array).unwrap_or(&[]);
    for (i, (name, at)) in names.iter().zip(nodes).enumerate() {
        check_arch(r, name, at, &format!("{path}[{i}]"))?;
    }
    Ok(names)
}

fn check_arch(r: &Reader, name: &str, node: &Node, path: &str) -> Result<(), ImportError> {
    if RUNC_ARCHES.contains(&name) {
        return Ok(());
    }
    let mut e = r.err(
        node,
        path,
        format!("`{name}` is not an architecture runc knows; runc refuses the profile"),
    );
    if let Some(n) = seccomp_compiler::diag::nearest(name, RUNC_ARCHES.iter().copied()) {
        e = e.with_help(format!("did you mean `{n}`?"));
    }
    Err(e)
}

pub(super) fn read_arches(
    r: &Reader,
    top: &Fields,
    warnings: &mut Vec<String>,
) -> Result<ArchList, ImportError> {
    let mut arches: Vec<(Arch, Arch)> = Vec::new();
    let mut unsupported = Vec::new();
    let mut add =
        |name: &str, host: Option<Arch>, unsupported: &mut Vec<String>| match arch_of(name) {
            Some(a) if !arches.iter().any(|&(b, _)| b == a) => arches.push((a, host.unwrap_or(a))),
            Some(_) => {}
            None if !unsupported.iter().any(|u| u == name) => unsupported.push(name.to_owned()),
            None => {}
        };
    let listed = arch_names(r, top.get("architectures"), "architectures")?;
    let map = match top.get("archMap") {
        Some(n) => r.array(n, "archMap")?,
        None => &[],
    };
    if !listed.is_empty() && !map.is_empty() {
        // moby/profiles setupSeccomp, containers/common getArchitectures.
        return Err(r.err(
            top.node,
            "$",
            "both `architectures` and `archMap` are given; Docker and Podman refuse such a profile",
        )
        .with_help("give either `architectures` or `archMap`"));
    }
    for name in &listed {
        add(name, None, &mut unsupported);
    }
    let mut entries = Vec::new();
    for (i, entry) in map.iter().enumerate() {
        let path = format!("archMap[{i}]");
        let f = r.fields(entry, &path, Object::ArchMapEntry, warnings)?;
        let main = f
            .given("architecture")
            .ok_or_else(|| r.err(entry, &path, "missing `architecture`"))?;
        let name = r.str(main, &f.at("architecture"))?.to_owned();
        check_arch(r, &name, main, &f.at("architecture"))?;
        let subs = arch_names(r, f.get("subArchitectures"), &f.at("subArchitectures"))?;
        entries.push((name, subs));
    }
    // Main architectures first, so an architecture that is both main and
    // sub (mips64n32) is its own host.
    for (main, _) in &entries {
        add(main, None, &mut unsupported);
    }
    for (main, subs) in &entries {
        for sub in subs {
            add(sub, arch_of(main), &mut unsupported);
        }
    }
    Ok((arches, unsupported))
}

pub(super) fn read_rule(
    r: &Reader,
    node: &Node,
    i: usize,
    warnings: &mut Vec<String>,
) -> Result<Rule, ImportError> {
    let path = format!("syscalls[{i}]");
    let f = r.fields(node, &path, Object::Rule, warnings)?;
    let names = read_names(r, &f, warnings)?;
    let action_node = f
        .given("action")
        .ok_or_else(|| r.err(node, &path, "missing `action`"))?;
    let action_src = r.str(action_node, &f.at("action"))?.to_owned();
    let ret = errno_ret(r, &f, "errnoRet", "errno")?;
    let action = action(r, action_node, &f.at("action"), &action_src, ret, warnings)?;
    let mut args = Vec::new();
    if let Some(list) = f.get("args") {
        for (j, a) in r.array(list, &f.at("args"))?.iter().enumerate() {
            args.push(read_arg(r, a, &format!("{path}.args[{j}]"), warnings)?);
        }
    }
    let comment = match f.given("comment") {
        Some(c) => r.str(c, &f.at("comment"))?.to_owned(),
        None => String::new(),
    };
    Ok(Rule {
        number: i + 1,
        offset: node.offset,
        names,
        action,
        action_src: describe_action(
            &action_src,
            ret.filter(|_| matches!(action, Action::Errno(_) | Action::Trace(_))),
        ),
        args,
        comment,
        includes: read_filter(r, f.get("includes"), &f.at("includes"), warnings)?,
        excludes: read_filter(r, f.get("excludes"), &f.at("excludes"), warnings)?,
        path,
    })
}

/// `names`, or Docker's and Podman's older `name` (moby/profiles
/// `setupSeccomp` and containers/common refuse both at once). An empty
/// name is refused as runc's `matchCall` refuses it; no name at all makes
/// a rule that adds nothing (specconv `SetupSeccomp` adds one per name).
fn read_names(
    r: &Reader,
    f: &Fields,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, ImportError> {
    let mut names = r.strings(f.get("names"), &f.at("names"))?;
    if let Some(n) = f.given("name") {
        let name = r.str(n, &f.at("name"))?;
        if !name.is_empty() {
            if !names.is_empty() {
                return Err(r
                    .err(
                        n,
                        &f.at("name"),
                        "both `name` and `names` are given; Docker and Podman refuse such a rule",
                    )
                    .with_help("list every syscall in `names`"));
            }
            names.push(name.to_owned());
        }
    }
    if let Some(i) = names.iter().position(String::is_empty) {
        let at = f
            .get("names")
            .and_then(Node::as_array)
            .and_then(|a| a.get(i))
            .unwrap_or(f.node);
        return Err(r.err(
            at,
            &format!("{}[{i}]", f.at("names")),
            "an empty syscall name; runc refuses it (\"empty string is not a valid syscall\")",
        ));
    }
    if names.is_empty() {
        warnings.push(format!(
            "{} ({}): the rule names no syscall, so it adds nothing (runc adds one rule per name)",
            super::super::location(r.name, r.text, f.node.offset),
            r.full_path(&f.path)
        ));
    }
    Ok(names)
}

pub(super) fn read_arg(
    r: &Reader,
    node: &Node,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<Arg, ImportError> {
    let f = r.fields(node, path, Object::Arg, warnings)?;
    let field = |key: &str| {
        f.given(key)
            .ok_or_else(|| r.err(node, path, format!("missing `{key}`")))
    };
    let index_node = field("index")?;
    let index = r.u64(index_node, &f.at("index"))?;
    if index > 5 {
        return Err(r.err(
            index_node,
            &f.at("index"),
            format!("argument index {index} is out of range: seccomp sees arguments 0 to 5"),
        ));
    }
    let value = r.u64(field("value")?, &f.at("value"))?;
    let value_two = match f.given("valueTwo") {
        Some(n) => r.u64(n, &f.at("valueTwo"))?,
        None => 0,
    };
    let op_node = field("op")?;
    let op = match r.str(op_node, &f.at("op"))? {
        "SCMP_CMP_NE" => Op::Ne,
        "SCMP_CMP_LT" => Op::Lt,
        "SCMP_CMP_LE" => Op::Le,
        "SCMP_CMP_EQ" => Op::Eq,
        "SCMP_CMP_GE" => Op::Ge,
        "SCMP_CMP_GT" => Op::Gt,
        "SCMP_CMP_MASKED_EQ" => Op::MaskedEq,
        other => {
            return Err(r.err(op_node, &f.at("op"), format!("unknown operator `{other}`"))
                .with_help("operators: SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ"));
        }
    };
    Ok(Arg {
        // Checked <= 5 above.
        index: index as u8,
        value,
        value_two,
        op,
    })
}

pub(super) fn read_filter(
    r: &Reader,
    node: Option<&Node>,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<Filter, ImportError> {
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Ok(Filter::default());
    };
    let f = r.fields(node, path, Object::Filter, warnings)?;
    let min_kernel = match f.given("minKernel") {
        Some(n) => {
            let s = r.str(n, &f.at("minKernel"))?;
            Some(moby_kernel_version(s).ok_or_else(|| {
                r.err(
                    n,
                    &f.at("minKernel"),
                    format!("`{s}` is not a kernel version as Docker reads it (`<kernel>.<major>`, e.g. `4.8`, each at most 255); Docker refuses the profile"),
                )
            })?)
        }
        None => None,
    };
    Ok(Filter {
        caps: r.strings(f.get("caps"), &f.at("caps"))?,
        arches: r.strings(f.get("arches"), &f.at("arches"))?,
        min_kernel,
    })
}

/// A `minKernel` as moby/profiles' `KernelVersion.UnmarshalJSON` reads it:
/// `""` is version 0.0 (met by every kernel), otherwise exactly two
/// decimal numbers of at most 255 (`strconv.ParseUint(part, 10, 8)`), not
/// both 0. Podman's loader has no `minKernel` and applies the rule.
fn moby_kernel_version(s: &str) -> Option<(u32, u32)> {
    if s.is_empty() {
        return Some((0, 0));
    }
    let (a, b) = s.split_once('.')?;
    let a = go_parse_uint(a, 255)?;
    let b = go_parse_uint(b, 255)?;
    // Bounded by 255.
    (a, b).ne(&(0, 0)).then_some((a as u32, b as u32))
}

/// `"4.8"` or `"5.10.0"` -> (4, 8) (the `--kernel` option).
pub fn parse_kernel(s: &str) -> Option<(u32, u32)> {
    let mut parts = s.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}
