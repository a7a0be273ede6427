// A function without a body has nothing to install before.
use seccomp_runtime::sandbox;

trait Service {
    #[sandbox(base @system-service; drop ptrace;)]
    fn run(&self);
}

fn main() {}
