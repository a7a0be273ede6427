// seccomp sees six arguments, `arg0` to `arg5`.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(arg6 == 1);
};

fn main() {
    let _ = POLICY;
}
