//! Our syscall tables against libseccomp's (the system library, 2.5.4 on
//! Debian bookworm), for the seven architectures both support: every name
//! both know must have the same number. Names only one side knows are
//! printed with the reason (a syscall newer than libseccomp's table, an
//! alias, a multiplexed call), and every such difference must have one.
//!
//! Needs the `libseccomp` feature.

#[cfg(not(feature = "libseccomp"))]
#[test]
fn syscall_tables_need_the_libseccomp_feature() {
    println!(
        "NOTICE: the syscall tables were NOT compared with libseccomp's: \
         `cargo test -p tests --features libseccomp` does (needs libseccomp-dev)"
    );
}

#[cfg(feature = "libseccomp")]
mod with_libseccomp {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    use seccomp_compiler::Arch;
    use seccomp_compiler::tables::syscalls;
    use tests::libseccomp::ffi;
    use tests::libseccomp::rules::{MULTIPLEXED, multiplexes};

    use tests::libseccomp::ARCHES;

    /// Numbers libseccomp is asked for: the syscall range and ARM's private
    /// calls (`__ARM_NR_BASE` 0x0f0000).
    fn numbers() -> impl Iterator<Item = u32> {
        (0..1100).chain(0xf_0000..0xf_0010)
    }

    /// The 32-bit-only time64 calls (`asm-generic/unistd.h` 403..=423, under
    /// `__BITS_PER_LONG == 32`): a 64-bit architecture has none of them.
    const TIME64_RANGE: std::ops::RangeInclusive<u32> = 403..=423;

    /// Syscalls the kernel added after libseccomp 2.5.4's table was made
    /// (Linux 5.16), with the release that added them.
    const NEWER: [(&str, &str); 16] = [
        ("riscv_hwprobe", "6.4"),
        ("listmount", "6.8"),
        ("statmount", "6.8"),
        ("lsm_get_self_attr", "6.8"),
        ("lsm_set_self_attr", "6.8"),
        ("lsm_list_modules", "6.8"),
        ("mseal", "6.10"),
        ("uretprobe", "6.11"),
        ("setxattrat", "6.13"),
        ("getxattrat", "6.13"),
        ("listxattrat", "6.13"),
        ("removexattrat", "6.13"),
        ("open_tree_attr", "6.15"),
        ("uprobe", "6.16"),
        ("file_getattr", "6.17"),
        ("file_setattr", "6.17"),
    ];

    /// Why a name only we know is missing from libseccomp on `arch`.
    fn why_only_ours(arch: Arch, nr: u32, name: &str, lib_max: u32) -> Option<String> {
        if let Some(other) = ffi::resolve_num_arch(arch, nr as i32) {
            return Some(format!("alias: libseccomp calls {nr} `{other}`"));
        }
        if let Some((_, linux)) = NEWER.iter().find(|(n, _)| *n == name) {
            return Some(format!("newer than libseccomp's table (Linux {linux})"));
        }
        if arch.word_bits() == 64 && TIME64_RANGE.contains(&nr) && name.contains("64") {
            return Some(format!(
                "not a syscall of this 64-bit ABI: {nr} is a 32-bit-only time64 call (the `syscalls` crate's table lists it; the kernel's does not)"
            ));
        }
        if nr > lib_max {
            return Some(format!(
                "newer than libseccomp's table (its last number here is {lib_max})"
            ));
        }
        None
    }

    /// Why a name only libseccomp knows is missing from our table.
    fn why_only_theirs(arch: Arch, nr: u32, name: &str) -> Option<String> {
        let table = syscalls::table(arch);
        if let Some(ours) = table.name(nr) {
            return Some(format!("alias: we call {nr} `{ours}`"));
        }
        if (0xf_0000..0xf_0010).contains(&nr) {
            return Some("an ARM private call our tables leave out".to_owned());
        }
        let _ = name;
        None
    }

    struct Report {
        both: usize,
        conflicts: Vec<String>,
        only_ours: Vec<(u32, &'static str, Option<String>)>,
        only_theirs: Vec<(u32, String, Option<String>)>,
    }

    fn compare(arch: Arch) -> Report {
        let table = syscalls::table(arch);
        let lib: BTreeMap<u32, String> = numbers()
            .filter_map(|nr| ffi::resolve_num_arch(arch, nr as i32).map(|n| (nr, n)))
            .collect();
        let lib_max = lib
            .keys()
            .copied()
            .filter(|&n| n < 0xf_0000)
            .max()
            .unwrap_or(0);
        let mux: Vec<u32> = ["socketcall", "ipc"]
            .iter()
            .filter_map(|n| table.number(n))
            .collect();
        let mut r = Report {
            both: 0,
            conflicts: Vec::new(),
            only_ours: Vec::new(),
            only_theirs: Vec::new(),
        };
        for &(nr, name) in table.entries() {
            let same_name = lib.get(&nr).is_some_and(|n| n == name);
            match ffi::resolve_name_arch(arch, name) {
                Some(n) if n == nr => r.both += 1,
                // x86, s390x, powerpc64le: libseccomp resolves the name of a
                // multiplexed call (`socket`, `semget`, ...) to a pseudo number
                // or the multiplexer's, which its rule_add expands to both the
                // direct call and `socketcall`/`ipc`; its number-to-name table
                // has the direct call under our number.
                None if same_name && multiplexes(arch) && MULTIPLEXED.contains(&name) => {
                    r.both += 1
                }
                // x86, s390x, powerpc64le: libseccomp resolves `socket` & co.
                // to the multiplexer, and adds rules for both.
                Some(n) if multiplexes(arch) && mux.contains(&n) && MULTIPLEXED.contains(&name) => {
                    r.both += 1;
                }
                Some(n) => r
                    .conflicts
                    .push(format!("`{name}`: ours {nr}, libseccomp {n}")),
                None => r
                    .only_ours
                    .push((nr, name, why_only_ours(arch, nr, name, lib_max))),
            }
        }
        for (&nr, name) in &lib {
            match table.number(name) {
                Some(n) if n == nr => {}
                Some(n) => {
                    let c = format!("`{name}`: ours {n}, libseccomp {nr}");
                    if !r.conflicts.contains(&c) {
                        r.conflicts.push(c);
                    }
                }
                None => r
                    .only_theirs
                    .push((nr, name.clone(), why_only_theirs(arch, nr, name))),
            }
        }
        r
    }

    #[test]
    fn syscall_numbers_agree_with_libseccomp() {
        let (major, minor, micro) = ffi::version();
        let mut out = format!("libseccomp {major}.{minor}.{micro}\n");
        let mut unexplained = Vec::new();
        let mut conflicts = Vec::new();
        for arch in ARCHES {
            let r = compare(arch);
            let _ = writeln!(
                out,
                "{arch}: {} names agree, {} only ours, {} only libseccomp's, {} conflicts",
                r.both,
                r.only_ours.len(),
                r.only_theirs.len(),
                r.conflicts.len()
            );
            for (nr, name, why) in &r.only_ours {
                let why = why.clone().unwrap_or_else(|| "UNEXPLAINED".to_owned());
                let _ = writeln!(out, "  only ours:        {nr:>7} {name:<28} {why}");
                if why == "UNEXPLAINED" {
                    unexplained.push(format!("{arch} ours {nr} {name}"));
                }
            }
            for (nr, name, why) in &r.only_theirs {
                let why = why.clone().unwrap_or_else(|| "UNEXPLAINED".to_owned());
                let _ = writeln!(out, "  only libseccomp: {nr:>7} {name:<28} {why}");
                if why == "UNEXPLAINED" {
                    unexplained.push(format!("{arch} libseccomp {nr} {name}"));
                }
            }
            for c in &r.conflicts {
                let _ = writeln!(out, "  CONFLICT {c}");
                conflicts.push(format!("{arch}: {c}"));
            }
        }
        println!("{out}");
        assert!(
            conflicts.is_empty(),
            "names with different numbers: {conflicts:#?}"
        );
        assert!(
            unexplained.is_empty(),
            "differences without a reason: {unexplained:#?}"
        );
    }
}
