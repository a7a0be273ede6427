//! `real-kernels`: the host side of `tools/real-kernels/run.sh`.
//!
//! ```text
//! real-kernels cases OUT POLICY...   write OUT/RUN.cases, OUT/programs.list, OUT/expected.tsv
//! real-kernels check OUT LOG...      compare the drivers' output with OUT/expected.tsv
//! ```
//!
//! `cases` compiles each policy (for its resolved form) and asks the
//! compiler's reference evaluator what every case's filter returns;
//! `run.sh` compiles the programs themselves with `seccompc`, as a user
//! would. `check` prints one line per run, every failed case, and last
//! `real kernels: N architectures, M cases, K mismatches`; it exits with
//! status 1 unless every case of every run was reported and matched.

mod abi;
mod cases;
mod check;
mod files;
mod observation;
mod probes;
mod runs;

use cases::Policy;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a command failed.
#[derive(Debug)]
enum Error {
    Usage(String),
    Read(PathBuf, std::io::Error),
    Write(PathBuf, std::io::Error),
    Policy(PathBuf, Vec<String>),
    FixedRegister(cases::FixedRegister),
    Expected(PathBuf, String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(why) => write!(
                f,
                "{why}\nusage: real-kernels cases OUT POLICY...\n       real-kernels check OUT LOG..."
            ),
            Error::Read(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            Error::Write(p, e) => write!(f, "cannot write {}: {e}", p.display()),
            Error::Policy(p, messages) => {
                write!(
                    f,
                    "{} does not compile:\n{}",
                    p.display(),
                    messages.join("\n")
                )
            }
            Error::FixedRegister(x) => write!(
                f,
                "{}.policy on {}: a condition on argument {} of `{}`, which the driver must pass as a fixed value (see probes.rs)",
                x.policy, x.arch, x.slot, x.syscall
            ),
            Error::Expected(p, why) => write!(f, "{}: {why}", p.display()),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("real-kernels: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<bool, Error> {
    match args {
        [command, out, rest @ ..] if command == "cases" && !rest.is_empty() => {
            write_cases(Path::new(out), rest).map(|()| true)
        }
        [command, out, rest @ ..] if command == "check" && !rest.is_empty() => {
            check(Path::new(out), rest)
        }
        _ => Err(Error::Usage(
            "expected `cases` or `check` with their arguments".into(),
        )),
    }
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Read(path.to_owned(), e))
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| Error::Write(path.to_owned(), e))
}

fn load_policy(path: &Path) -> Result<Policy, Error> {
    let text = read(path)?;
    let compiled = seccomp_compiler::compile_str(&text).map_err(|ds| {
        Error::Policy(
            path.to_owned(),
            ds.iter().map(|d| d.full_message()).collect(),
        )
    })?;
    let failures: Vec<String> = compiled
        .arches
        .iter()
        .filter_map(|a| a.outcome.as_ref().err())
        .flatten()
        .map(|d| d.full_message())
        .collect();
    if !failures.is_empty() {
        return Err(Error::Policy(path.to_owned(), failures));
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Policy {
        name,
        path: path.to_owned(),
        compiled,
    })
}

fn write_cases(out: &Path, policy_paths: &[String]) -> Result<(), Error> {
    let policies = policy_paths
        .iter()
        .map(|p| load_policy(Path::new(p)))
        .collect::<Result<Vec<_>, _>>()?;
    let cases = cases::all_cases(&policies).map_err(Error::FixedRegister)?;
    std::fs::create_dir_all(out).map_err(|e| Error::Write(out.to_owned(), e))?;
    for run in &runs::RUNS {
        write(
            &out.join(format!("{}.cases", run.name)),
            &files::cases_file(run.name, &cases),
        )?;
    }
    write(&out.join("programs.list"), &files::programs_list(&policies))?;
    write(&out.join("expected.tsv"), &files::expected_file(&cases))?;
    println!(
        "real-kernels: {} cases for {} runs in {}",
        cases.len(),
        runs::RUNS.len(),
        out.display()
    );
    Ok(())
}

fn check(out: &Path, log_paths: &[String]) -> Result<bool, Error> {
    let path = out.join("expected.tsv");
    let expected =
        files::parse_expected(&read(&path)?).map_err(|why| Error::Expected(path, why))?;
    let logs = log_paths
        .iter()
        .map(|p| Ok((p.clone(), read(Path::new(p))?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let report = check::compare(&expected, check::read_logs(&logs));
    for run in &runs::RUNS {
        if let Some(t) = report.runs.get(run.name) {
            println!(
                "{:<16} {:>5} cases, {} mismatches, {} not reported ({})",
                run.name, t.cases, t.mismatches, t.missing, run.kernel
            );
        }
    }
    for p in &report.problems {
        println!("{p}");
    }
    println!("{}", report.summary());
    Ok(report.passed())
}
