//! `@frequency` files: `syscall: COUNT` lines that only order the checks
//! (tools/parser.py `_parse_frequency_file`: a syscall descriptor, a
//! colon, a non-negative number; `#` comments).

use crate::ImportError;
use seccomp_compiler::tables::syscalls::SyscallTable;

/// Checks a frequency file as compile_seccomp_policy.py reads it.
pub(super) fn check(name: &str, text: &str, table: &SyscallTable) -> Result<(), ImportError> {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(a, _)| a).trim();
        if line.is_empty() {
            continue;
        }
        let at = |needle: &str| {
            let col = raw.find(needle).unwrap_or(0);
            format!("{name}:{}:{}", i + 1, raw[..col].chars().count() + 1)
        };
        let Some((syscall, count)) = line.split_once(':') else {
            return Err(ImportError::new(at(line), "missing colon"));
        };
        let syscall = syscall.trim();
        if table.number(syscall).is_none() {
            return Err(ImportError::new(
                at(syscall),
                format!("nonexistent syscall `{syscall}`"),
            ));
        }
        let count = count.trim();
        let parsed = match count.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => count.parse::<u64>().ok(),
        };
        if parsed.is_none() {
            return Err(ImportError::new(
                at(count),
                format!("invalid number `{count}`"),
            ));
        }
    }
    Ok(())
}
