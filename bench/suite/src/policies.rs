//! The five policies, each as our policy text and as the rules the other
//! builders take, with the calls the real-kernel figure makes under them.

use crate::competitors::Competitor::{self, *};
use crate::competitors::ours;
use crate::rules::{ArgCmp, Entry, Op, Rules, Width};
use crate::sources;
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::syscalls;
use seccomp_import::{Format, ImportOptions};

/// A policy and how each competitor gets it.
pub struct Policy {
    /// A short name (file names, the chart).
    pub key: &'static str,
    pub title: &'static str,
    /// Where it comes from and how each competitor reads it.
    pub about: String,
    /// Our policy text.
    pub ours: String,
    /// The same policy as rules, for libseccomp, seccompiler and firejail.
    pub rules: Rules,
    /// seccompiler builds from this JSON text (and filter name) instead.
    pub seccompiler_json: Option<(String, &'static str)>,
    /// `SCMP_ARCH_*` tokens libseccomp adds beside x86_64.
    #[cfg_attr(not(feature = "libseccomp"), allow(dead_code))]
    pub libseccomp_extra_arches: &'static [u32],
    pub competitors: Vec<Competitor>,
    /// What the real-kernel figure calls under this policy.
    pub probes: Vec<Probe>,
}

/// The kinds of call the real-kernel figure times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    /// Allowed whatever its arguments: the kernel's cache can answer it.
    Cached,
    /// `write` to fd 1, allowed by an argument check.
    CheckedWrite,
    /// Refused with an errno.
    Refused,
    /// Allowed by an argument check: the filter must run.
    NotCached,
}

impl ProbeKind {
    pub fn label(self) -> &'static str {
        match self {
            ProbeKind::Cached => "cached allowed call",
            ProbeKind::CheckedWrite => "argument-checked `write`",
            ProbeKind::Refused => "call refused with errno",
            ProbeKind::NotCached => "non-cached allowed call",
        }
    }
}

/// One call: a raw syscall and the result every competitor must give.
#[derive(Clone, Debug)]
pub struct Probe {
    pub kind: ProbeKind,
    /// How the table shows it (`getpid()`).
    pub call: &'static str,
    pub nr: u32,
    pub args: [u64; 6],
    /// `Some(errno)` for a call the filter refuses with it; `None` for one
    /// it lets through (whatever the kernel then answers: `futex` on
    /// address 0 gives EFAULT).
    pub refused_with: Option<i32>,
}

fn nr(name: &str) -> u32 {
    syscalls::table(Arch::X86_64)
        .number(name)
        .unwrap_or_else(|| panic!("`{name}` is an x86_64 syscall"))
}

fn probe(kind: ProbeKind, call: &'static str, name: &str, args: [u64; 6]) -> Probe {
    Probe {
        kind,
        call,
        nr: nr(name),
        args,
        refused_with: (kind == ProbeKind::Refused).then_some(libc::EPERM),
    }
}

/// `getpid()`: allowed by every policy but Firecracker's.
fn getpid() -> Probe {
    probe(ProbeKind::Cached, "getpid()", "getpid", [0; 6])
}

/// `acct(NULL)`: refused with EPERM where measured; harmless if it ran
/// (it turns process accounting off, which is off).
fn acct() -> Probe {
    probe(ProbeKind::Refused, "acct(NULL)", "acct", [0; 6])
}

/// Reads the workspace file `path`.
fn workspace_file(path: &str) -> String {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// What `text` allows on x86_64 regardless of arguments, as names: the
/// list the run-time builders get for a group.
fn allowed_names(text: &str) -> Vec<&'static str> {
    let compiled = ours::compile(text).expect("the policy compiles");
    let out = compiled.get(Arch::X86_64).expect("x86_64");
    let table = syscalls::table(Arch::X86_64);
    out.table
        .named
        .iter()
        .filter(|(_, d)| d.constant_action() == Some(Action::Allow))
        .filter_map(|(nr, _)| table.name(nr))
        .collect()
}

fn system_service() -> Policy {
    let text = "base @system-service;\n";
    let names = allowed_names(text);
    Policy {
        key: "system-service",
        title: "`@system-service`",
        about: format!(
            "systemd's `@system-service` group as an allow-list, kill otherwise (`{}`); the others get the {} x86_64 syscalls it allows, by name",
            text.trim(),
            names.len()
        ),
        ours: text.to_owned(),
        rules: Rules::allow_list(&names, Action::KillProcess),
        seccompiler_json: None,
        libseccomp_extra_arches: &[],
        competitors: vec![Ours, LibseccompList, LibseccompTree, Seccompiler, Firejail],
        probes: vec![getpid()],
    }
}

/// `write(fd == 1 | 2)`: two alternatives comparing the low 32 bits
/// (seccompiler's `Dword`; libseccomp compares all 64).
fn write_fd_rules(names: &[&str]) -> Rules {
    let mut rules = Rules::allow_list(names, Action::KillProcess);
    rules.entries.retain(|e| e.name != "write");
    for fd in [1, 2] {
        rules.entries.push(Entry {
            name: "write".to_owned(),
            action: Action::Allow,
            conds: vec![ArgCmp {
                arg: 0,
                width: Width::Low32,
                op: Op::Eq,
                value: fd,
            }],
        });
    }
    rules
}

fn write_fd() -> Policy {
    let text = "base @system-service;\nkeep write(fd == 1 | 2);\n";
    let names = allowed_names("base @system-service;\n");
    Policy {
        key: "write-fd",
        title: "`@system-service`, `write` to fd 1 or 2",
        about: "the same with `write` allowed only for fd 1 or 2 (`keep write(fd == 1 | 2);`): two rules comparing argument 0".to_owned(),
        ours: text.to_owned(),
        rules: write_fd_rules(&names),
        seccompiler_json: None,
        libseccomp_extra_arches: &[],
        competitors: vec![Ours, LibseccompList, LibseccompTree, Seccompiler],
        probes: vec![
            getpid(),
            probe(ProbeKind::CheckedWrite, "write(1, buf, 0)", "write", [1, 0, 0, 0, 0, 0]),
        ],
    }
}

const DOCKER: &str = "seccomp-import/tests/corpus/moby-default.json";

/// `SCMP_ARCH_X86` and `SCMP_ARCH_X32`: what runc adds on an amd64 host
/// (the profile's `archMap`).
const RUNC_AMD64_SUBARCHES: [u32; 2] = [0x4000_0003, 0x4000_003e];

fn docker() -> Policy {
    let json = workspace_file(DOCKER);
    let imported = seccomp_import::import(
        Format::Oci,
        DOCKER,
        &json,
        &ImportOptions {
            arches: Some(vec![Arch::X86_64]),
            ..ImportOptions::default()
        },
    )
    .expect("Docker's profile imports");
    let rules = sources::oci_as_runc(&json, &seccomp_import::DOCKER_DEFAULT_CAPS)
        .expect("Docker's profile reads as runc reads it");
    Policy {
        key: "docker",
        title: "Docker default",
        about: format!(
            "Docker's default profile (`{DOCKER}`) with Docker's default capabilities: ours imported (`seccompc import --from oci`, x86_64); libseccomp as moby filters it and runc loads it on an amd64 host (x86_64, x86 and x32 in one filter, {} rules by name, without runc's ENOSYS stub)",
            rules.entries.len()
        ),
        ours: imported.policy,
        rules,
        seccompiler_json: None,
        libseccomp_extra_arches: &RUNC_AMD64_SUBARCHES,
        competitors: vec![Ours, LibseccompList, LibseccompTree],
        probes: vec![
            getpid(),
            acct(),
            // PER_QUERY: only asks; Docker allows a few personalities.
            probe(
                ProbeKind::NotCached,
                "personality(0xffffffff)",
                "personality",
                [0xffff_ffff, 0, 0, 0, 0, 0],
            ),
        ],
    }
}

const FIRECRACKER: &str = "seccomp-import/tests/corpus/firecracker-x86_64-unknown-linux-musl.json";

fn firecracker() -> Policy {
    let json = workspace_file(FIRECRACKER);
    let imported = seccomp_import::import(
        Format::Seccompiler,
        FIRECRACKER,
        &json,
        &ImportOptions {
            filter: Some("vmm".to_owned()),
            ..ImportOptions::default()
        },
    )
    .expect("Firecracker's filter imports");
    let rules = sources::seccompiler_filter(&json, "vmm").expect("Firecracker's vmm filter");
    Policy {
        key: "firecracker",
        title: "Firecracker `vmm`",
        about: format!(
            "Firecracker's x86_64 `vmm` filter (`{FIRECRACKER}`): ours imported (`seccompc import --from seccompiler --filter vmm`); seccompiler from the JSON (`compile_from_json`, as Firecracker builds it); libseccomp from its {} rules (`dword` comparisons become libseccomp's 64-bit ones)",
            rules.entries.len()
        ),
        ours: imported.policy,
        rules,
        seccompiler_json: Some((json, "vmm")),
        libseccomp_extra_arches: &[],
        competitors: vec![Ours, LibseccompList, LibseccompTree, Seccompiler],
        probes: vec![
            probe(ProbeKind::Cached, "gettid()", "gettid", [0; 6]),
            // Wakes no waiter on an address nobody waits on.
            probe(
                ProbeKind::NotCached,
                "futex(&x, FUTEX_WAKE_PRIVATE, 0)",
                "futex",
                [0, 129, 0, 0, 0, 0],
            ),
        ],
    }
}

/// A daemon's twenty syscalls: an epoll loop serving TCP connections
/// (echo_daemon's calls, examples/policies/echo_daemon.policy, without its
/// conditions, plus the loop, signals and the clock).
pub const DAEMON: [&str; 20] = [
    "read",
    "write",
    "close",
    "fstat",
    "lseek",
    "mmap",
    "munmap",
    "brk",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "futex",
    "epoll_wait",
    "epoll_ctl",
    "accept4",
    "recvfrom",
    "sendto",
    "clock_gettime",
    "getpid",
    "exit_group",
];

fn daemon() -> Policy {
    // `successors off;`: the competitors have no successor rules, so ours
    // gives `close_range` (the successor of `close`) EPERM as they do.
    let text = format!(
        "default errno(EPERM);\nsuccessors off;\nkeep {};\n",
        DAEMON.join(", ")
    );
    Policy {
        key: "daemon",
        title: "daemon, 20 syscalls",
        about: "a daemon's allow-list of 20 syscalls, EPERM for the rest (`default errno(EPERM); keep read, write, ...;`)".to_owned(),
        ours: text,
        rules: Rules::allow_list(&DAEMON, Action::Errno(1)),
        seccompiler_json: None,
        libseccomp_extra_arches: &[],
        competitors: vec![Ours, LibseccompList, LibseccompTree, Seccompiler, Firejail],
        probes: vec![getpid(), acct()],
    }
}

/// All five, in the tables' order.
pub fn all() -> Vec<Policy> {
    vec![
        system_service(),
        write_fd(),
        docker(),
        firecracker(),
        daemon(),
    ]
}
