// `open` exists on x86_64 but not on the architectures this policy selects.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    arch aarch64, riscv64;
    base @system-service;
    drop ptrace;
    keep open;
};

fn main() {
    let _ = POLICY;
}
