// The policy file does not exist.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy!(file = "ui/policies/no-such.policy");

fn main() {
    let _ = POLICY;
}
