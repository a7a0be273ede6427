//! Code generation: a decision table -> a classic-BPF program.
//!
//! Shape of every program:
//!
//! ```text
//!   ld  arch
//!   jeq AUDIT_ARCH_<this>, dispatch, kill      ; another ABI: kill_process
//! dispatch:
//!   ld  nr
//!   <search tree of jge over runs of numbers>   ; x32 numbers are one more run
//!   <per-run code: a shared ret, or argument checks ending in rets>
//! ```
//!
//! Every syscall whose action does not depend on its arguments reaches its
//! `ret` reading only `arch` and `nr` through `jeq`/`jge`, which is what
//! the kernel's constant-action cache (`seccomp_is_const_allow`) accepts.
//!
//! The passes use plain loops rather than iterator chains with closures:
//! this crate is compiled unoptimised in every build that uses the macro,
//! and each chain instantiates std's generic adapters anew.

mod cond;
mod dag;
mod layout;
mod tree;

use crate::action::Action;
use crate::arch::X32_SYSCALL_BIT;
use crate::bpf::*;
use crate::decide::{DecisionTable, Lookup};
use crate::ir::Cond;
use crate::program::{K, Program};
use crate::tables::syscalls;
use dag::{Dag, Interner, JumpOp, NodeId};

/// What a run of numbers does: arms checked in order, then a fallback.
/// Two numbers with equal shapes can share code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Shape {
    arms: Vec<(Cond, Action)>,
    otherwise: Action,
}

impl Shape {
    fn constant(action: Action) -> Shape {
        Shape {
            arms: Vec::new(),
            otherwise: action,
        }
    }
}

/// How many plain numbers a syscall with argument checks weighs in the
/// search tree. The kernel's cache serves allowed syscalls without running
/// the filter, but never one whose outcome depends on its arguments: the
/// filter runs on every such call, so it is worth a shorter path. Measured
/// (`dispatch_stats`, the README example on x86_64): at 16, `write(fd == 1 |
/// 2)` takes 11 instructions instead of 13, while the mean over all numbers
/// moves from 8.97 to 9.13; at 64 it would take 9 for a mean of 9.90.
const ARGUMENT_CHECK_WEIGHT: u64 = 16;

/// The program is longer than the kernel accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLong {
    /// The number of instructions the program would have needed.
    pub len: usize,
}

/// Compiles one architecture's decisions.
pub fn generate(table: &DecisionTable) -> Result<Program, TooLong> {
    let mut shapes = Shapes::default();
    let arch = table.arch;
    let known = syscalls::table(arch).entries().iter().map(|&(nr, _)| nr);
    let unknown = shapes.id(Shape::constant(table.unknown.action));
    let other_abi = if arch.has_x32_abi() {
        let kill = shapes.id(Shape::constant(Action::KillProcess));
        Some((X32_SYSCALL_BIT, kill))
    } else {
        None
    };
    let runs = tree::runs(
        known,
        |nr| shapes.id(shape_of(table, nr)),
        unknown,
        other_abi,
    );

    let mut dag = Dag::new();
    let mut lowering = cond::Lowering {
        dag: &mut dag,
        big_endian: arch.is_big_endian(),
    };
    let mut leaf_code: Vec<NodeId> = Vec::with_capacity(shapes.list.len());
    for s in &shapes.list {
        leaf_code.push(lowering.decision(&s.arms, s.otherwise));
    }
    let horizon = (syscalls::table(arch).max_number() + 1).clamp(512, 4096);
    let boost = |leaf: usize| {
        if shapes.list[leaf].arms.is_empty() {
            1
        } else {
            ARGUMENT_CHECK_WEIGHT
        }
    };
    let search = tree::optimal_tree(&tree::weights(&runs, horizon, &boost));
    let dispatch = tree::emit(&search, &runs, &leaf_code, &mut dag);

    let root = arch_check(&mut dag, arch.audit_arch(), dispatch);
    let (dag, root) = dag.without_redundant_loads(root);
    let insns = layout::layout(&dag, root);
    if insns.len() > BPF_MAXINSNS {
        return Err(TooLong { len: insns.len() });
    }
    Ok(Program {
        arch,
        insns,
        actions: table.actions(),
    })
}

/// `ld arch; jeq AUDIT_ARCH, (ld nr; dispatch), kill_process`.
fn arch_check(dag: &mut Dag, audit_arch: u32, dispatch: NodeId) -> NodeId {
    let kill = dag.ret(SECCOMP_RET_KILL_PROCESS);
    let with_nr = dag.load(SECCOMP_DATA_NR, dispatch);
    let check = dag.jump(JumpOp::Eq, K::Const(audit_arch), with_nr, kill);
    dag.load(SECCOMP_DATA_ARCH, check)
}

fn shape_of(table: &DecisionTable, nr: u32) -> Shape {
    match table.lookup(nr) {
        Lookup::OtherAbi => Shape::constant(Action::KillProcess),
        Lookup::Unknown(o) | Lookup::Default(o) => Shape::constant(o.action),
        Lookup::Named(d) => {
            let mut arms = Vec::with_capacity(d.arms.len());
            for a in &d.arms {
                arms.push((a.cond.clone(), a.action));
            }
            Shape {
                arms,
                otherwise: d.otherwise.action,
            }
        }
    }
}

/// Distinct shapes, numbered in order of first use.
#[derive(Default)]
struct Shapes {
    list: Vec<Shape>,
    /// Shapes without arms by their action: most syscalls have one of a
    /// handful, and hashing a `Shape` is slow in the unoptimised builds
    /// cargo gives proc macros.
    constants: Vec<(Action, usize)>,
    /// The shapes with arms in `list`.
    ids: Interner,
}

impl Shapes {
    fn id(&mut self, shape: Shape) -> usize {
        if shape.arms.is_empty() {
            return self.constant_id(shape.otherwise);
        }
        self.ids.intern(&mut self.list, shape) as usize
    }

    fn constant_id(&mut self, action: Action) -> usize {
        let mut i = 0;
        while i < self.constants.len() {
            if self.constants[i].0 == action {
                return self.constants[i].1;
            }
            i += 1;
        }
        self.list.push(Shape::constant(action));
        let id = self.list.len() - 1;
        self.constants.push((action, id));
        id
    }
}

#[cfg(test)]
mod tests;
