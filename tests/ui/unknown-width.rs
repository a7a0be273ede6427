// Width overrides are `:u32` or `:u64`.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd:u16 == 1);
};

fn main() {
    let _ = POLICY;
}
