//! firejail 0.9.72's `fseccomp` (Debian's `firejail`), for plain keep
//! lists: `fseccomp keep FILE POSTEXEC LIST` is what firejail runs for a
//! profile's `seccomp.keep LIST` (seen with `firejail --debug`; firejail
//! src/firejail/sbox.c runs it, src/fseccomp/main.c parses it and
//! src/fseccomp/seccomp.c `seccomp_keep` writes the filter), with the
//! profile's `seccomp-error-action` passed in the environment as firejail
//! passes it (`FIREJAIL_SECCOMP_ERROR_ACTION`: an errno name, or `kill`,
//! which fseccomp writes as SECCOMP_RET_KILL, i.e. kill_thread).
//! `seccomp_keep` also allows execve, execveat and prctl, which firejail
//! needs to start the program.

use crate::rules::Rules;
use seccomp_compiler::action::Action;
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::tables::errno;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const FSECCOMP: &str = "/usr/lib/x86_64-linux-gnu/firejail/fseccomp";

/// The environment value for `default`.
fn error_action(default: Action) -> Result<String, String> {
    match default {
        Action::KillProcess | Action::KillThread => Ok("kill".to_owned()),
        Action::Errno(e) => errno::name_of(e)
            .map(str::to_owned)
            .ok_or_else(|| format!("errno {e} has no name")),
        other => Err(format!("firejail has no default action {other:?}")),
    }
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, String> {
        let p = std::env::temp_dir().join(format!("seccomp-bench-fj-{}", std::process::id()));
        std::fs::create_dir_all(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        Ok(Scratch(p))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `fseccomp keep` command for `rules` writing to `dir`.
pub fn command(rules: &Rules, dir: &Path) -> Result<Command, String> {
    if !rules.is_plain_allow_list() {
        return Err("not a plain keep list (fseccomp has no conditions)".to_owned());
    }
    if !Path::new(FSECCOMP).exists() {
        return Err(format!("{FSECCOMP} is missing (Debian package `firejail`)"));
    }
    let list: Vec<&str> = rules.entries.iter().map(|e| e.name.as_str()).collect();
    let mut c = Command::new(FSECCOMP);
    c.arg("keep")
        .arg(dir.join("seccomp"))
        .arg(dir.join("seccomp.postexec"))
        .arg(list.join(","))
        .env("FIREJAIL_QUIET", "yes")
        .env(
            "FIREJAIL_SECCOMP_ERROR_ACTION",
            error_action(rules.default)?,
        );
    Ok(c)
}

/// The filter fseccomp writes for `rules`.
pub fn program(rules: &Rules) -> Result<Vec<SockFilter>, String> {
    let scratch = Scratch::new()?;
    let out = command(rules, &scratch.0)?
        .output()
        .map_err(|e| format!("fseccomp: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "fseccomp failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let bytes = std::fs::read(scratch.0.join("seccomp")).map_err(|e| e.to_string())?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| SockFilter::from_bytes(c.try_into().expect("chunks of 8"), false))
        .collect())
}

/// Whether firejail's x86_64 table knows `nr` (`fseccomp
/// debug-syscalls`: `NR\t- name` lines; it ends at 440, and 335 is
/// missing too). Names it does not know, fseccomp skips.
pub fn knows(nr: u32) -> bool {
    static TABLE: std::sync::OnceLock<Vec<u32>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            let out = Command::new(FSECCOMP).arg("debug-syscalls").output();
            let text = out
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            text.lines()
                .filter_map(|l| l.split('\t').next()?.trim().parse().ok())
                .collect()
        })
        .contains(&nr)
}
