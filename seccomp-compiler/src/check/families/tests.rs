//! The family checks on whole policies. Whether a sibling really does what
//! a condition refuses is shown on the real kernel
//! (tests/tests/kernel_families.rs); these pin the messages and fixes.
use crate::arch::Arch;
use crate::compile::compile_str;
use crate::diag::{Diagnostic, Severity};

fn errors(policy: &str, arch: Arch) -> Vec<Diagnostic> {
    match compile_str(policy) {
        Ok(c) => c
            .arches
            .into_iter()
            .filter(|a| a.arch == arch)
            .flat_map(|a| a.outcome.err().unwrap_or_default())
            .collect(),
        Err(ds) => ds
            .into_iter()
            .filter(|d| d.arch.is_none_or(|a| a == arch))
            .collect(),
    }
}

fn warnings(policy: &str) -> Vec<Diagnostic> {
    compile_str(policy).expect("compiles").warnings()
}

fn text(d: &Diagnostic) -> String {
    d.full_message()
}

#[test]
fn dropping_creation_by_openat_names_open_creat_and_openat2() {
    let policy = "default allow; drop ptrace; drop openat(flags & 0x40 == 0x40);";
    let e = errors(policy, Arch::X86_64);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        text(&e[0]),
        "this condition on `openat` can be bypassed: `open`, `creat` and `openat2` open files too, \
         and this policy lets them through without the corresponding condition (on x86_64)\n\
         help: drop them with the corresponding condition: `drop open(flags & 64 == 64);` `drop creat;`\n\
         help: `openat2` passes its arguments in memory, which BPF cannot read: refuse it with ENOSYS \
         (libc then falls back): `drop openat2 => errno(ENOSYS);`\n\
         help: or write `acknowledge siblings;` if the siblings may do what this condition refuses"
    );
    // aarch64 has neither `open` nor `creat`.
    let e = errors(policy, Arch::Aarch64);
    assert!(text(&e[0]).contains("bypassed: `openat2` open"), "{e:#?}");
}

#[test]
fn the_suggested_fix_compiles() {
    let fixed = "default allow; drop ptrace; drop openat(flags & 0x40 == 0x40); drop open(flags & 64 == 64); \
                 drop creat; drop openat2 => errno(ENOSYS);";
    assert!(compile_str(fixed).is_ok());
    let acknowledged =
        "default allow; drop ptrace; drop openat(flags & 0x40 == 0x40); acknowledge siblings;";
    assert!(compile_str(acknowledged).is_ok());
}

#[test]
fn a_condition_creat_cannot_meet_asks_nothing_of_it() {
    // creat is O_CREAT | O_WRONLY | O_TRUNC: never O_RDONLY (flags & 3 == 0).
    let policy = "default allow; drop ptrace; drop openat(flags & 3 == 0); drop open(flags & 3 == 0); \
                  drop openat2 => errno(ENOSYS);";
    assert!(compile_str(policy).is_ok());
}

#[test]
fn dropping_sigkill_names_every_other_sender() {
    let e = errors(
        "default allow; drop ptrace; drop kill(sig == 9) => errno(EPERM);",
        Arch::X86_64,
    );
    let t = text(&e[0]);
    assert!(
        t.contains("`tgkill`, `tkill`, `rt_sigqueueinfo`, `rt_tgsigqueueinfo` and `pidfd_send_signal` send signals too"),
        "{t}"
    );
    assert!(
        t.contains("`drop tgkill(sig == 9) => errno(EPERM);`"),
        "{t}"
    );
    let fixed = "default allow; drop ptrace; drop kill(sig == 9), tkill(sig == 9), tgkill(sig == 9), \
                 rt_sigqueueinfo(sig == 9), rt_tgsigqueueinfo(sig == 9), pidfd_send_signal(sig == 9) => errno(EPERM);";
    assert!(compile_str(fixed).is_ok());
}

#[test]
fn a_parameter_the_siblings_do_not_share_is_taken_as_holding() {
    // The signal senders share only `sig`: a condition on kill's pid alone
    // has no counterpart, and in a conjunction it is taken as holding, so
    // the siblings must refuse at least the signal.
    assert!(
        errors(
            "default allow; drop ptrace; drop kill(pid == 1);",
            Arch::X86_64
        )
        .is_empty()
    );
    let e = errors(
        "default allow; drop ptrace; drop kill(pid == 1 && sig == 9);",
        Arch::X86_64,
    );
    assert!(
        text(&e[0]).contains("`drop pidfd_send_signal(sig == 9);`"),
        "{e:#?}"
    );
}

#[test]
fn keeping_writes_to_stdout_warns_about_the_other_writers() {
    let policy = "base @system-service; drop ptrace; keep write(fd == 1 | 2);";
    let c = compile_str(policy).expect("compiles");
    for a in &c.arches {
        let w = &a.outcome.as_ref().unwrap().warnings;
        assert_eq!(w.len(), 1, "{}: {w:#?}", a.arch);
    }
    let w = &c.get(Arch::X86_64).unwrap().warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(
        text(w),
        "this condition on `write` does not confine its siblings: `writev`, `pwrite64`, `pwritev`, \
         `pwritev2`, `sendfile`, `splice` and `copy_file_range` write to a descriptor too, and this \
         policy lets them through without the corresponding condition (on x86_64)\n\
         help: give them the corresponding condition: `keep writev(fd == 1 | 2);` `keep pwrite64(fd == 1 | 2);` \
         `keep pwritev(fd == 1 | 2);` `keep pwritev2(fd == 1 | 2);` `keep sendfile(out_fd == 1 | 2);` \
         `keep splice(fd_out == 1 | 2);` `keep copy_file_range(fd_out == 1 | 2);`\n\
         help: or write `acknowledge siblings;` if the siblings may do more"
    );
    let acknowledged =
        "base @system-service; drop ptrace; keep write(fd == 1 | 2); acknowledge siblings;";
    assert!(warnings(acknowledged).is_empty());
}

#[test]
fn confining_every_writer_leaves_nothing_to_warn_about() {
    let policy = "base @system-service; drop ptrace; \
        keep write(fd == 1 | 2), writev(fd == 1 | 2), pwrite64(fd == 1 | 2), pwritev(fd == 1 | 2), \
             pwritev2(fd == 1 | 2), sendfile(out_fd == 1 | 2), sendfile64(out_fd == 1 | 2), \
             splice(fd_out == 1 | 2), copy_file_range(fd_out == 1 | 2);";
    let w = warnings(policy);
    assert!(w.is_empty(), "{w:#?}");
}

#[test]
fn a_missing_syscall_with_no_allowed_stand_in_is_an_error_there_only() {
    let e = errors("keep exit_group, poll;", Arch::Aarch64);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        text(&e[0]),
        "`poll` does not exist on aarch64, and this policy allows none of what libc calls there instead: \
         `ppoll` (on aarch64)\nhelp: allow it too, e.g. `keep ppoll;`, or leave aarch64 out with `arch`"
    );
    assert!(errors("keep exit_group, poll;", Arch::X86_64).is_empty());
    assert!(compile_str("keep exit_group, poll, ppoll;").is_ok());
    // Through a group: skipped where missing, as before.
    assert!(compile_str("keep exit_group, @basic-io;").is_ok());
}

#[test]
fn conditions_are_compared_by_what_they_let_through() {
    // systemd's RestrictSUIDSGID (seccomp_restrict_suid_sgid): creat's
    // condition has no `flags`, openat's has O_CREAT; creat's flags always
    // contain it, so they refuse the same creations.
    let suid = "default allow; drop ptrace; \
        drop open(flags & 0o100 == 0o100 && mode & 0o6000 != 0), \
             openat(flags & 0o100 == 0o100 && mode & 0o6000 != 0), \
             creat(mode & 0o6000 != 0) => errno(EPERM); \
        drop openat2 => errno(ENOSYS);";
    assert!(compile_str(suid).is_ok());
    // Written differently, the same set: no warning.
    let same = "keep exit_group, write(fd == 1 | 2), writev(fd == 2 | 1), \
        pwrite64(fd >= 1 && fd <= 2), pwritev(fd == 1 || fd == 2), pwritev2(fd == 1 | 2), \
        sendfile(out_fd == 1 | 2), sendfile64(out_fd == 1 | 2), splice(fd_out == 1 | 2), \
        copy_file_range(fd_out == 1 | 2);";
    assert!(warnings(same).is_empty(), "{:#?}", warnings(same));
    // One more descriptor for writev: warned.
    let more = same.replace("writev(fd == 2 | 1)", "writev(fd == 1 | 2 | 3)");
    let w = compile_str(&more)
        .unwrap()
        .get(Arch::X86_64)
        .unwrap()
        .warnings
        .clone();
    assert!(text(&w[0]).contains("siblings: `writev` write"), "{w:#?}");
}
