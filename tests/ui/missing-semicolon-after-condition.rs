// A `keep` with a condition is not ended: the error points after the
// condition's `)`, not under the whole condition.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    keep write(fd == 1 | 2)
    drop ptrace;
};

fn main() {
    let _ = POLICY;
}
