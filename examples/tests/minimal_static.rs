//! `minimal_static`: built with the command its docs give, it is a static
//! executable (no interpreter, no libc), under 16 KiB stripped, and it
//! installs its policy and writes its line.
//!
//! The build goes to `<target>/minimal-static/`, next to the normal
//! profile directories, so repeated runs are incremental.

#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The documented build command (examples/examples/minimal_static.rs):
/// cargo's arguments ...
const BUILD: &[&str] = &[
    "rustc",
    "--release",
    "-p",
    "examples",
    "--example",
    "minimal_static",
    "--features",
    "minimal-static",
    "--config",
    "profile.release.panic=\"abort\"",
    "--config",
    "profile.release.lto=true",
    "--config",
    "profile.release.opt-level=\"s\"",
    "--config",
    "profile.release.strip=true",
];

/// ... and after `--`, for rustc.
const RUSTC_FLAGS: &[&str] = &[
    "-C",
    "relocation-model=static",
    "-C",
    "target-feature=+crt-static",
    "-C",
    "link-arg=-nostdlib",
];

const MAX_SIZE: u64 = 16 * 1024;

fn build() -> PathBuf {
    let target_dir = common::profile_dir()
        .parent()
        .expect("the target directory")
        .join("minimal-static");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = Command::new(cargo)
        .args(BUILD)
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        .arg("--")
        .args(RUSTC_FLAGS)
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "building minimal_static failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target_dir.join("release/examples/minimal_static")
}

/// Program header types (include/uapi/linux/elf.h).
const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
/// e_type of a non-PIE executable.
const ET_EXEC: u16 = 2;

/// The ELF type and program header types of a 64-bit little-endian ELF
/// file.
fn elf_headers(bytes: &[u8]) -> (u16, Vec<u32>) {
    assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
    assert_eq!(bytes[4], 2, "not ELFCLASS64");
    assert_eq!(bytes[5], 1, "not little-endian");
    let u16_at = |at: usize| u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap());
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    let e_type = u16_at(16);
    let phoff = usize::try_from(u64_at(32)).unwrap();
    let phentsize = usize::from(u16_at(54));
    let phnum = usize::from(u16_at(56));
    let types = (0..phnum).map(|i| u32_at(phoff + i * phentsize)).collect();
    (e_type, types)
}

#[test]
fn minimal_static_is_small_static_and_works() {
    let binary = build();

    let (e_type, segments) = elf_headers(&std::fs::read(&binary).unwrap());
    assert_eq!(e_type, ET_EXEC, "not a static non-PIE executable");
    assert!(
        !segments.contains(&PT_INTERP),
        "has a PT_INTERP: dynamically linked"
    );
    assert!(!segments.contains(&PT_DYNAMIC), "has a PT_DYNAMIC segment");

    let stripped = binary.with_file_name("minimal_static.stripped");
    let strip = Command::new("strip")
        .arg("-o")
        .arg(&stripped)
        .arg(&binary)
        .status()
        .expect("run strip (binutils)");
    assert!(strip.success());
    let size = std::fs::metadata(&stripped).unwrap().len();
    eprintln!("minimal_static: {size} bytes stripped");
    assert!(size < MAX_SIZE, "{size} bytes stripped, over {MAX_SIZE}");

    let output = Command::new(&stripped)
        .output()
        .expect("run minimal_static");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "minimal_static: sandboxed, only write(1) and exit_group allowed\n"
    );
    assert!(output.stderr.is_empty(), "{output:?}");
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    // With an argument it calls getpid, which its policy does not allow.
    let output = Command::new(&stripped)
        .arg("getpid")
        .output()
        .expect("run minimal_static getpid");
    assert_eq!(
        output.status.signal(),
        Some(31),
        "not killed by SIGSYS: {output:?}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).ends_with("which the policy does not allow\n"));
}
