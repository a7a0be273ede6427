//! systemd's `@system-service` allow-list with `seccomp_policy!`: compiled
//! to BPF for every architecture when this crate is built, installed at
//! start-up. One of the three crates `bench/build-time/measure.py` builds.

use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
};

fn main() {
    if let Err(e) = POLICY.apply() {
        eprintln!("build-time-ours: cannot install the filter: {e}");
        std::process::exit(1);
    }
    println!("build-time-ours: {} instructions installed", POLICY.len());
}
