// `clone3` passes its flags in memory, so conditions on `clone` can be bypassed.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep clone(clone_flags & 0x10000 == 0x10000);
    keep clone3;
};

fn main() {
    let _ = POLICY;
}
