// A misspelt action.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    deny kill_proces;
    base @system-service;
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
