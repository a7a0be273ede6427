// `=> ACTION` belongs to `drop`.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write => errno(EPERM);
};

fn main() {
    let _ = POLICY;
}
