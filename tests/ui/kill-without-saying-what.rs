// `kill` alone: the process or the thread?
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    deny kill;
    base @system-service;
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
