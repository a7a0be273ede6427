//! What a filter costs a syscall: nanoseconds per getpid(2) with no filter,
//! with our compiled `@system-service` policy, and with a libseccomp-style
//! linear chain of 300 `jeq`s, each installed in a forked child.
//!
//! Since Linux 5.11 the kernel skips the filter altogether for a syscall
//! it has proven always allowed (`seccomp_cache_prepare`: the path reads
//! only `nr` and `arch`). So each program is measured twice: as is, and
//! with getpid made argument-dependent (`arg0 == 0`, which getpid's zeroed
//! register always passes), which forces the BPF to run every time.
//!
//! `cargo bench -p tests --bench syscall_cost` (release build; the numbers
//! are the best and the median of 150 short runs, in a VM shared with
//! other work: the best is the one least disturbed).

use std::hint::black_box;
use std::time::Instant;

use seccomp_compiler::arch::{AUDIT_ARCH_X86_64, X32_SYSCALL_BIT};
use seccomp_compiler::bpf::*;
use seccomp_compiler::emu;
use seccomp_runtime::Policy;
use tests::kernel::{compile, getpid, in_child, policy_from_filters, write_fd};

/// 39: the cast is exact.
const NR_GETPID: u32 = libc::SYS_getpid as u32;
const CALLS: u32 = 20_000;
/// Runs per child.
const RUNS: usize = 30;
/// Children per filter, taken in turns so that a burst of load from other
/// work on the machine hits every filter alike.
const ROUNDS: usize = 5;

/// One filter (or none) to time getpid under.
struct Case {
    name: &'static str,
    policy: Option<&'static Policy>,
    program: Vec<SockFilter>,
}

fn main() {
    let cases = [
        Case {
            name: "no filter",
            policy: None,
            program: Vec::new(),
        },
        compiled("ours: base @system-service", "base @system-service;"),
        compiled(
            "ours, getpid(arg0 == 0)",
            "base @system-service; keep getpid(arg0 == 0);",
        ),
        chain("linear chain, 300 jeq", false),
        chain("linear chain, 300 jeq, getpid(arg0 == 0)", true),
    ];
    println!(
        "{:<42} {:>6} {:>10} {:>7} {:>10} {:>10}",
        "filter", "insns", "getpid ran", "cached", "best ns", "median ns"
    );
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for _ in 0..ROUNDS {
        for (case, samples) in cases.iter().zip(&mut samples) {
            samples.extend(time_getpid(case.policy));
        }
    }
    for (case, samples) in cases.iter().zip(&mut samples) {
        samples.sort_by(f64::total_cmp);
        let (best, median) = (samples[0], samples[samples.len() / 2]);
        let (insns, steps, cached) = if case.program.is_empty() {
            ("-".to_string(), "-".to_string(), "-")
        } else {
            let data = SeccompData {
                nr: NR_GETPID,
                arch: AUDIT_ARCH_X86_64,
                instruction_pointer: 0,
                args: [0; 6],
            };
            let run = emu::run(&case.program, &data, false).expect("a valid program");
            let cached = emu::is_const_allow(&case.program, AUDIT_ARCH_X86_64, NR_GETPID);
            (
                case.program.len().to_string(),
                run.steps.to_string(),
                if cached { "yes" } else { "no" },
            )
        };
        println!(
            "{:<42} {insns:>6} {steps:>10} {cached:>7} {best:>10.1} {median:>10.1}",
            case.name
        );
    }
}

fn compiled(name: &'static str, text: &'static str) -> Case {
    let c = compile(text);
    let program = c.output.program.filters().expect("no symbolic values");
    Case {
        name,
        policy: Some(c.policy),
        program,
    }
}

/// What libseccomp emits for an allow-list (no binary tree): the arch and
/// x32 checks, then one `jeq nr` per allowed syscall in a line, getpid last,
/// so its path runs all 300 comparisons. Syscalls 0..=300 are allowed,
/// which covers what the child does after installing (write, exit_group,
/// clock_gettime should the vDSO fall back).
fn chain(name: &'static str, getpid_checks_arg0: bool) -> Case {
    let ret = |k| bpf_stmt(BPF_RET | BPF_K, k);
    let jeq = |k, jt, jf| bpf_jump(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
    let mut program = vec![
        bpf_stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH),
        jeq(AUDIT_ARCH_X86_64, 1, 0),
        ret(SECCOMP_RET_KILL_PROCESS),
        bpf_stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
        bpf_jump(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1),
        ret(SECCOMP_RET_KILL_PROCESS),
    ];
    for nr in (0..=300).filter(|&nr| nr != NR_GETPID) {
        program.push(jeq(nr, 0, 1));
        program.push(ret(SECCOMP_RET_ALLOW));
    }
    if getpid_checks_arg0 {
        program.extend([
            jeq(NR_GETPID, 0, 3),
            // The low word of args[0] (little-endian).
            bpf_stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARGS),
            jeq(0, 0, 1),
            ret(SECCOMP_RET_ALLOW),
        ]);
    } else {
        program.extend([jeq(NR_GETPID, 0, 1), ret(SECCOMP_RET_ALLOW)]);
    }
    program.push(ret(SECCOMP_RET_KILL_PROCESS));
    emu::validate(&program).expect("the chain is a valid seccomp program");
    let actions = [SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ALLOW];
    Case {
        name,
        policy: Some(policy_from_filters(&program, &actions)),
        program,
    }
}

/// Nanoseconds per getpid in each of `RUNS` runs of `CALLS` calls, in a
/// child that installed `policy` first.
fn time_getpid(policy: Option<&'static Policy>) -> Vec<f64> {
    let outcome = in_child(|| {
        if let Some(policy) = policy {
            policy.apply().map_err(|e| format!("apply: {e}"))?;
        }
        for _ in 0..CALLS / 10 {
            black_box(getpid()).map_err(|e| format!("getpid: errno {e}"))?;
        }
        let mut report = String::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            for _ in 0..CALLS {
                let _ = black_box(getpid());
            }
            let ns = start.elapsed().as_secs_f64() * 1e9 / f64::from(CALLS);
            report.push_str(&format!("{ns}\n"));
        }
        write_fd(1, report.as_bytes());
        Ok(())
    });
    outcome.assert_ok();
    outcome
        .stdout
        .lines()
        .map(|l| l.parse().expect("a number"))
        .collect()
}
