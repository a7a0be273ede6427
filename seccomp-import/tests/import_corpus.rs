//! The real-world corpus: every policy in `tests/corpus/` (copied from the
//! projects' repositories, see SOURCES.tsv) imports,
//! and the imported text compiles for every architecture the source names,
//! with zero errors. Counts are printed (`cargo test -- --nocapture`).

use seccomp_compiler::{Arch, Compilation, compile_str};
use seccomp_import::{Format, ImportOptions, Imported, import, minijail};
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn read(name: &str) -> String {
    let path = dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compiles `imported`; every architecture must compile. Returns a summary.
fn compiles(what: &str, imported: &Imported, arches: &[Arch]) -> String {
    let c: Compilation = compile_str(&imported.policy)
        .unwrap_or_else(|d| panic!("{what}: {d:?}\n{}", imported.policy));
    let compiled: Vec<Arch> = c.arches.iter().map(|a| a.arch).collect();
    assert_eq!(compiled, arches, "{what}: architectures");
    for a in &c.arches {
        if let Err(d) = &a.outcome {
            panic!("{what}: {}: {d:?}", a.arch);
        }
    }
    let first = c.get(arches[0]).expect("compiled");
    let named = first.table.named.len();
    let conditional = first
        .table
        .named
        .values()
        .filter(|d| !d.arms.is_empty())
        .count();
    format!(
        "{what}: {} arch(es); on {}: {named} syscalls named, {conditional} with conditions, {} instructions; {} warning(s)",
        arches.len(),
        arches[0],
        first.program.len(),
        imported.warnings.len()
    )
}

#[test]
fn oci_profiles() {
    // runc applies a profile on every architecture (it adds the native
    // one); on powerpc64le both profiles give `modify_ldt` (allowed on
    // amd64, x32, x86 only) the default action, which one policy with the
    // others cannot say: that architecture imports on its own.
    let all_but_ppc: Vec<Arch> = Arch::ALL
        .into_iter()
        .filter(|&a| a != Arch::Powerpc64le)
        .collect();
    for (file, arches) in [
        ("moby-default.json", &all_but_ppc[..]),
        ("podman-containers-common-seccomp.json", &all_but_ppc[..]),
    ] {
        let alone = ImportOptions {
            arches: Some(vec![Arch::Powerpc64le]),
            ..ImportOptions::default()
        };
        let ppc = import(Format::Oci, file, &read(file), &alone)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        println!(
            "{}",
            compiles(
                &format!("{file} (--arch powerpc64le)"),
                &ppc,
                &[Arch::Powerpc64le]
            )
        );
        let text = read(file);
        // Docker's defaults, every capability, none; both width rules.
        let variants = [
            ("default caps", None, false),
            ("no caps", Some(vec![]), false),
            (
                "admin caps",
                Some(
                    [
                        "CAP_SYS_ADMIN",
                        "CAP_SYS_PTRACE",
                        "CAP_SYS_MODULE",
                        "CAP_BPF",
                        "CAP_SYS_TIME",
                    ]
                    .map(String::from)
                    .to_vec(),
                ),
                true,
            ),
        ];
        for (label, caps, exact) in variants {
            let opts = ImportOptions {
                caps,
                exact_width: exact,
                ..ImportOptions::default()
            };
            let imported =
                import(Format::Oci, file, &text, &opts).unwrap_or_else(|e| panic!("{file}: {e}"));
            let mut sorted = arches.to_vec();
            sorted.sort();
            println!(
                "{}",
                compiles(&format!("{file} ({label})"), &imported, &sorted)
            );
            for w in &imported.warnings {
                println!("  warning: {w}");
            }
        }
        // An old kernel leaves `ptrace` out.
        let old = ImportOptions {
            kernel: Some((4, 4)),
            ..ImportOptions::default()
        };
        let imported = import(Format::Oci, file, &text, &old).unwrap();
        assert!(!imported.policy.contains("acknowledge ptrace") || file.starts_with("podman"));
    }
}

#[test]
fn firecracker_filters() {
    let file = "firecracker-x86_64-unknown-linux-musl.json";
    let text = read(file);
    // Without --filter the choice is refused, naming the filters.
    let e = import(Format::Seccompiler, file, &text, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.help, ["choose one with --filter: `vmm`, `api`, `vcpu`"]);
    for filter in ["vmm", "api", "vcpu"] {
        for exact in [false, true] {
            let opts = ImportOptions {
                filter: Some(filter.into()),
                exact_width: exact,
                ..ImportOptions::default()
            };
            let imported = import(Format::Seccompiler, file, &text, &opts)
                .unwrap_or_else(|e| panic!("{file} {filter}: {e}"));
            let s = compiles(
                &format!("{file} `{filter}` (exact {exact})"),
                &imported,
                &[Arch::X86_64],
            );
            println!("{s}");
        }
    }
}

/// Issue 8: Firecracker's unimplemented.json, whose filters are empty,
/// imports: every syscall gets the default action (allow).
#[test]
fn firecracker_empty_filters() {
    let file = "firecracker-unimplemented.json";
    for filter in ["vmm", "api", "vcpu"] {
        let opts = ImportOptions {
            filter: Some(filter.into()),
            arches: Some(vec![Arch::X86_64]),
            ..ImportOptions::default()
        };
        let imported = import(Format::Seccompiler, file, &read(file), &opts)
            .unwrap_or_else(|e| panic!("{file} {filter}: {e}"));
        let c =
            compile_str(&imported.policy).unwrap_or_else(|d| panic!("{d:?}\n{}", imported.policy));
        let x86_64 = c.get(Arch::X86_64).expect("x86_64");
        let program = x86_64.program.filters().expect("no symbolic values");
        for nr in [0, 1, 59, 165] {
            let data = seccomp_compiler::bpf::SeccompData {
                nr,
                arch: Arch::X86_64.audit_arch(),
                instruction_pointer: 0,
                args: [0; 6],
            };
            let ret = seccomp_compiler::emu::run(&program, &data, false)
                .expect("runs")
                .ret;
            assert_eq!(
                seccomp_compiler::Action::from_ret(ret),
                seccomp_compiler::Action::Allow,
                "{nr}"
            );
        }
        println!(
            "{}",
            compiles(&format!("{file} `{filter}`"), &imported, &[Arch::X86_64])
        );
    }
}

#[test]
fn firejail_profile_lines() {
    // The file collects lines of many profiles (`path:line:text`): each
    // profile's lines, without the prefix, are imported together.
    let file = "firejail-profile-seccomp-lines.txt";
    let text = read(file);
    let mut profiles: Vec<(String, String)> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.splitn(3, ':');
        let (Some(path), Some(_), Some(content)) = (parts.next(), parts.next(), parts.next())
        else {
            panic!("{file}: `{line}` is not path:line:text");
        };
        match profiles.iter_mut().find(|(p, _)| p == path) {
            Some((_, lines)) => {
                lines.push_str(content);
                lines.push('\n');
            }
            None => profiles.push((path.to_owned(), format!("{content}\n"))),
        }
    }
    let (mut ok, mut none) = (0, 0);
    for (path, lines) in &profiles {
        match import(Format::Firejail, path, lines, &ImportOptions::default()) {
            Ok(imported) => {
                compiles(path, &imported, &Arch::ALL);
                ok += 1;
            }
            // Lines that are all commented out (firejail.config, `#seccomp`)
            // install no filter: the import says so.
            Err(e) if e.message.contains("installs no seccomp filter") => none += 1,
            Err(e) => panic!("{path}: {e}"),
        }
    }
    println!(
        "{file}: {} profiles, {ok} imported and compiled for all 8 architectures, {none} without a seccomp line",
        profiles.len()
    );
    assert!(ok >= 60, "{ok}");
}

#[test]
fn minijail_policies() {
    let file = "minijail-examples-cat.policy";
    // "This policy only works on x86_64" (its header): the name says no arch.
    let e = import(
        Format::Minijail,
        file,
        &read(file),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(e.message.contains("does not say which"), "{e}");
    let opts = ImportOptions {
        arches: Some(vec![Arch::X86_64]),
        ..ImportOptions::default()
    };
    let imported = import(Format::Minijail, file, &read(file), &opts).unwrap();
    println!("{}", compiles(file, &imported, &[Arch::X86_64]));

    let crosvm = dir().join("crosvm/x86_64");
    let constants = minijail::constants_from_json(&read("crosvm/x86_64/constants.json")).unwrap();
    let opts = ImportOptions {
        include_dirs: vec![crosvm.clone()],
        constants,
        ..ImportOptions::default()
    };
    let mut names: Vec<String> = std::fs::read_dir(&crosvm)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".policy"))
        .collect();
    names.sort();
    for name in &names {
        let rel = format!("crosvm/x86_64/{name}");
        let imported = import(Format::Minijail, &rel, &read(&rel), &opts)
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        println!("{}", compiles(&rel, &imported, &[Arch::X86_64]));
    }
    assert_eq!(names.len(), 46);
}

#[test]
fn kafel_policies_and_nsjail_configs() {
    // kafel's samples that compare two arguments with each other
    // (`fd != count`, `buf & fd`) cannot be written in our language and
    // are refused; every other file imports and compiles.
    let refused = [
        "sample_and_cmp_var.policy",
        "sample_and_eq_var_long.policy",
        "sample_and_eq_var_long_set.policy",
        "sample_and_eq_var_short_bottom.policy",
        "sample_and_eq_var_short_top.policy",
        "sample_var_cmp.policy",
        // SYSCALL[-1]: number 0xffffffff, in no syscall table of ours.
        "sample_custom_syscall.policy",
        "sample_custom_syscall_const.policy",
    ];
    let mut imported = 0;
    for sub in ["kafel/samples", "kafel/nsjail"] {
        let mut names: Vec<_> = std::fs::read_dir(dir().join(sub))
            .expect("kafel corpus")
            .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
            .collect();
        names.sort();
        for name in names {
            let path = format!("{sub}/{name}");
            let result = import(
                Format::Kafel,
                &path,
                &read(&path),
                &ImportOptions::default(),
            );
            if refused.contains(&name.as_str()) {
                assert!(result.is_err(), "{path} should be refused");
                continue;
            }
            let i = result.unwrap_or_else(|e| panic!("{path}: {e}"));
            let c = compile_str(&i.policy).unwrap_or_else(|d| panic!("{path}: {d:?}"));
            let arches: Vec<Arch> = c.arches.iter().map(|a| a.arch).collect();
            println!("{}", compiles(&path, &i, &arches));
            imported += 1;
        }
    }
    assert_eq!(imported, 16 + 14);
}

/// Android's and ChromiumOS's minijail policies (see the folders'
/// README.md) import without a constants.json: named constants come from
/// the kernel table of the policy's architecture, which its file name
/// gives. Their meaning is checked against minijail itself for x86_64 in
/// `minijail_vs_minijail.rs`.
#[test]
fn android_and_chromiumos_minijail_policies() {
    for (folder, name, arch) in [
        ("minijail-android", "mediacodec-arm.policy", Arch::Arm),
        (
            "minijail-android",
            "mediaextractor-x86_64.policy",
            Arch::X86_64,
        ),
        (
            "minijail-android",
            "mediaswcodec-arm64.policy",
            Arch::Aarch64,
        ),
        ("minijail-android", "crash_dump.arm.policy", Arch::Arm),
        ("minijail-android", "crash_dump.x86_64.policy", Arch::X86_64),
        (
            "minijail-chromiumos",
            "mount-zip-seccomp-arm.policy",
            Arch::Arm,
        ),
        (
            "minijail-chromiumos",
            "crosdns-seccomp-amd64.policy",
            Arch::X86_64,
        ),
    ] {
        let opts = ImportOptions {
            include_dirs: vec![dir().join(folder)],
            ..ImportOptions::default()
        };
        let rel = format!("{folder}/{name}");
        let imported = import(Format::Minijail, &rel, &read(&rel), &opts)
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        println!("{}", compiles(&rel, &imported, &[arch]));
        for w in &imported.warnings {
            println!("  warning: {w}");
        }
    }
    // `pipe` is no aarch64 syscall: libminijail refuses this policy on
    // arm64 ("nonexistent syscall"), and so does the import.
    let rel = "minijail-chromiumos/fusebox-seccomp-arm64.policy";
    let e = import(Format::Minijail, rel, &read(rel), &ImportOptions::default()).unwrap_err();
    assert_eq!(e.location, format!("{rel}:41:1"));
    assert!(
        e.message
            .starts_with("nonexistent syscall `pipe` on aarch64"),
        "{e}"
    );
}
