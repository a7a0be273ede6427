//! The generated tables are text: each is one string literal of lines,
//! which rustc reads as a single token. As arrays of thousands of strings,
//! tuples and structs they took most of a second of every build that uses
//! the macro to type-check and lower (docs/ARCHITECTURE.md section 6). A
//! table sorted by its first field is searched in place; the others are
//! read once into vectors by their accessors.
//!
//! The macro runs this code unoptimised (cargo's default for proc
//! macros), where `str::lines`, `split_whitespace` and `sort` go through
//! layers of generic code compiled without optimisation: reading every
//! table with them took 20 ms. The loops here are plain byte loops, and no
//! table is sorted at run time.

use std::cmp::Ordering;

/// `key rest` lines sorted by key (bytewise), searched without an index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SortedLines(pub(crate) &'static str);

impl SortedLines {
    /// The rest of the line whose key is `key` (after the first space; ""
    /// for a line that is only a key).
    pub(crate) fn get(self, key: &str) -> Option<&'static str> {
        let bytes = self.0.as_bytes();
        // Invariant: the line with `key`, if any, starts in lo..hi, and
        // lo and hi are line starts (or the end).
        let (mut lo, mut hi) = (0, bytes.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // Plain loops: iterator adapters are slow unoptimised.
            let start = rfind_byte(&bytes[lo..mid], b'\n').map_or(lo, |i| lo + i + 1);
            let end = find_byte(&bytes[start..], b'\n').map_or(bytes.len(), |i| start + i);
            // Both ends are at a newline or an end of the text, so on
            // character boundaries.
            let (first, rest) = split_key(&self.0[start..end]);
            match first.cmp(key) {
                Ordering::Equal => return Some(rest),
                Ordering::Less => lo = end + 1,
                Ordering::Greater => hi = start,
            }
        }
        None
    }

    /// `(key, rest)` of every line, in order.
    pub(crate) fn iter(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        Lines(self.0).map(split_key)
    }
}

/// The lines of a text, without their `\n`.
pub(crate) struct Lines(pub(crate) &'static str);

impl Iterator for Lines {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        if self.0.is_empty() {
            return None;
        }
        let end = find(self.0, b'\n').unwrap_or(self.0.len());
        let line = &self.0[..end];
        // Past the newline (an ASCII byte, so a character boundary), or at the end.
        self.0 = &self.0[(end + 1).min(self.0.len())..];
        Some(line)
    }
}

/// The words of `text` separated by single spaces (none for "").
pub(crate) fn words(text: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (word, after) = split_key(rest);
        out.push(word);
        rest = after;
    }
    out
}

/// The last index of `byte` in `text`.
pub(crate) fn rfind(text: &str, byte: u8) -> Option<usize> {
    rfind_byte(text.as_bytes(), byte)
}

fn rfind_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    let mut i = bytes.len();
    while i > 0 {
        i -= 1;
        if bytes[i] == byte {
            return Some(i);
        }
    }
    None
}

/// The first index of `byte` in `text`.
pub(crate) fn find(text: &str, byte: u8) -> Option<usize> {
    find_byte(text.as_bytes(), byte)
}

fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == byte {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `(first, rest)` split at the first space (rest "" if there is none).
pub(crate) fn split_key(line: &'static str) -> (&'static str, &'static str) {
    match find(line, b' ') {
        // A space is ASCII, so both halves are on character boundaries.
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, ""),
    }
}

/// A number as the generator writes it: decimal, or `0x` hexadecimal,
/// either with a `-` sign.
pub(crate) fn number(text: &str) -> i128 {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    let (radix, digits) = match digits.strip_prefix("0x") {
        Some(hex) => (16, hex),
        None => (10, digits),
    };
    let mut magnitude: i128 = 0;
    for &b in digits.as_bytes() {
        // The generator writes only such numbers, below 2^64, and every
        // table's test reads all of them.
        let digit = (b as char)
            .to_digit(radix)
            .unwrap_or_else(|| panic!("generated table: `{text}` is not a number"));
        magnitude = magnitude * i128::from(radix) + i128::from(digit);
    }
    if negative { -magnitude } else { magnitude }
}

/// An open-addressing hash table of indices into a list of `(name,
/// value)` pairs, `by_name` (of syscall names, of family members). The
/// macro looks names up thousands of times per expansion, unoptimised
/// (cargo's default for proc macros), where a binary search by `str`
/// comparison cost some 1,600 instructions a lookup and std's `HashMap`
/// with its SipHash more: this hashes with FNV-1a in a plain loop and
/// compares one or two names.
pub(crate) struct NameIndex {
    /// `1 + index` into `by_name`, 0 for an empty slot; a power of two
    /// long, at most half full.
    slots: Vec<u32>,
}

impl NameIndex {
    pub(crate) fn new(by_name: &[(&'static str, u32)]) -> NameIndex {
        let len = (by_name.len() * 2).next_power_of_two();
        let mut slots = vec![0u32; len];
        let mut i = 0;
        while i < by_name.len() {
            let mut slot = fnv1a(by_name[i].0) & (len - 1);
            while slots[slot] != 0 {
                slot = (slot + 1) & (len - 1);
            }
            // Under a thousand names per list.
            slots[slot] = i as u32 + 1;
            i += 1;
        }
        NameIndex { slots }
    }

    pub(crate) fn get(&self, by_name: &[(&'static str, u32)], name: &str) -> Option<u32> {
        let slots = &self.slots[..];
        let mask = slots.len() - 1;
        let mut slot = fnv1a(name) & mask;
        loop {
            let entry = slots[slot] as usize;
            if entry == 0 {
                return None;
            }
            let (candidate, nr) = by_name[entry - 1];
            if candidate == name {
                return Some(nr);
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// FNV-1a over the name's bytes.
fn fnv1a(name: &str) -> usize {
    let bytes = name.as_bytes();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ u64::from(bytes[i])).wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    // Only the low bits are used.
    hash as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: SortedLines = SortedLines("AF_INET 2\nAF_UNIX 1\nKVM_RUN\nO_RDONLY 0\n");

    #[test]
    fn finds_every_line_and_nothing_else() {
        assert_eq!(TEXT.get("AF_INET"), Some("2"));
        assert_eq!(TEXT.get("AF_UNIX"), Some("1"));
        assert_eq!(TEXT.get("KVM_RUN"), Some(""));
        assert_eq!(TEXT.get("O_RDONLY"), Some("0"));
        for missing in ["", "A", "AF_", "AF_INET6", "ZZ", "O_RDONLY 0"] {
            assert_eq!(TEXT.get(missing), None, "{missing}");
        }
        assert_eq!(SortedLines("").get("x"), None);
        assert_eq!(SortedLines("only").get("only"), Some(""));
    }

    #[test]
    fn lines_and_words() {
        assert_eq!(Lines("a b\nc\n").collect::<Vec<_>>(), ["a b", "c"]);
        assert_eq!(Lines("a\n\nb").collect::<Vec<_>>(), ["a", "", "b"]);
        assert_eq!(Lines("").count(), 0);
        assert_eq!(words("read write @aio"), ["read", "write", "@aio"]);
        assert!(words("").is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(number("0"), 0);
        assert_eq!(number("-100"), -100);
        assert_eq!(number("0x5401"), 0x5401);
        assert_eq!(number("-0x80000000"), -0x8000_0000);
        assert_eq!(number("0xffffffffffffffff"), 0xffff_ffff_ffff_ffff);
    }
}
