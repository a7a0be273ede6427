//! Forked children for the real-kernel figures: a filter can be installed
//! only once per process and never removed, so each measurement runs in a
//! child of its own and sends its numbers back through a pipe.

use seccomp_compiler::bpf::SockFilter;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;

/// Seconds a child may take before the kernel kills it (`alarm`).
const CHILD_SECONDS: u32 = 60;

/// Runs `work` in a forked child; its `Ok` numbers or `Err` message come
/// back. A child killed by its filter or its alarm is an `Err` naming the
/// signal.
pub fn run(work: impl FnOnce() -> Result<Vec<f64>, String>) -> Result<Vec<f64>, String> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(format!("pipe2: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: the parent is single-threaded while measuring; the child runs
    // `work`, writes and `_exit`s.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!("fork: {}", std::io::Error::last_os_error()));
    }
    if pid == 0 {
        // The results go out through fd 2, which every policy measured
        // lets `write` (one allows only fds 1 and 2).
        // SAFETY: the read end is the parent's; dup2 onto our own stderr;
        // alarm has no preconditions.
        unsafe {
            libc::close(fds[0]);
            if libc::dup2(fds[1], 2) < 0 {
                libc::_exit(1);
            }
            libc::close(fds[1]);
            libc::alarm(CHILD_SECONDS);
        }
        let text = match work() {
            Ok(numbers) => numbers.iter().map(|n| format!("{n}\n")).collect::<String>(),
            Err(e) => format!("error: {e}\n"),
        };
        // SAFETY: fd 2 is the pipe's write end now, owned by this File.
        let mut pipe = unsafe { File::from_raw_fd(2) };
        let ok = pipe.write_all(text.as_bytes()).is_ok();
        // SAFETY: _exit skips the parent's atexit handlers and buffers.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    // SAFETY: the write end is the child's now; the read end is ours.
    let mut pipe = unsafe {
        libc::close(fds[1]);
        File::from_raw_fd(fds[0])
    };
    let mut text = String::new();
    let read = pipe.read_to_string(&mut text);
    let mut status = 0;
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    if libc::WIFSIGNALED(status) {
        return Err(format!(
            "the child was killed by signal {}",
            libc::WTERMSIG(status)
        ));
    }
    read.map_err(|e| format!("reading the child's pipe: {e}"))?;
    parse(&text)
}

fn parse(text: &str) -> Result<Vec<f64>, String> {
    if let Some(e) = text.strip_prefix("error: ") {
        return Err(e.trim_end().to_owned());
    }
    text.lines()
        .map(|l| l.parse().map_err(|_| format!("the child sent `{l}`")))
        .collect()
}

/// `prctl(PR_SET_NO_NEW_PRIVS, 1)`, which an unprivileged filter install
/// needs.
pub fn no_new_privs() -> Result<(), String> {
    // SAFETY: plain prctl with integer arguments.
    let rc = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    if rc != 0 {
        return Err(format!(
            "PR_SET_NO_NEW_PRIVS: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

/// A program in the kernel's layout, made before any timing starts.
pub fn kernel_layout(prog: &[SockFilter]) -> Vec<libc::sock_filter> {
    prog.iter()
        .map(|f| libc::sock_filter {
            code: f.code,
            jt: f.jt,
            jf: f.jf,
            k: f.k,
        })
        .collect()
}

/// `seccomp(SECCOMP_SET_MODE_FILTER, 0, prog)`: the kernel's part of any
/// installer, the same for every competitor.
pub fn install(filters: &mut [libc::sock_filter]) -> Result<(), String> {
    let len = u16::try_from(filters.len()).map_err(|_| "a program past 65535 instructions")?;
    let fprog = libc::sock_fprog {
        len,
        filter: filters.as_mut_ptr(),
    };
    // SAFETY: `fprog` points at `len` initialised instructions that outlive
    // the call; the kernel copies them.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &fprog as *const libc::sock_fprog,
        )
    };
    if rc != 0 {
        return Err(format!("seccomp(2): {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Points fd 1 at /dev/null, so that timed writes do no I/O.
pub fn stdout_to_null() -> Result<(), String> {
    // SAFETY: a C string literal; dup2 and close on descriptors we own.
    unsafe {
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
        if fd < 0 || libc::dup2(fd, 1) < 0 {
            return Err(format!("/dev/null: {}", std::io::Error::last_os_error()));
        }
        libc::close(fd);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_errors_come_back() {
        assert_eq!(run(|| Ok(vec![1.5, 2.0])), Ok(vec![1.5, 2.0]));
        assert_eq!(run(|| Err("no".to_owned())), Err("no".to_owned()));
    }
}
