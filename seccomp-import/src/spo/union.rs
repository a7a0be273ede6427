//! security-profiles-merger v0.3.2 `seccomp.UnionSyscalls` (vendored by
//! the security-profiles-operator at a2e4c4b, `seccomp/merge.go` and
//! `seccomp/action.go`), which the operator applies to a profile's
//! syscalls and its base profile's:
//! - each list is normalized to one entry per name, entries of one name
//!   folded with `pickSyscall`;
//! - a name in both lists gets `pickSyscall(base, profile)`, a name in one
//!   its entry; the result is sorted by name;
//! - `pickSyscall`: the less restrictive action (the first on a tie), the
//!   `errnoRet` of the side whose action it is, and `unionArgs`: no
//!   conditions if either side has none, else both sides' conditions
//!   together (which the OCI loader then ANDs, or splits per argument as
//!   runc's `matchCall` does: that is what the operator installs).

use super::super::json::{Node, Value};

/// `restrictiveness` in action.go: kill_process 0 ... allow 7; unknown
/// actions are the most restrictive.
fn level(action: &str) -> i32 {
    match action {
        "SCMP_ACT_KILL_PROCESS" => 0,
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => 1,
        "SCMP_ACT_TRAP" => 2,
        "SCMP_ACT_ERRNO" => 3,
        "SCMP_ACT_NOTIFY" => 4,
        "SCMP_ACT_TRACE" => 5,
        "SCMP_ACT_LOG" => 6,
        "SCMP_ACT_ALLOW" => 7,
        _ => -1,
    }
}

/// One name's entry.
#[derive(Clone)]
struct Entry {
    name: String,
    action: Option<Node>,
    errno: Option<Node>,
    args: Vec<Node>,
    offset: usize,
}

fn action_str(e: &Entry) -> &str {
    e.action.as_ref().and_then(Node::as_str).unwrap_or("")
}

/// `pickSyscall(left, right)` with the union strategy.
fn pick(left: &Entry, right: &Entry) -> Entry {
    let (l, r) = (action_str(left), action_str(right));
    // LessRestrictive: the first when the levels tie.
    let from_left = level(l) >= level(r);
    let picked = if from_left { left } else { right };
    // pickSyscall compares the literal action strings for the errno.
    let errno = if action_str(picked) == l {
        &left.errno
    } else {
        &right.errno
    };
    Entry {
        name: left.name.clone(),
        action: picked.action.clone(),
        errno: errno.clone(),
        args: union_args(&left.args, &right.args),
        offset: left.offset,
    }
}

/// `unionArgs`: unconditional wins; else left's, then right's not in left.
fn union_args(left: &[Node], right: &[Node]) -> Vec<Node> {
    if left.is_empty() || right.is_empty() {
        return Vec::new();
    }
    let mut out = left.to_vec();
    for a in right {
        if !left.iter().any(|l| same_arg(l, a)) {
            out.push(a.clone());
        }
    }
    out
}

/// Equality of two `LinuxSeccompArg`s (index, value, valueTwo, op).
fn same_arg(a: &Node, b: &Node) -> bool {
    let field = |n: &Node, k: &str| n.get(k).map(|v| v.value.clone());
    let num = |n: &Node, k: &str| match field(n, k) {
        None => Some(Value::Uint(0)),
        v => v,
    };
    num(a, "index") == num(b, "index")
        && num(a, "value") == num(b, "value")
        && num(a, "valueTwo") == num(b, "valueTwo")
        && field(a, "op") == field(b, "op")
}

/// `normalizeSyscallList`: one entry per name, in order of first
/// appearance (the merger's map order does not matter: the result is
/// sorted).
fn normalize(list: &[Node]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for rule in list {
        let names = rule.get("names").and_then(Node::as_array).unwrap_or(&[]);
        for n in names {
            let Some(name) = n.as_str() else { continue };
            let single = Entry {
                name: name.to_owned(),
                action: rule.get("action").cloned(),
                errno: rule.get("errnoRet").cloned(),
                args: rule
                    .get("args")
                    .and_then(Node::as_array)
                    .map(<[Node]>::to_vec)
                    .unwrap_or_default(),
                offset: n.offset,
            };
            match out.iter_mut().find(|e| e.name == name) {
                Some(existing) => *existing = pick(existing, &single),
                None => out.push(single),
            }
        }
    }
    out
}

/// The union of a base profile's syscalls and a profile's, as OCI rules
/// (one per name, sorted by name).
pub(super) fn union_syscalls(base: &[Node], profile: &[Node]) -> Vec<Node> {
    let left = normalize(base);
    let right = normalize(profile);
    let mut merged: Vec<Entry> = left
        .iter()
        .map(|l| match right.iter().find(|r| r.name == l.name) {
            Some(r) => pick(l, r),
            None => l.clone(),
        })
        .collect();
    merged.extend(
        right
            .iter()
            .filter(|r| !left.iter().any(|l| l.name == r.name))
            .cloned(),
    );
    merged.sort_by(|a, b| a.name.cmp(&b.name));
    merged.into_iter().map(rule).collect()
}

fn rule(e: Entry) -> Node {
    let at = |value| Node {
        value,
        offset: e.offset,
    };
    let mut members = vec![(
        "names".to_owned(),
        at(Value::Array(vec![at(Value::Str(e.name.clone()))])),
    )];
    if let Some(a) = e.action {
        members.push(("action".to_owned(), a));
    }
    if let Some(r) = e.errno {
        members.push(("errnoRet".to_owned(), r));
    }
    if !e.args.is_empty() {
        members.push(("args".to_owned(), at(Value::Array(e.args))));
    }
    at(Value::Object(members))
}
