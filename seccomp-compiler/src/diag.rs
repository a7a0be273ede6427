//! Diagnostics: errors that name the offending token, say what was expected
//! and suggest the nearest valid name. Passes collect them rather than stop
//! at the first, and the pipeline checks after each pass.

use crate::arch::Arch;
use crate::span::{Source, Span};
use std::fmt::Write as _;

/// One problem with a policy.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Where in the policy text the problem is.
    pub span: Span,
    /// What is wrong, one line.
    pub message: String,
    /// Extra lines, e.g. "did you mean `write`?".
    pub help: Vec<String>,
    /// A second place that matters, e.g. where a duplicate was first given.
    /// Boxed: rarely set, and it would make every `Result<_, Diagnostic>`
    /// large.
    pub related: Option<Box<(Span, String)>>,
    /// Set when the problem concerns one architecture only: the policy is
    /// still good for the others.
    pub arch: Option<Arch>,
    /// For a problem of one architecture, how the policy fared on the
    /// others (set by `compile`, which compiled them all).
    pub elsewhere: Option<Box<Elsewhere>>,
    /// An error stops the compilation; a warning is reported beside the
    /// program (`Compilation::warnings`).
    pub severity: Severity,
}

/// How the policy fared on the architectures other than a diagnostic's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Elsewhere {
    /// They report this same problem (same place, same message).
    pub same: Vec<Arch>,
    /// They fail, without this problem (with a different list of siblings,
    /// say).
    pub other_errors: Vec<Arch>,
    /// They compile.
    pub compiled: Vec<Arch>,
}

/// Whether a diagnostic stops the compilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The compilation (or, with `arch` set, that architecture) fails.
    Error,
    /// Reported, but the program is still produced.
    Warning,
}

impl Severity {
    /// As rustc prints it: `error`, `warning`.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl Diagnostic {
    /// A problem that stops the compilation, at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
            help: Vec::new(),
            related: None,
            arch: None,
            elsewhere: None,
            severity: Severity::Error,
        }
    }

    /// A problem that does not stop the compilation.
    pub fn warning(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// Adds a `help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help.push(help.into());
        self
    }

    /// Adds "did you mean `s`?" when there is a suggestion.
    pub fn with_suggestion(self, suggestion: Option<&str>) -> Diagnostic {
        match suggestion {
            Some(s) => self.with_help(format!("did you mean `{s}`?")),
            None => self,
        }
    }

    /// Points also at a second place (`span`) with a note.
    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Diagnostic {
        self.related = Some(Box::new((span, note.into())));
        self
    }

    /// Marks the problem as concerning `arch` only.
    pub fn for_arch(mut self, arch: Arch) -> Diagnostic {
        self.arch = Some(arch);
        self
    }

    /// The message with its help lines, for places that show one string
    /// (the macro's `compile_error!`).
    pub fn full_message(&self) -> String {
        let mut s = match self.arch {
            Some(arch) => format!("{} (on {arch})", self.message),
            None => self.message.clone(),
        };
        if let Some((_, note)) = self.related.as_deref() {
            let _ = write!(s, "\nnote: {note}");
        }
        for h in &self.help {
            let _ = write!(s, "\nhelp: {h}");
        }
        s
    }

    /// Renders the diagnostic against a text source the way rustc does:
    /// `error: ...`, ` --> file:line:col`, the line, a caret underline.
    pub fn render(&self, source: &Source) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", self.severity.label(), self.message);
        render_location(&mut out, source, self.span, "");
        if let Some((span, note)) = self.related.as_deref() {
            render_location(&mut out, source, *span, note);
        }
        match (self.arch, self.severity) {
            (Some(arch), Severity::Error) => {
                let _ = writeln!(out, "  = note: {}", self.arch_note(arch));
            }
            (Some(arch), Severity::Warning) => {
                let _ = writeln!(out, "  = note: on {arch}");
            }
            (None, _) => {}
        }
        for h in &self.help {
            let _ = writeln!(out, "  = help: {h}");
        }
        out
    }
}

impl Diagnostic {
    /// Where an error of `arch` applies and how the other architectures
    /// fared, as exactly as `elsewhere` knows it.
    fn arch_note(&self, arch: Arch) -> String {
        let Some(e) = self.elsewhere.as_deref() else {
            return format!("on {arch}");
        };
        if e.same.is_empty() && e.other_errors.is_empty() && !e.compiled.is_empty() {
            return format!("only on {arch}; the policy compiles for the other architectures");
        }
        let mut on = vec![arch];
        on.extend(&e.same);
        let on = arch_list(&on);
        let mut note = format!("on {on}");
        if !e.other_errors.is_empty() {
            let _ = write!(
                note,
                "; {} fail with other errors",
                arch_list(&e.other_errors)
            );
        }
        if !e.compiled.is_empty() {
            let _ = write!(note, "; the policy compiles for {}", arch_list(&e.compiled));
        }
        note
    }
}

/// `x86_64`, `x86_64 and x86`, `x86_64, x86 and arm`.
fn arch_list(arches: &[Arch]) -> String {
    let Some((last, rest)) = arches.split_last() else {
        return String::new();
    };
    let mut out = Arch::list(rest);
    if !rest.is_empty() {
        out.push_str(" and ");
    }
    out.push_str(last.name());
    out
}

fn render_location(out: &mut String, source: &Source, span: Span, label: &str) {
    let start = source.line_col(span.lo as usize);
    let end = source.line_col((span.hi as usize).max(span.lo as usize));
    let gutter = start.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad}--> {}:{}:{}", source.name, start.line, start.col);
    let line = source.line_text(start.line);
    let width = if end.line == start.line {
        end.col.saturating_sub(start.col).max(1)
    } else {
        1
    };
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{} | {line}", start.line);
    let marker = format!("{}{}", " ".repeat(start.col - 1), "^".repeat(width));
    let _ = writeln!(out, "{pad} | {marker} {label}");
}

/// Diagnostics collected by one pass.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Records one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    /// Records several diagnostics.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.list.extend(other);
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// `Err` with everything collected if anything was, so a pass ends with
    /// `diags.check()?`.
    pub fn check(self) -> Result<(), Vec<Diagnostic>> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(self.list)
        }
    }

    /// Everything collected, in order, errors and warnings alike.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// `parts` separated by `separator`, each between two `quote`s (`""` for
/// none), as `[&str]::join` joins them: a loop rather than std's `join`,
/// whose generic code every build that uses the macro would compile.
pub fn join(parts: &[&str], separator: &str, quote: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(quote);
        out.push_str(part);
        out.push_str(quote);
    }
    out
}

/// Renders several diagnostics against one source.
pub fn render_all(diags: &[Diagnostic], source: &Source) -> String {
    let mut out = String::new();
    let mut separator = "";
    for d in diags {
        out.push_str(separator);
        out.push_str(&d.render(source));
        separator = "\n";
    }
    out
}

/// The candidate nearest to `word` by edit distance, if one is near enough
/// to be a plausible typo; failing that, the one candidate that has `word`
/// as a part separated by `_` or `-` (`flags` -> `clone_flags`, `@network`
/// -> `@network-io`).
///
/// The work is bounded whatever `word` is: a candidate whose length differs
/// from the word's by more than the allowed edits cannot be within them, so
/// its distance is never computed, and a word longer than one and a half
/// times the longest candidate is compared with none (a 1 MB name costs
/// one pass over its characters).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut list = Vec::new();
    for c in candidates {
        list.push(c);
    }
    nearest_in(word, &list)
}

/// [`nearest`] over a slice. The compiler's own callers use this one:
/// plain loops and no generic code, because this crate is compiled
/// unoptimised in every build that uses the macro.
pub fn nearest_in<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word_len = word.chars().count();
    let limit = typo_limit(word_len);
    // The first candidate at the smallest (distance, length).
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        if c == word || !may_be_within(word_len, c.chars().count(), limit) {
            continue;
        }
        let d = edit_distance(word, c);
        if d > limit {
            continue;
        }
        match best {
            Some((best_d, best_c)) if (best_d, best_c.len()) <= (d, c.len()) => {}
            _ => best = Some((d, c)),
        }
    }
    match best {
        Some((_, c)) => Some(c),
        None => only_one_with_part(word, candidates),
    }
}

/// The candidate other than `word` that has `word` as a part separated by
/// `_` or `-`, if exactly one has.
fn only_one_with_part<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut found = None;
    for &c in candidates {
        if c == word || !has_part(c, word) {
            continue;
        }
        if found.is_some() {
            return None;
        }
        found = Some(c);
    }
    found
}

fn has_part(name: &str, part: &str) -> bool {
    for p in name.split(['_', '-']) {
        if p == part {
            return true;
        }
    }
    false
}

/// The most edits a suggestion may be away from a word of `len`
/// characters: a third of it, at least one.
fn typo_limit(len: usize) -> usize {
    (len / 3).max(1)
}

/// Whether words of these lengths can be `limit` edits apart or closer:
/// every edit changes the length by at most one.
fn may_be_within(word_len: usize, candidate_len: usize, limit: usize) -> bool {
    word_len.abs_diff(candidate_len) <= limit
}

/// Damerau-Levenshtein distance (optimal string alignment), so swapped
/// letters (`wirte`) count as one edit.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = Vec::with_capacity(b.len() + 1);
    for j in 0..=b.len() {
        prev.push(j);
    }
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("write", "write"), 0);
        assert_eq!(edit_distance("wirte", "write"), 1);
        assert_eq!(edit_distance("wrte", "write"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn nearest_prefers_close_names() {
        let names = ["write", "writev", "read", "openat"];
        assert_eq!(nearest("wirte", names), Some("write"));
        assert_eq!(nearest("opnat", names), Some("openat"));
        assert_eq!(nearest("zzzzzz", names), None);
        assert_eq!(
            nearest("flags", ["clone_flags", "newsp", "tls"]),
            Some("clone_flags")
        );
        assert_eq!(nearest("fd", ["in_fd", "out_fd"]), None);
    }

    #[test]
    fn a_prefix_before_a_separator_suggests_the_only_name_it_starts() {
        let groups = crate::tables::groups::GROUPS.iter().map(|g| g.name);
        assert_eq!(nearest("@network", groups.clone()), Some("@network-io"));
        assert_eq!(nearest("@system", groups.clone()), Some("@system-service"));
        assert_eq!(nearest("@file", groups.clone()), Some("@file-system"));
        // Several groups start with it: no guess.
        assert_eq!(nearest("@firejail", groups.clone()), None);
        assert_eq!(nearest("@network-oi", groups.clone()), Some("@network-io"));
        assert_eq!(nearest("@nothing-like-it", groups), None);
        // Syscall names have no `-`: what was suggested before still is,
        // and nothing else.
        let names = crate::tables::syscalls::all_names().iter().copied();
        assert_eq!(nearest("wirte", names.clone()), Some("write"));
        assert_eq!(nearest("network", names.clone()), None);
        assert_eq!(nearest("io", names), None);
    }

    #[test]
    fn long_words_are_compared_with_no_candidate() {
        let names = crate::tables::syscalls::all_names();
        let longest = names.iter().map(|n| n.len()).max().unwrap();
        // Past one and a half times the longest name, the length alone
        // rules every candidate out, so no distance is computed at all.
        let word_len = longest * 3 / 2 + 2;
        let limit = typo_limit(word_len);
        assert!(
            names
                .iter()
                .all(|n| !may_be_within(word_len, n.len(), limit))
        );
        let huge = "w".repeat(1 << 20);
        assert_eq!(nearest(&huge, names.iter().copied()), None);
        let almost = format!("{}x", "rt_sigtimedwait_time64");
        assert_eq!(
            nearest(&almost, names.iter().copied()),
            Some("rt_sigtimedwait_time64")
        );
    }

    #[test]
    fn renders_like_rustc() {
        let src = Source::new("p.policy", "keep wirte;\n");
        let d = Diagnostic::error(Span::text(5, 10), "unknown syscall `wirte`")
            .with_suggestion(Some("write"));
        assert_eq!(
            d.render(&src),
            "error: unknown syscall `wirte`\n --> p.policy:1:6\n  |\n1 | keep wirte;\n  |      ^^^^^ \n  = help: did you mean `write`?\n"
        );
    }
}
