// A policy mistake in the attribute: the error and nothing else (`main` still exists).
use seccomp_runtime::sandbox;

#[sandbox(base @system-service; keep wirte;)]
fn main() {
    println!("sandboxed");
}
