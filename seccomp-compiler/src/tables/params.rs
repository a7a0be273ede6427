//! Named syscall parameters: for each architecture, the names and C types of
//! the kernel entry point a syscall number runs, and where each parameter
//! reaches a seccomp filter (`seccomp_data.args[i]` and how many of its bits
//! the kernel uses). The data is generated from the kernel's
//! `SYSCALL_DEFINEn()` lines by tools/gen-tables (see generated/params.rs for
//! its sources and conventions); its prototypes are read once, on first use.

use super::generated::params::{PROTOS, table};
use super::lines::{Lines, SortedLines, find, rfind};
use crate::arch::Arch;
use std::sync::OnceLock;

/// How a named parameter reaches the filter on one architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamSlot {
    /// In `seccomp_data.args[index]`; the kernel uses the low `bits` bits (8, 16, 32 or 64).
    Arg {
        /// The argument index, 0..=5.
        index: u8,
        /// How many low bits the kernel uses: 8, 16, 32 or 64.
        bits: u8,
    },
    /// A 64-bit value a 32-bit ABI splits over two registers, or a parameter
    /// whose register a split before it shifts: no single argument slot holds it.
    Split,
}

/// One parameter of a syscall's kernel prototype.
#[derive(Clone, Copy, Debug)]
pub struct ParamInfo {
    /// The name in the kernel's `SYSCALL_DEFINEn()`, e.g. `"dfd"`.
    pub name: &'static str,
    /// The declared C type, e.g. `"const char __user *"`.
    pub ctype: &'static str,
    /// Where the parameter reaches the filter on this architecture.
    pub slot: ParamSlot,
}

/// One entry point's prototype: where it is defined, and its parameters in
/// register order.
struct Proto {
    origin: &'static str,
    params: Vec<ParamInfo>,
}

/// Every line of the generated PROTOS, each read on first use (a policy
/// needs a few of the 780).
fn protos() -> &'static [(&'static str, OnceLock<Proto>)] {
    static LINES: OnceLock<Vec<(&'static str, OnceLock<Proto>)>> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut lines = Vec::new();
        for line in Lines(PROTOS) {
            lines.push((line, OnceLock::new()));
        }
        lines
    })
}

/// Prototype `index` (a line number of PROTOS).
fn proto_at(index: usize) -> &'static Proto {
    let (line, proto) = &protos()[index];
    proto.get_or_init(|| read_proto(line))
}

/// `origin | param | param ...` (no field holds a `|`: the generator
/// checks).
fn read_proto(line: &'static str) -> Proto {
    let (origin, mut rest) = split_field(line);
    let mut params = Vec::new();
    while let Some(fields) = rest {
        let (field, after) = split_field(fields);
        params.push(read_param(field));
        rest = after;
    }
    Proto { origin, params }
}

/// The first ` | `-separated field of `text`, and the text after it.
fn split_field(text: &'static str) -> (&'static str, Option<&'static str>) {
    match find(text, b'|') {
        // `|` and the spaces around it are ASCII: character boundaries.
        Some(bar) => (&text[..bar.saturating_sub(1)], text.get(bar + 2..)),
        None => (text, None),
    }
}

/// `ctype name: argI/BITS` or `ctype name: split`. The generator writes
/// nothing else, and `every_prototype_reads` reads every line.
fn read_param(field: &'static str) -> ParamInfo {
    match parse_param(field) {
        Some(param) => param,
        None => panic!("generated params table: malformed parameter `{field}`"),
    }
}

fn parse_param(field: &'static str) -> Option<ParamInfo> {
    // `ctype name` `: ` `slot`; all three separators are ASCII.
    let colon = rfind(field, b':')?;
    let (declaration, slot) = (&field[..colon], field.get(colon + 2..)?);
    let space = rfind(declaration, b' ')?;
    let (ctype, name) = (&declaration[..space], &declaration[space + 1..]);
    let slot = match slot.strip_prefix("arg") {
        Some(arg) => {
            let slash = find(arg, b'/')?;
            ParamSlot::Arg {
                index: arg[..slash].parse().ok()?,
                bits: arg[slash + 1..].parse().ok()?,
            }
        }
        None if slot == "split" => ParamSlot::Split,
        None => return None,
    };
    Some(ParamInfo { name, ctype, slot })
}

fn proto(arch: Arch, name: &str) -> Option<&'static Proto> {
    let line = SortedLines(table(arch)).get(name)?;
    // The generator writes the line number of an existing prototype.
    let index: usize = line.parse().expect("generated params table: a line number");
    Some(proto_at(index))
}

/// The parameters of syscall `name` (table name, e.g. "openat") on `arch`, in
/// register order, or None when no prototype is known (then only
/// arg0..arg5 can be used).
pub fn params(arch: Arch, name: &str) -> Option<&'static [ParamInfo]> {
    Some(&proto(arch, name)?.params)
}

/// The parameter called `param` of syscall `name` on `arch`.
pub fn param(arch: Arch, name: &str, param: &str) -> Option<&'static ParamInfo> {
    params(arch, name)?.iter().find(|p| p.name == param)
}

/// Where the prototype came from, e.g. "fs/open.c: SYSCALL_DEFINE4(openat, ...)"
/// (for diagnostics), if known.
pub fn origin(arch: Arch, name: &str) -> Option<&'static str> {
    Some(proto(arch, name)?.origin)
}

#[cfg(test)]
mod tests {
    //! Expected values read from the Linux 6.12 source, not from the
    //! generator's output: the SYSCALL_DEFINE lines are quoted next to them.
    use super::*;

    fn slot(arch: Arch, name: &str, param_name: &str) -> ParamSlot {
        param(arch, name, param_name)
            .unwrap_or_else(|| panic!("{arch}: {name} has no parameter {param_name}"))
            .slot
    }

    fn arg(index: u8, bits: u8) -> ParamSlot {
        ParamSlot::Arg { index, bits }
    }

    fn names(arch: Arch, name: &str) -> Vec<&'static str> {
        params(arch, name).unwrap().iter().map(|p| p.name).collect()
    }

    #[test]
    fn openat_on_x86_64() {
        // fs/open.c: SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename,
        //                            int, flags, umode_t, mode)
        let p = params(Arch::X86_64, "openat").unwrap();
        let got: Vec<_> = p.iter().map(|p| (p.name, p.ctype, p.slot)).collect();
        assert_eq!(
            got,
            [
                ("dfd", "int", arg(0, 32)),
                ("filename", "const char __user *", arg(1, 64)),
                ("flags", "int", arg(2, 32)),
                ("mode", "umode_t", arg(3, 16)),
            ]
        );
        assert_eq!(
            origin(Arch::X86_64, "openat"),
            Some("fs/open.c: SYSCALL_DEFINE4(openat, ...)")
        );
        // The same generic definition on a 32-bit ABI: the pointer is 32 bits.
        assert_eq!(slot(Arch::X86, "openat", "filename"), arg(1, 32));
    }

    #[test]
    fn write_uses_32_bits_of_fd_everywhere() {
        // fs/read_write.c: SYSCALL_DEFINE3(write, unsigned int, fd,
        //                                  const char __user *, buf, size_t, count)
        for arch in Arch::ALL {
            assert_eq!(slot(arch, "write", "fd"), arg(0, 32), "{arch}");
            let word = if arch.word_bits() == 32 { 32 } else { 64 };
            assert_eq!(slot(arch, "write", "count"), arg(2, word), "{arch}");
        }
    }

    #[test]
    fn clone_argument_order_follows_clone_backwards() {
        // kernel/fork.c: default (flags, newsp, parent_tidptr, child_tidptr, tls);
        // CLONE_BACKWARDS (x86 32-bit, arm, arm64, riscv, powerpc) puts tls 4th;
        // CLONE_BACKWARDS2 (s390) swaps the first two. clone_flags is
        // `unsigned long` but the kernel reads lower_32_bits(clone_flags).
        assert_eq!(slot(Arch::X86_64, "clone", "clone_flags"), arg(0, 32));
        assert_eq!(slot(Arch::X86_64, "clone", "tls"), arg(4, 64));
        assert_eq!(slot(Arch::Loongarch64, "clone", "tls"), arg(4, 64));
        assert_eq!(slot(Arch::X86, "clone", "tls"), arg(3, 32));
        assert_eq!(slot(Arch::X86, "clone", "child_tidptr"), arg(4, 32));
        assert_eq!(slot(Arch::Aarch64, "clone", "tls"), arg(3, 64));
        assert_eq!(slot(Arch::Riscv64, "clone", "tls"), arg(3, 64));
        assert_eq!(slot(Arch::Powerpc64le, "clone", "tls"), arg(3, 64));
        assert_eq!(slot(Arch::Arm, "clone", "tls"), arg(3, 32));
        assert_eq!(slot(Arch::S390x, "clone", "newsp"), arg(0, 64));
        assert_eq!(slot(Arch::S390x, "clone", "clone_flags"), arg(1, 32));
        assert_eq!(slot(Arch::S390x, "clone", "tls"), arg(4, 64));
    }

    #[test]
    fn mmap_on_x86_is_old_mmap() {
        // arch/x86/entry/syscalls/syscall_32.tbl: 90 i386 mmap sys_old_mmap;
        // mm/mmap.c: SYSCALL_DEFINE1(old_mmap, struct mmap_arg_struct __user *, arg)
        assert_eq!(names(Arch::X86, "mmap"), ["arg"]);
        assert!(origin(Arch::X86, "mmap").unwrap().contains("old_mmap"));
        // 192 i386 mmap2 sys_mmap_pgoff: SYSCALL_DEFINE6(mmap_pgoff, ..., unsigned long, pgoff)
        assert_eq!(
            names(Arch::X86, "mmap2"),
            ["addr", "len", "prot", "flags", "fd", "pgoff"]
        );
        assert_eq!(slot(Arch::X86, "mmap2", "pgoff"), arg(5, 32));
        // s390x: 90 common mmap sys_old_mmap.
        assert_eq!(names(Arch::S390x, "mmap"), ["arg"]);
        // arch/x86/kernel/sys_x86_64.c: SYSCALL_DEFINE6(mmap, ..., unsigned long, off)
        assert_eq!(slot(Arch::X86_64, "mmap", "off"), arg(5, 64));
        // arch/powerpc/kernel/syscalls.c: SYSCALL_DEFINE6(mmap, ..., off_t, offset)
        assert_eq!(slot(Arch::Powerpc64le, "mmap", "offset"), arg(5, 64));
    }

    #[test]
    fn sixty_four_bit_values_split_on_32_bit_abis() {
        // fs/open.c: SYSCALL_DEFINE4(fallocate, int, fd, int, mode, loff_t, offset, loff_t, len)
        for arch in [Arch::X86, Arch::Arm] {
            assert_eq!(slot(arch, "fallocate", "mode"), arg(1, 32), "{arch}");
            assert_eq!(
                slot(arch, "fallocate", "offset"),
                ParamSlot::Split,
                "{arch}"
            );
            assert_eq!(slot(arch, "fallocate", "len"), ParamSlot::Split, "{arch}");
        }
        assert_eq!(slot(Arch::X86_64, "fallocate", "offset"), arg(2, 64));
        // arch/arm/kernel/sys_arm.c: sys_arm_fadvise64_64(int fd, int advice,
        //                                                 loff_t offset, loff_t len)
        assert_eq!(slot(Arch::Arm, "arm_fadvise64_64", "advice"), arg(1, 32));
        assert_eq!(
            slot(Arch::Arm, "arm_fadvise64_64", "offset"),
            ParamSlot::Split
        );
        // mm/fadvise.c: SYSCALL_DEFINE4(fadvise64_64, int, fd, loff_t, offset,
        //                               loff_t, len, int, advice): advice follows a split.
        assert_eq!(slot(Arch::X86, "fadvise64_64", "advice"), ParamSlot::Split);
        assert_eq!(slot(Arch::X86_64, "fadvise64", "advice"), arg(3, 32));
    }

    #[test]
    fn off_t_is_the_register_width() {
        // fs/read_write.c: SYSCALL_DEFINE3(lseek, unsigned int, fd, off_t, offset,
        //                                  unsigned int, whence)
        assert_eq!(slot(Arch::X86, "lseek", "offset"), arg(1, 32));
        assert_eq!(slot(Arch::X86_64, "lseek", "offset"), arg(1, 64));
        assert_eq!(slot(Arch::X86, "lseek", "whence"), arg(2, 32));
    }

    #[test]
    fn sixteen_bit_ids_of_the_old_uid_calls() {
        // kernel/uid16.c: SYSCALL_DEFINE3(chown16, const char __user *, filename,
        //                                 old_uid_t, user, old_gid_t, group);
        // arch/x86/include/uapi/asm/posix_types_32.h: unsigned short __kernel_uid_t.
        assert_eq!(slot(Arch::X86, "chown", "user"), arg(1, 16));
        assert_eq!(slot(Arch::Arm, "lchown", "group"), arg(2, 16));
        // chown32 and x86_64's chown take uid_t (unsigned int).
        assert_eq!(slot(Arch::X86, "chown32", "user"), arg(1, 32));
        assert_eq!(slot(Arch::X86_64, "chown", "user"), arg(1, 32));
    }

    #[test]
    fn table_names_that_differ_from_entry_points() {
        // syscall_64.tbl: 4 common stat sys_newstat; 63 common uname sys_newuname;
        // 166 common umount2 sys_umount.
        assert!(origin(Arch::X86_64, "stat").unwrap().contains("newstat"));
        assert!(origin(Arch::X86_64, "uname").unwrap().contains("newuname"));
        assert_eq!(names(Arch::X86_64, "umount2"), ["name", "flags"]);
        // syscall_32.tbl: 82 i386 select sys_old_select; 140 i386 _llseek sys_llseek.
        assert_eq!(names(Arch::X86, "select"), ["arg"]);
        assert_eq!(
            names(Arch::X86, "_llseek"),
            ["fd", "offset_high", "offset_low", "result", "whence"]
        );
        // arch/arm/tools/syscall.tbl: 192 common mmap2 sys_mmap2, an assembly
        // trampoline to sys_mmap_pgoff (arch/arm/kernel/entry-common.S).
        assert_eq!(slot(Arch::Arm, "mmap2", "pgoff"), arg(5, 32));
        // fs/ioctl.c: SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd,
        //                             unsigned long, arg)
        assert_eq!(slot(Arch::Aarch64, "ioctl", "cmd"), arg(1, 32));
        assert_eq!(slot(Arch::Aarch64, "ioctl", "arg"), arg(2, 64));
    }

    #[test]
    fn names_the_syscalls_crate_spells_differently() {
        // The crate calls aarch64's 79 `fstatat`; the kernel's table says
        // newfstatat (fs/stat.c: SYSCALL_DEFINE4(newfstatat, int, dfd, ...)).
        assert_eq!(slot(Arch::Aarch64, "fstatat", "dfd"), arg(0, 32));
        assert_eq!(slot(Arch::Aarch64, "newfstatat", "dfd"), arg(0, 32));
        // arm's sync_file_range2 (a uapi alias of arm_sync_file_range, 341):
        // fs/sync.c: SYSCALL_DEFINE4(sync_file_range2, int, fd, unsigned int, flags,
        //                            loff_t, offset, loff_t, nbytes)
        assert_eq!(slot(Arch::Arm, "sync_file_range2", "flags"), arg(1, 32));
        assert_eq!(
            slot(Arch::Arm, "arm_sync_file_range", "offset"),
            ParamSlot::Split
        );
    }

    #[test]
    fn unknown_prototypes() {
        assert!(params(Arch::Aarch64, "open").is_none()); // not an aarch64 syscall
        assert!(params(Arch::X86_64, "file_getattr").is_none()); // Linux 6.17, after 6.12
        assert!(params(Arch::X86_64, "set_thread_area").is_none()); // sys_ni_syscall there
        assert!(params(Arch::X86_64, "no_such_syscall").is_none());
        // A syscall without parameters has a prototype with none.
        assert_eq!(params(Arch::X86_64, "getpid").map(<[_]>::len), Some(0));
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        for arch in Arch::ALL {
            let names: Vec<_> = SortedLines(table(arch)).iter().map(|(n, _)| n).collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{arch}");
        }
    }

    #[test]
    fn every_prototype_reads() {
        // Reading panics on a malformed line; every prototype has an
        // origin, and every table entry names a prototype.
        assert!(protos().len() > 700);
        assert!((0..protos().len()).all(|i| !proto_at(i).origin.is_empty()));
        for arch in Arch::ALL {
            for (name, _) in SortedLines(table(arch)).iter() {
                assert!(origin(arch, name).is_some(), "{arch} {name}");
            }
        }
    }

    #[test]
    fn every_slot_is_in_range() {
        for arch in Arch::ALL {
            for (name, _) in SortedLines(table(arch)).iter() {
                for p in params(arch, name).unwrap() {
                    if let ParamSlot::Arg { index, bits } = p.slot {
                        assert!(index < 6, "{arch} {name} {}", p.name);
                        assert!(bits <= arch.word_bits() as u8, "{arch} {name} {}", p.name);
                        assert!(matches!(bits, 8 | 16 | 32 | 64));
                    }
                }
            }
        }
    }
}
