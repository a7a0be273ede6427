//! A TCP echo server on 127.0.0.1 that binds its socket, then sandboxes
//! itself to what serving needs (`policies/echo_daemon.policy`, installed
//! by `#[sandbox]` on `serve`).
//!
//! ```sh
//! cargo run -p examples --example echo_daemon -- 7777   # or no port: any free one
//! ```
//!
//! Each line a client sends comes back. Two lines are commands:
//!
//! - `!open PATH` makes the daemon try to open `PATH`. The policy does not
//!   allow opening files, so the answer is the refusal (EPERM), and the
//!   connection goes on.
//! - `!shutdown` stops the daemon (exit status 0).
//!
//! One connection at a time: a single thread keeps the policy simple (a
//! thread per connection would need `clone` with conditions on its flags,
//! `clone3` refused, and the thread stacks' `mmap`/`mprotect`).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;

use seccomp_runtime::sandbox;

/// include/uapi/asm-generic/errno-base.h
const EPERM: i32 = 1;

fn main() -> ExitCode {
    let port = match std::env::args().nth(1).map(|arg| arg.parse::<u16>()) {
        None => 0,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("usage: echo_daemon [PORT]   (no port or 0: any free port)");
            return ExitCode::from(2);
        }
    };
    // Everything that needs more than the policy allows happens first.
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("echo_daemon: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .expect("a bound socket has an address");
    println!("echo_daemon: listening on {address}");
    serve(listener);
    ExitCode::SUCCESS
}

/// Serves connections one after the other until a client sends
/// `!shutdown`. The policy is installed before the first statement; if the
/// kernel refuses it, the daemon exits with status 1 instead of serving
/// unfiltered.
#[sandbox(file = "policies/echo_daemon.policy")]
fn serve(listener: TcpListener) {
    println!(
        "echo_daemon: sandboxed: accept4, recvfrom, sendto, close, memory, exit; EPERM for the rest"
    );
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(error) => {
                eprintln!("echo_daemon: accept: {error}");
                continue;
            }
        };
        println!("echo_daemon: {peer} connected");
        match handle(&stream) {
            Ok(Next::Serve) => println!("echo_daemon: {peer} disconnected"),
            Ok(Next::Shutdown) => {
                println!("echo_daemon: {peer} asked for shutdown");
                return;
            }
            Err(error) => println!("echo_daemon: {peer}: {error}"),
        }
    }
}

enum Next {
    Serve,
    Shutdown,
}

/// Echoes lines until the client closes the connection or sends
/// `!shutdown`.
fn handle(stream: &TcpStream) -> io::Result<Next> {
    let mut reader = BufReader::new(stream);
    let mut writer = stream;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(Next::Serve);
        }
        let request = line.trim_end_matches(['\n', '\r']);
        if request == "!shutdown" {
            writer.write_all(b"shutting down\n")?;
            return Ok(Next::Shutdown);
        } else if let Some(path) = request.strip_prefix("!open ") {
            let answer = try_open(path);
            println!("echo_daemon: {answer}");
            writer.write_all(answer.as_bytes())?;
            writer.write_all(b"\n")?;
        } else {
            writer.write_all(line.as_bytes())?;
        }
    }
}

/// What happened when the daemon tried to open `path` (under the policy:
/// the refusal).
fn try_open(path: &str) -> String {
    match std::fs::File::open(path) {
        Ok(_) => format!("open {path}: opened (the sandbox should have refused it!)"),
        Err(error) if error.raw_os_error() == Some(EPERM) => {
            format!("open {path}: refused with EPERM: the policy allows no openat")
        }
        Err(error) => format!("open {path}: failed: {error}"),
    }
}
