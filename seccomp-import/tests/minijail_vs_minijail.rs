//! minijail policies against minijail itself. `tools/minijail-oracle/run.sh`
//! compiled every x86_64 case (hand-written ones for each point where
//! minijail's two compilers differ, Android's mediaextractor with its
//! crash_dump include, a ChromiumOS daemon's policy, crosvm's 46 device
//! policies) with libminijail's `parse_seccomp_policy` as Android builds
//! it and with `compile_seccomp_policy.py`, both from google/minijail
//! 8d20993, and stored their BPF programs or refusals. Here each import
//! (per compiler, and without a choice) must accept what that compiler
//! accepts, refuse what it refuses, and give every syscall number the
//! same action as minijail's program for every argument vector built from
//! the programs' own comparison constants (with `--exact-width`, as
//! minijail compares all 64 bits of each argument).

use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::{Action, Arch, compile_str};
use seccomp_import::minijail::{MinijailCompiler, constants_from_json};
use seccomp_import::{Format, ImportOptions, import};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const X: Arch = Arch::X86_64;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// What one minijail compiler made of a case.
enum Outcome {
    Program(Vec<SockFilter>),
    Refused(String),
}

fn outcome(case: &str, compiler: MinijailCompiler) -> Outcome {
    let base = corpus()
        .join("minijail-oracle")
        .join(format!("{case}.{}", compiler.name()));
    match std::fs::read(base.with_extension(format!("{}.bpf", compiler.name()))) {
        Ok(bytes) => Outcome::Program(
            bytes
                .chunks_exact(8)
                .map(|c| SockFilter {
                    code: u16::from_le_bytes([c[0], c[1]]),
                    jt: c[2],
                    jf: c[3],
                    k: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                })
                .collect(),
        ),
        Err(_) => Outcome::Refused(
            std::fs::read_to_string(base.with_extension(format!("{}.refused", compiler.name())))
                .unwrap_or_else(|e| panic!("{case}: no result for {}: {e}", compiler.name())),
        ),
    }
}

/// The source file of a case, as run.sh names them.
fn source(case: &str) -> PathBuf {
    let c = corpus();
    if let Some(name) = case.strip_prefix("case-") {
        c.join("minijail-oracle/cases")
            .join(format!("{name}.policy"))
    } else if let Some(name) = case.strip_prefix("android-") {
        c.join("minijail-android").join(format!("{name}.policy"))
    } else if let Some(name) = case.strip_prefix("chromiumos-") {
        c.join("minijail-chromiumos").join(format!("{name}.policy"))
    } else if let Some(name) = case.strip_prefix("crosvm-") {
        c.join("crosvm/x86_64").join(format!("{name}.policy"))
    } else {
        panic!("{case}: unknown case")
    }
}

fn cases() -> Vec<String> {
    let results = std::fs::read_to_string(corpus().join("minijail-oracle/RESULTS.txt")).unwrap();
    let names: BTreeSet<String> = results
        .lines()
        .filter_map(|l| l.split(' ').next())
        .map(str::to_owned)
        .collect();
    names.into_iter().collect()
}

fn ours(case: &str, compiler: Option<MinijailCompiler>) -> Result<Vec<SockFilter>, String> {
    let path = source(case);
    let text = std::fs::read_to_string(&path).unwrap();
    let constants = std::fs::read_to_string(corpus().join("crosvm/x86_64/constants.json")).unwrap();
    let opts = ImportOptions {
        arches: Some(vec![X]),
        include_dirs: vec![path.parent().unwrap().to_path_buf()],
        constants: constants_from_json(&constants).unwrap(),
        minijail_compiler: compiler,
        // minijail compares all 64 bits; the default narrows comparisons
        // of 32-bit parameters to what the kernel reads.
        exact_width: true,
        ..ImportOptions::default()
    };
    let name = path.file_name().unwrap().to_string_lossy();
    let imported = import(Format::Minijail, &name, &text, &opts).map_err(|e| e.to_string())?;
    let c = compile_str(&imported.policy).unwrap_or_else(|d| panic!("{case}: {d:?}"));
    Ok(c.get(X)
        .expect("x86_64")
        .program
        .filters()
        .expect("no symbolic values"))
}

/// Argument values around every constant the programs compare with: each
/// 32-bit half k, k +- 1, !k, with the other half 0 or all ones.
fn probe_values(programs: &[&[SockFilter]]) -> Vec<u64> {
    let mut halves: BTreeSet<u32> = [0, 1, 2, u32::MAX].into();
    for p in programs {
        for i in p.iter().filter(|i| i.code & 0x07 == 0x05 && i.code != 0x05) {
            halves.extend([i.k, i.k.wrapping_add(1), i.k.wrapping_sub(1), !i.k]);
        }
    }
    let mut values = BTreeSet::new();
    for &h in &halves {
        values.extend([
            u64::from(h),
            u64::from(h) | 0xffff_ffff_0000_0000,
            u64::from(h) << 32,
        ]);
    }
    values.into_iter().collect()
}

/// A small deterministic generator (xorshift64) for mixed vectors.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn verdict(p: &[SockFilter], nr: u32, args: [u64; 6]) -> Action {
    let data = SeccompData {
        nr,
        arch: X.audit_arch(),
        instruction_pointer: 0,
        args,
    };
    Action::from_ret(
        seccomp_compiler::emu::run(p, &data, false)
            .expect("runs")
            .ret,
    )
}

/// Whether the program loads an argument for syscall `nr`: a program's path
/// depends on the arguments only after it loads one, so a path without an
/// argument load (`BPF_LD | BPF_W | BPF_ABS` at offset 16 or more, in
/// struct seccomp_data) is the path for every argument vector.
fn reads_arguments(p: &[SockFilter], nr: u32) -> bool {
    let data = SeccompData {
        nr,
        arch: X.audit_arch(),
        instruction_pointer: 0,
        args: [0; 6],
    };
    let (_, path) = seccomp_compiler::emu::trace(p, &data, false).expect("runs");
    path.iter().any(|&i| p[i].code == 0x20 && p[i].k >= 16)
}

/// The first input where two programs differ.
fn difference(a: &[SockFilter], b: &[SockFilter]) -> Option<String> {
    let values = probe_values(&[a, b]);
    let max = syscalls::table(X).max_number();
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for nr in (0..=max).chain(500..520) {
        let mut vectors = vec![[0u64; 6]];
        if !reads_arguments(a, nr) && !reads_arguments(b, nr) {
            let (x, y) = (verdict(a, nr, [0; 6]), verdict(b, nr, [0; 6]));
            if x != y {
                let name = syscalls::table(X).name(nr).unwrap_or("?");
                return Some(format!("{name} ({nr}): {x} vs {y}"));
            }
            continue;
        }
        for i in 0..6 {
            for &v in &values {
                let mut args = [0; 6];
                args[i] = v;
                vectors.push(args);
            }
        }
        for _ in 0..64 {
            let pick = |s: &mut u64| values[(next(s) % values.len() as u64) as usize];
            vectors.push(std::array::from_fn(|_| pick(&mut seed)));
        }
        for args in vectors {
            let (x, y) = (verdict(a, nr, args), verdict(b, nr, args));
            if x != y {
                let name = syscalls::table(X).name(nr).unwrap_or("?");
                return Some(format!("{name} ({nr}) {args:x?}: {x} vs {y}"));
            }
        }
    }
    None
}

/// The host's headers built libminijail's constant table; a refusal for a
/// constant they lack says nothing about the policy's meaning.
fn for_lack_of_a_constant(message: &str) -> bool {
    message.contains("invalid constant")
}

#[test]
fn imports_mean_what_minijails_compilers_make_of_them() {
    let (mut compared, mut refused, mut skipped) = (0, 0, 0);
    for case in cases() {
        let mut programs = Vec::new();
        for compiler in MinijailCompiler::ALL {
            let ours = ours(&case, Some(compiler));
            match outcome(&case, compiler) {
                Outcome::Program(theirs) => {
                    let ours = ours.unwrap_or_else(|e| {
                        panic!(
                            "{case} ({}): minijail accepts it, we refuse: {e}",
                            compiler.name()
                        )
                    });
                    if let Some(d) = difference(&theirs, &ours) {
                        panic!("{case} ({}): minijail vs import: {d}", compiler.name());
                    }
                    compared += 1;
                    programs.push(theirs);
                }
                Outcome::Refused(m) if for_lack_of_a_constant(&m) => skipped += 1,
                Outcome::Refused(m) => {
                    assert!(
                        ours.is_err(),
                        "{case} ({}): minijail refuses it ({m}), we accept it",
                        compiler.name()
                    );
                    refused += 1;
                }
            }
        }
        // Without a choice: the compiler that accepts the file, or both
        // when they agree; a refusal where they disagree.
        let auto = ours(&case, None);
        match programs.as_slice() {
            [one] => {
                let ours = auto
                    .unwrap_or_else(|e| panic!("{case}: one compiler accepts it, we refuse: {e}"));
                assert_eq!(difference(one, &ours), None, "{case} (no choice)");
            }
            [a, b] => match difference(a, b) {
                None => assert_eq!(
                    difference(a, &auto.unwrap_or_else(|e| panic!("{case}: {e}"))),
                    None,
                    "{case}"
                ),
                Some(_) => assert!(
                    auto.is_err(),
                    "{case}: minijail's compilers disagree, the import must ask"
                ),
            },
            _ => {}
        }
    }
    println!(
        "{compared} programs compared, {refused} refusals matched, {skipped} refusals for constants the host's headers lack"
    );
    assert!(compared >= 50, "{compared}");
}

#[test]
fn every_case_has_both_results() {
    for case in cases() {
        assert!(Path::new(&source(&case)).is_file(), "{case}");
        for c in MinijailCompiler::ALL {
            let _ = outcome(&case, c);
        }
    }
}
