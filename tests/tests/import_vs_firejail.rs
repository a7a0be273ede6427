//! The firejail importer against firejail 0.9.72 itself.
//!
//! Each profile is run by `firejail --debug --profile=P -- /bin/true`,
//! which prints the `fseccomp` commands it builds its filters with (the
//! lists as firejail read them from the profile and its includes) and the
//! order it loads the filters in (`seccomp.list`). The test builds the same
//! filters with the same `fseccomp`, takes the prebuilt ones firejail
//! copies (`/usr/lib/x86_64-linux-gnu/firejail/seccomp*`), stacks them as
//! the kernel does (newest first, strictly lower action wins), and compares
//! every x86_64 syscall number, with argument values around every
//! condition firejail writes, against our import of the same profile
//! compiled for x86_64 and run in the emulator.
//!
//! Profiles: hand-written ones for each construct (the issue's
//! regressions among them), random ones, and a sample of the profiles
//! Debian's firejail-profiles ships in /etc/firejail. Other ABIs are not
//! compared: firejail's native filter allows them (its i386 filter decides)
//! while ours kills them.
//!
//! Without firejail (packages `firejail`, `firejail-profiles`) the test
//! says so and passes; `.ci/run` installs both.

use seccomp_compiler::Arch;
use seccomp_compiler::action::Action;
use seccomp_compiler::bpf::{SECCOMP_RET_ACTION_FULL, SeccompData, SockFilter};
use seccomp_compiler::emu;
use seccomp_compiler::tables::syscalls;
use seccomp_import::{Format, ImportOptions, import};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const LIBDIR: &str = "/usr/lib/x86_64-linux-gnu/firejail";
const RUNDIR: &str = "/run/firejail/mnt/seccomp/";
const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;

fn available() -> bool {
    let ok = Path::new(&format!("{LIBDIR}/fseccomp")).exists()
        && Command::new("firejail")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !ok {
        println!(
            "NOTICE: firejail is not installed here (packages `firejail`, `firejail-profiles`); not compared"
        );
    }
    ok
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        // Unique across the tests' threads.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("fj-oracle-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// firejail's filters for `profile`, oldest installed first; `Err` when
/// firejail does not start the sandbox.
fn firejail_filters(
    profile: &Path,
    home: &Path,
    error_action: Option<&str>,
) -> Result<Vec<Vec<SockFilter>>, String> {
    // Line-buffered, so that the lines of firejail and of the fsec-print
    // children it runs do not cut into each other.
    let out = Command::new("stdbuf")
        .args([
            "-oL",
            "-eL",
            "firejail",
            "--debug",
            &format!("--profile={}", profile.display()),
            "--",
            "/bin/true",
        ])
        .env("HOME", home)
        // firejail looks for a bare include name in its working directory
        // last; the import, in the profile's directory.
        .current_dir(profile.parent().expect("a file in a directory"))
        .output()
        .map_err(|e| format!("firejail: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| *l == "Active seccomp files:") else {
        let errors: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.contains("Error"))
            .collect();
        return Err(format!(
            "firejail set up no seccomp filter: {}",
            errors.join(" | ")
        ));
    };
    let loaded: Vec<&str> = lines[start + 1..]
        .iter()
        .copied()
        .skip_while(|l| l.starts_with("cat "))
        .take_while(|l| l.starts_with(RUNDIR))
        .collect();
    let scratch = Scratch::new("build");
    let mut commands: Vec<&str> = Vec::new();
    for l in &lines {
        if let Some(cmd) = l.strip_prefix("sbox run: /run/firejail/lib/")
            && (cmd.starts_with("fseccomp ") || cmd.starts_with("fsec-optimize "))
            && !commands.contains(&cmd)
        {
            commands.push(cmd);
        }
    }
    for cmd in commands {
        // Arguments are printed each followed by a space; an empty one
        // (an empty list) shows as two.
        let mut words: Vec<&str> = cmd.split(' ').collect();
        words.pop();
        let mut words = words.into_iter();
        let program = words.next().expect("a word");
        let args: Vec<String> = words
            .map(|w| w.replace(RUNDIR, &format!("{}/", scratch.0.display())))
            .collect();
        let mut c = Command::new(format!("{LIBDIR}/{program}"));
        c.args(&args).env("FIREJAIL_QUIET", "yes");
        if let Some(a) = error_action {
            c.env("FIREJAIL_SECCOMP_ERROR_ACTION", a);
        }
        let run = c.output().map_err(|e| format!("{program}: {e}"))?;
        if !run.status.success() {
            return Err(format!("{cmd}: {}", String::from_utf8_lossy(&run.stderr)));
        }
    }
    let read = |path: &Path| -> Option<Vec<SockFilter>> {
        let bytes = std::fs::read(path).ok().filter(|b| !b.is_empty())?;
        Some(
            bytes
                .chunks_exact(8)
                .map(|c| SockFilter::from_bytes(c.try_into().expect("8 bytes"), false))
                .collect(),
        )
    };
    // Loaded first is installed last (`seccomp_load` prepends).
    let mut filters = Vec::new();
    for path in loaded.iter().rev() {
        let base = path.trim_start_matches(RUNDIR);
        // The i386 filters (`seccomp.32`, `seccomp.mdwx.32`, ...) let every
        // x86_64 syscall through (VALIDATE_ARCHITECTURE_32).
        if base.ends_with(".32") {
            continue;
        }
        let entries = entries_loaded(&lines, path)?;
        let f = match read(&scratch.0.join(base)) {
            Some(f) => f,
            // Not built here: a copy of a prebuilt filter; which one,
            // firejail's count of its entries says.
            None => prebuilt(base)
                .iter()
                .filter_map(|name| read(&Path::new(LIBDIR).join(name)))
                .find(|f| f.len() == entries)
                .ok_or_else(|| format!("no prebuilt filter of {entries} entries for {path}"))?,
        };
        if f.len() != entries {
            return Err(format!(
                "{path}: firejail loaded {entries} entries, fseccomp built {}",
                f.len()
            ));
        }
        filters.push(f);
    }
    // Installed by the program after the exec: the newest.
    if let Some(post) = read(&scratch.0.join("seccomp.postexec")) {
        filters.push(post);
    }
    Ok(filters)
}

/// `configuring N seccomp entries in PATH`: N.
fn entries_loaded(lines: &[&str], path: &str) -> Result<usize, String> {
    let tail = format!(" seccomp entries in {path}");
    lines
        .iter()
        .find_map(|l| {
            l.strip_prefix("configuring ")?
                .strip_suffix(tail.as_str())?
                .parse()
                .ok()
        })
        .ok_or_else(|| format!("firejail did not say how many entries {path} has"))
}

/// The prebuilt filters firejail may copy to a run-time file (preproc.c
/// `preproc_mount_mnt_dir`).
fn prebuilt(base: &str) -> &'static [&'static str] {
    match base {
        "seccomp" => &["seccomp", "seccomp.debug"],
        "seccomp.block_secondary" => &["seccomp.block_secondary"],
        "seccomp.mdwx" => &["seccomp.mdwx"],
        _ => &[],
    }
}

/// What the kernel does with `data` under `filters` (oldest first).
fn kernel(filters: &[Vec<SockFilter>], data: &SeccompData) -> Action {
    let mut ret = Action::Allow.to_ret();
    for f in filters.iter().rev() {
        let cur = emu::run(f, data, false)
            .expect("fseccomp's filters run")
            .ret;
        // The kernel compares the action bits as signed numbers.
        if ((cur & SECCOMP_RET_ACTION_FULL) as i32) < ((ret & SECCOMP_RET_ACTION_FULL) as i32) {
            ret = cur;
        }
    }
    Action::from_ret(ret)
}

/// Argument vectors: all zero, and each of the first three arguments set
/// to each value firejail's conditions test around.
fn argument_vectors() -> Vec<[u64; 6]> {
    const VALUES: [u64; 20] = [
        1,
        2,
        4,
        5,
        6,
        7,
        10,
        16,
        17,
        31,
        0x80,
        0x8000,
        0x2_0000,
        0x200_0000,
        0x400_0000,
        0x800_0000,
        0x1000_0000,
        0x2000_0000,
        0x4000_0000,
        0x1_0000_0006,
    ];
    let mut out = vec![[0; 6]];
    for i in 0..3 {
        for v in VALUES {
            let mut a = [0; 6];
            a[i] = v;
            out.push(a);
        }
    }
    out
}

/// Compares our import of `profile` with firejail's filters; the number of
/// inputs compared.
fn compare(profile: &Path, home: &Path, error_action: Option<&str>) -> Result<usize, String> {
    let theirs = firejail_filters(profile, home, error_action)?;
    let text = std::fs::read_to_string(profile).expect("profile");
    let name = profile.display().to_string();
    let opts = ImportOptions {
        arches: Some(vec![Arch::X86_64]),
        home: Some(home.to_path_buf()),
        ..ImportOptions::default()
    };
    let imported =
        import(Format::Firejail, &name, &text, &opts).map_err(|e| format!("import: {e}"))?;
    let compiled = seccomp_compiler::compile_str(&imported.policy)
        .map_err(|d| format!("compile: {d:?}\n{}", imported.policy))?;
    let ours = compiled
        .get(Arch::X86_64)
        .expect("x86_64")
        .program
        .filters()
        .expect("an import has no symbolic constants");
    let max = syscalls::table(Arch::X86_64).max_number() + 20;
    let mut n = 0;
    for nr in 0..=max {
        for args in argument_vectors() {
            let data = SeccompData {
                nr,
                arch: AUDIT_ARCH_X86_64,
                instruction_pointer: 0,
                args,
            };
            let want = kernel(&theirs, &data);
            let got = Action::from_ret(emu::run(&ours, &data, false).expect("ours runs").ret);
            if want != got {
                let sname = syscalls::table(Arch::X86_64).name(nr).unwrap_or("?");
                return Err(format!(
                    "{sname} ({nr}) args {args:x?}: firejail {want}, ours {got}\n{}",
                    imported.policy
                ));
            }
            n += 1;
        }
    }
    Ok(n)
}

/// Writes `files` (name, text) into a fresh directory and compares the
/// first one.
fn case(tag: &str, files: &[(&str, &str)], error_action: Option<&str>) -> usize {
    let dir = Scratch::new(tag);
    let home = dir.0.join("home");
    std::fs::create_dir_all(home.join(".config/firejail")).expect("home");
    for (name, text) in files {
        std::fs::write(dir.0.join(name), text).expect("write");
    }
    let profile = dir.0.join(files[0].0);
    compare(&profile, &home, error_action).unwrap_or_else(|e| panic!("{tag}: {e}"))
}

/// A name, the files (the profile first) and the error action firejail
/// hands fseccomp.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<&'a str>);

#[test]
fn hand_written_profiles_agree_with_firejail() {
    if !available() {
        return;
    }
    let cases: &[Case] = &[
        // Issue 8's regressions.
        (
            "keep-twice",
            &[(
                "p.profile",
                "seccomp.keep read,write,exit_group,mkdir,execve\nseccomp.keep read,write,exit_group,execve\n",
            )],
            None,
        ),
        (
            "drop-twice",
            &[(
                "p.profile",
                "seccomp.drop mount\nseccomp.drop umount2,chroot\n",
            )],
            None,
        ),
        (
            "include",
            &[
                ("p.profile", "include common.inc\nseccomp\n"),
                ("common.inc", "seccomp.drop mount,swapon\n"),
            ],
            None,
        ),
        // Constructs.
        ("default", &[("p.profile", "seccomp\n")], None),
        (
            "default-list",
            &[(
                "p.profile",
                "seccomp !chroot,socket,mount:kill,umount2:EACCES,@clock\n",
            )],
            None,
        ),
        (
            "odd-items",
            &[(
                "p.profile",
                "seccomp.drop umount2:log,!@clock,chroot:13,execve:EACCES,@default-keep,mount\n",
            )],
            None,
        ),
        (
            "keep",
            &[(
                "p.profile",
                "seccomp.keep read,write,@signal,!kill,chmod:EACCES,!execve\n",
            )],
            None,
        ),
        (
            "keep-kill",
            &[(
                "p.profile",
                "seccomp.keep read,write\nseccomp-error-action kill\n",
            )],
            Some("kill"),
        ),
        (
            "log",
            &[(
                "p.profile",
                "seccomp.drop mount,ptrace\nseccomp-error-action log\n",
            )],
            Some("log"),
        ),
        (
            "eacces",
            &[(
                "p.profile",
                "seccomp socket\nseccomp-error-action EACCES\nmemory-deny-write-execute\n",
            )],
            Some("EACCES"),
        ),
        (
            "debuggers",
            &[("p.profile", "allow-debuggers\nseccomp\n")],
            None,
        ),
        (
            "extras",
            &[(
                "p.profile",
                "seccomp\nmemory-deny-write-execute\nrestrict-namespaces\nprotocol unix,inet\nprotocol -inet,inet6,netlink\n",
            )],
            None,
        ),
        (
            "ns-list",
            &[(
                "p.profile",
                "restrict-namespaces user,net\nrestrict-namespaces -net,time\n",
            )],
            None,
        ),
        ("only-protocol", &[("p.profile", "protocol unix\n")], None),
        (
            "ignore",
            &[(
                "p.profile",
                "ignore seccomp.drop\nseccomp.drop mount\nseccomp\nignore memory-deny-write-execute\nmemory-deny-write-execute\n",
            )],
            None,
        ),
        (
            "priority",
            &[(
                "p.profile",
                "seccomp mount\nseccomp.drop swapon\nseccomp.keep read,write\nseccomp.drop umount2\n",
            )],
            None,
        ),
        (
            "clone3",
            &[(
                "p.profile",
                "seccomp.drop clone3:EACCES\nrestrict-namespaces\n",
            )],
            None,
        ),
        (
            "spaces",
            &[(
                "p.profile",
                "  seccomp.drop\t mount,umount2   # comment\n# seccomp.keep read\n",
            )],
            None,
        ),
        // The audit of issue 8, section 1: constructs that were skipped or
        // read otherwise than fseccomp reads them.
        (
            "enotsup",
            &[(
                "p.profile",
                "seccomp.drop mount:ENOTSUP,umount2:enotsup,chroot\nseccomp-error-action ENOTSUP\n",
            )],
            Some("ENOTSUP"),
        ),
        (
            "newer-syscalls-keep",
            &[(
                "p.profile",
                "seccomp.keep read,write,exit_group,execve,landlock_create_ruleset,futex_waitv,cachestat,mseal\n",
            )],
            None,
        ),
        (
            "newer-syscalls-drop",
            &[(
                "p.profile",
                "seccomp.drop landlock_add_rule,mseal,mount,uretprobe\nseccomp landlock_restrict_self\n",
            )],
            None,
        ),
        (
            "newer-syscalls-default",
            &[("p.profile", "seccomp memfd_secret,fchmodat2,chroot\n")],
            None,
        ),
        (
            "negated-with-action",
            &[(
                "p.profile",
                "seccomp.drop !mount:EPERM,!chroot:kill,!ptrace:EACCES,umount2\n",
            )],
            None,
        ),
        (
            "negated-with-action-keep",
            &[(
                "p.profile",
                "seccomp.keep read,write,exit_group,!mount:EPERM,!chroot:kill,!mkdir\n",
            )],
            None,
        ),
        // Lists whose every item fseccomp skips still install a filter
        // (issue 8, section 2).
        (
            "drop-all-skipped",
            &[("p.profile", "seccomp.drop umount2:log\n")],
            None,
        ),
        (
            "keep-all-skipped",
            &[("p.profile", "seccomp.keep umount2:log,!@clock\n")],
            None,
        ),
        (
            "default-all-skipped",
            &[("p.profile", "seccomp mount:nope\n")],
            None,
        ),
        (
            "namespaces-emptied",
            &[(
                "p.profile",
                "restrict-namespaces user\nrestrict-namespaces -user\n",
            )],
            None,
        ),
        (
            "namespaces-reset-empty",
            &[(
                "p.profile",
                "restrict-namespaces\nrestrict-namespaces =\nseccomp.drop mount\n",
            )],
            None,
        ),
        (
            "conditional-ignore",
            &[(
                "p.profile",
                "?HAS_APPIMAGE: ignore private-dev\n?HAS_X11: private-dev\nseccomp\n",
            )],
            None,
        ),
        (
            "crlf",
            &[(
                "p.profile",
                "seccomp.drop mount,chroot\r\nprotocol unix\r\n# x\r\n",
            )],
            None,
        ),
        (
            "disable-devel-skipped",
            &[
                (
                    "p.profile",
                    "allow-debuggers\ninclude ./disable-devel.inc\nseccomp\n",
                ),
                ("disable-devel.inc", "seccomp.drop mount\n"),
            ],
            None,
        ),
        (
            "disable-devel-read",
            &[
                ("p.profile", "include ./disable-devel.inc\nseccomp\n"),
                ("disable-devel.inc", "seccomp.drop mount\n"),
            ],
            None,
        ),
    ];
    let mut total = 0;
    for (tag, files, action) in cases {
        total += case(tag, files, *action);
    }
    println!(
        "firejail 0.9.72, {} hand-written profiles: {total} inputs, 0 disagreements",
        cases.len()
    );
}

/// Profiles firejail 0.9.72 refuses to start a sandbox with: the import
/// refuses each too, naming the line.
#[test]
fn profiles_firejail_refuses_are_refused() {
    if !available() {
        return;
    }
    let long_list = format!("seccomp.drop mount,{}chroot\n", "read,".repeat(1700));
    let ignores: String = (0..33).map(|i| format!("ignore opt{i}\n")).collect();
    let cases: &[(&str, String, &str)] = &[
        ("keep-commas", "seccomp.keep ,\n".into(), ":1:"),
        ("drop-commas", "seccomp ,,\n".into(), ":1:"),
        ("drop-nothing", "seccomp.drop\nseccomp\n".into(), ":1:"),
        (
            "protocol-emptied",
            "seccomp\nprotocol unix\nprotocol -unix\n".into(),
            ":3:",
        ),
        ("protocol-commas", "seccomp\nprotocol ,\n".into(), ":2:"),
        (
            "option-argument",
            "seccomp\nprivate-dev /dev\n".into(),
            ":2:",
        ),
        ("x11-mode", "seccomp\nx11 wayland\n".into(), ":2:"),
        ("long-line", long_list, ":1:8192"),
        (
            "long-comment",
            format!("seccomp\n# {}\n", "x".repeat(9000)),
            ":2:8192",
        ),
        ("ignores", format!("{ignores}seccomp\n"), ":33:"),
        ("include-dir", "seccomp\ninclude ./sub\n".into(), ":2:"),
    ];
    for (tag, text, at) in cases {
        let dir = Scratch::new(tag);
        let home = dir.0.join("home");
        std::fs::create_dir_all(home.join(".config/firejail")).expect("home");
        std::fs::create_dir_all(dir.0.join("sub")).expect("sub");
        let profile = dir.0.join("p.profile");
        std::fs::write(&profile, text).expect("write");
        let theirs = firejail_filters(&profile, &home, None);
        assert!(
            theirs.is_err(),
            "{tag}: firejail set up a sandbox for\n{text}"
        );
        let name = profile.display().to_string();
        let opts = ImportOptions {
            home: Some(home.clone()),
            ..ImportOptions::default()
        };
        let e = import(Format::Firejail, &name, text, &opts)
            .err()
            .unwrap_or_else(|| panic!("{tag}: firejail refused, the import accepted\n{text}"));
        assert!(
            e.location.contains(at),
            "{tag}: the error is at {}, not {at}: {e}",
            e.location
        );
    }
    println!(
        "firejail 0.9.72 refused {} profiles; the import refused each at the line",
        cases.len()
    );
}

/// A deterministic pseudo-random sequence (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // The top bits are the well-mixed ones; n is small.
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Random profiles: seccomp option lines (repeated, so that the last-line
/// rules matter), lists mixing syscalls, groups, exemptions and own
/// actions, other filters, an include, comments and odd spacing.
#[test]
fn random_profiles_agree_with_firejail() {
    if !available() {
        return;
    }
    let profiles: usize = std::env::var("FJ_RANDOM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let items = [
        "mount",
        "umount2",
        "chroot",
        "ptrace",
        "socket",
        "personality",
        "execve",
        "prctl",
        "kill",
        "mkdir",
        "read",
        "write",
        "exit_group",
        "openat",
        "close",
        "mmap",
        "clone",
        "clone3",
        "unshare",
        "setns",
        "@clock",
        "@mount",
        "@module",
        "@swap",
        "@obsolete",
        "@signal",
        "@default-keep",
        "@raw-io",
        "@cpu-emulation",
        "!chroot",
        "!ptrace",
        "!mount",
        "!execve",
        "mount:kill",
        "chroot:EACCES",
        "umount2:enoent",
        "ptrace:log",
        "!@clock",
        "swapon:kill",
        "execve:EPERM",
    ];
    let namespaces = [
        "user", "net", "mnt", "pid", "ipc", "uts", "cgroup", "time", "-user", "=net", "-net",
    ];
    let protocols = [
        "unix",
        "inet",
        "inet6",
        "netlink",
        "packet",
        "bluetooth",
        "-inet",
        "=unix",
    ];
    let mut rng = Lcg(0x5eed_f12e);
    let mut total = 0;
    for n in 0..profiles {
        let list = |rng: &mut Lcg, from: &[&str], max: usize| {
            let k = 1 + rng.below(max);
            (0..k).map(|_| rng.pick(from)).collect::<Vec<_>>().join(",")
        };
        let mut lines: Vec<String> = Vec::new();
        let mut inc: Vec<String> = vec!["# included".into()];
        let keep_base = "read,write,exit_group,execve,openat,close,mmap,brk,arch_prctl";
        for _ in 0..2 + rng.below(6) {
            let line = match rng.below(10) {
                0 | 1 => "seccomp".to_owned(),
                2 | 3 => format!("seccomp {}", list(&mut rng, &items, 5)),
                4 | 5 => format!("seccomp.drop {}", list(&mut rng, &items, 5)),
                6 => format!("seccomp.keep {keep_base},{}", list(&mut rng, &items, 4)),
                7 => format!("restrict-namespaces {}", list(&mut rng, &namespaces, 3)),
                8 => format!("protocol {}", list(&mut rng, &protocols, 3)),
                _ => "memory-deny-write-execute".to_owned(),
            };
            // Some lines go to the include, whose place in the profile is
            // random too.
            if rng.below(4) == 0 {
                inc.push(line);
            } else if rng.below(3) == 0 {
                lines.push(format!("  {}\t# spaced", line.replacen(' ', "  ", 1)));
            } else {
                lines.push(line);
            }
        }
        let at = rng.below(lines.len() + 1);
        lines.insert(at, "include common.inc".to_owned());
        // A profile whose lists fseccomp refuses (e.g. only `=`) is not a
        // profile firejail runs; `protocol -inet` alone leaves an empty list.
        let text = lines.join("\n") + "\n";
        let inc_text = inc.join("\n") + "\n";
        let tag = format!("random-{n}");
        let dir = Scratch::new(&tag);
        let home = dir.0.join("home");
        std::fs::create_dir_all(&home).expect("home");
        std::fs::write(dir.0.join("p.profile"), &text).expect("write");
        std::fs::write(dir.0.join("common.inc"), &inc_text).expect("write");
        match compare(&dir.0.join("p.profile"), &home, None) {
            Ok(k) => total += k,
            // firejail refusing the profile must be matched by the import
            // refusing it.
            Err(e) if e.starts_with("firejail set up no seccomp filter") => {
                let name = dir.0.join("p.profile").display().to_string();
                let ours = import(
                    Format::Firejail,
                    &name,
                    &text,
                    &ImportOptions {
                        home: Some(home.clone()),
                        ..ImportOptions::default()
                    },
                );
                assert!(
                    ours.is_err(),
                    "{tag}: firejail refused ({e}) but the import accepted:\n{text}\n--- common.inc\n{inc_text}"
                );
            }
            Err(e) => panic!("{tag}: {e}\n--- p.profile\n{text}--- common.inc\n{inc_text}"),
        }
    }
    println!("firejail 0.9.72, {profiles} random profiles: {total} inputs, 0 disagreements");
}

/// The profiles Debian ships (firejail-profiles): a sample compared with
/// firejail (all with FJ_ALL=1); firejail refusing to start one here (no
/// X11, no network setup) is counted, not a failure.
#[test]
fn installed_profiles_agree_with_firejail() {
    if !available() {
        return;
    }
    let mut paths: Vec<PathBuf> = match std::fs::read_dir("/etc/firejail") {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "profile"))
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    if paths.len() < 100 {
        println!(
            "NOTICE: /etc/firejail has {} profiles (package `firejail-profiles`); not compared",
            paths.len()
        );
        return;
    }
    let step = if std::env::var_os("FJ_ALL").is_some() {
        1
    } else {
        paths.len() / 24
    };
    let home = Scratch::new("installed-home");
    let (mut compared, mut refused, mut total) = (0, Vec::new(), 0);
    for path in paths.iter().step_by(step) {
        match compare(path, &home.0, None) {
            Ok(k) => {
                compared += 1;
                total += k;
            }
            Err(e) if e.starts_with("firejail set up no seccomp filter") => {
                refused.push(path.display().to_string())
            }
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    println!(
        "firejail 0.9.72, {compared} of /etc/firejail's {} profiles: {total} inputs, 0 disagreements; firejail did not start {}: {}",
        paths.len(),
        refused.len(),
        refused.join(", ")
    );
    assert!(compared >= 10, "{compared}");
}
