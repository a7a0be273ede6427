//! Finding the examples' binaries from a test.

// Each test target uses part of this module.
#![allow(dead_code)]

use std::path::PathBuf;

/// The directory cargo builds this profile into (`target/debug`,
/// `target/release`, ...): tests run from `<that>/deps/`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("{} is not in <target>/<profile>/deps/", exe.display()))
        .to_path_buf()
}

/// The example `name`, which `cargo test -p examples` builds (into
/// `<target>/<profile>/examples/`) before it runs any test.
pub fn example(name: &str) -> PathBuf {
    let path = profile_dir().join("examples").join(name);
    assert!(
        path.is_file(),
        "example binary {} not found: `cargo test -p examples` builds the examples before \
         running the tests, but a run limited to one test target (`--test ...`) does not; \
         run `cargo build -p examples --examples` first",
        path.display()
    );
    path
}
