// A mistake inside a policy file is reported as file:line:col with an excerpt.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy!(file = "ui/policies/syntax-error.policy");

fn main() {
    let _ = POLICY;
}
