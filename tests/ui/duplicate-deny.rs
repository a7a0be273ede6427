// `deny` given twice.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    deny errno(EPERM);
    base @system-service;
    drop ptrace;
    deny kill_process;
};

fn main() {
    let _ = POLICY;
}
