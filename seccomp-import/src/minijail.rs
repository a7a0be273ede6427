//! minijail policy files (minijail0(5); crosvm's `jail/seccomp/<arch>/`).
//!
//! Syntax and meaning, from minijail0(5) and minijail's `tools/parser.py`
//! (the compiler crosvm builds its policies with):
//! - `name: FILTER`; `FILTER` is `1`/`allow` (allowed), an action (`kill`,
//!   `kill-process`, `kill-thread`, `trap`, `trace`, `log`, `return ERRNO`),
//!   or an expression in disjunctive normal form (`||` of `&&` of atoms
//!   `argN OP VALUE`), allowed when it holds, optionally followed by
//!   `; return ERRNO`: refused with that errno when it does not hold
//!   (minijail0(5)); otherwise refused with the default action;
//! - `OP`: `==`, `!=`, `<`, `<=`, `>`, `>=` (unsigned), `&` (some bit of the
//!   value is set: `arg & V != 0`) and `in` (no bit outside the value is
//!   set: `arg & ~V == 0`); `VALUE`: numbers, named constants, `|`, `~`,
//!   parentheses; comparisons cover the whole 64-bit argument;
//! - several lines for one syscall are evaluated in order, the first match
//!   deciding; a line after one that decides unconditionally is an error;
//! - `@include PATH` inlines another policy (found by its path relative to
//!   an `--include` directory or by file name), `@frequency PATH` is a
//!   performance hint (ignored), `@default ACTION` sets the default action,
//!   otherwise `kill` (the process);
//! - a name the architecture does not have is an error; `\` continues a
//!   line, `#` starts a comment.
//!
//! Named constants come from `ImportOptions::constants` (crosvm ships its
//! own `constants.json`, read with [`constants_from_json`]) and, after
//! them, the kernel constants table for the policy's architecture
//! (`seccomp_compiler::tables::constants`, from the uapi headers, as
//! minijail's own `constants.json` is generated from that architecture's
//! headers by `gen_constants.sh`), so no `constants.json` is needed.

use super::cond::{ArgRef, Cmp, Conj, Renderer, SourceWidth};
use super::text::Item;
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::diag::nearest;
use seccomp_compiler::tables::{constants, syscalls};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod combine;
mod frequency;

pub use combine::MinijailCompiler;

/// EPERM, the errno of `kill` in a denylist (compile_seccomp_policy.py).
const EPERM: u16 = 1;

/// Reads crosvm's `constants.json` (`{"constants": {"NAME": value, ...}}`):
/// negative values are stored in two's complement, as minijail does.
pub fn constants_from_json(text: &str) -> Result<BTreeMap<String, u64>, ImportError> {
    let root = super::json::parse(text).map_err(|e| {
        ImportError::new(super::location("constants.json", text, e.offset), e.message)
    })?;
    let table = root
        .get("constants")
        .and_then(super::json::Node::as_object)
        .ok_or_else(|| ImportError::new("constants.json", "expected {\"constants\": {...}}"))?;
    let mut out = BTreeMap::new();
    for (k, v) in table {
        let value = match v.value {
            super::json::Value::Uint(u) => u,
            // Two's complement, as minijail's truncate_word does.
            super::json::Value::Int(i) => i as u64,
            // minijail's generate_constants_json.py writes integers only; a
            // value skipped here would fall back to the kernel table's.
            _ => {
                return Err(ImportError::new(
                    super::location("constants.json", text, v.offset),
                    format!(
                        "constant `{k}`: expected an integer, found {}",
                        v.value.kind()
                    ),
                ));
            }
        };
        out.insert(k.clone(), value);
    }
    Ok(out)
}

/// One filter of a syscall: an optional expression and its action.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Filter {
    expr: Option<Vec<Conj>>,
    action: Action,
}

/// A line as libminijail's `syscall_filter.c` reads it (`compile_file`,
/// `compile_policy_line`): `1`, `return ERRNO`, or an expression allowed
/// when it holds and otherwise refused with `; return ERRNO` or the
/// default action.
#[derive(Clone, Debug, PartialEq, Eq)]
enum CLine {
    One,
    Return(Action),
    Expr(Vec<Conj>, Option<Action>),
}

/// A syscall's line as read.
struct Statement {
    syscall: String,
    /// The filters `tools/parser.py` makes of the line.
    tools: Vec<Filter>,
    /// The line as libminijail reads it, or why it cannot.
    libminijail: Result<CLine, String>,
    /// `file:line:col` and the text, for comments and errors.
    origin: String,
    text: String,
    /// The file it came from (for grouping comments).
    file: String,
}

struct Parser<'a> {
    opts: &'a ImportOptions,
    arch: Arch,
    /// `@default`, and where it was set.
    default: Option<(Action, String)>,
    /// The policy starts with `@denylist` (compiled with
    /// `compile_seccomp_policy.py --denylist`).
    denylist: bool,
    statements: Vec<Statement>,
    /// The first construct only `tools/parser.py` reads: where, and what.
    tools_only: Option<(String, String)>,
    /// Problems in `@frequency` files (an error for `tools/parser.py`,
    /// which reads them; libminijail ignores the statement).
    frequency_problems: Vec<ImportError>,
    files: Vec<String>,
    warnings: Vec<String>,
    depth: usize,
    /// The constants taken from `ImportOptions::constants`.
    from_json: RefCell<BTreeSet<String>>,
}

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let arches = match &opts.arches {
        Some(a) if a.is_empty() => {
            return Err(ImportError::new(
                source_name,
                "no architecture to import for",
            ));
        }
        Some(a) => a.clone(),
        None => vec![arch_of(source_name, opts)?],
    };
    let mut parser = Parser {
        opts,
        arch: arches[0],
        default: None,
        denylist: has_denylist_header(text),
        statements: Vec::new(),
        tools_only: None,
        frequency_problems: Vec::new(),
        files: Vec::new(),
        warnings: Vec::new(),
        depth: 0,
        from_json: RefCell::default(),
    };
    parser.file(source_name, text, &arches)?;
    let default = parser.default_action();
    let (compiler, syscalls, warnings) = combine::read(&parser, opts.minijail_compiler, default)?;
    let mut draft = Draft::new();
    draft.warnings = parser.warnings.clone();
    draft.warnings.extend(json_differences(&parser, &arches));
    draft.warnings.extend(warnings);
    header(&mut draft, source_name, &parser, compiler, opts.exact_width);
    settings(&mut draft, default, parser.denylist, &arches);
    body(
        &mut draft,
        &syscalls,
        &arches,
        opts.exact_width,
        default,
        source_name,
    );
    draft.ack_reasons.insert(
        "ptrace",
        "The policy allows `ptrace`: it accepts that a tracer can change syscalls after the filter"
            .to_owned(),
    );
    draft.ack_reasons.insert("clone3", "The policy allows `clone3` beside conditions on `clone` (crosvm's do): clone3's flags, in memory, escape them".to_owned());
    draft.ack_reasons.insert("socketcall", "The policy allows `socketcall` beside conditions on socket calls, whose arguments then escape the filter".to_owned());
    draft.ack_reasons.insert("ipc", "The policy allows `ipc` beside conditions on SysV IPC calls, whose arguments then escape the filter".to_owned());
    draft.finish(source_name)
}

/// A warning for each constant the policy took from `constants.json` whose
/// value there is not the kernel's for the architecture (Linux 6.12's uapi
/// headers, the constants table): the import uses the file's value, as
/// minijail does, but the file may be for another architecture or kernel.
fn json_differences(parser: &Parser, arches: &[Arch]) -> Vec<String> {
    let used = parser.from_json.borrow();
    let mut out = Vec::new();
    for name in used.iter() {
        let json = parser.opts.constants[name];
        for &arch in arches {
            let Some(kernel) = constants::value(arch, name) else {
                continue;
            };
            // Two's complement on 64 bits, and on 32 for 32-bit
            // architectures, as minijail's truncate_word stores them.
            let same =
                json == kernel as u64 || (json >> 32 == 0 && json == kernel as u64 & 0xffff_ffff);
            if !same {
                out.push(format!(
                    "constants.json gives `{name}` the value {json:#x}, the kernel's for {arch} is {:#x}: the import uses constants.json's, as minijail does (is the file for another architecture?)",
                    kernel as u64
                ));
            }
        }
    }
    out
}

fn header(
    draft: &mut Draft,
    source_name: &str,
    parser: &Parser,
    compiler: combine::Reading,
    exact_width: bool,
) {
    draft.header.push(format!(
        "Imported from {source_name} (minijail policy) by `seccompc import --from minijail`."
    ));
    draft.header.push(compiler.describe().to_owned());
    if parser.files.len() > 1 {
        draft
            .header
            .push(format!("Files: {}.", parser.files.join(", ")));
    }
    draft.header.push(if exact_width {
        "Widths: all 64 bits, as minijail compares (--exact-width).".to_owned()
    } else {
        "Widths: kernel-exact (a 32-bit parameter is compared on its 32 bits), noted where minijail's 64-bit comparison differs.".to_owned()
    });
}

fn settings(draft: &mut Draft, default: Action, denylist: bool, arches: &[Arch]) {
    if denylist {
        draft.settings.setting(
            "default allow;",
            "minijail @denylist: a syscall the policy does not name is allowed",
        );
    } else {
        draft.settings.setting(
            &format!("deny {default};"),
            "minijail: a syscall the policy does not allow is refused with the default action",
        );
    }
    draft.settings.setting(
        &format!("unknown {default};"),
        "minijail gives the default action to every number without a rule",
    );
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    draft.settings.line(&format!("arch {};", names.join(", ")));
}

/// Whether the policy is a denylist: `tools/parser.py` takes the
/// `@denylist` token only alone at the end of a line (`@denylist$`), and
/// `compile_seccomp_policy.py --denylist` requires it in the file.
fn has_denylist_header(text: &str) -> bool {
    text.lines()
        .map(|l| strip_comment(l).trim().to_owned())
        .any(|l| l == "@denylist")
}

/// The architecture: from `constants.json`'s table if given, or the file's
/// path (`crosvm/x86_64/...`, `mediacodec-arm.policy`,
/// `crash_dump.arm64.policy`, ChromiumOS's `...-seccomp-amd64.policy`).
fn arch_of(source_name: &str, opts: &ImportOptions) -> Result<Arch, ImportError> {
    super::seccompiler::arch_in_name(source_name).ok_or_else(|| {
        ImportError::new(
            source_name,
            "a minijail policy is for one architecture, and its path does not say which",
        )
        .with_help(if opts.constants.is_empty() {
            "name it with --arch, e.g. --arch x86_64"
        } else {
            "name it with --arch (the one constants.json is for)"
        })
    })
}

/// Where a line is: its file, number and text, to give `file:line:col`.
struct Loc<'a> {
    file: &'a str,
    line: usize,
    raw: &'a str,
}

impl Loc<'_> {
    /// `file:line:col` of the first `needle` in the line (of its first
    /// non-blank character when the needle is not there).
    fn at(&self, needle: &str) -> String {
        let col = self
            .raw
            .find(needle)
            .filter(|_| !needle.is_empty())
            .or_else(|| self.raw.find(|c: char| !c.is_whitespace()))
            .unwrap_or(0);
        // Columns count characters, from 1.
        let col = self.raw[..col].chars().count() + 1;
        format!("{}:{}:{col}", self.file, self.line)
    }
}

impl Parser<'_> {
    fn file(&mut self, name: &str, text: &str, arches: &[Arch]) -> Result<(), ImportError> {
        self.files.push(name.to_owned());
        let mut denylist_header = false;
        for (number, line) in logical_lines(text) {
            let loc = Loc {
                file: name,
                line: number,
                raw: &line,
            };
            let line = strip_comment(&line);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(path) = line.strip_prefix("@include") {
                self.include(path.trim(), &loc, arches)?;
            } else if let Some(path) = line.strip_prefix("@frequency") {
                self.frequency(path.trim(), &loc);
            } else if let Some(action) = line.strip_prefix("@default") {
                self.set_default(action.trim(), &loc)?;
            } else if line == "@denylist" {
                self.only_tools(&loc.at("@denylist"), "`@denylist`");
                denylist_header = true;
            } else if line.starts_with('@') {
                return Err(ImportError::new(
                    loc.at("@"),
                    format!("unknown statement `{}`", super::text::one_line(line)),
                )
                .with_help("minijail reads `@include`, `@frequency`, `@default` and `@denylist`"));
            } else {
                self.statement(line, &loc, name, arches)?;
            }
        }
        if self.denylist && !denylist_header {
            // tools/parser.py's _parse_policy_file checks each file.
            return Err(ImportError::new(
                format!("{name}:1:1"),
                "policy must contain @denylist flag to be compiled with --denylist flag",
            )
            .with_help("the including policy is a denylist (`@denylist`), and minijail requires the header in each file"));
        }
        Ok(())
    }

    /// Records the first construct libminijail cannot read.
    fn only_tools(&mut self, at: &str, what: &str) {
        if self.tools_only.is_none() {
            self.tools_only = Some((at.to_owned(), what.to_owned()));
        }
    }

    fn set_default(&mut self, text: &str, loc: &Loc) -> Result<(), ImportError> {
        let at = loc.at("@default");
        self.only_tools(&at, "`@default`");
        if self.denylist {
            return Err(ImportError::new(
                at,
                "`@default` in a @denylist policy is not supported",
            )
            .with_help("compile_seccomp_policy.py --denylist allows every syscall the policy does not name, whatever @default says"));
        }
        // tools/parser.py's _parse_default_action: no permissive default.
        let action = match text {
            "kill-process" => Action::KillProcess,
            "kill-thread" | "kill" => Action::KillThread,
            "trap" => Action::Trap,
            "user-notify" => Action::UserNotif,
            other => {
                return Err(ImportError::new(
                    loc.at(other),
                    format!("invalid default action `{other}`"),
                )
                .with_help("expected `kill-process`, `kill-thread`, `kill`, `trap` or `user-notify` (minijail refuses a permissive default)"));
            }
        };
        self.default = Some((action, at));
        Ok(())
    }

    /// The action for syscalls the policy does not decide. Both compilers
    /// kill the thread by default: libminijail uses SECCOMP_RET_KILL
    /// unless the jail asked for thread sync (`minijail0 -T`,
    /// libminijail.c: `filteropts.action`), compile_seccomp_policy.py
    /// uses KillThread unless `--use-kill-process`. A denylist allows.
    fn default_action(&self) -> Action {
        match &self.default {
            Some((a, _)) => *a,
            None if self.denylist => Action::Allow,
            None => Action::KillThread,
        }
    }

    /// `kill` in a line: compile_seccomp_policy.py's `kill_action`
    /// (EPERM for a denylist, else KillThread).
    fn kill_action(&self) -> Action {
        if self.denylist {
            Action::Errno(EPERM)
        } else {
            Action::KillThread
        }
    }

    fn include(&mut self, path: &str, loc: &Loc, arches: &[Arch]) -> Result<(), ImportError> {
        let at = loc.at(path);
        if self.depth >= 10 {
            return Err(ImportError::new(
                at,
                "@include nested too deep (minijail's limit is 10)",
            ));
        }
        if self.depth > 0 {
            // syscall_filter.c, parse_include_statement: "Disallow nested
            // includes: only the initial policy file can have @include".
            self.only_tools(&at, "a nested `@include`");
        }
        if !path.starts_with('/') && !path.starts_with("./") {
            return Err(ImportError::new(
                at,
                format!("implicit relative path '{path}' not supported, use './{path}'"),
            ));
        }
        let found = self.find_include(path).ok_or_else(|| {
            ImportError::new(&at, format!("cannot find `{path}` to @include"))
                .with_help("name the directory holding it with --include-dir")
        })?;
        let text = std::fs::read_to_string(&found)
            .map_err(|e| ImportError::new(&at, format!("cannot read {}: {e}", found.display())))?;
        let shown = found
            .file_name()
            .map_or_else(|| path.to_owned(), |f| f.to_string_lossy().into_owned());
        self.depth += 1;
        let r = self.file(&shown, &text, arches);
        self.depth -= 1;
        r
    }

    fn find_include(&self, path: &str) -> Option<PathBuf> {
        let rel = path.trim_start_matches("./").trim_start_matches('/');
        let base = Path::new(path).file_name()?;
        self.opts
            .include_dirs
            .iter()
            .flat_map(|d| [d.join(rel), d.join(base)])
            .find(|p| p.is_file())
    }

    /// `@frequency PATH`: a hint for the order of the checks, which cannot
    /// change a verdict. compile_seccomp_policy.py reads the file (an
    /// error when missing or malformed); libminijail skips the statement
    /// ("ignored @frequency statement").
    fn frequency(&mut self, path: &str, loc: &Loc) {
        let at = loc.at(path);
        let problem = match self.find_include(path) {
            None => Some(
                ImportError::new(&at, format!("Could not open frequency file {path}"))
                    .with_help("name the directory holding it with --include-dir"),
            ),
            Some(found) => match std::fs::read_to_string(&found) {
                Err(e) => Some(ImportError::new(
                    &at,
                    format!("cannot read {}: {e}", found.display()),
                )),
                Ok(text) => {
                    let shown = found
                        .file_name()
                        .map_or_else(|| path.to_owned(), |f| f.to_string_lossy().into_owned());
                    frequency::check(&shown, &text, syscalls::table(self.arch)).err()
                }
            },
        };
        self.frequency_problems.extend(problem);
        self.warnings.push(format!(
            "{at}: @frequency only orders the checks; the import does not need it"
        ));
    }

    fn statement(
        &mut self,
        line: &str,
        loc: &Loc,
        file: &str,
        arches: &[Arch],
    ) -> Result<(), ImportError> {
        let (names, filter) = line.split_once(':').ok_or_else(|| {
            ImportError::new(
                loc.at(line),
                format!("expected `syscall: filter`, found `{line}`"),
            )
        })?;
        let names = self.syscall_names(names.trim(), loc, arches)?;
        let filter = filter.trim();
        let tools = self.tools_filters(filter, loc)?;
        let libminijail = self.libminijail_line(filter, loc);
        if let Err(why) = &libminijail {
            self.only_tools(&loc.at(filter), why);
        }
        for syscall in names {
            self.statements.push(Statement {
                syscall,
                tools: tools.clone(),
                libminijail: libminijail.clone(),
                origin: loc.at(line),
                text: line.to_owned(),
                file: file.to_owned(),
            });
        }
        Ok(())
    }

    /// `name` or tools/parser.py's `{ name, name }`, each a syscall of
    /// every architecture; ARM's private calls spelled as minijail's
    /// tables spell them (`ARM_set_tls`: gen_syscalls.sh names
    /// `__ARM_NR_x` `ARM_x`).
    fn syscall_names(
        &mut self,
        text: &str,
        loc: &Loc,
        arches: &[Arch],
    ) -> Result<Vec<String>, ImportError> {
        let list = match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(inner) => {
                self.only_tools(&loc.at("{"), "a `{ ... }` list of syscalls");
                inner.split(',').map(str::trim).collect()
            }
            None => vec![text],
        };
        list.into_iter()
            .map(|name| syscall_name(name, loc, arches))
            .collect()
    }

    /// The filters tools/parser.py makes of a line (`parse_filter`):
    /// `{ f, f }` or one filter; a filter is an action, or an expression
    /// allowed when it holds, or an expression with `; ACTION`, that
    /// action when it holds (`_parse_single_filter`).
    fn tools_filters(&self, text: &str, loc: &Loc) -> Result<Vec<Filter>, ImportError> {
        let singles: Vec<&str> = match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(inner) => inner.split(',').map(str::trim).collect(),
            None => vec![text],
        };
        singles
            .into_iter()
            .map(|single| self.tools_filter(single, loc))
            .collect()
    }

    fn tools_filter(&self, text: &str, loc: &Loc) -> Result<Filter, ImportError> {
        if !text.starts_with("arg") {
            return Ok(Filter {
                expr: None,
                action: self.tools_action(text, loc)?,
            });
        }
        let (expr, action) = match text.split_once(';') {
            Some((e, a)) => (e, self.tools_action(a.trim(), loc)?),
            None => (text, Action::Allow),
        };
        Ok(Filter {
            expr: Some(self.dnf(expr, &loc.at(expr.trim()))?),
            action,
        })
    }

    /// tools/parser.py's `parse_action`; a denylist's lines must `return`.
    fn tools_action(&self, text: &str, loc: &Loc) -> Result<Action, ImportError> {
        let at = loc.at(text);
        if self.denylist && !text.starts_with("return") {
            return Err(ImportError::new(at, "invalid denylist policy")
                .with_help("every line of a @denylist policy returns an errno (`return EPERM`)"));
        }
        if let Some(e) = text.strip_prefix("return") {
            return self.errno(e.trim(), &at);
        }
        match text {
            "1" | "allow" => Ok(Action::Allow),
            "kill" => Ok(self.kill_action()),
            "kill-process" => Ok(Action::KillProcess),
            "kill-thread" => Ok(Action::KillThread),
            "trap" => Ok(Action::Trap),
            "trace" => Ok(Action::Trace(0)),
            "log" => Ok(Action::Log),
            "user-notify" => Ok(Action::UserNotif),
            other => Err(ImportError::new(at, format!("unknown action `{other}`"))
                .with_help("expected `1`, `allow`, `kill`, `kill-process`, `kill-thread`, `trap`, `trace`, `log`, `user-notify` or `return ERRNO`")),
        }
    }

    /// `return ERRNO`'s value: a number or a named constant.
    fn errno(&self, text: &str, at: &str) -> Result<Action, ImportError> {
        let n = match parse_number(text) {
            Some(n) => n,
            None if text.is_empty() => return Err(ImportError::new(at, "missing return value")),
            None => self.single(text, at)?,
        };
        // SECCOMP_RET_DATA keeps 16 bits; an errno above 4095 is not one.
        u16::try_from(n)
            .ok()
            .filter(|&n| n <= 4095)
            .map(Action::Errno)
            .ok_or_else(|| ImportError::new(at, format!("`return {text}`: {n} is not an errno")))
    }

    /// The line as libminijail reads it (`compile_file`: `1`, else
    /// `compile_policy_line`), or why it cannot.
    fn libminijail_line(&self, text: &str, loc: &Loc) -> Result<CLine, String> {
        if text == "1" {
            return Ok(CLine::One);
        }
        if text.starts_with('{') {
            return Err("a `{ ... }` list of filters".to_owned());
        }
        if let Some(e) = text.strip_prefix("return") {
            return Ok(CLine::Return(
                self.errno(e.trim(), &loc.at(text)).map_err(|e| e.message)?,
            ));
        }
        if !text.starts_with("arg") {
            return Err(format!("the action `{text}`"));
        }
        let (expr, otherwise) = match text.split_once(';') {
            Some((e, a)) => {
                let a = a.trim();
                let Some(n) = a.strip_prefix("return") else {
                    return Err(format!("`; {a}` after an expression"));
                };
                (
                    e,
                    Some(self.errno(n.trim(), &loc.at(a)).map_err(|e| e.message)?),
                )
            }
            None => (text, None),
        };
        let dnf = self.dnf(expr, &loc.at(expr)).map_err(|e| e.message)?;
        Ok(CLine::Expr(dnf, otherwise))
    }

    fn dnf(&self, expr: &str, at: &str) -> Result<Vec<Conj>, ImportError> {
        expr.split("||")
            .map(|clause| {
                clause
                    .split("&&")
                    .map(|atom| self.atom(atom.trim(), at))
                    .collect::<Result<Conj, _>>()
            })
            .collect()
    }

    fn atom(&self, atom: &str, at: &str) -> Result<Cmp, ImportError> {
        let bad = || ImportError::new(at, format!("expected `argN OP VALUE`, found `{atom}`"));
        let rest = atom.strip_prefix("arg").ok_or_else(bad)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let index: u8 = digits.parse().map_err(|_| bad())?;
        if index > 5 {
            return Err(ImportError::new(
                at,
                format!("`arg{index}`: seccomp sees arguments 0 to 5"),
            ));
        }
        let rest = rest[digits.len()..].trim_start();
        const OPS: [&str; 8] = ["==", "!=", "<=", ">=", "<", ">", "&", "in"];
        let op = OPS.iter().find(|o| rest.starts_with(**o)).ok_or_else(bad)?;
        let value = self.value(rest[op.len()..].trim(), at)?;
        let arg = ArgRef::Index(index);
        let (mask, op, value) = match *op {
            "==" => (None, CmpOp::Eq, value),
            "!=" => (None, CmpOp::Ne, value),
            "<" => (None, CmpOp::Lt, value),
            "<=" => (None, CmpOp::Le, value),
            ">" => (None, CmpOp::Gt, value),
            ">=" => (None, CmpOp::Ge, value),
            "&" => (Some(value), CmpOp::Ne, 0),
            _ => (Some(!value), CmpOp::Eq, 0),
        };
        Ok(Cmp {
            arg,
            width: SourceWidth::Bits64,
            mask,
            op,
            value,
        })
    }

    /// `constant { | constant }`, constants being numbers, names, `~c` or
    /// `( value )`.
    fn value(&self, text: &str, at: &str) -> Result<u64, ImportError> {
        let mut toks = tokenize(text);
        let v = self.or_value(&mut toks, at)?;
        match toks.first() {
            None => Ok(v),
            Some(t) => Err(ImportError::new(
                at,
                format!("unexpected `{t}` in `{text}`"),
            )),
        }
    }

    fn or_value(&self, toks: &mut Vec<String>, at: &str) -> Result<u64, ImportError> {
        let mut v = self.constant(toks, at)?;
        while toks.first().is_some_and(|t| t == "|") {
            toks.remove(0);
            v |= self.constant(toks, at)?;
        }
        Ok(v)
    }

    fn constant(&self, toks: &mut Vec<String>, at: &str) -> Result<u64, ImportError> {
        if toks.is_empty() {
            return Err(ImportError::new(at, "missing value"));
        }
        let t = toks.remove(0);
        match t.as_str() {
            "~" => Ok(!self.constant(toks, at)?),
            "(" => {
                let v = self.or_value(toks, at)?;
                if toks.first().is_some_and(|t| t == ")") {
                    toks.remove(0);
                    Ok(v)
                } else {
                    Err(ImportError::new(at, "unclosed parenthesis"))
                }
            }
            _ => self.single(&t, at),
        }
    }

    fn single(&self, t: &str, at: &str) -> Result<u64, ImportError> {
        if let Some(v) = parse_number(t) {
            return Ok(v);
        }
        if let Some(v) = self.opts.constants.get(t) {
            self.from_json.borrow_mut().insert(t.to_owned());
            return Ok(*v);
        }
        if let Some(v) = constants::value(self.arch, t) {
            // Two's complement, as minijail's truncate_word does with a
            // negative constant (AT_FDCWD); the table's values fit 64 bits.
            return Ok(v as u64);
        }
        let mut e = ImportError::new(at, format!("unknown constant `{t}`"));
        if let Some(near) = nearest(t, constants::names().iter().copied()) {
            e = e.with_help(format!("did you mean `{near}`? (or pass the policy's constants, crosvm's constants.json, to the import)"));
        } else {
            e = e.with_help("pass the policy's constants (crosvm's constants.json) to the import");
        }
        Err(e)
    }
}

/// Numbers as minijail reads them: decimal, `0x` hex, `0` octal, negative.
fn parse_number(t: &str) -> Option<u64> {
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
        u64::from_str_radix(o, 8).ok()?
    } else if t.len() > 1 && t.starts_with('0') {
        u64::from_str_radix(&t[1..], 8).ok()?
    } else {
        t.parse().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' && cur.is_empty() {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn strip_comment(line: &str) -> String {
    line.split_once('#').map_or(line, |(a, _)| a).to_owned()
}

/// Lines with `\` continuations joined, numbered by their first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (n, mut acc) = cur.take().unwrap_or((i + 1, String::new()));
        let stripped = strip_comment(raw);
        match stripped.trim_end().strip_suffix('\\') {
            Some(head) => {
                acc.push_str(head);
                acc.push(' ');
                cur = Some((n, acc));
            }
            None => {
                acc.push_str(raw);
                out.push((n, acc));
            }
        }
    }
    out.extend(cur);
    out
}

/// A syscall name of every architecture, ARM's private calls as
/// minijail spells them (`ARM_set_tls` is our `set_tls`, number
/// 0xf0005, on arm only).
fn syscall_name(name: &str, loc: &Loc, arches: &[Arch]) -> Result<String, ImportError> {
    if name.contains('@') || name.contains('[') || name.is_empty() {
        return Err(ImportError::new(
            loc.at(name),
            format!("`{name}`: syscall groups and metadata are not supported by this importer"),
        )
        .with_help("list the group's syscalls"));
    }
    let ours = match name.strip_prefix("ARM_") {
        Some(private) if arm_private(private, arches) => private,
        _ => name,
    };
    if ours == name && arm_private(name, arches) {
        return Err(ImportError::new(
            loc.at(name),
            format!("minijail knows ARM's private call `{name}` as `ARM_{name}`"),
        )
        .with_help(format!("write `ARM_{name}`")));
    }
    if let Some(a) = arches
        .iter()
        .find(|&&a| syscalls::table(a).number(ours).is_none())
    {
        let hint = seccomp_compiler::diag::nearest(
            name,
            syscalls::table(*a).entries().iter().map(|&(_, n)| n),
        );
        let mut e = ImportError::new(loc.at(name), format!("nonexistent syscall `{name}` on {a}"))
            .with_help("minijail refuses a policy naming a syscall its architecture does not have");
        if let Some(h) = hint {
            e = e.with_help(format!("did you mean `{h}`?"));
        }
        return Err(e);
    }
    Ok(ours.to_owned())
}

/// Whether `name` is one of ARM's private calls (`__ARM_NR_BASE` + n,
/// arch/arm/include/uapi/asm/unistd.h) on every architecture imported.
fn arm_private(name: &str, arches: &[Arch]) -> bool {
    arches.iter().all(|&a| {
        a == Arch::Arm
            && syscalls::table(a)
                .number(name)
                .is_some_and(|n| n >= 0xf0000)
    })
}

/// The statements: allowed syscalls in one `base` statement (in order of
/// first appearance, each with its source lines as comments), then the
/// syscalls with other actions.
fn body(
    draft: &mut Draft,
    syscalls: &[combine::Syscall],
    arches: &[Arch],
    exact: bool,
    default: Action,
    source_name: &str,
) {
    let render = Renderer { arches, exact };
    let mut allowed = Vec::new();
    let mut others: Vec<(&str, Vec<String>, &[Filter])> = Vec::new();
    let mut notes = BTreeSet::new();
    let mut last_file = source_name.to_owned();
    for s in syscalls {
        let comments: Vec<String> = s
            .lines
            .iter()
            .map(|l| format!("{}: {}", l.origin, super::text::one_line(&l.text)))
            .collect();
        let filters = decisive(&s.filters, default);
        // Only where refusing is the deny action can `base` say it.
        let all_allow = !filters.is_empty()
            && default != Action::Allow
            && filters.iter().all(|f| f.action == Action::Allow);
        if !all_allow {
            others.push((s.name, comments, filters));
            continue;
        }
        let mut item = match filters.iter().find(|f| f.expr.is_none()) {
            Some(_) => Item::new(s.name),
            None => {
                let alts: Vec<Conj> = filters
                    .iter()
                    .flat_map(|f| f.expr.clone().unwrap_or_default())
                    .collect();
                Item::new(format!(
                    "{}({})",
                    s.name,
                    render.dnf(s.name, &alts, &mut notes)
                ))
            }
        };
        let file = s.lines[0].file.clone();
        if file != last_file {
            item = item.with_comment(format!("from {file}"));
            last_file = file;
        }
        if s.lines.len() > 1 || filters.iter().any(|f| f.expr.is_some()) {
            for c in comments {
                item = item.with_comment(c);
            }
        }
        allowed.push(item);
    }
    for n in &notes {
        draft.body.comment(&format!("Note: {n}."));
    }
    if !allowed.is_empty() {
        draft.body.statement("base", &allowed, "");
    }
    for (name, comments, filters) in others {
        draft.body.blank();
        for c in &comments {
            draft.body.comment(c);
        }
        layered(draft, &render, name, filters, default);
    }
}

/// The filters that decide: up to the first unconditional one, which is
/// left out when it is the default action.
fn decisive(filters: &[Filter], default: Action) -> &[Filter] {
    let end = filters
        .iter()
        .position(|f| f.expr.is_none())
        .map_or(filters.len(), |i| i + 1);
    let filters = &filters[..end];
    match filters.split_last() {
        Some((last, rest)) if last.expr.is_none() && last.action == default => rest,
        _ => filters,
    }
}

/// A syscall whose filters have actions other than allow: the last
/// unconditional action (or the default) below, each earlier filter a
/// conditional `drop` on top, the first one last (it is checked first).
fn layered(draft: &mut Draft, render: &Renderer, name: &str, filters: &[Filter], default: Action) {
    let mut notes = BTreeSet::new();
    let (conditional, last) = match filters.last() {
        Some(f) if f.expr.is_none() => (&filters[..filters.len() - 1], Some(f.action)),
        _ => (filters, None),
    };
    let mut lines = Vec::new();
    match last {
        Some(a) if a != default => lines.push(format!("drop {name} => {a};")),
        _ if filters.is_empty() && default != Action::Allow => lines.push(format!("drop {name};")),
        _ => {}
    }
    for f in conditional.iter().rev() {
        let alts = f.expr.clone().unwrap_or_default();
        let cond = render.dnf(name, &alts, &mut notes);
        lines.push(format!("drop {name}({cond}) => {};", f.action));
    }
    for n in &notes {
        draft.body.comment(&format!("Note: {n}."));
    }
    if lines.is_empty() {
        draft.body.comment(&format!("{name}: the default action"));
    }
    for l in lines {
        draft.body.line(&l);
    }
}

#[cfg(test)]
mod tests;
