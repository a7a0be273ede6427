//! `seccompc import`: policies written for other tools, as policy text in
//! our language (the importers are `seccomp_import`).

use crate::args::{ArchParser, CliError, Result};
use crate::{input, output};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use seccomp_compiler::Arch;
use seccomp_import::{self as import, Format, ImportOptions, minijail};
use std::path::{Path, PathBuf};

/// `seccompc import`.
#[derive(clap::Args)]
#[command(
    about = "convert OCI, seccompiler, firejail, systemd, minijail, kafel, LXC, bionic or SPO policies",
    long_about = "\
convert another tool's seccomp policy to a policy file

Prints the policy in seccompc's language, with comments naming the source
rules and every choice the import made; it compiles as printed. What the
import left out or changed is also reported on standard error as
`warning:` lines.

Formats (--from):
  oci          OCI runtime-spec JSON, as Docker and Podman ship it
               (defaultAction, syscalls[].names/action/args, includes and
               excludes by caps, arches and minKernel)
  seccompiler  seccompiler JSON, as Firecracker ships it (one named filter)
  firejail     firejail 0.9.72 profiles, includes followed: seccomp,
               seccomp.drop, seccomp.keep, seccomp-error-action,
               memory-deny-write-execute, restrict-namespaces, protocol
  systemd      unit file lines: SystemCallFilter=, SystemCallErrorNumber=,
               SystemCallArchitectures=
  minijail     minijail policy files (Android's, ChromiumOS's, crosvm's) as
               libminijail or compile_seccomp_policy.py reads them:
               @include, @frequency, @default, @denylist, constants
  kafel        kafel policies (nsjail's language), or an nsjail config whose
               seccomp_string / seccomp_policy_file holds one
  lxc          LXC seccomp policies (lxc.seccomp.profile), versions 1 and 2:
               allowlist/denylist, [arch] sections, argument filters
  bionic       Android bionic's SYSCALLS.TXT and SECCOMP_*LIST_*.TXT, read
               from FILE's directory (FILE: any of them); --filter app,
               system or app_zygote, unless FILE's name says
  spo          Kubernetes security-profiles-operator SeccompProfile objects
               (YAML; --filter NAME picks one of several by metadata.name;
               baseProfileName resolved among the file's documents)",
    after_long_help = "\
Examples:
  seccompc import --from oci default.json -o docker.policy
  seccompc import --from seccompiler --filter vmm x86_64.json
  seccompc import --from minijail --include-dir policies policies/block_device.policy

Exit status: 0 on success, 1 when the source cannot be read or imported, 2
for a mistake on the command line."
)]
pub struct Args {
    /// The source; `-` reads standard input
    file: String,
    /// The source's format
    #[arg(long, value_name = "FORMAT", value_parser = format_parser())]
    from: Format,
    /// seccompiler: the named filter to import (needed when the file has
    /// several); bionic: the policy, app or system; spo: the
    /// SeccompProfile's metadata.name
    #[arg(long, value_name = "NAME")]
    filter: Option<String>,
    /// oci: the container's capabilities for includes and excludes by `caps`
    /// (CAP_ may be left out; `--caps ''` for none); default: Docker's
    /// default set, i.e. a container started without --cap-add
    #[arg(long, value_name = "CAP,...")]
    caps: Option<String>,
    /// oci: the kernel version for `minKernel`; default: a current kernel,
    /// which meets every minKernel
    #[arg(long, value_name = "X.Y", value_parser = kernel)]
    kernel: Option<(u32, u32)>,
    /// The architectures to compile for; default: the ones the source names
    /// (all for firejail and systemd; for kafel, those of x86_64, x86,
    /// aarch64, arm, riscv64 where kafel accepts the policy and it means the
    /// same; for lxc, all on which it means the same; one for an LXC
    /// version 1 policy)
    #[arg(long, value_name = "ARCH,...", value_parser = ArchParser, value_delimiter = ',')]
    arch: Vec<Arch>,
    /// Keep the source's comparison widths bit for bit (`arg1:u64`) instead
    /// of the width the kernel uses for each parameter; by default 64-bit
    /// comparisons on 32-bit parameters are narrowed and a comment says so
    #[arg(long)]
    exact_width: bool,
    /// minijail: where @include files are looked for (by their path, then by
    /// file name); repeatable; FILE's directory is always searched. kafel:
    /// the #include search directories, in order (kafel searches no other)
    #[arg(long, value_name = "DIR")]
    include_dir: Vec<PathBuf>,
    /// minijail: named constants as JSON (crosvm's constants.json);
    /// default: constants.json next to FILE if there is one
    #[arg(long, value_name = "FILE")]
    constants: Option<PathBuf>,
    /// minijail: the compiler that runs the policy, where minijail's two
    /// read it differently: libminijail (Android's services, minijail0 at
    /// run time) or tools (compile_seccomp_policy.py: crosvm, ChromiumOS's
    /// precompiled policies); default: the one that accepts the file, and
    /// an error where both do and disagree
    #[arg(long, value_name = "COMPILER", value_parser = minijail_compiler_parser())]
    minijail_compiler: Option<minijail::MinijailCompiler>,
    /// Write the policy to OUT instead of standard output
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
}

/// `--from`: the importers' names, which completions offer.
fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(Format::name)).map(|name| {
        // PossibleValuesParser passes only the names it was given.
        Format::from_name(&name).expect("one of Format::ALL's names")
    })
}

/// `--minijail-compiler`: its names, which completions offer.
fn minijail_compiler_parser() -> impl TypedValueParser<Value = minijail::MinijailCompiler> {
    PossibleValuesParser::new(minijail::MinijailCompiler::ALL.map(minijail::MinijailCompiler::name))
        .map(|name| {
            // PossibleValuesParser passes only the names it was given.
            minijail::MinijailCompiler::from_name(&name)
                .expect("one of MinijailCompiler::ALL's names")
        })
}

pub fn main(args: Args) -> Result<()> {
    let path = args.file.as_str();
    let to = args.output.as_deref();
    output::refuse_overwriting_input("import", path, to)?;
    let format = args.from;
    let mut opts = ImportOptions {
        filter: args.filter,
        caps: args.caps.as_deref().map(caps),
        kernel: args.kernel,
        arches: (!args.arch.is_empty()).then_some(args.arch),
        exact_width: args.exact_width,
        include_dirs: args.include_dir,
        minijail_compiler: args.minijail_compiler,
        ..ImportOptions::default()
    };
    let dir = match Path::new(path).parent() {
        _ if path == "-" => None,
        Some(d) if d.as_os_str().is_empty() => Some(PathBuf::from(".")),
        d => d.map(Path::to_path_buf),
    };
    if format == Format::Minijail {
        if let Some(dir) = &dir {
            opts.include_dirs.push(dir.clone());
        }
        opts.constants = constants(args.constants.as_deref(), dir.as_deref())?;
    }
    let bytes = input::read_bytes(path)?;
    let name = if path == "-" { "<stdin>" } else { path };
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::failed(format!("`{name}` is not UTF-8 text")))?;
    let imported = import::import(format, name, &text, &opts)
        .map_err(|e| CliError::Policy(format!("error: {e}")))?;
    for w in &imported.warnings {
        output::warn(w);
    }
    output::write(to, imported.policy.as_bytes())
}

/// `sys_admin,CAP_NET_RAW` -> `CAP_SYS_ADMIN`, `CAP_NET_RAW`.
fn caps(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            let c = c.to_ascii_uppercase();
            if c.starts_with("CAP_") {
                c
            } else {
                format!("CAP_{c}")
            }
        })
        .collect()
}

/// `6.1` -> (6, 1).
fn kernel(text: &str) -> std::result::Result<(u32, u32), String> {
    let parsed = text
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse().ok()?, minor.parse().ok()?)));
    parsed.ok_or_else(|| format!("`{text}`: expected MAJOR.MINOR, e.g. 6.1"))
}

/// minijail constants: `--constants FILE`, else `constants.json` beside
/// the policy, else none.
fn constants(
    explicit: Option<&Path>,
    dir: Option<&Path>,
) -> Result<std::collections::BTreeMap<String, u64>> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match dir.map(|d| d.join("constants.json")) {
            Some(p) if p.is_file() => p,
            _ => return Ok(Default::default()),
        },
    };
    let shown = path.to_string_lossy();
    let text = String::from_utf8(input::read_bytes(&shown)?)
        .map_err(|_| CliError::failed(format!("`{shown}` is not UTF-8 text")))?;
    minijail::constants_from_json(&text).map_err(|e| CliError::Policy(format!("error: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_and_kernel_options() {
        assert_eq!(
            caps("sys_admin, CAP_NET_RAW"),
            ["CAP_SYS_ADMIN", "CAP_NET_RAW"]
        );
        assert!(caps("").is_empty());
        assert_eq!(kernel("6.1").unwrap(), (6, 1));
        assert!(kernel("6").is_err());
    }
}
