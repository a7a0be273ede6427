//! Figure 5: the macro's work, timed. `seccomp_policy!` runs the compiler
//! inside rustc, for all eight architectures; cargo builds proc macros
//! unoptimised unless the user's profile says otherwise (its
//! `build-override` default), so both builds of the compiler are timed:
//! this binary as built (`--release`: optimised) and the same binary built
//! with the dev profile (unoptimised), which `bench/run.sh` builds and
//! passes with `--unoptimised`.

use crate::competitors::ours;
use crate::policies::Policy;
use crate::stats::median;
use std::process::Command;
use std::time::Instant;

/// Runs per policy.
const RUNS: usize = 15;

/// Median microseconds to compile `text` for every architecture.
pub fn time(text: &str) -> Result<f64, String> {
    let mut us = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let compiled = ours::compile(text)?;
        us.push(start.elapsed().as_nanos() as f64 / 1000.0);
        std::hint::black_box(compiled);
    }
    Ok(median(&us))
}

/// `key microseconds` per policy: what `seccomp-bench expansion` prints.
pub fn print(policies: &[Policy]) -> Result<(), String> {
    for p in policies {
        println!("{} {}", p.key, time(&p.ours)?);
    }
    Ok(())
}

/// The timings of another build of this binary (`BINARY expansion`),
/// in `policies`' order.
pub fn from_binary(binary: &str, policies: &[Policy]) -> Result<Vec<f64>, String> {
    let out = Command::new(binary)
        .arg("expansion")
        .output()
        .map_err(|e| format!("{binary}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{binary} expansion: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    policies
        .iter()
        .map(|p| {
            text.lines()
                .find_map(|l| l.strip_prefix(p.key)?.strip_prefix(' ')?.parse().ok())
                .ok_or_else(|| format!("{binary} expansion printed no time for {}", p.key))
        })
        .collect()
}
