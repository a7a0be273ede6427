//! Random policies and inputs for property tests, fuzzing and differential
//! tests (here rather than under `tests/` so every test suite shares them).
//! Deterministic: the same seed gives the same policy.

use crate::arch::{Arch, X32_SYSCALL_BIT};
use crate::bpf::SeccompData;
use crate::ir::{Cmp, Operand, ResolvedPolicy};

/// A small deterministic generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        // The remainder is below `n`, which is a usize.
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Syscalls with prototypes on most architectures, to condition on.
const SYSCALLS: [(&str, &[&str]); 14] = [
    ("write", &["fd", "count"]),
    ("read", &["fd", "count"]),
    ("openat", &["dfd", "flags", "mode"]),
    ("close", &["fd"]),
    ("ioctl", &["fd", "cmd", "arg"]),
    ("mmap", &["addr", "len", "prot", "flags"]),
    ("mprotect", &["start", "len", "prot"]),
    ("socket", &["family", "type", "protocol"]),
    ("kill", &["pid", "sig"]),
    ("futex", &["op", "val"]),
    ("prctl", &["option", "arg2"]),
    ("fchmod", &["fd", "mode"]),
    ("lseek", &["fd", "offset", "whence"]),
    ("madvise", &["start", "len_in", "behavior"]),
];

const PLAIN: [&str; 12] = [
    "exit_group",
    "getpid",
    "brk",
    "open",
    "clone",
    "clone3",
    "ptrace",
    "fstat",
    "rt_sigreturn",
    "socketcall",
    "ipc",
    "personality",
];

const GROUPS: [&str; 8] = [
    "@basic-io",
    "@file-system",
    "@network-io",
    "@process",
    "@signal",
    "@default",
    "@ipc",
    "@timer",
];

const ACTIONS: [&str; 9] = [
    "allow",
    "log",
    "kill_process",
    "kill_thread",
    "trap",
    "errno(EPERM)",
    "errno(1234)",
    "trace(7)",
    "user_notif",
];

/// Values comparisons use: small, negative, 32-bit edges, 64-bit ones.
const VALUES: [&str; 14] = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "-100",
    "0x7fffffff",
    "0xffffffff",
    "0x80000000",
    "0x1f",
    "0o644",
    "255",
    "0x100",
    "65535",
];
const WIDE_VALUES: [&str; 4] = [
    "0x100000000",
    "0xffffffffffffffff",
    "0x1234567800000001",
    "0x8000000000000000",
];

/// A random policy that compiles on every architecture where its syscalls
/// exist (lints acknowledged, values within their parameters' widths).
pub fn random_policy(rng: &mut Rng) -> String {
    let mut out = String::from("acknowledge ptrace, clone3, socketcall, ipc;\n");
    for setting in ["deny", "default", "unknown"] {
        if rng.chance(50) {
            out.push_str(&format!("{setting} {};\n", rng.pick(&ACTIONS)));
        }
    }
    if rng.chance(60) {
        out.push_str(&format!("base {};\n", items(rng, false)));
    }
    for _ in 0..1 + rng.below(6) {
        let s = match rng.below(3) {
            0 => format!("keep {};\n", items(rng, true)),
            1 => format!("drop {};\n", items(rng, true)),
            _ => format!("drop {} => {};\n", items(rng, true), rng.pick(&ACTIONS)),
        };
        out.push_str(&s);
    }
    out
}

fn items(rng: &mut Rng, conditions: bool) -> String {
    let n = 1 + rng.below(4);
    let mut v: Vec<String> = (0..n).map(|_| item(rng, conditions)).collect();
    if rng.chance(20) {
        v.push(format!("!{}", rng.pick(&SYSCALLS).0));
    }
    if rng.chance(10) {
        v.push(format!("!{}", rng.pick(&GROUPS)));
    }
    v.join(", ")
}

fn item(rng: &mut Rng, conditions: bool) -> String {
    match rng.below(10) {
        0 | 1 => rng.pick(&GROUPS).to_string(),
        2 | 3 => rng.pick(&PLAIN).to_string(),
        _ => {
            let (name, params) = *rng.pick(&SYSCALLS);
            if conditions && rng.chance(70) {
                format!("{name}({})", cond(rng, params, 2))
            } else {
                name.to_owned()
            }
        }
    }
}

fn cond(rng: &mut Rng, params: &[&str], depth: usize) -> String {
    if depth == 0 || rng.chance(50) {
        return comparison(rng, params);
    }
    let n = 2 + rng.below(2);
    let parts: Vec<String> = (0..n).map(|_| cond(rng, params, depth - 1)).collect();
    let joined = parts.join(if rng.chance(50) { " && " } else { " || " });
    format!("({joined})")
}

fn comparison(rng: &mut Rng, params: &[&str]) -> String {
    // A named parameter or a raw register; `:u64` lets wide values in.
    let wide = rng.chance(25);
    let arg = if rng.chance(70) {
        rng.pick(params).to_string()
    } else {
        format!("arg{}", rng.below(6))
    };
    let arg = if wide { format!("{arg}:u64") } else { arg };
    let value = |rng: &mut Rng, unsigned: bool| loop {
        let v = if wide && rng.chance(40) {
            *rng.pick(&WIDE_VALUES)
        } else {
            *rng.pick(&VALUES)
        };
        if !(unsigned && v.starts_with('-')) {
            return v;
        }
    };
    let mask = if rng.chance(20) {
        format!(" & {}", value(rng, true))
    } else {
        String::new()
    };
    let op = *rng.pick(&["==", "!=", "<", "<=", ">", ">="]);
    let ordering = !matches!(op, "==" | "!=");
    let mut values = vec![value(rng, ordering)];
    if !ordering && rng.chance(30) {
        values.push(value(rng, false));
    }
    format!("{arg}{mask} {op} {}", values.join(" | "))
}

/// Inputs that exercise a resolved policy: every number in `0..1024`, the
/// ends of the number space, x32 numbers and a foreign architecture, each
/// with argument vectors built from the policy's own constants (exactly,
/// +-1, with random high words) and random values.
pub fn inputs(rp: &ResolvedPolicy, rng: &mut Rng, per_number: usize) -> Vec<SeccompData> {
    let constants = policy_constants(rp);
    let arch = rp.arch.audit_arch();
    let mut numbers: Vec<u32> = (0..1024).collect();
    numbers.extend([u32::MAX, 0x3fff_ffff, 0x7fff_ffff, 0xf0005, 0xf0002]);
    numbers.extend([X32_SYSCALL_BIT, X32_SYSCALL_BIT | 1, X32_SYSCALL_BIT | 60]);
    let mut out = Vec::new();
    for nr in numbers {
        for _ in 0..per_number {
            out.push(SeccompData {
                nr,
                arch,
                instruction_pointer: rng.next_u64(),
                args: args(rng, &constants),
            });
        }
    }
    let foreign = Arch::ALL
        .iter()
        .find(|a| a.audit_arch() != arch)
        .map_or(0, |a| a.audit_arch());
    out.push(SeccompData {
        nr: 1,
        arch: foreign,
        ..Default::default()
    });
    out.push(SeccompData {
        nr: 0,
        arch: 0,
        ..Default::default()
    });
    out
}

fn args(rng: &mut Rng, constants: &[u64]) -> [u64; 6] {
    let mut a = [0u64; 6];
    for slot in &mut a {
        let base = if constants.is_empty() || rng.chance(20) {
            rng.next_u64()
        } else {
            *rng.pick(constants)
        };
        *slot = match rng.below(6) {
            0 => base.wrapping_add(1),
            1 => base.wrapping_sub(1),
            2 => (base & 0xffff_ffff) | (rng.next_u64() << 32),
            3 => base & 0xffff_ffff,
            _ => base,
        };
    }
    a
}

fn policy_constants(rp: &ResolvedPolicy) -> Vec<u64> {
    let mut out = vec![0, u64::MAX];
    for rule in &rp.rules {
        for entry in rule.entries.values() {
            for cmp in entry.cond.iter().flat_map(|c| c.comparisons()) {
                out.extend(cmp_constants(cmp));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn cmp_constants(cmp: &Cmp) -> impl Iterator<Item = u64> + '_ {
    cmp.values.iter().chain(&cmp.mask).filter_map(|o| match o {
        Operand::Const(c) => Some(*c),
        Operand::Sym(_) => None,
    })
}
