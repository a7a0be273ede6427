// `successors off;` compiles in the macro, and the old call's successor
// then gets the default (the real-kernel tests show what each does).
use seccomp_runtime::{Policy, seccomp_policy};

static ON: Policy = seccomp_policy! {
    keep clone, faccessat, exit_group;
};

static OFF: Policy = seccomp_policy! {
    keep clone, faccessat, exit_group;
    successors off;
};

fn main() {
    // The successor rules (clone3 and faccessat2 get errno(ENOSYS)) make
    // the programs differ.
    assert_ne!(ON.as_bytes(), OFF.as_bytes());
}
