// Allowing ptrace defeats the filter of the traced process; it must be acknowledged.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    keep ptrace;
};

fn main() {
    let _ = POLICY;
}
