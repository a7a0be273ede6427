//! systemd's `@system-service` allow-list (by name), built into a BPF
//! program by libseccomp when the program starts, then installed. One of
//! the three crates `bench/build-time/measure.py` builds.

use libseccomp::{ScmpAction, ScmpFilterContext, ScmpSyscall, error::SeccompError};

include!("../../system-service-x86_64.rs");

/// Installs the filter; returns how many names libseccomp knew.
fn install() -> Result<usize, SeccompError> {
    let mut filter = ScmpFilterContext::new(ScmpAction::KillProcess)?;
    let mut known = 0;
    for &(_, name) in SYSTEM_SERVICE {
        // Syscalls newer than the system's libseccomp have no name there.
        if let Ok(syscall) = ScmpSyscall::from_name(name) {
            filter.add_rule(ScmpAction::Allow, syscall)?;
            known += 1;
        }
    }
    filter.load()?;
    Ok(known)
}

fn main() {
    match install() {
        Ok(known) => println!("build-time-libseccomp: {known} syscalls allowed"),
        Err(e) => {
            eprintln!("build-time-libseccomp: cannot install the filter: {e}");
            std::process::exit(1);
        }
    }
}
