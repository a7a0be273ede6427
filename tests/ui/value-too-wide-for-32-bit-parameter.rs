// `fd` is an `unsigned int`: the kernel uses its low 32 bits only.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd == 0x1_0000_0000);
};

fn main() {
    let _ = POLICY;
}
