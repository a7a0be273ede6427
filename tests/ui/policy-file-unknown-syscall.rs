// A name mistake inside a policy file.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy!(file = "ui/policies/unknown-syscall.policy");

fn main() {
    let _ = POLICY;
}
