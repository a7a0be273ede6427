//! Parameters the kernel narrows after entry (NARROWED_AFTER_ENTRY in
//! tools/gen-tables/params_gen.py), on the real x86_64 kernel: unfiltered,
//! the kernel itself ignores the high word (so the fact is the kernel's,
//! not the table's), and under a policy that refuses the low word, setting
//! the high word does not get the call through.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use std::os::fd::AsRawFd;

use libc::EACCES;
use tests::kernel::{Call, TempDir, compile, errno_action, expect_errno, expect_success, in_child};

#[test]
fn a_high_word_does_not_dodge_a_drop_of_a_narrowed_fd() {
    let dir = TempDir::new("narrowed");
    let path = dir.path().join("file");
    std::fs::write(&path, [7u8; 4096]).expect("write the file");
    let file = std::fs::File::open(&path).expect("open the file");
    let fd = u64::try_from(file.as_raw_fd()).expect("a descriptor is non-negative");
    let high = fd | 1 << 32;
    // A policy per run: the descriptor number is known only now.
    let text = format!(
        "default allow; drop ptrace; drop mmap(fd == {fd}) => errno(EACCES); drop readv(fd == {fd}) => errno(EACCES); acknowledge siblings;"
    );
    let p = compile(Box::leak(text.into_boxed_str()));
    let byte: &'static mut [u8; 1] = Box::leak(Box::new([0]));
    let iov: &'static libc::iovec = Box::leak(Box::new(libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    }));
    let iov_ptr = std::ptr::from_ref(iov) as u64;
    let (prot, flags) = (libc::PROT_READ as u64, libc::MAP_PRIVATE as u64);
    let mmap = |fd| Call::new(libc::SYS_mmap, &[0, 4096, prot, flags, fd, 0]);
    let readv = |fd| Call::new(libc::SYS_readv, &[fd, iov_ptr, 1]);

    // The kernel's own reading: mm/mmap.c ksys_mmap_pgoff() calls
    // fget(fd), which takes an unsigned int; fs/read_write.c do_readv()
    // calls fdget_pos(fd), the same.
    // SAFETY: mmap maps a fresh private page that nothing else uses.
    let addr = expect_success("unfiltered mmap", unsafe { mmap(high).run() }).unwrap();
    // SAFETY: unmaps the page just mapped.
    unsafe { libc::munmap(addr as *mut libc::c_void, 4096) };
    // SAFETY: readv writes one byte into `byte` through `iov`.
    let read = unsafe { readv(high).run() };
    assert_eq!(read, Ok(1), "unfiltered readv with the high word set");

    for call in [mmap(fd), mmap(high), readv(fd), readv(high)] {
        p.assert_verdict(&call, errno_action(EACCES));
    }
    let outcome = in_child(|| {
        p.apply()?;
        // SAFETY: as above; refused before they run.
        expect_errno("mmap(fd | 1 << 32)", unsafe { mmap(high).run() }, EACCES)?;
        // SAFETY: as above.
        expect_errno("readv(fd | 1 << 32)", unsafe { readv(high).run() }, EACCES)?;
        // SAFETY: as above.
        expect_errno("readv(fd)", unsafe { readv(fd).run() }, EACCES)?;
        // Another descriptor is not refused: 1 << 20 is none that is
        // open, so the kernel itself answers EBADF.
        // SAFETY: as above.
        expect_errno(
            "readv(1 << 20)",
            unsafe { readv(1 << 20).run() },
            libc::EBADF,
        )
    });
    outcome.assert_ok();
}
