// A policy has one starting set.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    base @basic-io;
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
