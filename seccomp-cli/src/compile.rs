//! `seccompc compile`: a policy to a program for one architecture, as raw
//! BPF, a Rust array, a C array or JSON.

use crate::args::{CliError, Result, Spec};
use crate::format::{self, Format};
use crate::input;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};

pub const HELP: &str = "\
seccompc compile: compile a policy to a seccomp BPF program

Usage: seccompc compile POLICY_FILE --arch ARCH [--format FORMAT] [-o OUT]

Arguments:
  POLICY_FILE        the policy; `-` reads standard input

Options:
  --arch ARCH        x86_64, x86, aarch64, arm, riscv64, s390x, powerpc64le,
                     loongarch64 (aliases such as amd64, arm64 are accepted)
  --format FORMAT    raw (default), rust, c or json:
                       raw   8-byte `struct sock_filter` records in the
                             target's byte order (big-endian for s390x,
                             little-endian otherwise), what the kernel reads,
                             `bwrap --seccomp FD` loads and libseccomp's
                             seccomp_export_bpf() writes
                       rust  `pub static NAME: [seccomp_runtime::SockFilter; N]`
                             and `pub static NAME_ACTIONS: [u32; M]` behind the
                             architecture's #[cfg], ready for
                             `seccomp_runtime::Policy::from_parts(&NAME,
                             &NAME_ACTIONS, &[])`; SockFilter is the kernel's
                             struct sock_filter (code: u16, jt: u8, jf: u8,
                             k: u32) built with `const fn new(code, jt, jf, k)`,
                             so another type of that shape works if you
                             replace the path
                       c     `static const struct sock_filter NAME_filter[N]`
                             and `static const struct sock_fprog NAME_prog`
                             (<linux/filter.h>), with an #error for other
                             architectures
                       json  the program (code, jt, jf, k per instruction)
                             and its metadata: arch, AUDIT_ARCH value and
                             name, byte order, length, actions with their
                             SECCOMP_RET_* values
  --name NAME        name of the generated items (default: FILTER for rust,
                     seccomp for c)
  -o, --output OUT   write to OUT instead of standard output
  -h, --help         this help

Raw output is refused on a terminal: redirect it or use -o.

Errors are reported with file:line:col and the offending text; a problem
that concerns another architecture only does not stop this one. Policies
with Rust values (`libc::AF_UNIX`, `{ expr }`) compile only with the
`seccomp_policy!` macro, which has rustc to evaluate them.

Exit status: 0 on success, 1 when the policy has errors or a file cannot be
read or written, 2 for a mistake on the command line.
";

const SPEC: Spec = Spec {
    command: "compile",
    options: &[&["--arch"], &["--format"], &["--name"], &["-o", "--output"]],
    flags: &[],
    command_after: None,
};

pub fn main(args: Vec<OsString>) -> Result<()> {
    let Some(parsed) = SPEC.parse_or_help(args, HELP)? else {
        return Ok(());
    };
    let path = SPEC.one_positional(&parsed, "POLICY_FILE")?;
    let arch = input::required_arch(SPEC.command, parsed.option("--arch"))?;
    let format = match parsed.option("--format").unwrap_or("raw") {
        "raw" => Format::Raw,
        "rust" => Format::Rust,
        "c" => Format::C,
        "json" => Format::Json,
        other => {
            return Err(SPEC.usage(format!(
                "unknown format `{other}`; one of: raw, rust, c, json"
            )));
        }
    };
    let name = parsed.option("--name");
    if let Some(n) = name.filter(|n| !format::is_identifier(n)) {
        return Err(SPEC.usage(format!("`--name {n}` is not an identifier")));
    }
    let output = parsed.option("-o");
    if format == Format::Raw && output.is_none() && std::io::stdout().is_terminal() {
        return Err(SPEC.usage(
            "refusing to write raw BPF to a terminal: redirect standard output or use `-o FILE`",
        ));
    }
    let compiled = input::compile_for(input::read_policy(path)?, arch)?;
    let bytes = format::render(&compiled, format, name)?;
    write_output(output, &bytes)
}

/// Writes to `-o OUT`, or standard output.
pub fn write_output(output: Option<&str>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) if path != "-" => std::fs::write(path, bytes)
            .map_err(|e| CliError::failed(format!("cannot write `{path}`: {e}"))),
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| CliError::failed(format!("cannot write standard output: {e}")))
        }
    }
}
