//! The name table of the policy applied last, published for the SIGSYS
//! handler.
//!
//! A `&'static [(u32, &str)]` is two words, and no portable atomic holds two
//! words, so the pointer and the length are stored in two atomics guarded by
//! a sequence counter (a seqlock: odd while a writer is between its stores).
//! A reader that sees the counter odd or changed gives up instead of waiting,
//! because the SIGSYS handler may have interrupted the writer on its own
//! thread: the report then says the number without the name.

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering, fence};

type Names = &'static [(u32, &'static str)];

static SEQUENCE: AtomicUsize = AtomicUsize::new(0);
static PTR: AtomicPtr<(u32, &'static str)> = AtomicPtr::new(ptr::null_mut());
static LEN: AtomicUsize = AtomicUsize::new(0);

/// Publishes `names` and returns the table it replaces.
pub(crate) fn publish_names(names: Names) -> Names {
    let sequence = lock();
    // We hold the write lock, so the two halves belong together.
    let previous = rebuild(PTR.load(Ordering::Relaxed), LEN.load(Ordering::Relaxed));
    PTR.store(names.as_ptr().cast_mut(), Ordering::Relaxed);
    LEN.store(names.len(), Ordering::Relaxed);
    // Even again: readers may use the new pair. Wrapping after 2^63 publishes
    // keeps the parity right.
    SEQUENCE.store(sequence.wrapping_add(2), Ordering::Release);
    previous
}

/// The table published last (empty if none), or `None` while a writer is
/// between its stores.
pub(crate) fn published_names() -> Option<Names> {
    let before = SEQUENCE.load(Ordering::Acquire);
    if writing(before) {
        return None;
    }
    let ptr = PTR.load(Ordering::Relaxed);
    let len = LEN.load(Ordering::Relaxed);
    fence(Ordering::Acquire);
    if SEQUENCE.load(Ordering::Relaxed) != before {
        return None;
    }
    Some(rebuild(ptr, len))
}

/// Takes the write lock (the counter made odd) and returns the even value it
/// had. Writers wait for each other here; readers never do.
fn lock() -> usize {
    loop {
        let sequence = SEQUENCE.load(Ordering::Relaxed);
        if !writing(sequence)
            && SEQUENCE
                .compare_exchange_weak(sequence, sequence + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            // Orders the odd counter before the data stores that follow.
            fence(Ordering::Release);
            return sequence;
        }
        core::hint::spin_loop();
    }
}

/// An odd counter: a writer is between its stores.
fn writing(sequence: usize) -> bool {
    sequence & 1 == 1
}

/// The slice behind a pointer/length pair read under an unchanged even
/// counter, or under the write lock.
fn rebuild(ptr: *mut (u32, &'static str), len: usize) -> Names {
    if ptr.is_null() {
        return &[];
    }
    // SAFETY: a non-null pointer in `PTR` was stored together with `len` from
    // one `&'static [(u32, &'static str)]` (the callers read both under the
    // lock or an unchanged even counter), so it points to `len` initialised,
    // immutable elements that live forever.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_returns_the_previous_table() {
        static FIRST: [(u32, &str); 1] = [(39, "getpid")];
        static SECOND: [(u32, &str); 2] = [(1, "write"), (60, "exit")];
        let original = publish_names(&FIRST);
        assert_eq!(published_names(), Some(&FIRST[..]));
        assert_eq!(publish_names(&SECOND), &FIRST[..]);
        assert_eq!(published_names(), Some(&SECOND[..]));
        publish_names(original);
    }
}
