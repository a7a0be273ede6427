//! `seccomp_policy!` and `#[sandbox]` as a user meets them: the programs the
//! macro emits are the compiler's, symbolic values are evaluated by rustc,
//! `file = "..."` reads the same policy, and the attribute installs the
//! policy before the body runs (sync, async, and stacked with
//! `#[tokio::main]` in both orders).
//!
//! Filters are permanent, so every test that installs one does it in a
//! process of its own (this test binary run again for that one test) and
//! reports through its exit status.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]
// The README's `keep write(fd == 1 | 2)` and `keep openat(cond)` under
// `base @system-service` leave siblings unconfined, which the macro warns
// of (tests/ui/keep-write-while-other-writers-are-allowed.rs); these tests
// are about the programs.
#![allow(deprecated)]

use std::process::{Command, ExitStatus, Stdio};

use seccomp_compiler::{Arch, compile_str};
use seccomp_runtime::{Policy, sandbox, seccomp_policy};

// ---------------------------------------------------------------------------
// The programs

/// The compiler's x86_64 program for `text`, with symbolic value `i` set to
/// `values[i]`, as `(code, jt, jf, k)`.
fn compiler_program(text: &str, values: &[i128]) -> Vec<(u16, u8, u8, u32)> {
    let c = compile_str(text).unwrap_or_else(|ds| panic!("{ds:?}"));
    let out = c.get(Arch::X86_64).expect("compiled for x86_64");
    // Two's complement, as the macro emits `(value as u64)`.
    let value = |sym: usize| values[sym] as u64;
    out.program
        .instantiate(&value)
        .iter()
        .map(|f| (f.code, f.jt, f.jf, f.k))
        .collect()
}

fn macro_program(p: &Policy) -> Vec<(u16, u8, u8, u32)> {
    p.program()
        .iter()
        .map(|f| (f.code, f.jt, f.jf, f.k))
        .collect()
}

static SERVICE: Policy = seccomp_policy! {
    base @system-service;
    drop ptrace;
    keep write(fd == 1 | 2);
};

#[test]
fn the_program_is_the_compilers() {
    let expected = compiler_program(
        "base @system-service; drop ptrace; keep write(fd == 1 | 2);",
        &[],
    );
    assert_eq!(macro_program(&SERVICE), expected);
    // Actions: kill_process (deny, other ABIs), errno (unknown numbers),
    // allow; no `trap`, so no names.
    assert_eq!(
        format!("{SERVICE:?}"),
        format!(
            "Policy {{ len: {}, actions: [allow, kill_process, errno], names: 0 }}",
            expected.len()
        )
    );
}

#[test]
fn trap_policies_carry_the_syscall_names() {
    static TRAP: Policy = seccomp_policy! {
        deny trap;
        base @system-service;
        drop ptrace;
    };
    let debug = format!("{TRAP:?}");
    let names: usize = debug
        .rsplit("names: ")
        .next()
        .and_then(|n| n.trim_end_matches(" }").parse().ok())
        .unwrap();
    assert!(names > 300, "{debug}");
    assert!(debug.contains("trap"), "{debug}");
}

const FLAGS: i32 = libc::O_RDONLY | libc::O_CLOEXEC;

#[test]
fn symbolic_values_are_evaluated_by_rustc() {
    static SYMBOLIC: Policy = seccomp_policy! {
        base @system-service;
        drop ptrace;
        keep socket(family == libc::AF_UNIX);
        keep openat(dfd == { libc::AT_FDCWD } && flags & { FLAGS } == { FLAGS });
        keep mmap(addr == { 0x1234_5678_9abc_u64 });
        keep fchmod(mode == { 0o640 });
    };
    let expected = compiler_program(
        "base @system-service; drop ptrace;
         keep socket(family == v::A);
         keep openat(dfd == v::B && flags & v::C == v::D);
         keep mmap(addr == v::E);
         keep fchmod(mode == v::F);",
        &[
            libc::AF_UNIX.into(),
            libc::AT_FDCWD.into(),
            FLAGS.into(),
            FLAGS.into(),
            0x1234_5678_9abc,
            0o640,
        ],
    );
    assert_eq!(macro_program(&SYMBOLIC), expected);
}

#[test]
fn symbolic_values_give_the_program_of_their_literals() {
    // Without a mask: a constant mask allows shapes (`jset`) a symbolic one
    // cannot have.
    static SYMBOLIC: Policy = seccomp_policy! {
        base @system-service;
        drop ptrace;
        keep socket(family == libc::AF_UNIX);
        keep openat(dfd == libc::AT_FDCWD);
        keep mmap(addr == { 0x1234_5678_9abc_u64 });
        keep fchmod(mode == { 0o640 });
    };
    let literal = compiler_program(
        &format!(
            "base @system-service; drop ptrace;
             keep socket(family == {});
             keep openat(dfd == -100);
             keep mmap(addr == 0x123456789abc);
             keep fchmod(mode == 0o640);",
            libc::AF_UNIX
        ),
        &[],
    );
    assert_eq!(macro_program(&SYMBOLIC), literal);
}

#[test]
fn a_policy_file_reads_like_the_inline_policy() {
    static FROM_FILE: Policy = seccomp_policy!(file = "ui/policies/daemon.policy");
    static INLINE: Policy = seccomp_policy! {
        base @system-service;
        drop ptrace;
        keep write(fd == 1 | 2);
        keep socket(family == libc::AF_UNIX);
        drop socketcall => errno(ENOSYS);
        drop getppid => errno(EPERM);
    };
    assert_eq!(macro_program(&FROM_FILE), macro_program(&INLINE));
    assert_eq!(format!("{FROM_FILE:?}"), format!("{INLINE:?}"));
}

#[test]
fn dockers_default_profile_compiles_like_the_compilers() {
    static DOCKER: Policy = seccomp_policy!(file = "ui/policies/docker-like.policy");
    let text = include_str!("../ui/policies/docker-like.policy");
    assert_eq!(macro_program(&DOCKER), compiler_program(text, &[]));
}

#[test]
fn the_macro_works_in_expressions_and_consts() {
    const IN_CONST: Policy = seccomp_policy! { default allow; drop ptrace; };
    let in_let = seccomp_policy! { default allow; drop ptrace; };
    assert_eq!(macro_program(&IN_CONST), macro_program(&in_let));
    assert_eq!(
        macro_program(&in_let),
        compiler_program("default allow; drop ptrace;", &[])
    );
}

// ---------------------------------------------------------------------------
// #[sandbox], in forked children

/// How a child ended, and what it wrote to stderr.
#[derive(Debug)]
struct Child {
    status: ExitStatus,
    stderr: String,
}

impl Child {
    fn exit_code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Names the one test whose body a re-executed copy of this binary runs.
const CHILD_TEST: &str = "MACRO_EXPAND_CHILD_TEST";

/// Runs `f` in a process of its own whose exit status is `f`'s result (101
/// if it panics), with its stderr captured: this test binary run again for
/// the one test `test` (the caller, which passes its own name), where this
/// call runs `f` and exits. Not a fork of the test runner: a child forked
/// from its threads inherits whatever lock another thread held at that
/// moment (the panic hook's, the allocator's) and can wait on it forever,
/// as one did here under load.
fn in_child(test: &str, f: impl FnOnce() -> i32) -> Child {
    if std::env::var_os(CHILD_TEST).is_some_and(|t| t == test) {
        std::process::exit(f());
    }
    let out = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_TEST, test)
        .stdin(Stdio::null())
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // A name that is not the caller's would run nothing and exit 0.
    assert!(
        stdout.contains("running 1 test"),
        "`{test}` is not a test of this binary: {stdout}"
    );
    Child {
        status: out.status,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `getppid()`'s errno, or 0 if it succeeded.
fn getppid_errno() -> i32 {
    // SAFETY: getppid takes no arguments; the raw syscall bypasses any libc
    // caching.
    let r = unsafe { libc::syscall(libc::SYS_getppid) };
    if r < 0 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(-1)
    } else {
        0
    }
}

#[sandbox(default allow; drop ptrace; drop getppid => errno(EPERM);)]
fn sandboxed() -> i32 {
    getppid_errno()
}

#[test]
fn the_attribute_installs_before_the_body() {
    let child = in_child("the_attribute_installs_before_the_body", || {
        assert_eq!(getppid_errno(), 0, "not filtered before the call");
        sandboxed()
    });
    assert_eq!(child.exit_code(), Some(libc::EPERM), "{child:?}");
}

#[sandbox(on_error = exit, file = "ui/policies/daemon.policy")]
fn sandboxed_from_file() -> i32 {
    getppid_errno()
}

#[test]
fn the_attribute_reads_policy_files() {
    let child = in_child("the_attribute_reads_policy_files", sandboxed_from_file);
    assert_eq!(child.exit_code(), Some(libc::EPERM), "{child:?}");
}

/// Makes the next `apply()` fail: seccomp(2) and prctl(2) refused.
fn break_seccomp() {
    static NO_SECCOMP: Policy = seccomp_policy! {
        default allow;
        drop ptrace;
        drop seccomp, prctl => errno(EPERM);
    };
    NO_SECCOMP.apply().expect("first filter");
}

#[sandbox(default allow; drop ptrace;)]
fn exits_on_error() -> i32 {
    0
}

#[sandbox(on_error = panic, default allow; drop ptrace;)]
fn panics_on_error() -> i32 {
    0
}

#[test]
fn a_policy_that_cannot_be_installed_exits_before_the_body() {
    let exit = in_child(
        "a_policy_that_cannot_be_installed_exits_before_the_body",
        || {
            break_seccomp();
            exits_on_error() + 42
        },
    );
    assert_eq!(exit.exit_code(), Some(1), "{exit:?}");
    assert!(
        exit.stderr
            .starts_with("sandbox: cannot install seccomp policy: "),
        "{exit:?}"
    );
}

#[test]
fn a_policy_that_cannot_be_installed_panics_with_on_error_panic() {
    let test = "a_policy_that_cannot_be_installed_panics_with_on_error_panic";
    let panic = in_child(test, || {
        break_seccomp();
        panics_on_error() + 42
    });
    assert_eq!(panic.exit_code(), Some(101), "{panic:?}");
    assert!(
        panic
            .stderr
            .contains("sandbox: cannot install seccomp policy"),
        "{panic:?}"
    );
}

#[sandbox(default allow; drop ptrace; drop getppid => errno(EPERM);)]
async fn sandboxed_async() -> i32 {
    getppid_errno()
}

/// Polls a future that never waits to completion.
fn poll_once<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("the future waited"),
    }
}

#[test]
fn an_async_fn_installs_when_its_future_first_runs() {
    let child = in_child("an_async_fn_installs_when_its_future_first_runs", || {
        let future = sandboxed_async();
        // Calling an async fn runs none of it.
        assert_eq!(getppid_errno(), 0);
        poll_once(future)
    });
    assert_eq!(child.exit_code(), Some(libc::EPERM), "{child:?}");
}

// With a runtime attribute. Worker threads are created with clone3 (or
// clone, where clone3 is refused): a policy that refuses both tells whether
// the runtime was built before the filter.

/// `#[tokio::main]` above: it runs first and hands `#[sandbox]` the plain
/// function that builds the runtime, so the filter is in place before the
/// runtime exists, and building it fails under this policy.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
#[sandbox(default allow; drop ptrace; drop clone, clone3 => errno(EPERM);)]
async fn runtime_below_sandbox() -> i32 {
    0
}

/// `#[sandbox]` above: it sees the `async fn`, so the filter is installed
/// when the runtime first polls it, after the worker threads exist; TSYNC
/// filters those threads too.
#[sandbox(default allow; drop ptrace; drop getppid => errno(EPERM);)]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_inside_runtime() -> i32 {
    let here = getppid_errno();
    let on_worker = tokio::spawn(async { getppid_errno() }).await.unwrap();
    if here == libc::EPERM && on_worker == libc::EPERM {
        0
    } else {
        1
    }
}

/// The same policy as [`runtime_below_sandbox`], with `#[sandbox]` above:
/// the runtime is built before the filter, so it starts.
#[sandbox(default allow; drop ptrace; drop clone, clone3 => errno(EPERM);)]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_above_sandbox() -> i32 {
    7
}

#[test]
fn tokio_main_above_sandbox_filters_the_runtime_start_up() {
    let test = "tokio_main_above_sandbox_filters_the_runtime_start_up";
    let child = in_child(test, runtime_below_sandbox);
    // Building the runtime cannot start a thread: tokio panics.
    assert_eq!(child.exit_code(), Some(101), "{child:?}");
    assert!(child.stderr.contains("spawn worker thread"), "{child:?}");
}

#[test]
fn sandbox_above_tokio_main_filters_the_workers_too() {
    let test = "sandbox_above_tokio_main_filters_the_workers_too";
    let child = in_child(test, sandbox_inside_runtime);
    assert_eq!(child.exit_code(), Some(0), "{child:?}");
}

#[test]
fn sandbox_above_tokio_main_lets_the_runtime_start() {
    let test = "sandbox_above_tokio_main_lets_the_runtime_start";
    let child = in_child(test, runtime_above_sandbox);
    assert_eq!(child.exit_code(), Some(7), "{child:?}");
}
