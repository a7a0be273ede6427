//! `record --after-sandbox`: what the policy text says about it.

/// The options and command as `seccompc record` was given them, for
/// comments.
pub fn command_line(shown: &str, after_sandbox: bool) -> String {
    if after_sandbox {
        format!("--after-sandbox -- {shown}")
    } else {
        format!("-- {shown}")
    }
}

/// The recorded policy with its first line naming `--after-sandbox`, and a
/// line saying what was recorded.
pub fn with_note(policy: String) -> String {
    let Some((first, rest)) = policy.split_once('\n') else {
        return policy;
    };
    let first = first.replacen(
        "seccompc record -- ",
        "seccompc record --after-sandbox -- ",
        1,
    );
    format!(
        "{first}\n\
         // Only what ran after the command installed its own seccomp filter: what\n\
         // that filter must allow (the start-up before it is not included).\n\
         {rest}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_follows_the_first_line() {
        let policy = "// Recorded by `seccompc record -- ls` on x86_64:\n// more\nkeep read;\n";
        assert_eq!(
            with_note(policy.to_owned()),
            "// Recorded by `seccompc record --after-sandbox -- ls` on x86_64:\n\
             // Only what ran after the command installed its own seccomp filter: what\n\
             // that filter must allow (the start-up before it is not included).\n\
             // more\nkeep read;\n"
        );
    }
}
