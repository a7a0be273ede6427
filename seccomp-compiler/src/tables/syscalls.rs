//! Syscall names and numbers per architecture, from the `syscalls` crate
//! (which generates them from the kernel's syscall tables), plus the
//! architecture-private syscalls that crate leaves out (see
//! [`super::arch_private`]).

use crate::arch::Arch;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// One architecture's syscall table, sorted by number.
pub struct SyscallTable {
    /// One name per number: the kernel's spelling where the crate's differs.
    by_number: Vec<(u32, &'static str)>,
    /// Every name, aliases included.
    by_name: Vec<(&'static str, u32)>,
}

impl SyscallTable {
    /// `crate_entries` from the `syscalls` crate, `kernel_entries` from the
    /// kernel's tables where the crate lacks or misspells them; for a number
    /// both name, the kernel's name is the one shown.
    fn new(
        crate_entries: Vec<(u32, &'static str)>,
        kernel_entries: &[(u32, &'static str)],
    ) -> SyscallTable {
        let mut by_name: Vec<_> = crate_entries
            .iter()
            .chain(kernel_entries)
            .map(|&(nr, name)| (name, nr))
            .collect();
        by_name.sort_unstable();
        by_name.dedup();
        let mut by_number: Vec<_> = kernel_entries.to_vec();
        by_number.extend(
            crate_entries
                .into_iter()
                .filter(|(nr, _)| !kernel_entries.iter().any(|(k, _)| k == nr)),
        );
        by_number.sort_unstable();
        by_number.dedup_by_key(|&mut (nr, _)| nr);
        SyscallTable { by_number, by_name }
    }

    /// The number of `name`, if this architecture has it.
    pub fn number(&self, name: &str) -> Option<u32> {
        let i = self
            .by_name
            .binary_search_by(|(n, _)| (*n).cmp(name))
            .ok()?;
        Some(self.by_name[i].1)
    }

    /// The name of syscall `nr`, if this architecture has one.
    pub fn name(&self, nr: u32) -> Option<&'static str> {
        let i = self.by_number.binary_search_by(|(n, _)| n.cmp(&nr)).ok()?;
        Some(self.by_number[i].1)
    }

    /// Every `(number, name)`, by number, one name per number.
    pub fn entries(&self) -> &[(u32, &'static str)] {
        &self.by_number
    }

    /// Whether `nr` is a syscall this table knows.
    pub fn knows(&self, nr: u32) -> bool {
        self.name(nr).is_some()
    }

    /// The highest number in the table.
    pub fn max_number(&self) -> u32 {
        self.by_number.last().map_or(0, |&(nr, _)| nr)
    }
}

// Every number from the first to the last, not `Sysno::iter()`: in
// syscalls 0.8.1 `Sysno::next()` never returns the last syscall, so
// `iter()` leaves out the newest one (`file_setattr`, 469).
macro_rules! table_from_crate {
    ($module:ident) => {{
        use syscalls::$module::Sysno;
        // Syscall numbers in the crate are non-negative `i32`s.
        (Sysno::first().id()..=Sysno::last().id())
            .filter_map(|id| Sysno::new(id as usize))
            .map(|s| (s.id() as u32, s.name()))
            .collect::<Vec<_>>()
    }};
}

fn build(arch: Arch) -> SyscallTable {
    let entries = match arch {
        Arch::X86_64 => table_from_crate!(x86_64),
        Arch::X86 => table_from_crate!(x86),
        Arch::Aarch64 => table_from_crate!(aarch64),
        Arch::Arm => table_from_crate!(arm),
        Arch::Riscv64 => table_from_crate!(riscv64),
        Arch::S390x => table_from_crate!(s390x),
        Arch::Powerpc64le => table_from_crate!(powerpc64),
        Arch::Loongarch64 => table_from_crate!(loongarch64),
    };
    let foreign = super::arch_private::not_native(arch);
    let native = entries
        .into_iter()
        .filter(|e| !foreign.contains(e))
        .collect();
    SyscallTable::new(native, super::arch_private::syscalls(arch))
}

/// The syscall table of `arch`.
pub fn table(arch: Arch) -> &'static SyscallTable {
    static TABLES: [OnceLock<SyscallTable>; 8] = [const { OnceLock::new() }; 8];
    let i = Arch::ALL
        .iter()
        .position(|&a| a == arch)
        .expect("Arch::ALL lists every variant");
    TABLES[i].get_or_init(|| build(arch))
}

/// Every name some supported architecture knows.
pub fn all_names() -> &'static BTreeSet<&'static str> {
    static NAMES: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        Arch::ALL
            .iter()
            .flat_map(|&a| table(a).entries().iter().map(|&(_, n)| n))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_numbers() {
        // From the kernel's arch/x86/entry/syscalls/syscall_64.tbl,
        // syscall_32.tbl and include/uapi/asm-generic/unistd.h.
        assert_eq!(table(Arch::X86_64).number("read"), Some(0));
        assert_eq!(table(Arch::X86_64).number("ptrace"), Some(101));
        assert_eq!(table(Arch::X86).number("socketcall"), Some(102));
        assert_eq!(table(Arch::Aarch64).number("openat"), Some(56));
        assert_eq!(table(Arch::Aarch64).number("open"), None);
        assert_eq!(table(Arch::X86_64).name(60), Some("exit"));
        assert!(all_names().contains("open"));
        // The crate's last entry, which its iterator skips.
        assert_eq!(table(Arch::X86_64).number("file_setattr"), Some(469));
        assert_eq!(table(Arch::Aarch64).number("file_setattr"), Some(469));
        // The crate calls 79 `fstatat`; the kernel (and our output) `newfstatat`.
        assert_eq!(table(Arch::Aarch64).name(79), Some("newfstatat"));
        assert_eq!(table(Arch::Aarch64).number("fstatat"), Some(79));
        // The crate lists 32-bit-only time64 calls for aarch64 (found by the
        // libseccomp differential test); scripts/syscall.tbl gives them abi
        // `32`, and arm64 does not build it.
        assert_eq!(table(Arch::Aarch64).number("clock_gettime64"), None);
        assert!(!table(Arch::Aarch64).knows(403));
        assert_eq!(table(Arch::Loongarch64).number("futex_time64"), None);
        assert_eq!(table(Arch::Arm).number("clock_gettime64"), Some(403));
    }
}
