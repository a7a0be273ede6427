//! Reading a unit file as systemd reads it (src/shared/conf-parser.c
//! `config_parse`, `parse_line`; identical in systemd 252 and 257):
//!
//! - a line whose first non-blank character is `#` or `;` is a comment,
//!   also in the middle of a continued line, where it is skipped;
//! - a line ending in an odd number of backslashes continues on the next
//!   line: the backslash becomes a space and the next line is appended as
//!   it is;
//! - a UTF-8 byte order mark at the start is skipped;
//! - `[Section]` starts a section; assignments outside a section are
//!   ignored;
//! - `Key=Value`, both stripped of blanks; a line without `=` is ignored
//!   (with a warning).
//!
//! A text with no section header at all is read as the lines of a
//! `[Service]` section (as for `systemd-run -p`), and the output says so.

use super::super::ImportError;

/// One assignment and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Assignment {
    pub section: Option<String>,
    pub key: String,
    pub value: String,
    /// `file:line:col` of the key (the line is the last physical line of
    /// a continued one, as systemd reports it).
    pub at: String,
    /// `file:line:col` of the value.
    pub value_at: String,
}

/// The assignments of `text`, and lines systemd ignores with a warning.
pub(crate) struct Unit {
    pub assignments: Vec<Assignment>,
    pub ignored: Vec<String>,
    /// Whether the text had no section header.
    pub bare: bool,
}

/// Blanks as systemd's `WHITESPACE`.
const WHITESPACE: &[char] = &[' ', '\t', '\n', '\r'];

pub(crate) fn read(name: &str, text: &str) -> Result<Unit, ImportError> {
    let bare = !text
        .lines()
        .any(|l| l.trim_matches(WHITESPACE).starts_with('['));
    let mut out = Unit {
        assignments: Vec::new(),
        ignored: Vec::new(),
        bare,
    };
    let mut section: Option<String> = bare.then(|| "Service".to_owned());
    // The continued line so far, and the offset of its first physical
    // line in the joined text.
    let mut continuation: Option<String> = None;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, raw) in lines.iter().enumerate() {
        let number = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if i + 1 == lines.len() && raw.is_empty() {
            break;
        }
        let first = raw.trim_start_matches(WHITESPACE);
        if first.starts_with(['#', ';']) {
            continue;
        }
        let mut joined = match continuation.take() {
            Some(mut c) => {
                c.push_str(raw);
                c
            }
            None => raw.to_owned(),
        };
        if ends_escaped(&joined) {
            joined.pop();
            joined.push(' ');
            continuation = Some(joined);
            continue;
        }
        parse_line(name, number, &joined, &mut section, &mut out)?;
    }
    if let Some(rest) = continuation {
        parse_line(name, lines.len(), &rest, &mut section, &mut out)?;
    }
    Ok(out)
}

/// Whether the line ends in an unescaped backslash (conf-parser.c: an
/// odd number of them).
fn ends_escaped(line: &str) -> bool {
    let mut escaped = false;
    for c in line.chars() {
        escaped = !escaped && c == '\\';
    }
    escaped
}

fn parse_line(
    name: &str,
    number: usize,
    line: &str,
    section: &mut Option<String>,
    out: &mut Unit,
) -> Result<(), ImportError> {
    let at = |col: usize| format!("{name}:{number}:{col}");
    let start = line.len() - line.trim_start_matches(WHITESPACE).len();
    let l = line.trim_matches(WHITESPACE);
    if l.is_empty() {
        return Ok(());
    }
    if let Some(rest) = l.strip_prefix('[') {
        let Some(inner) = rest.strip_suffix(']') else {
            // systemd stops reading the file here.
            return Err(ImportError::new(
                at(start + 1),
                format!("invalid section header `{l}` (systemd refuses the file)"),
            ));
        };
        *section = Some(inner.to_owned());
        return Ok(());
    }
    let Some(eq) = l.find('=') else {
        out.ignored.push(format!(
            "{}: no `=` in `{l}`, ignored as systemd ignores it",
            at(start + 1)
        ));
        return Ok(());
    };
    if section.is_none() {
        out.ignored.push(format!(
            "{}: an assignment outside a section, ignored as systemd ignores it",
            at(start + 1)
        ));
        return Ok(());
    }
    let key = l[..eq].trim_matches(WHITESPACE);
    if key.is_empty() {
        out.ignored.push(format!(
            "{}: no key before `=`, ignored as systemd ignores it",
            at(start + 1)
        ));
        return Ok(());
    }
    let value_raw = &l[eq + 1..];
    let value = value_raw.trim_matches(WHITESPACE);
    let value_col =
        start + eq + 1 + (value_raw.len() - value_raw.trim_start_matches(WHITESPACE).len()) + 1;
    out.assignments.push(Assignment {
        section: section.clone(),
        key: key.to_owned(),
        value: value.to_owned(),
        at: at(start + 1),
        value_at: at(value_col),
    });
    Ok(())
}

/// systemd's `extract_first_word(&p, &word, NULL, 0)`, as
/// `SystemCallFilter=` and `SystemCallLog=` split their value: words
/// between blanks, a backslash takes the next character as it is, quotes
/// are ordinary characters. `Err` for a trailing backslash (systemd then
/// ignores the rest of the value, keeping the words before). Each word
/// comes with its byte offset.
pub(crate) fn words_plain(value: &str) -> (Vec<(usize, String)>, bool) {
    let mut out = Vec::new();
    let mut word: Option<(usize, String)> = None;
    let mut chars = value.char_indices();
    while let Some((i, c)) = chars.next() {
        if WHITESPACE.contains(&c) {
            out.extend(word.take());
            continue;
        }
        let w = word.get_or_insert_with(|| (i, String::new()));
        if c == '\\' {
            match chars.next() {
                Some((_, n)) => w.1.push(n),
                None => return (out, true),
            }
        } else {
            w.1.push(c);
        }
    }
    out.extend(word);
    (out, false)
}

/// `extract_first_word(..., EXTRACT_UNQUOTE)`, as the other list settings
/// split their value: also `'...'` and `"..."` quote, and a backslash in or
/// out of quotes takes the next character. `None` for unbalanced quotes or
/// a trailing backslash (systemd ignores the rest of the value).
pub(crate) fn words_unquoted(value: &str) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if WHITESPACE.contains(&c) => out.extend(word.take()),
            (_, '\\') => match chars.next() {
                Some(n) => word.get_or_insert_with(String::new).push(n),
                None => return (out, true),
            },
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (Some(q), c) if c == q => quote = None,
            (_, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    if quote.is_some() {
        return (out, true);
    }
    out.extend(word);
    (out, false)
}

/// systemd's `parse_boolean`.
pub(crate) fn boolean(value: &str) -> Option<bool> {
    let v = value.to_ascii_lowercase();
    match v.as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(text: &str) -> Vec<(String, String)> {
        read("u", text)
            .unwrap()
            .assignments
            .into_iter()
            .map(|a| (a.key, a.value))
            .collect()
    }

    #[test]
    fn continuation_lines_join_as_systemd_joins_them() {
        // Issue 8: `~@swap \` continued with `  @mount`.
        assert_eq!(
            kv("[Service]\nSystemCallFilter=~@swap \\\n  @mount\n"),
            [("SystemCallFilter".into(), "~@swap    @mount".into())]
        );
        // A comment line inside a continuation is skipped; an even number
        // of backslashes does not continue.
        assert_eq!(
            kv("[Service]\nA=x\\\n# note\n y\nB=z\\\\\nC=w\n"),
            [
                ("A".into(), "x  y".into()),
                ("B".into(), "z\\\\".into()),
                ("C".into(), "w".into())
            ]
        );
        // A continuation at the end of the file still counts.
        assert_eq!(kv("[Service]\nA=x \\"), [("A".into(), "x".into())]);
    }

    #[test]
    fn sections_comments_and_odd_lines() {
        let u = read(
            "u",
            "\u{feff}; c\nA=outside\n[Unit]\nB=1\n[Service]\n  # c\nnothing here\n =x\nC = y \n",
        )
        .unwrap();
        let keys: Vec<(Option<String>, String)> = u
            .assignments
            .iter()
            .map(|a| (a.section.clone(), a.key.clone()))
            .collect();
        assert_eq!(
            keys,
            [
                (Some("Unit".into()), "B".into()),
                (Some("Service".into()), "C".into())
            ]
        );
        assert_eq!(u.ignored.len(), 3, "{:?}", u.ignored);
        assert!(u.ignored[0].starts_with("u:2:1: an assignment outside a section"));
        assert_eq!(u.assignments[1].value_at, "u:9:5");
        assert!(read("u", "[Service\n").is_err());
        assert!(read("u", "A=1\n").unwrap().bare);
    }

    #[test]
    fn words() {
        let (w, bad) = words_plain(r#"a  "b c" d\ e \@f"#);
        let w: Vec<String> = w.into_iter().map(|(_, s)| s).collect();
        assert_eq!(w, ["a", "\"b", "c\"", "d e", "@f"]);
        assert!(!bad);
        assert!(words_plain("a b\\").1);
        assert_eq!(
            words_unquoted(r#"AF_UNIX "AF_INET" 'AF_INET6'"#).0,
            ["AF_UNIX", "AF_INET", "AF_INET6"]
        );
        assert!(words_unquoted("\"AF_UNIX").1);
        assert_eq!(boolean("YES"), Some(true));
        assert_eq!(boolean("off"), Some(false));
        assert_eq!(boolean("maybe"), None);
    }
}
