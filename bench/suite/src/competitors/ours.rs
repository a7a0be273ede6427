//! Ours: the policy text compiled as the macro compiles it (all eight
//! architectures), the x86_64 program taken.

use seccomp_compiler::arch::Arch;
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::compile::Compilation;
use seccomp_compiler::compile_str;

/// Compiles `text` for every architecture it selects.
pub fn compile(text: &str) -> Result<Compilation, String> {
    compile_str(text).map_err(|ds| {
        let first = ds.first().map_or(String::new(), |d| format!("{d:?}"));
        format!(
            "{} problem(s) compiling our policy, the first: {first}",
            ds.len()
        )
    })
}

/// The x86_64 program of `text`.
pub fn program(text: &str) -> Result<Vec<SockFilter>, String> {
    let compiled = compile(text)?;
    let out = compiled
        .get(Arch::X86_64)
        .ok_or("our policy does not compile for x86_64")?;
    out.program.filters().map_err(|e| e.to_string())
}
