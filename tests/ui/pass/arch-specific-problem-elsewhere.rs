// `socket` with a condition is fine on x86_64, but on x86 libc may call it
// through `socketcall`, which this policy allows: an error for x86 builds
// only, so this compiles for x86_64.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep socket(family == 1);
};

fn main() {
    assert!(POLICY.len() > 0);
}
