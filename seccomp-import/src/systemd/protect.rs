//! The unit settings besides `SystemCallFilter=` that install a seccomp
//! filter of their own, as systemd 257 builds each (src/shared/seccomp-util.c;
//! the order they are installed in: src/core/exec-invoke.c
//! `exec_child`). Each becomes a [`Layer`] stacked under
//! `SystemCallFilter=`, which systemd installs last.
//!
//! systemd compares arguments with libseccomp, on all 64 bits on 64-bit
//! architectures; the layers compare each parameter at the width the
//! kernel reads it. Every mask and value here fits the parameter, so only
//! a value with garbage in the bits the kernel ignores could be judged
//! differently, and then as the kernel would use it.

use super::super::ImportError;
use super::unit::{Assignment, boolean, words_plain, words_unquoted};
use crate::stack::{Layer, Rule};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::{groups, syscalls};
use std::collections::BTreeSet;

const EPERM: Action = Action::Errno(1);
const ENOSYS: Action = Action::Errno(38);
const EAFNOSUPPORT: Action = Action::Errno(97);

/// A boolean setting's value and line.
type Flag = Option<(bool, String)>;

/// The settings, as the last valid line of each leaves them.
#[derive(Default)]
pub(crate) struct Settings {
    hostname: Flag,
    mdwe: Flag,
    realtime: Flag,
    suid_sgid: Flag,
    dynamic_user: Flag,
    tunables: Flag,
    modules: Flag,
    logs: Flag,
    clock: Flag,
    devices: Flag,
    personality_lock: Flag,
    personality: Option<String>,
    /// Namespace types kept (`None`: no filter), and the last line.
    namespaces: Option<(u32, String)>,
    /// (allow-list, families, last line); `None`: no filter.
    families: Option<(bool, BTreeSet<u32>, String)>,
    /// `SystemCallLog=`: the syscalls logged, and the last line; `None`:
    /// no such filter.
    log: Option<(BTreeSet<String>, String)>,
    /// `SystemCallArchitectures=` lines.
    pub archs: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// linux/sched.h CLONE_NEW*, in systemd's `namespace_info` order.
const NAMESPACES: [(&str, u32); 8] = [
    ("cgroup", 0x0200_0000),
    ("ipc", 0x0800_0000),
    ("net", 0x4000_0000),
    ("mnt", 0x0002_0000),
    ("pid", 0x2000_0000),
    ("user", 0x1000_0000),
    ("uts", 0x0400_0000),
    ("time", 0x80),
];
const NAMESPACES_ALL: u32 = 0x0200_0000
    | 0x0800_0000
    | 0x4000_0000
    | 0x0002_0000
    | 0x2000_0000
    | 0x1000_0000
    | 0x0400_0000
    | 0x80;

impl Settings {
    /// Takes `a` if it is one of these settings.
    pub fn take(&mut self, a: &Assignment, arches: &[Arch]) -> Result<bool, ImportError> {
        let flag = match a.key.as_str() {
            "ProtectHostname" => {
                self.protect_hostname(a);
                return Ok(true);
            }
            "MemoryDenyWriteExecute" => &mut self.mdwe,
            "RestrictRealtime" => &mut self.realtime,
            "RestrictSUIDSGID" => &mut self.suid_sgid,
            "DynamicUser" => &mut self.dynamic_user,
            "ProtectKernelTunables" => &mut self.tunables,
            "ProtectKernelModules" => &mut self.modules,
            "ProtectKernelLogs" => &mut self.logs,
            "ProtectClock" => &mut self.clock,
            "PrivateDevices" => &mut self.devices,
            "LockPersonality" => &mut self.personality_lock,
            "Personality" => {
                self.personality = (!a.value.is_empty()).then(|| a.value.clone());
                return Ok(true);
            }
            "RestrictNamespaces" => {
                self.restrict_namespaces(a);
                return Ok(true);
            }
            "RestrictAddressFamilies" => {
                self.address_families(a);
                return Ok(true);
            }
            "SystemCallLog" => {
                self.syscall_log(a, arches)?;
                return Ok(true);
            }
            "SystemCallArchitectures" => {
                self.archs.push((a.at.clone(), a.value.clone()));
                return Ok(true);
            }
            _ => return Ok(false),
        };
        // config_parse_bool: a value that does not parse is ignored.
        match boolean(&a.value) {
            Some(b) => *flag = Some((b, a.at.clone())),
            None => self.warnings.push(format!(
                "{}: {}={}: not a boolean; ignored, as systemd ignores it",
                a.value_at, a.key, a.value
            )),
        }
        Ok(true)
    }

    /// `ProtectHostname=`: a boolean or, from systemd 257, `private`, each
    /// optionally with `:HOSTNAME`. Only `yes` installs a filter
    /// (exec-invoke.c `apply_protect_hostname`: `seccomp_protect_hostname()`
    /// for PROTECT_HOSTNAME_YES; `private` gives the unit its own UTS
    /// namespace whose hostname it may change).
    fn protect_hostname(&mut self, a: &Assignment) {
        let mode = a.value.split_once(':').map_or(a.value.as_str(), |(m, _)| m);
        match (mode, boolean(mode)) {
            ("private", _) | (_, Some(false)) => self.hostname = Some((false, a.at.clone())),
            (_, Some(true)) => self.hostname = Some((true, a.at.clone())),
            (_, None) => self.warnings.push(format!(
                "{}: {}={}: neither a boolean nor `private`; ignored, as systemd ignores it",
                a.value_at, a.key, a.value
            )),
        }
    }

    /// `config_parse_syscall_log`, for an allow-list of syscalls to log
    /// (a `~` line takes syscalls off it).
    fn syscall_log(&mut self, a: &Assignment, arches: &[Arch]) -> Result<(), ImportError> {
        if a.value.is_empty() {
            self.log = None;
            return Ok(());
        }
        let (invert, list) = match a.value.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, a.value.as_str()),
        };
        if invert && self.log.is_none() {
            return Err(ImportError::new(
                &a.at,
                format!("{}={}: logging every syscall but the listed ones is not supported by the import", a.key, a.value),
            )
            .with_help("list the syscalls to log instead"));
        }
        let (set, at) = self
            .log
            .get_or_insert_with(|| (BTreeSet::new(), a.at.clone()));
        *at = a.at.clone();
        for (_, w) in words_plain(list).0 {
            let names: Vec<String> = if w.starts_with('@') {
                match groups::expanded(&w) {
                    Some(m) => m.iter().map(|s| (*s).to_owned()).collect(),
                    None => {
                        self.warnings.push(format!(
                            "{}: SystemCallLog: no group `{w}`; ignored, as systemd ignores it",
                            a.value_at
                        ));
                        continue;
                    }
                }
            } else if arches
                .iter()
                .any(|&ar| syscalls::table(ar).number(&w).is_some())
            {
                vec![w]
            } else {
                self.warnings.push(format!(
                    "{}: SystemCallLog: no syscall `{w}`; ignored, as systemd ignores it",
                    a.value_at
                ));
                continue;
            };
            for n in names {
                if invert {
                    set.remove(&n);
                } else {
                    set.insert(n);
                }
            }
        }
        Ok(())
    }

    /// `config_parse_restrict_namespaces`.
    fn restrict_namespaces(&mut self, a: &Assignment) {
        if a.value.is_empty() {
            self.namespaces = None;
            return;
        }
        if let Some(b) = boolean(&a.value) {
            // yes: keep none; no: keep all (no filter).
            self.namespaces = Some((if b { 0 } else { NAMESPACES_ALL }, a.at.clone()));
            return;
        }
        let (invert, list) = match a.value.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, a.value.as_str()),
        };
        let mut flags = 0;
        for (_, w) in words_plain(list).0 {
            match NAMESPACES.iter().find(|(n, _)| *n == w) {
                Some((_, f)) => flags |= f,
                None => {
                    self.warnings.push(format!(
                        "{}: RestrictNamespaces={}: `{w}` is not a namespace type; the line is ignored, as systemd ignores it",
                        a.value_at, a.value
                    ));
                    return;
                }
            }
        }
        let keep = match &self.namespaces {
            None => {
                if invert {
                    !flags & NAMESPACES_ALL
                } else {
                    flags
                }
            }
            Some((old, _)) if invert => old & !flags,
            Some((old, _)) => old | flags,
        };
        self.namespaces = Some((keep, a.at.clone()));
    }

    /// `config_parse_address_families`.
    fn address_families(&mut self, a: &Assignment) {
        if a.value.is_empty() {
            self.families = None;
            return;
        }
        if a.value == "none" {
            self.families = Some((true, BTreeSet::new(), a.at.clone()));
            return;
        }
        let (invert, list) = match a.value.strip_prefix('~') {
            Some(r) => (true, r),
            None => (false, a.value.as_str()),
        };
        let (allow, mut set) = match self.families.take() {
            Some((allow, set, _)) => (allow, set),
            None => (!invert, BTreeSet::new()),
        };
        let (words, bad) = words_unquoted(list);
        for w in words {
            match address_family(&w) {
                Some(af) if invert != allow => {
                    set.insert(af);
                }
                Some(af) => {
                    set.remove(&af);
                }
                None => self.warnings.push(format!(
                    "{}: RestrictAddressFamilies: `{w}` is not an address family; ignored, as systemd ignores it",
                    a.value_at
                )),
            }
        }
        if bad {
            self.warnings.push(format!(
                "{}: RestrictAddressFamilies={}: unbalanced quotes or a trailing backslash; systemd ignores the rest of the line",
                a.value_at, a.value
            ));
        }
        self.families = Some((allow, set, a.at.clone()));
    }

    fn on(flag: &Flag) -> Option<&str> {
        flag.as_ref().filter(|(b, _)| *b).map(|(_, at)| at.as_str())
    }

    /// The filters, in the order systemd installs them (oldest first).
    pub fn layers(&self) -> Result<Vec<Layer>, ImportError> {
        let mut out = Vec::new();
        if let Some(at) = Self::on(&self.hostname) {
            out.push(layer(
                at,
                "ProtectHostname=yes (seccomp_protect_hostname)",
                vec![
                    Rule::always("sethostname", EPERM),
                    Rule::always("setdomainname", EPERM),
                ],
            ));
        }
        if let Some((allow, set, at)) = &self.families {
            out.push(families_layer(*allow, set, at));
        }
        if let Some(at) = Self::on(&self.mdwe) {
            out.push(layer(at, "MemoryDenyWriteExecute=yes (seccomp_memory_deny_write_execute): no writable and executable mappings", vec![
                Rule::when("mmap", "prot & 0x6 == 0x6", EPERM),
                Rule::when("mmap2", "prot & 0x6 == 0x6", EPERM),
                Rule::when("mprotect", "prot & 0x4 == 0x4", EPERM),
                Rule::when("pkey_mprotect", "prot & 0x4 == 0x4", EPERM),
                Rule::when("shmat", "shmflg & 0x8000 == 0x8000", EPERM),
            ]));
        }
        if let Some(at) = Self::on(&self.realtime) {
            // SCHED_OTHER 0, SCHED_BATCH 3 and SCHED_IDLE 5 stay allowed
            // (seccomp_restrict_realtime_full).
            out.push(layer(
                at,
                "RestrictRealtime=yes (seccomp_restrict_realtime): no realtime scheduling",
                vec![Rule::when(
                    "sched_setscheduler",
                    "policy == 1 | 2 | 4 || policy > 5",
                    EPERM,
                )],
            ));
        }
        let suid = Self::on(&self.suid_sgid).map(|at| (at, "RestrictSUIDSGID=yes"));
        let dynamic = Self::on(&self.dynamic_user)
            .map(|at| (at, "DynamicUser=yes, which implies RestrictSUIDSGID=yes"));
        if let Some((at, what)) = suid.or(dynamic) {
            out.push(suid_sgid_layer(at, what));
        }
        if let Some((keep, at)) = &self.namespaces
            && keep & NAMESPACES_ALL != NAMESPACES_ALL
        {
            out.push(namespaces_layer(*keep, at));
        }
        let groups: [(&Flag, &str, &str); 5] = [
            (
                &self.tunables,
                "_sysctl",
                "ProtectKernelTunables=yes (seccomp_protect_sysctl)",
            ),
            (&self.modules, "@module", "ProtectKernelModules=yes"),
            (
                &self.logs,
                "syslog",
                "ProtectKernelLogs=yes (seccomp_protect_syslog)",
            ),
            (&self.clock, "@clock", "ProtectClock=yes"),
            (&self.devices, "@raw-io", "PrivateDevices=yes"),
        ];
        for (flag, target, what) in groups {
            if let Some(at) = Self::on(flag) {
                out.push(layer(at, what, vec![Rule::always(target, EPERM)]));
            }
        }
        if let Some(at) = Self::on(&self.personality_lock) {
            if let Some(p) = &self.personality {
                return Err(ImportError::new(
                    at,
                    format!(
                        "LockPersonality=yes with Personality={p} is not supported by the import"
                    ),
                )
                .with_help("remove Personality= to import the lock to PER_LINUX"));
            }
            out.push(layer(at, "LockPersonality=yes (seccomp_lock_personality): personality() only to PER_LINUX (0), the personality a 64-bit systemd runs with", vec![Rule::when(
                "personality",
                "personality != 0",
                EPERM,
            )]));
        }
        if let Some((set, at)) = &self.log {
            let rules = set
                .iter()
                .map(|n| Rule::always(n.clone(), Action::Log))
                .collect();
            out.push(layer(
                at,
                "SystemCallLog= (the listed syscalls run and are logged)",
                rules,
            ));
        }
        Ok(out)
    }

    /// Architectures on which a setting means something one policy for
    /// several architectures cannot say, and why.
    pub fn odd_arches(&self) -> Vec<(Arch, String)> {
        let mut out = Vec::new();
        if let Some(at) = Self::on(&self.mdwe) {
            for a in [Arch::X86, Arch::S390x, Arch::Powerpc64le] {
                out.push((a, format!("MemoryDenyWriteExecute=yes ({at}) refuses `mmap` outright on x86, reads `mmap`'s third argument as prot on s390x (where it is a pointer) and has no `shmat` rule on x86, s390x and powerpc64le")));
            }
        }
        if let Some((_, _, at)) = &self.families {
            for a in [Arch::X86, Arch::S390x, Arch::Powerpc64le] {
                out.push((a, format!("RestrictAddressFamilies= ({at}) installs no filter on architectures with socketcall (x86, s390x, powerpc64le)")));
            }
        }
        out
    }
}

fn layer(at: &str, what: &str, rules: Vec<Rule>) -> Layer {
    Layer {
        title: format!("{at}: {what}"),
        rules,
    }
}

/// `seccomp_restrict_address_families`: an allow-list refuses every other
/// family, a deny-list the listed ones, with EAFNOSUPPORT.
fn families_layer(allow: bool, set: &BTreeSet<u32>, at: &str) -> Layer {
    let list: Vec<String> = set.iter().map(u32::to_string).collect();
    let rules = match (allow, set.is_empty()) {
        (true, true) => vec![Rule::always("socket", EAFNOSUPPORT)],
        (true, false) => vec![Rule::when(
            "socket",
            format!("family != {}", list.join(" | ")),
            EAFNOSUPPORT,
        )],
        (false, true) => Vec::new(),
        (false, false) => vec![Rule::when(
            "socket",
            format!("family == {}", list.join(" | ")),
            EAFNOSUPPORT,
        )],
    };
    let what = if allow {
        "RestrictAddressFamilies= (seccomp_restrict_address_families): socket() only for the listed families"
    } else {
        "RestrictAddressFamilies=~ (seccomp_restrict_address_families): socket() not for the listed families"
    };
    layer(at, what, rules)
}

/// `seccomp_restrict_sxid` for S_ISUID and S_ISGID: no file with either
/// bit created or given; openat2, whose flags a filter cannot read, fails
/// with ENOSYS.
fn suid_sgid_layer(at: &str, what: &str) -> Layer {
    let m = "& 0o6000 != 0";
    let creat = "flags & 0o100 == 0o100";
    layer(
        at,
        &format!("{what} (seccomp_restrict_suid_sgid): no setuid or setgid files"),
        vec![
            Rule::when("chmod", format!("mode {m}"), EPERM),
            Rule::when("fchmod", format!("mode {m}"), EPERM),
            Rule::when("fchmodat", format!("mode {m}"), EPERM),
            Rule::when("fchmodat2", format!("mode {m}"), EPERM),
            Rule::when("mkdir", format!("mode {m}"), EPERM),
            Rule::when("mkdirat", format!("mode {m}"), EPERM),
            Rule::when("mknod", format!("mode {m}"), EPERM),
            Rule::when("mknodat", format!("mode {m}"), EPERM),
            Rule::when("open", format!("{creat} && mode {m}"), EPERM),
            Rule::when("openat", format!("{creat} && mode {m}"), EPERM),
            Rule::always("openat2", ENOSYS),
            Rule::when("creat", format!("mode {m}"), EPERM),
        ],
    )
}

/// `seccomp_restrict_namespaces(keep)`: clone3 fails with ENOSYS; clone,
/// unshare and setns into a type not kept fail with EPERM, and setns
/// without a type too (all of setns when no type is kept).
fn namespaces_layer(keep: u32, at: &str) -> Layer {
    let refused = NAMESPACES_ALL & !keep;
    let names: Vec<&str> = NAMESPACES
        .iter()
        .filter(|(_, f)| refused & f != 0)
        .map(|(n, _)| *n)
        .collect();
    let mut rules = vec![Rule::always("clone3", ENOSYS)];
    if keep == 0 {
        rules.push(Rule::always("setns", EPERM));
    } else {
        rules.push(Rule::when(
            "setns",
            format!("flags == 0 || flags & {refused:#x} != 0"),
            EPERM,
        ));
    }
    rules.push(Rule::when(
        "unshare",
        format!("unshare_flags & {refused:#x} != 0"),
        EPERM,
    ));
    rules.push(Rule::when(
        "clone",
        format!("clone_flags & {refused:#x} != 0"),
        EPERM,
    ));
    layer(
        at,
        &format!(
            "RestrictNamespaces= (seccomp_restrict_namespaces): no {}",
            names.join(", ")
        ),
        rules,
    )
}

/// systemd's `af_from_name`: the AF_* names of linux/socket.h.
fn address_family(name: &str) -> Option<u32> {
    const FAMILIES: &[(&str, u32)] = &[
        ("AF_UNIX", 1),
        ("AF_LOCAL", 1),
        ("AF_FILE", 1),
        ("AF_INET", 2),
        ("AF_AX25", 3),
        ("AF_IPX", 4),
        ("AF_APPLETALK", 5),
        ("AF_NETROM", 6),
        ("AF_BRIDGE", 7),
        ("AF_ATMPVC", 8),
        ("AF_X25", 9),
        ("AF_INET6", 10),
        ("AF_ROSE", 11),
        ("AF_DECnet", 12),
        ("AF_NETBEUI", 13),
        ("AF_SECURITY", 14),
        ("AF_KEY", 15),
        ("AF_NETLINK", 16),
        ("AF_ROUTE", 16),
        ("AF_PACKET", 17),
        ("AF_ASH", 18),
        ("AF_ECONET", 19),
        ("AF_ATMSVC", 20),
        ("AF_RDS", 21),
        ("AF_SNA", 22),
        ("AF_IRDA", 23),
        ("AF_PPPOX", 24),
        ("AF_WANPIPE", 25),
        ("AF_LLC", 26),
        ("AF_IB", 27),
        ("AF_MPLS", 28),
        ("AF_CAN", 29),
        ("AF_TIPC", 30),
        ("AF_BLUETOOTH", 31),
        ("AF_IUCV", 32),
        ("AF_RXRPC", 33),
        ("AF_ISDN", 34),
        ("AF_PHONET", 35),
        ("AF_IEEE802154", 36),
        ("AF_CAIF", 37),
        ("AF_ALG", 38),
        ("AF_NFC", 39),
        ("AF_VSOCK", 40),
        ("AF_KCM", 41),
        ("AF_QIPCRTR", 42),
        ("AF_SMC", 43),
        ("AF_XDP", 44),
        ("AF_MCTP", 45),
    ];
    FAMILIES.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assign(key: &str, value: &str) -> Assignment {
        Assignment {
            section: Some("Service".into()),
            key: key.into(),
            value: value.into(),
            at: "u:1:1".into(),
            value_at: "u:1:10".into(),
        }
    }

    #[test]
    fn namespaces_merge_as_systemd_merges_them() {
        let mut s = Settings::default();
        s.take(&assign("RestrictNamespaces", "~user net"), &Arch::ALL)
            .unwrap();
        assert_eq!(
            s.namespaces.as_ref().unwrap().0,
            NAMESPACES_ALL & !0x5000_0000
        );
        s.take(&assign("RestrictNamespaces", "user"), &Arch::ALL)
            .unwrap();
        assert_eq!(
            s.namespaces.as_ref().unwrap().0,
            NAMESPACES_ALL & !0x4000_0000
        );
        s.take(&assign("RestrictNamespaces", "yes"), &Arch::ALL)
            .unwrap();
        assert_eq!(s.namespaces.as_ref().unwrap().0, 0);
        s.take(&assign("RestrictNamespaces", "bogus"), &Arch::ALL)
            .unwrap();
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn address_families_as_systemd_keeps_them() {
        let mut s = Settings::default();
        s.take(
            &assign("RestrictAddressFamilies", "AF_UNIX AF_INET"),
            &Arch::ALL,
        )
        .unwrap();
        s.take(&assign("RestrictAddressFamilies", "~AF_INET"), &Arch::ALL)
            .unwrap();
        let (allow, set, _) = s.families.clone().unwrap();
        assert!(allow);
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [1]);
        s.take(&assign("RestrictAddressFamilies", "none"), &Arch::ALL)
            .unwrap();
        assert!(s.families.as_ref().unwrap().1.is_empty());
    }
}
