// In Rust `0644` is decimal, not what a C reader expects.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep fchmod(mode == 0644);
};

fn main() {
    let _ = POLICY;
}
