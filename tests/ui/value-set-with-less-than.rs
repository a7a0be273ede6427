// Value sets mean "any of" with `==` and "none of" with `!=`; with `<` nothing.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(count < 10 | 20);
};

fn main() {
    let _ = POLICY;
}
