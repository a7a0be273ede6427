// A misspelt lint in `acknowledge`.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    acknowledge ptrac;
    keep ptrace;
};

fn main() {
    let _ = POLICY;
}
