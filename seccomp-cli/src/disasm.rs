//! `seccompc disasm`: a program's instructions, libseccomp style.

use crate::args::{ArchParser, CliError, Result};
use crate::input::{self, Input};
use crate::output;
use seccomp_compiler::Arch;
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::emu;

/// `seccompc disasm`.
#[derive(clap::Args)]
#[command(
    about = "list the instructions of a seccomp program (a policy, or raw BPF)",
    long_about = "\
list the instructions of a seccomp program

FILE is raw BPF (8-byte `struct sock_filter` records, as `compile --format
raw`, libseccomp's seccomp_export_bpf() or `bwrap --seccomp` use) or a
policy, which is compiled first. Raw programs are told apart by the zero
bytes every program contains and policy text never does. `-` reads
standard input.

The listing follows libseccomp's scmp_bpf_disasm: line, the four fields in
hex, then the instruction with jump targets as line numbers, seccomp_data
fields by name (args[1].hi is the upper half of argument 1 on ARCH) and
return values as actions. A raw program the kernel would refuse is listed,
followed by why (exit status 1).",
    after_long_help = "\
Examples:
  seccompc disasm service.policy                   (for this machine)
  seccompc disasm service.bpf --arch s390x

Exit status: 0 on success, 1 when the file cannot be read, the policy has
errors or the kernel would refuse the program, 2 for a mistake on the
command line."
)]
pub struct Args {
    /// Raw BPF or a policy; `-` reads standard input
    file: String,
    /// The program's architecture: its byte order for raw input, the target
    /// for a policy (default: this machine's, when the policy selects it)
    #[arg(long, value_parser = ArchParser)]
    arch: Option<Arch>,
}

const COMMAND: &str = "disasm";

pub fn main(args: Args) -> Result<()> {
    let (prog, arch) = load_program(COMMAND, &args.file, args.arch)?;
    output::stdout(emu::disasm_for(&prog, arch.is_big_endian()).as_bytes())?;
    emu::validate(&prog)
        .map_err(|e| CliError::failed(format!("the kernel would refuse this program: {e}")))
}

/// The program in `path` and its architecture (`given`, or the default
/// [`input::choose_arch`] and [`input::arch_or_native`] pick): raw BPF as it
/// is, a policy compiled for that architecture.
pub fn load_program(
    command: &'static str,
    path: &str,
    given: Option<Arch>,
) -> Result<(Vec<SockFilter>, Arch)> {
    match input::read_policy_or_bpf(path)? {
        Input::Bpf { name, bytes } => {
            let arch = input::arch_or_native(command, given)?;
            Ok((input::decode_bpf(&name, &bytes, arch)?, arch))
        }
        Input::Policy(source) => {
            let arch = input::choose_arch(command, given, &source)?;
            Ok((input::compile_for(source, arch)?.filters()?, arch))
        }
    }
}
