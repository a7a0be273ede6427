// `successors` takes `on` or `off`.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    successors no;
};

fn main() {
    let _ = POLICY;
}
