// Options end with `,`.
use seccomp_runtime::sandbox;

#[sandbox(on_error = panic; base @system-service; drop ptrace;)]
fn main() {}
