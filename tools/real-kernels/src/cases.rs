//! The cases: for every run, the calls its driver makes, and what the
//! compiler's reference evaluator (`decide::eval`, which walks the
//! policy's statements, not the program) says each call's filter returns.
//!
//! Per policy and architecture: every probe the architecture has, with
//! argument vectors built around the constants the policy compares that
//! syscall's registers with (exactly, one off, with random high words),
//! numbers no table knows, the number register with bits the kernel
//! ignores, and on x86_64 x32 numbers. Through another ABI: a few probes
//! under that ABI's numbers, which the program must kill.

use crate::abi::Abi;
use crate::probes::{GUARD_PROBES, PROBES, Probe};
use crate::runs::{RUNS, Run};
use seccomp_compiler::arch::X32_SYSCALL_BIT;
use seccomp_compiler::bpf::SeccompData;
use seccomp_compiler::compile::ArchOutput;
use seccomp_compiler::ir::{Operand, ResolvedPolicy};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::testing::Rng;
use seccomp_compiler::{Action, Arch, Compilation, decide};
use std::path::PathBuf;

/// A policy file, compiled.
pub struct Policy {
    /// The file's stem: names its programs and appears in messages.
    pub name: String,
    pub path: PathBuf,
    pub compiled: Compilation,
}

/// One call under one program, and what the filter should return.
#[derive(Clone, Debug)]
pub struct Case {
    pub id: String,
    pub run: &'static str,
    pub policy: String,
    /// Whose program the driver loads.
    pub program: Arch,
    /// The syscall's name in the ABI's table, or why the number is odd.
    pub call: String,
    /// The number register, and the six argument registers.
    pub nr: u64,
    pub args: [u64; 6],
    /// `seccomp_data.nr` and `.arch` as the kernel builds them.
    pub seen_nr: u32,
    pub audit_arch: u32,
    pub expected: Action,
    /// Every other action the program can return.
    pub others: Vec<Action>,
}

/// A policy puts a condition on a register a probe needs fixed.
#[derive(Debug)]
pub struct FixedRegister {
    pub policy: String,
    pub arch: Arch,
    pub syscall: &'static str,
    pub slot: usize,
}

/// Where `seccompc` writes the program of `policy` for `arch`, relative
/// to the driver's working directory.
pub fn program_file(policy: &str, arch: Arch) -> String {
    format!("programs/{policy}.{arch}.bpf")
}

/// Every case of every run.
pub fn all_cases(policies: &[Policy]) -> Result<Vec<Case>, FixedRegister> {
    let mut out = Vec::new();
    for run in &RUNS {
        out.extend(run_cases(run, policies)?);
    }
    Ok(out)
}

fn run_cases(run: &'static Run, policies: &[Policy]) -> Result<Vec<Case>, FixedRegister> {
    let mut cases = Vec::new();
    for policy in policies {
        if let Some(output) = run.native.and_then(|a| policy.compiled.get(a)) {
            for call in native_calls(&policy.name, &output.resolved, run.abi)? {
                cases.push(judge(run, policy, output, call));
            }
        }
        if let Some(output) = run.guarded.and_then(|a| policy.compiled.get(a)) {
            for call in guard_calls(&policy.name, run.abi) {
                cases.push(judge(run, policy, output, call));
            }
        }
    }
    for (i, case) in cases.iter_mut().enumerate() {
        case.id = format!("{}-{i}", run.name);
    }
    Ok(cases)
}

/// A call before judgement.
struct Call {
    name: String,
    nr: u64,
    args: [u64; 6],
}

fn judge(run: &'static Run, policy: &Policy, output: &ArchOutput, call: Call) -> Case {
    let seen_nr = run.abi.seen_nr(call.nr);
    let data = SeccompData {
        nr: seen_nr,
        arch: run.abi.audit_arch,
        instruction_pointer: 0,
        args: call.args,
    };
    // Text policies have no symbolic values.
    let expected = decide::eval(&output.resolved, &data, &|_| 0);
    let others = output
        .table
        .actions()
        .into_iter()
        .filter(|&a| a != expected)
        .collect();
    Case {
        id: String::new(),
        run: run.name,
        policy: policy.name.clone(),
        program: output.resolved.arch,
        call: call.name,
        nr: call.nr,
        args: call.args,
        seen_nr,
        audit_arch: run.abi.audit_arch,
        expected,
        others,
    }
}

/// Vectors per probe the policy puts conditions on, and per other probe.
const CONDITIONED_VECTORS: usize = 16;
const PLAIN_VECTORS: usize = 2;
/// Probes per policy made with bits the kernel drops in the number.
const DROPPED_BIT_CALLS: usize = 3;

fn native_calls(policy: &str, rp: &ResolvedPolicy, abi: Abi) -> Result<Vec<Call>, FixedRegister> {
    let table = syscalls::table(abi.numbers);
    let mut calls = Vec::new();
    for probe in &PROBES {
        let Some(nr) = table.number(probe.name) else {
            continue;
        };
        let constants = slot_constants(rp, nr);
        if let Some(slot) =
            (0..6).find(|&s| probe.fixed_value(s).is_some() && !constants[s].is_empty())
        {
            return Err(FixedRegister {
                policy: policy.to_owned(),
                arch: rp.arch,
                syscall: probe.name,
                slot,
            });
        }
        let count = if constants.iter().any(|c| !c.is_empty()) {
            CONDITIONED_VECTORS
        } else {
            PLAIN_VECTORS
        };
        let mut rng = Rng::new(seed(&[policy, abi.name, probe.name]));
        let mut vectors: Vec<[u64; 6]> = Vec::new();
        for i in 0..count {
            let v = vector(&mut rng, &constants, probe, abi, i == 0);
            if !vectors.contains(&v) {
                vectors.push(v);
            }
        }
        calls.extend(vectors.into_iter().map(|args| Call {
            name: probe.name.to_owned(),
            nr: u64::from(nr),
            args,
        }));
    }
    calls.extend(odd_numbers(rp, abi));
    Ok(calls)
}

/// Numbers that are not a probe's plain number: numbers no table knows,
/// bits of the number register the kernel drops, and x32 numbers.
fn odd_numbers(rp: &ResolvedPolicy, abi: Abi) -> Vec<Call> {
    let table = syscalls::table(abi.numbers);
    let plain = |name: &str, nr: u64| Call {
        name: name.to_owned(),
        nr,
        args: [0; 6],
    };
    let mut calls = Vec::new();
    // ARM's private numbers 0xf0000..0xf07ff return ENOSYS when unused
    // (arch/arm/kernel/traps.c); elsewhere an unused number is ENOSYS, or
    // SIGILL on arm.
    for nr in [999, 0xf_0010, u64::from(u32::MAX)] {
        let nr_seen = abi.seen_nr(nr);
        if (nr != 0xf_0010 || abi.numbers == Arch::Arm) && !table.knows(nr_seen) {
            calls.push(plain("(no syscall)", nr));
        }
    }
    // The unfiltered call is ENOSYS too: such a case would tell nothing.
    let enosys_like =
        |a: Action| matches!(a, Action::Errno(38) | Action::Trace(_) | Action::UserNotif);
    calls.retain(|c| !enosys_like(outcome(rp, abi, c.nr)));
    calls.extend(dropped_bit_calls(rp, abi));
    if rp.arch.has_x32_abi() {
        for name in ["getppid", "close"] {
            if let Some(nr) = table.number(name) {
                let nr = u64::from(nr | X32_SYSCALL_BIT);
                calls.push(plain(&format!("{name} (x32 number)"), nr));
            }
        }
    }
    calls
}

/// Probes whose number register also holds bits the kernel drops before
/// building `seccomp_data.nr`: `syscall_get_nr()` returns an `int`, and
/// s390's `__do_syscall` (arch/s390/kernel/syscall.c) keeps
/// `gprs[1] & 0xffff` when `svc 0` carries the number in r1, as glibc's
/// `syscall()` does. What runs when the filter lets such a call through
/// differs between kernels (powerpc64 dispatches on the whole register:
/// ENOSYS; riscv64 on the low word, but only when a filter is installed),
/// so only calls the filter refuses are cases: their verdict shows what
/// the filter was given.
fn dropped_bit_calls(rp: &ResolvedPolicy, abi: Abi) -> Vec<Call> {
    let bits = match (abi.nr_mask, abi.word_bits) {
        (0xffff, _) => 0x1_0000,
        (_, 64) => 0xdead_0000_0000_0000,
        _ => return Vec::new(),
    };
    let table = syscalls::table(abi.numbers);
    PROBES
        .iter()
        .filter_map(|p| Some((p.name, u64::from(table.number(p.name)?) | bits)))
        .filter(|&(_, nr)| !outcome(rp, abi, nr).lets_through())
        .take(DROPPED_BIT_CALLS)
        .map(|(name, nr)| Call {
            name: format!("{name} (number with bits the kernel drops)"),
            nr,
            args: [0; 6],
        })
        .collect()
}

/// What the policy does with a call of number `nr` and no arguments.
fn outcome(rp: &ResolvedPolicy, abi: Abi, nr: u64) -> Action {
    let data = SeccompData {
        nr: abi.seen_nr(nr),
        arch: abi.audit_arch,
        ..SeccompData::default()
    };
    decide::eval(rp, &data, &|_| 0)
}

/// Calls through an ABI that is not the program's.
fn guard_calls(policy: &str, abi: Abi) -> Vec<Call> {
    let table = syscalls::table(abi.numbers);
    let mut calls = Vec::new();
    for name in GUARD_PROBES {
        let Some(nr) = table.number(name) else {
            continue;
        };
        let mut rng = Rng::new(seed(&[policy, abi.name, name, "guard"]));
        for args in [[0; 6], [(); 6].map(|_| abi.register(rng.next_u64()))] {
            calls.push(Call {
                name: format!("{name} ({} ABI)", abi.name),
                nr: u64::from(nr),
                args,
            });
        }
    }
    calls
}

/// For each argument register, the constants the policy compares it with
/// for syscall `nr` (values and masks).
fn slot_constants(rp: &ResolvedPolicy, nr: u32) -> [Vec<u64>; 6] {
    let mut out: [Vec<u64>; 6] = Default::default();
    let conditions = rp
        .rules
        .iter()
        .filter_map(|r| r.entries.get(nr))
        .filter_map(|e| e.cond.as_deref());
    for cmp in conditions.flat_map(|c| c.comparisons()) {
        let constants = cmp.values.iter().chain(&cmp.mask).filter_map(|o| match o {
            Operand::Const(c) => Some(*c),
            Operand::Sym(_) => None,
        });
        out[usize::from(cmp.arg)].extend(constants);
    }
    for c in &mut out {
        c.sort_unstable();
        c.dedup();
    }
    out
}

/// One argument vector: fixed registers as the probe needs them, the
/// others around the policy's constants for that register (or random).
fn vector(
    rng: &mut Rng,
    constants: &[Vec<u64>; 6],
    probe: &Probe,
    abi: Abi,
    zeros: bool,
) -> [u64; 6] {
    let mut args = [0u64; 6];
    for (slot, arg) in args.iter_mut().enumerate() {
        *arg = match probe.fixed_value(slot) {
            Some(v) => v,
            None if zeros => 0,
            None => abi.register(around(rng, &constants[slot])),
        };
    }
    args
}

/// A value near one of `constants`: equal, one off, with another high
/// word, or only its low word; sometimes a random one.
fn around(rng: &mut Rng, constants: &[u64]) -> u64 {
    if constants.is_empty() || rng.chance(15) {
        return rng.next_u64();
    }
    let base = *rng.pick(constants);
    match rng.below(6) {
        0 => base.wrapping_add(1),
        1 => base.wrapping_sub(1),
        2 => (base & 0xffff_ffff) | (rng.next_u64() << 32),
        3 => base & 0xffff_ffff,
        _ => base,
    }
}

/// A seed from names (FNV-1a), so the cases do not change from run to run.
fn seed(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.join("/").bytes() {
        h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The committed policies, compiled as `real-kernels cases` does.
    fn policies() -> Vec<Policy> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("tools/real-kernels/policies")
            .map(|e| e.expect("a directory entry").path())
            .collect();
        paths.sort();
        paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).expect("a policy file");
                let compiled = seccomp_compiler::compile_str(&text)
                    .unwrap_or_else(|ds| panic!("{}: {ds:?}", path.display()));
                let name = path
                    .file_stem()
                    .expect("a file name")
                    .to_string_lossy()
                    .into_owned();
                Policy {
                    name,
                    path,
                    compiled,
                }
            })
            .collect()
    }

    /// The action without its data: what coverage is counted by.
    fn kind(a: Action) -> u32 {
        a.kind_ret()
    }

    #[test]
    fn every_run_that_has_native_programs_expects_every_action() {
        let cases = all_cases(&policies()).expect("no condition on a fixed register");
        let every: BTreeSet<u32> = [
            Action::Allow,
            Action::Log,
            Action::KillProcess,
            Action::KillThread,
            Action::Trap,
            Action::Errno(1),
            Action::Trace(0),
            Action::UserNotif,
        ]
        .into_iter()
        .map(kind)
        .collect();
        for run in RUNS.iter().filter(|r| r.native.is_some()) {
            let seen: BTreeSet<u32> = cases
                .iter()
                .filter(|c| c.run == run.name)
                .map(|c| kind(c.expected))
                .collect();
            assert_eq!(seen, every, "run {}", run.name);
        }
    }

    #[test]
    fn every_call_through_another_abi_is_expected_to_be_killed() {
        let cases = all_cases(&policies()).expect("no condition on a fixed register");
        for run in RUNS.iter().filter(|r| r.guarded.is_some()) {
            let guarded: Vec<&Case> = cases
                .iter()
                .filter(|c| c.run == run.name && Some(c.program) == run.guarded)
                .collect();
            assert!(
                guarded.len() >= 8,
                "run {}: {} guard cases",
                run.name,
                guarded.len()
            );
            assert!(guarded.iter().all(|c| c.expected == Action::KillProcess));
        }
    }

    #[test]
    fn conditions_decide_both_ways_and_high_words_vary() {
        // For each conditioned probe of a native run, some vectors make
        // the condition hold and others not: otherwise the cases would
        // not show that the program reads the register right.
        let cases = all_cases(&policies()).expect("no condition on a fixed register");
        let mut outcomes: std::collections::BTreeMap<(&str, &str, &str), BTreeSet<Action>> =
            Default::default();
        for c in cases
            .iter()
            .filter(|c| c.run == "x86_64" && c.policy == "allow-list")
        {
            outcomes
                .entry((c.run, c.policy.as_str(), c.call.as_str()))
                .or_default()
                .insert(c.expected);
        }
        for name in [
            "write",
            "close",
            "umask",
            "personality",
            "dup3",
            "fcntl",
            "ioctl",
            "eventfd2",
        ] {
            let seen = &outcomes[&("x86_64", "allow-list", name)];
            assert!(
                seen.contains(&Action::Allow) && seen.contains(&Action::KillProcess),
                "{name}: {seen:?}"
            );
        }
        let high_word = |c: &Case| c.args.iter().any(|&a| a > u64::from(u32::MAX));
        assert!(
            cases
                .iter()
                .any(|c| c.run == "aarch64" && c.expected == Action::Allow && high_word(c))
        );
        assert!(
            cases
                .iter()
                .filter(|c| c.run == "arm")
                .all(|c| !high_word(c))
        );
    }
}
