// Unbalanced parentheses in the macro: rustc's own lexer reports them.
use seccomp_runtime::{Policy, seccomp_policy};

static POLICY: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write((fd == 1) || (fd == 2);
};

fn main() {
    let _ = POLICY;
}
