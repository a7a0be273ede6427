//! The runtime's promise: with default features off it depends on nothing
//! but its own code, `seccomp-runtime-core`, which depends on nothing
//! (docs/ARCHITECTURE.md section 2), as `cargo tree` sees it.

use std::process::Command;

#[test]
fn the_runtime_depends_on_nothing_without_its_macros() {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--manifest-path", manifest])
        .args([
            "-p",
            "seccomp-runtime",
            "--no-default-features",
            "-e",
            "normal",
        ])
        .output()
        .expect("run cargo tree");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("seccomp-runtime v"), "{stdout}");
    assert!(
        lines[1]
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .starts_with("seccomp-runtime-core v"),
        "{stdout}"
    );
    // With the default `macros` feature, the macros (and only through them
    // the compiler) come in.
    let with_macros = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--manifest-path", manifest])
        .args(["-p", "seccomp-runtime", "-e", "normal", "--depth", "1"])
        .output()
        .expect("run cargo tree");
    let text = String::from_utf8_lossy(&with_macros.stdout);
    assert!(text.contains("seccomp-macros v"), "{text}");
}
