use super::*;

fn parse_ok(text: &str) -> Policy {
    match parse_str(text) {
        Ok(p) => p,
        Err(e) => panic!(
            "{text:?} failed: {:?}",
            e.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    }
}

fn errors(text: &str) -> Vec<String> {
    parse_str(text)
        .expect_err("should fail")
        .into_iter()
        .map(|d| d.full_message())
        .collect()
}

#[test]
fn parses_every_statement_kind() {
    let p = parse_ok(
        "deny errno(EPERM); unknown errno(38); default allow; base @system-service, !ioctl;
         keep write(fd == 1 | 2), read; drop ptrace => kill_process; drop @mount;
         arch x86_64, aarch64; acknowledge ptrace; deny trace(7); deny user_notif; deny log; deny trap; deny kill_thread;",
    );
    let kinds: Vec<_> = p.statements.iter().map(|s| s.kind.keyword()).collect();
    assert_eq!(
        kinds,
        [
            "deny",
            "unknown",
            "default",
            "base",
            "keep",
            "drop",
            "drop",
            "arch",
            "acknowledge",
            "deny",
            "deny",
            "deny",
            "deny",
            "deny"
        ]
    );
    let StatementKind::Base(items) = &p.statements[3].kind else {
        panic!()
    };
    assert!(matches!(&items[0].kind, ItemKind::Group(n) if n.text == "@system-service"));
    assert!(matches!(&items[1].kind, ItemKind::ExceptSyscall(n) if n.text == "ioctl"));
    let StatementKind::Drop(_, Some(a)) = &p.statements[5].kind else {
        panic!()
    };
    assert!(matches!(a.kind, ActionKind::KillProcess));
    assert!(matches!(
        p.statements[9].kind,
        StatementKind::Deny(ActionSpec {
            kind: ActionKind::Trace(7),
            ..
        })
    ));
}

fn only_cond(p: &Policy) -> &Cond {
    let StatementKind::Keep(items) = &p.statements[0].kind else {
        panic!("not keep")
    };
    let ItemKind::Syscall { cond: Some(c), .. } = &items[0].kind else {
        panic!("no cond")
    };
    c
}

#[test]
fn conditions_bind_and_tighter_than_or() {
    let p = parse_ok(
        "keep openat(dfd == -100 && flags & 0x3 == 0 || (mode:u64 >= 0o644 && arg3 < 0b101));",
    );
    let Cond::Or(alts) = only_cond(&p) else {
        panic!("expected ||")
    };
    assert_eq!(alts.len(), 2);
    let Cond::And(first) = &alts[0] else {
        panic!("expected &&")
    };
    let Cond::Cmp(c) = &first[0] else { panic!() };
    assert_eq!(c.arg.name.text, "dfd");
    assert!(matches!(c.values[0].kind, ValueKind::Int(-100)));
    let Cond::Cmp(m) = &first[1] else { panic!() };
    assert!(matches!(m.mask.as_ref().unwrap().kind, ValueKind::Int(3)));
    let Cond::And(second) = &alts[1] else {
        panic!("parenthesised && expected")
    };
    let Cond::Cmp(w) = &second[0] else { panic!() };
    assert_eq!(w.arg.width.map(|(w, _)| w), Some(Width::U64));
    assert!(matches!(w.values[0].kind, ValueKind::Int(0o644)));
    assert_eq!(w.op, CmpOp::Ge);
}

#[test]
fn symbolic_text_keeps_signs_with_their_numbers() {
    let p = parse_ok("keep read(fd == { -1 } | { A - 1 } | { (-2) });");
    let Cond::Cmp(c) = only_cond(&p) else {
        panic!()
    };
    let texts: Vec<_> = c
        .values
        .iter()
        .map(|v| match &v.kind {
            ValueKind::Symbolic(s) => s.text.clone(),
            ValueKind::Int(i) => i.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["-1", "A - 1", "(-2)"]);
}

#[test]
fn symbolic_values_keep_their_text() {
    let p =
        parse_ok("keep socket(family == libc::AF_UNIX | { FOO | BAR }), connect(arg0 != ::x::Y);");
    let Cond::Cmp(c) = only_cond(&p) else {
        panic!()
    };
    let texts: Vec<_> = c
        .values
        .iter()
        .map(|v| match &v.kind {
            ValueKind::Symbolic(s) => s.text.clone(),
            ValueKind::Int(i) => i.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, ["libc::AF_UNIX", "FOO | BAR"]);
}

#[test]
fn integer_literals() {
    let s = Span::none();
    assert_eq!(parse_int("0x1F", s).unwrap(), 31);
    assert_eq!(parse_int("1_000u32", s).unwrap(), 1000);
    assert_eq!(parse_int("0o17", s).unwrap(), 15);
    assert_eq!(parse_int("0b1010", s).unwrap(), 10);
    assert_eq!(parse_int("0", s).unwrap(), 0);
    assert_eq!(parse_int("0xffffffffffffffff", s).unwrap(), u64::MAX);
    assert!(
        parse_int("0x1_0000_0000_0000_0000", s)
            .unwrap_err()
            .message
            .contains("does not fit in 64 bits")
    );
    assert!(parse_int("0644", s).unwrap_err().help[0].contains("0o644"));
    assert!(parse_int("12ab", s).is_err());
}

#[test]
fn collects_every_broken_statement() {
    let errs = errors("keep write(fd = 1); allow read; drop x => explode; keep ok;");
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(
        errs[0].starts_with("expected a comparison operator"),
        "{}",
        errs[0]
    );
    assert!(errs[0].contains("help: equality is `==`"));
    assert!(errs[1].starts_with("unknown statement `allow`"));
    assert!(errs[2].starts_with("unknown action `explode`"));
}

#[test]
fn a_missing_semicolon_is_reported_after_the_statement() {
    // Right after the last token, whatever it is: never under the condition.
    for (text, at) in [
        ("keep write(fd == 1 | 2)\nkeep read;", 23),
        ("keep read\nkeep write;", 9),
        ("drop kill(sig == 9) => errno(EPERM)\nkeep read;", 35),
        ("keep openat(dfd == -100 && flags & 3 == 0)", 42),
    ] {
        let errs = parse_str(text).unwrap_err();
        assert!(
            errs[0].message.starts_with("expected `;` after the"),
            "{text}"
        );
        assert_eq!(errs[0].span.byte_range(), at..at, "{text}");
    }
}

#[test]
fn mistakes_get_specific_messages() {
    let cases = [
        (
            "keep write",
            "expected `;` after the `keep` statement, found end of input",
        ),
        (
            "kep write;",
            "unknown statement `kep`\nhelp: did you mean `keep`?",
        ),
        (
            "keep write => errno(1);",
            "`=> ACTION` is only allowed on `drop`, not on `keep`",
        ),
        (
            "keep @basic-io(fd == 1);",
            "a condition cannot apply to a group (`@basic-io`)",
        ),
        (
            "deny errno(5000);",
            "errno values go up to 4095 (MAX_ERRNO); `5000` is out of range",
        ),
        (
            "deny trace(70000);",
            "trace data is 16 bits (0..=65535); `70000` is out of range",
        ),
        ("deny kill;", "unknown action `kill`"),
        (
            "deny kil_process;",
            "unknown action `kil_process`\nhelp: did you mean `kill_process`?",
        ),
        (
            "keep read(fd < 1 | 2);",
            "a value set (`a | b`) cannot be used with `<`",
        ),
        (
            "keep read(fd < -1);",
            "`<` compares unsigned values, but `-1` is negative",
        ),
        ("keep read();", "empty condition `()`"),
        (
            "keep read(fd == 1 fd);",
            "expected `&&`, `||` or the end of the condition, found `fd`",
        ),
        ("keep read(fd:u16 == 1);", "unknown width `u16`"),
        ("keep read(!(fd == 1));", "`!` cannot negate a condition"),
        ("keep read(fd == );", "expected a value"),
        (
            "drop read => errno(EPERM) errno;",
            "expected `;` after the `drop` statement, found `errno`",
        ),
    ];
    for (text, want) in cases {
        let errs = errors(text);
        assert!(
            errs[0].starts_with(want),
            "{text:?}: got {:?}, want prefix {want:?}",
            errs[0]
        );
    }
}

#[test]
fn error_spans_point_at_the_token() {
    let text = "base @default;\nkeep write(fd = 1);";
    let err = &parse_str(text).unwrap_err()[0];
    assert_eq!(&text[err.span.byte_range()], "=");
}

#[test]
fn policy_parse_str_is_the_text_parser() {
    let p = Policy::parse_str("base @default; keep write;").unwrap();
    assert_eq!(p.statements.len(), 2);
    assert!(Policy::parse_str("keep").is_err());
}

#[test]
fn lone_names_are_constants_and_parentheses_or_them() {
    let p = parse_ok("keep openat(flags & (O_CREAT | 0x10) == O_RDONLY | libc::O_WRONLY);");
    let Cond::Cmp(c) = only_cond(&p) else {
        panic!()
    };
    let ValueKind::BitOr(parts) = &c.mask.as_ref().unwrap().kind else {
        panic!("{:?}", c.mask)
    };
    assert!(matches!(&parts[0].kind, ValueKind::Constant(n) if n.text == "O_CREAT"));
    assert!(matches!(parts[1].kind, ValueKind::Int(0x10)));
    assert!(matches!(&c.values[0].kind, ValueKind::Constant(n) if n.text == "O_RDONLY"));
    assert!(matches!(&c.values[1].kind, ValueKind::Symbolic(s) if s.text == "libc::O_WRONLY"));
}

#[test]
fn parentheses_in_a_value_hold_integers_and_constants_only() {
    for (text, expected) in [
        ("keep read(fd == ());", "empty value `()`"),
        (
            "keep read(fd == (1 | -2));",
            "expected an integer or a kernel constant inside `( | )`, found `-`",
        ),
        ("keep read(fd == (A || B));", "`||` inside a value"),
        ("keep read(fd == (A B));", "expected `|` or `)`, found `B`"),
        (
            "keep read(fd == ({ X }));",
            "expected an integer or a kernel constant inside `( | )`, found `{...`",
        ),
    ] {
        let e = errors(text);
        assert!(e[0].starts_with(expected), "{text}: {e:?}");
    }
}
