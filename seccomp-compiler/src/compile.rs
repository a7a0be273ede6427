//! The whole compiler as one function: parse -> check structure -> check
//! names -> per architecture (resolve -> decide -> successors -> lints ->
//! codegen), with a gate after each step. Problems of one architecture do not stop the
//! others; a problem every compiled architecture has is the policy's.

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
        self.arches
            .iter()
            .find(|a| a.arch == arch)
            .and_then(|a| a.outcome.as_ref().ok())
    }

    /// The warnings of every compiled architecture: one every architecture
    /// reported alike is reported once, as the policy's.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let each: Vec<&Vec<Diagnostic>> = self
            .arches
            .iter()
            .filter_map(|a| a.outcome.as_ref().ok().map(|o| &o.warnings))
            .collect();
        let key = |d: &Diagnostic| (d.span.byte_range(), d.message.clone());
        let everywhere = |d: &Diagnostic| {
            each.len() > 1 && each.iter().all(|w| w.iter().any(|o| key(o) == key(d)))
        };
        let mut out: Vec<Diagnostic> = Vec::new();
        for d in each.iter().flat_map(|w| w.iter()) {
            let d = match everywhere(d) {
                true => Diagnostic {
                    arch: None,
                    ..d.clone()
                },
                false => d.clone(),
            };
            if !out.iter().any(|o| key(o) == key(&d) && o.arch == d.arch) {
                out.push(d);
            }
        }
        out
    }
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
    let mut results: Vec<ArchCompilation> = arches
        .iter()
        .map(|&arch| ArchCompilation {
            arch,
            outcome: compile_arch(&policy, arch),
        })
        .collect();
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
    let missing: Vec<_> = only.iter().filter(|a| !selected.contains(a)).collect();
    if let Some(a) = missing.first() {
        let list = selected
            .iter()
            .map(|a| a.name())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(vec![Diagnostic::error(
            arch_statement(policy),
            format!("the policy is not for {a}: its `arch` statement selects {list}"),
        )]);
    }
    Ok(only.to_vec())
}

/// Where the policy selects its architectures (the first `arch`
/// statement; only called when there is one).
fn arch_statement(policy: &ast::Policy) -> Span {
    policy
        .statements
        .iter()
        .find(|s| matches!(s.kind, ast::StatementKind::Arch(_)))
        .map_or(Span::none(), |s| s.span)
}

fn compile_arch(policy: &ast::Policy, arch: Arch) -> Result<ArchOutput, Vec<Diagnostic>> {
    let tag = |ds: Vec<Diagnostic>| ds.into_iter().map(|d| d.for_arch(arch)).collect::<Vec<_>>();
    let mut resolved = resolve::resolve(policy, arch).map_err(tag)?;
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
        return Err(tag(lints));
    }
    let program = codegen::generate(&table)
        .map_err(|e| vec![too_long(policy, &resolved, e).for_arch(arch)])?;
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
        let values = |c: &crate::ir::Cond| {
            c.comparisons()
                .iter()
                .map(|c| c.values.len() + 1)
                .sum::<usize>()
        };
        let n: usize = rule
            .entries
            .values()
            .map(|e| e.cond.as_deref().map_or(1, values))
            .sum();
        if let Some(w) = weight.get_mut(rule.statement) {
            *w = Some(w.unwrap_or(0) + n);
        }
    }
    let heaviest = weight
        .iter()
        .enumerate()
        .filter_map(|(i, w)| Some((i, (*w)?)))
        .max_by_key(|&(i, w)| (w, std::cmp::Reverse(i)))
        .map(|(i, _)| i);
    let span = heaviest
        .and_then(|i| policy.statements.get(i))
        .map_or_else(Span::none, |s| s.span);
    Diagnostic::error(
        span,
        format!("the program needs {} instructions, more than the kernel's limit of 4096", e.len),
    )
    .with_help("most of them check the conditions of this statement; split the policy or simplify its conditions")
    .with_help("the kernel refuses programs longer than BPF_MAXINSNS (include/uapi/linux/bpf_common.h)")
}

/// Tells each problem of one architecture how the others fared: which
/// report the same problem, which fail otherwise, which compile.
fn note_other_arches(results: &mut [ArchCompilation]) {
    let key = |d: &Diagnostic| (d.span.byte_range(), d.message.clone());
    let failures: Vec<(Arch, Vec<_>)> = results
        .iter()
        .filter_map(|r| {
            r.outcome
                .as_ref()
                .err()
                .map(|ds| (r.arch, ds.iter().map(key).collect()))
        })
        .collect();
    let compiled: Vec<Arch> = results
        .iter()
        .filter(|r| r.outcome.is_ok())
        .map(|r| r.arch)
        .collect();
    for r in results.iter_mut() {
        let arch = r.arch;
        let Err(diags) = &mut r.outcome else { continue };
        for d in diags.iter_mut().filter(|d| d.arch.is_some()) {
            let mut e = Elsewhere {
                compiled: compiled.clone(),
                ..Elsewhere::default()
            };
            for (other, keys) in failures.iter().filter(|(a, _)| *a != arch) {
                match keys.contains(&key(d)) {
                    true => e.same.push(*other),
                    false => e.other_errors.push(*other),
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
    let failed: Vec<&Vec<Diagnostic>> = results
        .iter()
        .filter_map(|r| r.outcome.as_ref().err())
        .collect();
    if failed.len() != results.len() {
        return Ok(());
    }
    let key = |d: &Diagnostic| (d.span.byte_range(), d.message.clone());
    let is_common = |d: &Diagnostic| {
        results.len() > 1
            && failed
                .iter()
                .all(|other| other.iter().any(|o| key(o) == key(d)))
    };
    let common = failed[0]
        .iter()
        .filter(|d| is_common(d))
        .map(|d| Diagnostic {
            arch: None,
            elsewhere: None,
            ..d.clone()
        });
    let rest = failed
        .iter()
        .flat_map(|ds| ds.iter())
        .filter(|d| !is_common(d))
        .cloned();
    Err(common.chain(rest).collect())
}

#[cfg(test)]
mod tests;
