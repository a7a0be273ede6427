// Refusing file creation through `openat` only: `open`, `creat` and
// `openat2` create files anyway.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    arch x86_64;
    default allow;
    drop ptrace;
    drop openat(flags & 0x40 == 0x40);
};

fn main() {
    let _ = POLICY;
}
