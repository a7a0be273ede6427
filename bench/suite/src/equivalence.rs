//! Before any figure: do the competitors' programs mean the same? Every
//! pair of programs built from one policy runs every input of
//! [`inputs`] in the emulator; each disagreement is put
//! down to a known design difference or reported as unexplained.

use crate::competitors::{Built, Competitor};
use crate::inputs::{self, NUMBERS};
use crate::policies::Policy;
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::emu;
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeMap;

/// Why two programs disagree on an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// One side is ours and the number is in no syscall table.
    UnknownNumber,
    /// fseccomp's `kill` returns `SECCOMP_RET_KILL` (kill_thread).
    FirejailKillThread,
    /// fseccomp's keep list always allows execve, execveat and prctl.
    FirejailDefaultKeep,
    /// fseccomp's table lacks the number (it ends at 440) and fseccomp skips
    /// names it does not know.
    FirejailTableEnd,
    /// libseccomp 2.5.4 does not know the name and skips the rule.
    LibseccompUnknownName,
    /// Only with high words set: a 32-bit parameter compared on 64 bits.
    HighWords,
    Unexplained,
}

impl Reason {
    pub fn explain(self) -> &'static str {
        match self {
            Reason::UnknownNumber => {
                "a number no syscall table knows: ours returns `errno(ENOSYS)` (the `unknown` setting's default, so glibc falls back to an older call), the others their default action"
            }
            Reason::FirejailKillThread => {
                "fseccomp's `kill` is `SECCOMP_RET_KILL`, i.e. kill_thread, where the others kill the process"
            }
            Reason::FirejailDefaultKeep => {
                "fseccomp's keep list always allows execve, execveat and prctl (firejail needs them to start the program)"
            }
            Reason::FirejailTableEnd => {
                "firejail 0.9.72's x86_64 syscall table ends at 440 (`process_madvise`: `epoll_pwait2` and later are missing, and so is `uretprobe`, 335): fseccomp silently skips names it does not know, so they get the default action"
            }
            Reason::LibseccompUnknownName => {
                "the syscall is newer than libseccomp 2.5.4, which does not know the name: the rule is skipped (as runc skips it) and the default action applies"
            }
            Reason::HighWords => {
                "only when a high word is set: libseccomp compares 32-bit parameters (`int fd`, `unsigned int cmd`) on all 64 bits, where the kernel, ours and seccompiler's `dword` read the low 32"
            }
            Reason::Unexplained => "UNEXPLAINED",
        }
    }
}

/// An input two programs disagree on: the number, the arguments, and the
/// first and second program's actions.
pub type Example = (u32, [u64; 6], Action, Action);

/// The disagreements of two programs.
pub struct Pair {
    pub a: Competitor,
    pub b: Competitor,
    pub inputs: usize,
    /// Per reason: how many inputs, and the first (nr, args, a's and b's action).
    pub reasons: BTreeMap<Reason, (usize, Example)>,
}

impl Pair {
    pub fn disagreements(&self) -> usize {
        self.reasons.values().map(|(n, _)| n).sum()
    }
}

/// The comparison of one policy's programs.
pub struct Report {
    pub pairs: Vec<Pair>,
    pub inputs: usize,
}

impl Report {
    pub fn unexplained(&self) -> usize {
        self.pairs
            .iter()
            .filter_map(|p| p.reasons.get(&Reason::Unexplained))
            .map(|(n, _)| n)
            .sum()
    }
}

fn action(prog: &[SockFilter], nr: u32, args: [u64; 6]) -> Action {
    let ret = emu::run(prog, &inputs::data(nr, args), false).map_or(u32::MAX, |e| e.ret);
    Action::from_ret(ret)
}

const EXECVE: u32 = 59;
const PRCTL: u32 = 157;
const EXECVEAT: u32 = 322;

/// Why `a` and `b` (built for `policy`) disagree on `nr` with `args`.
fn classify(
    policy: &Policy,
    progs: [&Built; 2],
    nr: u32,
    args: [u64; 6],
    acts: [Action; 2],
) -> Reason {
    let involves = |c: Competitor| progs.iter().any(|p| p.competitor == c);
    let libseccomp = involves(Competitor::LibseccompList) || involves(Competitor::LibseccompTree);
    let table = syscalls::table(Arch::X86_64);
    if involves(Competitor::Ours) && !table.knows(nr) {
        return Reason::UnknownNumber;
    }
    if involves(Competitor::Firejail) {
        let kills = [Action::KillThread, Action::KillProcess];
        if kills.contains(&acts[0]) && kills.contains(&acts[1]) {
            return Reason::FirejailKillThread;
        }
        if [EXECVE, EXECVEAT, PRCTL].contains(&nr) {
            return Reason::FirejailDefaultKeep;
        }
        if !crate::competitors::firejail::knows(nr) {
            return Reason::FirejailTableEnd;
        }
    }
    let named = table
        .name(nr)
        .filter(|n| policy.rules.entries.iter().any(|e| e.name == *n));
    if libseccomp && named.is_some_and(|n| !crate::competitors::libseccomp::knows(n)) {
        return Reason::LibseccompUnknownName;
    }
    let low = inputs::low_words(args);
    if low != args && action(&progs[0].program, nr, low) == action(&progs[1].program, nr, low) {
        return Reason::HighWords;
    }
    Reason::Unexplained
}

/// Runs every pair of `built` over the inputs of `policy`.
pub fn compare(policy: &Policy, built: &[Built]) -> Report {
    let vectors = inputs::vectors(&policy.rules);
    let cases: Vec<(u32, [u64; 6])> = NUMBERS
        .flat_map(|nr| vectors.iter().map(move |&v| (nr, v)))
        .collect();
    let verdicts: Vec<Vec<Action>> = built
        .iter()
        .map(|b| {
            cases
                .iter()
                .map(|&(nr, v)| action(&b.program, nr, v))
                .collect()
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..built.len() {
        for j in i + 1..built.len() {
            let mut pair = Pair {
                a: built[i].competitor,
                b: built[j].competitor,
                inputs: cases.len(),
                reasons: BTreeMap::new(),
            };
            for (k, &(nr, args)) in cases.iter().enumerate() {
                let acts = [verdicts[i][k], verdicts[j][k]];
                if acts[0] != acts[1] {
                    let why = classify(policy, [&built[i], &built[j]], nr, args, acts);
                    let slot = pair
                        .reasons
                        .entry(why)
                        .or_insert((0, (nr, args, acts[0], acts[1])));
                    slot.0 += 1;
                }
            }
            pairs.push(pair);
        }
    }
    Report {
        pairs,
        inputs: cases.len(),
    }
}
