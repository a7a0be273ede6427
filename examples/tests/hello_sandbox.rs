//! `hello_sandbox`, the README's main demo, runs and says what happened.

mod common;

use std::process::Command;

#[test]
fn hello_sandbox_shows_allowed_refused_and_killed() {
    let output = Command::new(common::example("hello_sandbox"))
        .output()
        .expect("run hello_sandbox");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "hello_sandbox failed ({}):\n{stdout}{stderr}",
        output.status
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let expected = [
        "sandbox installed: ",
        "allowed: ",
        "refused: mkdir",
        "child: write(3, ...)",
        "killed: child killed by SIGSYS (signal 31)",
    ];
    assert_eq!(lines.len(), expected.len(), "unexpected output:\n{stdout}");
    for (line, start) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(start),
            "expected `{start}...`, got:\n{stdout}"
        );
    }
    assert!(lines[2].contains("EACCES"), "{stdout}");
    assert!(stderr.is_empty(), "unexpected stderr:\n{stderr}");
    // The refused mkdir created nothing.
    assert!(!std::env::temp_dir().join("hello_sandbox_dir").exists());
}
