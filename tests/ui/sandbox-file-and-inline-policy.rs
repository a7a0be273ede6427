// The policy comes from a file or inline, not both.
use seccomp_runtime::sandbox;

#[sandbox(file = "ui/policies/daemon.policy", base @system-service;)]
fn main() {}
