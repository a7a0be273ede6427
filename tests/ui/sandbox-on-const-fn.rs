// A `const fn` can run at compile time, where nothing can be installed.
use seccomp_runtime::sandbox;

#[sandbox(base @system-service; drop ptrace;)]
const fn answer() -> u32 {
    42
}

fn main() {
    let _ = answer();
}
