//! The fields an nsjail config may have: google/nsjail's `config.proto`
//! (d6454b4), vendored verbatim as `nsjail-config.proto` and read here.
//! nsjail parses a config with protobuf's `TextFormat::ParseFromString`
//! (config.cc parseFile), which refuses a field its message does not
//! declare and a non-repeated field given twice; the importer refuses them
//! too, naming the place.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// google/nsjail d6454b4 `config.proto`.
const CONFIG_PROTO: &str = include_str!("nsjail-config.proto");

/// One field of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The message type of the field; `None` for a scalar or an enum.
    pub message: Option<String>,
    pub repeated: bool,
}

/// Message name (unqualified: config.proto's are unique) -> field name ->
/// field.
pub type Schema = BTreeMap<String, BTreeMap<String, Field>>;

/// The top-level message of a config (config.cc: `nsjail::NsJailConfig`).
pub const ROOT: &str = "NsJailConfig";

pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| read(CONFIG_PROTO))
}

/// The words of a proto file: comments and string literals left out,
/// punctuation a word of its own.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if b[i] == b'"' {
            i += 1 + rest[1..].find('"').map_or(rest.len() - 1, |e| e + 1);
        } else if b"{}[]=;<>,".contains(&b[i]) {
            out.push(&text[i..=i]);
            i += 1;
        } else if b[i].is_ascii_whitespace() {
            i += 1;
        } else {
            let len = rest
                .find(|c: char| c.is_ascii_whitespace() || "{}[]=;<>,\"/".contains(c))
                .unwrap_or(rest.len())
                .max(1);
            out.push(&rest[..len]);
            i += len;
        }
    }
    out
}

/// Reads the messages and their fields; enums, options and field numbers
/// are skipped.
fn read(text: &str) -> Schema {
    let w = words(text);
    let mut schema = Schema::new();
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    // The enclosing messages, and for each `{` whether it opened a message.
    let mut messages: Vec<String> = Vec::new();
    let mut blocks: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < w.len() {
        match w[i] {
            "message" if i + 2 < w.len() && w[i + 2] == "{" => {
                messages.push(w[i + 1].to_owned());
                schema.entry(w[i + 1].to_owned()).or_default();
                blocks.push(true);
                i += 3;
            }
            "{" => {
                blocks.push(false);
                i += 1;
            }
            "}" => {
                if blocks.pop() == Some(true) {
                    messages.pop();
                }
                i += 1;
            }
            "optional" | "repeated" | "required" if i + 2 < w.len() => {
                if let Some(m) = messages.last() {
                    fields.push((m.clone(), w[i + 2].to_owned(), w[i] == "repeated"));
                    // The type, resolved once every message is known.
                    fields.push((m.clone(), w[i + 1].to_owned(), false));
                }
                i += 3;
            }
            _ => i += 1,
        }
    }
    for pair in fields.chunks(2) {
        let [(m, name, repeated), (_, ty, _)] = pair else {
            continue;
        };
        // `Outer.Inner` or `Inner`: the last part names the message.
        let ty = ty.rsplit('.').next().unwrap_or(ty);
        let message = schema.contains_key(ty).then(|| ty.to_owned());
        if let Some(fs) = schema.get_mut(m) {
            fs.insert(
                name.clone(),
                Field {
                    message,
                    repeated: *repeated,
                },
            );
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_proto_as_nsjail_declares_it() {
        let s = schema();
        let root = &s[ROOT];
        // config.proto: `repeated string seccomp_string = 69;`,
        // `optional bool seccomp_log = 70`, `repeated MountPt mount = 67;`,
        // `optional Exe exec_bin = ...`, nested `message UserNet`.
        assert_eq!(
            root["seccomp_string"],
            Field {
                message: None,
                repeated: true
            }
        );
        assert_eq!(
            root["seccomp_log"],
            Field {
                message: None,
                repeated: false
            }
        );
        assert_eq!(root["mount"].message.as_deref(), Some("MountPt"));
        assert!(root["mount"].repeated);
        assert_eq!(root["exec_bin"].message.as_deref(), Some("Exe"));
        assert!(s["MountPt"].contains_key("dst"));
        assert!(s.contains_key("UserNet"));
        assert!(!root.contains_key("seccomp_frob"));
        // Enums are no messages, and their values no fields.
        assert!(!s.contains_key("Mode"));
        assert!(!root.contains_key("ONCE"));
    }
}
