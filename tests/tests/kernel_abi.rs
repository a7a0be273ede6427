//! Compiled policies against the kernel's syscall ABI on x86_64: argument
//! widths (registers with garbage in the high half), syscalls through other
//! ABIs (i386 `int 0x80`, x32 numbers), numbers no table knows, TSYNC, and
//! stacked filters. Each filter is installed in a forked child
//! (`tests::kernel`); every verdict is also checked against the compiler's
//! reference evaluator.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use std::sync::{Arc, Barrier};

use libc::{EACCES, ENOSYS, EPERM};
use seccomp_compiler::Action;
use tests::kernel::{
    Call, I386_NR_GETPID, TempDir, X32_SYSCALL_BIT, announce, buf, compile, errno_action, expect,
    expect_allowed_or, expect_errno, expect_success, getpid, in_child, int80, open_as, ptr,
};

/// `AUDIT_ARCH_I386` from `include/uapi/linux/audit.h`.
const AUDIT_ARCH_I386: u32 = 0x4000_0003;
/// Garbage for the upper half of a register.
const HIGH: u64 = 0xdead_beef_0000_0000;

fn write_call(fd: u64, bytes: &'static [u8]) -> Call {
    Call::new(libc::SYS_write, &[fd, buf(bytes), bytes.len() as u64])
}

fn lseek_call(fd: u64, offset: u64) -> Call {
    Call::new(libc::SYS_lseek, &[fd, offset, libc::SEEK_SET as u64])
}

// ---------------------------------------------------------------------------
// Argument widths

#[test]
fn a_32_bit_parameter_ignores_the_high_word_as_the_kernel_does() {
    // write's `fd` is `unsigned int`: the kernel itself truncates the
    // register, so fd 0xdead_beef_0000_0001 *is* descriptor 1, and the
    // filter must agree.
    let p = compile("deny errno(EPERM); base @system-service; keep write(fd == 1 | 2);");
    let dirty = write_call(HIGH | 1, b"through a dirty register\n");
    let dirty_3 = write_call(HIGH | 3, b"x");
    p.assert_verdict(&dirty, Action::Allow);
    p.assert_verdict(&dirty_3, errno_action(EPERM));
    let outcome = in_child(|| {
        open_as(3, c"/dev/null", libc::O_WRONLY)?;
        p.apply()?;
        // SAFETY: write reads its static buffer.
        unsafe {
            expect("write(HIGH | 1)", dirty.run(), Ok(25))?;
            expect_errno("write(HIGH | 3)", dirty_3.run(), EPERM)
        }
    });
    outcome.assert_ok();
    assert_eq!(outcome.stdout, "through a dirty register\n");
}

#[test]
fn a_negative_int_matches_whatever_the_high_word_holds() {
    // openat's `dfd` is `int`: `dfd == -100` is AT_FDCWD, sign-extended or
    // not, exactly as the kernel reads it.
    let p = compile("deny errno(EPERM); base @system-service; keep openat(dfd == -100);");
    let null = c"/dev/null";
    let open = |dfd: u64| Call::new(libc::SYS_openat, &[dfd, ptr(null), libc::O_RDONLY as u64]);
    let cases = [
        ("sign-extended AT_FDCWD", open(0xffff_ffff_ffff_ff9c), true),
        ("zero-extended AT_FDCWD", open(0x0000_0000_ffff_ff9c), true),
        ("AT_FDCWD under garbage", open(HIGH | 0xffff_ff9c), true),
        ("descriptor 3", open(3), false),
    ];
    for (_, call, allowed) in &cases {
        let want = if *allowed {
            Action::Allow
        } else {
            errno_action(EPERM)
        };
        p.assert_verdict(call, want);
    }
    let outcome = in_child(|| {
        open_as(3, c"/", libc::O_RDONLY | libc::O_DIRECTORY)?;
        p.apply()?;
        // SAFETY: openat reads the NUL-terminated path.
        unsafe { expect_allowed_or(&cases, EPERM) }
    });
    outcome.assert_ok();
}

#[test]
fn a_64_bit_parameter_compares_all_64_bits() {
    // lseek's `offset` is off_t and mmap's `len` is size_t: 64 bits, so a
    // high word makes a different value, refused.
    let p = compile(
        "deny errno(EPERM); base @system-service; \
         keep lseek(offset == 0); keep mmap(len == 4096);",
    );
    let seek_0 = lseek_call(3, 0);
    let seek_4g = lseek_call(3, 1 << 32);
    let mmap = |len: u64| {
        let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
        Call::new(
            libc::SYS_mmap,
            &[0, len, libc::PROT_NONE as u64, flags as u64, u64::MAX, 0],
        )
    };
    let page = mmap(4096);
    let page_4g = mmap((1 << 32) | 4096);
    p.assert_verdict(&seek_0, Action::Allow);
    p.assert_verdict(&seek_4g, errno_action(EPERM));
    p.assert_verdict(&page, Action::Allow);
    p.assert_verdict(&page_4g, errno_action(EPERM));
    let outcome = in_child(|| {
        open_as(3, c"/dev/zero", libc::O_RDONLY)?;
        p.apply()?;
        // SAFETY: lseek takes no pointers; the mmaps are fresh anonymous
        // PROT_NONE mappings nothing else uses.
        unsafe {
            expect("lseek(0)", seek_0.run(), Ok(0))?;
            expect_errno("lseek(1 << 32)", seek_4g.run(), EPERM)?;
            expect_success("mmap(4096)", page.run())?;
            expect_errno("mmap(4 GiB + 4096)", page_4g.run(), EPERM)
        }
    });
    outcome.assert_ok();
}

#[test]
fn width_overrides_change_what_the_filter_compares() {
    // `fd:u64` compares the whole register: the kernel would write to fd 1,
    // but the filter refuses. `offset:u32` ignores the high word: the
    // kernel seeks to 4 GiB, and the filter lets it.
    let p = compile(
        "deny errno(EPERM); base @system-service; \
         keep write(fd:u64 == 1 | 2); keep lseek(offset:u32 == 0);",
    );
    let dirty = write_call(HIGH | 1, b"x");
    let clean = write_call(1, b"clean\n");
    let seek_4g = lseek_call(3, 1 << 32);
    p.assert_verdict(&dirty, errno_action(EPERM));
    p.assert_verdict(&clean, Action::Allow);
    p.assert_verdict(&seek_4g, Action::Allow);
    let dir = TempDir::new("width-override");
    std::fs::write(dir.path().join("f"), b"").expect("a file");
    let file = dir.c_path("f");
    let outcome = in_child(|| {
        open_as(3, &file, libc::O_RDONLY)?;
        p.apply()?;
        // SAFETY: write reads its static buffer; lseek takes no pointers.
        unsafe {
            expect_errno("write(HIGH | 1)", dirty.run(), EPERM)?;
            expect("write(1)", clean.run(), Ok(6))?;
            expect("lseek(1 << 32)", seek_4g.run(), Ok(1 << 32))
        }
    });
    outcome.assert_ok();
    assert_eq!(outcome.stdout, "clean\n");
}

// ---------------------------------------------------------------------------
// Other ABIs and unknown numbers

#[test]
fn an_i386_syscall_is_killed_whatever_the_policy_says() {
    let i386_getpid = Call {
        nr: I386_NR_GETPID,
        args: [0; 6],
    };
    // Without a filter the kernel serves `int 0x80` from an x86_64
    // process (IA32 emulation): the kill below is the filter's.
    let free = in_child(|| {
        // SAFETY: i386 getpid takes no arguments.
        let via_int80 = unsafe { int80(I386_NR_GETPID) };
        expect("int 0x80 getpid", via_int80, getpid())
    });
    free.assert_ok();

    let p = compile("default allow; drop ptrace;");
    assert_eq!(
        p.verdict_for(AUDIT_ARCH_I386, &i386_getpid),
        Action::KillProcess
    );
    let outcome = in_child(|| {
        p.apply()?;
        expect_success("getpid", getpid())?;
        announce("int 0x80");
        // SAFETY: as above.
        let _ = unsafe { int80(I386_NR_GETPID) };
        Err("survived an i386 syscall".into())
    });
    outcome.assert_killed_calling("int 0x80");
}

#[test]
fn an_x32_syscall_is_killed_whatever_the_policy_says() {
    let x32_getpid = Call::new(libc::SYS_getpid | X32_SYSCALL_BIT as i64, &[]);
    let p = compile("default allow; drop ptrace;");
    p.assert_verdict(&x32_getpid, Action::KillProcess);
    let outcome = in_child(|| {
        p.apply()?;
        expect_success("getpid", getpid())?;
        announce("x32 getpid");
        // SAFETY: getpid takes no arguments, under any ABI.
        let _ = unsafe { x32_getpid.run() };
        Err("survived an x32 syscall".into())
    });
    outcome.assert_killed_calling("x32 getpid");
}

#[test]
fn an_unknown_number_gets_enosys_even_in_an_allow_list() {
    // The deny action here kills, so ENOSYS proves the `unknown` rule.
    let p = compile("base @system-service;");
    let unknown = Call::new(1000, &[]);
    p.assert_verdict(&unknown, errno_action(ENOSYS));
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: no kernel has a syscall 1000; nothing runs.
        expect_errno("syscall 1000", unsafe { unknown.run() }, ENOSYS)
    });
    outcome.assert_ok();
}

#[test]
fn the_unknown_statement_sets_their_action() {
    let unknown = Call::new(1000, &[]);

    let refusing = compile("unknown errno(EACCES); default allow; drop ptrace;");
    refusing.assert_verdict(&unknown, errno_action(EACCES));
    let outcome = in_child(|| {
        refusing.apply()?;
        // SAFETY: no kernel has a syscall 1000; nothing runs.
        expect_errno("syscall 1000", unsafe { unknown.run() }, EACCES)
    });
    outcome.assert_ok();

    let killing = compile("unknown kill_process; default allow; drop ptrace;");
    killing.assert_verdict(&unknown, Action::KillProcess);
    let outcome = in_child(|| {
        killing.apply()?;
        announce("syscall 1000");
        // SAFETY: as above.
        let _ = unsafe { unknown.run() };
        Err("survived syscall 1000".into())
    });
    outcome.assert_killed_calling("syscall 1000");
}

// ---------------------------------------------------------------------------
// Threads and stacked filters

#[test]
fn tsync_filters_a_thread_started_before_apply() {
    let p = compile("default allow; drop ptrace; drop mkdir => errno(EACCES);");
    let dir = TempDir::new("tsync");
    let early = dir.c_path("early");
    let main = dir.c_path("main");
    let mkdir_early = Call::new(libc::SYS_mkdir, &[ptr(&early), 0o700]);
    let mkdir_main = Call::new(libc::SYS_mkdir, &[ptr(&main), 0o700]);
    p.assert_verdict(&mkdir_early, errno_action(EACCES));
    let outcome = in_child(|| {
        let barrier = Arc::new(Barrier::new(2));
        let thread = std::thread::spawn({
            let barrier = Arc::clone(&barrier);
            move || {
                barrier.wait(); // running before the filter exists
                barrier.wait(); // the main thread has applied it
                // SAFETY: mkdir reads the NUL-terminated path.
                unsafe { mkdir_early.run() }
            }
        });
        barrier.wait();
        p.apply()?;
        barrier.wait();
        let seen = thread.join().map_err(|_| "the thread panicked")?;
        expect_errno("mkdir on the earlier thread", seen, EACCES)?;
        // SAFETY: as above.
        expect_errno(
            "mkdir on the main thread",
            unsafe { mkdir_main.run() },
            EACCES,
        )
    });
    outcome.assert_ok();
    assert!(!dir.path().join("early").exists() && !dir.path().join("main").exists());
}

#[test]
fn stacked_policies_cannot_loosen_and_the_newest_errno_wins() {
    // seccomp(2): every filter runs and the action of highest precedence
    // wins; among equal ones, the first seen, i.e. the newest filter's.
    let first = compile("default allow; drop ptrace; drop mkdir, getppid => errno(EACCES);");
    let second = compile(
        "default allow; drop ptrace; drop mkdir => errno(EPERM); \
         drop getppid => log; drop rmdir;",
    );
    let dir = TempDir::new("stacked");
    let path = dir.c_path("d");
    let mkdir = Call::new(libc::SYS_mkdir, &[ptr(&path), 0o700]);
    let getppid = Call::new(libc::SYS_getppid, &[]);
    let rmdir = Call::new(libc::SYS_rmdir, &[ptr(&path)]);
    first.assert_verdict(&getppid, errno_action(EACCES));
    second.assert_verdict(&getppid, Action::Log);
    second.assert_verdict(&rmdir, Action::KillProcess);
    let outcome = in_child(|| {
        first.apply()?;
        second.apply()?;
        // SAFETY: mkdir and rmdir read the path; getppid takes no arguments.
        unsafe {
            expect_errno("mkdir", mkdir.run(), EPERM)?;
            expect_errno("getppid", getppid.run(), EACCES)?;
            announce("rmdir");
            let _ = rmdir.run();
        }
        Err("survived rmdir".into())
    });
    outcome.assert_killed_calling("rmdir");
}

#[test]
fn a_vectored_io_descriptor_is_32_bits_as_the_kernel_uses_it() {
    // writev is `SYSCALL_DEFINE3(writev, unsigned long, fd, ...)`, yet
    // do_writev passes fd to fdget_pos(unsigned int): writev(HIGH | 3)
    // writes to descriptor 3. The tables compare the 32 bits the kernel
    // uses, so `drop writev(fd == 3)` cannot be dodged with high bits.
    // `acknowledge siblings`: write and the others may still write to 3.
    let p = compile(
        "default allow; drop ptrace; drop writev(fd == 3) => errno(EPERM); acknowledge siblings;",
    );
    let bytes = b"x";
    let iov = libc::iovec {
        iov_base: bytes.as_ptr().cast_mut().cast(),
        iov_len: bytes.len(),
    };
    let dirty = Call::new(libc::SYS_writev, &[HIGH | 3, &raw const iov as u64, 1]);
    p.assert_verdict(&dirty, errno_action(EPERM));
    let outcome = in_child(|| {
        open_as(3, c"/dev/null", libc::O_WRONLY)?;
        p.apply()?;
        // SAFETY: writev reads one iovec and its one byte.
        expect_errno("writev(HIGH | 3)", unsafe { dirty.run() }, EPERM)
    });
    outcome.assert_ok();
}
