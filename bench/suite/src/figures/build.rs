//! Figure 4: building a small crate that installs `@system-service` with
//! each library (bench/build-time: the macro; seccompiler at run time; the
//! libseccomp crate at run time). Clean builds are timed by
//! bench/build-time/measure.py (its `--json` output is read here); then
//! this module times incremental rebuilds (`src/main.rs` touched) in the
//! target directories measure.py left, and measures each stripped binary.

use crate::stats::median;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const CRATES: [&str; 3] = ["ours", "seccompiler", "libseccomp"];

/// One crate's figures.
pub struct CrateBuild {
    pub name: &'static str,
    /// Median clean build, wall and CPU seconds (measure.py).
    pub clean_wall: f64,
    pub clean_cpu: f64,
    /// Median incremental rebuild, wall seconds.
    pub incremental: f64,
    /// Stripped release binary, bytes.
    pub stripped: u64,
}

pub struct Builds {
    pub crates: Vec<CrateBuild>,
    pub rounds: usize,
}

fn build_time_dir(root: &Path) -> PathBuf {
    root.join("bench/build-time")
}

fn run_measure(root: &Path, rounds: usize, target: &Path, json: &Path) -> Result<Value, String> {
    let status = Command::new("python3")
        .arg(build_time_dir(root).join("measure.py"))
        .args(["--rounds", &rounds.to_string()])
        .arg("--target-dir")
        .arg(target)
        .arg("--json")
        .arg(json)
        .status()
        .map_err(|e| format!("measure.py: {e}"))?;
    if !status.success() {
        return Err(format!("measure.py failed ({status})"));
    }
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("measure.py's JSON: {e}"))
}

/// `cargo build --release --offline` of `krate` into `target`, as
/// measure.py runs it; wall seconds.
fn rebuild(root: &Path, krate: &str, target: &Path) -> Result<f64, String> {
    let dir = build_time_dir(root).join(krate);
    let main = dir.join("src/main.rs");
    let text = std::fs::read(&main).map_err(|e| e.to_string())?;
    // Rewriting the file gives it a new mtime: cargo rebuilds the crate
    // (and only it).
    std::fs::write(&main, &text).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let out = Command::new("cargo")
        .args(["build", "--release", "--offline", "-q"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("{krate}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(start.elapsed().as_secs_f64())
}

fn stripped_size(binary: &Path, scratch: &Path) -> Result<u64, String> {
    let copy = scratch.join("stripped");
    std::fs::copy(binary, &copy).map_err(|e| format!("{}: {e}", binary.display()))?;
    let ok = Command::new("strip")
        .arg(&copy)
        .status()
        .map_err(|e| format!("strip: {e}"))?;
    if !ok.success() {
        return Err("strip failed".to_owned());
    }
    Ok(std::fs::metadata(&copy).map_err(|e| e.to_string())?.len())
}

/// Clean builds by measure.py, then incremental rebuilds and sizes.
pub fn run(root: &Path, rounds: usize, scratch: &Path) -> Result<Builds, String> {
    let target = scratch.join("build-time");
    let result = run_measure(root, rounds, &target, &scratch.join("build-time.json"))?;
    let mut crates = Vec::new();
    for name in CRATES {
        let medians = &result["medians"][name];
        let dir = target.join(name);
        let incremental: Vec<f64> = (0..rounds.max(3))
            .map(|_| rebuild(root, name, &dir))
            .collect::<Result<_, _>>()?;
        let binary = dir.join(format!("release/build-time-{name}"));
        crates.push(CrateBuild {
            name,
            clean_wall: medians["wall"]
                .as_f64()
                .ok_or("measure.py gave no wall median")?,
            clean_cpu: medians["cpu"]
                .as_f64()
                .ok_or("measure.py gave no CPU median")?,
            incremental: median(&incremental),
            stripped: stripped_size(&binary, scratch)?,
        });
    }
    Ok(Builds { crates, rounds })
}
