//! The program as a graph before layout: each node is one instruction and
//! names its successors. Nodes are hash-consed, so identical code (a
//! shared `ret`, the same argument check reached from two syscalls) exists
//! once. Built bottom-up, so a node's successors always have smaller ids:
//! the graph is acyclic, as BPF requires.
//!
//! Plain loops and a hand-written hash table ([`Interner`]) rather than
//! iterator chains and std's `HashMap`: this crate is compiled unoptimised
//! in every build that uses the macro, and each of those instantiates
//! std's generic code anew.

use crate::program::K;
use std::hash::{Hash, Hasher};

pub type NodeId = u32;

/// Conditional jumps seccomp's cache analysis accepts (`BPF_JMP | op | BPF_K`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JumpOp {
    /// `BPF_JEQ`
    Eq,
    /// `BPF_JGT`
    Gt,
    /// `BPF_JGE`
    Ge,
    /// `BPF_JSET`
    Set,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// `BPF_RET | BPF_K`
    Ret(u32),
    /// `BPF_LD | BPF_W | BPF_ABS`: A = the word at `offset` of seccomp_data.
    Load { offset: u32, next: NodeId },
    /// `BPF_ALU | BPF_AND | BPF_K`: A &= k.
    And { k: K, next: NodeId },
    /// `BPF_JMP | op | BPF_K`: to `t` if `A op k`, else to `f`.
    Jump {
        op: JumpOp,
        k: K,
        t: NodeId,
        f: NodeId,
    },
}

impl Node {
    pub fn successors(&self) -> impl Iterator<Item = NodeId> {
        let (a, b) = match *self {
            Node::Ret(_) => (None, None),
            Node::Load { next, .. } | Node::And { next, .. } => (Some(next), None),
            Node::Jump { t, f, .. } => (Some(t), Some(f)),
        };
        a.into_iter().chain(b)
    }
}

/// What the accumulator holds when a node starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acc {
    Unknown,
    Word(u32),
    Masked(u32, K),
}

#[derive(Default)]
pub struct Dag {
    nodes: Vec<Node>,
    index: Interner,
}

/// Hash-consing: finds a value in a `Vec` of distinct values by an
/// open-addressing table of their indices, hashed with [`NodeHasher`].
#[derive(Default)]
pub struct Interner {
    /// `1 + index`, 0 for an empty slot; a power of two long (or empty),
    /// at most half full.
    slots: Vec<u32>,
}

impl Interner {
    /// The index of `item` in `items`, pushed there first if it is new.
    /// Values pushed to `items` other than through here may not be found.
    pub fn intern<T: Hash + Eq>(&mut self, items: &mut Vec<T>, item: T) -> u32 {
        if (items.len() + 1) * 2 > self.slots.len() {
            self.rebuild(items);
        }
        let mask = self.slots.len() - 1;
        let mut slot = hash_of(&item) & mask;
        loop {
            let entry = self.slots[slot] as usize;
            if entry == 0 {
                break;
            }
            if items[entry - 1] == item {
                // Indices fit u32: programs have at most 4096 instructions.
                return (entry - 1) as u32;
            }
            slot = (slot + 1) & mask;
        }
        items.push(item);
        self.slots[slot] = items.len() as u32;
        items.len() as u32 - 1
    }

    /// A table twice as large as `items` needs, holding all of them.
    fn rebuild<T: Hash>(&mut self, items: &[T]) {
        let len = ((items.len() + 1) * 4).next_power_of_two();
        let mut slots = vec![0u32; len];
        for (i, item) in items.iter().enumerate() {
            let mut slot = hash_of(item) & (len - 1);
            while slots[slot] != 0 {
                slot = (slot + 1) & (len - 1);
            }
            slots[slot] = i as u32 + 1;
        }
        self.slots = slots;
    }
}

fn hash_of<T: Hash>(item: &T) -> usize {
    let mut hasher = NodeHasher::default();
    item.hash(&mut hasher);
    // Only the low bits are used.
    hasher.finish() as usize
}

/// FxHash's multiply-rotate: nodes are small integers chosen by us, not by
/// an attacker, so SipHash's protection buys nothing and costs time in
/// unoptimised proc-macro builds.
#[derive(Default)]
pub struct NodeHasher(u64);

impl Hasher for NodeHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Dag {
    pub fn new() -> Dag {
        Dag::default()
    }

    pub fn node(&self, id: NodeId) -> Node {
        self.nodes[id as usize]
    }

    /// Adds a node, or finds the identical one. A jump whose two targets
    /// are the same node tests nothing and is not added.
    pub fn add(&mut self, node: Node) -> NodeId {
        if let Node::Jump { t, f, .. } = node
            && t == f
        {
            return t;
        }
        self.index.intern(&mut self.nodes, node)
    }

    pub fn ret(&mut self, value: u32) -> NodeId {
        self.add(Node::Ret(value))
    }

    pub fn load(&mut self, offset: u32, next: NodeId) -> NodeId {
        self.add(Node::Load { offset, next })
    }

    pub fn and(&mut self, k: K, next: NodeId) -> NodeId {
        self.add(Node::And { k, next })
    }

    pub fn jump(&mut self, op: JumpOp, k: K, t: NodeId, f: NodeId) -> NodeId {
        self.add(Node::Jump { op, k, t, f })
    }

    /// A copy of the graph reachable from `root` without loads (and masks)
    /// that leave the accumulator as every path into them already has it.
    /// Returns the new graph and its root.
    pub fn without_redundant_loads(&self, root: NodeId) -> (Dag, NodeId) {
        let entry = self.entry_states(root);
        let mut out = Dag::new();
        // Ids are dense, so maps keyed by id are vectors.
        let mut map: Vec<NodeId> = vec![0; root as usize + 1];
        let m = |map: &[NodeId], id: NodeId| map[id as usize];
        // Ids grow from successors to predecessors, so ascending order
        // maps every successor before its users.
        for id in 0..=root {
            let Some(acc) = entry[id as usize] else {
                continue;
            };
            let mapped = match self.node(id) {
                Node::Load { offset, next } if acc == Acc::Word(offset) => m(&map, next),
                Node::And { k, next } if matches!(acc, Acc::Masked(_, mk) if mk == k) => {
                    m(&map, next)
                }
                Node::Ret(v) => out.ret(v),
                Node::Load { offset, next } => out.load(offset, m(&map, next)),
                Node::And { k, next } => out.and(k, m(&map, next)),
                Node::Jump { op, k, t, f } => out.jump(op, k, m(&map, t), m(&map, f)),
            };
            map[id as usize] = mapped;
        }
        (out, m(&map, root))
    }

    /// The accumulator's content at the start of every node reachable from
    /// `root` (`None` for the others): what all paths into it agree on.
    fn entry_states(&self, root: NodeId) -> Vec<Option<Acc>> {
        let mut entry: Vec<Option<Acc>> = vec![None; root as usize + 1];
        entry[root as usize] = Some(Acc::Unknown);
        // Descending ids visit predecessors before successors.
        for id in (0..=root).rev() {
            let Some(acc) = entry[id as usize] else {
                continue;
            };
            let node = self.node(id);
            let exit = match node {
                Node::Load { offset, .. } => Acc::Word(offset),
                Node::And { k, .. } => match acc {
                    Acc::Word(o) => Acc::Masked(o, k),
                    Acc::Masked(o, m) if m == k => Acc::Masked(o, m),
                    _ => Acc::Unknown,
                },
                Node::Jump { .. } | Node::Ret(_) => acc,
            };
            for s in node.successors() {
                let slot = &mut entry[s as usize];
                *slot = match *slot {
                    Some(a) if a != exit => Some(Acc::Unknown),
                    _ => Some(exit),
                };
            }
        }
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_nodes_are_shared_and_trivial_jumps_vanish() {
        let mut d = Dag::new();
        let a = d.ret(1);
        let b = d.ret(1);
        assert_eq!(a, b);
        let j = d.jump(JumpOp::Eq, K::Const(3), a, b);
        assert_eq!(j, a);
    }

    #[test]
    fn a_reload_of_the_same_word_is_removed() {
        let mut d = Dag::new();
        let t = d.ret(1);
        let f = d.ret(0);
        let second = d.jump(JumpOp::Eq, K::Const(2), t, f);
        let reload = d.load(16, second);
        let first = d.jump(JumpOp::Eq, K::Const(1), t, reload);
        let root = d.load(16, first);
        let (o, r) = d.without_redundant_loads(root);
        let Node::Load { next, .. } = o.node(r) else {
            panic!()
        };
        let Node::Jump { f: after_first, .. } = o.node(next) else {
            panic!()
        };
        assert!(matches!(
            o.node(after_first),
            Node::Jump { k: K::Const(2), .. }
        ));
    }

    #[test]
    fn a_load_reached_with_different_accumulators_stays() {
        let mut d = Dag::new();
        let t = d.ret(1);
        let f = d.ret(0);
        let check = d.jump(JumpOp::Eq, K::Const(2), t, f);
        let shared = d.load(16, check);
        let via_other = d.load(24, shared);
        let via_same = d.load(16, shared);
        let root = d.jump(JumpOp::Eq, K::Const(9), via_other, via_same);
        let root = d.load(0, root);
        let (o, r) = d.without_redundant_loads(root);
        let mut count = 0;
        let mut stack = vec![r];
        let mut seen = std::collections::HashSet::new();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                count += usize::from(matches!(o.node(n), Node::Load { offset: 16, .. }));
                stack.extend(o.node(n).successors());
            }
        }
        // The shared load of offset 16 stays: one path arrives with 24.
        assert_eq!(count, 2);
    }
}
