//! Argument checks: a decision's arms and their conditions lowered to
//! loads, masks and jumps.
//!
//! A parameter of up to 32 bits compares one word (the low one), masked to
//! its width when narrower; a 64-bit one compares the high word, then the
//! low one. Word offsets follow the architecture's byte order. Conditions
//! short-circuit: `a || b` tests `b` only when `a` fails.

use super::dag::{Dag, JumpOp, NodeId};
use crate::action::Action;
use crate::bpf::arg_word_offset;
use crate::ir::{Cmp, CmpOp, Cond, Operand};
use crate::program::{K, SymPart};

pub struct Lowering<'a> {
    pub dag: &'a mut Dag,
    pub big_endian: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Lo,
    Hi,
}

impl Lowering<'_> {
    /// Code for "the first arm whose condition holds decides, otherwise
    /// `otherwise`".
    pub fn decision(&mut self, arms: &[(Cond, Action)], otherwise: Action) -> NodeId {
        let mut next = self.dag.ret(otherwise.to_ret());
        for (cond, action) in arms.iter().rev() {
            let taken = self.dag.ret(action.to_ret());
            next = self.cond(cond, taken, next);
        }
        next
    }

    /// Code that goes to `t` when `c` holds and to `f` otherwise.
    pub fn cond(&mut self, c: &Cond, t: NodeId, f: NodeId) -> NodeId {
        match c {
            Cond::Or(v) => {
                let mut rest = f;
                for c in v.iter().rev() {
                    rest = self.cond(c, t, rest);
                }
                rest
            }
            Cond::And(v) => {
                let mut rest = t;
                for c in v.iter().rev() {
                    rest = self.cond(c, rest, f);
                }
                rest
            }
            Cond::Cmp(cmp) => self.cmp(cmp, t, f),
        }
    }

    fn cmp(&mut self, c: &Cmp, t: NodeId, f: NodeId) -> NodeId {
        // `!=`, `<` and `<=` are `==`, `>=` and `>` with the targets swapped.
        let (op, t, f) = match c.op {
            CmpOp::Eq => (JumpOp::Eq, t, f),
            CmpOp::Ne => (JumpOp::Eq, f, t),
            CmpOp::Gt => (JumpOp::Gt, t, f),
            CmpOp::Le => (JumpOp::Gt, f, t),
            CmpOp::Ge => (JumpOp::Ge, t, f),
            CmpOp::Lt => (JumpOp::Ge, f, t),
        };
        match (c.bits <= 32, op) {
            (true, JumpOp::Eq) => self.word_set(c, Word::Lo, &c.values, t, f),
            (true, _) => {
                let test = self.dag.jump(op, self.k(c, c.values[0], Word::Lo), t, f);
                self.load_masked(c, Word::Lo, test)
            }
            (false, JumpOp::Eq) => self.wide_set(c, t, f),
            (false, _) => self.wide_order(c, op, t, f),
        }
    }

    /// `word == v1 || word == v2 ...` on one word, with the jset forms for
    /// single-bit and zero tests under a constant mask.
    fn word_set(&mut self, c: &Cmp, w: Word, values: &[Operand], t: NodeId, f: NodeId) -> NodeId {
        if let ([value], Some(m)) = (values, self.const_mask(c, w))
            && m != u32::MAX
        {
            let v = self.k(c, *value, w);
            if v == K::Const(0) {
                let test = self.dag.jump(JumpOp::Set, K::Const(m), f, t);
                return self.load(c, w, test);
            }
            if v == K::Const(m) && m.is_power_of_two() {
                let test = self.dag.jump(JumpOp::Set, K::Const(m), t, f);
                return self.load(c, w, test);
            }
        }
        let mut chain = f;
        for v in values.iter().rev() {
            chain = self.dag.jump(JumpOp::Eq, self.k(c, *v, w), t, chain);
        }
        self.load_masked(c, w, chain)
    }

    /// `==` on a 64-bit parameter. With constant values, values sharing a
    /// high word share its test; with symbolic ones each value is tested in
    /// turn.
    fn wide_set(&mut self, c: &Cmp, t: NodeId, f: NodeId) -> NodeId {
        let mut consts = Vec::with_capacity(c.values.len());
        for v in &c.values {
            if let Operand::Const(x) = *v {
                consts.push(x);
            }
        }
        let all_const = consts.len() == c.values.len();
        if all_const && self.const_mask(c, Word::Hi) == Some(0) {
            // The masked argument has no high bits, and neither has any
            // constant (simplification dropped those that did): the low
            // word decides. A symbolic value may have high bits, so then
            // the high words are compared too.
            return self.word_set(c, Word::Lo, &c.values, t, f);
        }
        if !all_const || matches!(c.mask, Some(Operand::Sym(_))) {
            let mut rest = f;
            for v in c.values.iter().rev() {
                rest = self.wide_eq(c, *v, t, rest);
            }
            return rest;
        }
        let mut groups: Vec<(u32, Vec<Operand>)> = Vec::new();
        for v in consts {
            let hi = (v >> 32) as u32;
            let lo = Operand::Const(v & 0xffff_ffff);
            match high_word_group(&mut groups, hi) {
                Some(los) => los.push(lo),
                None => groups.push((hi, vec![lo])),
            }
        }
        let mut chain = f;
        for (hi, los) in groups.iter().rev() {
            let low_test = self.word_set(c, Word::Lo, los, t, f);
            chain = self.dag.jump(JumpOp::Eq, K::Const(*hi), low_test, chain);
        }
        self.load_masked(c, Word::Hi, chain)
    }

    /// `x == v` on a 64-bit parameter, `v` possibly symbolic.
    fn wide_eq(&mut self, c: &Cmp, v: Operand, t: NodeId, f: NodeId) -> NodeId {
        let low = self.dag.jump(JumpOp::Eq, self.k(c, v, Word::Lo), t, f);
        let low = self.load_masked(c, Word::Lo, low);
        let high = self.dag.jump(JumpOp::Eq, self.k(c, v, Word::Hi), low, f);
        self.load_masked(c, Word::Hi, high)
    }

    /// `x > v` / `x >= v` on a 64-bit parameter: the high words decide
    /// unless they are equal.
    fn wide_order(&mut self, c: &Cmp, op: JumpOp, t: NodeId, f: NodeId) -> NodeId {
        let v = c.values[0];
        let low = self.dag.jump(op, self.k(c, v, Word::Lo), t, f);
        let low = self.load_masked(c, Word::Lo, low);
        if matches!(v, Operand::Const(_)) && self.const_mask(c, Word::Hi) == Some(0) {
            // A constant beyond the mask's reach was folded away, so this
            // one has no high bits, like the masked argument.
            return low;
        }
        let hi = self.k(c, v, Word::Hi);
        let high = match hi {
            // Nothing is above 0 but what is not equal to it.
            K::Const(0) => self.dag.jump(JumpOp::Eq, hi, low, t),
            // Nothing is above the largest word.
            K::Const(u32::MAX) => self.dag.jump(JumpOp::Eq, hi, low, f),
            _ => {
                let equal = self.dag.jump(JumpOp::Eq, hi, low, f);
                self.dag.jump(JumpOp::Gt, hi, t, equal)
            }
        };
        self.load_masked(c, Word::Hi, high)
    }

    /// The word of an operand.
    fn k(&self, c: &Cmp, v: Operand, w: Word) -> K {
        match (v, w) {
            // Values are reduced to the parameter's width already.
            (Operand::Const(x), Word::Lo) => K::Const(x as u32),
            (Operand::Const(x), Word::Hi) => K::Const((x >> 32) as u32),
            (Operand::Sym(sym), Word::Lo) if c.bits < 32 => K::Sym {
                sym,
                part: SymPart::Low(c.bits),
            },
            (Operand::Sym(sym), Word::Lo) => K::Sym {
                sym,
                part: SymPart::Lo,
            },
            (Operand::Sym(sym), Word::Hi) => K::Sym {
                sym,
                part: SymPart::Hi,
            },
        }
    }

    /// The mask applied to a word when it is constant (`Some(0xffff_ffff)`
    /// when nothing needs masking); `None` when it is symbolic.
    fn const_mask(&self, c: &Cmp, w: Word) -> Option<u32> {
        let width = match w {
            Word::Lo if c.bits < 32 => (1u32 << c.bits) - 1,
            _ => u32::MAX,
        };
        match c.mask {
            None => Some(width),
            Some(m @ Operand::Const(_)) => match self.k(c, m, w) {
                K::Const(x) => Some(x & width),
                K::Sym { .. } => None,
            },
            Some(Operand::Sym(_)) => None,
        }
    }

    /// Loads a word and applies the mask, then continues with `next`.
    fn load_masked(&mut self, c: &Cmp, w: Word, next: NodeId) -> NodeId {
        let masked = match (self.const_mask(c, w), c.mask) {
            (Some(u32::MAX), _) => next,
            (Some(m), _) => self.dag.and(K::Const(m), next),
            (None, Some(m)) => self.dag.and(self.k(c, m, w), next),
            (None, None) => unreachable!("const_mask is only None for a symbolic mask"),
        };
        self.load(c, w, masked)
    }

    fn load(&mut self, c: &Cmp, w: Word, next: NodeId) -> NodeId {
        let offset = arg_word_offset(c.arg, w == Word::Hi, self.big_endian);
        self.dag.load(offset, next)
    }
}

/// The low words of the values with high word `hi`, if `groups` has them.
fn high_word_group(groups: &mut [(u32, Vec<Operand>)], hi: u32) -> Option<&mut Vec<Operand>> {
    for (h, los) in groups {
        if *h == hi {
            return Some(los);
        }
    }
    None
}
