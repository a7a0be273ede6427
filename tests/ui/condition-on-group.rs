// Conditions test one syscall's parameters.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep @basic-io(fd == 1);
};

fn main() {
    let _ = POLICY;
}
