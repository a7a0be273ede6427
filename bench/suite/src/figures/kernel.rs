//! Figure 2, on the real kernel: nanoseconds per call with each program
//! installed in a forked child of its own, every program of a round in a
//! rotating order (so a burst of load from elsewhere hits all alike), the
//! median over the rounds of each child's best batch.

use crate::child;
use crate::competitors::{Built, Competitor};
use crate::policies::{Policy, Probe};
use crate::stats::median;
use std::collections::BTreeMap;
use std::time::Instant;

/// Calls per batch, and batches per child (the best counts: the least
/// disturbed by other work).
const CALLS: u32 = 1_000;
pub const BATCHES: usize = 40;

/// Which filter a measurement ran under: `None` is no filter.
pub type Under = Option<Competitor>;

/// A measurement's key: policy, filter, probe kind.
pub type Key = (&'static str, Under, crate::policies::ProbeKind);

/// Medians per (policy, filter, probe kind), in ns per call, and each
/// round's value for the ratios.
pub struct Costs {
    pub ns: BTreeMap<Key, f64>,
    pub per_round: BTreeMap<Key, Vec<f64>>,
    pub rounds: usize,
}

impl Costs {
    /// The median over rounds of `a`'s cost over `b`'s in the same round
    /// (less sensitive to load that changes between rounds than the ratio
    /// of the medians).
    pub fn ratio(&self, a: &Key, b: &Key) -> Option<f64> {
        let (a, b) = (self.per_round.get(a)?, self.per_round.get(b)?);
        let ratios: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        Some(median(&ratios))
    }
}

/// The raw syscall `p`; Ok for success, Err(errno) otherwise.
fn call(p: &Probe) -> Result<(), i32> {
    let a = p.args.map(|a| a as libc::c_long);
    // SAFETY: a raw syscall whose arguments are plain integers (every probe
    // passes NULL or no pointer at all).
    let rc = unsafe {
        libc::syscall(
            libc::c_long::from(p.nr as i32),
            a[0],
            a[1],
            a[2],
            a[3],
            a[4],
            a[5],
        )
    };
    if rc < 0 {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        Ok(())
    }
}

/// Whether `got` is what the filter should make of `p`: its errno for a
/// refused call; for an allowed one, anything but the refusals the
/// policies use (EPERM, and ENOSYS for unknown numbers).
fn as_expected(p: &Probe, got: Result<(), i32>) -> bool {
    match p.refused_with {
        Some(errno) => got == Err(errno),
        None => !matches!(got, Err(libc::EPERM | libc::ENOSYS)),
    }
}

/// The best of [`BATCHES`] batches of `p`, in ns per call, after checking
/// (under a filter) that the call does what the policy says.
fn time_probe(p: &Probe, filtered: bool) -> Result<f64, String> {
    let got = call(p);
    if filtered && !as_expected(p, got) {
        return Err(format!(
            "{} gave {got:?}, expected refusal {:?}",
            p.call, p.refused_with
        ));
    }
    let mut best = f64::INFINITY;
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..CALLS {
            let _ = std::hint::black_box(call(std::hint::black_box(p)));
        }
        best = best.min(start.elapsed().as_nanos() as f64 / f64::from(CALLS));
    }
    Ok(best)
}

/// One child: install `prog` (if any), time each probe.
fn measure(
    prog: Option<&[seccomp_compiler::bpf::SockFilter]>,
    probes: &[Probe],
) -> Result<Vec<f64>, String> {
    child::run(|| {
        child::stdout_to_null()?;
        if let Some(prog) = prog {
            child::no_new_privs()?;
            child::install(&mut child::kernel_layout(prog))?;
        }
        probes
            .iter()
            .map(|p| time_probe(p, prog.is_some()))
            .collect()
    })
}

/// Measures every policy's programs over `rounds` rounds.
pub fn run(policies: &[(&Policy, Vec<Built>)], rounds: usize) -> Result<Costs, String> {
    let mut jobs: Vec<(usize, Under)> = Vec::new();
    for (i, (_, built)) in policies.iter().enumerate() {
        jobs.push((i, None));
        jobs.extend(built.iter().map(|b| (i, Some(b.competitor))));
    }
    let mut samples: BTreeMap<(usize, Under), Vec<Vec<f64>>> = BTreeMap::new();
    for round in 0..rounds {
        let shift = round * 7 % jobs.len();
        for &(i, under) in jobs[shift..].iter().chain(&jobs[..shift]) {
            let (policy, built) = &policies[i];
            let prog = under.map(|c| {
                built
                    .iter()
                    .find(|b| b.competitor == c)
                    .map(|b| b.program.as_slice())
                    .unwrap_or(&[])
            });
            let ns = measure(prog, &policy.probes).map_err(|e| {
                format!(
                    "{} under {}: {e}",
                    policy.key,
                    under.map_or("no filter", Competitor::name)
                )
            })?;
            samples.entry((i, under)).or_default().push(ns);
        }
        eprint!("\r  kernel: round {}/{rounds}", round + 1);
    }
    eprintln!();
    let (mut ns, mut by_round) = (BTreeMap::new(), BTreeMap::new());
    for ((i, under), per_round) in samples {
        let policy = policies[i].0;
        for (k, probe) in policy.probes.iter().enumerate() {
            let values: Vec<f64> = per_round.iter().map(|r| r[k]).collect();
            ns.insert((policy.key, under, probe.kind), median(&values));
            by_round.insert((policy.key, under, probe.kind), values);
        }
    }
    Ok(Costs {
        ns,
        per_round: by_round,
        rounds,
    })
}
