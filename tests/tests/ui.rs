//! Compile-fail tests of `seccomp_policy!` and `#[sandbox]`: one mistake per
//! file in `tests/ui/`, with the errors rustc prints committed beside it
//! (`TRYBUILD=overwrite cargo test -p tests --test ui` rewrites them; read
//! every change). `tests/ui/pass/` holds policies that must compile.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn ui() {
    link_policy_files();
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
    t.pass("ui/pass/*.rs");
}

/// trybuild builds the tests as a crate of its own under the target
/// directory, so `CARGO_MANIFEST_DIR`, which `file = "..."` paths are
/// relative to, is that crate's directory. A link there to `ui/` lets the
/// tests name their policy files as this crate does (`ui/policies/...`).
fn link_policy_files() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = target_dir(manifest_dir).join("tests/trybuild/tests");
    std::fs::create_dir_all(&project).expect("create trybuild's project directory");
    let link = project.join("ui");
    if std::fs::read_link(&link).is_ok_and(|to| to == manifest_dir.join("ui")) {
        return;
    }
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(manifest_dir.join("ui"), &link).expect("link ui/ for trybuild");
}

/// Cargo's target directory, as trybuild finds it (`cargo metadata`).
fn target_dir(manifest_dir: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version=1", "--no-deps", "--offline"])
        .current_dir(manifest_dir)
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata failed");
    let json = String::from_utf8(out.stdout).expect("cargo metadata prints UTF-8");
    // `"target_directory":"PATH"`: paths are JSON strings; ours have no
    // escapes worth decoding beyond `\\` and `\"`.
    let key = "\"target_directory\":\"";
    let start = json
        .find(key)
        .expect("cargo metadata names the target directory")
        + key.len();
    let mut path = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => path.extend(chars.next()),
            c => path.push(c),
        }
    }
    PathBuf::from(path)
}
