//! Successor pairs: a libc calls `new` first and, when it fails with
//! `ENOSYS`, falls back to `old`. Hand-written, each pair citing the libc
//! source that does it and the first release that does (read in glibc's
//! and musl's git history: the first `glibc-2.N` / `vN` tag whose file
//! calls `new` and checks for `ENOSYS`). A pair applies on an architecture
//! only where both calls exist (the `*_time64` calls exist on the 32-bit
//! architectures only).
//!
//! Looked up and left out, because no libc falls back from them: `openat2`,
//! `epoll_pwait2` (glibc 2.35's wrapper calls it alone), `futex_waitv`
//! (no glibc or musl wrapper), `pidfd_open`, `pidfd_send_signal`,
//! `pidfd_getfd` (glibc 2.36's wrappers call them alone; `pidfd_spawn`
//! uses `clone3` with no fallback, spawni.c), `map_shadow_stack` (glibc
//! 2.39's x86_64 allocate-shadow-stack.c reports its error), `mseal` (no
//! glibc 2.42 or musl 1.2.5 caller) and `mlock2` (glibc's mlock2.c turns
//! `ENOSYS` into `EINVAL`, it does not call `mlock`).

/// `new` is tried first; `old` is what libc uses when `new` fails with
/// `ENOSYS`. `rseq` has no fallback call: glibc registers a program's
/// first thread with it at start-up and runs without it when that fails,
/// so its pairs name the calls that start a program (`execve`,
/// `execveat`) as `old`. Not `clone`: a thread glibc starts after the
/// first thread's registration succeeded must register too, or glibc
/// aborts ("rseq registration failed", nptl/pthread_create.c
/// start_thread), so `ENOSYS` would not help a program that installs its
/// filter after start-up; such a program must allow `rseq` itself.
#[derive(Debug, PartialEq, Eq)]
pub struct Successor {
    /// The call libc tries first.
    pub new: &'static str,
    /// The call libc falls back to (for `rseq`, one that starts a program).
    pub old: &'static str,
    /// Which libc does it, since which release, in which source file.
    pub source: &'static str,
}

const fn pair(new: &'static str, old: &'static str, source: &'static str) -> Successor {
    Successor { new, old, source }
}

/// Every pair, grouped by `new`. glibc's `*_time64` fallbacks run where
/// `__ASSUME_TIME64_SYSCALLS` is unset (glibc built for a minimum kernel
/// older than 5.1 with `--enable-kernel`); musl's since 1.2.0 made `time_t`
/// 64-bit on 32-bit architectures (some only for times that do not fit
/// 32 bits).
pub const SUCCESSORS: &[Successor] = &[
    pair(
        "faccessat2",
        "faccessat",
        "glibc 2.33 faccessat() (sysdeps/unix/sysv/linux/faccessat.c), musl 1.2.2 faccessat() with flags (src/unistd/faccessat.c)",
    ),
    pair(
        "clone3",
        "clone",
        "glibc 2.34 pthread_create() and posix_spawn() through __clone_internal (sysdeps/unix/sysv/linux/clone-internal.c, nptl/pthread_create.c, sysdeps/unix/sysv/linux/spawni.c)",
    ),
    pair(
        "close_range",
        "close",
        "glibc 2.34 closefrom() and posix_spawn's closefrom action, which close each descriptor listed in /proc/self/fd when close_range fails (sysdeps/unix/sysv/linux/closefrom.c, closefrom_fallback.c, spawni.c)",
    ),
    pair(
        "rseq",
        "execve",
        "glibc 2.35 registers a program's first thread with rseq at start-up and runs without it when that fails (sysdeps/nptl/dl-tls_init_tp.c, sysdeps/unix/sysv/linux/rseq-internal.h rseq_register_current_thread)",
    ),
    pair(
        "rseq",
        "execveat",
        "glibc 2.35 registers a program's first thread with rseq at start-up and runs without it when that fails (sysdeps/nptl/dl-tls_init_tp.c, sysdeps/unix/sysv/linux/rseq-internal.h rseq_register_current_thread)",
    ),
    pair(
        "fchmodat2",
        "fchmodat",
        "glibc 2.39 fchmodat() with AT_SYMLINK_NOFOLLOW, falling back to chmod through /proc/self/fd (sysdeps/unix/sysv/linux/fchmodat.c), musl 1.2.5 likewise (src/stat/fchmodat.c)",
    ),
    pair(
        "fchmodat2",
        "chmod",
        "glibc 2.39 fchmodat() with AT_SYMLINK_NOFOLLOW, falling back to chmod through /proc/self/fd (sysdeps/unix/sysv/linux/fchmodat.c), musl 1.2.5 likewise (src/stat/fchmodat.c)",
    ),
    pair(
        "statx",
        "fstatat64",
        "glibc 2.33 stat(), fstatat() on 32-bit architectures (sysdeps/unix/sysv/linux/fstatat64.c with FSTATAT_USE_STATX), musl 1.2.0 likewise (src/stat/fstatat.c)",
    ),
    pair(
        "execveat",
        "execve",
        "glibc 2.27 fexecve(), falling back to execve of /proc/self/fd/N (sysdeps/unix/sysv/linux/fexecve.c), musl 1.1.21 likewise (src/process/fexecve.c)",
    ),
    pair(
        "preadv2",
        "preadv",
        "glibc 2.26 preadv2() with no flags (sysdeps/unix/sysv/linux/preadv2.c)",
    ),
    pair(
        "pwritev2",
        "pwritev",
        "glibc 2.26 pwritev2() with no flags (sysdeps/unix/sysv/linux/pwritev2.c)",
    ),
    pair(
        "clock_gettime64",
        "clock_gettime",
        "glibc 2.31 (sysdeps/unix/sysv/linux/clock_gettime.c), musl 1.2.0 (src/time/clock_gettime.c)",
    ),
    pair(
        "clock_settime64",
        "clock_settime",
        "glibc 2.31 (sysdeps/unix/sysv/linux/clock_settime.c), musl 1.2.0 (src/time/clock_settime.c)",
    ),
    pair(
        "clock_adjtime64",
        "clock_adjtime",
        "glibc 2.32 (sysdeps/unix/sysv/linux/clock_adjtime.c), musl 1.2.0 (src/linux/clock_adjtime.c)",
    ),
    pair(
        "clock_getres_time64",
        "clock_getres",
        "glibc 2.31 (sysdeps/unix/sysv/linux/clock_getres.c)",
    ),
    pair(
        "clock_nanosleep_time64",
        "clock_nanosleep",
        "glibc 2.31 (sysdeps/unix/sysv/linux/clock_nanosleep.c), musl 1.2.0 (src/time/clock_nanosleep.c)",
    ),
    pair(
        "timer_gettime64",
        "timer_gettime",
        "glibc 2.31 (sysdeps/unix/sysv/linux/timer_gettime.c), musl 1.2.0 (src/time/timer_gettime.c)",
    ),
    pair(
        "timer_settime64",
        "timer_settime",
        "glibc 2.31 (sysdeps/unix/sysv/linux/timer_settime.c), musl 1.2.0 (src/time/timer_settime.c)",
    ),
    pair(
        "timerfd_gettime64",
        "timerfd_gettime",
        "glibc 2.32 (sysdeps/unix/sysv/linux/timerfd_gettime.c), musl 1.2.0 (src/linux/timerfd.c)",
    ),
    pair(
        "timerfd_settime64",
        "timerfd_settime",
        "glibc 2.32 (sysdeps/unix/sysv/linux/timerfd_settime.c), musl 1.2.0 (src/linux/timerfd.c)",
    ),
    pair(
        "utimensat_time64",
        "utimensat",
        "glibc 2.31 (sysdeps/unix/sysv/linux/utimensat.c), musl 1.2.0 (src/stat/utimensat.c)",
    ),
    pair(
        "pselect6_time64",
        "pselect6",
        "glibc 2.33 (sysdeps/unix/sysv/linux/pselect.c), musl 1.2.0 (src/select/pselect.c)",
    ),
    pair(
        "ppoll_time64",
        "ppoll",
        "glibc 2.31 (sysdeps/unix/sysv/linux/ppoll.c), musl 1.2.0 (src/select/ppoll.c)",
    ),
    pair(
        "recvmmsg_time64",
        "recvmmsg",
        "glibc 2.33 (sysdeps/unix/sysv/linux/recvmmsg.c), musl 1.2.0 (src/network/recvmmsg.c)",
    ),
    pair(
        "mq_timedsend_time64",
        "mq_timedsend",
        "glibc 2.32 (sysdeps/unix/sysv/linux/mq_timedsend.c), musl 1.2.0 (src/mq/mq_timedsend.c)",
    ),
    pair(
        "mq_timedreceive_time64",
        "mq_timedreceive",
        "glibc 2.32 (sysdeps/unix/sysv/linux/mq_timedreceive.c), musl 1.2.0 (src/mq/mq_timedreceive.c)",
    ),
    pair(
        "semtimedop_time64",
        "semtimedop",
        "glibc 2.33 (sysdeps/unix/sysv/linux/semtimedop.c), musl 1.2.0 (src/ipc/semtimedop.c)",
    ),
    pair(
        "rt_sigtimedwait_time64",
        "rt_sigtimedwait",
        "glibc 2.33 (sysdeps/unix/sysv/linux/sigtimedwait.c), musl 1.2.0 (src/signal/sigtimedwait.c)",
    ),
    pair(
        "sched_rr_get_interval_time64",
        "sched_rr_get_interval",
        "glibc 2.32 (sysdeps/unix/sysv/linux/sched_rr_gi.c)",
    ),
    pair(
        "futex_time64",
        "futex",
        "glibc 2.33 timed waits (sysdeps/nptl/futex-internal.c), musl 1.2.0 (src/thread/__timedwait.c)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Arch;
    use crate::tables::syscalls;

    #[test]
    fn every_name_is_a_syscall_somewhere() {
        for s in SUCCESSORS {
            for name in [s.new, s.old] {
                assert!(syscalls::all_names().contains(name), "{name} is no syscall");
            }
        }
    }

    #[test]
    fn time64_pairs_exist_on_the_32_bit_architectures_only() {
        for s in SUCCESSORS.iter().filter(|s| s.new.ends_with("64")) {
            for arch in Arch::ALL {
                let has = syscalls::table(arch).number(s.new).is_some();
                assert_eq!(has, arch.word_bits() == 32, "{} on {arch}", s.new);
            }
        }
    }
}
