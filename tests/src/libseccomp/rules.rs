//! Policies in the subset that our language, libseccomp's rule lists and
//! seccompiler's filters can all express, generated at random, rendered
//! both ways, evaluated by a small independent model, and the inputs that
//! exercise them.
//!
//! The subset is libseccomp's rule model: per syscall, rules `(action,
//! comparisons)` where a rule is an AND of at most one comparison per
//! argument (libseccomp refuses two on the same argument) and the rules of
//! a syscall are alternatives (OR). libseccomp gives overlapping rules
//! with different actions no order-independent meaning (2.5.4 evaluates
//! them in its own tree order, refuses some with `-EEXIST` and silently
//! drops others), so a syscall's rules either share one action or are made
//! disjoint by an `==` on one argument with a different value in every
//! rule. Rules never carry the default action (libseccomp refuses them
//! with `-EACCES`, and runc/crun skip them).

use std::fmt::Write as _;

use seccomp_compiler::bpf::SeccompData;
use seccomp_compiler::ir::{reduce, width_mask};
use seccomp_compiler::tables::params::{self, ParamSlot};
use seccomp_compiler::testing::Rng;
use seccomp_compiler::{Action, Arch};

/// A comparison operator, as libseccomp's `SCMP_CMP_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ne,
    Lt,
    Le,
    Eq,
    Ge,
    Gt,
    /// `(arg & mask) == value`.
    MaskedEq(u64),
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq | Op::MaskedEq(_) => "==",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    fn is_ordering(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Ge | Op::Gt)
    }
}

/// How many bits of the argument our side of a comparison reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// `argN:u64`: the whole register, as libseccomp compares on a 64-bit
    /// architecture (seccompiler's `Qword`); 32 bits on a 32-bit one.
    Full,
    /// `argN`: the width the kernel declares for the parameter (8, 16, 32
    /// or 64 bits). Ours only: our deliberate difference from libseccomp.
    Declared,
    /// `argN:u32`: the low word (seccompiler's `Dword`).
    Low32,
}

/// One comparison of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArgCmp {
    pub arg: u8,
    pub width: Width,
    pub op: Op,
    /// The datum as libseccomp and seccompiler take it (64 bits, two's
    /// complement for negative values).
    pub value: u64,
}

/// A rule: `action` when every comparison holds (always when there is none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    pub conds: Vec<ArgCmp>,
}

/// The rules of one syscall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyscallRules {
    pub name: &'static str,
    /// The number on the policy's architecture (ours and the other side's:
    /// only names both tables agree on are generated).
    pub nr: u32,
    pub rules: Vec<Rule>,
}

/// Whose reading of a comparison's width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// libseccomp / seccompiler: the whole register (`Full`, `Declared`),
    /// the low word for `Low32`; 32-bit architectures have 32-bit registers.
    Theirs,
    /// Ours: `Declared` follows the kernel's prototype.
    Ours,
}

/// A policy in the common subset, for one architecture.
#[derive(Clone, Debug)]
pub struct RulePolicy {
    pub arch: Arch,
    /// What syscalls no rule matches get.
    pub default: Action,
    /// Our `unknown` setting (numbers our tables do not know); `None` leaves
    /// it at its default, `errno(ENOSYS)`.
    pub unknown: Option<Action>,
    pub syscalls: Vec<SyscallRules>,
    /// Random bits choosing among equivalent spellings of our text.
    pub spelling: u64,
}

impl RulePolicy {
    /// The policy in our language.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "arch {};\nacknowledge ptrace, clone3, socketcall, ipc, siblings;\n",
            self.arch
        );
        let bit = |i: u32| self.spelling >> (i % 64) & 1 == 1;
        if self.default != Action::Allow {
            // `keep` refuses with the deny action: make it the default.
            let _ = writeln!(out, "deny {};", self.default);
        }
        if self.default == Action::Allow || bit(0) {
            let _ = writeln!(out, "default {};", self.default);
        }
        if let Some(u) = self.unknown {
            let _ = writeln!(out, "unknown {u};");
        }
        // Unconditional allows, optionally as the `base` statement.
        let plain_allow: Vec<&str> = self
            .syscalls
            .iter()
            .filter(|s| {
                s.rules
                    .iter()
                    .any(|r| r.action == Action::Allow && r.conds.is_empty())
            })
            .map(|s| s.name)
            .collect();
        if !plain_allow.is_empty() && bit(1) {
            let _ = writeln!(out, "base {};", plain_allow.join(", "));
        }
        for (i, s) in self.syscalls.iter().enumerate() {
            let is_plain_allow = plain_allow.contains(&s.name);
            if is_plain_allow && bit(1) {
                continue;
            }
            render_syscall(
                &mut out,
                self.arch,
                s,
                self.spelling.rotate_left(i as u32 * 7),
            );
        }
        out
    }

    /// The bits our side or theirs reads of comparison `c` of `name`.
    pub fn bits(&self, name: &str, c: &ArgCmp, reading: Reading) -> u8 {
        let word = self.arch.word_bits() as u8;
        match (c.width, reading) {
            (Width::Low32, _) => 32.min(word),
            (Width::Full, _) | (Width::Declared, Reading::Theirs) => word,
            (Width::Declared, Reading::Ours) => declared_bits(self.arch, name, c.arg),
        }
    }

    /// What the rules give syscall `nr` with `args` under one reading of
    /// the widths: `None` when no rule matches (the default action).
    /// The generator makes matching rules agree, so the first match decides.
    pub fn rule_action(&self, nr: u32, args: &[u64; 6], reading: Reading) -> Option<Action> {
        let s = self.syscalls.iter().find(|s| s.nr == nr)?;
        let matching = |r: &&Rule| r.conds.iter().all(|c| self.holds(s.name, c, args, reading));
        s.rules.iter().find(matching).map(|r| r.action)
    }

    fn holds(&self, name: &str, c: &ArgCmp, args: &[u64; 6], reading: Reading) -> bool {
        let m = width_mask(self.bits(name, c, reading));
        let x = args[usize::from(c.arg)] & m;
        let v = c.value & m;
        match c.op {
            Op::Ne => x != v,
            Op::Lt => x < v,
            Op::Le => x <= v,
            Op::Eq => x == v,
            Op::Ge => x >= v,
            Op::Gt => x > v,
            // libseccomp masks the datum too (seccomp_rule_add(3): "the
            // masked argument value is equal to the masked datum value"),
            // and so does seccompiler.
            Op::MaskedEq(mask) => x & mask == v & mask,
        }
    }

    /// Whether some comparison reads a different width on each side.
    pub fn has_width_difference(&self) -> bool {
        self.syscalls.iter().any(|s| {
            s.rules.iter().flat_map(|r| &r.conds).any(|c| {
                self.bits(s.name, c, Reading::Ours) != self.bits(s.name, c, Reading::Theirs)
            })
        })
    }

    /// Every constant the rules compare with, for inputs.
    pub fn constants(&self) -> Vec<u64> {
        let mut out: Vec<u64> = self
            .syscalls
            .iter()
            .flat_map(|s| &s.rules)
            .flat_map(|r| &r.conds)
            .flat_map(|c| match c.op {
                Op::MaskedEq(m) => vec![c.value, m],
                _ => vec![c.value],
            })
            .collect();
        out.extend([0, 1, u64::MAX, 0xffff_ffff, 0x8000_0000, 0x1_0000_0000]);
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn render_syscall(out: &mut String, arch: Arch, s: &SyscallRules, bits: u64) {
    let name = s.name;
    let bit = |i: u32| bits >> i & 1 == 1;
    let cond = |r: &Rule| {
        r.conds
            .iter()
            .map(|c| render_cmp(arch, name, c))
            .collect::<Vec<_>>()
            .join(" && ")
    };
    // Allow first: a `keep` replaces whatever came before it for the
    // syscall; the `drop`s after it layer on it.
    let mut actions: Vec<Action> = s.rules.iter().map(|r| r.action).collect();
    actions.sort_by_key(|a| *a != Action::Allow);
    actions.dedup();
    for action in actions {
        let rules: Vec<&Rule> = s.rules.iter().filter(|r| r.action == action).collect();
        let items = if rules.iter().any(|r| r.conds.is_empty()) {
            vec![name.to_owned()]
        } else if bit(0) && rules.len() > 1 {
            // One item, the alternatives joined with `||`.
            let alts: Vec<String> = rules.iter().map(|r| format!("({})", cond(r))).collect();
            vec![format!("{name}({})", alts.join(" || "))]
        } else {
            rules
                .iter()
                .map(|r| format!("{name}({})", cond(r)))
                .collect()
        };
        if action == Action::Allow {
            let _ = writeln!(out, "keep {};", items.join(", "));
        } else if bit(1) && items.len() > 1 {
            // Layered `drop`s with one action are the alternatives too.
            for item in items {
                let _ = writeln!(out, "drop {item} => {action};");
            }
        } else {
            let _ = writeln!(out, "drop {} => {action};", items.join(", "));
        }
    }
}

fn render_cmp(arch: Arch, name: &str, c: &ArgCmp) -> String {
    let (suffix, bits) = match c.width {
        Width::Full => (":u64", arch.word_bits() as u8),
        Width::Low32 => (":u32", 32),
        Width::Declared => ("", declared_bits(arch, name, c.arg)),
    };
    let arg = format!("arg{}{suffix}", c.arg);
    let lit = |v: u64, unsigned_only| {
        literal(v, bits, unsigned_only)
            .unwrap_or_else(|| panic!("{v:#x} is not a {bits}-bit literal"))
    };
    match c.op {
        // Their masked datum is ours (see `holds`).
        Op::MaskedEq(m) => format!("{arg} & {} == {}", lit(m, true), lit(c.value & m, true)),
        op => format!("{arg} {} {}", op.text(), lit(c.value, op.is_ordering())),
    }
}

/// `value` written so that our compiler, for a `bits`-wide comparison,
/// reads the same low `bits` bits as libseccomp does from the 64-bit datum:
/// as an unsigned number when it fits, else as a negative number whose
/// sign extension it is (not where only unsigned numbers are accepted).
pub fn literal(value: u64, bits: u8, unsigned_only: bool) -> Option<String> {
    if value <= width_mask(bits) {
        return Some(if value < 10 {
            value.to_string()
        } else {
            format!("{value:#x}")
        });
    }
    // Reinterpreting as two's complement is the point.
    let signed = value as i64;
    let fits = bits < 64 && signed < 0 && i128::from(signed) >= -(1i128 << (bits - 1));
    (fits && !unsigned_only).then(|| signed.to_string())
}

/// The width our compiler gives `argN` of `name` without an override: the
/// kernel's prototype, else the register (as `resolve.rs` does it).
pub fn declared_bits(arch: Arch, name: &str, arg: u8) -> u8 {
    let word = arch.word_bits() as u8;
    params::params(arch, name)
        .and_then(|ps| {
            ps.iter().find_map(|p| match p.slot {
                ParamSlot::Arg { index, bits } if index == arg => Some(bits),
                _ => None,
            })
        })
        .unwrap_or(word)
        .min(word)
}

/// Calls that libseccomp also turns into `socketcall(call)` / `ipc(call)`
/// rules where those multiplexers exist (include/uapi/linux/net.h,
/// include/uapi/linux/ipc.h), dropping the rule's argument comparisons.
pub const MULTIPLEXED: [&str; 32] = [
    "socket",
    "bind",
    "connect",
    "listen",
    "accept",
    "getsockname",
    "getpeername",
    "socketpair",
    "send",
    "recv",
    "sendto",
    "recvfrom",
    "shutdown",
    "setsockopt",
    "getsockopt",
    "sendmsg",
    "recvmsg",
    "accept4",
    "recvmmsg",
    "sendmmsg",
    "semop",
    "semget",
    "semctl",
    "semtimedop",
    "msgsnd",
    "msgrcv",
    "msgget",
    "msgctl",
    "shmat",
    "shmdt",
    "shmget",
    "shmctl",
];

/// Whether libseccomp multiplexes on `arch` (2.5.4: x86, s390x, powerpc64).
pub fn multiplexes(arch: Arch) -> bool {
    matches!(arch, Arch::X86 | Arch::S390x | Arch::Powerpc64le)
}

/// Which of the other sides the generated policy is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// libseccomp: every operator, `Full` and `Declared` widths, several
    /// actions per syscall when disjoint, any default action.
    Libseccomp,
    /// seccompiler: one match action and one mismatch action, `Qword`
    /// (`Full`) and `Dword` (`Low32`) comparisons.
    Seccompiler { match_action: Action },
}

const ACTIONS: [Action; 9] = [
    Action::Allow,
    Action::Log,
    Action::KillProcess,
    Action::KillThread,
    Action::Trap,
    Action::Errno(1),
    // libseccomp 2.5.4 refuses `SCMP_ACT_ERRNO(4095)` (MAX_ERRNO) with -EINVAL.
    Action::Errno(4094),
    Action::Trace(7),
    Action::UserNotif,
];

/// Random actions for defaults: everything but `user_notif` (libseccomp
/// refuses it as a default action) with errno and kill weighted up.
pub fn random_default(rng: &mut Rng) -> Action {
    match rng.below(10) {
        0..=2 => Action::KillProcess,
        3 | 4 => Action::Errno(1 + rng.below(200) as u16),
        5 => Action::Allow,
        6 => Action::Trap,
        7 => Action::KillThread,
        8 => Action::Log,
        _ => Action::Trace(rng.below(0x1_0000) as u16),
    }
}

fn random_action(rng: &mut Rng, not: Action) -> Action {
    loop {
        let a = match rng.below(12) {
            0..=8 => ACTIONS[rng.below(ACTIONS.len())],
            9 => Action::Errno(rng.below(4095) as u16),
            10 => Action::Allow,
            _ => Action::Errno(38),
        };
        if a != not {
            return a;
        }
    }
}

/// A random policy for `arch` over syscalls from `names` (number and name
/// on `arch`, known to both sides).
pub fn random_policy(
    rng: &mut Rng,
    arch: Arch,
    names: &[(u32, &'static str)],
    flavor: Flavor,
) -> RulePolicy {
    let default = match flavor {
        Flavor::Libseccomp => random_default(rng),
        Flavor::Seccompiler { match_action } => loop {
            let d = random_default(rng);
            if d != match_action {
                break d;
            }
        },
    };
    let unknown = match rng.below(4) {
        0 | 1 => Some(default),
        2 => None,
        _ => Some(random_default(rng)),
    };
    // Mostly a few dozen syscalls, sometimes hundreds (long dispatch).
    let count = if rng.chance(15) {
        100 + rng.below(250)
    } else {
        1 + rng.below(40)
    };
    let mut chosen: Vec<(u32, &'static str)> = Vec::new();
    for _ in 0..count.min(names.len()) {
        let n = *rng.pick(names);
        if !chosen.iter().any(|c| c.0 == n.0) {
            chosen.push(n);
        }
    }
    let conditional_percent = if count > 60 { 5 } else { 35 };
    let syscalls = chosen
        .into_iter()
        .map(|(nr, name)| {
            let rules = if rng.chance(conditional_percent) {
                conditional_rules(rng, arch, name, default, flavor)
            } else {
                let action = match flavor {
                    Flavor::Libseccomp => random_action(rng, default),
                    Flavor::Seccompiler { match_action } => match_action,
                };
                vec![Rule {
                    action,
                    conds: Vec::new(),
                }]
            };
            SyscallRules { name, nr, rules }
        })
        .collect();
    RulePolicy {
        arch,
        default,
        unknown,
        syscalls,
        spelling: rng.next_u64(),
    }
}

fn conditional_rules(
    rng: &mut Rng,
    arch: Arch,
    name: &str,
    default: Action,
    flavor: Flavor,
) -> Vec<Rule> {
    let n = 1 + rng.below(4);
    let one_action = match flavor {
        Flavor::Libseccomp => random_action(rng, default),
        Flavor::Seccompiler { match_action } => match_action,
    };
    // Several actions on a multiplexed call would become several actions
    // on the same `socketcall(call)` rule, which libseccomp refuses.
    let mux = multiplexes(arch) && MULTIPLEXED.contains(&name);
    let disjoint = flavor == Flavor::Libseccomp && n > 1 && !mux && rng.chance(35);
    let discriminator = rng.below(6) as u8;
    let mut rules = Vec::new();
    for i in 0..n {
        let mut conds = Vec::new();
        let mut args: Vec<u8> = (0..6).collect();
        if disjoint {
            args.retain(|&a| a != discriminator);
            conds.push(ArgCmp {
                arg: discriminator,
                width: Width::Full,
                op: Op::Eq,
                // Distinct small values: disjoint under every reading.
                value: i as u64 * 3 + rng.below(3) as u64,
            });
        }
        let extra = if disjoint {
            rng.below(3)
        } else {
            1 + rng.below(3)
        };
        for _ in 0..extra {
            let arg = args.remove(rng.below(args.len()));
            conds.push(random_cmp(rng, arch, name, arg, flavor));
        }
        // libseccomp sorts a rule's comparisons itself; the order must not matter.
        if rng.chance(50) {
            conds.reverse();
        }
        let action = if disjoint {
            random_action(rng, default)
        } else {
            one_action
        };
        rules.push(Rule { action, conds });
    }
    rules
}

const SMALL: [u64; 16] = [
    0,
    1,
    2,
    3,
    5,
    7,
    0x10,
    0xff,
    0x100,
    0x7fff,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_fffe,
    0xffff_ffff,
];
const WIDE: [u64; 8] = [
    0x1_0000_0000,
    0x1_0000_0001,
    0xffff_ffff_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 1,
    0x1234_5678_9abc_def0,
];
const NEGATIVE: [i64; 6] = [-1, -2, -100, -4096, -0x8000, i32::MIN as i64];
const MASKS: [u64; 10] = [
    0xff,
    0xf0,
    0x1,
    0x8000_0000,
    0xffff_0000,
    0xffff_ffff,
    0xffff_ffff_0000_0000,
    0x8000_0000_0000_0001,
    u64::MAX,
    0,
];

fn random_value(rng: &mut Rng) -> u64 {
    match rng.below(10) {
        0..=4 => *rng.pick(&SMALL),
        5 | 6 => *rng.pick(&WIDE),
        7 | 8 => *rng.pick(&NEGATIVE) as u64,
        _ => rng.next_u64() >> rng.below(64),
    }
}

fn random_cmp(rng: &mut Rng, arch: Arch, name: &str, arg: u8, flavor: Flavor) -> ArgCmp {
    let word = arch.word_bits() as u8;
    let width = match flavor {
        Flavor::Libseccomp if rng.chance(20) => Width::Declared,
        Flavor::Seccompiler { .. } if rng.chance(30) => Width::Low32,
        _ => Width::Full,
    };
    let bits = match width {
        Width::Full => word,
        Width::Low32 => 32,
        Width::Declared => declared_bits(arch, name, arg),
    };
    let op = match rng.below(8) {
        0 => Op::Ne,
        1 => Op::Lt,
        2 => Op::Le,
        3 | 4 => Op::Eq,
        5 => Op::Ge,
        6 => Op::Gt,
        _ => loop {
            let m = if rng.chance(80) {
                *rng.pick(&MASKS)
            } else {
                rng.next_u64()
            };
            if m <= width_mask(bits) {
                break Op::MaskedEq(m);
            }
        },
    };
    let unsigned_only = op.is_ordering();
    let value = loop {
        let mut v = random_value(rng);
        if let Op::MaskedEq(m) = op {
            // Mostly within the mask; bits outside it check that the
            // other side masks the datum (we are given it masked).
            if rng.chance(85) {
                v &= m;
            }
            break v;
        }
        // What libseccomp is handed: on a 32-bit architecture our
        // compiler refuses a value it would truncate, so only values it
        // reads the same way are generated (see `literal`).
        if literal(v, bits, unsigned_only).is_some() {
            break v;
        }
    };
    ArgCmp {
        arg,
        width,
        op,
        value,
    }
}

/// Values around a comparison's constants: the value, +-1, the ends of
/// the ranges, garbage above the width our side reads, sign extensions,
/// bits outside a mask.
fn boundary(rng: &mut Rng, c: &ArgCmp, our_bits: u8) -> u64 {
    let v = c.value;
    let garbage_above = |rng: &mut Rng, x: u64| {
        if our_bits >= 64 {
            x ^ (1u64 << rng.below(64))
        } else {
            (x & width_mask(our_bits)) | (rng.next_u64() << our_bits)
        }
    };
    match (c.op, rng.below(14)) {
        (Op::MaskedEq(m), 0..=3) => (v & m) | (rng.next_u64() & !m),
        (Op::MaskedEq(m), 4) => (v & m) ^ (m & m.wrapping_neg()),
        (Op::MaskedEq(m), 5) => m,
        (_, 0..=2) => v,
        (_, 3) => v.wrapping_add(1),
        (_, 4) => v.wrapping_sub(1),
        (_, 5) => reduce(i128::from(v as u32 as i32), 64),
        (_, 6) => v & 0xffff_ffff,
        (_, 7) => v | 0xffff_ffff_0000_0000,
        (_, 8 | 9) => garbage_above(rng, v),
        (_, 10) => 0,
        (_, 11) => u64::MAX,
        (_, 12) => !v,
        _ => rng.next_u64(),
    }
}

/// Inputs for `p`: every number in `0..1024` and the ends of the number
/// space, x32 and architecture-private numbers, other architectures'
/// `AUDIT_ARCH_*` values, and for each rule `per_rule` argument vectors
/// built around its comparisons (so that conjunctions do match), plus
/// random ones.
pub fn inputs(p: &RulePolicy, rng: &mut Rng, per_rule: usize) -> Vec<SeccompData> {
    let arch = p.arch.audit_arch();
    let constants = p.constants();
    let background = |rng: &mut Rng| {
        let mut a = [0u64; 6];
        for x in &mut a {
            *x = if rng.chance(60) {
                let c = *rng.pick(&constants);
                match rng.below(4) {
                    0 => c.wrapping_add(1),
                    1 => (c & 0xffff_ffff) | (rng.next_u64() << 32),
                    _ => c,
                }
            } else {
                rng.next_u64()
            };
        }
        a
    };
    let data = |nr: u32, arch: u32, args: [u64; 6]| SeccompData {
        nr,
        arch,
        instruction_pointer: 0x7fff_0000_1000,
        args,
    };
    let mut out = Vec::new();
    let mut numbers: Vec<u32> = (0..1024).collect();
    numbers.extend([
        u32::MAX,
        u32::MAX - 1,
        0x3fff_ffff,
        0x7fff_ffff,
        0x8000_0000,
    ]);
    // x32 (`__X32_SYSCALL_BIT`), ARM's private numbers (`__ARM_NR_BASE`).
    numbers.extend([0x4000_0000, 0x4000_0001, 0x4000_0200, 0x4000_0221]);
    numbers.extend(0xf_0000..0xf_0008);
    for s in &p.syscalls {
        numbers.push(0x4000_0000 | s.nr);
    }
    for nr in numbers {
        out.push(data(nr, arch, background(rng)));
    }
    for s in &p.syscalls {
        for _ in 0..per_rule / 4 + 1 {
            out.push(data(s.nr, arch, background(rng)));
        }
        for r in &s.rules {
            for _ in 0..if r.conds.is_empty() { 1 } else { per_rule } {
                let mut args = background(rng);
                for c in &r.conds {
                    let our_bits = p.bits(s.name, c, Reading::Ours);
                    args[usize::from(c.arg)] = boundary(rng, c, our_bits);
                }
                out.push(data(s.nr, arch, args));
            }
        }
    }
    // Other ABIs: every other architecture, x32's own AUDIT_ARCH value
    // (libseccomp's SCMP_ARCH_X32), nonsense.
    let mut foreign: Vec<u32> = Arch::ALL
        .iter()
        .map(|a| a.audit_arch())
        .filter(|&a| a != arch)
        .collect();
    foreign.extend([0x4000_003e, 0, u32::MAX, arch ^ 0x8000_0000]);
    let some_numbers: Vec<u32> = p.syscalls.iter().map(|s| s.nr).chain([0, 1, 59]).collect();
    for a in foreign {
        for _ in 0..4 {
            out.push(data(*rng.pick(&some_numbers), a, background(rng)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_the_same_low_bits() {
        assert_eq!(literal(5, 32, false).unwrap(), "5");
        assert_eq!(literal(0xffff_ffff, 32, true).unwrap(), "0xffffffff");
        assert_eq!(literal(u64::MAX, 32, false).unwrap(), "-1");
        assert_eq!(literal(u64::MAX, 32, true), None);
        assert_eq!(literal(u64::MAX, 64, true).unwrap(), "0xffffffffffffffff");
        assert_eq!(literal(0x1_0000_0000, 32, false), None);
        assert_eq!(literal((-0x8000i64) as u64, 16, false).unwrap(), "-32768");
        assert_eq!(literal((-0x8001i64) as u64, 16, false), None);
    }

    #[test]
    fn generated_policies_compile_everywhere() {
        let mut rng = Rng::new(1);
        for arch in [Arch::X86_64, Arch::X86, Arch::S390x] {
            let names: Vec<_> = seccomp_compiler::tables::syscalls::table(arch)
                .entries()
                .iter()
                .copied()
                .filter(|(nr, _)| *nr < 1024)
                .collect();
            for _ in 0..50 {
                let p = random_policy(&mut rng, arch, &names, Flavor::Libseccomp);
                let text = p.to_text();
                let c = seccomp_compiler::compile_str(&text)
                    .unwrap_or_else(|e| panic!("{text}\n{e:?}"));
                assert!(c.get(arch).is_some(), "{text}\n{:?}", c.arches[0].outcome);
            }
        }
    }
}
