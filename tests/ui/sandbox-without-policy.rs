// `#[sandbox]` with nothing to install.
use seccomp_runtime::sandbox;

#[sandbox]
fn main() {}
