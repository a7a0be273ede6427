// A misspelt syscall name: the nearest real one is suggested.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep wirte;
};

fn main() {
    let _ = POLICY;
}
