//! What the commands read: policy text (a file or standard input),
//! compiled for one architecture with errors rendered against the text,
//! and raw BPF programs.

use crate::args::{CliError, Result};
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::compile::ArchOutput;
use seccomp_compiler::diag::{Diagnostic, render_all};
use seccomp_compiler::lex::MAX_POLICY_BYTES;
use seccomp_compiler::{Arch, Source, Span, ast, compile, parse};
use std::io::Read;

/// The architecture this binary runs on, which `run` and `record` use.
pub const fn native_arch() -> Option<Arch> {
    Arch::native()
}

/// The running architecture, or an error saying none of ours is.
pub fn require_native_arch() -> Result<Arch> {
    native_arch().ok_or_else(|| {
        CliError::failed("this machine's architecture is not one seccompc compiles for")
    })
}

/// The bytes of `path`, standard input for `-`: at most
/// [`MAX_POLICY_BYTES`] (4 MiB), so that `/dev/zero` or a wrong file is an
/// error rather than all the memory there is. Every input seccompc reads
/// (policies, raw programs of at most 4096 instructions, other tools'
/// policies) is far smaller.
pub fn read_bytes(path: &str) -> Result<Vec<u8>> {
    let name = if path == "-" {
        "standard input".to_owned()
    } else {
        format!("`{path}`")
    };
    let cannot_read = |e: std::io::Error| CliError::failed(format!("cannot read {name}: {e}"));
    let mut buf = Vec::new();
    // One byte past the limit tells a file at the limit from a larger one.
    let most = MAX_POLICY_BYTES as u64 + 1;
    if path == "-" {
        std::io::stdin().take(most).read_to_end(&mut buf)
    } else {
        let file = std::fs::File::open(path).map_err(cannot_read)?;
        file.take(most).read_to_end(&mut buf)
    }
    .map_err(cannot_read)?;
    if buf.len() > MAX_POLICY_BYTES {
        return Err(CliError::failed(format!(
            "{name} is larger than {MAX_POLICY_BYTES} bytes (4 MiB), the limit for an input; policies and programs are far smaller"
        )));
    }
    Ok(buf)
}

/// The name diagnostics use for `path`.
fn source_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

/// A policy file as text.
pub fn read_policy(path: &str) -> Result<Source> {
    let bytes = read_bytes(path)?;
    policy_from_bytes(path, bytes)
}

fn policy_from_bytes(path: &str, bytes: Vec<u8>) -> Result<Source> {
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::failed(format!(
            "`{}` is not a policy: it is not UTF-8 text",
            source_name(path)
        ))
    })?;
    Ok(Source::new(source_name(path), text))
}

/// A file that is either a policy or a raw BPF program.
pub enum Input {
    Policy(Source),
    Bpf { name: String, bytes: Vec<u8> },
}

/// Reads `path` and tells a raw program from a policy: every raw program
/// contains a zero byte (its `ret` has `jt == jf == 0`), no policy text does.
pub fn read_policy_or_bpf(path: &str) -> Result<Input> {
    let bytes = read_bytes(path)?;
    if bytes.contains(&0) {
        Ok(Input::Bpf {
            name: source_name(path).to_owned(),
            bytes,
        })
    } else {
        Ok(Input::Policy(policy_from_bytes(path, bytes)?))
    }
}

/// Raw BPF bytes as instructions in `arch`'s byte order.
pub fn decode_bpf(name: &str, bytes: &[u8], arch: Arch) -> Result<Vec<SockFilter>> {
    if bytes.is_empty() || !bytes.len().is_multiple_of(8) {
        return Err(CliError::failed(format!(
            "`{name}` is not a BPF program: {} bytes, not a positive multiple of 8 (one `struct sock_filter` each)",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(8)
        .map(|c| {
            // `chunks_exact(8)` yields 8-byte slices.
            let record: [u8; 8] = c.try_into().expect("8-byte chunk");
            SockFilter::from_bytes(record, arch.is_big_endian())
        })
        .collect())
}

/// The architecture a command works on: `--arch` when given, otherwise
/// the running one, which the policy must select (no `arch` statement
/// selects all eight). A policy for other architectures only needs
/// `--arch`: guessing one of them would print a program for a machine the
/// user did not name.
pub fn choose_arch(command: &'static str, given: Option<Arch>, source: &Source) -> Result<Arch> {
    if let Some(arch) = given {
        return Ok(arch);
    }
    let native = arch_or_native(command, None)?;
    // A policy that does not parse is reported by the compilation that
    // follows, for the running architecture.
    let Ok(policy) = parse::parse_str(&source.text) else {
        return Ok(native);
    };
    let selected = seccomp_compiler::resolve::selected_arches(&policy);
    if selected.contains(&native) {
        return Ok(native);
    }
    let list: Vec<&str> = selected.iter().map(|a| a.name()).collect();
    Err(CliError::usage(
        command,
        format!(
            "the policy is not for {native}, this machine: its `arch` statement selects {}; choose one with `--arch`",
            list.join(", ")
        ),
    ))
}

/// The architecture for a raw program: `--arch`, or the running one.
pub fn arch_or_native(command: &'static str, given: Option<Arch>) -> Result<Arch> {
    given.or(native_arch()).ok_or_else(|| {
        CliError::usage(
            command,
            "this machine's architecture is not one seccompc compiles for: choose one with `--arch`",
        )
    })
}

/// A policy compiled for one architecture.
pub struct Compiled {
    pub source: Source,
    pub policy: ast::Policy,
    pub arch: Arch,
    pub output: ArchOutput,
}

/// Parses and compiles `source` for `arch` only, so that a problem of
/// another architecture does not get in the way.
pub fn compile_for(source: Source, arch: Arch) -> Result<Compiled> {
    let rendered = |diags: &[Diagnostic]| CliError::Policy(render_all(diags, &source));
    let policy = parse::parse_str(&source.text).map_err(|d| rendered(&d))?;
    let whole = Span::text(0, source.text.len());
    // With one architecture, its problems fail the whole compilation.
    let mut compilation = compile(policy, whole, Some(&[arch])).map_err(|d| {
        let tagged = d.iter().any(|d| d.arch.is_some());
        // Parsed again rather than cloned beforehand: a copy of a large
        // policy costs memory on every run, parsing again only on errors.
        let again = || parse::parse_str(&source.text).ok();
        match tagged
            .then(again)
            .flatten()
            .and_then(|policy| as_for_every_arch(policy, whole, arch))
        {
            Some(untagged) => rendered(&untagged),
            None => rendered(&d),
        }
    })?;
    let Some(result) = compilation.arches.pop() else {
        return Err(CliError::failed(format!("nothing was compiled for {arch}")));
    };
    let output = result.outcome.map_err(|d| rendered(&d))?;
    for warning in &output.warnings {
        crate::output::stderr_line(warning.render(&source).trim_end());
    }
    Ok(Compiled {
        policy: compilation.policy,
        source,
        arch,
        output,
    })
}

/// `arch`'s problems as a compilation for all the policy's architectures
/// reports them: a problem every architecture has is the policy's, not
/// tagged "only on `arch`".
fn as_for_every_arch(policy: ast::Policy, whole: Span, arch: Arch) -> Option<Vec<Diagnostic>> {
    let found = match compile(policy, whole, None) {
        Err(all) => Some(
            all.into_iter()
                .filter(|d| d.arch.is_none_or(|a| a == arch))
                .collect(),
        ),
        Ok(c) => c
            .arches
            .into_iter()
            .find(|r| r.arch == arch)
            .and_then(|r| r.outcome.err()),
    };
    found.filter(|diags| !diags.is_empty())
}

impl Compiled {
    /// The program with every constant known. Rust paths and `{ expr }`
    /// values need rustc for the target: only the macro can use them.
    pub fn filters(&self) -> Result<Vec<SockFilter>> {
        self.output.program.filters().map_err(|symbolic| {
            let symbols = self.policy.symbols();
            let diags: Vec<Diagnostic> = symbolic
                .symbols
                .iter()
                .filter_map(|&id| symbols.get(id))
                .map(|(sym, span)| symbolic_value(&as_written(&sym.text), *span))
                .collect();
            CliError::Policy(render_all(&diags, &self.source))
        })
    }

    /// The text of symbolic value `id`, as written.
    pub fn symbol_text(&self, id: usize) -> String {
        self.policy
            .symbols()
            .get(id)
            .map_or_else(|| format!("<value {id}>"), |(s, _)| as_written(&s.text))
    }
}

/// A Rust path as it is, an expression in the braces the policy needs.
fn as_written(text: &str) -> String {
    let is_path = text
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == ':');
    if is_path {
        text.to_owned()
    } else {
        format!("{{ {text} }}")
    }
}

fn symbolic_value(text: &str, span: Span) -> Diagnostic {
    let d = Diagnostic::error(
        span,
        format!("`{text}` is a Rust value: seccompc cannot evaluate it"),
    );
    // `libc::AF_UNIX`: the kernel constant of the same name is what it means.
    let last = text.rsplit("::").next().unwrap_or(text);
    if last != text && seccomp_compiler::tables::constants::is_known(last) {
        return d.with_help(format!(
            "write `{last}`: a bare name is the kernel constant, resolved for each architecture"
        ));
    }
    d.with_help("only `seccomp_policy!` can, when rustc compiles it for the target; write the number, or a kernel constant by its bare name (`AF_UNIX`), here instead")
}
