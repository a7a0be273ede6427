// The `base` statement is not ended.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
