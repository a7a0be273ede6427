// A misspelt errno name.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace => errno(EPREM);
};

fn main() {
    let _ = POLICY;
}
