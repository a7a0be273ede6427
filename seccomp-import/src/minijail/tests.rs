//! The minijail importer against what minijail's compilers do, read from
//! google/minijail 8d20993 (`syscall_filter.c`, `bpf.c`, `tools/parser.py`,
//! `tools/compiler.py` and their unit tests). Verdicts come from the
//! reference evaluator over the imported text; the expected values are
//! the ones those sources give, worked out by hand in each comment.

use super::*;
use crate::testutil::{corpus, verdict};
use crate::{Format, import};

fn opts(compiler: Option<MinijailCompiler>) -> ImportOptions {
    ImportOptions {
        minijail_compiler: compiler,
        ..ImportOptions::default()
    }
}

fn imp(text: &str, opts: &ImportOptions) -> Result<String, ImportError> {
    import(Format::Minijail, "x86_64/p.policy", text, opts).map(|i| i.policy)
}

fn err(text: &str, opts: &ImportOptions) -> String {
    imp(text, opts).unwrap_err().to_string()
}

const X: Arch = Arch::X86_64;

#[test]
fn minijails_cat_example() {
    let p = import(
        Format::Minijail,
        "minijail-examples-cat.policy",
        &corpus("minijail-examples-cat.policy"),
        &ImportOptions {
            arches: Some(vec![X]),
            ..ImportOptions::default()
        },
    )
    .unwrap()
    .policy;
    assert!(
        p.contains("    mmap(arg2 & 4 == 0 || arg2 & 2 == 0),\n"),
        "{p}"
    );
    assert_eq!(verdict(&p, X, "mmap", &[0, 4096, 3, 0x22]), Action::Allow);
    // Both compilers kill the thread by default (SECCOMP_RET_KILL /
    // KillThread without --use-kill-process).
    assert_eq!(
        verdict(&p, X, "mmap", &[0, 4096, 7, 0x22]),
        Action::KillThread,
        "W^X"
    );
    assert_eq!(verdict(&p, X, "execve", &[]), Action::KillThread);
    assert_eq!(verdict(&p, X, "read", &[]), Action::Allow);
    assert!(p.contains("read this file alike"), "{p}");
    // minijail gives `close_range`, which the policy does not name, its
    // default though it allows `close`: the import keeps that by turning
    // the compiler's successor rules off.
    assert!(p.contains("successors off;\n"), "{p}");
    assert_eq!(verdict(&p, X, "close_range", &[]), Action::KillThread);
}

/// `EXPR; return ERRNO`: libminijail allows when EXPR holds and returns
/// ERRNO otherwise (compile_policy_line); compile_seccomp_policy.py
/// returns ERRNO when it holds and gives the default otherwise
/// (compiler_unittest.py `test_ret_errno`: `read: arg0 == 0 || arg0 == 1;
/// return 1` gives ERRNO 1 for 0 and 1, KILL for 2).
#[test]
fn return_after_an_expression_means_what_each_compiler_means() {
    let text = "read: arg0 == 0 || arg0 == 1; return 1\n";
    let e = err(text, &opts(None));
    assert!(
        e.starts_with("x86_64/p.policy:1:1: minijail's two compilers read"),
        "{e}"
    );
    assert!(e.contains("--minijail-compiler"), "{e}");
    let lib = imp(text, &opts(Some(MinijailCompiler::Libminijail))).unwrap();
    assert_eq!(verdict(&lib, X, "read", &[0]), Action::Allow);
    assert_eq!(verdict(&lib, X, "read", &[1]), Action::Allow);
    assert_eq!(verdict(&lib, X, "read", &[2]), Action::Errno(1));
    let tools = imp(text, &opts(Some(MinijailCompiler::Tools))).unwrap();
    assert_eq!(verdict(&tools, X, "read", &[0]), Action::Errno(1));
    assert_eq!(verdict(&tools, X, "read", &[1]), Action::Errno(1));
    assert_eq!(verdict(&tools, X, "read", &[2]), Action::KillThread);
}

/// What only tools/parser.py reads makes the file a `tools` policy;
/// libminijail, when chosen, refuses it at the construct.
#[test]
fn actions_defaults_and_lists_are_compile_seccomp_policy_only() {
    let text = "read: 1\nwrite: arg0 == 1 || arg0 == 2; return EBADF\nopen: return ENOENT\nioctl: arg1 & 0x41 \\\n  && arg0 in ~3\nclose: trap\n@default kill-process\n{getpid, gettid}: allow\nfcntl: { arg1 == 1, arg1 == 2; return EINVAL, trap }\n";
    let p = imp(text, &opts(None)).unwrap();
    assert!(
        p.contains("the only minijail compiler that accepts this file"),
        "{p}"
    );
    assert_eq!(verdict(&p, X, "write", &[2]), Action::Errno(9));
    assert_eq!(verdict(&p, X, "write", &[3]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "open", &[]), Action::Errno(2));
    assert_eq!(verdict(&p, X, "ioctl", &[4, 0x40]), Action::Allow);
    assert_eq!(verdict(&p, X, "ioctl", &[5, 0x40]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "ioctl", &[4, 0x80]), Action::KillProcess);
    assert_eq!(verdict(&p, X, "close", &[]), Action::Trap);
    assert_eq!(verdict(&p, X, "getpid", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "gettid", &[]), Action::Allow);
    assert_eq!(verdict(&p, X, "getuid", &[]), Action::KillProcess);
    // parser_unittest.py: `{ arg0 == 0, arg0 == 1; return ENOSYS, trap }`
    // is allow, ENOSYS, then trap.
    assert_eq!(verdict(&p, X, "fcntl", &[0, 1]), Action::Allow);
    assert_eq!(verdict(&p, X, "fcntl", &[0, 2]), Action::Errno(22));
    assert_eq!(verdict(&p, X, "fcntl", &[0, 3]), Action::Trap);
    let e = err(text, &opts(Some(MinijailCompiler::Libminijail)));
    assert_eq!(
        e,
        "x86_64/p.policy:6:8: libminijail does not read the action `trap` (only minijail's tools/compile_seccomp_policy.py does)\nhelp: import it as compile_seccomp_policy.py reads it with --minijail-compiler tools"
    );
    // `kill` is compile_seccomp_policy.py's kill action: the thread.
    let p = imp("read: kill\n", &opts(None)).unwrap();
    assert_eq!(verdict(&p, X, "read", &[]), Action::KillThread);
    let e = err("@default allow\n", &opts(None));
    assert!(
        e.starts_with("x86_64/p.policy:1:10: invalid default action `allow`"),
        "{e}"
    );
}

/// Repeated lines. libminijail (ALLOW_DUPLICATE_SYSCALLS): the first line's
/// jump in the main table decides; two lines with labels fail to build.
/// compile_seccomp_policy.py: filters in order, nothing after an
/// unconditional one.
#[test]
fn repeated_lines_as_each_compiler_combines_them() {
    // `1` twice: libminijail (Android's build) allows; compile_seccomp_policy.py
    // refuses ("already had an unconditional action applied"), so the
    // file is read as libminijail reads it, with warnings saying so.
    let i = import(
        Format::Minijail,
        "x86_64/p.policy",
        "gettid: 1\nread: 1\ngettid: 1\n",
        &opts(None),
    )
    .unwrap();
    assert_eq!(verdict(&i.policy, X, "gettid", &[]), Action::Allow);
    assert!(
        i.warnings
            .iter()
            .any(|w| w.contains("`gettid` (x86_64/p.policy:1:1, x86_64/p.policy:3:1)")),
        "{:?}",
        i.warnings
    );
    // An expression then `1`: libminijail's first jump goes to the
    // expression; compile_seccomp_policy.py tries the expression, then
    // allows. They differ, so the import asks.
    let text = "ioctl: arg1 == 1\nioctl: 1\n";
    let e = err(text, &opts(None));
    assert!(e.contains("read `ioctl` differently"), "{e}");
    let lib = imp(text, &opts(Some(MinijailCompiler::Libminijail))).unwrap();
    assert_eq!(verdict(&lib, X, "ioctl", &[0, 1]), Action::Allow);
    assert_eq!(verdict(&lib, X, "ioctl", &[0, 2]), Action::KillThread);
    let tools = imp(text, &opts(Some(MinijailCompiler::Tools))).unwrap();
    assert_eq!(verdict(&tools, X, "ioctl", &[0, 2]), Action::Allow);
    // `1` then an expression: libminijail allows; tools refuses.
    let text = "ioctl: 1\nioctl: arg1 == 1\n";
    let lib = imp(text, &opts(Some(MinijailCompiler::Libminijail))).unwrap();
    assert_eq!(verdict(&lib, X, "ioctl", &[0, 2]), Action::Allow);
    let e = err(text, &opts(Some(MinijailCompiler::Tools)));
    assert!(e.starts_with("x86_64/p.policy:2:1: Syscall ioctl already had an unconditional action applied (at x86_64/p.policy:1:1)"), "{e}");
    // Two expressions: tools ORs them in order; libminijail refuses.
    let text = "ioctl: arg1 == 1\nread: 1\nioctl: arg1 == 2\n";
    let tools = imp(text, &opts(Some(MinijailCompiler::Tools))).unwrap();
    assert!(tools.contains("    ioctl(arg1 == 1 | 2),\n"), "{tools}");
    let e = err(text, &opts(Some(MinijailCompiler::Libminijail)));
    assert!(e.starts_with("x86_64/p.policy:3:1: `ioctl` has a second line with a condition or errno (the first at x86_64/p.policy:1:1): libminijail refuses the policy (\"duplicate label\")"), "{e}");
}

/// ARM's private calls as minijail's gen_syscalls.sh names them.
#[test]
fn arm_private_calls() {
    let arm = ImportOptions {
        arches: Some(vec![Arch::Arm]),
        ..ImportOptions::default()
    };
    let p = import(
        Format::Minijail,
        "p.policy",
        "ARM_set_tls: 1\nARM_cacheflush: 1\nread: 1\n",
        &arm,
    )
    .unwrap()
    .policy;
    assert_eq!(verdict(&p, Arch::Arm, "set_tls", &[]), Action::Allow);
    assert_eq!(verdict(&p, Arch::Arm, "cacheflush", &[]), Action::Allow);
    assert_eq!(
        verdict(&p, Arch::Arm, "breakpoint", &[]),
        Action::KillThread
    );
    let e = import(
        Format::Minijail,
        "p.policy",
        "read: 1\n  set_tls: 1\n",
        &arm,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "p.policy:2:3: minijail knows ARM's private call `set_tls` as `ARM_set_tls`\nhelp: write `ARM_set_tls`"
    );
    let e = err("ARM_set_tls: 1\n", &opts(None));
    assert!(
        e.starts_with("x86_64/p.policy:1:1: nonexistent syscall `ARM_set_tls` on x86_64"),
        "{e}"
    );
}

/// `@denylist`: compile_seccomp_policy.py --denylist (parser_unittest.py
/// `test_parse_denylist`): every line returns, the rest is allowed.
#[test]
fn denylist_policies() {
    let text = "# Comment.\n@denylist\nread: return ENOSYS\nwrite: arg0 == 0 ; return ENOSYS\n";
    let p = imp(text, &opts(None)).unwrap();
    assert_eq!(verdict(&p, X, "read", &[]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "write", &[0]), Action::Errno(38));
    assert_eq!(verdict(&p, X, "write", &[1]), Action::Allow);
    assert_eq!(verdict(&p, X, "getpid", &[]), Action::Allow);
    let e = err("@denylist\nread: 1\n", &opts(None));
    assert_eq!(
        e,
        "x86_64/p.policy:2:7: invalid denylist policy\nhelp: every line of a @denylist policy returns an errno (`return EPERM`)"
    );
    let e = err(
        "@denylist\nread: return 1\n",
        &opts(Some(MinijailCompiler::Libminijail)),
    );
    assert!(
        e.starts_with("x86_64/p.policy:1:1: libminijail does not read `@denylist`"),
        "{e}"
    );
}

#[test]
fn frequency_files_are_checked_and_skipped() {
    let dir = std::env::temp_dir().join(format!("minijail-frequency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("good.frequency"),
        "# counts\nread: 10\nwrite: 0x20\n",
    )
    .unwrap();
    std::fs::write(dir.join("bad.frequency"), "read: 10\nopne: 3\n").unwrap();
    let with_dir = ImportOptions {
        include_dirs: vec![dir.clone()],
        ..ImportOptions::default()
    };
    let i = import(
        Format::Minijail,
        "x86_64/p.policy",
        "@frequency ./good.frequency\nread: 1\n",
        &with_dir,
    )
    .unwrap();
    assert!(
        i.warnings
            .iter()
            .any(|w| w.starts_with("x86_64/p.policy:1:12: @frequency only orders")),
        "{:?}",
        i.warnings
    );
    // compile_seccomp_policy.py reads the file and refuses a bad one;
    // libminijail skips the statement without reading it, so without a
    // choice the policy is read as libminijail reads it.
    let tools = ImportOptions {
        minijail_compiler: Some(MinijailCompiler::Tools),
        ..with_dir.clone()
    };
    let e = imp("@frequency ./bad.frequency\nread: 1\n", &tools)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("bad.frequency:2:1: nonexistent syscall `opne`"),
        "{e}"
    );
    let i = import(
        Format::Minijail,
        "x86_64/p.policy",
        "@frequency ./bad.frequency\nread: 1\n",
        &with_dir,
    )
    .unwrap();
    assert!(
        i.policy
            .contains("the only minijail compiler that accepts this file"),
        "{}",
        i.policy
    );
    assert!(
        i.warnings
            .iter()
            .any(|w| w.starts_with("bad.frequency:2:1: nonexistent syscall `opne`")),
        "{:?}",
        i.warnings
    );
    let e = imp("@frequency ./missing.frequency\nread: 1\n", &tools)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("x86_64/p.policy:1:12: Could not open frequency file ./missing.frequency"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_name_file_line_and_column() {
    let o = opts(None);
    assert_eq!(
        err("read: 1\n  opne: 1\n", &o),
        "x86_64/p.policy:2:3: nonexistent syscall `opne` on x86_64\nhelp: minijail refuses a policy naming a syscall its architecture does not have\nhelp: did you mean `open`?"
    );
    assert!(
        err("read: arg0 == NOPE\n", &o).starts_with("x86_64/p.policy:1:7: unknown constant `NOPE`")
    );
    assert!(
        err("@include ./nowhere.policy\n", &o)
            .starts_with("x86_64/p.policy:1:10: cannot find `./nowhere.policy` to @include")
    );
    assert!(err("@include nowhere.policy\n", &o).starts_with("x86_64/p.policy:1:10: implicit relative path 'nowhere.policy' not supported, use './nowhere.policy'"));
    assert!(
        err("@frobnicate x\n", &o)
            .starts_with("x86_64/p.policy:1:1: unknown statement `@frobnicate x`")
    );
    assert!(err("read 1\n", &o).starts_with("x86_64/p.policy:1:1: expected `syscall: filter`"));
    assert!(err("read: frob\n", &o).starts_with("x86_64/p.policy:1:7: unknown action `frob`"));
    assert!(err("read: arg9 == 1\n", &o).contains("`arg9`: seccomp sees arguments 0 to 5"));
}

#[test]
fn kernel_constants_are_the_architectures_own() {
    // Hand-checked: O_DIRECTORY is 00200000 in asm-generic/fcntl.h
    // (x86_64) and 040000 in arch/arm64/include/uapi/asm/fcntl.h;
    // AT_FDCWD is -100 in linux/fcntl.h, minijail's truncate_word
    // keeping its two's complement.
    let text = "openat: arg0 == AT_FDCWD && arg2 & O_DIRECTORY\n";
    for (path, arch, o_directory, elsewhere) in [
        ("x86_64/p.policy", Arch::X86_64, 0o200000, 0o40000),
        ("aarch64/p.policy", Arch::Aarch64, 0o40000, 0o200000),
    ] {
        let p = import(Format::Minijail, path, text, &ImportOptions::default())
            .unwrap()
            .policy;
        let at_fdcwd = (-100i64) as u64;
        let allowed = verdict(&p, arch, "openat", &[at_fdcwd, 0, o_directory]);
        assert_eq!(allowed, Action::Allow, "{arch}: {p}");
        let other_arch_bit = verdict(&p, arch, "openat", &[at_fdcwd, 0, elsewhere]);
        assert_eq!(other_arch_bit, Action::KillThread, "{arch}: {p}");
    }
    let e = imp("read: arg0 == O_DIRECTROY\n", &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean `O_DIRECTORY`?"), "{e}");
}

/// A constants.json value that is not the kernel's for the architecture
/// is used, as minijail uses it, with a warning (here the aarch64 value of
/// O_DIRECTORY, 0o40000, in an x86_64 policy, where the kernel's
/// asm-generic/fcntl.h value is 0o200000).
#[test]
fn constants_json_values_other_than_the_kernels_are_reported() {
    let opts = ImportOptions {
        constants: BTreeMap::from([
            ("O_DIRECTORY".to_owned(), 0o40000),
            ("PROT_EXEC".to_owned(), 4),
        ]),
        ..ImportOptions::default()
    };
    let i = import(
        Format::Minijail,
        "x86_64/p.policy",
        "openat: arg2 & O_DIRECTORY\nmmap: arg2 in ~PROT_EXEC\n",
        &opts,
    )
    .unwrap();
    assert_eq!(
        verdict(&i.policy, X, "openat", &[0, 0, 0o40000]),
        Action::Allow
    );
    assert_eq!(
        verdict(&i.policy, X, "openat", &[0, 0, 0o200000]),
        Action::KillThread
    );
    assert_eq!(
        i.warnings,
        [
            "constants.json gives `O_DIRECTORY` the value 0x4000, the kernel's for x86_64 is 0x10000: the import uses constants.json's, as minijail does (is the file for another architecture?)"
        ]
    );
}

#[test]
fn numbers() {
    assert_eq!(parse_number("0x10"), Some(16));
    assert_eq!(parse_number("010"), Some(8));
    assert_eq!(parse_number("0"), Some(0));
    assert_eq!(parse_number("-1"), Some(u64::MAX));
    assert_eq!(parse_number("PROT"), None);
    let c =
        constants_from_json(r#"{"constants": {"A": 5, "B": -2}, "arch_name": "x86_64"}"#).unwrap();
    assert_eq!(c["A"], 5);
    assert_eq!(c["B"], u64::MAX - 1);
    let e = constants_from_json("{\"constants\": {\"A\": 5,\n \"B\": \"x\"}}").unwrap_err();
    assert_eq!(
        e.to_string(),
        "constants.json:2:7: constant `B`: expected an integer, found a string"
    );
}
