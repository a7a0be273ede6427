// `<` is unsigned: a negative Rust value cannot be meant.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(count < { -1 });
};

fn main() {
    let _ = POLICY;
}
