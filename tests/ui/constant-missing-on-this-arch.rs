// F_GETLK64 exists only where `long` is 32 bits (asm-generic/fcntl.h): an
// error when building for x86_64, none when building for x86 or arm.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    drop fcntl(cmd == F_GETLK64);
};

fn main() {
    let _ = POLICY;
}
