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
use seccomp_compiler::tables::{constants, errno, syscalls};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
            _ => continue,
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

/// A syscall's line(s) as read.
struct Statement {
    syscall: String,
    filters: Vec<Filter>,
    /// `file:line` and the text, for comments.
    origin: String,
    text: String,
    /// The file it came from (for grouping comments).
    file: String,
}

struct Parser<'a> {
    opts: &'a ImportOptions,
    arch: Arch,
    default: Action,
    statements: Vec<Statement>,
    files: Vec<String>,
    warnings: Vec<String>,
    depth: usize,
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
        default: Action::KillProcess,
        statements: Vec::new(),
        files: Vec::new(),
        warnings: Vec::new(),
        depth: 0,
    };
    parser.file(source_name, text, &arches)?;
    let mut draft = Draft::new();
    draft.warnings = std::mem::take(&mut parser.warnings);
    draft.header.push(format!(
        "Imported from {source_name} (minijail policy) by `seccompc import --from minijail`."
    ));
    if parser.files.len() > 1 {
        draft
            .header
            .push(format!("Files: {}.", parser.files.join(", ")));
    }
    draft.header.push(if opts.exact_width {
        "Widths: all 64 bits, as minijail compares (--exact-width).".to_owned()
    } else {
        "Widths: kernel-exact (a 32-bit parameter is compared on its 32 bits), noted where minijail's 64-bit comparison differs.".to_owned()
    });
    let d = parser.default;
    draft.settings.setting(
        &format!("deny {d};"),
        "minijail: a syscall the policy does not allow is refused with the default action",
    );
    draft.settings.setting(
        &format!("unknown {d};"),
        "minijail gives the default action to every number without a rule",
    );
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    draft.settings.line(&format!("arch {};", names.join(", ")));
    body(
        &mut draft,
        &parser.statements,
        &arches,
        opts.exact_width,
        d,
        source_name,
    )?;
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

/// The architecture: from `constants.json`'s table if given, or the file's
/// path (`crosvm/x86_64/...`).
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

impl Parser<'_> {
    fn file(&mut self, name: &str, text: &str, arches: &[Arch]) -> Result<(), ImportError> {
        self.files.push(name.to_owned());
        for (number, line) in logical_lines(text) {
            let at = format!("{name}:{number}");
            let line = strip_comment(&line);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(path) = line.strip_prefix("@include") {
                self.include(path.trim(), &at, arches)?;
            } else if line.starts_with("@frequency") {
                continue;
            } else if let Some(action) = line.strip_prefix("@default") {
                self.default = parse_action(action.trim(), &at)?;
            } else {
                self.statement(line, &at, name, arches)?;
            }
        }
        Ok(())
    }

    fn include(&mut self, path: &str, at: &str, arches: &[Arch]) -> Result<(), ImportError> {
        if self.depth >= 10 {
            return Err(ImportError::new(
                at,
                "@include nested too deep (minijail's limit is 10)",
            ));
        }
        let found = self.find_include(path).ok_or_else(|| {
            ImportError::new(at, format!("cannot find `{path}` to @include"))
                .with_help("name the directory holding it with --include")
        })?;
        let text = std::fs::read_to_string(&found)
            .map_err(|e| ImportError::new(at, format!("cannot read {}: {e}", found.display())))?;
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

    fn statement(
        &mut self,
        line: &str,
        at: &str,
        file: &str,
        arches: &[Arch],
    ) -> Result<(), ImportError> {
        let (name, filter) = line.split_once(':').ok_or_else(|| {
            ImportError::new(at, format!("expected `syscall: filter`, found `{line}`"))
        })?;
        let name = name.trim();
        if name.starts_with('{') || name.contains('@') || name.contains('[') {
            return Err(ImportError::new(
                at,
                format!("`{name}`: syscall groups and metadata are not supported by this importer"),
            ));
        }
        if let Some(a) = arches
            .iter()
            .find(|&&a| syscalls::table(a).number(name).is_none())
        {
            let hint = seccomp_compiler::diag::nearest(
                name,
                syscalls::table(*a).entries().iter().map(|&(_, n)| n),
            );
            let mut e = ImportError::new(at, format!("`{name}` is not a syscall on {a}"));
            if let Some(h) = hint {
                e = e.with_help(format!("did you mean `{h}`?"));
            }
            return Err(e);
        }
        let filters = self.filter(filter.trim(), at)?;
        self.statements.push(Statement {
            syscall: name.to_owned(),
            filters,
            origin: at.to_owned(),
            text: line.to_owned(),
            file: file.to_owned(),
        });
        Ok(())
    }

    /// `action` | `expr [; action]` -> the filters it adds.
    fn filter(&self, text: &str, at: &str) -> Result<Vec<Filter>, ImportError> {
        if !text.starts_with("arg") {
            return Ok(vec![Filter {
                expr: None,
                action: parse_action(text, at)?,
            }]);
        }
        let (expr, otherwise) = match text.split_once(';') {
            Some((e, a)) => (e, Some(parse_action(a.trim(), at)?)),
            None => (text, None),
        };
        let dnf = self.dnf(expr, at)?;
        let mut out = vec![Filter {
            expr: Some(dnf),
            action: Action::Allow,
        }];
        if let Some(a) = otherwise {
            out.push(Filter {
                expr: None,
                action: a,
            });
        }
        Ok(out)
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

fn parse_action(text: &str, at: &str) -> Result<Action, ImportError> {
    let text = text.trim();
    if let Some(e) = text.strip_prefix("return") {
        let e = e.trim();
        let n = parse_number(e)
            .or_else(|| errno::number(Arch::X86_64, e).map(u64::from))
            .filter(|&n| n <= 4095)
            .ok_or_else(|| {
                ImportError::new(
                    at,
                    format!("`return {e}`: expected an errno name or number"),
                )
            })?;
        // Checked <= 4095.
        return Ok(Action::Errno(n as u16));
    }
    match text {
        "1" | "allow" => Ok(Action::Allow),
        "kill" | "kill-process" => Ok(Action::KillProcess),
        "kill-thread" => Ok(Action::KillThread),
        "trap" => Ok(Action::Trap),
        "trace" => Ok(Action::Trace(0)),
        "log" => Ok(Action::Log),
        "user-notify" => Ok(Action::UserNotif),
        other => Err(ImportError::new(at, format!("unknown action `{other}`"))
            .with_help("expected `1`, `allow`, `kill`, `kill-process`, `kill-thread`, `trap`, `trace`, `log`, `user-notify` or `return ERRNO`")),
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

/// The statements: allowed syscalls in one `base` statement (in order of
/// first appearance, each with its source lines as comments), then the
/// syscalls with other actions.
fn body(
    draft: &mut Draft,
    statements: &[Statement],
    arches: &[Arch],
    exact: bool,
    default: Action,
    source_name: &str,
) -> Result<(), ImportError> {
    let render = Renderer { arches, exact };
    let mut order: Vec<&str> = Vec::new();
    for s in statements {
        if !order.contains(&s.syscall.as_str()) {
            order.push(&s.syscall);
        }
    }
    let mut allowed = Vec::new();
    let mut others: Vec<(String, Vec<String>, Vec<Filter>)> = Vec::new();
    let mut notes = BTreeSet::new();
    let mut last_file = source_name.to_owned();
    for name in order {
        let mine: Vec<&Statement> = statements.iter().filter(|s| s.syscall == name).collect();
        let mut filters: Vec<Filter> = Vec::new();
        for s in &mine {
            if let Some(prev) = filters.iter().position(|f| f.expr.is_none()) {
                let first = mine
                    .iter()
                    .find(|m| m.filters.iter().any(|f| f.expr.is_none()))
                    .map_or("", |m| m.origin.as_str());
                return Err(ImportError::new(
                    &s.origin,
                    format!("`{name}` already had an unconditional action applied (at {first}); minijail refuses a later line for it"),
                )
                .with_help(format!("remove one of the lines ({} filter(s) before)", prev + 1)));
            }
            filters.extend(s.filters.iter().cloned());
        }
        let comments: Vec<String> = mine
            .iter()
            .map(|s| format!("{}: {}", s.origin, super::text::one_line(&s.text)))
            .collect();
        // All filters allow when their expression holds: one item.
        if filters.iter().all(|f| f.action == Action::Allow) {
            let mut item = match filters.iter().find(|f| f.expr.is_none()) {
                Some(_) => Item::new(name),
                None => {
                    let alts: Vec<Conj> = filters
                        .iter()
                        .flat_map(|f| f.expr.clone().unwrap_or_default())
                        .collect();
                    Item::new(format!("{name}({})", render.dnf(name, &alts, &mut notes)))
                }
            };
            let file = mine[0].file.clone();
            if file != last_file {
                item = item.with_comment(format!("from {file}"));
                last_file = file;
            }
            if mine.len() > 1 || filters.iter().any(|f| f.expr.is_some()) {
                for c in comments {
                    item = item.with_comment(c);
                }
            }
            allowed.push(item);
        } else {
            others.push((name.to_owned(), comments, filters));
        }
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
        layered(draft, &render, &name, &filters, default);
    }
    Ok(())
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
    if let Some(a) = last.filter(|&a| a != default) {
        lines.push(format!("drop {name} => {a};"));
    }
    for f in conditional.iter().rev() {
        let alts = f.expr.clone().unwrap_or_default();
        let cond = render.dnf(name, &alts, &mut notes);
        lines.push(format!("drop {name}({cond}) => {};", f.action));
    }
    for n in &notes {
        draft.body.comment(&format!("Note: {n}."));
    }
    for l in lines {
        draft.body.line(&l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, verdict};
    use crate::{Format, import};

    fn imp(text: &str, opts: &ImportOptions) -> Result<String, ImportError> {
        import(Format::Minijail, "x86_64/p.policy", text, opts).map(|i| i.policy)
    }

    #[test]
    fn minijails_cat_example() {
        let p = import(
            Format::Minijail,
            "minijail-examples-cat.policy",
            &corpus("minijail-examples-cat.policy"),
            &ImportOptions {
                arches: Some(vec![Arch::X86_64]),
                ..ImportOptions::default()
            },
        )
        .unwrap()
        .policy;
        assert!(
            p.contains("    mmap(arg2 & 4 == 0 || arg2 & 2 == 0),\n"),
            "{p}"
        );
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "mmap", &[0, 4096, 3, 0x22]), Action::Allow);
        assert_eq!(
            verdict(&p, x, "mmap", &[0, 4096, 7, 0x22]),
            Action::KillProcess,
            "W^X"
        );
        assert_eq!(verdict(&p, x, "execve", &[]), Action::KillProcess);
        assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
    }

    #[test]
    fn returns_actions_and_constants() {
        let opts = ImportOptions {
            constants: BTreeMap::from([("MY_FLAG".to_owned(), 0x40)]),
            ..ImportOptions::default()
        };
        let p = imp(
            "read: 1\nwrite: arg0 == 1 || arg0 == 2; return EBADF\nopen: return ENOENT\nioctl: arg1 & MY_FLAG|0x1 \\\n  && arg0 in ~3\nclose: trap\n@default kill-thread\n",
            &opts,
        )
        .unwrap();
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "write", &[2]), Action::Allow);
        assert_eq!(verdict(&p, x, "write", &[3]), Action::Errno(9));
        assert_eq!(verdict(&p, x, "open", &[]), Action::Errno(2));
        assert_eq!(verdict(&p, x, "ioctl", &[4, 0x40]), Action::Allow);
        assert_eq!(verdict(&p, x, "ioctl", &[5, 0x40]), Action::KillThread);
        assert_eq!(verdict(&p, x, "ioctl", &[4, 0x80]), Action::KillThread);
        assert_eq!(verdict(&p, x, "close", &[]), Action::Trap);
        assert_eq!(verdict(&p, x, "getpid", &[]), Action::KillThread);
        assert!(
            p.contains("drop write => errno(EBADF);\ndrop write(arg0 == 1 | 2) => allow;\n"),
            "{p}"
        );
        assert!(
            p.contains("ioctl(arg1 & 0x41 != 0 && arg0 & 3 == 0)"),
            "{p}"
        );
    }

    #[test]
    fn duplicate_lines_combine_or_are_refused() {
        let p = imp(
            "ioctl: arg1 == 1\nread: 1\nioctl: arg1 == 2\n",
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(p.contains("    ioctl(arg1 == 1 | 2),\n"), "{p}");
        let e = imp("open: return ENOENT\nopen: 1\n", &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x86_64/p.policy:2: `open` already had an unconditional action applied (at x86_64/p.policy:1)"), "{e}");
        let e = imp("opne: 1\n", &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "x86_64/p.policy:1: `opne` is not a syscall on x86_64\nhelp: did you mean `open`?"
        );
        let e = imp("read: arg0 == NOPE\n", &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x86_64/p.policy:1: unknown constant `NOPE`"),
            "{e}"
        );
        let e = imp("@include ./nowhere.policy\n", &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("cannot find `./nowhere.policy` to @include"),
            "{e}"
        );
    }

    #[test]
    fn kernel_constants_are_the_architectures_own() {
        // Hand-checked: O_DIRECTORY is 00200000 in asm-generic/fcntl.h
        // (x86_64) and 040000 in arch/arm64/include/uapi/asm/fcntl.h;
        // AT_FDCWD is -100 in linux/fcntl.h, minijail's truncate_word
        // keeping its two's complement.
        let text = "openat: arg0 == AT_FDCWD && arg2 & O_DIRECTORY\n";
        for (path, arch, o_directory, elsewhere) in [
            ("x86_64/p.policy", Arch::X86_64, 0o200000, 0o40000),
            ("aarch64/p.policy", Arch::Aarch64, 0o40000, 0o200000),
        ] {
            let p = import(Format::Minijail, path, text, &ImportOptions::default())
                .unwrap()
                .policy;
            let at_fdcwd = (-100i64) as u64;
            let allowed = verdict(&p, arch, "openat", &[at_fdcwd, 0, o_directory]);
            assert_eq!(allowed, Action::Allow, "{arch}: {p}");
            let other_arch_bit = verdict(&p, arch, "openat", &[at_fdcwd, 0, elsewhere]);
            assert_eq!(other_arch_bit, Action::KillProcess, "{arch}: {p}");
        }
        let e = imp("read: arg0 == O_DIRECTROY\n", &ImportOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `O_DIRECTORY`?"), "{e}");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0x10"), Some(16));
        assert_eq!(parse_number("010"), Some(8));
        assert_eq!(parse_number("0"), Some(0));
        assert_eq!(parse_number("-1"), Some(u64::MAX));
        assert_eq!(parse_number("PROT"), None);
        let c = constants_from_json(r#"{"constants": {"A": 5, "B": -2}, "arch_name": "x86_64"}"#)
            .unwrap();
        assert_eq!(c["A"], 5);
        assert_eq!(c["B"], u64::MAX - 1);
    }
}
