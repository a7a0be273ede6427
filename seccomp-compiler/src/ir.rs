//! The policy after resolution, for one architecture: names are numbers,
//! parameters are argument slots with widths, errno names are numbers.
//! Declared once here; `resolve.rs` builds it, `decide.rs` and `eval`
//! read it.

use crate::action::Action;
use crate::arch::Arch;
pub use crate::ast::CmpOp;
use crate::span::Span;
use crate::tables::successors::Successor;

/// One architecture's view of a policy.
#[derive(Clone, Debug)]
pub struct ResolvedPolicy {
    /// The architecture the names were resolved for.
    pub arch: Arch,
    /// How refused syscalls are refused (`deny`).
    pub deny: Setting,
    /// What syscalls no statement names get (`default`).
    pub default: Setting,
    /// What numbers no table knows get (`unknown`).
    pub unknown: Setting,
    /// `base`, `keep` and `drop` statements in order.
    pub rules: Vec<Rule>,
    /// Width constraints on symbolic values for this architecture, checked
    /// by rustc (see [`SymbolUse`]).
    pub symbol_uses: Vec<SymbolUse>,
}

/// A policy-wide setting and where it was set (`None`: built-in default).
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// The action.
    pub action: Action,
    /// Where the policy set it; `None` for the built-in default.
    pub span: Option<Span>,
}

/// A `base`/`keep` (allow) or `drop` statement, resolved.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Allow or drop.
    pub kind: RuleKind,
    /// Index of the statement in the policy.
    pub statement: usize,
    /// The statement's keyword.
    pub span: Span,
    /// A statement of the policy, or a rule the compiler added.
    pub source: RuleSource,
    /// The syscalls it names (after groups and `!` exemptions), each with
    /// its condition: `None` when some entry names it unconditionally.
    pub entries: Entries,
}

/// Where a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSource {
    /// The `base`, `keep` or `drop` statement `Rule::statement`.
    Statement,
    /// Added by `successors.rs`: `errno(ENOSYS)` for a successor the policy
    /// names nowhere, because it allows the call libc falls back to.
    /// `Rule::statement` and `Rule::span` are the statement that allows it.
    Successor(&'static Successor),
}

/// A rule's syscalls by number, each with its condition.
pub type Entries = NumberMap<Entry>;

/// Values by syscall number: a sorted slice rather than a map. There is one
/// per statement and per architecture, most name one or a few syscalls, and
/// a map's smallest node holds eleven (a million one-name statements took
/// 1.3 KB each for it); a B-tree's code is also compiled anew for every
/// key and value type, in every build that uses the macro.
#[derive(Clone, Debug)]
pub struct NumberMap<V>(Box<[(u32, V)]>);

impl<V> Default for NumberMap<V> {
    fn default() -> Self {
        NumberMap(Box::default())
    }
}

impl<V> NumberMap<V> {
    /// The values of `sorted`, which holds each number once, ascending.
    pub fn from_sorted(sorted: Vec<(u32, V)>) -> NumberMap<V> {
        debug_assert!(ascending(&sorted), "numbers ascend");
        NumberMap(sorted.into_boxed_slice())
    }

    /// The value for syscall `nr`.
    pub fn get(&self, nr: u32) -> Option<&V> {
        let i = self.0.binary_search_by_key(&nr, |&(n, _)| n).ok()?;
        Some(&self.0[i].1)
    }

    /// Whether syscall `nr` has a value.
    pub fn contains(&self, nr: u32) -> bool {
        self.get(nr).is_some()
    }

    /// The numbers and values, by ascending number, as stored.
    pub fn as_slice(&self) -> &[(u32, V)] {
        &self.0
    }

    /// The numbers and values, by ascending number.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &V)> {
        self.0.iter().map(|(nr, e)| (*nr, e))
    }

    /// The numbers alone, ascending.
    pub fn keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().map(|&(nr, _)| nr)
    }

    /// The values alone, by ascending number.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, e)| e)
    }

    /// How many numbers have a value.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no number has a value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether each number is larger than the one before.
fn ascending<V>(sorted: &[(u32, V)]) -> bool {
    for pair in sorted.windows(2) {
        if pair[0].0 >= pair[1].0 {
            return false;
        }
    }
    true
}

/// What a rule does with the syscalls it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// `base` / `keep`: allowed when the condition holds, otherwise refused
    /// with the deny action.
    Allow,
    /// `drop`: refused with this action; with a condition, only when it
    /// holds (the earlier rule stands otherwise).
    Drop(Action),
}

/// One syscall a rule names, and under which condition.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Boxed: most entries have none, and an inline `Cond` would make every
    /// entry five times larger.
    pub cond: Option<Box<Cond>>,
    /// The item that named the syscall (first one, if several did).
    pub span: Span,
}

/// A condition over `seccomp_data.args`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// Holds when any of these holds.
    Or(Vec<Cond>),
    /// Holds when all of these hold.
    And(Vec<Cond>),
    /// One comparison.
    Cmp(Cmp),
}

/// `(args[arg] & width_mask [& mask]) op value`, for one value or a set.
#[derive(Clone, Debug)]
pub struct Cmp {
    /// The argument index, 0..=5.
    pub arg: u8,
    /// How many low bits of the argument the kernel uses: 8, 16, 32 or 64.
    pub bits: u8,
    /// The `&` mask written in the policy, if any.
    pub mask: Option<Operand>,
    /// The comparison operator.
    pub op: CmpOp,
    /// One value, or a set for `==` (any) and `!=` (none).
    pub values: Vec<Operand>,
    /// The comparison in the policy text (not part of equality).
    pub span: Span,
}

impl PartialEq for Cmp {
    fn eq(&self, o: &Cmp) -> bool {
        (self.arg, self.bits, &self.mask, self.op, &self.values)
            == (o.arg, o.bits, &o.mask, o.op, &o.values)
    }
}

impl Eq for Cmp {}

impl std::hash::Hash for Cmp {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.arg, self.bits, &self.mask, self.op, &self.values).hash(h);
    }
}

/// A comparison operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operand {
    /// A literal, already reduced to the comparison's width.
    Const(u64),
    /// A symbolic value (a Rust path or `{ expr }`), by id; rustc
    /// computes it, reduced to the width, for the target.
    Sym(usize),
}

/// A symbolic value used at some width on this architecture: rustc must
/// check `value` fits (`-(2^(bits-1)) <= value < 2^bits`, or
/// `0 <= value < 2^bits` when `unsigned_only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SymbolUse {
    /// The symbolic value's id.
    pub sym: usize,
    /// The width it is compared at.
    pub bits: u8,
    /// Whether negative values are refused (set for masks and for
    /// ordered comparisons, where a sign-extended value changes meaning).
    pub unsigned_only: bool,
}

/// `2^bits - 1`.
pub const fn width_mask(bits: u8) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Whether the literal `v` can be written in a `bits`-wide parameter:
/// as unsigned, or as a negative value sign-extended.
pub fn fits(v: i128, bits: u8) -> bool {
    let bits = u32::from(bits);
    v >= -(1i128 << (bits - 1)) && v < (1i128 << bits)
}

/// `v` as the kernel sees it in a `bits`-wide parameter (two's complement).
pub fn reduce(v: i128, bits: u8) -> u64 {
    // Truncation to the low 64 bits is the point: two's complement.
    (v as u64) & width_mask(bits)
}

impl Cmp {
    /// Whether the comparison holds for `args`, with symbolic values given
    /// by `syms`. Written for clarity: it is the definition the generated
    /// code is tested against.
    pub fn holds(&self, args: &[u64; 6], syms: &dyn Fn(usize) -> u64) -> bool {
        let mut x = args[usize::from(self.arg)] & width_mask(self.bits);
        if let Some(m) = &self.mask {
            x &= self.value_of(m, syms);
        }
        // `==` holds when some value matches; the others when all do.
        let any = self.op == CmpOp::Eq;
        for o in &self.values {
            let v = self.value_of(o, syms);
            let this = match self.op {
                CmpOp::Eq => x == v,
                CmpOp::Ne => x != v,
                CmpOp::Lt => x < v,
                CmpOp::Le => x <= v,
                CmpOp::Gt => x > v,
                CmpOp::Ge => x >= v,
            };
            if this == any {
                return any;
            }
        }
        !any
    }

    fn value_of(&self, o: &Operand, syms: &dyn Fn(usize) -> u64) -> u64 {
        match *o {
            Operand::Const(c) => c,
            Operand::Sym(s) => syms(s) & width_mask(self.bits),
        }
    }
}

impl Cond {
    /// Whether the condition holds for these argument values, with `syms`
    /// giving each symbolic value by id.
    pub fn holds(&self, args: &[u64; 6], syms: &dyn Fn(usize) -> u64) -> bool {
        // `||` holds when some operand does, `&&` when all do.
        let (v, any) = match self {
            Cond::Or(v) => (v, true),
            Cond::And(v) => (v, false),
            Cond::Cmp(c) => return c.holds(args, syms),
        };
        for c in v {
            if c.holds(args, syms) == any {
                return any;
            }
        }
        !any
    }

    /// Every comparison in the condition.
    pub fn comparisons(&self) -> Vec<&Cmp> {
        let mut out = Vec::new();
        self.push_comparisons(&mut out);
        out
    }

    fn push_comparisons<'a>(&'a self, out: &mut Vec<&'a Cmp>) {
        match self {
            Cond::Or(v) | Cond::And(v) => {
                for c in v {
                    c.push_comparisons(out);
                }
            }
            Cond::Cmp(c) => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_reduction() {
        assert!(fits(-1, 32) && fits(0xffff_ffff, 32) && !fits(0x1_0000_0000, 32));
        assert!(fits(-(1 << 31), 32) && !fits(-(1 << 31) - 1, 32));
        assert!(fits(-1, 64) && fits(u64::MAX.into(), 64));
        assert_eq!(reduce(-100, 32), 0xffff_ff9c);
        assert_eq!(reduce(-1, 16), 0xffff);
        assert_eq!(reduce(-1, 64), u64::MAX);
    }

    #[test]
    fn a_32_bit_comparison_ignores_the_high_word() {
        let c = Cmp {
            arg: 0,
            bits: 32,
            mask: None,
            op: CmpOp::Eq,
            values: vec![Operand::Const(0xffff_ff9c)],
            span: Span::none(),
        };
        let none = |_| 0;
        assert!(c.holds(&[0xdead_beef_ffff_ff9c, 0, 0, 0, 0, 0], &none));
        assert!(!c.holds(&[0xffff_ff9d, 0, 0, 0, 0, 0], &none));
    }
}
