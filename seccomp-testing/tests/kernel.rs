//! `evaluate` and `learn` against the real kernel. `evaluate`'s verdict on
//! each call is compared with what happens when a forked child installs
//! the same `static Policy` and makes the call; `learn`'s report with the
//! calls a closure is known to make (raw syscalls, no libc in between).
//! The test runner itself is never filtered.

use seccomp_runtime::{Policy, seccomp_policy};
use seccomp_testing::{Action, Error, evaluate, evaluate_named, learn};

/// Errnos no call below fails with by itself, so a filter's errno cannot
/// be mistaken for the call's own failure.
static POLICY: Policy = seccomp_policy! {
    default errno(EHWPOISON);
    keep getpid, getppid, exit_group;
    keep close(fd >= 1000 && fd < 2000);
    drop close(fd == 1500) => errno(EKEYREJECTED);
    drop getuid => errno(ENOTRECOVERABLE);
    keep dup(fildes == 0);
    drop getgid;
    keep lseek(fd == 0 && whence == 7);
};

/// What a call did in a forked child: returned (0 for success, the errno
/// for a failure) or was killed by a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Returned(i32),
    Killed(i32),
}

/// Makes `nr(args)` in a forked child, under `policy` if given.
fn outcome(policy: Option<&Policy>, nr: i64, args: [u64; 3]) -> Outcome {
    // SAFETY: fork(2) has no memory arguments; the child makes raw
    // syscalls only and leaves through _exit.
    match unsafe { libc::fork() } {
        -1 => panic!("fork: {}", std::io::Error::last_os_error()),
        0 => {
            if policy.is_some_and(|p| p.apply_to_current_thread().is_err()) {
                // SAFETY: ends the child.
                unsafe { libc::_exit(255) };
            }
            // SAFETY: the calls below take integers only (descriptors,
            // offsets), no pointers.
            let ret = unsafe { libc::syscall(nr, args[0], args[1], args[2]) };
            let code = if ret >= 0 {
                0
            } else {
                std::io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(254)
            };
            // SAFETY: ends the child without running the test's atexit
            // handlers.
            unsafe { libc::_exit(code) }
        }
        pid => {
            let mut status = 0;
            // SAFETY: waitpid(2) writes one int.
            let got = unsafe { libc::waitpid(pid, &mut status, 0) };
            assert_eq!(got, pid, "waitpid");
            if libc::WIFSIGNALED(status) {
                Outcome::Killed(libc::WTERMSIG(status))
            } else {
                let code = libc::WEXITSTATUS(status);
                assert_ne!(code, 255, "the child could not install the policy");
                Outcome::Returned(code)
            }
        }
    }
}

/// Every call, with arguments around the policy's constants and with high
/// bits the kernel drops from 32-bit parameters.
fn calls() -> Vec<(i64, [u64; 3])> {
    let high = 0x1_0000_0000u64;
    let mut calls = vec![
        (libc::SYS_getpid, [0; 3]),
        (libc::SYS_getppid, [0; 3]),
        (libc::SYS_getuid, [0; 3]),
        (libc::SYS_getgid, [0; 3]),
        (libc::SYS_geteuid, [0; 3]),
        (libc::SYS_dup, [0, 0, 0]),
        (libc::SYS_dup, [1, 0, 0]),
        (libc::SYS_dup, [high, 0, 0]),
        (libc::SYS_lseek, [0, 0, 7]),
        (libc::SYS_lseek, [0, 0, 7 + high]),
        (libc::SYS_lseek, [0, 0, 1]),
        (libc::SYS_lseek, [1, 0, 7]),
        // A number no table knows: `unknown` (built-in errno(ENOSYS)).
        (999, [0; 3]),
    ];
    for fd in [
        0,
        999,
        1000,
        1499,
        1500,
        1501,
        1999,
        2000,
        high + 1000,
        high + 1500,
    ] {
        calls.push((libc::SYS_close, [fd, 0, 0]));
    }
    calls
}

#[test]
fn evaluate_agrees_with_the_kernel() {
    let mut checked = 0;
    for (nr, args) in calls() {
        let number = u32::try_from(nr).unwrap();
        let verdict = evaluate(&POLICY, number, &args).unwrap();
        let filtered = outcome(Some(&POLICY), nr, args);
        let unfiltered = outcome(None, nr, args);
        let expected = match verdict {
            Action::Allow => unfiltered,
            Action::Errno(e) => Outcome::Returned(i32::from(e)),
            Action::KillProcess | Action::KillThread => Outcome::Killed(libc::SIGSYS),
            other => panic!("no call here gets {other}"),
        };
        assert_eq!(
            filtered, expected,
            "syscall {nr}{args:x?}: evaluate says {verdict}, the kernel did {filtered:?} (unfiltered: {unfiltered:?})"
        );
        checked += 1;
    }
    assert_eq!(checked, 23);
}

#[test]
fn evaluate_by_name_is_evaluate_by_number() {
    for (name, nr) in [
        ("getuid", libc::SYS_getuid),
        ("close", libc::SYS_close),
        ("getgid", libc::SYS_getgid),
    ] {
        let number = u32::try_from(nr).unwrap();
        for fd in [0, 1000, 1500] {
            assert_eq!(
                evaluate(&POLICY, name, &[fd]).unwrap(),
                evaluate(&POLICY, number, &[fd]).unwrap(),
                "{name}({fd})"
            );
        }
    }
    assert_eq!(
        evaluate(&POLICY, "close", &[1500]).unwrap(),
        Action::Errno(libc::EKEYREJECTED as u16)
    );
    // SYSCALL_DEFINE3(lseek, unsigned int, fd, off_t, offset, unsigned int,
    // whence): the names are the kernel's, the slots 0 and 2.
    for (fd, whence) in [(0, 7), (0, 1), (1, 7)] {
        assert_eq!(
            evaluate_named(&POLICY, "lseek", &[("whence", whence), ("fd", fd)]).unwrap(),
            evaluate(&POLICY, "lseek", &[fd, 0, whence]).unwrap(),
        );
    }
    assert_eq!(
        evaluate_named(&POLICY, "lseek", &[("arg2", 7)]).unwrap(),
        Action::Allow
    );
    let typo = evaluate_named(&POLICY, "lseek", &[("whense", 7)]).unwrap_err();
    assert_eq!(
        typo.to_string(),
        format!(
            "lseek has no parameter `whense` on {} (did you mean `whence`?); its parameters: fd, offset, whence, arg0, arg1, arg2, arg3, arg4, arg5",
            seccomp_compiler::Arch::native().unwrap()
        )
    );
}

#[test]
fn evaluate_reports_mistakes() {
    let unknown = evaluate(&POLICY, "getpdi", &[]).unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "no architecture has a syscall named `getpdi` (did you mean `getpid`?)"
    );
    let too_many = evaluate(&POLICY, "getpid", &[0; 7]).unwrap_err();
    assert!(matches!(too_many, Error::TooManyArguments { given: 7 }));
    static EMPTY: Policy = Policy::from_parts(&[], &[], &[]);
    let empty = evaluate(&EMPTY, "getpid", &[]).unwrap_err();
    assert!(
        empty
            .to_string()
            .starts_with("the policy's program cannot run"),
        "{empty}"
    );
    #[cfg(target_arch = "aarch64")]
    assert!(matches!(
        evaluate(&POLICY, "open", &[]).unwrap_err(),
        Error::NotOnThisArch { .. }
    ));
}

fn raw(nr: i64, a: u64) -> i64 {
    // SAFETY: the calls the tests make take integers only.
    unsafe { libc::syscall(nr, a) }
}

/// The calls the closure makes, and only those, are reported, with their
/// counts and actions; each of them really ran.
#[test]
fn learn_reports_the_refused_calls_a_closure_makes() {
    // SAFETY: getuid(2) takes no arguments.
    let uid = unsafe { libc::getuid() };
    let refused = learn(&POLICY, || {
        for _ in 0..3 {
            assert_eq!(raw(libc::SYS_getuid, 0), i64::from(uid), "getuid ran");
        }
        assert!(raw(libc::SYS_getpid, 0) > 0);
        assert!(raw(libc::SYS_getgid, 0) >= 0, "getgid ran, not killed");
        // Refused with EKEYREJECTED, but it runs: EBADF.
        assert_eq!(raw(libc::SYS_close, 1500), -1);
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(libc::EBADF)
        );
        // Allowed: not reported.
        assert_eq!(raw(libc::SYS_close, 1501), -1);
    })
    .unwrap();
    assert_eq!(
        refused.names(),
        sorted_by_number(&["close", "getuid", "getgid"])
    );
    let getuid = refused.get("getuid").unwrap();
    assert_eq!(getuid.count, 3, "{refused}");
    assert_eq!(
        getuid.actions,
        [(Action::Errno(libc::ENOTRECOVERABLE as u16), 3)]
    );
    assert_eq!(
        refused.get("getgid").unwrap().actions,
        [(Action::KillProcess, 1)]
    );
    let close = refused.get("close").unwrap();
    assert_eq!(close.count, 1, "{refused}");
    assert_eq!(close.example.map(|a| a[0]), Some(1500));
    // The test runner is not filtered.
    // SAFETY: getgid(2) takes no arguments.
    assert!(unsafe { libc::getgid() } < u32::MAX);
}

fn sorted_by_number(names: &[&str]) -> Vec<String> {
    let mut named: Vec<(i64, &str)> = names
        .iter()
        .map(|&n| {
            let nr = match n {
                "close" => libc::SYS_close,
                "getuid" => libc::SYS_getuid,
                "getgid" => libc::SYS_getgid,
                _ => unreachable!("only the names above"),
            };
            (nr, n)
        })
        .collect();
    named.sort();
    named.into_iter().map(|(_, n)| n.to_owned()).collect()
}

#[test]
fn learn_reports_a_panicking_closure() {
    let error = learn(&POLICY, || panic!("on purpose")).unwrap_err();
    assert!(matches!(error, Error::ClosurePanicked), "{error}");
}

#[test]
fn learn_finds_nothing_when_the_policy_allows_everything_done() {
    let refused = learn(&POLICY, || {
        assert!(raw(libc::SYS_getpid, 0) > 0);
        assert!(raw(libc::SYS_getppid, 0) > 0);
    })
    .unwrap();
    assert!(refused.is_empty(), "{refused}");
    assert_eq!(refused.to_string(), "nothing refused");
}
