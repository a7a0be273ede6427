//! `seccompc export`: a policy as an OCI runtime-spec `linux.seccomp`
//! object, for runc, crun, Docker's and Podman's `--security-opt seccomp=`
//! (the exporter is `seccomp_import::export_oci`).

use crate::args::{CliError, Result, Spec};
use crate::compile::write_output;
use crate::input;
use seccomp_compiler::diag::render_all;
use seccomp_compiler::{Arch, Span, compile, parse};
use seccomp_import::{ExportOptions, export_oci};
use std::ffi::OsString;

pub const HELP: &str = "\
seccompc export: write a policy as OCI seccomp JSON

Usage: seccompc export POLICY_FILE [--format oci] [--arch ARCH,...] [-o OUT]

Prints the policy as the `linux.seccomp` object of the OCI runtime spec
(defaultAction, architectures, syscalls with names, action, errnoRet and
args), which runc, crun, `docker run --security-opt seccomp=FILE` and
`podman run --security-opt seccomp=FILE` load through libseccomp.

What OCI cannot say is refused with the reason, never written weaker: a
conditional `drop` layered over something other than the default, rules of
different actions whose conditions overlap, the same argument compared twice
in one alternative, value sets with `!=`, ordering comparisons on parameters
narrower than 64 bits, Rust-path values, and rules that differ between
architectures. OCI has no `unknown` action: numbers no table knows get
`defaultAction`, and a warning says so when the policy's `unknown` differs.

Arguments:
  POLICY_FILE           the policy; `-` reads standard input

Options:
  --format oci          the output format (oci is the only one)
  --arch ARCH,...       the architectures to export; default: every one the
                        policy compiles for
  -o, --output OUT      write to OUT instead of standard output
  -h, --help            this help

Exit status: 0 on success, 1 when the policy does not compile or OCI cannot
express it, 2 for a mistake on the command line.
";

const SPEC: Spec = Spec {
    command: "export",
    options: &[&["--format"], &["--arch"], &["-o", "--output"]],
    flags: &[],
    command_after: None,
};

pub fn main(args: Vec<OsString>) -> Result<()> {
    let Some(parsed) = SPEC.parse_or_help(args, HELP)? else {
        return Ok(());
    };
    let path = SPEC.one_positional(&parsed, "POLICY_FILE")?;
    if let Some(format) = parsed.option("--format").filter(|&f| f != "oci") {
        return Err(SPEC.usage(format!("unknown format `{format}`; the only one is `oci`")));
    }
    let arches = parsed.option("--arch").map(arches).transpose()?;
    let source = input::read_policy(path)?;
    let rendered = |diags: &[_]| CliError::Policy(render_all(diags, &source));
    let policy = parse::parse_str(&source.text).map_err(|d| rendered(&d))?;
    let whole = Span::text(0, source.text.len());
    let compilation = compile(policy, whole, arches.as_deref()).map_err(|d| rendered(&d))?;
    let exported = export_oci(&compilation, &ExportOptions { arches })
        .map_err(|e| CliError::Policy(format!("error: {e}")))?;
    for w in &exported.warnings {
        eprintln!("warning: {w}");
    }
    write_output(parsed.option("-o"), exported.json.as_bytes())
}

fn arches(list: &str) -> Result<Vec<Arch>> {
    list.split(',')
        .map(|a| input::parse_arch(SPEC.command, a.trim()))
        .collect()
}
