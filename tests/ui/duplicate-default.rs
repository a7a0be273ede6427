// `default` given twice.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    default allow;
    drop ptrace;
    default errno(EPERM);
};

fn main() {
    let _ = POLICY;
}
