// The policy is compiled for aarch64 only; these tests build for x86_64.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    arch aarch64;
    base @system-service;
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
