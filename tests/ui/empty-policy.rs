// A policy with no statements would refuse everything, `exit_group` included.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
};

fn main() {
    let _ = POLICY;
}
