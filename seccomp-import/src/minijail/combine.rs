//! Which of minijail's two compilers reads a policy, and the filters each
//! syscall gets from its lines under that compiler.
//!
//! minijail has two compilers of one file format, and they disagree:
//! - libminijail's `syscall_filter.c` (google/minijail 8d20993), which
//!   Android's services (`SetUpMinijail`) and `minijail0 -S` use at run
//!   time. It reads `1`, `return ERRNO` and expressions with an optional
//!   `; return ERRNO`, allowed when they hold and otherwise refused with
//!   that errno (`compile_policy_line`). Each line adds a jump on the
//!   syscall number to the main table in file order, so of two lines for
//!   one syscall the first decides; a second line that is not `1` defines
//!   the syscall's label again and `bpf_resolve_jumps` fails ("duplicate
//!   label"). A repeated syscall is an error unless built with
//!   `ALLOW_DUPLICATE_SYSCALLS`, as Android.bp builds it (minijail's
//!   Makefile only with `ALLOW_DUPLICATE_SYSCALLS=yes`).
//! - `tools/compile_seccomp_policy.py` (`tools/parser.py`,
//!   `tools/compiler.py`), which crosvm's `jail/build.rs` and ChromiumOS's
//!   precompiled policies use. It also reads actions, `{ }` lists,
//!   `@default` and `@denylist`; `EXPR; ACTION` is ACTION when EXPR holds
//!   (`_parse_single_filter`; compiler_unittest.py `test_ret_errno`), and a
//!   syscall's filters from every line are tried in order, the default
//!   action appended; an unconditional filter followed by another is an
//!   error (`parse_file`).

use super::{CLine, Filter, Parser, Statement};
use crate::ImportError;
use seccomp_compiler::action::Action;

/// The compiler whose meaning an import takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinijailCompiler {
    /// libminijail's `syscall_filter.c` as Android builds it
    /// (`-DALLOW_DUPLICATE_SYSCALLS`).
    Libminijail,
    /// minijail's `tools/compile_seccomp_policy.py`.
    Tools,
}

impl MinijailCompiler {
    pub const ALL: [MinijailCompiler; 2] = [MinijailCompiler::Libminijail, MinijailCompiler::Tools];

    /// The name `--minijail-compiler` takes.
    pub const fn name(self) -> &'static str {
        match self {
            MinijailCompiler::Libminijail => "libminijail",
            MinijailCompiler::Tools => "tools",
        }
    }

    pub fn from_name(name: &str) -> Option<MinijailCompiler> {
        MinijailCompiler::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// How the import read the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reading {
    /// Chosen, or the only compiler that reads the file.
    One(MinijailCompiler, Why),
    /// Not chosen, and both compilers give every syscall the same filters.
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Why {
    Chosen,
    /// The other compiler refuses the file.
    OnlyOneAccepts,
}

impl Reading {
    pub fn describe(self) -> &'static str {
        match self {
            Reading::One(MinijailCompiler::Libminijail, Why::Chosen) => {
                "Meaning: libminijail's syscall_filter.c as Android builds it (ALLOW_DUPLICATE_SYSCALLS), chosen with --minijail-compiler libminijail."
            }
            Reading::One(MinijailCompiler::Libminijail, Why::OnlyOneAccepts) => {
                "Meaning: libminijail's syscall_filter.c as Android builds it (ALLOW_DUPLICATE_SYSCALLS), the only minijail compiler that accepts this file."
            }
            Reading::One(MinijailCompiler::Tools, Why::Chosen) => {
                "Meaning: minijail's tools/compile_seccomp_policy.py, chosen with --minijail-compiler tools."
            }
            Reading::One(MinijailCompiler::Tools, Why::OnlyOneAccepts) => {
                "Meaning: minijail's tools/compile_seccomp_policy.py, the only minijail compiler that accepts this file."
            }
            Reading::Both => {
                "Meaning: libminijail (syscall_filter.c, as Android builds it) and tools/compile_seccomp_policy.py read this file alike."
            }
        }
    }
}

/// One syscall's filters (tried in order; the last is unconditional) and
/// the lines they come from.
pub(super) struct Syscall<'a> {
    pub name: &'a str,
    pub filters: Vec<Filter>,
    pub lines: Vec<&'a Statement>,
}

/// The policy's syscalls as the chosen compiler reads them; without a
/// choice, as the compiler that accepts the file reads it, or as both do
/// when both accept it and agree (where they disagree, the import asks).
pub(super) fn read<'a>(
    parser: &'a Parser,
    chosen: Option<MinijailCompiler>,
    default: Action,
) -> Result<(Reading, Vec<Syscall<'a>>, Vec<String>), ImportError> {
    let run = |c: MinijailCompiler| -> Result<(Vec<Syscall<'a>>, Vec<String>), ImportError> {
        check_file(parser, c)?;
        let mut warnings = Vec::new();
        let syscalls = per_syscall(&parser.statements, c, default, &mut warnings)?;
        Ok((syscalls, warnings))
    };
    if let Some(c) = chosen {
        let (s, w) = run(c)?;
        return Ok((Reading::One(c, Why::Chosen), s, w));
    }
    match (
        run(MinijailCompiler::Libminijail),
        run(MinijailCompiler::Tools),
    ) {
        (Ok((l, lw)), Ok((t, _))) => match l.iter().zip(&t).find(|(a, b)| a.filters != b.filters) {
            None => Ok((Reading::Both, l, lw)),
            Some((a, _)) => Err(differ(a)),
        },
        (Ok((l, mut lw)), Err(e)) => {
            lw.push(format!("{}: {}: compile_seccomp_policy.py refuses the policy, so it was read as libminijail reads it", e.location, e.message));
            Ok((
                Reading::One(MinijailCompiler::Libminijail, Why::OnlyOneAccepts),
                l,
                lw,
            ))
        }
        (Err(_), Ok((t, tw))) => Ok((
            Reading::One(MinijailCompiler::Tools, Why::OnlyOneAccepts),
            t,
            tw,
        )),
        (Err(l), Err(t)) => Err(if parser.tools_only.is_some() { t } else { l }),
    }
}

/// File-level refusals: what libminijail cannot read; a malformed
/// `@frequency` file, which only compile_seccomp_policy.py reads.
fn check_file(parser: &Parser, c: MinijailCompiler) -> Result<(), ImportError> {
    match c {
        MinijailCompiler::Tools => match parser.frequency_problems.first() {
            Some(problem) => Err(problem.clone().with_help(
                "compile_seccomp_policy.py reads @frequency files; libminijail skips the statement (--minijail-compiler libminijail)",
            )),
            None => Ok(()),
        },
        MinijailCompiler::Libminijail => match &parser.tools_only {
            Some((at, what)) => Err(ImportError::new(
                at,
                format!("libminijail does not read {what} (only minijail's tools/compile_seccomp_policy.py does)"),
            )
            .with_help("import it as compile_seccomp_policy.py reads it with --minijail-compiler tools")),
            None => Ok(()),
        },
    }
}

fn differ(s: &Syscall) -> ImportError {
    let at = s
        .lines
        .iter()
        .find(|l| matches!(l.libminijail, Ok(CLine::Expr(_, Some(_)))))
        .or(s.lines.get(1))
        .unwrap_or(&s.lines[0]);
    ImportError::new(
        &at.origin,
        format!("minijail's two compilers read `{}` differently", s.name),
    )
    .with_help("libminijail allows when an expression holds and returns its `; return` errno otherwise, and of repeated lines takes the first; compile_seccomp_policy.py returns the errno when the expression holds, and tries repeated lines in order")
    .with_help("say which compiler runs the policy: --minijail-compiler libminijail (Android, minijail0 at run time) or tools (crosvm, ChromiumOS's precompiled policies)")
}

/// Every syscall's filters under `compiler`, in order of first appearance.
fn per_syscall<'a>(
    statements: &'a [Statement],
    compiler: MinijailCompiler,
    default: Action,
    warnings: &mut Vec<String>,
) -> Result<Vec<Syscall<'a>>, ImportError> {
    let mut order: Vec<&str> = Vec::new();
    for s in statements {
        if !order.contains(&s.syscall.as_str()) {
            order.push(&s.syscall);
        }
    }
    let syscalls = order
        .into_iter()
        .map(|name| {
            let lines: Vec<&Statement> = statements.iter().filter(|s| s.syscall == name).collect();
            let filters = match compiler {
                MinijailCompiler::Tools => tools(&lines, default)?,
                MinijailCompiler::Libminijail => libminijail(&lines, default)?,
            };
            Ok(Syscall {
                name,
                filters,
                lines,
            })
        })
        .collect::<Result<Vec<_>, ImportError>>()?;
    if compiler == MinijailCompiler::Libminijail {
        warnings.extend(repeated(&syscalls));
    }
    Ok(syscalls)
}

/// One warning naming the syscalls listed more than once, which only
/// libminijail built with ALLOW_DUPLICATE_SYSCALLS accepts.
fn repeated(syscalls: &[Syscall]) -> Option<String> {
    let repeated: Vec<String> = syscalls
        .iter()
        .filter(|s| s.lines.len() > 1)
        .map(|s| {
            let at: Vec<&str> = s.lines.iter().map(|l| l.origin.as_str()).collect();
            format!("`{}` ({})", s.name, at.join(", "))
        })
        .collect();
    (!repeated.is_empty()).then(|| {
        format!(
            "{} syscall(s) listed more than once: libminijail as Android builds it (ALLOW_DUPLICATE_SYSCALLS) takes the first line of each, and built without it (minijail's Makefile default) refuses the policy: {}",
            repeated.len(),
            repeated.join("; ")
        )
    })
}

/// compile_seccomp_policy.py: every line's filters in order, the default
/// appended unless the last is unconditional (tools/parser.py
/// `parse_file`).
fn tools(lines: &[&Statement], default: Action) -> Result<Vec<Filter>, ImportError> {
    let mut filters: Vec<Filter> = Vec::new();
    let mut first_unconditional: Option<&Statement> = None;
    for s in lines {
        if let Some(first) = first_unconditional {
            return Err(ImportError::new(
                &s.origin,
                format!(
                    "Syscall {} already had an unconditional action applied (at {}); minijail refuses a later line for it",
                    s.syscall, first.origin
                ),
            )
            .with_help("remove one of the lines"));
        }
        for f in &s.tools {
            if first_unconditional.is_some() {
                return Err(ImportError::new(
                    &s.origin,
                    format!(
                        "`{}`: a filter after an unconditional one is never reached, and minijail refuses it",
                        s.syscall
                    ),
                ));
            }
            if f.expr.is_none() {
                first_unconditional = Some(s);
            }
            filters.push(f.clone());
        }
    }
    if first_unconditional.is_none() {
        filters.push(Filter {
            expr: None,
            action: default,
        });
    }
    Ok(filters)
}

/// libminijail with ALLOW_DUPLICATE_SYSCALLS: the first line decides; at
/// most one line may be other than `1`.
fn libminijail(lines: &[&Statement], default: Action) -> Result<Vec<Filter>, ImportError> {
    let read = |s: &Statement| -> Result<CLine, ImportError> {
        s.libminijail
            .clone()
            .map_err(|why| ImportError::new(&s.origin, format!("libminijail does not read {why}")))
    };
    let mut labelled: Option<&Statement> = None;
    for s in lines {
        if read(s)? != CLine::One {
            if let Some(first) = labelled {
                return Err(ImportError::new(
                    &s.origin,
                    format!(
                        "`{}` has a second line with a condition or errno (the first at {}): libminijail refuses the policy (\"duplicate label\")",
                        s.syscall, first.origin
                    ),
                )
                .with_help("combine the lines into one expression with `||`"));
            }
            labelled = Some(s);
        }
    }
    Ok(match read(lines[0])? {
        CLine::One => vec![Filter {
            expr: None,
            action: Action::Allow,
        }],
        CLine::Return(a) => vec![Filter {
            expr: None,
            action: a,
        }],
        CLine::Expr(dnf, otherwise) => vec![
            Filter {
                expr: Some(dnf),
                action: Action::Allow,
            },
            Filter {
                expr: None,
                action: otherwise.unwrap_or(default),
            },
        ],
    })
}
