// Unbalanced parentheses in a policy file: our lexer reports them.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy!(file = "ui/policies/unbalanced.policy");

fn main() {
    let _ = POLICY;
}
