// `successors` given twice.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    successors off;
    base @system-service;
    drop ptrace;
    successors on;
};

fn main() {
    let _ = POLICY;
}
