//! The filters firejail installs besides the main one, each as fseccomp
//! 0.9.72 builds it for the native architecture. fseccomp reads 32-bit
//! arguments (`EXAMINE_ARGUMENT`: the low word); every mask here fits 32
//! bits and every compared parameter is 32-bit or masked, so our
//! kernel-width comparisons are the same.

use super::profile::{At, Set};
use crate::ImportError;
use crate::stack::{Layer, Rule};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;

/// PROT_WRITE | PROT_EXEC, PROT_EXEC, SHM_EXEC (asm-generic/mman-common.h,
/// linux/shm.h).
const PROT_WRITE_EXEC: u32 = 0x2 | 0x4;
const PROT_EXEC: u32 = 0x4;
const SHM_EXEC: u32 = 0o100000;

/// `memory-deny-write-execute` (src/fseccomp/seccomp.c
/// `memory_deny_write_execute`): no mapping both writable and executable,
/// no `mprotect` to executable, no executable shared memory, no
/// `memfd_create`.
pub(crate) fn memory_deny_write_execute(at: &At, deny: Action) -> Layer {
    Layer {
        title: format!(
            "{at}: memory-deny-write-execute (fseccomp memory_deny_write_execute): no writable and executable mappings, no memfd_create"
        ),
        rules: vec![
            Rule::when(
                "mmap",
                format!("prot & {PROT_WRITE_EXEC:#x} == {PROT_WRITE_EXEC:#x}"),
                deny,
            ),
            Rule::when(
                "mmap2",
                format!("prot & {PROT_WRITE_EXEC:#x} == {PROT_WRITE_EXEC:#x}"),
                deny,
            ),
            Rule::when(
                "mprotect",
                format!("prot & {PROT_EXEC:#x} == {PROT_EXEC:#x}"),
                deny,
            ),
            Rule::when(
                "pkey_mprotect",
                format!("prot & {PROT_EXEC:#x} == {PROT_EXEC:#x}"),
                deny,
            ),
            Rule::when(
                "shmat",
                format!("shmflg & {SHM_EXEC:#x} == {SHM_EXEC:#x}"),
                deny,
            ),
            Rule::always("memfd_create", deny),
        ],
    }
}

/// The architectures whose `mmap` takes its arguments in memory
/// (`old_mmap`): fseccomp refuses it outright on i386 and has no mmap rule
/// on s390x, which one policy for several architectures cannot say.
pub(crate) const OLD_MMAP: [Arch; 2] = [Arch::X86, Arch::S390x];

/// `restrict-namespaces` (src/fseccomp/namespaces.c `deny_ns`): no clone,
/// unshare or setns into the listed namespace types; clone3, whose flags
/// a filter cannot read, fails with ENOSYS so that libc uses clone.
pub(crate) fn restrict_namespaces(set: &Set<String>, deny: Action) -> Result<Layer, ImportError> {
    let mut mask: u32 = 0;
    for name in set.value.split(',').filter(|n| !n.is_empty()) {
        mask |= namespace_flag(name).ok_or_else(|| {
            set.at
                .error(format!(
                    "`{name}` is not a namespace type (fseccomp refuses it)"
                ))
                .with_help("cgroup, ipc, net, mnt, pid, time, user, uts")
        })?;
    }
    // An empty list (`-user` alone, `=`) still installs the filter, with
    // an empty mask: clone3 and setns(fd, 0) are still refused.
    // CLONE_NEWTIME means something else to clone (CSIGNAL's bits).
    let clone_mask = mask & !CLONE_NEWTIME;
    let mut rules = Vec::new();
    if clone_mask != 0 {
        rules.push(Rule::when(
            "clone",
            format!("clone_flags & {clone_mask:#x} != 0"),
            deny,
        ));
    }
    rules.push(Rule::always("clone3", Action::Errno(ENOSYS)));
    if mask != 0 {
        rules.push(Rule::when(
            "unshare",
            format!("unshare_flags & {mask:#x} != 0"),
            deny,
        ));
        rules.push(Rule::when(
            "setns",
            format!("flags == 0 || flags & {mask:#x} != 0"),
            deny,
        ));
    } else {
        rules.push(Rule::when("setns", "flags == 0", deny));
    }
    Ok(Layer {
        title: format!(
            "{}: restrict-namespaces {} (fseccomp deny_ns)",
            set.at, set.value
        ),
        rules,
    })
}

const CLONE_NEWTIME: u32 = 0x80;
const ENOSYS: u16 = 38;

/// linux/sched.h CLONE_NEW*.
fn namespace_flag(name: &str) -> Option<u32> {
    Some(match name {
        "cgroup" => 0x0200_0000,
        "ipc" => 0x0800_0000,
        "net" => 0x4000_0000,
        "mnt" => 0x0002_0000,
        "pid" => 0x2000_0000,
        "time" => CLONE_NEWTIME,
        "user" => 0x1000_0000,
        "uts" => 0x0400_0000,
        _ => return None,
    })
}

/// `protocol` (src/fseccomp/protocol.c `protocol_build_filter`): `socket`
/// only for the listed address families, others fail with EOPNOTSUPP
/// (ENOTSUP). `socketcall` is not filtered.
pub(crate) fn protocol(set: &Set<String>) -> Result<Layer, ImportError> {
    let mut families = Vec::new();
    for name in set.value.split(',').filter(|n| !n.is_empty()) {
        let af = address_family(name).ok_or_else(|| {
            set.at
                .error(format!(
                    "`{name}` is not a protocol firejail knows (fseccomp refuses it)"
                ))
                .with_help("unix, inet, inet6, netlink, packet, bluetooth")
        })?;
        families.push(af.to_string());
    }
    if families.is_empty() {
        return Err(set
            .at
            .error("an empty protocol list (fseccomp fails on it)"));
    }
    Ok(Layer {
        title: format!(
            "{}: protocol {} (fseccomp protocol_build_filter)",
            set.at, set.value
        ),
        rules: vec![Rule::when(
            "socket",
            format!("family != {}", families.join(" | ")),
            Action::Errno(EOPNOTSUPP),
        )],
    })
}

const EOPNOTSUPP: u16 = 95;

/// The AF_* of fseccomp's protocol names (linux/socket.h).
fn address_family(name: &str) -> Option<u32> {
    Some(match name {
        "unix" => 1,
        "inet" => 2,
        "inet6" => 10,
        "netlink" => 16,
        "packet" => 17,
        "bluetooth" => 31,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &str) -> Set<String> {
        Set {
            at: At {
                file: "p".into(),
                line: 3,
                col: 1,
            },
            value: v.into(),
        }
    }

    #[test]
    fn namespace_masks() {
        let l = restrict_namespaces(&set("user,time"), Action::Errno(1)).unwrap();
        let conds: Vec<String> = l.rules.iter().filter_map(|r| r.cond.clone()).collect();
        assert_eq!(
            conds,
            [
                "clone_flags & 0x10000000 != 0",
                "unshare_flags & 0x10000080 != 0",
                "flags == 0 || flags & 0x10000080 != 0"
            ]
        );
        assert!(restrict_namespaces(&set("users"), Action::Errno(1)).is_err());
    }

    #[test]
    fn protocols() {
        let l = protocol(&set("unix,inet6")).unwrap();
        assert_eq!(l.rules[0].cond.as_deref(), Some("family != 1 | 10"));
        assert!(protocol(&set("ipx")).is_err());
        assert!(protocol(&set("")).is_err());
    }
}
