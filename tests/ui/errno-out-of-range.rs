// errno values stop at 4095 (MAX_ERRNO).
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace => errno(5000);
};

fn main() {
    let _ = POLICY;
}
