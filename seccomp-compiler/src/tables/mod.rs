//! Kernel facts the compiler needs, taken from their sources rather than
//! written by hand: syscall numbers (the `syscalls` crate), parameter names
//! and types (the kernel's declarations), groups (systemd and firejail),
//! errno names and constants by name (the kernel's uapi headers).

pub mod arch_private;
pub mod constants;
pub mod errno;
mod generated;
pub mod groups;
pub mod params;
pub mod syscalls;
