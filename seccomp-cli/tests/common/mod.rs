//! Running the built `seccompc` and scratch files for the integration tests.

#![allow(dead_code)] // each test crate uses a different part

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one run of `seccompc` produced.
pub struct Out {
    pub status: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Out {
    pub fn text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("stdout is UTF-8")
    }

    /// Asserts success and returns standard output as text.
    pub fn ok(&self) -> String {
        assert_eq!(self.status, 0, "stderr: {}", self.stderr);
        self.text()
    }
}

pub fn seccompc(args: &[&str]) -> Out {
    seccompc_with_stdin(args, b"")
}

pub fn seccompc_with_stdin(args: &[&str], stdin: &[u8]) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seccompc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seccompc starts");
    let mut input = child.stdin.take().expect("piped stdin");
    input.write_all(stdin).expect("stdin written");
    drop(input);
    let out = child.wait_with_output().expect("seccompc ends");
    Out {
        status: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh directory under cargo's scratch space for integration tests.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("seccompc-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Writes `text` to `dir/name` and returns the path as a string.
pub fn file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    path.to_str().expect("UTF-8 path").to_owned()
}

/// The architecture the tests run on, by its seccompc name.
pub fn native() -> &'static str {
    if cfg!(target_arch = "x86_64") {
        "x86_64"
    } else if cfg!(target_arch = "aarch64") {
        "aarch64"
    } else if cfg!(target_arch = "x86") {
        "x86"
    } else if cfg!(target_arch = "arm") {
        "arm"
    } else if cfg!(target_arch = "riscv64") {
        "riscv64"
    } else if cfg!(target_arch = "s390x") {
        "s390x"
    } else if cfg!(target_arch = "powerpc64") {
        "powerpc64le"
    } else {
        "loongarch64"
    }
}

/// Where a run's standard output or error goes, for the write-error tests.
#[derive(Clone, Copy, Debug)]
pub enum Sink {
    /// A pipe (read by the test).
    Pipe,
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
    /// A pipe whose read end is closed: every write fails with EPIPE.
    Closed,
}

impl Sink {
    fn stdio(self) -> Stdio {
        match self {
            Sink::Pipe => Stdio::piped(),
            Sink::Full => std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .expect("/dev/full opens")
                .into(),
            Sink::Closed => {
                let (reader, writer) = std::io::pipe().expect("pipe");
                drop(reader);
                writer.into()
            }
        }
    }
}

/// How one run ended: its exit status or signal, and what it printed where
/// the test could read it.
pub struct Ended {
    pub status: std::process::ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Runs `seccompc` with standard output and error going to `stdout` and
/// `stderr`, and standard input empty.
pub fn seccompc_into(args: &[&str], stdout: Sink, stderr: Sink) -> Ended {
    let out = Command::new(env!("CARGO_BIN_EXE_seccompc"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout.stdio())
        .stderr(stderr.stdio())
        .output()
        .expect("seccompc runs");
    Ended {
        status: out.status,
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
