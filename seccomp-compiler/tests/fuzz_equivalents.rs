//! The cargo-fuzz targets of `fuzz/` as property tests, so `cargo test`
//! keeps checking what the fuzzers check (issue 4, "Fuzzing"):
//!
//! - `parse`: arbitrary text, arbitrary bytes and token soup built from the
//!   fuzzing dictionary (`fuzz/parse.dict`) never make the parser or the
//!   compiler panic, and every diagnostic's span lies inside the text.
//! - `codegen`: the structure-aware generator the fuzzer drives
//!   (`fuzz/src/lib.rs`, included here) turns bytes into valid policies, and
//!   the compiled programs agree with the reference evaluator.
//!
//! The seed corpus (`fuzz/seeds/`) runs here as regression inputs, and the
//! findings of the fuzzers are reproduced by the `finding_*` tests.

#[path = "../../fuzz/src/lib.rs"]
mod fuzz;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Failures print the minimal input; no regression files in the tree.
        failure_persistence: None,
        ..Config::default()
    }
}

/// The dictionary's tokens, read back from libFuzzer's format.
fn dictionary_tokens() -> Vec<String> {
    let text = std::fs::read_to_string(fuzz_dir().join("parse.dict")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix('"')?.strip_suffix('"'))
        .map(|quoted| {
            let mut out = String::new();
            let mut rest = quoted;
            while let Some(i) = rest.find("\\x") {
                out.push_str(&rest[..i]);
                let byte = u8::from_str_radix(&rest[i + 2..i + 4], 16).unwrap();
                out.push(char::from(byte));
                rest = &rest[i + 4..];
            }
            out.push_str(rest);
            out
        })
        .collect()
}

#[test]
fn dictionary_is_current() {
    let path = fuzz_dir().join("parse.dict");
    let want = fuzz::render_dictionary();
    if std::env::var_os("UPDATE_DICT").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "fuzz/parse.dict is out of date: run with UPDATE_DICT=1"
    );
    assert_eq!(dictionary_tokens(), fuzz::dictionary());
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        fuzz::check_text(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        fuzz::check_bytes(&bytes);
    }

    #[test]
    fn policy_like_text_never_panics(
        text in "((base|keep|drop|deny|default|unknown|arch|acknowledge) [a-z_@!0-9(){}<>=&|:, -]{0,30};[ \n]?){1,5}"
    ) {
        fuzz::check_text(&text);
    }
}

/// Token soup: dictionary tokens glued together or separated by a space
/// or a newline, so most inputs get past the lexer into the parser.
#[test]
fn token_soup_never_panics() {
    let tokens = dictionary_tokens();
    assert!(tokens.len() > 100, "{} tokens", tokens.len());
    let soup = proptest::collection::vec((0..tokens.len(), 0..4usize), 0..48);
    let outcomes = std::cell::Cell::new([0usize; 3]);
    TestRunner::new(config(2000))
        .run(&soup, |picks| {
            let mut text = String::new();
            for (t, sep) in picks {
                text.push_str(&tokens[t]);
                text.push_str(["", " ", "\n", " "][sep]);
            }
            let outcome = fuzz::check_text(&text);
            let mut o = outcomes.get();
            o[outcome as usize] += 1;
            outcomes.set(o);
            Ok(())
        })
        .unwrap();
    let outcomes = outcomes.get();
    println!("token soup: {outcomes:?} (parse error, compile error, compiled)");
    assert!(
        outcomes[1] + outcomes[2] > 0,
        "nothing parsed: {outcomes:?}"
    );
}

/// The codegen target's property on inputs proptest generates: the same
/// generator, the same checks.
#[test]
fn generated_policies_agree_with_the_evaluator() {
    let bytes = proptest::collection::vec(any::<u8>(), 0..600);
    let counts = std::cell::Cell::new((0usize, 0usize, 0usize));
    TestRunner::new(config(96))
        .run(&bytes, |data| {
            let report = fuzz::check_codegen(&data);
            let (runs, compiled, compared) = counts.get();
            counts.set((
                runs + 1,
                compiled + usize::from(report.compiled),
                compared + report.compared,
            ));
            Ok(())
        })
        .unwrap();
    let (runs, compiled, compared) = counts.get();
    println!("{compiled} of {runs} generated policies compiled; {compared} inputs compared");
    assert!(
        compiled * 10 >= runs * 7,
        "only {compiled} of {runs} generated policies compiled"
    );
    assert!(compared > 50_000, "only {compared} inputs compared");
}

/// Most generated policies compile: the generator writes valid policies,
/// and what the compiler refuses is a per-architecture matter (a value too
/// wide for a 32-bit ABI, a parameter split there) or a deliberately
/// unacknowledged lint.
#[test]
fn the_generator_writes_valid_policies() {
    let mut rng = seccomp_compiler::testing::Rng::new(1);
    let mut refused = Vec::new();
    let n = 300;
    for _ in 0..n {
        let data: Vec<u8> = (0..rng.below(400)).map(|_| rng.next_u64() as u8).collect();
        let g = fuzz::policy_from_bytes(&data);
        if let Err(diags) = seccomp_compiler::compile_str(&g.text) {
            refused.push((g.text, diags));
        }
    }
    for (text, diags) in refused.iter().take(5) {
        println!(
            "refused:\n{text}\n{:#?}\n",
            diags.iter().map(|d| d.full_message()).collect::<Vec<_>>()
        );
    }
    assert!(refused.len() * 10 <= n, "{} of {n} refused", refused.len());
}

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir().join("seeds").join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let data = std::fs::read(&p).unwrap();
            (p, data)
        })
        .collect()
}

/// The seed corpus of each target, as regression inputs.
#[test]
fn parse_seeds_pass() {
    let seeds = seeds("parse");
    assert!(seeds.len() >= 8);
    for (path, data) in seeds {
        let outcome = fuzz::check_bytes(&data);
        println!("{}: {outcome:?}", path.display());
    }
}

#[test]
fn codegen_seeds_pass() {
    let seeds = seeds("codegen");
    assert!(seeds.len() >= 8);
    for (path, data) in seeds {
        let report = fuzz::check_codegen(&data);
        println!("{}: {report:?}", path.display());
    }
}
