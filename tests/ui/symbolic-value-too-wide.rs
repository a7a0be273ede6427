// A Rust value that cannot fit the 32-bit `fd`: a const assertion fails.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd == { 1u64 << 40 });
};

fn main() {
    let _ = POLICY;
}
