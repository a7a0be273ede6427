// Every mistake is reported, not only the first.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-servce;
    drop ptrace;
    keep wirte;
    keep read(fdd == 0);
    drop open => errno(EPREM);
};

fn main() {
    let _ = POLICY;
}
