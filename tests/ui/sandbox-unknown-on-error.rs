// `on_error` is `exit` or `panic`.
use seccomp_runtime::sandbox;

#[sandbox(on_error = abort, base @system-service; drop ptrace;)]
fn main() {}
