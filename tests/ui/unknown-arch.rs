// A misspelt architecture.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    arch x86_46;
    base @system-service;
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
