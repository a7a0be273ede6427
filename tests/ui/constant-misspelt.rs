// A lone name is a kernel constant; a misspelt one gets the nearest name.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep openat(flags & O_DIRECTROY == 0);
};

fn main() {
    let _ = POLICY;
}
