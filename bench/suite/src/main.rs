//! The benchmark suite: our programs against libseccomp (both layouts),
//! seccompiler and firejail's fseccomp, built from the same five policies
//! in one run, checked to mean the same, then measured. Writes
//! BENCHMARKS.md and benchmarks.svg. Run it through `bench/run.sh`, which
//! builds it with the libseccomp feature and passes the unoptimised build
//! for figure 5.
//!
//! ```text
//! seccomp-bench [--out DIR] [--rounds N] [--apply-rounds N]
//!               [--build-rounds N] [--unoptimised BINARY]
//! seccomp-bench expansion      # figure 5's timings of this build, one line per policy
//! ```

mod child;
mod competitors;
mod equivalence;
mod figures;
mod inputs;
mod mixes;
mod policies;
mod report;
mod results;
mod rules;
mod sources;
mod stats;
mod svg;

use competitors::{Built, Competitor};
use results::{PolicyResults, Results};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The command line.
struct Args {
    out: PathBuf,
    rounds: usize,
    apply_rounds: usize,
    build_rounds: usize,
    unoptimised: Option<String>,
    expansion_only: bool,
}

const USAGE: &str = "usage: seccomp-bench [--out DIR] [--rounds N] [--apply-rounds N] [--build-rounds N] [--unoptimised BINARY] | seccomp-bench expansion";

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        out: PathBuf::from("."),
        rounds: 31,
        apply_rounds: 21,
        build_rounds: 3,
        unoptimised: None,
        expansion_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("`{v}` is not a number\n{USAGE}"))
        };
        match flag.as_str() {
            "expansion" => a.expansion_only = true,
            "--out" => a.out = PathBuf::from(value()?),
            "--rounds" => a.rounds = number(value()?)?.max(1),
            "--apply-rounds" => a.apply_rounds = number(value()?)?.max(1),
            "--build-rounds" => a.build_rounds = number(value()?)?,
            "--unoptimised" => a.unoptimised = Some(value()?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(a)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Each competitor's program for `policy`, and who could not build it.
fn build_all(policy: &policies::Policy) -> (Vec<Built>, Vec<(Competitor, String)>) {
    let (mut built, mut failed) = (Vec::new(), Vec::new());
    for &c in &policy.competitors {
        match c.build(policy) {
            Ok(program) => built.push(Built {
                competitor: c,
                program,
            }),
            Err(e) => failed.push((c, e)),
        }
    }
    (built, failed)
}

fn print_equivalence(p: &PolicyResults) {
    println!(
        "{}: {} inputs per program",
        p.policy.key, p.equivalence.inputs
    );
    for pair in &p.equivalence.pairs {
        println!(
            "  {} / {}: {} disagree",
            pair.a.name(),
            pair.b.name(),
            pair.disagreements()
        );
        for (reason, (n, (nr, args, a, b))) in &pair.reasons {
            println!("    {n:>6} {reason:?}: e.g. nr {nr} args {args:x?}: {a:?} vs {b:?}");
        }
    }
    for (c, e) in &p.failed {
        println!("  {} not built: {e}", c.name());
    }
}

fn machine() -> Vec<String> {
    let cmd = |c: &str, args: &[&str]| {
        std::process::Command::new(c)
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    vec![
        format!("Run: {} UTC", cmd("date", &["-u", "+%Y-%m-%d %H:%M"])),
        format!(
            "Machine: Linux {} x86_64, {} CPUs, load average at the start {}",
            cmd("uname", &["-r"]),
            std::thread::available_parallelism().map_or(0, |n| n.get()),
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        ),
        format!(
            "Competitors: libseccomp {} (Debian's libseccomp-dev), seccompiler 0.5.0, {}",
            libseccomp_version(),
            cmd("firejail", &["--version"])
                .lines()
                .next()
                .unwrap_or("firejail missing")
        ),
    ]
}

fn libseccomp_version() -> String {
    #[cfg(feature = "libseccomp")]
    {
        let (a, b, c) = tests::libseccomp::ffi::version();
        format!("{a}.{b}.{c}")
    }
    #[cfg(not(feature = "libseccomp"))]
    {
        "(not built: the `libseccomp` feature is off)".to_owned()
    }
}

fn run(args: &Args) -> Result<usize, String> {
    let root = workspace_root();
    let all = policies::all();
    if args.expansion_only {
        return figures::expansion::print(&all).map(|()| 0);
    }
    let machine = machine();
    let mixes = mixes::load(&root.join("bench/mixes").to_string_lossy())?;
    let unoptimised = match &args.unoptimised {
        Some(bin) => Some(figures::expansion::from_binary(bin, &all)?),
        None => None,
    };
    eprintln!("building and comparing the programs");
    let mut results = Vec::new();
    for (i, policy) in all.into_iter().enumerate() {
        let (built, failed) = build_all(&policy);
        let equivalence = equivalence::compare(&policy, &built);
        let shapes = built
            .iter()
            .map(|b| {
                (
                    b.competitor,
                    figures::instructions::shape(&policy, b, &mixes),
                )
            })
            .collect();
        let expansion = (
            figures::expansion::time(&policy.ours)?,
            unoptimised.as_ref().map(|u| u[i]),
        );
        let p = PolicyResults {
            policy,
            built,
            failed,
            equivalence,
            shapes,
            expansion,
        };
        print_equivalence(&p);
        results.push(p);
    }
    let measured: Vec<(&policies::Policy, Vec<Built>)> = results
        .iter()
        .map(|p| {
            let copies = p
                .built
                .iter()
                .map(|b| Built {
                    competitor: b.competitor,
                    program: b.program.clone(),
                })
                .collect();
            (&p.policy, copies)
        })
        .collect();
    eprintln!("real kernel: {} rounds", args.rounds);
    let kernel = figures::kernel::run(&measured, args.rounds)?;
    eprintln!("installing: {} rounds", args.apply_rounds);
    let apply = figures::apply::run(&measured, args.apply_rounds)?;
    drop(measured);
    let builds = (args.build_rounds > 0).then(|| {
        eprintln!("build time: {} rounds of clean builds", args.build_rounds);
        let scratch = std::env::temp_dir().join("seccomp-bench");
        figures::build::run(&root, args.build_rounds, &scratch)
    });
    let r = Results {
        policies: results,
        mixes,
        kernel: Some(kernel),
        apply: Some(apply),
        builds,
        machine,
    };
    write(&args.out.join("BENCHMARKS.md"), &report::render(&r))?;
    write(&args.out.join("benchmarks.svg"), &svg::render(&r))?;
    update_readme(&args.out.join("README.md"), &report::readme_block(&r))?;
    Ok(report::unexplained(&r))
}

/// README.md's summary of the run, between its markers.
fn update_readme(path: &Path, block: &str) -> Result<(), String> {
    let readme = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let updated = report::splice_readme(&readme, block).ok_or_else(|| {
        format!(
            "{}: no `{}` ... `{}` markers",
            path.display(),
            report::README_BEGIN,
            report::README_END
        )
    })?;
    write(path, &updated)
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(n) => {
            eprintln!(
                "{n} unexplained disagreements between the competitors' programs (see BENCHMARKS.md)"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("seccomp-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
