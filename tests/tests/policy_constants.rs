//! Kernel constants by name in policies (`AF_PACKET`, `O_DIRECTORY`,
//! `TCGETS`), shown against oracles that do not read our constants table:
//!
//! - the real kernel, with the values the `libc` crate gives the calls
//!   (x86_64): a forked child installs the policy and makes the calls;
//! - libseccomp (feature `libseccomp`), given for each architecture the
//!   values read off that architecture's uapi headers by hand: both
//!   programs run in the emulator on the same inputs and must agree.

/// The real kernel: constants resolve to the values the kernel uses.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod real_kernel {
    use libc::{EHOSTDOWN, EROFS};
    use seccomp_compiler::Action;
    use tests::kernel::{
        Call, TempDir, compile, errno_action, expect_errno, expect_success, in_child, ptr,
    };

    const POLICY: &str = "default allow; drop ptrace;
        drop socket(family == AF_PACKET) => errno(EHOSTDOWN);
        drop openat(dfd == AT_FDCWD && flags & O_ACCMODE == O_WRONLY | O_RDWR) => errno(EROFS);
        acknowledge siblings;"; // open, creat, openat2 stay: the constants are the point

    #[test]
    fn constants_in_a_policy_refuse_what_they_name_on_the_real_kernel() {
        let p = compile(POLICY);
        let dir = TempDir::new("constants");
        let path = dir.c_path("file");
        std::fs::write(dir.path().join("file"), b"x").expect("create the file");
        let socket = |family: i32| {
            Call::new(
                libc::SYS_socket,
                &[family as u64, libc::SOCK_STREAM as u64, 0],
            )
        };
        let packet = Call::new(
            libc::SYS_socket,
            &[libc::AF_PACKET as u64, libc::SOCK_RAW as u64, 0],
        );
        let at_fdcwd = libc::AT_FDCWD as u64;
        let openat =
            |flags: i32| Call::new(libc::SYS_openat, &[at_fdcwd, ptr(&path), flags as u64]);
        p.assert_verdict(&packet, errno_action(EHOSTDOWN));
        p.assert_verdict(&socket(libc::AF_UNIX), Action::Allow);
        p.assert_verdict(&openat(libc::O_RDONLY), Action::Allow);
        p.assert_verdict(&openat(libc::O_WRONLY), errno_action(EROFS));
        p.assert_verdict(&openat(libc::O_RDWR | libc::O_CLOEXEC), errno_action(EROFS));
        let outcome = in_child(|| {
            p.apply()?;
            // SAFETY: socket takes no pointers.
            expect_errno("socket(AF_PACKET)", unsafe { packet.run() }, EHOSTDOWN)?;
            // SAFETY: as above.
            expect_success("socket(AF_UNIX)", unsafe { socket(libc::AF_UNIX).run() })?;
            // SAFETY: as above.
            expect_success("socket(AF_INET)", unsafe { socket(libc::AF_INET).run() })?;
            // SAFETY: openat reads the NUL-terminated path.
            expect_success("openat(O_RDONLY)", unsafe { openat(libc::O_RDONLY).run() })?;
            // SAFETY: as above.
            expect_errno(
                "openat(O_WRONLY)",
                unsafe { openat(libc::O_WRONLY).run() },
                EROFS,
            )?;
            let rdwr = openat(libc::O_RDWR | libc::O_CLOEXEC);
            // SAFETY: as above.
            expect_errno("openat(O_RDWR)", unsafe { rdwr.run() }, EROFS)?;
            // Through std (glibc's open is openat(AT_FDCWD, ...)).
            match std::fs::OpenOptions::new()
                .append(true)
                .open(dir.path().join("file"))
            {
                Err(e) if e.raw_os_error() == Some(EROFS) => Ok(()),
                other => Err(format!("std::fs::OpenOptions::append: {other:?}")),
            }
        });
        outcome.assert_ok();
    }
}

/// Per architecture, against libseccomp given hand-checked literals.
#[cfg(feature = "libseccomp")]
mod vs_libseccomp {
    use seccomp_compiler::bpf::SeccompData;
    use seccomp_compiler::{Action, Arch, compile_str, emu};
    use tests::libseccomp::ARCHES;
    use tests::libseccomp::ffi::{self, Attr, Filter, ScmpArgCmp};

    const POLICY: &str = "default allow; drop ptrace;
        drop openat(flags & O_DIRECTORY == O_DIRECTORY) => errno(20);
        drop ioctl(cmd == TCGETS) => errno(25);
        acknowledge siblings;"; // open, creat, openat2 stay: the constants are the point

    /// (O_DIRECTORY, TCGETS), read by hand: O_DIRECTORY is 00200000 in
    /// include/uapi/asm-generic/fcntl.h and 040000 in
    /// arch/{arm64,arm,powerpc}/include/uapi/asm/fcntl.h; TCGETS is 0x5401
    /// in include/uapi/asm-generic/ioctls.h (x86, arm, s390 and riscv use
    /// it) and _IOR('t', 19, struct termios) = 0x402c7413 (44-byte termios)
    /// in arch/powerpc/include/uapi/asm/ioctls.h.
    fn literals(arch: Arch) -> (u64, u64) {
        match arch {
            Arch::Aarch64 | Arch::Arm => (0o40000, 0x5401),
            Arch::Powerpc64le => (0o40000, 0x402c_7413),
            _ => (0o200000, 0x5401),
        }
    }

    fn cmp(arg: u32, op: i32, a: u64, b: u64) -> ScmpArgCmp {
        ScmpArgCmp {
            arg,
            op,
            datum_a: a,
            datum_b: b,
        }
    }

    /// The same policy for libseccomp, with the literal values.
    fn theirs(arch: Arch) -> Vec<seccomp_compiler::bpf::SockFilter> {
        let (o_directory, tcgets) = literals(arch);
        let mut f = Filter::new(arch, Action::Allow.to_ret()).expect("init");
        f.set_attr(Attr::ActBadarch, Action::KillProcess.to_ret())
            .expect("badarch");
        let mut add = |a: Action, name: &str, c: &[ScmpArgCmp]| {
            assert!(
                f.add_rule_by_name(a.to_ret(), name, c).expect("rule"),
                "{name}"
            );
        };
        add(Action::KillProcess, "ptrace", &[]);
        let masked = cmp(2, ffi::SCMP_CMP_MASKED_EQ, o_directory, o_directory);
        add(Action::Errno(20), "openat", &[masked]);
        add(
            Action::Errno(25),
            "ioctl",
            &[cmp(1, ffi::SCMP_CMP_EQ, tcgets, 0)],
        );
        f.export_bpf().expect("bpf")
    }

    #[test]
    fn constants_resolve_per_architecture_as_libseccomp_with_literals() {
        let compiled = compile_str(POLICY).expect("compiles");
        let mut checked = 0;
        for arch in ARCHES {
            let ours = compiled
                .get(arch)
                .expect("arch")
                .program
                .filters()
                .expect("no symbols");
            let theirs = theirs(arch);
            let nr = |name| ffi::resolve_name_arch(arch, name).expect("known");
            // Every value either architecture family uses, and neighbours;
            // high words stay zero (libseccomp compares 64 bits, we the
            // kernel's 32 for `int flags` and `unsigned int cmd`).
            let flags = [0, 0o40000, 0o200000, 0o240000, 0o40002, 0o200101, 0o100000];
            let cmds = [0x5401, 0x402c_7413, 0x541b, 0x5402, 0];
            let inputs = flags
                .iter()
                .map(|&f| ("openat", [0, 0, f, 0, 0, 0]))
                .chain(cmds.iter().map(|&c| ("ioctl", [0, c, 0, 0, 0, 0])))
                .chain([("ptrace", [0; 6]), ("read", [0; 6])]);
            let mut refused = 0;
            for (name, args) in inputs {
                let data = SeccompData {
                    nr: nr(name),
                    arch: arch.audit_arch(),
                    instruction_pointer: 0,
                    args,
                };
                let run = |prog: &[_]| {
                    Action::from_ret(
                        emu::run(prog, &data, arch.is_big_endian())
                            .expect("runs")
                            .ret,
                    )
                };
                let (a, b) = (run(&ours), run(&theirs));
                assert_eq!(
                    a, b,
                    "{arch}: {name}({args:#x?}): ours {a}, libseccomp's {b}"
                );
                refused += usize::from(matches!(a, Action::Errno(_)));
                checked += 1;
            }
            // One O_DIRECTORY value of the two families and TCGETS: the
            // inputs tell the architectures' values apart.
            assert_eq!(refused, 4, "{arch}");
        }
        println!(
            "kernel constants: {checked} inputs on {} architectures agree with libseccomp",
            ARCHES.len()
        );
    }
}
