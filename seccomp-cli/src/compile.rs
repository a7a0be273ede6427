//! `seccompc compile`: a policy to a program for one architecture, as raw
//! BPF, a Rust array, a C array or JSON.

use crate::args::{ARCH_HELP, ArchParser, CliError, Result, identifier};
use crate::format::{self, Format};
use crate::{input, output};
use seccomp_compiler::Arch;
use std::io::IsTerminal;

/// `seccompc compile`.
#[derive(clap::Args)]
#[command(
    about = "compile a policy to a seccomp BPF program",
    long_about = "\
compile a policy to a seccomp BPF program

Errors are reported with file:line:col and the offending text; a problem
that concerns another architecture only does not stop this one. Policies
with Rust values (`libc::AF_UNIX`, `{ expr }`) compile only with the
`seccomp_policy!` macro, which has rustc to evaluate them.

Raw output is refused on a terminal: redirect it or use -o.",
    after_long_help = "\
Examples:
  seccompc compile service.policy -o service.bpf     (for this machine)
  bwrap --seccomp 3 3<service.bpf --ro-bind / / /bin/echo hello
  seccompc compile service.policy --arch aarch64 --format c --name service > service.h

Exit status: 0 on success, 1 when the policy has errors or a file cannot be
read or written, 2 for a mistake on the command line."
)]
pub struct Args {
    /// The policy; `-` reads standard input
    #[arg(value_name = "POLICY_FILE")]
    policy: String,
    #[arg(long, value_parser = ArchParser, help = ARCH_HELP)]
    arch: Option<Arch>,
    /// The output format
    #[arg(long, value_enum, default_value_t = Format::Raw)]
    format: Format,
    /// The name of the generated items (default: FILTER for rust, seccomp for c)
    #[arg(long, value_parser = identifier)]
    name: Option<String>,
    /// Write to OUT instead of standard output
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
}

pub fn main(args: Args) -> Result<()> {
    let output = args.output.as_deref();
    output::refuse_overwriting_input(COMMAND, &args.policy, output)?;
    if args.format == Format::Raw && output.is_none() && std::io::stdout().is_terminal() {
        return Err(CliError::usage(
            COMMAND,
            "refusing to write raw BPF to a terminal: redirect standard output or use `-o FILE`",
        ));
    }
    let source = input::read_policy(&args.policy)?;
    let arch = input::choose_arch(COMMAND, args.arch, &source)?;
    let compiled = input::compile_for(source, arch)?;
    let bytes = format::render(&compiled, args.format, args.name.as_deref())?;
    output::write(output, &bytes)
}

const COMMAND: &str = "compile";
