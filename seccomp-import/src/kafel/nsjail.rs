//! nsjail configs: protobuf text format (`config.proto`, google/nsjail
//! d6454b4, read by `TextFormat::ParseFromString` in config.cc parseFile)
//! whose `seccomp_string` values (repeated, one per line or as a `[...]`
//! list; nsjail joins them, each followed by a newline, sandbox.cc
//! preparePolicy) or `seccomp_policy_file` hold the kafel policy. The text
//! format: `name: value` and `name { ... }` (or `< ... >`) fields,
//! optionally ended by `,` or `;`, `#` comments, strings in `"` or `'`
//! with C escapes, adjacent strings concatenated. Every field name is
//! checked against config.proto (`proto.rs`), as protobuf checks it, and a
//! non-repeated field given twice is refused, as protobuf refuses it.
//!
//! Of nsjail's fields only the `seccomp_*` ones concern the filter
//! (sandbox.cc is the only user of `seccomp_fprog`): `seccomp_log` installs
//! it with SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_TSYNC
//! (prepareAndCommit), which logs the actions other than allow and changes
//! none of them; `seccomp_unotify` installs a second filter of nsjail's own
//! (refused); `seccomp_unotify_report` names its report file.

use super::super::ImportError;
use super::lex::Origin;
use super::proto::{self, Field};
use std::collections::BTreeSet;

/// What an nsjail config says about seccomp.
pub struct Config {
    /// The kafel text of the `seccomp_string` values, and where each of
    /// its bytes came from.
    pub strings: Option<(String, Origin)>,
    pub policy_file: Option<(String, usize)>,
    /// Fields that do not concern the filter (left out, with a warning).
    pub other_fields: Vec<String>,
    pub warnings: Vec<String>,
}

/// Whether `text` looks like an nsjail config rather than a kafel policy:
/// some line starts with `name:` (kafel has no `:` at all).
pub fn is_config(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        let name_len = l
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(l.len());
        name_len > 0 && l[name_len..].trim_start().starts_with(':')
    })
}

pub fn read(name: &str, text: &str) -> Result<Config, ImportError> {
    let mut p = Reader { name, text, pos: 0 };
    let mut cfg = Config {
        strings: None,
        policy_file: None,
        other_fields: Vec::new(),
        warnings: Vec::new(),
    };
    let mut strings = Origin {
        name: name.to_owned(),
        text: text.to_owned(),
        map: Vec::new(),
    };
    let mut decoded = String::new();
    let mut seen_string = false;
    let root = &proto::schema()[proto::ROOT];
    let mut given = BTreeSet::new();
    loop {
        p.skip_space();
        if p.pos >= text.len() {
            break;
        }
        let (field, at) = p.field_name()?;
        let f = p.declared(root, proto::ROOT, &field, at, &mut given)?;
        p.skip_space();
        let has_colon = p.eat(":");
        p.skip_space();
        match field.as_str() {
            "seccomp_string" => {
                for (value, map, end) in p.strings(has_colon)? {
                    seen_string = true;
                    decoded.push_str(&value);
                    decoded.push('\n');
                    strings.map.extend(map);
                    strings.map.push(end);
                }
            }
            "seccomp_policy_file" => {
                p.colon(has_colon, at)?;
                let (value, _, _) = p.string()?;
                cfg.policy_file = Some((value, at));
            }
            "seccomp_log" | "seccomp_unotify" => {
                p.colon(has_colon, at)?;
                let v = p.bool_value()?;
                if field == "seccomp_unotify" && v {
                    return Err(ImportError::new(
                        super::super::location(name, text, at),
                        "`seccomp_unotify: true` makes nsjail install a second filter of its own (unotify::buildKafelPolicy), which this import does not reproduce",
                    ));
                }
                if field == "seccomp_log" && v {
                    cfg.warnings.push("`seccomp_log: true` makes nsjail install the filter with SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_TSYNC (sandbox.cc prepareAndCommit), which logs every action but allow and changes none; not part of the policy (`seccompc run --log` logs)".to_owned());
                }
            }
            _ => {
                p.skip_value(f, has_colon)?;
                if !cfg.other_fields.contains(&field) {
                    cfg.other_fields.push(field);
                }
            }
        }
        p.skip_space();
        if !p.eat(",") {
            p.eat(";");
        }
    }
    if seen_string {
        cfg.strings = Some((decoded, strings));
    }
    Ok(cfg)
}

struct Reader<'a> {
    name: &'a str,
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, at: usize, message: impl Into<String>) -> ImportError {
        ImportError::new(super::super::location(self.name, self.text, at), message)
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn skip_space(&mut self) {
        loop {
            let r = self.rest();
            let trimmed = r.trim_start();
            self.pos += r.len() - trimmed.len();
            if trimmed.starts_with('#') {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> &str {
        let r = &self.text[self.pos..];
        let len = r
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '+')))
            .unwrap_or(r.len());
        self.pos += len;
        &r[..len]
    }

    fn field_name(&mut self) -> Result<(String, usize), ImportError> {
        let at = self.pos;
        let w = self.word().to_owned();
        if w.is_empty() || !w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            let found = self.rest().chars().next().unwrap_or(' ');
            return Err(self.err(at, format!("expected a field name, found `{found}`")));
        }
        Ok((w, at))
    }

    fn scalar(&mut self) -> Result<String, ImportError> {
        let at = self.pos;
        let w = self.word().to_owned();
        if w.is_empty() {
            return Err(self.err(at, "expected a value"));
        }
        Ok(w)
    }

    /// One or more adjacent string literals: the decoded text, the source
    /// offset of each decoded byte, and the offset of the closing quote.
    fn string(&mut self) -> Result<(String, Vec<usize>, usize), ImportError> {
        let mut out = String::new();
        let mut map = Vec::new();
        let start = self.pos;
        loop {
            let Some(q) = self
                .rest()
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
            else {
                if out.is_empty() && map.is_empty() && self.pos == start {
                    return Err(self.err(self.pos, "expected a string"));
                }
                break;
            };
            self.pos += 1;
            loop {
                let at = self.pos;
                let Some(c) = self.rest().chars().next() else {
                    return Err(self.err(start, "unterminated string"));
                };
                if c == q {
                    self.pos += 1;
                    break;
                }
                if c == '\n' {
                    return Err(self.err(start, "unterminated string (a newline in a string)"));
                }
                let (decoded, len) = if c == '\\' {
                    self.escape(at)?
                } else {
                    (c, c.len_utf8())
                };
                let mut buf = [0u8; 4];
                for _ in decoded.encode_utf8(&mut buf).bytes() {
                    map.push(at);
                }
                out.push(decoded);
                self.pos += len;
            }
            self.skip_space();
        }
        let end = map.last().map_or(self.pos, |&l| l + 1);
        Ok((out, map, end))
    }

    /// The escape at `at` (a backslash): its character and length.
    fn escape(&self, at: usize) -> Result<(char, usize), ImportError> {
        let r = &self.text[at + 1..];
        let c = r
            .chars()
            .next()
            .ok_or_else(|| self.err(at, "unterminated escape"))?;
        let simple = match c {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '?' => Some('?'),
            _ => None,
        };
        if let Some(s) = simple {
            return Ok((s, 2));
        }
        let (digits, radix, skip) = if c == 'x' {
            (
                r[1..]
                    .chars()
                    .take(2)
                    .take_while(char::is_ascii_hexdigit)
                    .count(),
                16,
                1,
            )
        } else {
            (
                r.chars()
                    .take(3)
                    .take_while(|d| ('0'..='7').contains(d))
                    .count(),
                8,
                0,
            )
        };
        if digits == 0 {
            return Err(self.err(at, format!("unknown escape `\\{c}`")));
        }
        let v = u32::from_str_radix(&r[skip..skip + digits], radix).unwrap_or(0);
        let ch = char::from_u32(v)
            .filter(char::is_ascii)
            .ok_or_else(|| self.err(at, "a non-ASCII byte escape in a kafel policy"))?;
        Ok((ch, 1 + skip + digits))
    }

    /// The field `name` of `message`, as config.proto declares it; a
    /// non-repeated field must not come twice (`given`: the fields seen in
    /// this message).
    fn declared(
        &self,
        fields: &'static std::collections::BTreeMap<String, Field>,
        message: &str,
        name: &str,
        at: usize,
        given: &mut BTreeSet<String>,
    ) -> Result<&'static Field, ImportError> {
        let Some(f) = fields.get(name) else {
            let mut e = self.err(
                at,
                format!("nsjail's config has no field `{name}` in {message} (config.proto); nsjail refuses the config"),
            );
            if let Some(n) =
                seccomp_compiler::diag::nearest(name, fields.keys().map(String::as_str))
            {
                e = e.with_help(format!("did you mean `{n}`?"));
            }
            return Err(e);
        };
        if !f.repeated && !given.insert(name.to_owned()) {
            return Err(self.err(
                at,
                format!("`{name}` is given twice; it is not repeated, and protobuf's parser refuses the config (\"Non-repeated field is specified multiple times\")"),
            ));
        }
        Ok(f)
    }

    /// A scalar field needs its `:`.
    fn colon(&self, has_colon: bool, at: usize) -> Result<(), ImportError> {
        if has_colon {
            Ok(())
        } else {
            Err(self.err(at, "expected `:` after the field name"))
        }
    }

    /// A bool as protobuf's text parser reads one: `true`, `True`, `t`,
    /// `1`, `false`, `False`, `f`, `0`.
    fn bool_value(&mut self) -> Result<bool, ImportError> {
        let at = self.pos;
        match self.scalar()?.as_str() {
            "true" | "True" | "t" | "1" => Ok(true),
            "false" | "False" | "f" | "0" => Ok(false),
            other => Err(self.err(at, format!("invalid value `{other}` for a bool field"))),
        }
    }

    /// A repeated string field's value: one string (adjacent literals
    /// joined) or a `[...]` list of them.
    fn strings(
        &mut self,
        has_colon: bool,
    ) -> Result<Vec<(String, Vec<usize>, usize)>, ImportError> {
        self.colon(has_colon, self.pos)?;
        if !self.eat("[") {
            return Ok(vec![self.string()?]);
        }
        let mut out = Vec::new();
        loop {
            self.skip_space();
            if self.eat("]") {
                return Ok(out);
            }
            if !out.is_empty() && !self.eat(",") {
                return Err(self.err(self.pos, "expected `,` or `]` in the list"));
            }
            self.skip_space();
            out.push(self.string()?);
        }
    }

    /// Skips the value of field `f`: a scalar, strings, a `[...]` list
    /// (of a repeated field) or a `{...}` / `<...>` message, checking the
    /// fields of messages against config.proto.
    fn skip_value(&mut self, f: &Field, has_colon: bool) -> Result<(), ImportError> {
        let at = self.pos;
        if f.repeated && has_colon && self.eat("[") {
            let one = Field {
                message: f.message.clone(),
                repeated: false,
            };
            let mut first = true;
            loop {
                self.skip_space();
                if self.eat("]") {
                    return Ok(());
                }
                if !first && !self.eat(",") {
                    return Err(self.err(self.pos, "expected `,` or `]` in the list"));
                }
                first = false;
                self.skip_space();
                self.skip_value(&one, true)?;
            }
        }
        match (&f.message, self.rest().chars().next()) {
            (Some(m), Some('{' | '<')) => self.skip_message(m),
            (Some(_), _) => Err(self.err(at, "expected a `{ ... }` message")),
            (None, _) if !has_colon => Err(self.err(at, "expected `:` after the field name")),
            (None, Some('"' | '\'')) => self.string().map(|_| ()),
            (None, _) => self.scalar().map(|_| ()),
        }
    }

    fn skip_message(&mut self, message: &str) -> Result<(), ImportError> {
        let at = self.pos;
        let close = if self.eat("{") {
            "}"
        } else if self.eat("<") {
            ">"
        } else {
            return Err(self.err(at, "expected `{`"));
        };
        let fields = &proto::schema()[message];
        let mut given = BTreeSet::new();
        loop {
            self.skip_space();
            if self.eat(close) {
                return Ok(());
            }
            if self.pos >= self.text.len() {
                return Err(self.err(at, format!("unclosed message (no `{close}`)")));
            }
            let (name, name_at) = self.field_name()?;
            let f = self.declared(fields, message, &name, name_at, &mut given)?;
            self.skip_space();
            let c = self.eat(":");
            self.skip_space();
            self.skip_value(f, c)?;
            self.skip_space();
            if !self.eat(",") {
                self.eat(";");
            }
        }
    }
}
