// `( A | B )` ORs non-negative values; AT_FDCWD is -100.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep openat(flags == (O_RDONLY | AT_FDCWD));
};

fn main() {
    let _ = POLICY;
}
