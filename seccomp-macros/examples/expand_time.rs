//! How long `seccomp_policy!` takes to expand the largest policy at hand,
//! Docker's default profile (`tests/ui/policies/docker-like.policy`), for
//! every architecture it names:
//!
//! ```text
//! cargo run -p seccomp-macros --example expand_time [RUNS]            # unoptimised, as cargo builds proc macros
//! cargo run --release -p seccomp-macros --example expand_time [RUNS]  # optimised
//! ```
//!
//! RUNS (default 50) is how many times each figure is measured; 1 makes a
//! short run to profile (`valgrind --tool=callgrind`).
//!
//! A proc-macro crate exports only its macros, so this example includes the
//! macro's modules itself and calls `expand` as rustc would, minus rustc's
//! own token conversions.

#![allow(dead_code)]

#[path = "../src/emit.rs"]
mod emit;
#[path = "../src/error.rs"]
mod error;
#[path = "../src/expand.rs"]
mod expand;
#[path = "../src/file.rs"]
mod file;
#[path = "../src/input.rs"]
mod input;
#[path = "../src/pm2.rs"]
mod pm;
#[path = "../src/template.rs"]
mod template;
#[path = "../src/tokens.rs"]
mod tokens;
#[path = "../src/warning.rs"]
mod warning;

use proc_macro2::TokenStream;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// From this crate's directory, as `file = "..."` paths are.
const POLICY: &str = "../tests/ui/policies/docker-like.policy";
const RUNS: usize = 50;

fn main() {
    let dir = env!("CARGO_MANIFEST_DIR");
    // SAFETY (of the environment): single-threaded here; `file = "..."`
    // resolves against CARGO_MANIFEST_DIR as it does inside rustc.
    unsafe { std::env::set_var("CARGO_MANIFEST_DIR", dir) };
    let text = std::fs::read_to_string(format!("{dir}/{POLICY}")).expect("read the policy");
    let inline = TokenStream::from_str(&text).expect("the policy is Rust tokens");
    let from_file = TokenStream::from_str(&format!("file = {POLICY:?}")).unwrap();

    // Warm up: the syscall tables are built once per process, as in rustc.
    let first = Instant::now();
    let out = expand::expand(inline.clone()).to_string();
    let cold = first.elapsed();
    // Only the targets no program is for get errors: powerpc64le (left out
    // by the profile), x32 and unsupported architectures.
    let errors = out.matches("compile_error").count();
    let expected = 2 + out.matches("this policy is not compiled for").count();
    assert_eq!(errors, expected, "the policy has errors:\n{out}");

    let runs = std::env::args()
        .nth(1)
        .map_or(RUNS, |n| n.parse().expect("RUNS is a number"));
    let tokens = median(runs, || expand::expand(inline.clone()));
    let file = median(runs, || expand::expand(from_file.clone()));
    let compile = median(runs, || {
        let tokens = tokens::convert(inline.clone()).tokens.unwrap();
        let end = seccomp_compiler::Span::token(tokens::TokenTable::CALL_SITE);
        let policy = seccomp_compiler::parse::parse_tokens(&tokens, end).unwrap();
        let whole = seccomp_compiler::Span::none();
        std::hint::black_box(seccomp_compiler::compile(policy, whole, None).unwrap());
        TokenStream::new()
    });
    let lines = text.lines().count();
    println!(
        "docker-like.policy ({lines} lines), {} bytes of expansion:",
        out.len()
    );
    println!("  first expansion (tables built): {:>7.2} ms", ms(cold));
    println!(
        "  inline tokens, median of {runs}:    {:>7.2} ms",
        ms(tokens)
    );
    println!(
        "  file = \"...\", median of {runs}:     {:>7.2} ms",
        ms(file)
    );
    println!("  of which parse + compile:       {:>7.2} ms", ms(compile));
}

fn median(runs: usize, f: impl Fn() -> TokenStream) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
