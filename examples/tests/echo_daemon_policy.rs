//! echo_daemon's own unit tests of its `POLICY` (the `tests` module at the
//! end of `examples/echo_daemon.rs`), compiled and run here. Cargo builds an
//! example marked `test = true` only as a test harness, not as the program
//! `tests/echo_daemon.rs` starts, so the example stays a plain example and
//! its source is included as a module of this test.

#[allow(dead_code)]
#[path = "../examples/echo_daemon.rs"]
mod echo_daemon;
