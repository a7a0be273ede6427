//! The family table against the generated tables (every name exists) and
//! against values read from the kernel's headers by hand.
use super::*;
use crate::tables::syscalls;

/// Members whose shared parameters are out of reach on an architecture:
/// its entry point takes a struct (syscall_32.tbl: `82 i386 select
/// sys_old_select`, `90 i386 mmap sys_old_mmap`; s390's syscall.tbl: `90
/// common mmap sys_old_mmap`), or the number runs `sys_ni_syscall` there
/// (powerpc's syscall.tbl: `28 64 oldfstat sys_ni_syscall`, `82 64 select
/// sys_ni_syscall`), so there is no prototype.
const OLD_STRUCT_ENTRY_POINTS: [(Arch, &str); 5] = [
    (Arch::X86, "select"),
    (Arch::X86, "mmap"),
    (Arch::S390x, "mmap"),
    (Arch::Powerpc64le, "oldfstat"),
    (Arch::Powerpc64le, "select"),
];

#[test]
fn every_member_is_a_syscall_and_every_parameter_is_in_its_prototype() {
    let mut wrong = Vec::new();
    for family in FAMILIES {
        for member in family.members {
            let arches: Vec<Arch> = Arch::ALL
                .into_iter()
                .filter(|&a| syscalls::table(a).number(member.syscall).is_some())
                .collect();
            assert!(!arches.is_empty(), "{} is no syscall", member.syscall);
            for arch in arches {
                for &shared in family.shared {
                    let located = member.locate(arch, shared);
                    let expected_unreachable = member.corr(shared) == Corr::InMemory
                        || (OLD_STRUCT_ENTRY_POINTS.contains(&(arch, member.syscall))
                            && !matches!(member.corr(shared), Corr::Fixed(_)));
                    if (located == Located::InMemory) != expected_unreachable {
                        wrong.push(format!(
                            "{arch}: {}'s {shared} ({:?}) is {located:?}",
                            member.syscall,
                            member.corr(shared)
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn members_name_only_shared_parameters() {
    for family in FAMILIES {
        for member in family.members {
            for (shared, _) in member.renamed {
                assert!(
                    family.shared.contains(shared),
                    "{}: {shared}",
                    member.syscall
                );
            }
        }
    }
}

#[test]
fn fixed_values_are_the_kernels() {
    let open = &FAMILIES[0];
    let creat = member(open, "creat").unwrap();
    // include/uapi/asm-generic/fcntl.h: O_WRONLY 00000001, O_CREAT
    // 00000100, O_TRUNC 00001000 (no architecture of ours overrides them);
    // include/uapi/linux/fcntl.h: AT_FDCWD -100.
    for arch in Arch::ALL {
        assert_eq!(
            creat.locate(arch, "flags"),
            Located::Fixed(0o1101),
            "{arch}"
        );
        assert_eq!(creat.locate(arch, "dfd"), Located::Fixed(-100), "{arch}");
    }
    let fork = families_of("vfork").next().unwrap();
    // include/uapi/linux/sched.h: CLONE_VM 0x100, CLONE_VFORK 0x4000;
    // SIGCHLD 17 (asm-generic/signal.h and x86's, arm's, powerpc's, s390's).
    assert_eq!(
        member(fork, "vfork")
            .unwrap()
            .locate(Arch::Aarch64, "clone_flags"),
        Located::Fixed(0x4111)
    );
    assert_eq!(
        member(fork, "fork")
            .unwrap()
            .locate(Arch::S390x, "clone_flags"),
        Located::Fixed(17)
    );
    // CLONE_BACKWARDS2: s390's clone takes newsp first.
    assert_eq!(
        member(fork, "clone")
            .unwrap()
            .locate(Arch::S390x, "clone_flags"),
        Located::Arg { index: 1, bits: 32 }
    );
    assert_eq!(
        member(fork, "clone3")
            .unwrap()
            .locate(Arch::X86_64, "clone_flags"),
        Located::InMemory
    );
}

#[test]
fn families_of_a_syscall() {
    let of = |s| families_of(s).map(|f| f.does).collect::<Vec<_>>();
    assert_eq!(of("creat"), ["open files"]);
    assert_eq!(
        of("sendfile"),
        ["write to a descriptor", "read from a descriptor"]
    );
    assert_eq!(of("getpid"), Vec::<&str>::new());
    assert_eq!(of("clock_gettime64"), ["the same with 32- or 64-bit time"]);
}
