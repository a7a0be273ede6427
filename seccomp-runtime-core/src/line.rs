//! A fixed-size line buffer, for writing messages without allocating.

use core::fmt;

/// Bytes of one message; longer text is cut, keeping the final newline.
const CAPACITY: usize = 256;

/// Collects one line on the stack. Used by the SIGSYS handler (through
/// `push_str`/`push_int` only, which are async-signal-safe) and by the
/// sandbox entry (through `core::fmt`).
pub(crate) struct LineBuf {
    bytes: [u8; CAPACITY],
    len: usize,
}

impl LineBuf {
    pub(crate) const fn new() -> LineBuf {
        LineBuf {
            bytes: [0; CAPACITY],
            len: 0,
        }
    }

    /// Appends as much of `text` as fits, keeping one byte for the newline.
    pub(crate) fn push_str(&mut self, text: &str) {
        self.push_bytes(text.as_bytes());
    }

    fn push_bytes(&mut self, bytes: &[u8]) {
        let room = CAPACITY - 1 - self.len;
        let take = bytes.len().min(room);
        self.bytes[self.len..self.len + take].copy_from_slice(&bytes[..take]);
        self.len += take;
    }

    /// Appends `value` in decimal.
    pub(crate) fn push_int(&mut self, value: i64) {
        if value < 0 {
            self.push_str("-");
        }
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = value.unsigned_abs();
        loop {
            start -= 1;
            // `rest % 10` is a single digit, so the narrowing is exact.
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.push_bytes(&digits[start..]);
    }

    /// Appends `value` in hex with a `0x` prefix, lower case.
    pub(crate) fn push_hex(&mut self, value: u64) {
        self.push_str("0x");
        let mut digits = [0u8; 16];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start -= 1;
            // A nibble, so the cast is exact.
            digits[start] = b"0123456789abcdef"[(rest & 0xf) as usize];
            rest >>= 4;
            if rest == 0 {
                break;
            }
        }
        self.push_bytes(&digits[start..]);
    }

    /// The line so far with a newline appended.
    pub(crate) fn finish(&mut self) -> &[u8] {
        // `push_str` always leaves room for this byte.
        self.bytes[self.len] = b'\n';
        &self.bytes[..=self.len]
    }
}

impl fmt::Write for LineBuf {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        // Truncating beats failing: the message is a diagnostic.
        self.push_str(text);
        Ok(())
    }
}

/// Writes all of `bytes` to `fd` with raw write(2), retrying on partial
/// writes and EINTR and giving up on any other error (there is nowhere to
/// report it).
pub(crate) fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        match crate::sys::write(fd, bytes) {
            Ok(0) => return,
            // write(2) never reports more than it was given.
            Ok(written) => bytes = &bytes[written.min(bytes.len())..],
            Err(crate::sys::Errno::EINTR) => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn formats_integers() {
        let mut line = LineBuf::new();
        line.push_int(0);
        line.push_str(" ");
        line.push_int(39);
        line.push_str(" ");
        line.push_int(-1);
        line.push_str(" ");
        line.push_int(i64::MIN);
        assert_eq!(line.finish(), b"0 39 -1 -9223372036854775808\n");
        let mut hex = LineBuf::new();
        hex.push_hex(0);
        hex.push_str(" ");
        hex.push_hex(0xffff_ff9c);
        hex.push_str(" ");
        hex.push_hex(u64::MAX);
        assert_eq!(hex.finish(), b"0x0 0xffffff9c 0xffffffffffffffff\n");
    }

    #[test]
    fn truncates_but_keeps_the_newline() {
        let mut line = LineBuf::new();
        for _ in 0..100 {
            write!(line, "abcdef").unwrap();
        }
        let text = line.finish();
        assert_eq!(text.len(), CAPACITY);
        assert_eq!(text.last(), Some(&b'\n'));
    }
}
