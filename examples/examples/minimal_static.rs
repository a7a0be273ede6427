//! A `#![no_std]`, `#![no_main]` static binary without libc that installs
//! a seccomp policy, writes one line and exits: about 10 KiB on x86_64.
//!
//! Everything it runs is in this file or in `seccomp-runtime`: the entry
//! point (`_start`), three raw syscalls, `memcpy`/`memmove`/`memset`, and
//! the policy, compiled by `seccomp_policy!` when this file is built.
//! Given any argument, it then calls `getpid`, which the policy does not
//! allow, and the kernel kills it with SIGSYS.
//!
//! Build and run (x86_64 Linux; the `minimal-static` feature keeps plain
//! `cargo build`/`cargo test` from building it with the usual flags):
//!
//! ```sh
//! cargo rustc --release -p examples --example minimal_static --features minimal-static \
//!     --config 'profile.release.panic="abort"' --config 'profile.release.lto=true' \
//!     --config 'profile.release.opt-level="s"' --config 'profile.release.strip=true' \
//!     -- -C relocation-model=static -C target-feature=+crt-static -C link-arg=-nostdlib
//! ./target/release/examples/minimal_static
//! ```
//!
//! - `panic="abort"`: without `std` there is no unwinder, and stable Rust
//!   builds `no_std` binaries only with abort.
//! - `lto=true`: the precompiled `core` refers to the unwinder's
//!   personality routine; link-time optimisation drops the code that does.
//! - `opt-level="s"`, `strip=true`: size.
//! - `relocation-model=static` and `+crt-static`: a static, non-PIE
//!   executable (`-static -no-pie`): nothing has to relocate it before
//!   `_start` runs, as a static PIE would need.
//! - `-nostdlib`: no C start files, no libc; `_start` below is the entry
//!   point.

#![no_std]
#![no_main]

#[cfg(not(all(
    target_arch = "x86_64",
    target_os = "linux",
    target_pointer_width = "64"
)))]
compile_error!(
    "minimal_static has an entry point and raw syscalls for x86_64 Linux only; \
     on other targets, use seccomp-runtime from an ordinary program"
);

use core::arch::{asm, naked_asm};
use core::panic::PanicInfo;

use seccomp_runtime::{Policy, seccomp_policy};

/// Only what the rest of the program does: lines to stdout, then exit.
/// Anything else, or a write to another fd, kills the process.
static POLICY: Policy = seccomp_policy! {
    arch x86_64;
    keep write(fd == 1), exit_group;
};

/// The process starts here, with `rsp` pointing at `argc` and nothing
/// set up. Naked: no prologue may use the stack before it is aligned.
#[unsafe(naked)]
#[unsafe(no_mangle)]
unsafe extern "C" fn _start() -> ! {
    naked_asm!(
        "xor ebp, ebp", // the outermost frame, for debuggers
        "mov rdi, rsp", // main's argument: where argc, argv, envp are
        "and rsp, -16", // the psABI wants rsp % 16 == 0 before a `call`
        "call {main}",
        "ud2",
        main = sym main,
    )
}

/// `initial_stack` points at what the kernel put on the stack for a new
/// program: `argc`, then `argv[]`, `envp[]` and the auxiliary vector.
extern "C" fn main(initial_stack: *const usize) -> ! {
    // SAFETY: at `_start` the stack pointer points at `argc` (System V
    // psABI, "Process Initialization"), and that memory lives as long as
    // the process.
    let argc = unsafe { *initial_stack };
    if let Err(error) = POLICY.apply() {
        let mut line = Line::new();
        let _ = core::fmt::write(
            &mut line,
            format_args!("minimal_static: cannot install the seccomp policy: {error}\n"),
        );
        write_all(2, line.as_bytes());
        exit_group(1)
    }
    write_all(
        1,
        b"minimal_static: sandboxed, only write(1) and exit_group allowed\n",
    );
    if argc > 1 {
        write_all(
            1,
            b"minimal_static: calling getpid, which the policy does not allow\n",
        );
        getpid();
        write_all(
            1,
            b"minimal_static: getpid returned: the filter did not hold\n",
        );
        exit_group(1)
    }
    exit_group(0)
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    // Only to stdout: the policy kills a write to stderr once installed.
    write_all(1, b"minimal_static: panic\n");
    exit_group(101)
}

/// `write(2)` until done or failed.
fn write_all(fd: u32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let ret: isize;
        // SAFETY: write(2) reads `bytes.len()` bytes at `bytes`, borrowed
        // for the call, and writes no memory; `syscall` clobbers rcx and
        // r11 only.
        unsafe {
            asm!(
                "syscall",
                inlateout("rax") 1isize => ret, // __NR_write
                in("rdi") fd as usize,
                in("rsi") bytes.as_ptr(),
                in("rdx") bytes.len(),
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack, readonly, preserves_flags)
            );
        }
        match ret {
            -4 => {} // EINTR: again
            ..=0 => return,
            written => bytes = &bytes[(written as usize).min(bytes.len())..],
        }
    }
}

/// `getpid(2)`.
fn getpid() -> isize {
    let ret;
    // SAFETY: getpid(2) takes no arguments and touches no memory.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") 39isize => ret, // __NR_getpid
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, nomem, preserves_flags)
        );
    }
    ret
}

/// `exit_group(2)`.
fn exit_group(status: i32) -> ! {
    // SAFETY: exit_group(2) reads no memory and does not return; `ud2`
    // stops the process should a filter make it return anyway.
    unsafe {
        asm!(
            "syscall",
            "ud2",
            in("rax") 231, // __NR_exit_group
            in("rdi") status as isize,
            options(nostack, noreturn)
        )
    }
}

// The compiler lowers copies and fills to calls to these; without libc the
// program brings its own. `rep movsb`/`rep stosb` are short, fast on
// current x86_64 (ERMSB), and cannot be turned back into a call to
// themselves, as a Rust loop could.

/// `memcpy(3)`.
///
/// # Safety
/// As for C's `memcpy`: `n` bytes readable at `src`, writable at `dest`,
/// not overlapping.
#[unsafe(no_mangle)]
unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract; the direction flag is clear, as the
    // psABI guarantees at every call.
    unsafe {
        asm!(
            "rep movsb",
            inout("rcx") n => _,
            inout("rdi") dest => _,
            inout("rsi") src => _,
            options(nostack, preserves_flags)
        );
    }
    dest
}

/// `memmove(3)`: like `memcpy`, but the regions may overlap.
///
/// # Safety
/// As for C's `memmove`.
#[unsafe(no_mangle)]
unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if (dest as usize).wrapping_sub(src as usize) >= n {
        // `dest` is below `src` or past its end: copying forwards never
        // overwrites a byte before it is read.
        // SAFETY: the caller's contract.
        return unsafe { memcpy(dest, src, n) };
    }
    // `dest` overlaps the end of `src`: copy backwards from the last byte,
    // with the direction flag set for the copy only.
    // SAFETY: the caller's contract; `n > 0` here, so `n - 1` is in bounds.
    unsafe {
        asm!(
            "std",
            "rep movsb",
            "cld",
            inout("rcx") n => _,
            inout("rdi") dest.add(n - 1) => _,
            inout("rsi") src.add(n - 1) => _,
            options(nostack)
        );
    }
    dest
}

/// `memset(3)`.
///
/// # Safety
/// As for C's `memset`: `n` bytes writable at `dest`.
#[unsafe(no_mangle)]
unsafe extern "C" fn memset(dest: *mut u8, c: i32, n: usize) -> *mut u8 {
    // SAFETY: the caller's contract; the direction flag is clear.
    unsafe {
        asm!(
            "rep stosb",
            inout("rcx") n => _,
            inout("rdi") dest => _,
            in("al") c as u8,
            options(nostack, preserves_flags)
        );
    }
    dest
}

/// A line on the stack, for `core::fmt` (there is no allocator).
struct Line {
    bytes: [u8; 200],
    len: usize,
}

impl Line {
    fn new() -> Line {
        Line {
            bytes: [0; 200],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl core::fmt::Write for Line {
    /// Keeps what fits: the message is a diagnostic.
    fn write_str(&mut self, text: &str) -> core::fmt::Result {
        let take = text.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + take].copy_from_slice(&text.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}
