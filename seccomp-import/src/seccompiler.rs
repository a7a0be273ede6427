//! seccompiler JSON (rust-vmm/seccompiler, Firecracker's
//! `resources/seccomp/*.json`): a map of named filters, each with a
//! `mismatch_action` (alias `default_action`), a `match_action` (alias
//! `filter_action`) and `filter` rules `{ syscall, args, comment }`.
//!
//! Semantics, from seccompiler's `src/frontend/json.rs` and
//! `src/backend/condition.rs`:
//! - rules for one syscall are alternatives (OR), the `args` of one rule
//!   must all hold (AND); a syscall with no rule that has `args` matches
//!   unconditionally, but once any of its rules has `args`, the rules
//!   without `args` add nothing (the JSON front end only collects rules
//!   with conditions); `"args": []` is an error;
//! - `dword` compares the low 32 bits of the argument with the low 32 bits
//!   of `val` (larger values are silently truncated), `qword` all 64;
//! - `{"masked_eq": M}` holds when `arg & M == val & M`;
//! - a name unknown on the target architecture is an error, and so are
//!   equal match and mismatch actions;
//! - the file is read with serde (`JsonFilter`, `JsonRule` and
//!   `JsonCondition` are `#[serde(deny_unknown_fields)]`, a field given
//!   twice or with its alias is serde's "duplicate field",
//!   `JsonFilterMap` refuses a repeated filter name), and every filter of
//!   the file is compiled, so a bad one anywhere fails the file; all of
//!   that is refused here too (rust-vmm/seccompiler 0858710
//!   `src/frontend/json.rs`, checked against 0.5 by
//!   `tests/tests/differential_seccompiler.rs`).
//!
//! A file is for one architecture: `--arch`, or the one its name says
//! (`x86_64-unknown-linux-musl.json`).

use super::cond::{ArgRef, Cmp, Conj, Renderer, SourceWidth};
use super::json::{self, Node};
use super::text::Item;
use super::{Draft, ImportError, ImportOptions, Imported};
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::Arch;
use seccomp_compiler::ast::CmpOp;
use seccomp_compiler::tables::syscalls;
use std::collections::BTreeSet;

struct Reader<'a> {
    name: &'a str,
    text: &'a str,
}

impl Reader<'_> {
    fn err(&self, node: &Node, path: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(
            format!(
                "{} ({path})",
                super::location(self.name, self.text, node.offset)
            ),
            message,
        )
    }

    fn str<'n>(&self, node: &'n Node, path: &str) -> Result<&'n str, ImportError> {
        node.as_str().ok_or_else(|| {
            self.err(
                node,
                path,
                format!("expected a string, found {}", node.value.kind()),
            )
        })
    }

    fn u64(&self, node: &Node, path: &str) -> Result<u64, ImportError> {
        node.as_u64().ok_or_else(|| {
            self.err(
                node,
                path,
                format!("expected an unsigned integer, found {}", node.value.kind()),
            )
        })
    }
}

/// One rule: a syscall and its conditions (`None`: no `args`).
struct Rule {
    syscall: String,
    conds: Option<Conj>,
    comments: Vec<String>,
    path: String,
    node_offset: usize,
}

pub(super) fn import(
    source_name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    let r = Reader {
        name: source_name,
        text,
    };
    let root = json::parse(text)
        .map_err(|e| ImportError::new(super::location(source_name, text, e.offset), e.message))?;
    let filters = root.as_object().ok_or_else(|| {
        r.err(
            &root,
            "$",
            "expected an object mapping filter names to filters",
        )
    })?;
    let arches = target_arches(source_name, opts)?;
    // seccompiler's `compile_from_json` compiles every filter of the file
    // and fails if any fails, so every one is read and checked.
    let mut read = Vec::new();
    for (i, (name, node)) in filters.iter().enumerate() {
        if filters[..i].iter().any(|(other, _)| other == name) {
            // json.rs `JsonFilterMapVisitor`: "duplicate filter key".
            return Err(r.err(
                node,
                name,
                format!("filter `{name}` is defined twice; seccompiler refuses the file (duplicate filter key)"),
            ));
        }
        read.push(read_filter(&r, node, name, &arches)?);
    }
    let (name, _) = pick_filter(&r, &root, filters, opts)?;
    let chosen = filters
        .iter()
        .position(|(k, _)| *k == name)
        .map(|i| &read[i]);
    // Bound: `pick_filter` returns a key of `filters`.
    let Some(Filter {
        mismatch,
        matched,
        rules,
    }) = chosen
    else {
        return Err(r.err(&root, "$", format!("no filter `{name}`")));
    };
    let mut draft = Draft::new();
    let src = Source {
        name: source_name,
        filter: &name,
        filters: filters.len(),
    };
    header(&mut draft, &src, &arches, opts, *mismatch, *matched);
    body(&mut draft, rules, &arches, opts, *mismatch, *matched);
    draft.finish(source_name)
}

/// One filter as read: its actions and rules.
struct Filter {
    mismatch: Action,
    matched: Action,
    rules: Vec<Rule>,
}

/// The fields of seccompiler's `JsonFilter`, `JsonRule` and
/// `JsonCondition` (src/frontend/json.rs), each with its serde aliases.
/// All three are `#[serde(deny_unknown_fields)]`, and serde's derive
/// refuses a field given twice (an alias counts as the field).
const FILTER_FIELDS: [&[&str]; 3] = [
    &["mismatch_action", "default_action"],
    &["match_action", "filter_action"],
    &["filter"],
];
const RULE_FIELDS: [&[&str]; 3] = [&["syscall"], &["args"], &["comment"]];
const COND_FIELDS: [&[&str]; 5] = [&["index"], &["type"], &["op"], &["val"], &["comment"]];

/// The members of `node` by field (the first name of each), refusing what
/// seccompiler's serde reading refuses: not an object, unknown and
/// repeated fields.
fn strict_fields<'n>(
    r: &Reader,
    node: &'n Node,
    path: &str,
    fields: &[&[&'static str]],
) -> Result<Vec<(&'static str, &'n Node)>, ImportError> {
    let members = node.as_object().ok_or_else(|| {
        r.err(
            node,
            path,
            format!("expected an object, found {}", node.value.kind()),
        )
    })?;
    let mut out: Vec<(&'static str, &Node)> = Vec::new();
    for (key, value) in members {
        let at = format!("{path}.{key}");
        let Some(names) = fields.iter().find(|names| names.contains(&key.as_str())) else {
            let all: Vec<&str> = fields.iter().flat_map(|n| n.iter().copied()).collect();
            let mut e = r.err(
                value,
                &at,
                format!("`{key}` is not a field; seccompiler refuses unknown fields"),
            );
            e = match seccomp_compiler::diag::nearest(key, all.iter().copied()) {
                Some(n) => e.with_help(format!("did you mean `{n}`?")),
                None => e.with_help(format!("the fields: {}", all.join(", "))),
            };
            return Err(e);
        };
        if out.iter().any(|(f, _)| *f == names[0]) {
            return Err(r.err(
                value,
                &at,
                format!(
                    "`{}` is given twice{}; seccompiler refuses the file (duplicate field)",
                    names[0],
                    if names.len() > 1 {
                        format!(" (or as `{}`)", names[1..].join("`, `"))
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        out.push((names[0], value));
    }
    Ok(out)
}

fn get<'n>(fields: &[(&str, &'n Node)], name: &str) -> Option<&'n Node> {
    fields.iter().find(|(f, _)| *f == name).map(|&(_, n)| n)
}

/// A `comment`: seccompiler's `JsonComment` reads a string and drops it;
/// `null` is an absent `Option`.
fn comment(r: &Reader, node: Option<&Node>, path: &str) -> Result<Option<String>, ImportError> {
    match node {
        None => Ok(None),
        Some(n) if n.is_null() => Ok(None),
        Some(n) => Ok(Some(r.str(n, &format!("{path}.comment"))?.to_owned())),
    }
}

fn read_filter(
    r: &Reader,
    filter: &Node,
    path: &str,
    arches: &[Arch],
) -> Result<Filter, ImportError> {
    let f = strict_fields(r, filter, path, &FILTER_FIELDS)?;
    let mismatch_node = get(&f, "mismatch_action").ok_or_else(|| {
        r.err(
            filter,
            path,
            "missing `mismatch_action` (or `default_action`)",
        )
    })?;
    let match_node = get(&f, "match_action")
        .ok_or_else(|| r.err(filter, path, "missing `match_action` (or `filter_action`)"))?;
    let mismatch = action(r, mismatch_node, &format!("{path}.mismatch_action"))?;
    let matched = action(r, match_node, &format!("{path}.match_action"))?;
    if mismatch == matched {
        return Err(r.err(
            match_node,
            path,
            format!("the match and mismatch actions are both {matched}; seccompiler refuses such a filter"),
        ));
    }
    let list = get(&f, "filter").ok_or_else(|| r.err(filter, path, "missing `filter`"))?;
    let list = list.as_array().ok_or_else(|| {
        r.err(
            list,
            &format!("{path}.filter"),
            "expected an array of rules",
        )
    })?;
    let mut rules = Vec::new();
    for (i, node) in list.iter().enumerate() {
        rules.push(read_rule(r, node, &format!("{path}.filter[{i}]"))?);
    }
    for rule in &rules {
        if let Some(a) = arches
            .iter()
            .find(|a| syscalls::table(**a).number(&rule.syscall).is_none())
        {
            let node = Node {
                value: json::Value::Null,
                offset: rule.node_offset,
            };
            return Err(r.err(
                &node,
                &rule.path,
                format!(
                    "`{}` is not a syscall on {a}; seccompiler refuses unknown names",
                    rule.syscall
                ),
            ));
        }
    }
    Ok(Filter {
        mismatch,
        matched,
        rules,
    })
}

struct Source<'a> {
    name: &'a str,
    filter: &'a str,
    filters: usize,
}

fn pick_filter<'n>(
    r: &Reader,
    root: &Node,
    filters: &'n [(String, Node)],
    opts: &ImportOptions,
) -> Result<(String, &'n Node), ImportError> {
    let names: Vec<&str> = filters.iter().map(|(k, _)| k.as_str()).collect();
    let list = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match &opts.filter {
        Some(want) => filters
            .iter()
            .find(|(k, _)| k == want)
            .map(|(k, v)| (k.clone(), v))
            .ok_or_else(|| {
                r.err(root, "$", format!("no filter `{want}` in this file"))
                    .with_help(format!("its filters are {list}"))
            }),
        None => match filters {
            [(k, v)] => Ok((k.clone(), v)),
            [] => Err(r.err(root, "$", "the file defines no filter")),
            _ => Err(r
                .err(
                    root,
                    "$",
                    format!("the file defines {} filters", filters.len()),
                )
                .with_help(format!("choose one with --filter: {list}"))),
        },
    }
}

/// The architectures: `--arch`, or the one the file name says.
fn target_arches(source_name: &str, opts: &ImportOptions) -> Result<Vec<Arch>, ImportError> {
    if let Some(a) = &opts.arches {
        return Ok(a.clone());
    }
    match arch_in_name(source_name) {
        Some(a) => Ok(vec![a]),
        None => Err(ImportError::new(
            source_name,
            "a seccompiler file is for one architecture, and its name does not say which",
        )
        .with_help("name it with --arch, e.g. --arch x86_64")),
    }
}

/// An architecture named by a part of a file name (`x86_64-unknown-...`).
pub(super) fn arch_in_name(source_name: &str) -> Option<Arch> {
    source_name
        .split(['/', '-', '.'])
        .rev()
        .find_map(Arch::from_name)
}

/// A seccompiler action: a string (`"allow"`) or an object (`{"errno": 1}`).
/// A seccompiler action (`SeccompAction` of seccompiler 0.5, serde's
/// externally tagged enum in snake case): a unit variant as a string
/// (`"allow"`) or as an object of one `null` member (`{"allow": null}`,
/// which serde_json also takes), the others as an object of one member
/// (`{"errno": 1}`). 0.5 has no `user_notif` (later versions do).
fn action(r: &Reader, node: &Node, path: &str) -> Result<Action, ImportError> {
    const HELP: &str = "actions: \"allow\", \"trap\", \"kill_thread\", \"kill_process\", \"log\", {\"errno\": N}, {\"trace\": N}";
    let unit = |name: &str| match name {
        "allow" => Some(Action::Allow),
        "trap" => Some(Action::Trap),
        "kill_thread" => Some(Action::KillThread),
        "kill_process" => Some(Action::KillProcess),
        "log" => Some(Action::Log),
        _ => None,
    };
    if let Some(s) = node.as_str() {
        return unit(s).ok_or_else(|| {
            r.err(node, path, format!("unknown action `{s}`"))
                .with_help(HELP)
        });
    }
    let [(key, n)] = node.as_object().unwrap_or_default() else {
        return Err(r.err(node, path, "expected an action").with_help(HELP));
    };
    if let Some(a) = unit(key) {
        if n.is_null() {
            return Ok(a);
        }
        return Err(r
            .err(
                n,
                &format!("{path}.{key}"),
                format!("`{key}` takes no value (null)"),
            )
            .with_help(HELP));
    }
    // seccompiler stores u32 and the kernel keeps 16 bits, capping errno
    // at 4095; refuse what would change on the way.
    let max = match key.as_str() {
        "errno" => 4095,
        "trace" => 0xffff,
        _ => {
            return Err(r
                .err(n, path, format!("unknown action `{key}`"))
                .with_help(HELP));
        }
    };
    let v = r.u64(n, &format!("{path}.{key}"))?;
    if v > max {
        return Err(r.err(
            n,
            path,
            format!("{key} {v} is out of range (at most {max})"),
        ));
    }
    // Bounded by `max` <= u16::MAX.
    let v = v as u16;
    Ok(if key == "errno" {
        Action::Errno(v)
    } else {
        Action::Trace(v)
    })
}

fn read_rule(r: &Reader, node: &Node, path: &str) -> Result<Rule, ImportError> {
    let f = strict_fields(r, node, path, &RULE_FIELDS)?;
    let syscall = get(&f, "syscall").ok_or_else(|| r.err(node, path, "missing `syscall`"))?;
    let syscall = r.str(syscall, &format!("{path}.syscall"))?.to_owned();
    let mut comments = Vec::new();
    comments.extend(comment(r, get(&f, "comment"), path)?);
    let conds = match get(&f, "args") {
        None => None,
        Some(n) if n.is_null() => None,
        Some(list) => {
            let items = list
                .as_array()
                .ok_or_else(|| r.err(list, &format!("{path}.args"), "expected an array"))?;
            if items.is_empty() {
                return Err(r
                    .err(
                        list,
                        &format!("{path}.args"),
                        "an empty `args` list; seccompiler refuses it (EmptyRule)",
                    )
                    .with_help("leave `args` out to match every call"));
            }
            let mut conj = Vec::new();
            for (i, a) in items.iter().enumerate() {
                let (cmp, comment) = read_cond(r, a, &format!("{path}.args[{i}]"))?;
                if let Some(c) = comment {
                    let ArgRef::Index(index) = cmp.arg else {
                        unreachable!("read_cond gives an index")
                    };
                    comments.push(format!("arg{index}: {c}"));
                }
                conj.push(cmp);
            }
            Some(conj)
        }
    };
    Ok(Rule {
        syscall,
        conds,
        comments,
        path: path.to_owned(),
        node_offset: node.offset,
    })
}

fn read_cond(r: &Reader, node: &Node, path: &str) -> Result<(Cmp, Option<String>), ImportError> {
    let f = strict_fields(r, node, path, &COND_FIELDS)?;
    let field =
        |key: &str| get(&f, key).ok_or_else(|| r.err(node, path, format!("missing `{key}`")));
    let index_node = field("index")?;
    let index = r.u64(index_node, &format!("{path}.index"))?;
    if index > 5 {
        return Err(r.err(
            index_node,
            path,
            format!("argument index {index} is out of range (0 to 5)"),
        ));
    }
    let ty = r.str(field("type")?, &format!("{path}.type"))?;
    let width = match ty {
        "dword" => SourceWidth::Bits32,
        "qword" => SourceWidth::Bits64,
        other => {
            return Err(r.err(
                node,
                path,
                format!("unknown argument type `{other}` (expected `dword` or `qword`)"),
            ));
        }
    };
    let val = r.u64(field("val")?, &format!("{path}.val"))?;
    let op_node = field("op")?;
    // `SeccompCmpOp` is an externally tagged enum: `{"masked_eq": M}`
    // has exactly one member.
    let masked = match op_node.as_object() {
        Some([(k, m)]) if k == "masked_eq" => Some(m),
        _ => None,
    };
    let (op, mask) = match (op_node.as_str(), masked) {
        (Some("eq"), _) => (CmpOp::Eq, None),
        (Some("ne"), _) => (CmpOp::Ne, None),
        (Some("lt"), _) => (CmpOp::Lt, None),
        (Some("le"), _) => (CmpOp::Le, None),
        (Some("gt"), _) => (CmpOp::Gt, None),
        (Some("ge"), _) => (CmpOp::Ge, None),
        (None, Some(m)) => (CmpOp::Eq, Some(r.u64(m, &format!("{path}.op.masked_eq"))?)),
        _ => {
            return Err(r.err(op_node, &format!("{path}.op"), "unknown operator")
                .with_help("operators: \"eq\", \"ne\", \"lt\", \"le\", \"gt\", \"ge\", {\"masked_eq\": MASK}"));
        }
    };
    // seccompiler masks the value (`value &= mask`) and, for dword,
    // compares its low 32 bits.
    let keep = if width == SourceWidth::Bits32 {
        u64::from(u32::MAX)
    } else {
        u64::MAX
    };
    let mask = mask.map(|m| m & keep);
    let value = val & mask.unwrap_or(u64::MAX) & keep;
    let mut comment = comment(r, get(&f, "comment"), path)?;
    if value != val && mask.is_none() {
        comment = Some(format!(
            "{}seccompiler compares only the low 32 bits of {val:#x} (dword)",
            comment.map(|c| format!("{c}; ")).unwrap_or_default()
        ));
    }
    Ok((
        Cmp {
            // Checked <= 5 above.
            arg: ArgRef::Index(index as u8),
            width,
            mask,
            op,
            value,
        },
        comment,
    ))
}

fn header(
    draft: &mut Draft,
    src: &Source,
    arches: &[Arch],
    opts: &ImportOptions,
    mismatch: Action,
    matched: Action,
) {
    let h = &mut draft.header;
    h.push(format!(
        "Imported from filter `{}` of {} (seccompiler JSON, {} filter(s) in the file) by `seccompc import --from seccompiler`.",
        src.filter, src.name, src.filters
    ));
    h.push(format!(
        "A rule matching gives {matched} (match_action); every other syscall gets {mismatch} (mismatch_action)."
    ));
    h.push(if opts.exact_width {
        "Widths: as seccompiler compares (`dword` the low 32 bits, `qword` all 64), with `:u32`/`:u64` where the kernel's width differs (--exact-width).".to_owned()
    } else {
        "Widths: `dword` compares the low 32 bits, as in seccompiler; `qword` comparisons use the kernel's width of each parameter (noted where it differs; --exact-width keeps 64 bits).".to_owned()
    });
    let names: Vec<&str> = arches.iter().map(|a| a.name()).collect();
    let s = &mut draft.settings;
    if matched == Action::Allow {
        s.setting(&format!("deny {mismatch};"), "mismatch_action");
    } else if mismatch == Action::Allow {
        s.setting("default allow;", "mismatch_action");
    } else {
        s.setting(&format!("default {mismatch};"), "mismatch_action");
    }
    s.setting(
        &format!("unknown {mismatch};"),
        "seccompiler gives mismatch_action to every number without a rule",
    );
    s.line(&format!("arch {};", names.join(", ")));
}

fn body(
    draft: &mut Draft,
    rules: &[Rule],
    arches: &[Arch],
    opts: &ImportOptions,
    _mismatch: Action,
    matched: Action,
) {
    let render = Renderer {
        arches,
        exact: opts.exact_width,
    };
    // Syscalls in order of first appearance, with their rules.
    let mut order: Vec<&str> = Vec::new();
    for r in rules {
        if !order.contains(&r.syscall.as_str()) {
            order.push(&r.syscall);
        }
    }
    let mut items = Vec::new();
    let mut notes = BTreeSet::new();
    for name in order {
        let mine: Vec<&Rule> = rules.iter().filter(|r| r.syscall == name).collect();
        let alts: Vec<Conj> = mine.iter().filter_map(|r| r.conds.clone()).collect();
        let mut item = if alts.is_empty() {
            Item::new(name)
        } else {
            Item::new(format!("{name}({})", render.dnf(name, &alts, &mut notes)))
        };
        if !alts.is_empty() && mine.iter().any(|r| r.conds.is_none()) {
            item = item.with_comment(format!(
                "`{name}` also has a rule without `args`, which seccompiler ignores once other rules have conditions"
            ));
            draft.warnings.push(format!(
                "`{name}`: a rule without `args` is ignored because other rules for it have conditions (as seccompiler does)"
            ));
        }
        for r in &mine {
            for c in &r.comments {
                item = item.with_comment(c.clone());
            }
        }
        items.push(item);
    }
    for n in &notes {
        draft.body.comment(&format!("Note: {n}."));
    }
    if items.is_empty() {
        // Firecracker's resources/seccomp/unimplemented.json: valid, and
        // every syscall gets the default (mismatch) action.
        draft
            .body
            .comment("The filter lists no syscall: every syscall gets the default action.");
        return;
    }
    if matched == Action::Allow {
        draft.body.statement("base", &items, "");
    } else {
        draft
            .body
            .statement("drop", &items, &format!(" => {matched}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{corpus, verdict};
    use crate::{Format, import};

    fn imp(text: &str, opts: &ImportOptions) -> Result<String, ImportError> {
        import(Format::Seccompiler, "f-x86_64.json", text, opts).map(|i| i.policy)
    }

    #[test]
    fn a_small_filter() {
        let p = imp(
            r#"{"main": {"default_action": "trap", "filter_action": "allow", "filter": [
                {"syscall": "read", "comment": "stdin"},
                {"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": "eq", "val": 21505, "comment": "TCGETS"}]},
                {"syscall": "ioctl", "args": [{"index": 1, "type": "dword", "op": {"masked_eq": 255}, "val": 4660}]},
                {"syscall": "mmap", "args": [{"index": 3, "type": "qword", "op": "ne", "val": 34},
                                              {"index": 0, "type": "qword", "op": "lt", "val": 4096}]}
            ]}}"#,
            &ImportOptions::default(),
        )
        .unwrap();
        let body = p.split_once("\n\n").unwrap().1;
        assert_eq!(
            body,
            "\
base
    // stdin
    read,
    // arg1: TCGETS
    ioctl(arg1 == 0x5401 || arg1 & 0xff == 52),
    mmap(arg3 != 34 && arg0 < 0x1000);
"
        );
        assert!(p.contains("\ndeny trap; // mismatch_action\n"), "{p}");
        assert!(p.contains("\narch x86_64;\n"), "{p}");
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "read", &[]), Action::Allow);
        assert_eq!(
            verdict(&p, x, "ioctl", &[0, 0xffff_0000_0000_5401]),
            Action::Allow,
            "dword"
        );
        assert_eq!(verdict(&p, x, "ioctl", &[0, 0x1234]), Action::Allow);
        assert_eq!(verdict(&p, x, "ioctl", &[0, 0x1235]), Action::Trap);
        assert_eq!(verdict(&p, x, "write", &[]), Action::Trap);
    }

    #[test]
    fn deny_lists_and_exact_widths() {
        let text = r#"{"t": {"mismatch_action": "allow", "match_action": {"errno": 1}, "filter": [
            {"syscall": "mount"},
            {"syscall": "socket", "args": [{"index": 0, "type": "qword", "op": "eq", "val": 40}]},
            {"syscall": "socket"}]}}"#;
        let opts = ImportOptions {
            exact_width: true,
            ..ImportOptions::default()
        };
        let p = imp(text, &opts).unwrap();
        assert!(p.contains("\ndefault allow; // mismatch_action\n"), "{p}");
        assert!(p.contains("socket(arg0:u64 == 40) => errno(EPERM);"), "{p}");
        let x = Arch::X86_64;
        assert_eq!(verdict(&p, x, "mount", &[]), Action::Errno(1));
        assert_eq!(verdict(&p, x, "socket", &[40]), Action::Errno(1));
        assert_eq!(
            verdict(&p, x, "socket", &[2]),
            Action::Allow,
            "the rule without args adds nothing"
        );
        assert_eq!(
            verdict(&p, x, "socket", &[(1 << 32) | 40]),
            Action::Allow,
            "qword"
        );
    }

    #[test]
    fn problems_are_reported() {
        let two = r#"{"a": {"mismatch_action": "trap", "match_action": "allow", "filter": []},
                      "b": {"mismatch_action": "trap", "match_action": "allow", "filter": []}}"#;
        let e = imp(two, &ImportOptions::default()).unwrap_err().to_string();
        assert!(
            e.contains("the file defines 2 filters\nhelp: choose one with --filter: `a`, `b`"),
            "{e}"
        );
        let opts = ImportOptions {
            filter: Some("c".into()),
            ..ImportOptions::default()
        };
        let e = imp(two, &opts).unwrap_err().to_string();
        assert!(e.contains("no filter `c` in this file"), "{e}");
        let bad = r#"{"a": {"mismatch_action": "trap", "match_action": "allow", "filter": [{"syscall": "opne"}]}}"#;
        let e = imp(bad, &ImportOptions::default()).unwrap_err().to_string();
        assert!(
            e.contains("(a.filter[0]): `opne` is not a syscall on x86_64"),
            "{e}"
        );
        let e = import(
            Format::Seccompiler,
            "f.json",
            bad,
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("its name does not say which"));
        let same = r#"{"a": {"mismatch_action": "allow", "match_action": "allow", "filter": []}}"#;
        assert!(
            imp(same, &ImportOptions::default())
                .unwrap_err()
                .message
                .contains("both allow")
        );
    }

    #[test]
    fn firecracker_filters() {
        let text = corpus("firecracker-x86_64-unknown-linux-musl.json");
        for name in ["vmm", "api", "vcpu"] {
            let opts = ImportOptions {
                filter: Some(name.into()),
                ..ImportOptions::default()
            };
            let p = import(
                Format::Seccompiler,
                "firecracker-x86_64-unknown-linux-musl.json",
                &text,
                &opts,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                verdict(&p.policy, Arch::X86_64, "exit_group", &[]),
                Action::Allow,
                "{name}"
            );
            assert_eq!(
                verdict(&p.policy, Arch::X86_64, "execve", &[]),
                Action::Trap,
                "{name}"
            );
        }
    }
}
