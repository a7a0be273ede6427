use super::*;
use seccomp_compiler::ast::{Cond, ItemKind, StatementKind, ValueKind};
use seccomp_compiler::parse::parse_tokens;

fn parse(text: &str) -> (TokenTable, seccomp_compiler::ast::Policy) {
    let Converted { table, tokens } = convert(text.parse().unwrap());
    let end = span::Span::token(TokenTable::CALL_SITE);
    (table, parse_tokens(&tokens.unwrap(), end).unwrap())
}

#[test]
fn macro_tokens_parse_as_text_does() {
    let text = "base @system-service; drop ptrace; keep write(fd == 1 | 2);";
    let (_, from_tokens) = parse(text);
    let keyword = from_tokens.statements[2].keyword;
    let compiled = seccomp_compiler::compile(from_tokens, span::Span::none(), None).unwrap();
    let from_text = seccomp_compiler::compile_str(text).unwrap();
    for (a, b) in compiled.arches.iter().zip(&from_text.arches) {
        let program = |o: &seccomp_compiler::compile::ArchOutput| o.program.clone();
        assert_eq!(
            a.outcome.as_ref().map(program).ok(),
            b.outcome.as_ref().map(program).ok()
        );
    }
    // Every span names its token: `keep` is the 6th token (after the call
    // site and `base @ system - service ; drop ptrace ;`: ids 1..=9).
    assert_eq!(keyword.first_token(), Some(TokenId(10)));
}

#[test]
fn symbolic_values_go_back_as_written() {
    let (table, policy) = parse("keep write(fd == ::libc::STDOUT | { A | r#B } | 2);");
    let ItemKind::Syscall {
        cond: Some(Cond::Cmp(c)),
        ..
    } = &policy.statements[0].kind.items()[0].kind
    else {
        panic!("{policy:?}")
    };
    let rust = |i: usize| match &c.values[i].kind {
        ValueKind::Symbolic(s) => table.rust_tokens(c.values[i].span, s.braced).to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(rust(0), ":: libc :: STDOUT");
    assert_eq!(rust(1), "A | r#B");
    assert!(matches!(policy.statements[0].kind, StatementKind::Keep(_)));
}

#[test]
fn nesting_is_limited() {
    let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let errs = convert(deep.parse().unwrap()).tokens.unwrap_err();
    assert_eq!(
        errs[0].message,
        "delimiters nested more than 64 levels deep"
    );
    let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    assert!(convert(ok.parse().unwrap()).tokens.is_ok());
}
