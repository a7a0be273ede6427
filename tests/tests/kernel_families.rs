//! Syscall families on the real kernel: what the sibling lint and warning
//! (seccomp-compiler's check/families.rs) say a sibling does, it does, and
//! the statements their help suggests close the gap. Each policy runs in a
//! forked child; the kernel's answers are the oracle, and every verdict is
//! also checked against the compiler's reference evaluator.
//!
//! The evidence of issue 7: `default allow; drop openat(flags & O_CREAT)`
//! left `creat` and `open` creating files, and `drop kill(sig == 9)` left
//! `tgkill` and `tkill` sending SIGKILL.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use libc::{EACCES, ENOSYS, EPERM};
use seccomp_compiler::{Arch, Diagnostic, compile_str};
use tests::kernel::{
    Call, Compiled, TempDir, buf, compile, errno_action, expect_errno, expect_success, in_child,
    ptr,
};

/// The errors `text` gets on x86_64 (the policy compiles elsewhere or not).
fn x86_64_errors(text: &str) -> Vec<Diagnostic> {
    match compile_str(text) {
        Err(ds) => ds
            .into_iter()
            .filter(|d| d.arch.is_none_or(|a| a == Arch::X86_64))
            .collect(),
        Ok(c) => c
            .arches
            .into_iter()
            .find(|a| a.arch == Arch::X86_64)
            .and_then(|a| a.outcome.err())
            .unwrap_or_default(),
    }
}

/// The statements a diagnostic's help suggests, in order: every
/// backquoted piece that is a `drop`/`keep` statement.
fn suggested(d: &Diagnostic) -> String {
    d.help
        .iter()
        .flat_map(|h| h.split('`').skip(1).step_by(2))
        .filter(|s| s.starts_with("drop ") || s.starts_with("keep "))
        .collect::<Vec<_>>()
        .join(" ")
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

const O_CREAT_WRONLY: u64 = (libc::O_CREAT | libc::O_WRONLY) as u64;

/// The four ways to create `dir/name-*`, as raw calls.
struct Creators {
    openat: Call,
    open: Call,
    creat: Call,
    openat2: Call,
}

/// `struct open_how` (include/uapi/linux/openat2.h): flags, mode, resolve.
static HOW: [u64; 3] = [O_CREAT_WRONLY, 0o600, 0];

fn creators(dir: &TempDir) -> Creators {
    let path = |n: &str| ptr(Box::leak(Box::new(dir.c_path(n))));
    let at_fdcwd = libc::AT_FDCWD as u64;
    Creators {
        openat: Call::new(
            libc::SYS_openat,
            &[at_fdcwd, path("openat"), O_CREAT_WRONLY, 0o600],
        ),
        open: Call::new(libc::SYS_open, &[path("open"), O_CREAT_WRONLY, 0o600]),
        creat: Call::new(libc::SYS_creat, &[path("creat"), 0o600]),
        openat2: Call::new(
            libc::SYS_openat2,
            &[at_fdcwd, path("openat2"), HOW.as_ptr() as u64, 24],
        ),
    }
}

#[test]
fn dropping_creation_through_openat_alone_leaves_open_and_creat_creating_files() {
    let drop_openat =
        "default allow; drop ptrace; drop openat(flags & 0x40 == 0x40) => errno(EACCES);";
    let errors = x86_64_errors(drop_openat);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let message = &errors[0].message;
    for sibling in ["`open`", "`creat`", "`openat2`"] {
        assert!(message.contains(sibling), "{message}");
    }

    // Acknowledged, the policy compiles, and the kernel shows why the lint
    // fires: open, creat and openat2 create files, openat alone cannot.
    let p = compile(leak(format!("{drop_openat} acknowledge siblings;")));
    let dir = TempDir::new("families-creat");
    let c = creators(&dir);
    p.assert_verdict(&c.openat, errno_action(EACCES));
    for call in [&c.open, &c.creat, &c.openat2] {
        p.assert_verdict(call, seccomp_compiler::Action::Allow);
    }
    in_child(|| {
        p.apply()?;
        // SAFETY: the paths are NUL-terminated and `HOW` is a valid
        // `struct open_how`; each call opens a new descriptor.
        unsafe {
            expect_errno("openat(O_CREAT)", c.openat.run(), EACCES)?;
            expect_success("open(O_CREAT)", c.open.run())?;
            expect_success("creat", c.creat.run())?;
            expect_success("openat2(O_CREAT)", c.openat2.run())?;
        }
        Ok(())
    })
    .assert_ok();
    for made in ["open", "creat", "openat2"] {
        assert!(dir.path().join(made).exists(), "{made} created its file");
    }
    assert!(!dir.path().join("openat").exists());

    // With the statements the lint suggests, no way creates a file.
    let fixed = leak(format!("{drop_openat} {}", suggested(&errors[0])));
    let p = compile(fixed);
    let dir = TempDir::new("families-creat-fixed");
    let c = creators(&dir);
    in_child(|| {
        p.apply()?;
        // SAFETY: as above.
        unsafe {
            expect_errno("openat(O_CREAT)", c.openat.run(), EACCES)?;
            expect_errno("open(O_CREAT)", c.open.run(), EACCES)?;
            expect_errno("creat", c.creat.run(), EACCES)?;
            expect_errno("openat2", c.openat2.run(), ENOSYS)?;
        }
        // Opening without O_CREAT still works, through every entry point.
        let passwd = c"/etc/passwd";
        let read_only = Call::new(libc::SYS_open, &[ptr(passwd), libc::O_RDONLY as u64]);
        // SAFETY: the path is NUL-terminated.
        expect_success("open(O_RDONLY)", unsafe { read_only.run() })?;
        std::fs::File::open(passwd.to_str().unwrap_or_default())
            .map_err(|e| format!("std::fs::File::open: {e}"))?;
        Ok(())
    })
    .assert_ok();
    assert_eq!(
        std::fs::read_dir(dir.path()).map(Iterator::count).ok(),
        Some(0),
        "nothing created"
    );
}

/// `sig` sent to this thread by `kill`, `tkill` and `tgkill`.
fn senders(sig: u64) -> [(&'static str, Call); 3] {
    // SAFETY: getpid and gettid take no arguments.
    let (pid, tid) = unsafe { (libc::getpid() as u64, libc::gettid() as u64) };
    [
        ("kill", Call::new(libc::SYS_kill, &[pid, sig])),
        ("tkill", Call::new(libc::SYS_tkill, &[tid, sig])),
        ("tgkill", Call::new(libc::SYS_tgkill, &[pid, tid, sig])),
    ]
}

#[test]
fn dropping_sigkill_through_kill_alone_leaves_tgkill_sending_it() {
    let drop_kill = "default allow; drop ptrace; drop kill(sig == 9) => errno(EPERM);";
    let errors = x86_64_errors(drop_kill);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].message.contains("`tgkill`, `tkill`"),
        "{}",
        errors[0].message
    );

    let p = compile(leak(format!("{drop_kill} acknowledge siblings;")));
    let outcome = in_child(|| {
        p.apply()?;
        let [kill, _, tgkill] = senders(9);
        // SAFETY: kill and tgkill take numbers only.
        unsafe {
            expect_errno("kill(self, SIGKILL)", kill.1.run(), EPERM)?;
            let _ = tgkill.1.run();
        }
        Err("survived tgkill(self, SIGKILL)".into())
    });
    assert_eq!(
        outcome.signal(),
        Some(libc::SIGKILL),
        "{}",
        outcome.describe()
    );

    let p = compile(leak(format!("{drop_kill} {}", suggested(&errors[0]))));
    in_child(|| {
        p.apply()?;
        for (name, call) in senders(9) {
            p.assert_verdict(&call, errno_action(EPERM));
            // SAFETY: as above.
            expect_errno(name, unsafe { call.run() }, EPERM)?;
        }
        // Other signals still go through: signal 0 checks the target.
        for (name, call) in senders(0) {
            // SAFETY: as above.
            expect_success(name, unsafe { call.run() })?;
        }
        Ok(())
    })
    .assert_ok();
}

#[test]
fn keeping_write_to_stdout_leaves_writev_writing_anywhere_until_confined() {
    let readme = "base @system-service; drop ptrace; keep write(fd == 1 | 2);";
    let c = compile_str(readme).expect("the README's policy compiles");
    let warnings = &c.get(Arch::X86_64).expect("x86_64").warnings;
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let bytes: &'static [u8] = b"through writev\n";
    let iov: &'static [u64; 2] = Box::leak(Box::new([buf(bytes), bytes.len() as u64]));
    let writev = |fd: u64| Call::new(libc::SYS_writev, &[fd, iov.as_ptr() as u64, 1]);
    let run_writev_to_a_file = |p: &'static Compiled| {
        in_child(move || {
            p.apply()?;
            let file = std::fs::File::create("/dev/null").map_err(|e| e.to_string())?;
            let fd = std::os::fd::AsRawFd::as_raw_fd(&file) as u64;
            // SAFETY: the iovec points at a static buffer.
            expect_success("writev(file)", unsafe { writev(fd).run() })?;
            Ok(())
        })
    };
    let p: &'static Compiled = Box::leak(Box::new(compile(readme)));
    p.assert_verdict(&writev(3), seccomp_compiler::Action::Allow);
    run_writev_to_a_file(p).assert_ok();

    // With what the warning suggests, writev obeys the same condition.
    let confined = leak(format!("{readme} {}", suggested(&warnings[0])));
    let p: &'static Compiled = Box::leak(Box::new(compile(confined)));
    let c = compile_str(confined).unwrap();
    assert!(c.get(Arch::X86_64).unwrap().warnings.is_empty());
    p.assert_verdict(&writev(3), seccomp_compiler::Action::KillProcess);
    run_writev_to_a_file(p).assert_sigsys();
    in_child(|| {
        p.apply()?;
        // SAFETY: as above.
        expect_success("writev(stdout)", unsafe { writev(1).run() })?;
        Ok(())
    })
    .assert_ok();
}
