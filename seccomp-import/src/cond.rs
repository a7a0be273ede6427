//! Argument conditions as the JSON and minijail importers collect them
//! (an OR of ANDs of single comparisons, each with the width the source
//! compares), and how they are written in our language.
//!
//! Widths: libseccomp, seccompiler `qword` and minijail compare all 64 bits
//! of an argument on 64-bit architectures, seccompiler `dword` the low 32.
//! By default an import adopts our kernel-exact rule (a parameter declared
//! 32-bit in the kernel is compared on its low 32 bits, whatever the upper
//! register half holds) and says so in a note; with `exact_width` it writes
//! `argN:u64` / `argN:u32` to keep the source's comparison bit for bit.

use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::tables::params::{self, ParamSlot};
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeSet;

/// How the output refers to an argument.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArgRef {
    /// `argN`.
    Index(u8),
    /// A parameter name, resolved per architecture (used when the source
    /// gives one syscall different argument indices on different
    /// architectures, as Docker does for s390x's `clone`).
    Param(&'static str),
}

/// The width the source compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceWidth {
    Bits32,
    Bits64,
}

/// `arg [& mask] op value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cmp {
    pub arg: ArgRef,
    pub width: SourceWidth,
    pub mask: Option<u64>,
    pub op: CmpOp,
    pub value: u64,
}

/// Comparisons that must all hold.
pub type Conj = Vec<Cmp>;

/// Writes conditions for one syscall on a set of architectures.
pub struct Renderer<'a> {
    pub arches: &'a [Arch],
    pub exact: bool,
}

/// Where an argument reaches the filter on one architecture.
struct Slot {
    arch: Arch,
    /// Bits the kernel uses (the register width when unknown).
    declared: u8,
    word: u8,
    /// The parameter's name and C type, if the prototype is known.
    param: Option<(&'static str, &'static str)>,
}

impl Renderer<'_> {
    fn slots(&self, syscall: &str, arg: &ArgRef) -> Vec<Slot> {
        self.arches
            .iter()
            .filter(|&&a| syscalls::table(a).number(syscall).is_some())
            .map(|&arch| {
                let word = arch.word_bits() as u8;
                let found = params::params(arch, syscall).and_then(|ps| {
                    ps.iter().find_map(|p| match (p.slot, arg) {
                        (ParamSlot::Arg { index, bits }, ArgRef::Index(i)) if index == *i => {
                            Some((bits, p))
                        }
                        (ParamSlot::Arg { bits, .. }, ArgRef::Param(n)) if p.name == *n => {
                            Some((bits, p))
                        }
                        _ => None,
                    })
                });
                Slot {
                    arch,
                    declared: found.map_or(word, |(b, _)| b),
                    word,
                    param: found.map(|(_, p)| (p.name, p.ctype)),
                }
            })
            .collect()
    }

    /// `argN`, `argN:u64` or `argN:u32` and the largest width it compares
    /// on any architecture; a note when the width differs from the source's.
    fn arg(&self, syscall: &str, c: &Cmp, notes: &mut BTreeSet<String>) -> (String, u8) {
        let name = match &c.arg {
            ArgRef::Index(i) => format!("arg{i}"),
            ArgRef::Param(p) => (*p).to_owned(),
        };
        let slots = self.slots(syscall, &c.arg);
        let all = |f: &dyn Fn(&Slot) -> bool| slots.iter().all(f);
        let max_declared = slots.iter().map(|s| s.declared).max().unwrap_or(64);
        match (self.exact, c.width) {
            (true, SourceWidth::Bits64) if all(&|s| s.declared == s.word) => (name, max_declared),
            (true, SourceWidth::Bits64) => (format!("{name}:u64"), 64),
            (true, SourceWidth::Bits32) if all(&|s| s.declared == 32) => (name, 32),
            (true, SourceWidth::Bits32) => (format!("{name}:u32"), 32),
            (false, SourceWidth::Bits64) => {
                if let Some(s) = slots.iter().find(|s| s.declared < s.word) {
                    notes.insert(narrow_note(syscall, &name, s, "all 64"));
                }
                (name, max_declared)
            }
            (false, SourceWidth::Bits32) if all(&|s| s.declared <= 32) => {
                if let Some(s) = slots.iter().find(|s| s.declared < 32) {
                    notes.insert(narrow_note(syscall, &name, s, "32"));
                }
                (name, max_declared.min(32))
            }
            (false, SourceWidth::Bits32) => {
                notes.insert(format!(
                    "`{syscall}` {name}: the source compares only the low 32 bits of this 64-bit parameter; kept (`:u32`)"
                ));
                (format!("{name}:u32"), 32)
            }
        }
    }

    /// One comparison.
    pub fn cmp(&self, syscall: &str, c: &Cmp, notes: &mut BTreeSet<String>) -> String {
        let (arg, bits) = self.arg(syscall, c, notes);
        let mask = c
            .mask
            .map(|m| format!(" & {}", fmt_mask(m, bits)))
            .unwrap_or_default();
        format!("{arg}{mask} {} {}", c.op.symbol(), fmt_value(c.value, bits))
    }

    /// Comparisons joined with `&&`.
    pub fn conj(&self, syscall: &str, conj: &[Cmp], notes: &mut BTreeSet<String>) -> String {
        let parts: Vec<String> = conj.iter().map(|c| self.cmp(syscall, c, notes)).collect();
        parts.join(" && ")
    }

    /// Alternatives joined with `||`; adjacent single `==` comparisons of
    /// one argument become a value set (`arg0 == 1 | 2`).
    pub fn dnf(&self, syscall: &str, alts: &[Conj], notes: &mut BTreeSet<String>) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < alts.len() {
            let mut j = i + 1;
            if let [first] = alts[i].as_slice()
                && first.op == CmpOp::Eq
            {
                while j < alts.len()
                    && matches!(alts[j].as_slice(), [c] if c.op == CmpOp::Eq
                        && (&c.arg, c.width, c.mask) == (&first.arg, first.width, first.mask))
                {
                    j += 1;
                }
            }
            if j - i > 1 {
                let (arg, bits) = self.arg(syscall, &alts[i][0], notes);
                let mask = alts[i][0]
                    .mask
                    .map(|m| format!(" & {}", fmt_mask(m, bits)))
                    .unwrap_or_default();
                let values: Vec<String> = alts[i..j]
                    .iter()
                    .map(|a| fmt_value(a[0].value, bits))
                    .collect();
                parts.push(format!("{arg}{mask} == {}", values.join(" | ")));
            } else {
                let c = self.conj(syscall, &alts[i], notes);
                if alts[i].len() > 1 && alts.len() > 1 {
                    parts.push(format!("({c})"));
                } else {
                    parts.push(c);
                }
            }
            i = j;
        }
        parts.join(" || ")
    }
}

fn narrow_note(syscall: &str, name: &str, s: &Slot, source_bits: &str) -> String {
    let what = match s.param {
        Some((p, ctype)) => format!("`{p}` (`{ctype}`)"),
        None => name.to_owned(),
    };
    format!(
        "`{syscall}` {name}: the kernel uses {} bits of {what} ({}), so those are compared; the source compares {source_bits} (--exact-width keeps that)",
        s.declared, s.arch
    )
}

/// A value as written in the output: small numbers in decimal, others in
/// hex, and values that are small negative numbers in two's complement
/// (`-1`, `-100`) as negative numbers, so they mean the same at every
/// width they are compared at.
pub fn fmt_value(v: u64, bits: u8) -> String {
    let neg = v.wrapping_neg();
    if v >= 1 << 63 && neg <= 1 << 31 {
        return format!("-{neg}");
    }
    if bits <= 32 && v > u64::from(u32::MAX) && v >> 32 == u64::from(u32::MAX) {
        // A sign-extended 32-bit value: the low half is what is compared.
        return format!("{:#x}", v & u64::from(u32::MAX));
    }
    if v < 4096 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

/// A mask: hex (masks must be non-negative), reduced to the bits
/// compared (a `~X` complement otherwise has bits the parameter lacks).
pub fn fmt_mask(m: u64, bits: u8) -> String {
    let m = m & seccomp_compiler::ir::width_mask(bits);
    if m <= 9 {
        m.to_string()
    } else {
        format!("{m:#x}")
    }
}

/// Whether no argument values satisfy both `a` and `b` (both on the same
/// argument, compared on the same width); `false` when it cannot tell.
pub fn disjoint(a: &Cmp, b: &Cmp) -> bool {
    if a.arg != b.arg || a.width != b.width {
        return false;
    }
    if unsatisfiable(a) || unsatisfiable(b) {
        return true;
    }
    match (point(a), point(b)) {
        (Some(x), _) => !holds(b, x),
        (_, Some(y)) => !holds(a, y),
        _ => match (range(a), range(b)) {
            (Some((lo1, hi1)), Some((lo2, hi2))) => hi1 < lo2 || hi2 < lo1,
            _ => masked_disjoint(a, b),
        },
    }
}

fn unsatisfiable(c: &Cmp) -> bool {
    match (c.mask, c.op) {
        (Some(m), CmpOp::Eq) => c.value & !m != 0,
        (None, CmpOp::Lt) => c.value == 0,
        (None, CmpOp::Gt) => c.value == u64::MAX,
        _ => false,
    }
}

/// The one value `c` accepts, if it accepts exactly one.
fn point(c: &Cmp) -> Option<u64> {
    (c.mask.is_none() && c.op == CmpOp::Eq).then_some(c.value)
}

/// Whether `c` holds for the argument value `x`.
fn holds(c: &Cmp, x: u64) -> bool {
    let x = c.mask.map_or(x, |m| x & m);
    match c.op {
        CmpOp::Eq => x == c.value,
        CmpOp::Ne => x != c.value,
        CmpOp::Lt => x < c.value,
        CmpOp::Le => x <= c.value,
        CmpOp::Gt => x > c.value,
        CmpOp::Ge => x >= c.value,
    }
}

/// The interval an unmasked ordering comparison accepts.
fn range(c: &Cmp) -> Option<(u64, u64)> {
    if c.mask.is_some() {
        return None;
    }
    match c.op {
        CmpOp::Lt => Some((0, c.value.checked_sub(1)?)),
        CmpOp::Le => Some((0, c.value)),
        CmpOp::Gt => Some((c.value.checked_add(1)?, u64::MAX)),
        CmpOp::Ge => Some((c.value, u64::MAX)),
        _ => None,
    }
}

/// Two masked equalities that disagree on a bit both masks select.
fn masked_disjoint(a: &Cmp, b: &Cmp) -> bool {
    match (a.mask, a.op, b.mask, b.op) {
        (Some(m1), CmpOp::Eq, Some(m2), CmpOp::Eq) => (a.value ^ b.value) & m1 & m2 != 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(arg: u8, mask: Option<u64>, op: CmpOp, value: u64) -> Cmp {
        Cmp {
            arg: ArgRef::Index(arg),
            width: SourceWidth::Bits64,
            mask,
            op,
            value,
        }
    }

    #[test]
    fn values_read_well() {
        assert_eq!(fmt_value(0, 64), "0");
        assert_eq!(fmt_value(4095, 64), "4095");
        assert_eq!(fmt_value(0x7e02_0000, 64), "0x7e020000");
        assert_eq!(fmt_value(u64::MAX, 64), "-1");
        assert_eq!(fmt_value(-100i64 as u64, 32), "-100");
        assert_eq!(fmt_value(0xffff_ffff, 32), "0xffffffff");
        assert_eq!(fmt_mask(0x22, 64), "0x22");
        assert_eq!(fmt_mask(!0x22, 64), "0xffffffffffffffdd");
        assert_eq!(fmt_mask(!0x22, 32), "0xffffffdd");
    }

    #[test]
    fn disjointness() {
        use CmpOp::*;
        assert!(disjoint(&c(0, None, Eq, 40), &c(0, None, Eq, 16)));
        assert!(!disjoint(&c(0, None, Eq, 40), &c(0, None, Ne, 16)));
        assert!(disjoint(&c(0, None, Eq, 16), &c(0, None, Ne, 16)));
        assert!(disjoint(&c(0, None, Lt, 10), &c(0, None, Ge, 10)));
        assert!(!disjoint(&c(0, None, Lt, 11), &c(0, None, Ge, 10)));
        assert!(disjoint(&c(0, Some(0xff), Eq, 1), &c(0, Some(0x0f), Eq, 2)));
        assert!(!disjoint(
            &c(0, Some(0xf0), Eq, 0x10),
            &c(0, Some(0x0f), Eq, 2)
        ));
        assert!(disjoint(&c(0, Some(0xff), Eq, 3), &c(0, None, Eq, 4)));
        assert!(!disjoint(&c(0, None, Eq, 1), &c(1, None, Eq, 2)));
        assert!(disjoint(&c(0, None, Lt, 0), &c(0, None, Ne, 5)));
    }

    #[test]
    fn kernel_width_is_noted_and_exact_width_annotated() {
        let cmp = c(0, None, CmpOp::Eq, 0xffff_ffff);
        let mut notes = BTreeSet::new();
        let r = Renderer {
            arches: &[Arch::X86_64, Arch::X86],
            exact: false,
        };
        assert_eq!(r.cmp("personality", &cmp, &mut notes), "arg0 == 0xffffffff");
        assert_eq!(notes.len(), 1);
        let note = notes.iter().next().unwrap();
        assert!(
            note.contains("uses 32 bits of `personality` (`unsigned int`)"),
            "{note}"
        );
        let exact = Renderer {
            arches: &[Arch::X86_64],
            exact: true,
        };
        assert_eq!(
            exact.cmp("personality", &cmp, &mut notes),
            "arg0:u64 == 0xffffffff"
        );
        // 64-bit parameters need no annotation either way.
        let addr = c(0, Some(0xfff), CmpOp::Eq, 0);
        assert_eq!(exact.cmp("mmap", &addr, &mut notes), "arg0 & 0xfff == 0");
    }

    #[test]
    fn equal_alternatives_become_a_set() {
        let r = Renderer {
            arches: &[Arch::X86_64],
            exact: false,
        };
        let alts = vec![
            vec![c(0, None, CmpOp::Eq, 0)],
            vec![c(0, None, CmpOp::Eq, 8)],
            vec![c(0, None, CmpOp::Lt, 3), c(1, None, CmpOp::Ne, 2)],
        ];
        let mut notes = BTreeSet::new();
        assert_eq!(
            r.dnf("socket", &alts, &mut notes),
            "arg0 == 0 | 8 || (arg0 < 3 && arg1 != 2)"
        );
    }
}
