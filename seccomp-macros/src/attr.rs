//! `#[sandbox(...)]`: installs a policy as the first thing a function does.
//!
//! The arguments are options, then the policy:
//!
//! ```text
//! #[sandbox( [on_error = exit|panic ,] [on_violation = kill|report ,]
//!            ( POLICY | file = "PATH" | policy = PATH_TO_A_STATIC ) )]
//! ```
//!
//! Options are `name = value` pairs, each followed by `,`; no statement of
//! the policy language starts that way, so the policy itself is untouched.
//! The function gets, before its body:
//!
//! ```text
//! {
//!     static __SECCOMP_SANDBOX: ::seccomp_runtime::Policy = <seccomp_policy! expansion>;
//!     ::seccomp_runtime::__enter_sandbox(&__SECCOMP_SANDBOX, ::seccomp_runtime::OnError::Exit);
//! }
//! ```
//!
//! For an `async fn` the same statements open the body, that is the
//! future: see the crate documentation for what that means with
//! `#[tokio::main]` and friends.

use crate::error::Error;
use crate::expand::{Expansion, expand_policy};
use crate::pm::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree, ident_is};
use crate::template::{concat, rust};

/// What to do when the policy cannot be installed (`on_error = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnError {
    Exit,
    Panic,
}

/// What a refused syscall does (`on_violation = ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnViolation {
    /// What the policy says.
    Kill,
    /// Kills become `trap`, and the SIGSYS reporter prints the refused
    /// call before the process exits.
    Report,
}

/// The attribute's arguments.
struct Args {
    on_error: OnError,
    on_violation: OnViolation,
    policy: Source,
}

/// Where the policy comes from.
enum Source {
    /// Inline policy tokens, or `file = "PATH"`.
    Tokens(TokenStream),
    /// `policy = PATH`: a `static Policy` defined elsewhere, which tests
    /// can evaluate (`seccomp-testing`).
    Static(TokenStream),
}

/// `#[sandbox]`'s whole work, testable without rustc.
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let trees: Vec<TokenTree> = item.clone().into_iter().collect();
    let function = match Function::find(&trees) {
        Ok(f) => f,
        Err(e) => return rust("$0 $1", &[e.to_compile_error(), item]),
    };
    let args = match Args::parse(args) {
        Ok(args) => args,
        Err(e) => return function.with_prologue(e.to_compile_error()),
    };
    let variant = match args.on_error {
        OnError::Exit => rust("Exit", &[]),
        OnError::Panic => rust("Panic", &[]),
    };
    let enter = match args.on_violation {
        OnViolation::Kill => rust("__enter_sandbox", &[]),
        OnViolation::Report => rust("__enter_sandbox_reporting", &[]),
    };
    let policy = match args.policy {
        Source::Static(path) => path,
        Source::Tokens(tokens) => {
            let trap = args.on_violation == OnViolation::Report;
            let Expansion { expr, errors } = expand_policy(tokens, trap);
            if !errors.is_empty() {
                // The function stays as written: the user sees the policy's
                // errors and nothing else.
                return function.with_prologue(concat(&errors));
            }
            return function.with_prologue(rust(
                "{
                    static __SECCOMP_SANDBOX: ::seccomp_runtime::Policy = $0;
                    ::seccomp_runtime::$1(&__SECCOMP_SANDBOX, ::seccomp_runtime::OnError::$2);
                }",
                &[expr, enter, variant],
            ));
        }
    };
    function.with_prologue(rust(
        "{ ::seccomp_runtime::$0(&$1, ::seccomp_runtime::OnError::$2); }",
        &[enter, policy, variant],
    ))
}

const USAGE: &str = "write `#[sandbox(base @system-service; ...)]` with the policy inline, `#[sandbox(file = \"policies/app.policy\")]`, or `#[sandbox(policy = POLICY)]` for a `static POLICY: Policy = seccomp_policy! { ... };`; options such as `on_error = panic,` come first";

impl Args {
    fn parse(args: TokenStream) -> Result<Args, Error> {
        let trees: Vec<TokenTree> = args.into_iter().collect();
        let mut on_error = OnError::Exit;
        let mut on_violation = OnViolation::Kill;
        let mut file = None;
        let mut rest = trees.as_slice();
        loop {
            if let Some((path, after)) = static_policy(rest)? {
                let policy = Source::Static(path);
                return match after.first() {
                    None if file.is_none() => Ok(Args {
                        on_error,
                        on_violation,
                        policy,
                    }),
                    _ => Err(Error::new(
                        rest[0].span(),
                        "`policy = PATH` names the whole policy: nothing else may follow it, and `file = \"...\"` cannot go with it",
                    )),
                };
            }
            let Some((key, value, after)) = option(rest)? else {
                break;
            };
            match key.to_string().as_str() {
                "on_error" => on_error = on_error_value(value)?,
                "on_violation" => on_violation = on_violation_value(value)?,
                "file" => file = Some(rest[..3].iter().cloned().collect()),
                other => {
                    return Err(Error::new(
                        key.span(),
                        format!(
                            "unknown `#[sandbox]` option `{other}`\nhelp: the options are `on_error = exit|panic`, `on_violation = kill|report`, `file = \"PATH\"` and `policy = PATH`"
                        ),
                    ));
                }
            }
            rest = after;
        }
        Ok(Args {
            on_error,
            on_violation,
            policy: Source::Tokens(policy(file, rest)?),
        })
    }
}

/// `policy = PATH` (a path to a `static`, up to the next `,` or the end)
/// and the tokens after it, if `trees` starts so.
fn static_policy(trees: &[TokenTree]) -> Result<Option<(TokenStream, &[TokenTree])>, Error> {
    let [TokenTree::Ident(key), TokenTree::Punct(eq), after @ ..] = trees else {
        return Ok(None);
    };
    if !ident_is(key, "policy") || eq.as_char() != '=' || eq.spacing() != Spacing::Alone {
        return Ok(None);
    }
    let end = after
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .unwrap_or(after.len());
    if end == 0 {
        return Err(Error::new(
            eq.span(),
            "expected the path of a `static Policy` after `policy =`",
        ));
    }
    let path = after[..end].iter().cloned().collect();
    Ok(Some((path, &after[end..])))
}

/// An option's name, its value, and the tokens after its `,`.
type NamedOption<'a> = (&'a Ident, &'a TokenTree, &'a [TokenTree]);

/// `name = value` and the `,` after it, if `trees` starts with an option.
fn option(trees: &[TokenTree]) -> Result<Option<NamedOption<'_>>, Error> {
    let [TokenTree::Ident(key), TokenTree::Punct(eq), after @ ..] = trees else {
        return Ok(None);
    };
    if eq.as_char() != '=' || eq.spacing() != Spacing::Alone {
        return Ok(None);
    }
    let Some((value, after)) = after.split_first() else {
        let msg = format!("expected a value after `{key} =`");
        return Err(Error::new(eq.span(), msg));
    };
    match after.split_first() {
        None => Ok(Some((key, value, after))),
        Some((TokenTree::Punct(p), after)) if p.as_char() == ',' => Ok(Some((key, value, after))),
        Some((other, _)) => Err(Error::new(
            other.span(),
            format!("expected `,` after `{key} = {value}`, before the policy"),
        )),
    }
}

/// The policy: `file = "..."` (as tokens for `seccomp_policy!`) or the
/// tokens after the options, and not both.
fn policy(file: Option<TokenStream>, inline: &[TokenTree]) -> Result<TokenStream, Error> {
    match (file, inline.first()) {
        (Some(file), None) => Ok(file),
        (Some(_), Some(extra)) => Err(Error::new(
            extra.span(),
            "`#[sandbox]` takes the policy from `file = \"...\"` or inline, not both",
        )),
        (None, Some(_)) => Ok(inline.iter().cloned().collect()),
        (None, None) => Err(Error::new(
            Span::call_site(),
            format!("`#[sandbox]` needs a policy\nhelp: {USAGE}"),
        )),
    }
}

fn on_violation_value(value: &TokenTree) -> Result<OnViolation, Error> {
    match value {
        TokenTree::Ident(i) if ident_is(i, "kill") => Ok(OnViolation::Kill),
        TokenTree::Ident(i) if ident_is(i, "report") => Ok(OnViolation::Report),
        other => Err(Error::new(
            other.span(),
            format!(
                "unknown `on_violation` value `{other}`\nhelp: `on_violation = kill` (the default: refusals act as the policy says) or `on_violation = report` (refusals that would kill print the syscall and its arguments, then exit with status 159)"
            ),
        )),
    }
}

fn on_error_value(value: &TokenTree) -> Result<OnError, Error> {
    match value {
        TokenTree::Ident(i) if ident_is(i, "exit") => Ok(OnError::Exit),
        TokenTree::Ident(i) if ident_is(i, "panic") => Ok(OnError::Panic),
        other => Err(Error::new(
            other.span(),
            format!(
                "unknown `on_error` value `{other}`\nhelp: `on_error = exit` (the default: print the reason, exit with status 1) or `on_error = panic`"
            ),
        )),
    }
}

/// A function item, split where the prologue goes.
struct Function<'a> {
    /// Attributes, qualifiers, `fn`, name, generics, parameters, return
    /// type, where clause.
    head: &'a [TokenTree],
    body: &'a Group,
}

impl<'a> Function<'a> {
    fn find(trees: &'a [TokenTree]) -> Result<Function<'a>, Error> {
        let fn_at = trees
            .iter()
            .position(|t| is_ident(t, "fn"))
            .ok_or_else(|| {
                Error::new(
                    Span::call_site(),
                    "`#[sandbox]` goes on a function, such as `fn main`",
                )
            })?;
        if let Some(c) = trees[..fn_at].iter().find(|t| is_ident(t, "const")) {
            return Err(Error::new(
                c.span(),
                "`#[sandbox]` cannot go on a `const fn`: it installs a filter when the function runs",
            ));
        }
        match trees.split_last() {
            Some((TokenTree::Group(body), head)) if body.delimiter() == Delimiter::Brace => {
                Ok(Function { head, body })
            }
            _ => Err(Error::new(
                Span::call_site(),
                "`#[sandbox]` goes on a function with a body: the filter is installed before the body runs",
            )),
        }
    }

    /// The function with `prologue` as its first statements, after the
    /// body's inner attributes (`#![allow(...)]`).
    fn with_prologue(&self, prologue: TokenStream) -> TokenStream {
        let stmts: Vec<TokenTree> = self.body.stream().into_iter().collect();
        let mut split = 0;
        while let [
            TokenTree::Punct(hash),
            TokenTree::Punct(bang),
            TokenTree::Group(_),
            ..,
        ] = &stmts[split..]
        {
            if hash.as_char() != '#' || bang.as_char() != '!' {
                break;
            }
            split += 3;
        }
        let (inner_attrs, rest) = stmts.split_at(split);
        let mut inside: TokenStream = inner_attrs.iter().cloned().collect();
        inside.extend(prologue);
        inside.extend(rest.iter().cloned());
        let mut body = Group::new(Delimiter::Brace, inside);
        body.set_span(self.body.span());
        let mut out: TokenStream = self.head.iter().cloned().collect();
        out.extend([TokenTree::Group(body)]);
        out
    }
}

fn is_ident(t: &TokenTree, name: &str) -> bool {
    matches!(t, TokenTree::Ident(i) if ident_is(i, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expand::tests::squash;

    fn expanded(args: &str, item: &str) -> String {
        squash(&expand(args.parse().unwrap(), item.parse().unwrap()).to_string())
    }

    fn policy(text: &str) -> String {
        squash(&crate::expand::expand(text.parse().unwrap()).to_string())
    }

    fn prologue(policy: &str, on_error: &str) -> String {
        squash(&format!(
            "{{ static __SECCOMP_SANDBOX: ::seccomp_runtime::Policy = {policy};
               ::seccomp_runtime::__enter_sandbox(&__SECCOMP_SANDBOX, ::seccomp_runtime::OnError::{on_error}); }}"
        ))
    }

    const POLICY: &str = "default allow; drop ptrace;";

    #[test]
    fn installs_before_the_body() {
        let p = prologue(&policy(POLICY), "Exit");
        assert_eq!(
            expanded(POLICY, "pub fn main() -> u8 { work(); 0 }"),
            squash(&format!("pub fn main() -> u8 {{ {p} work(); 0 }}"))
        );
    }

    #[test]
    fn after_inner_attributes() {
        let p = prologue(&policy(POLICY), "Exit");
        assert_eq!(
            expanded(
                POLICY,
                "fn f() { #![allow(unused)] #![deny(unsafe_code)] let x = 1; }"
            ),
            squash(&format!(
                "fn f() {{ #![allow(unused)] #![deny(unsafe_code)] {p} let x = 1; }}"
            ))
        );
    }

    #[test]
    fn options_come_first() {
        let p = prologue(&policy(POLICY), "Panic");
        let item = "#[inline] async fn serve(port: u16) -> std::io::Result<()> { run(port).await }";
        assert_eq!(
            expanded(&format!("on_error = panic, {POLICY}"), item),
            squash(&format!(
                "#[inline] async fn serve(port: u16) -> std::io::Result<()> {{ {p} run(port).await }}"
            ))
        );
        let file = r#"file = "../tests/ui/policies/daemon.policy""#;
        let p = prologue(&policy(file), "Panic");
        assert_eq!(
            expanded(&format!("{file}, on_error = panic"), "fn f() {}"),
            squash(&format!("fn f() {{ {p} }}"))
        );
        assert_eq!(
            expanded(&format!("on_error = exit, {file}"), "fn f() {}"),
            squash(&format!("fn f() {{ {} }}", prologue(&policy(file), "Exit")))
        );
    }

    #[test]
    fn a_static_policy_is_installed_as_it_is() {
        assert_eq!(
            expanded(
                "on_error = panic, policy = crate::POLICY",
                "fn f() { g(); }"
            ),
            squash(
                "fn f() { { ::seccomp_runtime::__enter_sandbox(&crate::POLICY, ::seccomp_runtime::OnError::Panic); } g(); }"
            )
        );
        assert_eq!(
            expanded("on_violation = report, policy = POLICY", "fn f() {}"),
            squash(
                "fn f() { { ::seccomp_runtime::__enter_sandbox_reporting(&POLICY, ::seccomp_runtime::OnError::Exit); } }"
            )
        );
    }

    #[test]
    fn reporting_turns_kills_into_traps() {
        let out = expanded(
            "on_violation = report, default errno(EPERM); drop ptrace; keep write(fd == 1);",
            "fn f() {}",
        );
        assert!(out.contains("__enter_sandbox_reporting(&__SECCOMP_SANDBOX"));
        // SECCOMP_RET_KILL_PROCESS (0x80000000) nowhere, SECCOMP_RET_TRAP
        // (0x30000) returned and listed; the name table is there.
        assert!(!out.contains("2147483648"));
        assert!(out.contains("__seccomp_insn(6,0,0,196608)"));
        assert!(out.contains("&[2147418112,196608,327680]"));
        assert!(out.contains("(101,\"ptrace\")"));
        let plain = expanded("default errno(EPERM); drop ptrace;", "fn f() {}");
        assert!(plain.contains("__seccomp_insn(6,0,0,2147483648)"));
        assert!(!plain.contains("196608"));
    }

    #[test]
    fn a_policy_with_errors_leaves_the_function_as_it_was() {
        assert_eq!(
            expanded("base @system-service; keep wirte;", "fn main() { run(); }"),
            squash(
                r#"fn main() {
                    ::core::compile_error!{"unknown syscall `wirte`\nhelp: did you mean `write`?"}
                    run();
                }"#
            )
        );
    }

    #[test]
    fn misuse() {
        let error = |args: &str, item: &str| {
            let out = expanded(args, item);
            let start = out.find("compile_error!{\"").expect("an error") + 16;
            let end = start + out[start..].find('"').unwrap();
            out[start..end].to_owned()
        };
        assert_eq!(
            error(POLICY, "struct S {}"),
            squash("`#[sandbox]` goes on a function, such as `fn main`")
        );
        assert!(
            error(POLICY, "fn f();")
                .starts_with(&squash("`#[sandbox]` goes on a function with a body"))
        );
        assert!(
            error(POLICY, "pub const fn f() {}")
                .starts_with(&squash("`#[sandbox]` cannot go on a `const fn`"))
        );
        assert!(error("", "fn f() {}").starts_with(&squash("`#[sandbox]` needs a policy")));
        assert!(
            error("on_error = panic,", "fn f() {}")
                .starts_with(&squash("`#[sandbox]` needs a policy"))
        );
        assert!(
            error("on_error = abort, base @default;", "fn f() {}")
                .starts_with(&squash("unknown `on_error` value `abort`"))
        );
        assert!(
            error("on_eror = panic, base @default;", "fn f() {}")
                .starts_with(&squash("unknown `#[sandbox]` option `on_eror`"))
        );
        assert!(
            error("on_error = panic; base @default;", "fn f() {}")
                .starts_with(&squash("expected `,` after `on_error = panic`"))
        );
        assert!(
            error(r#"file = "a.policy", base @default;"#, "fn f() {}")
                .starts_with(&squash("`#[sandbox]` takes the policy from"))
        );
        assert!(
            error("on_violation = trap, base @default;", "fn f() {}")
                .starts_with(&squash("unknown `on_violation` value `trap`"))
        );
        assert!(
            error("policy = POLICY, base @default;", "fn f() {}")
                .starts_with(&squash("`policy = PATH` names the whole policy"))
        );
        assert!(
            error("policy = , base @default;", "fn f() {}")
                .starts_with(&squash("expected the path of a `static Policy`"))
        );
    }
}
