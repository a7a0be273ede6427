//! Layout: the instruction graph in a line, with real jump offsets.
//!
//! Nodes are placed in reverse post-order of a depth-first walk, which puts
//! every node after all of its predecessors (BPF jumps only forward) and
//! the successor of a load right after it. Conditional jumps reach at most
//! 255 instructions ahead; a target further away gets a stand-in placed
//! right after the jump: a copy of the `ret` when the target is one (free
//! at run time), otherwise a `ja` trampoline, whose offset is 32 bits.
//! Stand-ins already within reach are reused.
//!
//! Plain loops: this crate is compiled unoptimised in every build that
//! uses the macro, where each iterator chain instantiates std's adapters.

use super::dag::{Dag, JumpOp, Node, NodeId};
use crate::bpf::*;
use crate::program::{Insn, K};

/// An instruction before offsets are known; jump targets are labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Ret(u32),
    Load(u32),
    And(K),
    Jump(JumpOp, K, Label, Label),
    Ja(Label),
}

type Label = usize;

struct Slot {
    op: Op,
    label: Label,
}

/// Lays out the graph reachable from `root`.
pub fn layout(dag: &Dag, root: NodeId) -> Vec<Insn> {
    let order = reverse_post_order(dag, root);
    let mut slots = place(dag, &order);
    fix_far_jumps(&mut slots);
    encode(&slots)
}

fn reverse_post_order(dag: &Dag, root: NodeId) -> Vec<NodeId> {
    let mut post = Vec::new();
    // Ids are dense and below the root's (successors are built first).
    let mut seen = vec![false; root as usize + 1];
    seen[root as usize] = true;
    // Each frame: a node and its successors still to visit, last first.
    let mut stack: Vec<(NodeId, Vec<NodeId>)> = vec![(root, visit_order(dag.node(root)))];
    while let Some((node, pending)) = stack.last_mut() {
        match pending.pop() {
            Some(s) if !seen[s as usize] => {
                seen[s as usize] = true;
                let succ = visit_order(dag.node(s));
                stack.push((s, succ));
            }
            Some(_) => {}
            None => {
                post.push(*node);
                stack.pop();
            }
        }
    }
    post.reverse();
    post
}

/// Successors in the order a depth-first walk pops them. The one visited
/// last ends up right after the node: for a jump that is the false branch
/// (so `jf` is 0 where it can be), for a load or mask its only successor.
fn visit_order(node: Node) -> Vec<NodeId> {
    match node {
        Node::Jump { t, f, .. } => vec![f, t],
        Node::Load { next, .. } | Node::And { next, .. } => vec![next],
        Node::Ret(_) => Vec::new(),
    }
}

/// One slot per node in order, plus a `ja` where a load or mask is not
/// followed by its successor (its successor was placed for another path).
fn place(dag: &Dag, order: &[NodeId]) -> Vec<Slot> {
    let mut slots = Vec::with_capacity(order.len());
    // Labels past every node's own.
    let mut next_label = 0;
    for &id in order {
        if id as usize + 1 > next_label {
            next_label = id as usize + 1;
        }
    }
    for (i, &id) in order.iter().enumerate() {
        let (op, falls_to) = match dag.node(id) {
            Node::Ret(v) => (Op::Ret(v), None),
            Node::Load { offset, next } => (Op::Load(offset), Some(next)),
            Node::And { k, next } => (Op::And(k), Some(next)),
            Node::Jump { op, k, t, f } => (Op::Jump(op, k, t as Label, f as Label), None),
        };
        slots.push(Slot {
            op,
            label: id as Label,
        });
        if let Some(next) = falls_to
            && order.get(i + 1) != Some(&next)
        {
            slots.push(Slot {
                op: Op::Ja(next as Label),
                label: next_label,
            });
            next_label += 1;
        }
    }
    slots
}

/// Positions by label.
fn positions(slots: &[Slot]) -> Vec<usize> {
    let mut max = 0;
    for s in slots {
        if s.label > max {
            max = s.label;
        }
    }
    let mut pos = vec![usize::MAX; max + 1];
    for (i, s) in slots.iter().enumerate() {
        pos[s.label] = i;
    }
    pos
}

/// The furthest a conditional jump reaches: `jt`/`jf` are 8 bits.
const MAX_JUMP: usize = 255;

/// Gives every conditional jump that reaches too far a stand-in within
/// reach. Works from the last jump back: a stand-in inserted after jump
/// `i` moves only what follows `i`, so jumps after `i` stay as checked.
fn fix_far_jumps(slots: &mut Vec<Slot>) {
    let mut pos = positions(slots);
    let mut next_label = pos.len();
    let mut i = slots.len();
    while i > 0 {
        i -= 1;
        let Op::Jump(op, k, t, f) = slots[i].op else {
            continue;
        };
        let far = |target: Label| pos[target] - i - 1 > MAX_JUMP;
        let (which_t, target) = if far(t) {
            (true, t)
        } else if far(f) {
            (false, f)
        } else {
            continue;
        };
        let stand_in = match find_stand_in(slots, &pos, i, target) {
            Some(label) => label,
            None => {
                let op = match slots[pos[target]].op {
                    Op::Ret(v) => Op::Ret(v),
                    _ => Op::Ja(target),
                };
                slots.insert(
                    i + 1,
                    Slot {
                        op,
                        label: next_label,
                    },
                );
                next_label += 1;
                pos = positions(slots);
                next_label - 1
            }
        };
        slots[i].op = if which_t {
            Op::Jump(op, k, stand_in, f)
        } else {
            Op::Jump(op, k, t, stand_in)
        };
        // Check this jump again: its other target may be far too.
        i += 1;
    }
}

/// An instruction within reach of jump `i` that does what jumping to
/// `target` does: the same `ret`, or a `ja` to it.
fn find_stand_in(slots: &[Slot], pos: &[usize], i: usize, target: Label) -> Option<Label> {
    let wanted_ret = match slots[pos[target]].op {
        Op::Ret(v) => Some(v),
        _ => None,
    };
    let end = (i + 1 + MAX_JUMP).min(slots.len() - 1);
    for s in &slots[i + 1..=end] {
        match s.op {
            Op::Ret(v) if Some(v) == wanted_ret => return Some(s.label),
            Op::Ja(l) if l == target => return Some(s.label),
            _ => {}
        }
    }
    None
}

fn encode(slots: &[Slot]) -> Vec<Insn> {
    let pos = positions(slots);
    let offset = |i: usize, target: Label| pos[target] - i - 1;
    let mut insns = Vec::with_capacity(slots.len());
    for (i, s) in slots.iter().enumerate() {
        insns.push(match s.op {
            Op::Ret(v) => insn(BPF_RET | BPF_K, 0, 0, K::Const(v)),
            Op::Load(off) => insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, K::Const(off)),
            Op::And(k) => insn(BPF_ALU | BPF_AND | BPF_K, 0, 0, k),
            Op::Jump(op, k, t, f) => {
                // fix_far_jumps brought every offset within 255.
                let (jt, jf) = (offset(i, t) as u8, offset(i, f) as u8);
                insn(BPF_JMP | jump_code(op) | BPF_K, jt, jf, k)
            }
            // Programs are at most a few thousand instructions long.
            Op::Ja(t) => insn(BPF_JMP | BPF_JA, 0, 0, K::Const(offset(i, t) as u32)),
        });
    }
    insns
}

fn jump_code(op: JumpOp) -> u16 {
    match op {
        JumpOp::Eq => BPF_JEQ,
        JumpOp::Gt => BPF_JGT,
        JumpOp::Ge => BPF_JGE,
        JumpOp::Set => BPF_JSET,
    }
}

fn insn(code: u16, jt: u8, jf: u8, k: K) -> Insn {
    Insn { code, jt, jf, k }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `n` tests of `nr`, each to its own `ret` except the last
    /// which goes to one shared `ret` placed after everything.
    fn far_program(n: u32) -> (Dag, NodeId) {
        let mut dag = Dag::new();
        let shared = dag.ret(SECCOMP_RET_ALLOW);
        let mut next = dag.ret(SECCOMP_RET_KILL_PROCESS);
        for i in 0..n {
            let own = dag.ret(SECCOMP_RET_ERRNO | i);
            let test = dag.jump(JumpOp::Eq, K::Const(i), own, next);
            next = dag.jump(JumpOp::Eq, K::Const(1000 + i), shared, test);
        }
        let root = dag.load(0, next);
        (dag, root)
    }

    fn check_offsets(insns: &[Insn]) {
        for (i, ins) in insns.iter().enumerate() {
            if ins.code == BPF_JMP | BPF_JA {
                let K::Const(k) = ins.k else { panic!() };
                assert!(i + 1 + (k as usize) < insns.len());
            } else if bpf_class(ins.code) == BPF_JMP {
                assert!(i + 1 + usize::from(ins.jt.max(ins.jf)) < insns.len());
            }
        }
    }

    #[test]
    fn short_programs_need_no_stand_ins() {
        let (dag, root) = far_program(10);
        let insns = layout(&dag, root);
        // load + 20 jumps + 10 own rets + kill + allow.
        assert_eq!(insns.len(), 1 + 20 + 10 + 2);
        check_offsets(&insns);
    }

    #[test]
    fn far_returns_are_copied_within_reach() {
        let (dag, root) = far_program(300);
        let insns = layout(&dag, root);
        check_offsets(&insns);
        let allows = insns
            .iter()
            .filter(|i| i.code == BPF_RET | BPF_K && i.k == K::Const(SECCOMP_RET_ALLOW))
            .count();
        assert!(allows > 1, "the shared ret should have been copied");
        assert!(
            !insns.iter().any(|i| i.code == BPF_JMP | BPF_JA),
            "ret targets need no trampolines"
        );
    }
}
