//! Structure-aware: the bytes drive a generator of valid policies
//! (`seccomp_compiler_fuzz::policy_from_bytes`); every compiled program must
//! validate and agree with the reference evaluator and the decision table.
//! See `seccomp_compiler_fuzz::check_codegen`. With `PRINT_POLICY=1` in the
//! environment each input's policy is printed first (for reading a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static PRINT: OnceLock<bool> = OnceLock::new();
    if *PRINT.get_or_init(|| std::env::var_os("PRINT_POLICY").is_some()) {
        let generated = seccomp_compiler_fuzz::policy_from_bytes(data);
        eprintln!(
            "{}\nsymbolic values: {:?}",
            generated.text, generated.sym_values
        );
    }
    seccomp_compiler_fuzz::check_codegen(data);
});
