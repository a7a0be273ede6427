//! Arbitrary bytes as policy text: parsing and compiling give a policy or
//! diagnostics, never a panic; spans stay inside the text on character
//! boundaries; compiled programs are valid and agree with the evaluator.
//! See `seccomp_compiler_fuzz::check_text`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    seccomp_compiler_fuzz::check_bytes(data);
});
