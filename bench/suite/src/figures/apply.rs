//! Figure 3: installing. The kernel's `seccomp(2)` alone (it validates
//! the program, translates it to eBPF and fills the constant-action cache,
//! all of which grows with the program), and the whole path as each
//! library's user calls it: ours `Policy::apply()` (the program was built
//! by the compiler), seccompiler building its `BpfProgram` from the rules
//! and `apply_filter`, libseccomp `seccomp_init`, the rules,
//! `seccomp_load`, firejail running `fseccomp` and loading its file. Each
//! measurement in a forked child of its own, interleaved over rounds,
//! medians.

use crate::child;
use crate::competitors::{Built, Competitor, firejail, seccompiler};
use crate::policies::Policy;
use crate::stats::median;
use std::collections::BTreeMap;
use std::time::Instant;

/// Medians in microseconds per (policy, competitor): (`seccomp(2)` alone,
/// the whole path).
pub struct Installs {
    pub us: BTreeMap<(&'static str, Competitor), (f64, f64)>,
    pub rounds: usize,
}

fn micros(start: Instant) -> f64 {
    start.elapsed().as_nanos() as f64 / 1000.0
}

/// The kernel's part: `seccomp(2)` with the finished program.
fn kernel_only(built: &Built) -> Result<f64, String> {
    let mut filters = child::kernel_layout(&built.program);
    child::no_new_privs()?;
    let start = Instant::now();
    child::install(&mut filters)?;
    Ok(micros(start))
}

/// What the user of `built.competitor` calls, building included.
fn whole_path(policy: &Policy, built: &Built) -> Result<f64, String> {
    match built.competitor {
        Competitor::Ours => {
            let policy = ours_policy(built);
            let start = Instant::now();
            policy.apply().map_err(|e| e.to_string())?;
            Ok(micros(start))
        }
        Competitor::Seccompiler => {
            let start = Instant::now();
            let prog = seccompiler::build(&policy.rules)?;
            ::seccompiler::apply_filter(&prog).map_err(|e| e.to_string())?;
            Ok(micros(start))
        }
        Competitor::LibseccompList | Competitor::LibseccompTree => {
            libseccomp_path(policy, built.competitor)
        }
        Competitor::Firejail => {
            let start = Instant::now();
            let prog = firejail::program(&policy.rules)?;
            child::no_new_privs()?;
            child::install(&mut child::kernel_layout(&prog))?;
            Ok(micros(start))
        }
    }
}

/// Our runtime's `Policy` for the program, as the macro would emit it.
fn ours_policy(built: &Built) -> &'static seccomp_runtime::Policy {
    let actions: Vec<u32> = {
        let mut kinds: Vec<u32> = built
            .program
            .iter()
            .filter(|f| f.code == seccomp_compiler::bpf::BPF_RET | seccomp_compiler::bpf::BPF_K)
            .map(|f| seccomp_compiler::action::Action::from_ret(f.k).kind_ret())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    };
    tests::kernel::policy_from_filters(&built.program, &actions)
}

#[cfg(feature = "libseccomp")]
fn libseccomp_path(policy: &Policy, c: Competitor) -> Result<f64, String> {
    let optimize = if c == Competitor::LibseccompTree {
        2
    } else {
        1
    };
    let start = Instant::now();
    let f = crate::competitors::libseccomp::filter(policy, optimize).map_err(|e| e.to_string())?;
    f.load().map_err(|e| e.to_string())?;
    Ok(micros(start))
}

#[cfg(not(feature = "libseccomp"))]
fn libseccomp_path(_: &Policy, _: Competitor) -> Result<f64, String> {
    Err(crate::competitors::libseccomp::NOT_BUILT.to_owned())
}

/// Measures every program both ways over `rounds` rounds.
pub fn run(policies: &[(&Policy, Vec<Built>)], rounds: usize) -> Result<Installs, String> {
    let jobs: Vec<(usize, usize)> = policies
        .iter()
        .enumerate()
        .flat_map(|(i, (_, built))| (0..built.len()).map(move |j| (i, j)))
        .collect();
    let mut samples: BTreeMap<(usize, usize), (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for round in 0..rounds {
        let shift = round * 5 % jobs.len().max(1);
        for &(i, j) in jobs[shift..].iter().chain(&jobs[..shift]) {
            let (policy, built) = &policies[i];
            let b = &built[j];
            let what = |e| format!("{} by {}: {e}", policy.key, b.competitor.name());
            let kernel = child::run(|| kernel_only(b).map(|t| vec![t])).map_err(what)?;
            let whole = child::run(|| whole_path(policy, b).map(|t| vec![t])).map_err(what)?;
            let s = samples.entry((i, j)).or_default();
            s.0.push(kernel[0]);
            s.1.push(whole[0]);
        }
        eprint!("\r  apply: round {}/{rounds}", round + 1);
    }
    eprintln!();
    let us = samples
        .into_iter()
        .map(|((i, j), (k, w))| {
            (
                (policies[i].0.key, policies[i].1[j].competitor),
                (median(&k), median(&w)),
            )
        })
        .collect();
    Ok(Installs { us, rounds })
}
