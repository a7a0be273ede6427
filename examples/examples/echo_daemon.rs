//! A TCP echo server on 127.0.0.1 that binds its socket, then sandboxes
//! itself to what serving needs (`policies/echo_daemon.policy`, compiled
//! into `POLICY` and installed by `#[sandbox]` on `serve`). Its unit tests
//! (below, run by `cargo test`) check that very `POLICY` with
//! `seccomp-testing`: single calls, and everything serving a request does.
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

use seccomp_runtime::{Policy, sandbox, seccomp_policy};

/// The daemon's policy: a `static`, so that the tests evaluate exactly what
/// `serve` installs.
static POLICY: Policy = seccomp_policy!(file = "policies/echo_daemon.policy");

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
#[sandbox(policy = POLICY)]
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

#[cfg(test)]
mod tests {
    //! `POLICY` in unit tests: what it does with single calls (the
    //! emulator, checked against the kernel by seccomp-testing's own
    //! tests), and what serving a connection needs that it refuses (the
    //! handler run under it in learn mode).

    use super::*;
    use seccomp_testing::{Action, evaluate, learn};
    use std::io::Read;
    use std::net::Shutdown;

    /// The errno the policy's `default` gives.
    const REFUSED: Action = Action::Errno(EPERM as u16);

    #[test]
    fn single_calls() {
        let verdict = |name: &str, args: &[u64]| evaluate(&POLICY, name, args).unwrap();
        assert_eq!(verdict("accept4", &[3, 0, 0, 0x80000]), Action::Allow);
        assert_eq!(verdict("write", &[1, 0, 5]), Action::Allow);
        assert_eq!(verdict("write", &[2, 0, 5]), Action::Allow);
        // Only the log: a write to a connection goes through sendto.
        assert_eq!(verdict("write", &[4, 0, 5]), Action::KillProcess);
        assert_eq!(verdict("mmap", &[0, 4096, 3, 0x22]), Action::Allow);
        assert_eq!(verdict("mmap", &[0, 4096, 7, 0x22]), Action::KillProcess);
        assert_eq!(verdict("openat", &[0xffff_ff9c, 0, 0]), REFUSED);
        assert_eq!(verdict("socket", &[2, 1, 0]), REFUSED);
        assert_eq!(verdict("execve", &[]), Action::KillProcess);
        assert_eq!(verdict("ptrace", &[]), Action::KillProcess);
    }

    /// A connection as `serve` gets it from `accept`, with what the client
    /// sent already waiting and the client's side closed for writing.
    fn connection(request: &[u8]) -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        client.write_all(request).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        (server, client)
    }

    fn answer(mut client: TcpStream) -> String {
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn serving_a_connection_needs_nothing_the_policy_refuses() {
        let (server, client) = connection(b"hello\nworld\n");
        let refused = learn(&POLICY, || {
            assert!(matches!(handle(&server), Ok(Next::Serve)));
        })
        .unwrap();
        assert!(refused.is_empty(), "{refused}");
        drop(server);
        assert_eq!(answer(client), "hello\nworld\n");
    }

    #[test]
    fn opening_a_file_is_the_one_refusal() {
        let (server, client) = connection(b"!open /etc/hostname\n");
        let refused = learn(&POLICY, || {
            assert!(matches!(handle(&server), Ok(Next::Serve)));
        })
        .unwrap();
        // std's File::open is openat(2); learn mode let it run, so the
        // answer is not the refusal `serve` would give.
        assert_eq!(refused.names(), ["openat"], "{refused}");
        assert_eq!(refused.get("openat").unwrap().actions, [(REFUSED, 1)]);
        drop(server);
        assert!(answer(client).starts_with("open /etc/hostname: opened"));
    }
}
