//! Writing policy text: comments, settings, and statements laid out the
//! way a person would write them (short ones on one line, long item lists
//! wrapped, items with comments one per line).

use std::fmt::Write as _;

/// Lines longer than this are wrapped.
const WIDTH: usize = 96;
const INDENT: &str = "    ";

/// One item of a statement, with comment lines to show above it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub comments: Vec<String>,
}

impl Item {
    pub fn new(text: impl Into<String>) -> Item {
        Item {
            text: text.into(),
            comments: Vec::new(),
        }
    }

    pub fn with_comment(mut self, comment: impl Into<String>) -> Item {
        self.comments.push(comment.into());
        self
    }
}

/// Policy text under construction.
#[derive(Default)]
pub struct PolicyText {
    out: String,
}

impl PolicyText {
    pub fn new() -> PolicyText {
        PolicyText::default()
    }

    /// `// text`, one comment line per line of `text`.
    pub fn comment(&mut self, text: &str) {
        comment_lines(&mut self.out, "", text);
    }

    pub fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// A setting such as `deny errno(EPERM);`, with a trailing comment.
    pub fn setting(&mut self, statement: &str, comment: &str) {
        if comment.is_empty() {
            self.line(statement);
        } else {
            let _ = writeln!(self.out, "{statement} // {}", one_line(comment));
        }
    }

    /// `head item, item, ...tail;` (`tail` is e.g. ` => errno(EPERM)`).
    pub fn statement(&mut self, head: &str, items: &[Item], tail: &str) {
        if items.iter().any(|i| !i.comments.is_empty()) {
            self.statement_with_comments(head, items, tail);
            return;
        }
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        let one = format!("{head} {}{tail};", texts.join(", "));
        if one.len() <= WIDTH && !one.contains('\n') {
            self.line(&one);
            return;
        }
        self.out.push_str(head);
        self.out.push('\n');
        let mut line = String::new();
        for (i, t) in texts.iter().enumerate() {
            let last = i + 1 == texts.len();
            let piece = if last {
                format!("{t}{tail};")
            } else {
                format!("{t},")
            };
            if !line.is_empty() && INDENT.len() + line.len() + 1 + piece.len() > WIDTH {
                let _ = writeln!(self.out, "{INDENT}{line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&piece);
        }
        let _ = writeln!(self.out, "{INDENT}{line}");
    }

    fn statement_with_comments(&mut self, head: &str, items: &[Item], tail: &str) {
        self.out.push_str(head);
        self.out.push('\n');
        for (i, item) in items.iter().enumerate() {
            for c in &item.comments {
                comment_lines(&mut self.out, INDENT, c);
            }
            let end = if i + 1 == items.len() {
                format!("{tail};")
            } else {
                ",".to_owned()
            };
            let _ = writeln!(self.out, "{INDENT}{}{end}", item.text);
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

fn comment_lines(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        if line.trim().is_empty() {
            let _ = writeln!(out, "{indent}//");
        } else {
            let _ = writeln!(out, "{indent}// {}", line.trim_end());
        }
    }
    if text.is_empty() {
        let _ = writeln!(out, "{indent}//");
    }
}

/// `text` on one line (newlines become spaces).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_statements_take_one_line() {
        let mut t = PolicyText::new();
        t.statement("keep", &[Item::new("read"), Item::new("write")], "");
        t.statement("drop", &[Item::new("mount")], " => errno(EPERM)");
        assert_eq!(
            t.finish(),
            "keep read, write;\ndrop mount => errno(EPERM);\n"
        );
    }

    #[test]
    fn long_statements_wrap() {
        let items: Vec<Item> = (0..30).map(|i| Item::new(format!("name{i}"))).collect();
        let mut t = PolicyText::new();
        t.statement("base", &items, "");
        let out = t.finish();
        assert!(out.starts_with("base\n    name0, name1,"));
        assert!(out.ends_with("name29;\n"));
        assert!(out.lines().all(|l| l.len() <= WIDTH));
    }

    #[test]
    fn items_with_comments_take_a_line_each() {
        let mut t = PolicyText::new();
        t.statement(
            "keep",
            &[
                Item::new("read").with_comment("why\nand more"),
                Item::new("write"),
            ],
            " => log",
        );
        assert_eq!(
            t.finish(),
            "keep\n    // why\n    // and more\n    read,\n    write => log;\n"
        );
    }
}
