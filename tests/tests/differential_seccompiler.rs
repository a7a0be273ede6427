//! Our compiler against seccompiler (rust-vmm, the crate Firecracker
//! uses) on the policies seccompiler can express: one match action, one
//! mismatch action, rules of `Dword`/`Qword` comparisons. The same policy
//! is built with seccompiler's Rust API and written in our language; both
//! programs run in our emulator on the same inputs and must agree.
//!
//! Where the designs differ on purpose, inputs are counted apart and our
//! answer is checked against our reference evaluator:
//!
//! - `x32 numbers`: seccompiler checks only `seccomp_data.arch`, so an x32
//!   syscall (`nr | 0x40000000` under `AUDIT_ARCH_X86_64`) is just an
//!   unlisted number and gets the mismatch action; we kill it.
//! - `unknown number`: numbers no table knows get our `unknown` action,
//!   seccompiler's mismatch action.
//!
//! seccompiler's own arch check returns `SECCOMP_RET_KILL_PROCESS` for a
//! foreign `AUDIT_ARCH_*`, as ours does, so those inputs are compared.

use std::collections::BTreeMap;
use std::time::Instant;

use seccomp_compiler::arch::X32_SYSCALL_BIT;
use seccomp_compiler::bpf::{SeccompData, SockFilter};
use seccomp_compiler::tables::syscalls;
use seccomp_compiler::testing::Rng;
use seccomp_compiler::{Action, Arch, compile_str, decide, emu};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};
use tests::libseccomp::rules::{self, ArgCmp, Flavor, Op, Reading, RulePolicy, Width};
use tests::libseccomp::tally::Tally;

/// The architectures seccompiler supports.
const ARCHES: [(Arch, TargetArch); 3] = [
    (Arch::X86_64, TargetArch::x86_64),
    (Arch::Aarch64, TargetArch::aarch64),
    (Arch::Riscv64, TargetArch::riscv64),
];

/// Policies per architecture.
const POLICIES_PER_ARCH: usize = 60;
/// Argument vectors per rule.
const PER_RULE: usize = 48;

fn seccompiler_action(a: Action) -> SeccompAction {
    match a {
        Action::Allow => SeccompAction::Allow,
        Action::Errno(e) => SeccompAction::Errno(u32::from(e)),
        Action::KillThread => SeccompAction::KillThread,
        Action::KillProcess => SeccompAction::KillProcess,
        Action::Log => SeccompAction::Log,
        Action::Trace(d) => SeccompAction::Trace(u32::from(d)),
        Action::Trap => SeccompAction::Trap,
        Action::UserNotif => panic!("seccompiler has no user_notif"),
    }
}

fn condition(c: &ArgCmp) -> SeccompCondition {
    let len = match c.width {
        Width::Low32 => SeccompCmpArgLen::Dword,
        Width::Full => SeccompCmpArgLen::Qword,
        Width::Declared => panic!("not generated for seccompiler"),
    };
    let op = match c.op {
        Op::Ne => SeccompCmpOp::Ne,
        Op::Lt => SeccompCmpOp::Lt,
        Op::Le => SeccompCmpOp::Le,
        Op::Eq => SeccompCmpOp::Eq,
        Op::Ge => SeccompCmpOp::Ge,
        Op::Gt => SeccompCmpOp::Gt,
        Op::MaskedEq(m) => SeccompCmpOp::MaskedEq(m),
    };
    SeccompCondition::new(c.arg, len, op, c.value).expect("argument index below 6")
}

/// seccompiler's program for `p`: each syscall with its rules (none for
/// an unconditional one), `p.default` on mismatch.
fn seccompiler_program(p: &RulePolicy, target: TargetArch, matched: Action) -> Vec<SockFilter> {
    let mut map: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for s in &p.syscalls {
        let rules = if s.rules.iter().any(|r| r.conds.is_empty()) {
            Vec::new()
        } else {
            s.rules
                .iter()
                .map(|r| SeccompRule::new(r.conds.iter().map(condition).collect()).expect("rule"))
                .collect()
        };
        map.insert(i64::from(s.nr), rules);
    }
    let filter = SeccompFilter::new(
        map,
        seccompiler_action(p.default),
        seccompiler_action(matched),
        target,
    )
    .expect("a valid filter");
    let prog = BpfProgram::try_from(filter).expect("a program");
    prog.iter()
        .map(|f| SockFilter {
            code: f.code,
            jt: f.jt,
            jf: f.jf,
            k: f.k,
        })
        .collect()
}

fn run(prog: &[SockFilter], data: &SeccompData, arch: Arch) -> Action {
    let e = emu::run(prog, data, arch.is_big_endian())
        .unwrap_or_else(|e| panic!("{arch}: {e} on {data:x?}"));
    Action::from_ret(e.ret)
}

/// An action seccompiler can return, not the default.
fn match_action(rng: &mut Rng) -> Action {
    *rng.pick(&[
        Action::Allow,
        Action::Allow,
        Action::Errno(1),
        Action::Errno(4095),
        Action::KillProcess,
        Action::KillThread,
        Action::Log,
        Action::Trap,
        Action::Trace(3),
    ])
}

fn compare_policy(
    p: &RulePolicy,
    target: TargetArch,
    matched: Action,
    rng: &mut Rng,
    tally: &mut Tally,
    label: &str,
) {
    let arch = p.arch;
    // seccompiler's filters have one action for every rule, so the
    // successor rules (`errno(ENOSYS)`, README "Policies that survive libc
    // upgrades") have no counterpart there; the libseccomp differential
    // covers them.
    let text = format!("{}successors off;\n", p.to_text());
    let compiled = compile_str(&text).unwrap_or_else(|e| panic!("{label}: {e:?}\n{text}"));
    let out = compiled
        .get(arch)
        .unwrap_or_else(|| panic!("{label}: {text}"));
    let ours = out.program.filters().expect("no symbolic values");
    let theirs = seccompiler_program(p, target, matched);
    emu::validate(&theirs).unwrap_or_else(|e| panic!("{label}: seccompiler's program: {e}"));
    let table = syscalls::table(arch);
    for data in rules::inputs(p, rng, PER_RULE) {
        let o = run(&ours, &data, arch);
        let t = run(&theirs, &data, arch);
        let reference = decide::eval(&out.resolved, &data, &|_| 0);
        let describe = || format!("{label} {arch} {data:x?}");
        let native = data.arch == arch.audit_arch();
        let by_rules = || {
            p.rule_action(data.nr, &data.args, Reading::Theirs)
                .unwrap_or(p.default)
        };
        if !native {
            tally.exact(o, t, describe);
        } else if arch.has_x32_abi() && data.nr >= X32_SYSCALL_BIT {
            // No rule names such a number: the mismatch action.
            tally.design(
                "x32 numbers (seccompiler has no x32 check)",
                o,
                reference,
                t,
                Some(p.default),
                describe,
            );
        } else if !table.knows(data.nr) && p.unknown.unwrap_or(Action::Errno(38)) != p.default {
            tally.design(
                "unknown number",
                o,
                reference,
                t,
                Some(by_rules()),
                describe,
            );
        } else {
            assert_eq!(
                p.rule_action(data.nr, &data.args, Reading::Ours).unwrap_or(
                    if table.knows(data.nr) {
                        p.default
                    } else {
                        p.unknown.unwrap_or(Action::Errno(38))
                    }
                ),
                reference,
                "{label}: the rule model and our reference evaluator disagree on {data:x?}\n{text}"
            );
            tally.exact(o, t, describe);
        }
    }
    tally.policies += 1;
}

#[test]
fn random_policies_agree_with_seccompiler() {
    let start = Instant::now();
    let mut total = Tally::default();
    for (i, (arch, target)) in ARCHES.into_iter().enumerate() {
        let names: Vec<(u32, &'static str)> = syscalls::table(arch).entries().to_vec();
        let mut tally = Tally::default();
        for seed in 0..POLICIES_PER_ARCH {
            let seed = (i * 100_000 + seed) as u64;
            let mut rng = Rng::new(seed);
            let matched = match_action(&mut rng);
            let flavor = Flavor::Seccompiler {
                match_action: matched,
            };
            let p = rules::random_policy(&mut rng, arch, &names, flavor);
            compare_policy(
                &p,
                target,
                matched,
                &mut rng,
                &mut tally,
                &format!("seed {seed}"),
            );
        }
        println!(
            "{}",
            tally.report(&format!("seccompiler {arch}")).trim_end()
        );
        total.merge(tally);
    }
    println!(
        "{}  ({:.1} s)",
        total.report("seccompiler, random policies").trim_end(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(total.failures(), 0, "{}", total.report("failures"));
    assert!(
        total.compared >= 100_000,
        "only {} inputs compared",
        total.compared
    );
}

/// seccompiler's masked comparison masks the value too: `(arg & mask) ==
/// (value & mask)`, as libseccomp does. Our language says `& MASK ==
/// VALUE` literally, so an import keeps seccompiler's meaning by masking
/// the value (what the rule model renders).
#[test]
fn seccompiler_masks_the_value_of_masked_eq() {
    let mut map = BTreeMap::new();
    let cond = SeccompCondition::new(
        0,
        SeccompCmpArgLen::Qword,
        SeccompCmpOp::MaskedEq(0xf0),
        0x1ff,
    )
    .expect("condition");
    map.insert(39, vec![SeccompRule::new(vec![cond]).expect("rule")]);
    let filter = SeccompFilter::new(
        map,
        SeccompAction::Errno(1),
        SeccompAction::Allow,
        TargetArch::x86_64,
    )
    .expect("filter");
    let prog: Vec<SockFilter> = BpfProgram::try_from(filter)
        .expect("program")
        .iter()
        .map(|f| SockFilter {
            code: f.code,
            jt: f.jt,
            jf: f.jf,
            k: f.k,
        })
        .collect();
    let data = |a0| SeccompData {
        nr: 39,
        arch: Arch::X86_64.audit_arch(),
        instruction_pointer: 0,
        args: [a0, 0, 0, 0, 0, 0],
    };
    // 0x1ff & 0xf0 == 0xf0: an argument with those bits matches ...
    assert_eq!(run(&prog, &data(0xf0), Arch::X86_64), Action::Allow);
    assert_eq!(run(&prog, &data(0x1f3), Arch::X86_64), Action::Allow);
    assert_eq!(run(&prog, &data(0x10), Arch::X86_64), Action::Errno(1));
    // ... where `arg0 & 0xf0 == 0x1ff` taken literally never would.
    let ours = compile_str("arch x86_64; deny errno(1); keep getpid(arg0:u64 & 0xf0 == 0xf0);")
        .expect("compiles");
    let ours = ours
        .get(Arch::X86_64)
        .expect("x86_64")
        .program
        .filters()
        .expect("no symbols");
    for a0 in [0xf0, 0x1f3, 0x10] {
        assert_eq!(
            run(&ours, &data(a0), Arch::X86_64),
            run(&prog, &data(a0), Arch::X86_64)
        );
    }
    // A foreign architecture: seccompiler kills the process, as we do.
    let foreign = SeccompData {
        arch: Arch::Aarch64.audit_arch(),
        ..data(0)
    };
    assert_eq!(run(&prog, &foreign, Arch::X86_64), Action::KillProcess);
    // An x32 number is an unlisted number to seccompiler: the mismatch action.
    let x32 = SeccompData {
        nr: X32_SYSCALL_BIT | 39,
        ..data(0xf0)
    };
    assert_eq!(run(&prog, &x32, Arch::X86_64), Action::Errno(1));
}

/// One seccompiler JSON file per case: what seccompiler's own JSON front
/// end (`compile_from_json`, 0.5) accepts, `seccompc import --from
/// seccompiler` must accept, with the same verdicts; what it refuses, the
/// import must refuse. Each case changes one construct of a small filter:
/// aliases, comments, nulls, unknown and repeated fields, action and
/// operator forms.
#[test]
fn the_import_accepts_and_refuses_what_seccompiler_does() {
    let rule = |extra: &str| {
        format!(
            r#"{{"syscall": "ioctl", "args": [{{"index": 1, "type": "dword", "op": "eq", "val": 21505{extra}}}]}}"#
        )
    };
    let filter =
        |head: &str, rules: &str| format!(r#"{{"main": {{{head}, "filter": [{rules}]}}}}"#);
    let std_head = r#""mismatch_action": "kill_process", "match_action": "allow""#;
    let std = |rules: &str| filter(std_head, rules);
    let read = r#"{"syscall": "read"}"#;
    let cases: Vec<(&str, String)> = vec![
        ("basic", std(&format!("{read}, {}", rule("")))),
        (
            "aliases",
            filter(
                r#""default_action": {"errno": 4095}, "filter_action": "allow""#,
                read,
            ),
        ),
        (
            "comments",
            std(&format!(
                r#"{{"syscall": "read", "comment": "stdin"}}, {}"#,
                rule(r#", "comment": "TCGETS""#)
            )),
        ),
        (
            "null comments and args",
            std(&format!(
                r#"{{"syscall": "read", "comment": null, "args": null}}, {}"#,
                rule(r#", "comment": null"#)
            )),
        ),
        ("no rules", std("")),
        (
            "trace and log",
            filter(
                r#""mismatch_action": {"trace": 7}, "match_action": "log""#,
                read,
            ),
        ),
        (
            "user_notif",
            filter(
                r#""mismatch_action": "allow", "match_action": "user_notif""#,
                read,
            ),
        ),
        (
            "trap and kill_thread",
            filter(
                r#""mismatch_action": "kill_thread", "match_action": "trap""#,
                read,
            ),
        ),
        (
            "masked_eq",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 1, "type": "qword", "op": {"masked_eq": 255}, "val": 4660}]}"#,
            ),
        ),
        (
            "unit action as an object",
            filter(
                r#""mismatch_action": {"kill_process": null}, "match_action": "allow""#,
                read,
            ),
        ),
        (
            "a comment on a filter",
            filter(&format!(r#"{std_head}, "comment": "x""#), read),
        ),
        (
            "an unknown rule field",
            std(r#"{"syscall": "read", "name": "read"}"#),
        ),
        ("an unknown condition field", std(&rule(r#", "mask": 3"#))),
        (
            "a repeated field",
            std(r#"{"syscall": "read", "syscall": "write"}"#),
        ),
        (
            "a field and its alias",
            filter(
                &format!(r#"{std_head}, "default_action": "kill_process""#),
                read,
            ),
        ),
        (
            "a repeated filter",
            format!(
                r#"{{"main": {{{std_head}, "filter": []}}, "main": {{{std_head}, "filter": []}}}}"#
            ),
        ),
        (
            "a bad filter beside",
            format!(
                r#"{{"main": {{{std_head}, "filter": []}}, "other": {{{std_head}, "filter": [{{"syscall": "nosuchcall"}}]}}}}"#
            ),
        ),
        (
            "a number as comment",
            std(r#"{"syscall": "read", "comment": 3}"#),
        ),
        (
            "two members in an action",
            filter(
                r#""mismatch_action": {"errno": 1, "trace": 2}, "match_action": "allow""#,
                read,
            ),
        ),
        (
            "two members in an operator",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 1, "type": "qword", "op": {"masked_eq": 255, "x": 1}, "val": 4660}]}"#,
            ),
        ),
        ("empty args", std(r#"{"syscall": "read", "args": []}"#)),
        ("an unknown syscall", std(r#"{"syscall": "nosuchcall"}"#)),
        (
            "equal actions",
            filter(
                r#""mismatch_action": "allow", "match_action": "allow""#,
                read,
            ),
        ),
        (
            "argument 6",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 6, "type": "dword", "op": "eq", "val": 1}]}"#,
            ),
        ),
        (
            "an unknown action",
            filter(
                r#""mismatch_action": "kill", "match_action": "allow""#,
                read,
            ),
        ),
        (
            "an unknown type",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 1, "type": "word", "op": "eq", "val": 1}]}"#,
            ),
        ),
        (
            "a negative value",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "eq", "val": -1}]}"#,
            ),
        ),
        (
            "a missing filter list",
            format!(r#"{{"main": {{{std_head}}}}}"#),
        ),
        (
            "a dword value past 32 bits",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "eq", "val": 4294988801}]}"#,
            ),
        ),
        (
            "a fractional value",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "eq", "val": 1.0}]}"#,
            ),
        ),
        (
            "an index past 255",
            std(
                r#"{"syscall": "ioctl", "args": [{"index": 256, "type": "dword", "op": "eq", "val": 1}]}"#,
            ),
        ),
    ];
    let opts = seccomp_import::ImportOptions {
        filter: Some("main".to_owned()),
        ..seccomp_import::ImportOptions::default()
    };
    let mut disagree = Vec::new();
    for (what, text) in &cases {
        let theirs = seccompiler::compile_from_json(text.as_bytes(), TargetArch::x86_64);
        let ours = seccomp_import::import(
            seccomp_import::Format::Seccompiler,
            "x86_64.json",
            text,
            &opts,
        );
        match (&theirs, &ours) {
            (Ok(filters), Ok(imported)) => {
                let prog: Vec<SockFilter> = filters["main"]
                    .iter()
                    .map(|f| SockFilter {
                        code: f.code,
                        jt: f.jt,
                        jf: f.jf,
                        k: f.k,
                    })
                    .collect();
                let compiled = compile_str(&imported.policy)
                    .unwrap_or_else(|d| panic!("{what}: {d:?}\n{}", imported.policy));
                let mine = compiled
                    .get(Arch::X86_64)
                    .expect("x86_64")
                    .program
                    .filters()
                    .expect("no symbols");
                for &(nr, _) in syscalls::table(Arch::X86_64).entries() {
                    for a1 in [0, 21505, 4660, 0x1234_5634, 1 << 32 | 21505] {
                        let data = SeccompData {
                            nr,
                            arch: Arch::X86_64.audit_arch(),
                            instruction_pointer: 0,
                            args: [0, a1, 0, 0, 0, 0],
                        };
                        let (t, o) = (
                            run(&prog, &data, Arch::X86_64),
                            run(&mine, &data, Arch::X86_64),
                        );
                        if t != o {
                            disagree.push(format!(
                                "{what}: nr {nr} arg1 {a1:#x}: seccompiler {t}, import {o}"
                            ));
                        }
                    }
                }
                println!("{what}: both accept");
            }
            (Err(_), Err(e)) => println!("{what}: both refuse; the import says: {e}"),
            (t, o) => disagree.push(format!(
                "{what}: seccompiler {}, import {}",
                t.as_ref()
                    .map_or_else(|e| format!("refuses ({e})"), |_| "accepts".to_owned()),
                o.as_ref()
                    .map_or_else(|e| format!("refuses ({e})"), |_| "accepts".to_owned()),
            )),
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
