// A group named by the part before its `-`: the suggestion finds it.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    keep @network;
};

fn main() {
    let _ = POLICY;
}
