//! What a kafel policy decides on one architecture, as kafel computes it
//! (google/kafel 18f2074):
//! - every filter of every policy must name a syscall of kafel's table for
//!   the architecture and use only that syscall's argument names, unless an
//!   `ON` guard leaves the architecture out (kafel.c,
//!   validate_references);
//! - the compiled policy is the top-level statements, with each `USE`
//!   replaced by the used policy's statements the first time it is used
//!   (range_rules.c, add_policy_rules);
//! - for one syscall number the rules apply in order, the first whose
//!   expression holds deciding; a rule without expression ends the list;
//!   a number no rule decides gets the `DEFAULT` action (normalize_rules);
//! - an expression compares the low 32 bits of the arguments, or all 64
//!   when an argument of 8 bytes or a constant above 32 bits takes part
//!   (codegen.c, is_64bit); declared argument names are 8 bytes.

use super::super::ImportError;
use super::super::cond::{ArgRef, Cmp, SourceWidth};
use super::lex::{Files, Loc};
use super::parse::{BinOp, Entry, Expr, Filter, KAction, Program, SyscallSpec};
use super::tables;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::tables::constants;
use std::collections::BTreeMap;

/// A condition, as our language can write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    True,
    False,
    Cmp(Cmp),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

/// One rule of a syscall: when `cond` holds (always, for `None`), `action`.
#[derive(Clone, Debug)]
pub struct Step {
    pub cond: Option<Cond>,
    pub action: KAction,
    pub loc: Loc,
}

/// The kafel name for architecture `arch` (`ON` guards use these).
fn kafel_name(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "x86_64",
        Arch::X86 => "x86",
        Arch::Aarch64 => "aarch64",
        Arch::Arm => "arm",
        Arch::Riscv64 => "riscv64",
        _ => "",
    }
}

fn applies(f: &Filter, arch: Arch) -> bool {
    f.arches
        .as_ref()
        .is_none_or(|list| list.iter().any(|a| a == kafel_name(arch)))
}

/// Per syscall number, its rules in order (up to the first unconditional).
pub fn decide(
    program: &Program,
    files: &Files,
    arch: Arch,
) -> Result<BTreeMap<u32, Vec<Step>>, ImportError> {
    let ev = Eval { files, arch };
    for list in program
        .policies
        .iter()
        .map(|p| &p.entries)
        .chain([&program.main])
    {
        ev.validate(list)?;
    }
    let mut rules = Vec::new();
    let mut used = vec![false; program.policies.len()];
    ev.walk(program, &program.main, &mut used, &mut rules)?;
    let mut out: BTreeMap<u32, Vec<Step>> = BTreeMap::new();
    for (nr, step) in rules {
        let list = out.entry(nr).or_default();
        if list.last().is_none_or(|s| s.cond.is_some()) {
            list.push(step);
        }
    }
    Ok(out)
}

struct Eval<'a> {
    files: &'a Files,
    arch: Arch,
}

impl Eval<'_> {
    fn validate(&self, entries: &[Entry]) -> Result<(), ImportError> {
        for e in entries {
            let Entry::Block { filters, .. } = e else {
                continue;
            };
            for f in filters.iter().filter(|f| applies(f, self.arch)) {
                if let SyscallSpec::Name(name) = &f.syscall
                    && tables::lookup(self.arch, name).is_none()
                {
                    let mut err = self.files.error(
                        f.loc,
                        format!("undefined identifier `{name}`: kafel's syscall table for {} has no such syscall", self.arch),
                    );
                    if let Some(n) = seccomp_compiler::diag::nearest(name, tables::names(self.arch))
                    {
                        err = err.with_help(format!("did you mean `{n}`?"));
                    }
                    return Err(err);
                }
                if let Some(expr) = &f.expr {
                    self.check_idents(expr, &self.args(f))?;
                }
            }
        }
        Ok(())
    }

    /// The argument names and sizes an expression of `f` may use.
    fn args(&self, f: &Filter) -> Vec<(String, u8)> {
        if let Some(declared) = &f.args {
            return declared.iter().map(|n| (n.clone(), 8)).collect();
        }
        match &f.syscall {
            SyscallSpec::Name(n) => tables::lookup(self.arch, n)
                .map(|s| {
                    s.args
                        .iter()
                        .map(|&(a, size)| (a.to_owned(), size))
                        .collect()
                })
                .unwrap_or_default(),
            SyscallSpec::Number(_) => Vec::new(),
        }
    }

    fn check_idents(&self, e: &Expr, args: &[(String, u8)]) -> Result<(), ImportError> {
        match e {
            Expr::Number(_) => Ok(()),
            Expr::Ident(name, loc) => {
                if args.iter().any(|(a, _)| a == name) {
                    return Ok(());
                }
                let names: Vec<&str> = args.iter().map(|(a, _)| a.as_str()).collect();
                // kafel has no built-in constants (src/lexer.l: an
                // IDENTIFIER is an argument or a `#define`d name), so a
                // kernel constant is refused as kafel refuses it; the help
                // gives the `#define` that would make it work.
                if let Some(v) = constants::value(self.arch, name) {
                    return Err(self
                        .files
                        .error(*loc, format!("undefined identifier `{name}`"))
                        .with_help(format!("kafel has no built-in constants; `#define {name} {v}` gives it its value on {} (the kernel's headers)", self.arch)));
                }
                Err(self
                    .files
                    .error(*loc, format!("undefined identifier `{name}`"))
                    .with_help(if names.is_empty() {
                        "this syscall has no argument names here; declare them, e.g. `name(a, b) { a == 1 }`".to_owned()
                    } else {
                        format!("the arguments on {} are: {}", self.arch, names.join(", "))
                    }))
            }
            Expr::Not(c) => self.check_idents(c, args),
            Expr::Bin(_, l, r) => {
                self.check_idents(l, args)?;
                self.check_idents(r, args)
            }
        }
    }

    fn walk(
        &self,
        program: &Program,
        entries: &[Entry],
        used: &mut [bool],
        out: &mut Vec<(u32, Step)>,
    ) -> Result<(), ImportError> {
        for e in entries {
            match e {
                Entry::Use(i) => {
                    if !used[*i] {
                        used[*i] = true;
                        self.walk(program, &program.policies[*i].entries, used, out)?;
                    }
                }
                Entry::Block {
                    action, filters, ..
                } => {
                    for f in filters.iter().filter(|f| applies(f, self.arch)) {
                        let nr = match &f.syscall {
                            SyscallSpec::Number(n) => *n,
                            // Checked by validate.
                            SyscallSpec::Name(n) => {
                                tables::lookup(self.arch, n).map_or(0, |s| s.nr)
                            }
                        };
                        let cond = match &f.expr {
                            None => None,
                            Some(e) => match self.cond(e, &self.args(f))? {
                                Cond::True => None,
                                Cond::False => continue,
                                c => Some(c),
                            },
                        };
                        out.push((
                            nr,
                            Step {
                                cond,
                                action: *action,
                                loc: f.loc,
                            },
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn cond(&self, e: &Expr, args: &[(String, u8)]) -> Result<Cond, ImportError> {
        match e {
            Expr::Not(c) => Ok(negate(self.cond(c, args)?)),
            Expr::Bin(BinOp::And, l, r) => Ok(and(self.cond(l, args)?, self.cond(r, args)?)),
            Expr::Bin(BinOp::Or, l, r) => Ok(or(self.cond(l, args)?, self.cond(r, args)?)),
            Expr::Bin(op, l, r) => {
                let cmp = match op {
                    BinOp::Gt => CmpOp::Gt,
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Ge => CmpOp::Ge,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Eq => CmpOp::Eq,
                    _ => CmpOp::Ne,
                };
                let left = self.linear(l, args)?;
                let right = self.linear(r, args)?;
                self.compare(left, cmp, right, e)
            }
            // The grammar puts only comparisons, `!`, `&&`, `||` here.
            Expr::Number(_) | Expr::Ident(..) => Err(self.files.error(
                first_loc(e).unwrap_or(Loc { file: 0, offset: 0 }),
                "expected a comparison",
            )),
        }
    }

    /// A value: `(arg & mask) | bits`, or a constant.
    fn linear(&self, e: &Expr, args: &[(String, u8)]) -> Result<Lin, ImportError> {
        match e {
            Expr::Number(n) => Ok(Lin::constant(*n)),
            Expr::Ident(name, _) => {
                // Checked by validate.
                let i = args.iter().position(|(a, _)| a == name).unwrap_or(0);
                Ok(Lin {
                    // At most 6 names (parser and tables).
                    var: Some((i as u8, args.get(i).map_or(8, |a| a.1), name.clone())),
                    mask: None,
                    bits: 0,
                })
            }
            Expr::Bin(op @ (BinOp::BitAnd | BinOp::BitOr), l, r) => {
                let a = self.linear(l, args)?;
                let b = self.linear(r, args)?;
                let (v, c) = match (&a.var, &b.var) {
                    (Some(_), Some(_)) => {
                        return Err(self.files.error(
                            first_loc(e).unwrap_or(Loc { file: 0, offset: 0 }),
                            "combines two argument values with `&` or `|`, which our language cannot compare",
                        ));
                    }
                    (None, None) => {
                        let k = if *op == BinOp::BitAnd {
                            a.bits & b.bits
                        } else {
                            a.bits | b.bits
                        };
                        return Ok(Lin::constant(k));
                    }
                    (Some(_), None) => (a, b.bits),
                    (None, Some(_)) => (b, a.bits),
                };
                Ok(if *op == BinOp::BitAnd {
                    Lin {
                        mask: Some(v.mask.unwrap_or(u64::MAX) & c),
                        bits: v.bits & c,
                        ..v
                    }
                } else {
                    Lin {
                        bits: v.bits | c,
                        ..v
                    }
                })
            }
            _ => Err(self.files.error(
                first_loc(e).unwrap_or(Loc { file: 0, offset: 0 }),
                "expected a value",
            )),
        }
    }

    fn compare(&self, l: Lin, op: CmpOp, r: Lin, e: &Expr) -> Result<Cond, ImportError> {
        let at = first_loc(e).unwrap_or(Loc { file: 0, offset: 0 });
        let (x, op, k) = match (&l.var, &r.var) {
            (None, None) => return Ok(truth(holds(op, l.bits, r.bits))),
            (Some(a), Some(b)) => {
                // expression.c: `a OP a` of one bare argument is decided.
                if a.0 == b.0 && l.mask.is_none() && r.mask.is_none() && l.bits == 0 && r.bits == 0
                {
                    return Ok(truth(matches!(op, CmpOp::Eq | CmpOp::Le | CmpOp::Ge)));
                }
                return Err(self.files.error(
                    at,
                    format!("compares argument `{}` with argument `{}`; our language compares an argument with constants only", a.2, b.2),
                ));
            }
            (Some(_), None) => (l, op, r.bits),
            (None, Some(_)) => (r, mirror(op), l.bits),
        };
        let Some((index, size, name)) = x.var.clone() else {
            return Ok(Cond::False);
        };
        let wide = |v: u64| v > u64::from(u32::MAX);
        let bits64 = size == 8 || x.mask.is_some_and(wide) || wide(x.bits) || wide(k);
        let width_mask = if bits64 {
            u64::MAX
        } else {
            u64::from(u32::MAX)
        };
        let mut mask = x.mask.unwrap_or(u64::MAX) & width_mask & !x.bits;
        let mut value = k;
        if x.bits != 0 {
            if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                return Err(self.files.error(
                    at,
                    format!("orders `{name} | {:#x}`: an argument with bits ORed in can only be compared with == or !=", x.bits),
                ));
            }
            // (a & m | bits) == k: k has every bit of `bits`, and the
            // other bits of k are a's bits under the mask.
            if k & x.bits != x.bits {
                return Ok(truth(op == CmpOp::Ne));
            }
            value = k & !x.bits;
            mask &= !x.bits;
        }
        if matches!(op, CmpOp::Eq | CmpOp::Ne) && value & !mask != 0 {
            return Ok(truth(op == CmpOp::Ne));
        }
        if mask == width_mask {
            mask = u64::MAX;
        }
        Ok(Cond::Cmp(Cmp {
            arg: ArgRef::Index(index),
            width: if bits64 {
                SourceWidth::Bits64
            } else {
                SourceWidth::Bits32
            },
            mask: (mask != u64::MAX).then_some(mask),
            op,
            value,
        }))
    }
}

/// `(var & mask) | bits`, or the constant `bits` when `var` is `None`.
struct Lin {
    /// (argument index, size in bytes, name).
    var: Option<(u8, u8, String)>,
    mask: Option<u64>,
    bits: u64,
}

impl Lin {
    fn constant(k: u64) -> Lin {
        Lin {
            var: None,
            mask: None,
            bits: k,
        }
    }
}

fn first_loc(e: &Expr) -> Option<Loc> {
    match e {
        Expr::Ident(_, l) => Some(*l),
        Expr::Number(_) => None,
        Expr::Not(c) => first_loc(c),
        Expr::Bin(_, l, r) => first_loc(l).or_else(|| first_loc(r)),
    }
}

fn truth(b: bool) -> Cond {
    if b { Cond::True } else { Cond::False }
}

fn holds(op: CmpOp, a: u64, b: u64) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

/// `k OP a` as `a OP' k`.
fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn negate(c: Cond) -> Cond {
    match c {
        Cond::True => Cond::False,
        Cond::False => Cond::True,
        Cond::Cmp(mut x) => {
            x.op = match x.op {
                CmpOp::Eq => CmpOp::Ne,
                CmpOp::Ne => CmpOp::Eq,
                CmpOp::Lt => CmpOp::Ge,
                CmpOp::Ge => CmpOp::Lt,
                CmpOp::Le => CmpOp::Gt,
                CmpOp::Gt => CmpOp::Le,
            };
            Cond::Cmp(x)
        }
        Cond::And(v) => v.into_iter().map(negate).fold(Cond::False, or),
        Cond::Or(v) => v.into_iter().map(negate).fold(Cond::True, and),
    }
}

fn and(a: Cond, b: Cond) -> Cond {
    match (a, b) {
        (Cond::False, _) | (_, Cond::False) => Cond::False,
        (Cond::True, x) | (x, Cond::True) => x,
        (Cond::And(mut v), Cond::And(w)) => {
            v.extend(w);
            Cond::And(v)
        }
        (Cond::And(mut v), x) => {
            v.push(x);
            Cond::And(v)
        }
        (x, Cond::And(mut v)) => {
            v.insert(0, x);
            Cond::And(v)
        }
        (x, y) => Cond::And(vec![x, y]),
    }
}

fn or(a: Cond, b: Cond) -> Cond {
    match (a, b) {
        (Cond::True, _) | (_, Cond::True) => Cond::True,
        (Cond::False, x) | (x, Cond::False) => x,
        (Cond::Or(mut v), Cond::Or(w)) => {
            v.extend(w);
            Cond::Or(v)
        }
        (Cond::Or(mut v), x) => {
            v.push(x);
            Cond::Or(v)
        }
        (x, Cond::Or(mut v)) => {
            v.insert(0, x);
            Cond::Or(v)
        }
        (x, y) => Cond::Or(vec![x, y]),
    }
}
