//! Structure-aware: the bytes drive a generator of valid policies
//! (`seccomp_compiler_fuzz::policy_from_bytes`); every compiled program must
//! validate and agree with the reference evaluator and the decision table.
//! See `seccomp_compiler_fuzz::check_codegen`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    seccomp_compiler_fuzz::check_codegen(data);
});
