//! Successors get `ENOSYS` (README "Policies that survive libc upgrades"),
//! shown with the host's glibc on the real kernel: a policy that allows the
//! old call and does not name the new one keeps the program running,
//! because glibc's own fallback takes over; with `successors off;` the same
//! program is killed at the new call, as before the feature. The oracle is
//! glibc's behaviour (the fallbacks cited in the compiler's
//! `tables/successors.rs`) and the kernel's; every verdict is also checked
//! against the compiler's reference evaluator.

#![cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]

use std::ffi::CStr;

use seccomp_compiler::Action;
use tests::kernel::{Call, Compiled, compile, errno_action, in_child};

/// What a thread needs under glibc on x86_64 (found by tracing
/// `std::thread::spawn` with strace), with `clone` and without `clone3`.
/// `rseq` is allowed: glibc 2.35+ aborts a new thread whose rseq
/// registration fails once the first thread's succeeded (nptl/pthread_create.c).
const THREADS: &str = "base @default, @basic-io, @signal; \
     keep mmap, munmap, mprotect, madvise, clone, rseq, sched_getaffinity, getrandom;";

const THREADS_OFF: &str = "base @default, @basic-io, @signal; \
     keep mmap, munmap, mprotect, madvise, clone, rseq, sched_getaffinity, getrandom; \
     successors off;";

/// `faccessat` allowed, `faccessat2` and `access` named nowhere.
const FACCESSAT: &str = "base @default, @basic-io; keep faccessat;";
const FACCESSAT_OFF: &str = "base @default, @basic-io; keep faccessat; successors off;";

/// The host glibc's version as `(major, minor)`.
fn glibc_version() -> (u32, u32) {
    // SAFETY: gnu_get_libc_version returns a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(libc::gnu_get_libc_version()) };
    let v = v.to_str().expect("ASCII");
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Whether the host's glibc tries `new` first (from the release cited in
/// the successor table); otherwise the test has nothing to show.
fn glibc_tries_first(new: &str, since: (u32, u32)) -> bool {
    let v = glibc_version();
    if v < since {
        println!(
            "NOTICE: glibc {}.{} does not call {new} first (since {}.{}); nothing to show",
            v.0, v.1, since.0, since.1
        );
    }
    v >= since
}

fn call(name: &str) -> Call {
    let nr = seccomp_compiler::tables::syscalls::table(seccomp_compiler::Arch::X86_64)
        .number(name)
        .expect("an x86_64 syscall");
    Call { nr, args: [0; 6] }
}

fn spawn_a_thread(p: &Compiled) -> Result<(), String> {
    p.apply()?;
    let handle = std::thread::Builder::new()
        .spawn(|| 6 * 7)
        .map_err(|e| format!("spawn: {e}"))?;
    match handle.join() {
        Ok(42) => Ok(()),
        other => Err(format!("join: {other:?}")),
    }
}

#[test]
fn threads_start_when_clone_is_allowed_and_clone3_is_named_nowhere() {
    if !glibc_tries_first("clone3", (2, 34)) {
        return;
    }
    let p = compile(THREADS);
    p.assert_verdict(&call("clone3"), errno_action(libc::ENOSYS));
    p.assert_verdict(&call("clone"), Action::Allow);
    in_child(|| spawn_a_thread(&p)).assert_ok();
}

#[test]
fn with_successors_off_the_thread_start_is_killed_at_clone3() {
    if !glibc_tries_first("clone3", (2, 34)) {
        return;
    }
    let p = compile(THREADS_OFF);
    p.assert_verdict(&call("clone3"), Action::KillProcess);
    in_child(|| spawn_a_thread(&p)).assert_sigsys();
}

fn faccessat_root(p: &Compiled) -> Result<(), String> {
    p.apply()?;
    // glibc's faccessat() calls faccessat2 first (faccessat.c); its
    // access() is the access syscall on x86_64 (access.c), which this
    // policy does not allow, so faccessat() is the call to show.
    // SAFETY: faccessat reads the NUL-terminated path.
    let r = unsafe { libc::faccessat(libc::AT_FDCWD, c"/".as_ptr(), libc::R_OK, 0) };
    if r == 0 {
        Ok(())
    } else {
        Err(format!("faccessat: {}", std::io::Error::last_os_error()))
    }
}

#[test]
fn faccessat_works_when_faccessat_is_allowed_and_faccessat2_is_named_nowhere() {
    if !glibc_tries_first("faccessat2", (2, 33)) {
        return;
    }
    let p = compile(FACCESSAT);
    p.assert_verdict(&call("faccessat2"), errno_action(libc::ENOSYS));
    in_child(|| faccessat_root(&p)).assert_ok();
}

#[test]
fn with_successors_off_faccessat_is_killed_at_faccessat2() {
    if !glibc_tries_first("faccessat2", (2, 33)) {
        return;
    }
    let p = compile(FACCESSAT_OFF);
    p.assert_verdict(&call("faccessat2"), Action::KillProcess);
    in_child(|| faccessat_root(&p)).assert_sigsys();
}

/// A policy that names the successor keeps its rule: here `drop clone3`
/// refuses it with the deny action even though `clone` is allowed.
#[test]
fn a_policy_that_names_the_successor_keeps_its_rule() {
    if !glibc_tries_first("clone3", (2, 34)) {
        return;
    }
    let p = compile(
        "base @default, @basic-io, @signal; \
         keep mmap, munmap, mprotect, madvise, clone, rseq, sched_getaffinity, getrandom; \
         drop clone3;",
    );
    p.assert_verdict(&call("clone3"), Action::KillProcess);
    in_child(|| spawn_a_thread(&p)).assert_sigsys();
}
