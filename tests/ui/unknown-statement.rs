// `allow` is an action, not a statement.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    allow write;
};

fn main() {
    let _ = POLICY;
}
