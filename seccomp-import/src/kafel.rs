//! kafel policies (the policy language of nsjail), and nsjail configs that
//! embed one (`--from kafel`).
//!
//! Read as google/kafel 18f2074 reads them: `lex.rs` (src/lexer.l),
//! `parse.rs` (src/parser.y), kafel's own per-architecture syscall tables
//! (`tables.rs`, src/syscalls/*.c), and what the policy decides per
//! syscall (`eval.rs`: src/kafel.c, src/range_rules.c, src/codegen.c,
//! src/expression.c). `nsjail.rs` takes the policy out of an nsjail
//! config. Here the decisions become policy text.
//!
//! Architectures: nsjail compiles with kafel's default target, the
//! architecture it runs on. The import compiles for each architecture
//! both kafel and we support (x86_64, x86, aarch64, arm, riscv64) on which
//! kafel accepts the policy (one naming `open` is refused on aarch64,
//! whose table lacks it), or for those given with `--arch`. Its meaning
//! must be the same on all of them; where it differs (an `ON` guard, a
//! kafel name meaning different syscalls), import one at a time.
//!
//! What differs from kafel, always stricter: a call made through another
//! ABI is killed (kafel: the thread), and an x32 call on x86_64 is killed
//! (kafel gives it the default action).

mod eval;
mod lex;
mod nsjail;
mod parse;
mod proto;
mod tables;

use super::cond::Renderer;
use super::text::Item;
use super::{Draft, ImportError, ImportOptions, Imported};
use eval::{Cond, Step};
use lex::{Files, Loc, SourceFile};
use parse::{KAction, Program};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::syscalls;
use std::collections::{BTreeMap, BTreeSet};

/// The kafel commit whose semantics this importer follows.
const KAFEL: &str = "google/kafel 18f2074";

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let mut files = Files::default();
    let mut draft = Draft::new();
    let (what, from_nsjail) = read_source(source_name, text, &mut files, &mut draft)?;
    // nsjail adds no include search path to its kafel context (sandbox.cc
    // preparePolicy), so kafel finds no `#include`d file there.
    let search: &[std::path::PathBuf] = if from_nsjail { &[] } else { &opts.include_dirs };
    let mut toks = Vec::new();
    lex::lex(&mut files, 0, search, 0, &mut toks)?;
    let end = Loc {
        file: 0,
        offset: files.list[0].text.len(),
    };
    let program = parse::parse(&files, &toks, end)?;
    let default = program
        .default
        .map_or(Ok(Action::KillThread), |(a, loc)| action(a, &files, loc))?;
    let decided = decide_all(&program, &files, opts, &mut draft)?;
    let (decided, plans) = if opts.arches.is_some() {
        let plans = unify(&decided, &files, default, opts.exact_width)?;
        (decided, plans)
    } else {
        super::per_arch::consistent(
            decided,
            |d| unify(d, &files, default, opts.exact_width),
            &mut draft.warnings,
        )?
    };
    let arches: Vec<Arch> = decided.iter().map(|(a, _)| *a).collect();
    header(&mut draft, source_name, &what, &arches, &program, opts);
    settings(&mut draft, default, &arches);
    body(&mut draft, &plans, &arches, default, opts.exact_width);
    draft.ack_reasons.insert(
        "ptrace",
        "The kafel policy allows `ptrace`: it accepts that a tracer can change syscalls after the filter".to_owned(),
    );
    draft.ack_reasons.insert("clone3", "The kafel policy allows `clone3` beside conditions on `clone`: clone3's flags, in memory, escape them".to_owned());
    draft.ack_reasons.insert("socketcall", "The kafel policy allows `socketcall` beside conditions on socket calls, whose arguments then escape the filter".to_owned());
    draft.ack_reasons.insert("ipc", "The kafel policy allows `ipc` beside conditions on SysV IPC calls, whose arguments then escape the filter".to_owned());
    draft.finish(source_name)
}

/// Puts the kafel text in `files` (the file itself, the `seccomp_string`s
/// of an nsjail config, or its `seccomp_policy_file`); describes it, and
/// says whether it came from an nsjail config.
fn read_source(
    source_name: &str,
    text: &str,
    files: &mut Files,
    draft: &mut Draft,
) -> Result<(String, bool), ImportError> {
    let first = text.len() - text.trim_start().len();
    if text[first..].starts_with('{') {
        // No kafel policy starts with `{`; nsjail also reads configs in
        // ProtoJSON (config.cc parseFile: JsonStringToMessage).
        return Err(ImportError::new(
            super::location(source_name, text, first),
            "an nsjail config in ProtoJSON: only the protobuf text format is read",
        )
        .with_help(
            "write the config in text format (`seccomp_string: \"...\"`), as nsjail's configs/ are",
        ));
    }
    if !nsjail::is_config(text) {
        files.list.push(SourceFile {
            name: source_name.to_owned(),
            text: text.to_owned(),
            origin: None,
        });
        return Ok(("kafel policy".to_owned(), false));
    }
    let cfg = nsjail::read(source_name, text)?;
    draft.warnings.extend(cfg.warnings);
    if !cfg.other_fields.is_empty() {
        draft.warnings.push(format!(
            "nsjail options that do not concern the seccomp filter, left out: {}",
            cfg.other_fields.join(", ")
        ));
    }
    match (cfg.strings, cfg.policy_file) {
        (Some(_), Some((_, at))) => Err(ImportError::new(
            super::location(source_name, text, at),
            "the config has both `seccomp_string` and `seccomp_policy_file`; nsjail refuses that (\"Specify one only\")",
        )),
        (Some((decoded, origin)), None) => {
            files.list.push(SourceFile {
                name: source_name.to_owned(),
                text: decoded,
                origin: Some(origin),
            });
            Ok((
                "nsjail config, its `seccomp_string` values".to_owned(),
                true,
            ))
        }
        (None, Some((path, at))) => {
            // nsjail opens the path as given, from its working directory.
            let policy = std::fs::read_to_string(&path).map_err(|e| {
                ImportError::new(
                    super::location(source_name, text, at),
                    format!("cannot read seccomp_policy_file `{path}`: {e}"),
                )
            })?;
            files.list.push(SourceFile {
                name: path.clone(),
                text: policy,
                origin: None,
            });
            Ok((
                format!("nsjail config, its seccomp_policy_file {path}"),
                true,
            ))
        }
        (None, None) => Err(ImportError::new(
            source_name,
            "the nsjail config sets no seccomp policy (no `seccomp_string` or `seccomp_policy_file`), so nsjail installs no filter",
        )),
    }
}

/// kafel's action as ours; `TRAP(n)` with data cannot be written.
fn action(a: KAction, files: &Files, loc: Loc) -> Result<Action, ImportError> {
    Ok(match a {
        KAction::Allow => Action::Allow,
        KAction::Log => Action::Log,
        KAction::Kill => Action::KillThread,
        KAction::KillProcess => Action::KillProcess,
        KAction::UserNotif => Action::UserNotif,
        // The kernel caps SECCOMP_RET_ERRNO data at MAX_ERRNO (4095).
        KAction::Errno(n) => Action::Errno(n.min(4095)),
        KAction::Trace(n) => Action::Trace(n),
        KAction::Trap(0) => Action::Trap,
        KAction::Trap(n) => {
            return Err(files.error(
                loc,
                format!("TRAP({n}) passes {n} to the SIGSYS handler (si_errno); our `trap` action carries no value"),
            )
            .with_help("use TRAP(0) if the handler does not read it"));
        }
    })
}

/// The architectures to import for, each with its decisions.
fn decide_all(
    program: &Program,
    files: &Files,
    opts: &ImportOptions,
    draft: &mut Draft,
) -> Result<Decided, ImportError> {
    if let Some(list) = &opts.arches {
        if list.is_empty() {
            return Err(ImportError::new(
                &files.list[0].name,
                "no architecture to import for",
            ));
        }
        return list
            .iter()
            .map(|&a| {
                if !tables::ARCHES.contains(&a) {
                    return Err(ImportError::new(
                        &files.list[0].name,
                        format!(
                            "kafel has no syscall table for {a}, so nsjail cannot filter there"
                        ),
                    )
                    .with_help(
                        "kafel's architectures that we support: x86_64, x86, aarch64, arm, riscv64",
                    ));
                }
                Ok((a, eval::decide(program, files, a)?))
            })
            .collect();
    }
    let mut out = Vec::new();
    let mut first_error = None;
    for a in tables::ARCHES {
        match eval::decide(program, files, a) {
            Ok(d) => out.push((a, d)),
            Err(e) => {
                draft.warnings.push(format!(
                    "not imported for {a}, where kafel refuses the policy: {e}"
                ));
                first_error.get_or_insert(e);
            }
        }
    }
    match (out.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(out),
    }
}

type Decided = Vec<(Arch, BTreeMap<u32, Vec<Step>>)>;

/// A syscall's rules in our terms: alternatives in order, then the last.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Plan {
    /// (condition text per `Cond`, action), first match wins.
    steps: Vec<(Option<Cond>, Action)>,
    locs: Vec<Loc>,
}

/// Per our syscall name, its plan, the same on every architecture that
/// has the syscall.
fn unify(
    decided: &[(Arch, BTreeMap<u32, Vec<Step>>)],
    files: &Files,
    default: Action,
    exact: bool,
) -> Result<BTreeMap<&'static str, Plan>, ImportError> {
    let mut per_name: BTreeMap<&'static str, Vec<(Arch, Plan)>> = BTreeMap::new();
    for (arch, rules) in decided {
        for (&nr, steps) in rules {
            let plan = plan(steps, files, default)?;
            let Some(name) = syscalls::table(*arch).name(nr) else {
                if plan.steps.is_empty() {
                    continue;
                }
                return Err(files
                    .error(
                        steps[0].loc,
                        format!("syscall number {nr} on {arch} is not in our syscall tables (Linux 6.12): seccompc gives such numbers the `unknown` action ({default}, kafel's default), so this rule cannot be kept"),
                    ));
            };
            per_name.entry(name).or_default().push((*arch, plan));
        }
    }
    let mut out = BTreeMap::new();
    for (name, plans) in per_name {
        // Every architecture that has the syscall: those without a rule
        // give it the default.
        let texts: Vec<(Arch, String)> =
            super::per_arch::having(decided.iter().map(|(a, _)| *a), name)
                .into_iter()
                .map(|a| {
                    let text = plans
                        .iter()
                        .find(|(b, _)| *b == a)
                        .map_or_else(String::new, |(_, p)| {
                            render_plan(name, p, &[a], exact, &mut BTreeSet::new())
                        });
                    (a, text)
                })
                .collect();
        if let Some(msg) = super::per_arch::differing(name, &texts) {
            let first = plans
                .iter()
                .flat_map(|(_, p)| p.locs.first())
                .next()
                .copied();
            let e = match first {
                Some(l) => files.error(l, msg),
                None => ImportError::new(&files.list[0].name, msg),
            };
            return Err(e.with_help(super::per_arch::HELP));
        }
        if let Some((_, p)) = plans.into_iter().find(|(_, p)| !p.steps.is_empty()) {
            out.insert(name, p);
        }
    }
    Ok(out)
}

/// kafel's steps in our actions, without trailing steps that give the
/// default anyway.
fn plan(steps: &[Step], files: &Files, default: Action) -> Result<Plan, ImportError> {
    let mut out = Vec::new();
    for s in steps {
        out.push((s.cond.clone(), action(s.action, files, s.loc)?));
    }
    while out.last().is_some_and(|(_, a)| *a == default) {
        out.pop();
    }
    Ok(Plan {
        locs: steps.iter().take(out.len().max(1)).map(|s| s.loc).collect(),
        steps: out,
    })
}

/// The statements for one syscall, as text (empty: the default).
fn render_plan(
    name: &str,
    p: &Plan,
    arches: &[Arch],
    exact: bool,
    notes: &mut BTreeSet<String>,
) -> String {
    let r = Renderer { arches, exact };
    let cond = |c: &Cond, notes: &mut BTreeSet<String>| render_cond(c, name, &r, notes);
    let mut out = String::new();
    let (conditional, last) = match p.steps.last() {
        Some((None, a)) => (&p.steps[..p.steps.len() - 1], Some(*a)),
        _ => (&p.steps[..], None),
    };
    match last {
        Some(Action::Allow) => out.push_str(&format!("keep {name};\n")),
        Some(a) => out.push_str(&format!("drop {name} => {a};\n")),
        None => {}
    }
    for (c, a) in conditional.iter().rev() {
        let c = c.as_ref().map(|c| cond(c, notes)).unwrap_or_default();
        out.push_str(&format!("drop {name}({c}) => {a};\n"));
    }
    out
}

fn render_cond(c: &Cond, name: &str, r: &Renderer, notes: &mut BTreeSet<String>) -> String {
    match c {
        Cond::True | Cond::False => String::new(),
        Cond::Cmp(x) => r.cmp(name, x, notes),
        Cond::Or(v) => v
            .iter()
            .map(|c| render_cond(c, name, r, notes))
            .collect::<Vec<_>>()
            .join(" || "),
        Cond::And(v) => v
            .iter()
            .map(|c| match c {
                Cond::Or(_) => format!("({})", render_cond(c, name, r, notes)),
                _ => render_cond(c, name, r, notes),
            })
            .collect::<Vec<_>>()
            .join(" && "),
    }
}

fn header(
    draft: &mut Draft,
    source_name: &str,
    what: &str,
    arches: &[Arch],
    program: &Program,
    opts: &ImportOptions,
) {
    let h = &mut draft.header;
    h.push(format!(
        "Imported from {source_name} ({what}) by `seccompc import --from kafel`,"
    ));
    h.push(format!(
        "with the meaning {KAFEL} gives it: for each syscall the first matching rule decides."
    ));
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    h.push(format!(
        "Architectures: {} ({}).",
        names.join(", "),
        if opts.arches.is_some() {
            "--arch"
        } else {
            "those where kafel accepts the policy, with the meaning it has on the first"
        }
    ));
    if program.default.is_none() {
        h.push("No DEFAULT statement: kafel's default is KILL (the thread).".to_owned());
    }
    h.push(if opts.exact_width {
        "Widths: as kafel compares: the low 32 bits, or all 64 where an 8-byte argument or a constant above 32 bits takes part (--exact-width).".to_owned()
    } else {
        "Widths: kernel-exact (a 32-bit parameter is compared on its 32 bits), noted where kafel's comparison differs.".to_owned()
    });
    h.push("Stricter than kafel: calls through another ABI, and x32 calls on x86_64, are killed (kafel: killed (thread); x32: the default).".to_owned());
}

fn settings(draft: &mut Draft, default: Action, arches: &[Arch]) {
    let s = &mut draft.settings;
    if default == Action::Allow {
        s.setting("default allow;", "kafel: DEFAULT ALLOW");
    } else {
        s.setting(
            &format!("deny {default};"),
            "kafel's DEFAULT action, for every syscall no rule decides",
        );
    }
    s.setting(
        &format!("unknown {default};"),
        "kafel gives the default to numbers without a rule, new syscalls included",
    );
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    s.line(&format!("arch {};", names.join(", ")));
}

fn body(
    draft: &mut Draft,
    plans: &BTreeMap<&'static str, Plan>,
    arches: &[Arch],
    default: Action,
    exact: bool,
) {
    let r = Renderer { arches, exact };
    let mut notes = BTreeSet::new();
    // Syscalls with one unconditional action, grouped by action; those
    // allowed under one condition (while the default refuses) as `keep`.
    let mut simple: BTreeMap<Action, Vec<Item>> = BTreeMap::new();
    let mut keep_cond: Vec<Item> = Vec::new();
    let mut layered: Vec<String> = Vec::new();
    for (name, p) in plans {
        match p.steps.as_slice() {
            [(None, a)] => simple.entry(*a).or_default().push(Item::new(*name)),
            [(Some(c), Action::Allow)] if default != Action::Allow => {
                keep_cond.push(Item::new(format!(
                    "{name}({})",
                    render_cond(c, name, &r, &mut notes)
                )));
            }
            _ => layered.push(render_plan(name, p, arches, exact, &mut notes)),
        }
    }
    for n in &notes {
        draft.body.comment(&format!("Note: {n}."));
    }
    if let Some(items) = simple.remove(&Action::Allow) {
        draft.body.statement("base", &items, "");
    }
    if !keep_cond.is_empty() {
        draft.body.statement("keep", &keep_cond, "");
    }
    for (a, items) in simple {
        draft.body.statement("drop", &items, &format!(" => {a}"));
    }
    if !layered.is_empty() {
        draft.body.blank();
        draft.body.comment("Several rules each: the first kafel rule that matches decides (written last: later statements win).");
        for l in layered {
            for line in l.lines() {
                draft.body.line(line);
            }
        }
    }
}

#[cfg(test)]
mod tests;
