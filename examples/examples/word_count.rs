//! Counts the words on standard input and prints the five most frequent,
//! sandboxed from its first statement on by a policy that forgot one
//! syscall: std's `HashMap` asks the kernel for random hash keys
//! (`getrandom`) the first time one is created, and the policy does not
//! allow it, so the program is killed there (SIGSYS).
//!
//! ```sh
//! echo "to be or not to be" | cargo run -p examples --example word_count
//! # killed by SIGSYS
//! echo "to be or not to be" | seccompc learn -- target/debug/examples/word_count
//! # ... names getrandom, and the `keep` to add
//! ```
//!
//! README.md ("Finding what your program needs") walks through finding
//! and fixing it.

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use seccomp_runtime::sandbox;

#[sandbox(
    keep read(fd == 0), write(fd == 1 | 2); // standard input, output, error
    keep brk, mmap(prot & 4 == 0), munmap, mremap; // memory, never executable
    keep sigaltstack, exit_group;            // std's exit path
)]
fn main() {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        for word in line.split_whitespace() {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    let mut sorted: Vec<(String, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out = io::stdout().lock();
    for (word, count) in sorted.iter().take(5) {
        let _ = writeln!(out, "{count:>6} {word}");
    }
}
