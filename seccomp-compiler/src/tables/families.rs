//! Syscall families: entry points that perform the same operation, and how
//! their parameters correspond. `drop openat(flags & O_CREAT == O_CREAT)`
//! means little while `open` and `creat` create files unhindered; the
//! sibling lints (`check/families.rs`) and the portability check read this
//! table, and `seccompc record` uses it to keep a recorded call's
//! counterpart on architectures that lack the call.
//!
//! Written by hand, not generated: which calls do the same thing is read
//! from the kernel's source, cited on each family (Linux 6.12). Parameter
//! names are the kernel's `SYSCALL_DEFINEn()` names of the generated
//! parameter table (`params.rs`), which gives each one's argument slot per
//! architecture (`clone_flags` is arg0 on x86_64 and arg1 on s390x); the
//! tests check every name here against that table.
//!
//! A family names its *shared* parameters, in the words of one member. Each
//! member says where it has each of them ([`Corr`]): in one of its own
//! parameters (by default the one of the same name), fixed by the kernel
//! (`open` is `openat` with `dfd` = `AT_FDCWD`), or out of the filter's
//! reach (`openat2`'s flags are in a `struct open_how` in memory). A
//! parameter a member's prototype lacks on some architecture (i386's
//! `mmap` is `old_mmap`, one pointer to a struct) is out of reach there.
//!
//! Plain loops: this crate is compiled unoptimised in every build that
//! uses the macro, where each iterator chain instantiates std's adapters.

use super::lines::NameIndex;
use super::{constants, params};
use crate::arch::Arch;
use crate::tables::params::ParamSlot;
use std::sync::OnceLock;

/// Where a member has one of its family's shared parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corr {
    /// The member's own parameter of this name.
    Param(&'static str),
    /// Fixed by the kernel to these constants OR-ed together (by name in
    /// the constants table, so per architecture); `&[]` is 0.
    Fixed(&'static [&'static str]),
    /// In memory the filter cannot read (`openat2`'s `how`, `clone3`'s
    /// `uargs`).
    InMemory,
}

/// One member of a family.
#[derive(Debug)]
pub struct Member {
    /// The syscall name, as in the syscall tables.
    pub syscall: &'static str,
    /// Shared parameters this member does not have under the same name.
    pub renamed: &'static [(&'static str, Corr)],
}

/// Entry points that do the same thing.
#[derive(Debug)]
pub struct Family {
    /// What they do, for messages: "open files".
    pub does: &'static str,
    /// The shared parameters, in the words of the first member.
    pub shared: &'static [&'static str],
    /// In order of preference as a stand-in on an architecture that lacks
    /// a member (`seccompc record`): the most general first.
    pub members: &'static [Member],
    /// The kernel source that shows the correspondence.
    pub source: &'static str,
}

/// Where one member has one shared parameter on one architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Located {
    /// `seccomp_data.args[index]`, of which the kernel uses `bits` bits.
    Arg {
        /// The argument index, 0..=5.
        index: u8,
        /// How many low bits the kernel uses: 8, 16, 32 or 64.
        bits: u8,
    },
    /// The kernel calls the common code with this value, already reduced
    /// to 64 bits (two's complement for `AT_FDCWD`).
    Fixed(i128),
    /// Not in a register: in memory, or split over two on 32-bit ABIs.
    InMemory,
}

impl Member {
    /// Where this member keeps shared parameter `shared`.
    pub fn corr(&self, shared: &'static str) -> Corr {
        for &(s, c) in self.renamed {
            if s == shared {
                return c;
            }
        }
        Corr::Param(shared)
    }

    /// `corr`, resolved for `arch`.
    pub fn locate(&self, arch: Arch, shared: &'static str) -> Located {
        match self.corr(shared) {
            Corr::Param(name) => match params::param(arch, self.syscall, name) {
                Some(&params::ParamInfo {
                    slot: ParamSlot::Arg { index, bits },
                    ..
                }) => Located::Arg { index, bits },
                _ => Located::InMemory,
            },
            Corr::Fixed(names) => {
                let mut value = 0i128;
                for n in names {
                    match constants::value(arch, n) {
                        Some(v) => value |= v,
                        None => return Located::InMemory,
                    }
                }
                Located::Fixed(value)
            }
            Corr::InMemory => Located::InMemory,
        }
    }

    /// Whether the member keeps every shared parameter out of the filter's
    /// reach on `arch` (`openat2`, `clone3`): only refusing it helps.
    pub fn all_in_memory(&self, arch: Arch, family: &Family) -> bool {
        for s in family.shared {
            let fixed = matches!(self.corr(s), Corr::Fixed(_));
            if !fixed && self.locate(arch, s) != Located::InMemory {
                return false;
            }
        }
        true
    }
}

/// The families `syscall` belongs to (most belong to none, a few to two),
/// in table order.
pub fn families_of(syscall: &str) -> FamiliesOf {
    let members = Members::get();
    let mask = match members.index.get(&members.names, syscall) {
        Some(i) => members.masks[i as usize],
        None => 0,
    };
    FamiliesOf { mask }
}

/// The families of one syscall: a bit per index in [`FAMILIES`].
pub struct FamiliesOf {
    mask: u64,
}

impl Iterator for FamiliesOf {
    type Item = &'static Family;

    fn next(&mut self) -> Option<&'static Family> {
        if self.mask == 0 {
            return None;
        }
        let i = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(&FAMILIES[i])
    }
}

/// Every member's name with the families it belongs to, hashed: the checks
/// ask for the families of every syscall a policy names on every
/// architecture, and most belong to none.
struct Members {
    /// Each member once, with its index in `masks`.
    names: Vec<(&'static str, u32)>,
    /// The families of each, a bit per index in [`FAMILIES`].
    masks: Vec<u64>,
    index: NameIndex,
}

impl Members {
    fn get() -> &'static Members {
        static MEMBERS: OnceLock<Members> = OnceLock::new();
        MEMBERS.get_or_init(Members::read)
    }

    fn read() -> Members {
        assert!(FAMILIES.len() <= 64, "a family mask is a u64");
        let (mut names, mut masks) = (Vec::new(), Vec::new());
        for (bit, family) in FAMILIES.iter().enumerate() {
            for m in family.members {
                // A hundred names, once: a linear search will do.
                match find_name(&names, m.syscall) {
                    Some(i) => masks[i] |= 1u64 << bit,
                    None => {
                        names.push((m.syscall, masks.len() as u32));
                        masks.push(1u64 << bit);
                    }
                }
            }
        }
        let index = NameIndex::new(&names);
        Members {
            names,
            masks,
            index,
        }
    }
}

fn find_name(names: &[(&str, u32)], name: &str) -> Option<usize> {
    for &(n, i) in names {
        if n == name {
            return Some(i as usize);
        }
    }
    None
}

/// `syscall`'s entry in `family`.
pub fn member<'f>(family: &'f Family, syscall: &str) -> Option<&'f Member> {
    family.members.iter().find(|m| m.syscall == syscall)
}

const fn m(syscall: &'static str) -> Member {
    Member {
        syscall,
        renamed: &[],
    }
}

const fn r(syscall: &'static str, renamed: &'static [(&'static str, Corr)]) -> Member {
    Member { syscall, renamed }
}

use Corr::{Fixed, InMemory, Param};

const AT_FDCWD: Corr = Fixed(&["AT_FDCWD"]);

/// A `*_time64` pair: the same parameters under the same names.
macro_rules! time64 {
    ($old:literal, $new:literal, $shared:expr, $source:literal $(,)?) => {
        Family {
            does: "the same with 32- or 64-bit time",
            shared: $shared,
            members: &[m($old), m($new)],
            source: $source,
        }
    };
}

/// Every family.
pub static FAMILIES: &[Family] = &[
    Family {
        does: "open files",
        shared: &["dfd", "filename", "flags", "mode"],
        members: &[
            m("openat"),
            // `return do_sys_open(AT_FDCWD, filename, flags, mode);`
            r("open", &[("dfd", AT_FDCWD)]),
            // `int flags = O_CREAT | O_WRONLY | O_TRUNC; ... return
            // do_sys_open(AT_FDCWD, pathname, flags, mode);` (the kernel
            // adds O_LARGEFILE on 64-bit, as it does for `open`).
            r(
                "creat",
                &[
                    ("dfd", AT_FDCWD),
                    ("filename", Param("pathname")),
                    ("flags", Fixed(&["O_CREAT", "O_WRONLY", "O_TRUNC"])),
                ],
            ),
            // `copy_struct_from_user(&tmp, sizeof(tmp), how, usize)`:
            // flags and mode are in `struct open_how`.
            r("openat2", &[("flags", InMemory), ("mode", InMemory)]),
        ],
        source: "fs/open.c: SYSCALL_DEFINE3(open), SYSCALL_DEFINE4(openat), SYSCALL_DEFINE4(openat2), SYSCALL_DEFINE2(creat)",
    },
    Family {
        does: "send signals",
        // The target is named differently by each (a pid or process group,
        // a thread, a thread group and thread, a pidfd); the signal is the
        // same `int sig` everywhere.
        shared: &["sig"],
        members: &[
            m("kill"),
            m("tgkill"),
            m("tkill"),
            m("rt_sigqueueinfo"),
            m("rt_tgsigqueueinfo"),
            m("pidfd_send_signal"),
        ],
        source: "kernel/signal.c: SYSCALL_DEFINE2(kill), SYSCALL_DEFINE3(tgkill), SYSCALL_DEFINE2(tkill), SYSCALL_DEFINE3(rt_sigqueueinfo), SYSCALL_DEFINE4(rt_tgsigqueueinfo), SYSCALL_DEFINE4(pidfd_send_signal)",
    },
    Family {
        does: "execute programs",
        shared: &["fd", "filename", "argv", "envp", "flags"],
        members: &[
            m("execveat"),
            // `return do_execve(getname(filename), argv, envp);`, which is
            // `do_execveat_common(AT_FDCWD, filename, argv, envp, 0)`.
            r("execve", &[("fd", AT_FDCWD), ("flags", Fixed(&[]))]),
        ],
        source: "fs/exec.c: SYSCALL_DEFINE3(execve), SYSCALL_DEFINE5(execveat), do_execve",
    },
    Family {
        does: "create processes and threads",
        shared: &["clone_flags"],
        members: &[
            m("clone"),
            // `.exit_signal = SIGCHLD`: clone(SIGCHLD).
            r("fork", &[("clone_flags", Fixed(&["SIGCHLD"]))]),
            // `.flags = CLONE_VFORK | CLONE_VM, .exit_signal = SIGCHLD`.
            r(
                "vfork",
                &[(
                    "clone_flags",
                    Fixed(&["CLONE_VFORK", "CLONE_VM", "SIGCHLD"]),
                )],
            ),
            // `copy_clone_args_from_user(&kargs, uargs, size)`.
            r("clone3", &[("clone_flags", InMemory)]),
        ],
        source: "kernel/fork.c: SYSCALL_DEFINE0(fork), SYSCALL_DEFINE0(vfork), SYSCALL_DEFINE5(clone), SYSCALL_DEFINE2(clone3)",
    },
    Family {
        does: "write to a descriptor",
        shared: &["fd"],
        members: &[
            m("write"),
            m("writev"),
            m("pwrite64"),
            m("pwritev"),
            m("pwritev2"),
            // Data from another descriptor, written to `out_fd`/`fd_out`.
            r("sendfile", &[("fd", Param("out_fd"))]),
            r("sendfile64", &[("fd", Param("out_fd"))]),
            r("splice", &[("fd", Param("fd_out"))]),
            r("copy_file_range", &[("fd", Param("fd_out"))]),
        ],
        source: "fs/read_write.c: SYSCALL_DEFINE3(write), SYSCALL_DEFINE3(writev), SYSCALL_DEFINE4(pwrite64), SYSCALL_DEFINE5(pwritev), SYSCALL_DEFINE6(pwritev2), SYSCALL_DEFINE4(sendfile), SYSCALL_DEFINE4(sendfile64), SYSCALL_DEFINE6(copy_file_range); fs/splice.c: SYSCALL_DEFINE6(splice)",
    },
    Family {
        does: "read from a descriptor",
        shared: &["fd"],
        members: &[
            m("read"),
            m("readv"),
            m("pread64"),
            m("preadv"),
            m("preadv2"),
            r("sendfile", &[("fd", Param("in_fd"))]),
            r("sendfile64", &[("fd", Param("in_fd"))]),
            r("splice", &[("fd", Param("fd_in"))]),
            r("copy_file_range", &[("fd", Param("fd_in"))]),
        ],
        source: "fs/read_write.c: SYSCALL_DEFINE3(read), SYSCALL_DEFINE3(readv), SYSCALL_DEFINE4(pread64), SYSCALL_DEFINE5(preadv), SYSCALL_DEFINE6(preadv2), SYSCALL_DEFINE4(sendfile), SYSCALL_DEFINE4(sendfile64), SYSCALL_DEFINE6(copy_file_range); fs/splice.c: SYSCALL_DEFINE6(splice)",
    },
    Family {
        does: "read file status",
        // `vfs_stat` is `vfs_fstatat(AT_FDCWD, filename, stat, 0)`,
        // `vfs_lstat` the same with AT_SYMLINK_NOFOLLOW; `vfs_fstat(fd)`
        // is what `fstatat(fd, "", AT_EMPTY_PATH)` does.
        shared: &["dfd", "flag"],
        members: &[
            m("newfstatat"),
            m("fstatat64"),
            r("statx", &[("flag", Param("flags"))]),
            r("stat", &[("dfd", AT_FDCWD), ("flag", Fixed(&[]))]),
            r(
                "lstat",
                &[("dfd", AT_FDCWD), ("flag", Fixed(&["AT_SYMLINK_NOFOLLOW"]))],
            ),
            r(
                "fstat",
                &[("dfd", Param("fd")), ("flag", Fixed(&["AT_EMPTY_PATH"]))],
            ),
            r("stat64", &[("dfd", AT_FDCWD), ("flag", Fixed(&[]))]),
            r(
                "lstat64",
                &[("dfd", AT_FDCWD), ("flag", Fixed(&["AT_SYMLINK_NOFOLLOW"]))],
            ),
            r(
                "fstat64",
                &[("dfd", Param("fd")), ("flag", Fixed(&["AT_EMPTY_PATH"]))],
            ),
            r("oldstat", &[("dfd", AT_FDCWD), ("flag", Fixed(&[]))]),
            r(
                "oldlstat",
                &[("dfd", AT_FDCWD), ("flag", Fixed(&["AT_SYMLINK_NOFOLLOW"]))],
            ),
            r(
                "oldfstat",
                &[("dfd", Param("fd")), ("flag", Fixed(&["AT_EMPTY_PATH"]))],
            ),
        ],
        source: "fs/stat.c: SYSCALL_DEFINE4(newfstatat), SYSCALL_DEFINE4(fstatat64), SYSCALL_DEFINE5(statx), SYSCALL_DEFINE2(newstat/newlstat/newfstat), SYSCALL_DEFINE2(stat64/lstat64/fstat64), SYSCALL_DEFINE2(stat/lstat/fstat), vfs_stat, vfs_lstat",
    },
    Family {
        does: "wait for descriptors with poll",
        shared: &["nfds"],
        members: &[m("ppoll"), m("poll"), m("ppoll_time64")],
        source: "fs/select.c: SYSCALL_DEFINE3(poll), SYSCALL_DEFINE5(ppoll), SYSCALL_DEFINE5(ppoll_time32), do_sys_poll",
    },
    Family {
        does: "wait for descriptors with select",
        // i386's `select` is `old_select`, its arguments in a struct.
        shared: &["n"],
        members: &[
            m("pselect6"),
            m("select"),
            m("_newselect"),
            m("pselect6_time64"),
        ],
        source: "fs/select.c: SYSCALL_DEFINE5(select), SYSCALL_DEFINE1(old_select), SYSCALL_DEFINE6(pselect6), SYSCALL_DEFINE6(pselect6_time32), core_sys_select",
    },
    Family {
        does: "wait for epoll events",
        shared: &["epfd", "maxevents"],
        members: &[m("epoll_pwait"), m("epoll_wait"), m("epoll_pwait2")],
        source: "fs/eventpoll.c: SYSCALL_DEFINE4(epoll_wait), SYSCALL_DEFINE6(epoll_pwait), SYSCALL_DEFINE6(epoll_pwait2), do_epoll_wait",
    },
    Family {
        does: "duplicate descriptors",
        shared: &["oldfd", "newfd", "flags"],
        members: &[
            m("dup3"),
            // `ksys_dup3(oldfd, newfd, 0)` (when oldfd != newfd).
            r("dup2", &[("flags", Fixed(&[]))]),
            // `dup` takes the lowest free descriptor: the kernel picks
            // `newfd`.
            r(
                "dup",
                &[
                    ("oldfd", Param("fildes")),
                    ("newfd", InMemory),
                    ("flags", Fixed(&[])),
                ],
            ),
        ],
        source: "fs/file.c: SYSCALL_DEFINE3(dup3), SYSCALL_DEFINE2(dup2), SYSCALL_DEFINE1(dup), ksys_dup3",
    },
    Family {
        does: "create pipes",
        shared: &["flags"],
        // `do_pipe2(fildes, 0)`.
        members: &[m("pipe2"), r("pipe", &[("flags", Fixed(&[]))])],
        source: "fs/pipe.c: SYSCALL_DEFINE2(pipe2), SYSCALL_DEFINE1(pipe), do_pipe2",
    },
    Family {
        does: "map memory",
        // i386's `mmap` is `old_mmap`, its arguments in a struct.
        shared: &["addr", "len", "prot", "flags", "fd"],
        members: &[m("mmap"), m("mmap2")],
        source: "mm/mmap.c: SYSCALL_DEFINE6(mmap_pgoff), SYSCALL_DEFINE1(old_mmap); arch/*/kernel/sys*.c: SYSCALL_DEFINE6(mmap), ksys_mmap_pgoff",
    },
    // The `*_time64` pairs of 32-bit architectures: since Linux 5.1 each
    // old call (a 32-bit time_t) runs `*_time32` and the new one the
    // 64-bit-time code 64-bit architectures run under the old name.
    time64!(
        "clock_gettime",
        "clock_gettime64",
        &["which_clock"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE2(clock_gettime), SYSCALL_DEFINE2(clock_gettime32)",
    ),
    time64!(
        "clock_settime",
        "clock_settime64",
        &["which_clock"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE2(clock_settime), SYSCALL_DEFINE2(clock_settime32)",
    ),
    time64!(
        "clock_adjtime",
        "clock_adjtime64",
        &["which_clock"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE2(clock_adjtime), SYSCALL_DEFINE2(clock_adjtime32)",
    ),
    time64!(
        "clock_getres",
        "clock_getres_time64",
        &["which_clock"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE2(clock_getres), SYSCALL_DEFINE2(clock_getres_time32)",
    ),
    time64!(
        "clock_nanosleep",
        "clock_nanosleep_time64",
        &["which_clock", "flags"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE4(clock_nanosleep), SYSCALL_DEFINE4(clock_nanosleep_time32)",
    ),
    time64!(
        "timer_gettime",
        "timer_gettime64",
        &["timer_id"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE2(timer_gettime), SYSCALL_DEFINE2(timer_gettime32)",
    ),
    time64!(
        "timer_settime",
        "timer_settime64",
        &["timer_id", "flags"],
        "kernel/time/posix-timers.c: SYSCALL_DEFINE4(timer_settime), SYSCALL_DEFINE4(timer_settime32)",
    ),
    time64!(
        "timerfd_gettime",
        "timerfd_gettime64",
        &["ufd"],
        "fs/timerfd.c: SYSCALL_DEFINE2(timerfd_gettime), SYSCALL_DEFINE2(timerfd_gettime32)",
    ),
    time64!(
        "timerfd_settime",
        "timerfd_settime64",
        &["ufd", "flags"],
        "fs/timerfd.c: SYSCALL_DEFINE4(timerfd_settime), SYSCALL_DEFINE4(timerfd_settime32)",
    ),
    time64!(
        "utimensat",
        "utimensat_time64",
        &["dfd", "flags"],
        "fs/utimes.c: SYSCALL_DEFINE4(utimensat), SYSCALL_DEFINE4(utimensat_time32)",
    ),
    time64!(
        "futex",
        "futex_time64",
        &["op", "val", "val3"],
        "kernel/futex/syscalls.c: SYSCALL_DEFINE6(futex), SYSCALL_DEFINE6(futex_time32)",
    ),
    time64!(
        "io_pgetevents",
        "io_pgetevents_time64",
        &["ctx_id", "min_nr", "nr"],
        "fs/aio.c: SYSCALL_DEFINE6(io_pgetevents), SYSCALL_DEFINE6(io_pgetevents_time32)",
    ),
    time64!(
        "recvmmsg",
        "recvmmsg_time64",
        &["fd", "vlen", "flags"],
        "net/socket.c: SYSCALL_DEFINE5(recvmmsg), SYSCALL_DEFINE5(recvmmsg_time32)",
    ),
    time64!(
        "mq_timedsend",
        "mq_timedsend_time64",
        &["mqdes", "msg_len", "msg_prio"],
        "ipc/mqueue.c: SYSCALL_DEFINE5(mq_timedsend), SYSCALL_DEFINE5(mq_timedsend_time32)",
    ),
    time64!(
        "mq_timedreceive",
        "mq_timedreceive_time64",
        &["mqdes", "msg_len"],
        "ipc/mqueue.c: SYSCALL_DEFINE5(mq_timedreceive), SYSCALL_DEFINE5(mq_timedreceive_time32)",
    ),
    time64!(
        "semtimedop",
        "semtimedop_time64",
        &["semid", "nsops"],
        "ipc/sem.c: SYSCALL_DEFINE4(semtimedop), SYSCALL_DEFINE4(semtimedop_time32)",
    ),
    time64!(
        "rt_sigtimedwait",
        "rt_sigtimedwait_time64",
        &["sigsetsize"],
        "kernel/signal.c: SYSCALL_DEFINE4(rt_sigtimedwait), SYSCALL_DEFINE4(rt_sigtimedwait_time32)",
    ),
    time64!(
        "sched_rr_get_interval",
        "sched_rr_get_interval_time64",
        &["pid"],
        "kernel/sched/syscalls.c: SYSCALL_DEFINE2(sched_rr_get_interval), SYSCALL_DEFINE2(sched_rr_get_interval_time32)",
    ),
];

#[cfg(test)]
mod tests;
