//! The main demo: a policy compiled at build time, installed at start-up,
//! and what the kernel then does with an allowed, a refused and a
//! forbidden syscall.
//!
//! ```sh
//! cargo run -p examples --example hello_sandbox
//! ```
//!
//! The child is forked *after* the filter is installed: filters are
//! inherited across `fork` (and `execve`), and `@system-service` allows
//! `clone` and `wait4`, so the child runs under the same policy and the
//! parent can still wait for it.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsRawFd;

use seccomp_runtime::{Policy, seccomp_policy};

/// The policy from the README, and one syscall refused politely.
static POLICY: Policy = seccomp_policy! {
    // What an ordinary program needs: memory, files, signals, processes...
    base @system-service;
    // A tracer could rewrite syscalls after the filter has passed them.
    drop ptrace;
    // `mkdir` fails with EACCES instead of killing the process.
    drop mkdir, mkdirat => errno(EACCES);
    // Output to stdout and stderr only: `write` to any other fd is refused
    // with the deny action, which by default is kill_process. So are its
    // siblings, which write to a descriptor too and which @system-service
    // allows (`keep write(fd == 1 | 2)` alone gets a compiler warning).
    keep write(fd == 1 | 2), writev(fd == 1 | 2), pwrite64(fd == 1 | 2),
        pwritev(fd == 1 | 2), pwritev2(fd == 1 | 2),
        sendfile(out_fd == 1 | 2), sendfile64(out_fd == 1 | 2),
        splice(fd_out == 1 | 2), copy_file_range(fd_out == 1 | 2);
};

fn main() {
    if let Err(error) = POLICY.apply() {
        fail(&format!("cannot install the seccomp policy: {error}"));
    }
    println!(
        "sandbox installed: {} BPF instructions, compiled at build time",
        POLICY.len()
    );

    // 1. Allowed.
    println!("allowed: this write(1, ...) passes `keep write(fd == 1 | 2)`");

    // 2. Refused with an errno.
    let dir = std::env::temp_dir().join("hello_sandbox_dir");
    match std::fs::create_dir(&dir) {
        Err(error) if error.raw_os_error() == Some(libc::EACCES) => println!(
            "refused: mkdir {} failed with EACCES, as `drop mkdir, mkdirat => errno(EACCES)` says; \
             the program goes on",
            dir.display()
        ),
        Err(error) => fail(&format!("mkdir failed with {error}, expected EACCES")),
        Ok(()) => fail("mkdir succeeded: the policy did not refuse it"),
    }

    // 3. Forbidden: a write to a file, which `write(fd == 1 | 2)` does not
    // allow, so the deny action (kill_process) ends the child with SIGSYS.
    // Flush first, so that the child does not inherit buffered output.
    io::stdout()
        .flush()
        .unwrap_or_else(|e| fail(&e.to_string()));
    // SAFETY: this program is single-threaded; the child writes to a file
    // and exits, and never returns into the parent's code.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        fail(&format!("fork failed: {}", io::Error::last_os_error()));
    }
    if pid == 0 {
        let mut file = File::create("/dev/null").unwrap_or_else(|_| child_exit(2));
        println!(
            "child: write({}, ...) to /dev/null, which `keep write(fd == 1 | 2)` does not allow",
            file.as_raw_fd()
        );
        let _ = file.write_all(b"this write never happens\n");
        // Not reached: the kernel kills the process inside write(2).
        child_exit(3);
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked, into a local.
    if unsafe { libc::waitpid(pid, &mut status, 0) } != pid {
        fail(&format!("waitpid failed: {}", io::Error::last_os_error()));
    }
    if libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGSYS {
        println!(
            "killed: child killed by SIGSYS (signal {}): a refused syscall gets the deny action, kill_process",
            libc::SIGSYS
        );
    } else {
        fail(&format!(
            "the child was not killed by SIGSYS (wait status {status:#x})"
        ));
    }
}

/// Ends the forked child at once, without the parent's exit handlers.
fn child_exit(code: i32) -> ! {
    // SAFETY: _exit(2) ends the process; nothing runs after it.
    unsafe { libc::_exit(code) }
}

fn fail(message: &str) -> ! {
    eprintln!("hello_sandbox: {message}");
    std::process::exit(1)
}
