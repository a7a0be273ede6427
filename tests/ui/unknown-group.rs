// A misspelt group name.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-servce;
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
