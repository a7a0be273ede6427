//! `echo_daemon`: it listens, sandboxes itself, echoes, refuses to open a
//! file, keeps serving, and stops on `!shutdown`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The daemon, killed if the test ends before it does.
struct Daemon {
    child: Child,
    log: BufReader<ChildStdout>,
}

impl Daemon {
    fn start() -> Daemon {
        let mut child = Command::new(common::example("echo_daemon"))
            .arg("0")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start echo_daemon");
        let log = BufReader::new(child.stdout.take().unwrap());
        Daemon { child, log }
    }

    /// The daemon's next line on stdout.
    fn log_line(&mut self) -> String {
        let mut line = String::new();
        self.log
            .read_line(&mut line)
            .expect("read the daemon's log");
        assert!(!line.is_empty(), "the daemon's stdout ended");
        line
    }

    fn wait(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < TIMEOUT, "the daemon did not stop");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// Sends `line` and returns the answer line.
    fn ask(&mut self, line: &str) -> String {
        self.writer
            .write_all(format!("{line}\n").as_bytes())
            .unwrap();
        let mut answer = String::new();
        self.reader.read_line(&mut answer).expect("an answer");
        answer
    }
}

#[test]
fn echo_daemon_serves_and_refuses_what_it_does_not_need() {
    let mut daemon = Daemon::start();
    let first = daemon.log_line();
    let port: u16 = first
        .trim_end()
        .strip_prefix("echo_daemon: listening on 127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .parse()
        .expect("a port");
    assert!(daemon.log_line().starts_with("echo_daemon: sandboxed: "));

    let mut client = Client::connect(port);
    assert_eq!(client.ask("hello, sandbox"), "hello, sandbox\n");
    assert_eq!(
        client.ask("!open /etc/passwd"),
        "open /etc/passwd: refused with EPERM: the policy allows no openat\n"
    );
    // Refused, not killed: the connection goes on.
    assert_eq!(client.ask("still here?"), "still here?\n");
    drop(client);

    // The next connection is served too, and may stop the daemon.
    let mut client = Client::connect(port);
    assert_eq!(client.ask("!shutdown"), "shutting down\n");
    let status = daemon.wait();
    assert!(status.success(), "the daemon ended with {status}");

    let mut log = String::new();
    while let Ok(n) = daemon.log.read_line(&mut log) {
        if n == 0 {
            break;
        }
    }
    assert!(
        log.contains("open /etc/passwd: refused with EPERM") && log.contains("asked for shutdown"),
        "daemon log:\n{log}"
    );
}

#[test]
fn echo_daemon_rejects_a_bad_port() {
    let output = Command::new(common::example("echo_daemon"))
        .arg("not-a-port")
        .output()
        .expect("run echo_daemon");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: echo_daemon [PORT]"));
}
