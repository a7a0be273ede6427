// rustc resolves symbolic values, at the user's tokens.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep socket(family == libc::AF_UNX);
};

fn main() {
    let _ = POLICY;
}
