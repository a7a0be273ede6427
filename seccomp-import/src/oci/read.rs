//! Reading an OCI profile: the JSON, checked and typed, with every error
//! naming its place (`file:line:col (syscalls[3].args)`). What the rules
//! mean is decided in `oci.rs`.

use super::super::ImportError;
use super::super::cond::{ArgRef, Cmp, SourceWidth};
use super::super::json::{Node, Value};
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
}

impl Reader<'_> {
    pub(super) fn err(&self, node: &Node, path: &str, message: impl Into<String>) -> ImportError {
        let path = match (self.prefix, path) {
            ("", p) => p.to_owned(),
            (pre, "$") => pre.trim_end_matches('.').to_owned(),
            (pre, p) => format!("{pre}{p}"),
        };
        ImportError::new(
            format!(
                "{} ({path})",
                super::super::location(self.name, self.text, node.offset)
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
    let Some(members) = root.as_object() else {
        return Err(r.err(
            root,
            "$",
            "expected a JSON object (an OCI `linux.seccomp` section)",
        ));
    };
    const KNOWN: [&str; 8] = [
        "defaultAction",
        "defaultErrnoRet",
        "defaultErrno",
        "architectures",
        "archMap",
        "syscalls",
        "flags",
        "listenerPath",
    ];
    for (k, _) in members {
        if !KNOWN.contains(&k.as_str()) {
            warnings.push(format!("unknown top-level key `{k}` ignored"));
        }
    }
    for key in ["flags", "listenerPath"] {
        if root.get(key).is_some_and(|n| !n.is_null()) {
            warnings.push(format!(
                "`{key}` concerns how a runtime installs the filter, not what it decides; ignored"
            ));
        }
    }
    let default_node = root
        .get("defaultAction")
        .ok_or_else(|| r.err(root, "$", "missing `defaultAction`"))?;
    let default_src = r.str(default_node, "defaultAction")?.to_owned();
    let default_ret = match root.get("defaultErrnoRet") {
        Some(n) if !n.is_null() => Some(r.u64(n, "defaultErrnoRet")?),
        _ => None,
    };
    let default = action(r, default_node, "defaultAction", &default_src, default_ret)?;
    let (arches, unsupported) = read_arches(r, root)?;
    let mut rules = Vec::new();
    if let Some(list) = root.get("syscalls") {
        for (i, node) in r.array(list, "syscalls")?.iter().enumerate() {
            rules.push(read_rule(r, node, i)?);
        }
    }
    Ok(Profile {
        default,
        default_src: describe_action(&default_src, default_ret),
        arches,
        unsupported,
        rules,
    })
}

pub(super) fn describe_action(src: &str, ret: Option<u64>) -> String {
    match ret {
        Some(n) => format!("{src} (errnoRet {n})"),
        None => src.to_owned(),
    }
}

/// Our action for an OCI action name; `SCMP_ACT_ERRNO` and `SCMP_ACT_TRACE`
/// without a number get EPERM, as runc gives them.
pub(super) fn action(
    r: &Reader,
    node: &Node,
    path: &str,
    name: &str,
    ret: Option<u64>,
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
    let plain = |a: Action| -> Result<Action, ImportError> {
        match ret {
            None => Ok(a),
            Some(_) => Err(r.err(
                node,
                path,
                format!("`errnoRet` is only meaningful with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not {name}"),
            )
            .with_help("runc refuses such a profile")),
        }
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

/// The names `includes.arches` / `excludes.arches` use for a host
/// architecture: Go's `GOARCH` (what moby compares) and libseccomp's.
pub(super) fn host_names(arch: Arch) -> &'static [&'static str] {
    match arch {
        Arch::X86_64 => &["amd64", "x86_64"],
        Arch::X86 => &["386", "x86", "i386"],
        Arch::Aarch64 => &["arm64", "aarch64"],
        Arch::Arm => &["arm"],
        Arch::Riscv64 => &["riscv64"],
        Arch::S390x => &["s390x"],
        Arch::Powerpc64le => &["ppc64le"],
        Arch::Loongarch64 => &["loong64", "loongarch64"],
    }
}

type ArchList = (Vec<(Arch, Arch)>, Vec<String>);

pub(super) fn read_arches(r: &Reader, root: &Node) -> Result<ArchList, ImportError> {
    let mut arches: Vec<(Arch, Arch)> = Vec::new();
    let mut unsupported = Vec::new();
    let mut add =
        |name: &str, host: Option<Arch>, unsupported: &mut Vec<String>| match arch_of(name) {
            Some(a) if !arches.iter().any(|&(b, _)| b == a) => arches.push((a, host.unwrap_or(a))),
            Some(_) => {}
            None if !unsupported.iter().any(|u| u == name) => unsupported.push(name.to_owned()),
            None => {}
        };
    for name in r.strings(root.get("architectures"), "architectures")? {
        add(&name, None, &mut unsupported);
    }
    let map = match root.get("archMap") {
        Some(n) => r.array(n, "archMap")?,
        None => &[],
    };
    // Main architectures first, so an architecture that is both main and
    // sub (mips64n32) is its own host.
    for (i, entry) in map.iter().enumerate() {
        let path = format!("archMap[{i}].architecture");
        let main = entry
            .get("architecture")
            .ok_or_else(|| r.err(entry, &path, "missing `architecture`"))?;
        let main = r.str(main, &path)?;
        add(main, None, &mut unsupported);
    }
    for (i, entry) in map.iter().enumerate() {
        let main = entry
            .get("architecture")
            .and_then(Node::as_str)
            .and_then(arch_of);
        let path = format!("archMap[{i}].subArchitectures");
        for sub in r.strings(entry.get("subArchitectures"), &path)? {
            add(&sub, main, &mut unsupported);
        }
    }
    Ok((arches, unsupported))
}

pub(super) fn read_rule(r: &Reader, node: &Node, i: usize) -> Result<Rule, ImportError> {
    let path = format!("syscalls[{i}]");
    let at = |key: &str| format!("{path}.{key}");
    let mut names = r.strings(node.get("names"), &at("names"))?;
    if let Some(n) = node.get("name").filter(|n| !n.is_null()) {
        names.push(r.str(n, &at("name"))?.to_owned());
    }
    let action_node = node
        .get("action")
        .ok_or_else(|| r.err(node, &path, "missing `action`"))?;
    let action_src = r.str(action_node, &at("action"))?.to_owned();
    let ret = match (node.get("errnoRet"), node.get("errno")) {
        (Some(n), _) if !n.is_null() => Some(r.u64(n, &at("errnoRet"))?),
        // Podman's files also carry the name; containers/common reads it
        // when `errnoRet` is missing.
        (_, Some(n)) if !n.is_null() => {
            let name = r.str(n, &at("errno"))?;
            let nr = errno::number(Arch::X86_64, name)
                .ok_or_else(|| r.err(n, &at("errno"), format!("unknown errno `{name}`")))?;
            Some(u64::from(nr))
        }
        _ => None,
    };
    let action = action(r, action_node, &at("action"), &action_src, ret)?;
    let mut args = Vec::new();
    if let Some(list) = node.get("args") {
        for (j, a) in r.array(list, &at("args"))?.iter().enumerate() {
            args.push(read_arg(r, a, &format!("{path}.args[{j}]"))?);
        }
    }
    Ok(Rule {
        number: i + 1,
        offset: node.offset,
        names,
        action,
        action_src: describe_action(&action_src, ret),
        args,
        comment: node
            .get("comment")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned(),
        includes: read_filter(r, node.get("includes"), &at("includes"))?,
        excludes: read_filter(r, node.get("excludes"), &at("excludes"))?,
        path,
    })
}

pub(super) fn read_arg(r: &Reader, node: &Node, path: &str) -> Result<Arg, ImportError> {
    let field = |key: &str| {
        node.get(key)
            .ok_or_else(|| r.err(node, path, format!("missing `{key}`")))
    };
    let index_node = field("index")?;
    let index = r.u64(index_node, &format!("{path}.index"))?;
    if index > 5 {
        return Err(r.err(
            index_node,
            &format!("{path}.index"),
            format!("argument index {index} is out of range: seccomp sees arguments 0 to 5"),
        ));
    }
    let value = r.u64(field("value")?, &format!("{path}.value"))?;
    let value_two = match node.get("valueTwo") {
        Some(n) if !n.is_null() => r.u64(n, &format!("{path}.valueTwo"))?,
        _ => 0,
    };
    let op_node = field("op")?;
    let op = match r.str(op_node, &format!("{path}.op"))? {
        "SCMP_CMP_NE" => Op::Ne,
        "SCMP_CMP_LT" => Op::Lt,
        "SCMP_CMP_LE" => Op::Le,
        "SCMP_CMP_EQ" => Op::Eq,
        "SCMP_CMP_GE" => Op::Ge,
        "SCMP_CMP_GT" => Op::Gt,
        "SCMP_CMP_MASKED_EQ" => Op::MaskedEq,
        other => {
            return Err(r.err(op_node, &format!("{path}.op"), format!("unknown operator `{other}`"))
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
) -> Result<Filter, ImportError> {
    let Some(node) = node.filter(|n| !n.is_null()) else {
        return Ok(Filter::default());
    };
    let min_kernel = match node.get("minKernel") {
        Some(n) if !n.is_null() => {
            let p = format!("{path}.minKernel");
            let s = r.str(n, &p)?;
            Some(parse_kernel(s).ok_or_else(|| {
                r.err(
                    n,
                    &p,
                    format!("`{s}` is not a kernel version (expected e.g. `4.8`)"),
                )
            })?)
        }
        _ => None,
    };
    Ok(Filter {
        caps: r.strings(node.get("caps"), &format!("{path}.caps"))?,
        arches: r.strings(node.get("arches"), &format!("{path}.arches"))?,
        min_kernel,
    })
}

/// `"4.8"` or `"5.10.0"` -> (4, 8).
pub fn parse_kernel(s: &str) -> Option<(u32, u32)> {
    let mut parts = s.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}
