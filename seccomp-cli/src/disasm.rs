//! `seccompc disasm`: a program's instructions, libseccomp style.

use crate::args::{CliError, Result, Spec};
use crate::input::{self, Input};
use seccomp_compiler::Arch;
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::emu;
use std::ffi::OsString;

pub const HELP: &str = "\
seccompc disasm: list the instructions of a seccomp program

Usage: seccompc disasm FILE --arch ARCH

FILE is raw BPF (8-byte `struct sock_filter` records, as `compile --format
raw`, libseccomp's seccomp_export_bpf() or `bwrap --seccomp` use) or a
policy, which is compiled first. Raw programs are told apart by the zero
bytes every program contains and policy text never does. `-` reads
standard input.

The listing follows libseccomp's scmp_bpf_disasm: line, the four fields in
hex, then the instruction with jump targets as line numbers, seccomp_data
fields by name (args[1].hi is the upper half of argument 1 on ARCH) and
return values as actions. A raw program the kernel would refuse is listed,
followed by why (exit status 1).

Options:
  --arch ARCH      the program's architecture: its byte order for raw input,
                   the target for a policy
  -h, --help       this help
";

const SPEC: Spec = Spec {
    command: "disasm",
    options: &[&["--arch"]],
    flags: &[],
    command_after: None,
};

pub fn main(args: Vec<OsString>) -> Result<()> {
    let Some(parsed) = SPEC.parse_or_help(args, HELP)? else {
        return Ok(());
    };
    let path = SPEC.one_positional(&parsed, "FILE (raw BPF or a policy)")?;
    let arch = input::required_arch(SPEC.command, parsed.option("--arch"))?;
    let prog = load_program(path, arch)?;
    print!("{}", emu::disasm_for(&prog, arch.is_big_endian()));
    emu::validate(&prog)
        .map_err(|e| CliError::failed(format!("the kernel would refuse this program: {e}")))
}

/// The program in `path`: raw BPF as it is, a policy compiled for `arch`.
pub fn load_program(path: &str, arch: Arch) -> Result<Vec<SockFilter>> {
    match input::read_policy_or_bpf(path)? {
        Input::Bpf { name, bytes } => input::decode_bpf(&name, &bytes, arch),
        Input::Policy(source) => input::compile_for(source, arch)?.filters(),
    }
}
