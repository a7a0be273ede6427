// The README's first policy: `keep write(fd == 1 | 2)` leaves `writev` and
// the other writers unconfined, which is a warning (allowed here), not an
// error; `acknowledge siblings` silences it.
#![allow(deprecated)]
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd == 1 | 2);
};

static ACKNOWLEDGED: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd == 1 | 2);
    acknowledge siblings;
};

fn main() {
    assert!(POLICY.len() > 0 && ACKNOWLEDGED.len() > 0);
}
