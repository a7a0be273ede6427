// `#[sandbox]` goes on a function.
use seccomp_runtime::sandbox;

#[sandbox(base @system-service; drop ptrace;)]
struct Config {
    verbose: bool,
}

fn main() {
    let _ = Config { verbose: true }.verbose;
}
