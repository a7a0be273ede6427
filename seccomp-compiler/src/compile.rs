//! The whole compiler as one function: parse -> check structure -> check
//! names -> per architecture (resolve -> decide -> successors -> lints ->
//! codegen), with a gate after each step. Problems of one architecture do not stop the
//! others; a problem every compiled architecture has is the policy's.
//!
//! Plain loops rather than iterator chains with closures: this crate is
//! compiled unoptimised in every build that uses the macro, and each chain
//! is compiled anew.

use crate::arch::Arch;
use crate::ast;
use crate::codegen;
use crate::decide::{self, DecisionTable};
use crate::diag::{Diagnostic, Elsewhere};
use crate::ir::ResolvedPolicy;
use crate::program::Program;
use crate::span::Span;
use crate::{check, parse, resolve, successors};

/// A policy compiled for each of its architectures.
#[derive(Debug)]
pub struct Compilation {
    /// The parsed policy the architectures were compiled from.
    pub policy: ast::Policy,
    /// One entry per architecture the policy targets, in the policy's order.
    pub arches: Vec<ArchCompilation>,
}

/// One architecture's result: a program, or what is wrong there.
#[derive(Debug)]
pub struct ArchCompilation {
    /// The architecture this entry is for.
    pub arch: Arch,
    /// The compiled output, or the errors that stopped it on this architecture.
    pub outcome: Result<ArchOutput, Vec<Diagnostic>>,
}

/// Everything the passes produced for one architecture.
#[derive(Debug)]
pub struct ArchOutput {
    /// The policy with names resolved to this architecture's numbers.
    pub resolved: ResolvedPolicy,
    /// The action decided for every syscall number and argument case.
    pub table: DecisionTable,
    /// The generated classic-BPF filter.
    pub program: Program,
    /// Problems that do not stop the compilation (the `siblings` warning).
    pub warnings: Vec<Diagnostic>,
}

impl Compilation {
    /// The output for `arch`, if it compiled.
    pub fn get(&self, arch: Arch) -> Option<&ArchOutput> {
        for a in &self.arches {
            if a.arch == arch {
                return a.outcome.as_ref().ok();
            }
        }
        None
    }

    /// The warnings of every compiled architecture: one every architecture
    /// reported alike is reported once, as the policy's.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut each: Vec<&[Diagnostic]> = Vec::new();
        for a in &self.arches {
            if let Ok(o) = &a.outcome {
                each.push(&o.warnings);
            }
        }
        let mut out: Vec<Diagnostic> = Vec::new();
        for warnings in &each {
            for d in *warnings {
                let mut d = d.clone();
                if in_every(&each, &d) {
                    d.arch = None;
                }
                if !contains_problem_on(&out, &d, d.arch) {
                    out.push(d);
                }
            }
        }
        out
    }
}

/// Whether `a` and `b` report the same problem: same place, same message.
fn same_problem(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.span.byte_range() == b.span.byte_range() && a.message == b.message
}

/// Whether `list` reports the problem `d` reports.
fn contains_problem(list: &[Diagnostic], d: &Diagnostic) -> bool {
    for o in list {
        if same_problem(o, d) {
            return true;
        }
    }
    false
}

/// Whether `list` reports the problem `d` reports, tagged with `arch`.
fn contains_problem_on(list: &[Diagnostic], d: &Diagnostic, arch: Option<Arch>) -> bool {
    for o in list {
        if same_problem(o, d) && o.arch == arch {
            return true;
        }
    }
    false
}

/// Whether there are several lists and each reports the problem `d`
/// reports.
fn in_every(lists: &[&[Diagnostic]], d: &Diagnostic) -> bool {
    if lists.len() < 2 {
        return false;
    }
    for list in lists {
        if !contains_problem(list, d) {
            return false;
        }
    }
    true
}

/// Compiles policy text for every architecture it selects.
pub fn compile_str(text: &str) -> Result<Compilation, Vec<Diagnostic>> {
    let policy = parse::parse_str(text)?;
    compile(policy, Span::text(0, text.len()), None)
}

/// Compiles a parsed policy. `whole` spans the policy (for problems with
/// no better place); `only` limits the architectures further (the command
/// line's `--arch`).
pub fn compile(
    policy: ast::Policy,
    whole: Span,
    only: Option<&[Arch]>,
) -> Result<Compilation, Vec<Diagnostic>> {
    check::structure(&policy, whole)?;
    resolve::check_names(&policy)?;
    let arches = architectures(&policy, only)?;
    let mut results: Vec<ArchCompilation> = Vec::new();
    for arch in arches {
        results.push(ArchCompilation {
            arch,
            outcome: compile_arch(&policy, arch),
        });
    }
    note_other_arches(&mut results);
    promote_common_problems(&mut results)?;
    Ok(Compilation {
        policy,
        arches: results,
    })
}

fn architectures(
    policy: &ast::Policy,
    only: Option<&[Arch]>,
) -> Result<Vec<Arch>, Vec<Diagnostic>> {
    let selected = resolve::selected_arches(policy);
    let Some(only) = only else {
        return Ok(selected);
    };
    for a in only {
        if !selected.contains(a) {
            let list = Arch::list(&selected);
            return Err(vec![Diagnostic::error(
                arch_statement(policy),
                format!("the policy is not for {a}: its `arch` statement selects {list}"),
            )]);
        }
    }
    Ok(only.to_vec())
}

/// Where the policy selects its architectures (the first `arch`
/// statement; only called when there is one).
fn arch_statement(policy: &ast::Policy) -> Span {
    for s in &policy.statements {
        if let ast::StatementKind::Arch(_) = s.kind {
            return s.span;
        }
    }
    Span::none()
}

/// `ds`, each marked as concerning `arch` only.
fn tag(ds: Vec<Diagnostic>, arch: Arch) -> Vec<Diagnostic> {
    let mut out = Vec::with_capacity(ds.len());
    for d in ds {
        out.push(d.for_arch(arch));
    }
    out
}

fn compile_arch(policy: &ast::Policy, arch: Arch) -> Result<ArchOutput, Vec<Diagnostic>> {
    let mut resolved = match resolve::resolve(policy, arch) {
        Ok(r) => r,
        Err(ds) => return Err(tag(ds, arch)),
    };
    let mut table = decide::decide(&resolved);
    let fallbacks = successors::fallback_rules(policy, &resolved, &table);
    if !fallbacks.is_empty() {
        resolved.rules.extend(fallbacks);
        table = decide::decide(&resolved);
    }
    let mut lints = check::lints(policy, &table);
    lints.extend(check::families::portability(policy, &table));
    let warnings = match check::acknowledged(policy).contains(&check::families::LINT) {
        true => Vec::new(),
        false => check::families::sibling_warnings(policy, &table),
    };
    if !lints.is_empty() {
        return Err(tag(lints, arch));
    }
    let program = match codegen::generate(&table) {
        Ok(p) => p,
        Err(e) => return Err(vec![too_long(policy, &resolved, e).for_arch(arch)]),
    };
    Ok(ArchOutput {
        resolved,
        table,
        program,
        warnings,
    })
}

/// A program past the kernel's limit, pointed at the statement whose
/// conditions contribute most.
fn too_long(policy: &ast::Policy, resolved: &ResolvedPolicy, e: codegen::TooLong) -> Diagnostic {
    // Per statement index; `None` for statements with no rule.
    let mut weight: Vec<Option<usize>> = vec![None; policy.statements.len()];
    for rule in &resolved.rules {
        let mut n = 0;
        for (_, e) in rule.entries.as_slice() {
            n += match &e.cond {
                Some(c) => cond_weight(c),
                None => 1,
            };
        }
        if let Some(w) = weight.get_mut(rule.statement) {
            *w = Some(w.unwrap_or(0) + n);
        }
    }
    // The heaviest statement, the first of several.
    let mut heaviest: Option<(usize, usize)> = None;
    for (i, w) in weight.iter().enumerate() {
        if let Some(w) = *w
            && heaviest.is_none_or(|(_, most)| w > most)
        {
            heaviest = Some((i, w));
        }
    }
    let span = match heaviest {
        Some((i, _)) => policy.statements[i].span,
        None => Span::none(),
    };
    Diagnostic::error(
        span,
        format!("the program needs {} instructions, more than the kernel's limit of 4096", e.len),
    )
    .with_help("most of them check the conditions of this statement; split the policy or simplify its conditions")
    .with_help("the kernel refuses programs longer than BPF_MAXINSNS (include/uapi/linux/bpf_common.h)")
}

/// How many comparison values a condition holds, one more for each
/// comparison.
fn cond_weight(c: &crate::ir::Cond) -> usize {
    let mut n = 0;
    for cmp in c.comparisons() {
        n += cmp.values.len() + 1;
    }
    n
}

/// Tells each problem of one architecture how the others fared: which
/// report the same problem, which fail otherwise, which compile.
fn note_other_arches(results: &mut [ArchCompilation]) {
    let mut failures: Vec<(Arch, Vec<Diagnostic>)> = Vec::new();
    let mut compiled: Vec<Arch> = Vec::new();
    for r in results.iter() {
        match &r.outcome {
            Err(ds) => failures.push((r.arch, ds.clone())),
            Ok(_) => compiled.push(r.arch),
        }
    }
    for r in results.iter_mut() {
        let arch = r.arch;
        let Err(diags) = &mut r.outcome else { continue };
        for d in diags.iter_mut() {
            if d.arch.is_none() {
                continue;
            }
            let mut e = Elsewhere {
                compiled: compiled.clone(),
                ..Elsewhere::default()
            };
            for (other, theirs) in &failures {
                if *other == arch {
                    continue;
                }
                if contains_problem(theirs, d) {
                    e.same.push(*other);
                } else {
                    e.other_errors.push(*other);
                }
            }
            d.elsewhere = Some(Box::new(e));
        }
    }
}

/// When no architecture compiled, the compilation fails. A problem every
/// architecture reports the same way is then reported once, as the
/// policy's; the others keep their architecture.
fn promote_common_problems(results: &mut [ArchCompilation]) -> Result<(), Vec<Diagnostic>> {
    let mut failed: Vec<&[Diagnostic]> = Vec::new();
    for r in results.iter() {
        if let Err(ds) = &r.outcome {
            failed.push(ds);
        }
    }
    let Some(first) = failed.first() else {
        return Ok(());
    };
    if failed.len() != results.len() {
        return Ok(());
    }
    let mut out = Vec::new();
    for d in *first {
        if in_every(&failed, d) {
            out.push(Diagnostic {
                arch: None,
                elsewhere: None,
                ..d.clone()
            });
        }
    }
    for ds in &failed {
        for d in *ds {
            if !in_every(&failed, d) {
                out.push(d.clone());
            }
        }
    }
    Err(out)
}

#[cfg(test)]
mod tests;
