use super::cond::Lowering;
use super::*;
use crate::arch::Arch;
use crate::bpf::{SeccompData, SockFilter};
use crate::compile_str;
use crate::decide::eval;
use crate::emu;
use crate::ir::{Cmp, CmpOp, Operand};
use crate::span::Span;
use crate::testing::{Rng, inputs, random_policy};

fn consts(insns: &[crate::program::Insn]) -> Vec<SockFilter> {
    insns
        .iter()
        .map(|i| match i.k {
            K::Const(k) => SockFilter {
                code: i.code,
                jt: i.jt,
                jf: i.jf,
                k,
            },
            K::Sym { .. } => panic!("symbolic"),
        })
        .collect()
}

fn f(code: u16, jt: u8, jf: u8, k: u32) -> SockFilter {
    SockFilter { code, jt, jf, k }
}

const LD: u16 = BPF_LD | BPF_W | BPF_ABS;
const JEQ: u16 = BPF_JMP | BPF_JEQ | BPF_K;
const JGE: u16 = BPF_JMP | BPF_JGE | BPF_K;
const JSET: u16 = BPF_JMP | BPF_JSET | BPF_K;
const RET: u16 = BPF_RET | BPF_K;
const AND: u16 = BPF_ALU | BPF_AND | BPF_K;
const ALLOW: u32 = SECCOMP_RET_ALLOW;
const KILL: u32 = SECCOMP_RET_KILL_PROCESS;

/// `keep read, write;` on x86_64, worked out by hand: six runs
/// ([0,1] allow, [2,336] kill, [337,423] unknown, [424,469] kill,
/// [470,2^30) unknown, x32 kill), weights 512/2010/522/512/512/512 after
/// the floor, optimal tree (ab)((cd)(ef)), laid out depth first.
#[test]
fn listing_for_an_allow_list_on_x86_64() {
    let c = compile_str("keep read, write;").unwrap();
    let prog = c.get(Arch::X86_64).unwrap().program.filters().unwrap();
    let enosys = SECCOMP_RET_ERRNO | 38;
    let expected = vec![
        f(LD, 0, 0, 4),
        f(JEQ, 0, 8, 0xc000_003e),
        f(LD, 0, 0, 0),
        f(JGE, 2, 0, 337),
        f(JGE, 5, 0, 2),
        f(RET, 0, 0, ALLOW),
        f(JGE, 1, 0, 470),
        f(JGE, 2, 1, 424),
        f(JGE, 1, 0, 0x4000_0000),
        f(RET, 0, 0, enosys),
        f(RET, 0, 0, KILL),
    ];
    assert_eq!(prog, expected, "\n{}", emu::disasm(&prog));
}

fn lowered(cmp: Cmp, big_endian: bool) -> Vec<SockFilter> {
    let mut dag = Dag::new();
    let root = Lowering {
        dag: &mut dag,
        big_endian,
    }
    .decision(&[(Cond::Cmp(cmp), Action::Allow)], Action::KillProcess);
    consts(&layout::layout(&dag, root))
}

fn cmp(arg: u8, bits: u8, mask: Option<u64>, op: CmpOp, values: &[u64]) -> Cmp {
    let values = values.iter().map(|&v| Operand::Const(v)).collect();
    Cmp {
        arg,
        bits,
        mask: mask.map(Operand::Const),
        op,
        values,
        span: Span::none(),
    }
}

#[test]
fn listing_for_a_value_set_on_a_32_bit_parameter() {
    let prog = lowered(cmp(0, 32, None, CmpOp::Eq, &[1, 2]), false);
    assert_eq!(
        prog,
        [
            f(LD, 0, 0, 16),
            f(JEQ, 2, 0, 1),
            f(JEQ, 1, 0, 2),
            f(RET, 0, 0, KILL),
            f(RET, 0, 0, ALLOW)
        ]
    );
    // `!=` swaps the targets.
    let prog = lowered(cmp(0, 32, None, CmpOp::Ne, &[1, 2]), false);
    assert_eq!(
        prog,
        [
            f(LD, 0, 0, 16),
            f(JEQ, 2, 0, 1),
            f(JEQ, 1, 0, 2),
            f(RET, 0, 0, ALLOW),
            f(RET, 0, 0, KILL)
        ]
    );
}

#[test]
fn listing_for_a_64_bit_parameter_in_both_byte_orders() {
    let c = cmp(1, 64, None, CmpOp::Eq, &[0x1_0000_0005]);
    // Little-endian: args[1] low word at 24, high word at 28.
    let le = [
        f(LD, 0, 0, 28),
        f(JEQ, 0, 2, 1),
        f(LD, 0, 0, 24),
        f(JEQ, 1, 0, 5),
        f(RET, 0, 0, KILL),
        f(RET, 0, 0, ALLOW),
    ];
    assert_eq!(lowered(c.clone(), false), le);
    let be = [
        f(LD, 0, 0, 24),
        f(JEQ, 0, 2, 1),
        f(LD, 0, 0, 28),
        f(JEQ, 1, 0, 5),
        f(RET, 0, 0, KILL),
        f(RET, 0, 0, ALLOW),
    ];
    assert_eq!(lowered(c, true), be);
}

#[test]
fn listing_for_masks_narrow_widths_and_ordering() {
    // `fd & 4 == 0` is one jset.
    let prog = lowered(cmp(0, 32, Some(4), CmpOp::Eq, &[0]), false);
    assert_eq!(
        prog,
        [
            f(LD, 0, 0, 16),
            f(JSET, 1, 0, 4),
            f(RET, 0, 0, ALLOW),
            f(RET, 0, 0, KILL)
        ]
    );
    // A 16-bit parameter (umode_t) is masked to its width.
    let prog = lowered(cmp(2, 16, None, CmpOp::Eq, &[0o644]), false);
    assert_eq!(
        prog,
        [
            f(LD, 0, 0, 32),
            f(AND, 0, 0, 0xffff),
            f(JEQ, 1, 0, 0o644),
            f(RET, 0, 0, KILL),
            f(RET, 0, 0, ALLOW)
        ]
    );
    // `x < 10` on 64 bits: high word must be 0, then the low word decides.
    let prog = lowered(cmp(0, 64, None, CmpOp::Lt, &[10]), false);
    assert_eq!(
        prog,
        [
            f(LD, 0, 0, 20),
            f(JEQ, 0, 3, 0),
            f(LD, 0, 0, 16),
            f(JGE, 1, 0, 10),
            f(RET, 0, 0, ALLOW),
            f(RET, 0, 0, KILL)
        ]
    );
}

/// Compiles `text` and checks every architecture's program against the
/// reference evaluator on `inputs`; returns how many inputs were compared.
fn check_against_eval(text: &str, rng: &mut Rng, per_number: usize) -> usize {
    let compiled = match compile_str(text) {
        Ok(c) => c,
        Err(_) => return 0,
    };
    let mut compared = 0;
    for a in &compiled.arches {
        let Ok(out) = &a.outcome else { continue };
        let prog = out.program.filters().unwrap();
        if let Err(e) = emu::validate(&prog) {
            panic!(
                "{text}\non {}: invalid program: {e}\n{}",
                a.arch,
                emu::disasm(&prog)
            );
        }
        let none = |_| 0;
        for data in inputs(&out.resolved, rng, per_number) {
            let want = eval(&out.resolved, &data, &none);
            let got = emu::run(&prog, &data, a.arch.is_big_endian()).unwrap();
            let got = Action::from_ret(got.ret);
            assert_eq!(
                got,
                want,
                "{text}\non {} for {data:?}\n{}",
                a.arch,
                emu::disasm(&prog)
            );
            assert_eq!(
                out.table.action(&data, &none),
                want,
                "table vs eval: {text}\n{data:?}"
            );
            compared += 1;
        }
    }
    compared
}

/// The main property: for random policies on every architecture, the
/// emulated program does what the reference evaluator says, on every
/// syscall number 0..1024, x32 numbers, foreign architectures, and
/// argument vectors built around the policy's constants with random high
/// words.
#[test]
fn programs_agree_with_the_reference_evaluator() {
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: 24,
        failure_persistence: None,
        ..Default::default()
    });
    let compared = std::cell::Cell::new(0usize);
    let compiled = std::cell::Cell::new(0usize);
    runner
        .run(&proptest::prelude::any::<u64>(), |seed| {
            let mut rng = Rng::new(seed);
            let text = random_policy(&mut rng);
            let n = check_against_eval(&text, &mut rng, 1);
            compiled.set(compiled.get() + usize::from(n > 0));
            compared.set(compared.get() + n);
            Ok(())
        })
        .unwrap();
    println!(
        "compared {} inputs over {} compiled policies",
        compared.get(),
        compiled.get()
    );
    assert!(
        compiled.get() >= 12,
        "too many random policies failed to compile"
    );
    assert!(
        compared.get() >= 100_000,
        "only {} comparisons",
        compared.get()
    );
}

#[test]
fn long_jumps_get_stand_ins_and_trampolines() {
    let set = |from: u32| {
        (from..from + 300)
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let text = format!(
        "base @basic-io; keep ioctl(cmd == {}), prctl(option == {}); keep exit_group;",
        set(1000),
        set(5000)
    );
    let compiled = compile_str(&text).unwrap();
    for a in &compiled.arches {
        let out = a.outcome.as_ref().unwrap();
        let prog = out.program.filters().unwrap();
        emu::validate(&prog).unwrap();
        assert!(prog.len() > 600, "{}: {}", a.arch, prog.len());
        assert!(
            prog.iter().any(|i| i.code == BPF_JMP | BPF_JA),
            "{}: no trampoline",
            a.arch
        );
        assert!(
            prog.iter().any(|i| i.jt > 200 || i.jf > 200),
            "{}: no long conditional jump",
            a.arch
        );
        let none = |_| 0;
        let ioctl = crate::tables::syscalls::table(a.arch)
            .number("ioctl")
            .unwrap();
        for cmd in [999u64, 1000, 1150, 1299, 1300, 5000, 0x1_0000_03e8] {
            let data = SeccompData {
                nr: ioctl,
                arch: a.arch.audit_arch(),
                args: [3, cmd, 0, 0, 0, 0],
                ..Default::default()
            };
            let got = Action::from_ret(emu::run(&prog, &data, a.arch.is_big_endian()).unwrap().ret);
            assert_eq!(
                got,
                eval(&out.resolved, &data, &none),
                "{} cmd {cmd}",
                a.arch
            );
        }
    }
    let mut rng = Rng::new(7);
    assert!(check_against_eval(&text, &mut rng, 2) > 10_000);
}

#[test]
fn programs_past_4096_instructions_are_a_typed_error() {
    let values = (0..5000)
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(" | ");
    let text = format!("keep exit_group;\nkeep ioctl(cmd == {values});");
    let errs = compile_str(&text).unwrap_err();
    // One per architecture: each needs its own number of instructions.
    assert_eq!(errs.len(), Arch::ALL.len());
    assert!(errs.iter().all(|e| e.arch.is_some()));
    assert!(
        errs[0]
            .message
            .contains("instructions, more than the kernel's limit of 4096"),
        "{}",
        errs[0].message
    );
    // It points at the statement whose conditions made the program long.
    assert!(text[errs[0].span.byte_range()].starts_with("keep ioctl"));
}

#[test]
fn output_is_deterministic() {
    let text = "base @system-service; drop ptrace; keep write(fd == 1 | 2), openat(flags & 3 == 0 || dfd == -100);";
    let a = compile_str(text).unwrap();
    let b = compile_str(text).unwrap();
    for arch in Arch::ALL {
        assert_eq!(a.get(arch).unwrap().program, b.get(arch).unwrap().program);
    }
}

/// Every syscall the policy allows regardless of arguments is served by
/// the kernel's constant-action cache (below the kernel's bitmap size).
#[test]
fn constant_allows_are_cached_on_every_architecture() {
    let text = "base @system-service; drop ptrace; keep write(fd == 1 | 2), socket(family == 1 && type & 0xf == 1); drop clone3 => errno(ENOSYS); drop socketcall, ipc => errno(ENOSYS);";
    let compiled = compile_str(text).unwrap();
    for a in &compiled.arches {
        let out = a.outcome.as_ref().unwrap();
        let prog = out.program.filters().unwrap();
        let bitmap = emu::seccomp_arch_nr(a.arch);
        let allowed: Vec<u32> = (0..bitmap)
            .filter(|&nr| match out.table.lookup(nr) {
                crate::decide::Lookup::Named(d) => d.constant_action() == Some(Action::Allow),
                crate::decide::Lookup::Default(o) => o.action == Action::Allow,
                _ => false,
            })
            .collect();
        assert!(allowed.len() > 200, "{}", a.arch);
        let report = emu::cache_coverage(&prog, a.arch, allowed);
        assert!(
            report.is_complete(),
            "{}: not cached {:?}",
            a.arch,
            report.not_cached
        );
        // And nothing conditional is: the kernel must run the filter for write.
        let write = crate::tables::syscalls::table(a.arch)
            .number("write")
            .unwrap();
        assert!(!emu::filter_is_const_allow(
            &prog,
            a.arch.audit_arch(),
            write
        ));
    }
}
