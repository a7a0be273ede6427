// `keep write(fd == 1 | 2)` confines `write` only: `@system-service` lets
// `writev`, `pwrite64` and the other writers write to any descriptor. The
// macro warns (denied here, so this test sees the warning).
#![deny(deprecated)]
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    arch x86_64;
    base @system-service;
    drop ptrace;
    keep write(fd == 1 | 2);
};

fn main() {
    let _ = POLICY;
}
