//! A program that dies under its own sandbox and says why: `#[sandbox]`
//! with `on_violation = report` turns the policy's kills into `trap`s and
//! installs the SIGSYS reporter, so the refused syscall is printed with its
//! number and arguments before the process exits with status 159.
//!
//! ```sh
//! cargo run -p examples --example violation_report
//! # sandboxed: opening /etc/hostname
//! # seccomp: blocked syscall openat (257) by policy, args 0xffffff9c 0x7ffd... 0x80000 0 ...
//! ```
//!
//! Without `on_violation = report` the same program is killed by SIGSYS
//! with no word about which call did it.

use seccomp_runtime::sandbox;

#[sandbox(
    on_violation = report,
    keep write(fd == 1 | 2);                        // standard output and error
    keep brk, mmap(prot & 4 == 0), munmap, mremap;  // memory, never executable
    keep sigaltstack, exit_group;                   // std's exit path
)]
fn main() {
    println!("sandboxed: opening /etc/hostname");
    // openat(AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC): not allowed.
    let opened = std::fs::File::open("/etc/hostname");
    println!("not reached: {opened:?}");
}
