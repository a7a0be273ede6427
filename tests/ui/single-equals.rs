// Equality is `==`.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd = 1);
};

fn main() {
    let _ = POLICY;
}
