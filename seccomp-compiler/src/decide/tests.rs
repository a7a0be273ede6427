use super::*;
use crate::action::ENOSYS;
use crate::compile_str;

/// The action `text` gives syscall `name` on x86_64 with `args`, asked of
/// both the reference evaluator and the decision table (which must agree).
fn act(text: &str, name: &str, args: [u64; 6]) -> Action {
    let c = compile_str(text).unwrap_or_else(|e| panic!("{text}: {}", e[0].full_message()));
    let out = c.get(Arch::X86_64).unwrap();
    let nr = syscalls::table(Arch::X86_64).number(name).unwrap();
    let data = SeccompData {
        nr,
        arch: Arch::X86_64.audit_arch(),
        args,
        ..Default::default()
    };
    let none = |_| 0;
    let by_eval = eval(&out.resolved, &data, &none);
    assert_eq!(
        out.table.action(&data, &none),
        by_eval,
        "table and eval disagree on {name}"
    );
    by_eval
}

fn fd(v: u64) -> [u64; 6] {
    [v, 0, 0, 0, 0, 0]
}

#[test]
fn keep_with_a_condition_restricts_an_allowed_syscall() {
    let p = "base @system-service; keep write(fd == 1 | 2);";
    assert_eq!(act(p, "write", fd(1)), Action::Allow);
    assert_eq!(act(p, "write", fd(2)), Action::Allow);
    assert_eq!(act(p, "write", fd(3)), Action::KillProcess);
    assert_eq!(act(p, "read", fd(3)), Action::Allow);
}

#[test]
fn a_conditional_drop_layers_on_the_earlier_rule() {
    // `acknowledge siblings`: writev and the other writers stay allowed.
    let p = "deny errno(EPERM); base @basic-io; drop write(fd == 3) => errno(EBADF); acknowledge siblings;";
    assert_eq!(act(p, "write", fd(3)), Action::Errno(9));
    assert_eq!(act(p, "write", fd(4)), Action::Allow);
    // Unnamed before: the earlier rule is the default (= deny here).
    let p = "deny errno(EPERM); drop mkdir(mode == 0) => errno(EACCES);";
    // mkdir(pathname, mode): mode is arg1.
    assert_eq!(act(p, "mkdir", [0, 0, 0, 0, 0, 0]), Action::Errno(13));
    assert_eq!(act(p, "mkdir", [0, 1, 0, 0, 0, 0]), Action::Errno(1));
    let p = "default allow; drop ptrace; drop mkdir(mode == 0) => errno(EACCES);";
    assert_eq!(act(p, "mkdir", [0, 0, 0, 0, 0, 0]), Action::Errno(13));
    assert_eq!(act(p, "mkdir", [0, 0o755, 0, 0, 0, 0]), Action::Allow);
}

#[test]
fn later_statements_replace_earlier_rules() {
    let p = "base @basic-io; drop write; keep write(fd == 2);";
    assert_eq!(act(p, "write", fd(2)), Action::Allow);
    assert_eq!(act(p, "write", fd(1)), Action::KillProcess);
    let p = "keep write(fd == 2); drop write => errno(EPERM);";
    assert_eq!(act(p, "write", fd(2)), Action::Errno(1));
}

#[test]
fn entries_of_one_statement_are_alternatives() {
    let p = "keep write(fd == 1), write(fd == 2), exit_group;";
    assert_eq!(act(p, "write", fd(2)), Action::Allow);
    assert_eq!(act(p, "write", fd(3)), Action::KillProcess);
    // An unconditional entry (here through a group) wins.
    let p = "keep write(fd == 1), @basic-io;";
    assert_eq!(act(p, "write", fd(3)), Action::Allow);
}

#[test]
fn exemptions_leave_a_syscall_to_earlier_rules() {
    let p = "default errno(EPERM); base @basic-io, !write; keep exit_group;";
    assert_eq!(act(p, "write", fd(1)), Action::Errno(1));
    assert_eq!(act(p, "read", fd(1)), Action::Allow);
    let p = "base @basic-io; drop @basic-io, !@signal, !read => errno(EPERM);";
    assert_eq!(act(p, "read", fd(1)), Action::Allow);
    assert_eq!(act(p, "write", fd(1)), Action::Errno(1));
}

#[test]
fn settings_apply_wherever_they_are_written() {
    let p = "keep write(fd == 1); deny errno(EACCES);";
    assert_eq!(act(p, "write", fd(5)), Action::Errno(13));
    assert_eq!(act(p, "read", fd(5)), Action::Errno(13));
    let p = "keep write; default trap; deny log;";
    assert_eq!(act(p, "read", fd(0)), Action::Trap);
}

#[test]
fn numbers_no_table_knows_get_the_unknown_action() {
    let c = compile_str("keep write;").unwrap();
    let out = c.get(Arch::X86_64).unwrap();
    let none = |_| 0;
    let at = |nr| SeccompData {
        nr,
        arch: Arch::X86_64.audit_arch(),
        ..Default::default()
    };
    assert_eq!(eval(&out.resolved, &at(1000), &none), Action::Errno(ENOSYS));
    assert_eq!(eval(&out.resolved, &at(400), &none), Action::Errno(ENOSYS));
    assert_eq!(
        eval(&out.resolved, &at(0x4000_0001), &none),
        Action::KillProcess
    );
    let foreign = SeccompData {
        nr: 1,
        arch: Arch::X86.audit_arch(),
        ..Default::default()
    };
    assert_eq!(eval(&out.resolved, &foreign, &none), Action::KillProcess);
    let c = compile_str("keep write; unknown errno(EPERM);").unwrap();
    assert_eq!(
        eval(&c.get(Arch::X86_64).unwrap().resolved, &at(1000), &none),
        Action::Errno(1)
    );
}

#[test]
fn widths_follow_the_kernel_prototype() {
    // openat's dfd is an int: the high word is ignored, -100 is AT_FDCWD.
    let p = "keep openat(dfd == -100);";
    assert_eq!(
        act(p, "openat", [0xffff_ff9c, 0, 0, 0, 0, 0]),
        Action::Allow
    );
    assert_eq!(
        act(p, "openat", [0x1234_5678_ffff_ff9c, 0, 0, 0, 0, 0]),
        Action::Allow
    );
    // An explicit :u64 compares all 64 bits.
    let p = "keep openat(dfd:u64 == -100);";
    assert_eq!(
        act(p, "openat", [0xffff_ff9c, 0, 0, 0, 0, 0]),
        Action::KillProcess
    );
    assert_eq!(
        act(p, "openat", [u64::MAX - 99, 0, 0, 0, 0, 0]),
        Action::Allow
    );
    // mmap's len is a size_t: 64 bits.
    let p = "keep mmap(len == 4096);";
    assert_eq!(
        act(p, "mmap", [0, 0x1_0000_1000, 0, 0, 0, 0]),
        Action::KillProcess
    );
}

fn decision_for(text: &str, name: &str) -> Decision {
    let c = compile_str(text).unwrap();
    let table = &c.get(Arch::X86_64).unwrap().table;
    let nr = syscalls::table(Arch::X86_64).number(name).unwrap();
    table.named.get(nr).unwrap().clone()
}

#[test]
fn conditions_that_cannot_matter_fold_to_constants() {
    for p in [
        "keep write(fd >= 0);",
        "keep write(count <= 0xffffffffffffffff);",
        "keep write(fd & 0 == 0);",
        "keep write(fd == 1 || fd != 1);",
        "drop write(fd == 0x1_0000_0000:u64 && fd == 1) => errno(1); keep write;",
    ] {
        let p = p.replace("0x1_0000_0000:u64", "0x1_0000_0000");
        let p = p.replace(
            "fd == 0x1_0000_0000 &&",
            "fd:u64 == 0x1_0000_0000 && fd:u64 == 0x1_0000_0000 &&",
        );
        let d = decision_for(&p, "write");
        if !p.contains("fd == 1 || fd != 1") {
            assert_eq!(d.constant_action(), Some(Action::Allow), "{p}: {d:?}");
        }
    }
    // A drop whose action equals what it layers on is no condition at all.
    let d = decision_for("base @basic-io; drop write(fd == 3) => allow;", "write");
    assert_eq!(d.constant_action(), Some(Action::Allow));
    // A value outside the mask never matches.
    let d = decision_for("keep write(fd & 0xf0 == 0x1);", "write");
    assert_eq!(d.constant_action(), Some(Action::KillProcess));
}

#[test]
fn simplify_folds_junctions() {
    let cmp = |op, v| {
        Cond::Cmp(Cmp {
            arg: 0,
            bits: 32,
            mask: None,
            op,
            values: vec![Operand::Const(v)],
            span: Span::none(),
        })
    };
    let always = cmp(CmpOp::Ge, 0);
    let never = cmp(CmpOp::Lt, 0);
    let real = cmp(CmpOp::Eq, 5);
    assert_eq!(
        simplify(Cond::And(vec![always.clone(), real.clone()])),
        Folded::Cond(real.clone())
    );
    assert_eq!(
        simplify(Cond::And(vec![never.clone(), real.clone()])),
        Folded::False
    );
    assert_eq!(
        simplify(Cond::Or(vec![always.clone(), real.clone()])),
        Folded::True
    );
    assert_eq!(
        simplify(Cond::Or(vec![never, real.clone()])),
        Folded::Cond(real)
    );
    assert_eq!(simplify(cmp(CmpOp::Gt, 0xffff_ffff)), Folded::False);
    assert_eq!(simplify(cmp(CmpOp::Le, 0xffff_ffff)), Folded::True);
}

#[test]
fn parameters_the_kernel_narrows_after_entry_cannot_be_dodged() {
    // mmap's fd is declared `unsigned long`, but fget() takes an unsigned
    // int: setting high bits must not escape a drop.
    // `acknowledge siblings`: mmap2 (x86, arm) and fork stay allowed.
    let p = "default allow; drop ptrace; drop mmap(fd == 3) => errno(EBADF); acknowledge siblings;";
    assert_eq!(act(p, "mmap", [0, 4096, 1, 1, 3, 0]), Action::Errno(9));
    assert_eq!(
        act(p, "mmap", [0, 4096, 1, 1, 0x1_0000_0003, 0]),
        Action::Errno(9)
    );
    assert_eq!(act(p, "mmap", [0, 4096, 1, 1, 4, 0]), Action::Allow);
    // clone uses lower_32_bits(clone_flags).
    let p = "default allow; drop ptrace; drop clone(clone_flags == 0x11) => errno(EPERM); drop clone3 => errno(ENOSYS); acknowledge siblings;";
    assert_eq!(
        act(p, "clone", [0xffff_0000_0000_0011, 0, 0, 0, 0, 0]),
        Action::Errno(1)
    );
}

#[test]
fn powerpc64_personality_and_pci_config_are_compared_on_the_32_bits_the_kernel_uses() {
    // arch/powerpc/kernel/syscalls.c: SYSCALL_DEFINE1(ppc64_personality,
    // unsigned long, personality) passes it to ksys_personality(unsigned
    // int) (include/linux/syscalls.h): the high word cannot dodge a drop.
    let arch = Arch::Powerpc64le;
    let c = compile_str(
        "default allow; drop ptrace; drop personality(personality == 8) => errno(EPERM);",
    )
    .unwrap();
    let out = c.get(arch).unwrap();
    let program = out.program.filters().unwrap();
    for (value, expected) in [
        (8, Action::Errno(1)),
        (0x1_0000_0008, Action::Errno(1)),
        (0xffff_ffff_0000_0008, Action::Errno(1)),
        (9, Action::Allow),
    ] {
        let data = SeccompData {
            nr: syscalls::table(arch).number("personality").unwrap(),
            arch: arch.audit_arch(),
            args: [value, 0, 0, 0, 0, 0],
            ..Default::default()
        };
        assert_eq!(eval(&out.resolved, &data, &|_| 0), expected, "{value:#x}");
        let ran = crate::emu::run(&program, &data, arch.is_big_endian()).unwrap();
        assert_eq!(Action::from_ret(ran.ret), expected, "{value:#x}");
    }
    // drivers/pci/syscall.c: pciconfig_read's bus and dfn go to
    // pci_get_domain_bus_and_slot(int, unsigned int, unsigned int).
    let c = compile_str(
        "default allow; drop ptrace; drop pciconfig_read(bus == 0 && dfn == 8) => errno(EPERM);",
    )
    .unwrap();
    let out = c.get(arch).unwrap();
    let program = out.program.filters().unwrap();
    let data = SeccompData {
        nr: syscalls::table(arch).number("pciconfig_read").unwrap(),
        arch: arch.audit_arch(),
        args: [1 << 40, 0x1_0000_0008, 0, 1, 0, 0],
        ..Default::default()
    };
    assert_eq!(eval(&out.resolved, &data, &|_| 0), Action::Errno(1));
    let ran = crate::emu::run(&program, &data, arch.is_big_endian()).unwrap();
    assert_eq!(Action::from_ret(ran.ret), Action::Errno(1));
    // x86_64's personality is the generic unsigned int one already.
    let p = "default allow; drop ptrace; drop personality(personality == 8) => errno(EPERM);";
    assert_eq!(
        act(p, "personality", [0x1_0000_0008, 0, 0, 0, 0, 0]),
        Action::Errno(1)
    );
}
