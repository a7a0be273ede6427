//! systemd's `@system-service` allow-list (x86_64 numbers), built into a
//! BPF program with seccompiler when the program starts, then installed.
//! One of the three crates `bench/build-time/measure.py` builds.

use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
use std::collections::BTreeMap;

include!("../../system-service-x86_64.rs");

fn main() {
    // An empty rule list allows the syscall whatever its arguments.
    let rules: BTreeMap<i64, _> = SYSTEM_SERVICE
        .iter()
        .map(|&(nr, _)| (nr, Vec::new()))
        .collect();
    let program: Result<BpfProgram, _> = SeccompFilter::new(
        rules,
        SeccompAction::KillProcess,
        SeccompAction::Allow,
        TargetArch::x86_64,
    )
    .and_then(BpfProgram::try_from);
    let installed = program.map_err(|e| e.to_string()).and_then(|p| {
        seccompiler::apply_filter(&p)
            .map(|()| p.len())
            .map_err(|e| e.to_string())
    });
    match installed {
        Ok(len) => println!("build-time-seccompiler: {len} instructions installed"),
        Err(e) => {
            eprintln!("build-time-seccompiler: cannot install the filter: {e}");
            std::process::exit(1);
        }
    }
}
