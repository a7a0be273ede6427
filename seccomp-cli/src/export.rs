//! `seccompc export`: a policy as an OCI runtime-spec `linux.seccomp`
//! object, for runc, crun, Docker's and Podman's `--security-opt seccomp=`
//! (the exporter is `seccomp_import::export_oci`).

use crate::args::{ArchParser, CliError, Result};
use crate::{input, output};
use seccomp_compiler::diag::render_all;
use seccomp_compiler::{Arch, Span, compile, parse};
use seccomp_import::{ExportOptions, export_oci, export_spo};

/// `seccompc export`.
#[derive(clap::Args)]
#[command(
    about = "write a policy as OCI seccomp JSON (runc, crun, Docker, Podman)",
    long_about = "\
write a policy as OCI seccomp JSON

Prints the policy as the `linux.seccomp` object of the OCI runtime spec
(or, with --format spo, as a Kubernetes security-profiles-operator
SeccompProfile whose spec is that object)
(defaultAction, architectures, syscalls with names, action, errnoRet and
args), which runc, crun, `docker run --security-opt seccomp=FILE` and
`podman run --security-opt seccomp=FILE` load through libseccomp.

What OCI cannot say is refused with the reason, never written weaker: a
conditional `drop` layered over something other than the default, rules of
different actions whose conditions overlap, the same argument compared twice
in one alternative, value sets with `!=`, ordering comparisons on parameters
narrower than 64 bits, Rust-path values, and rules that differ between
architectures. OCI has no `unknown` action: numbers no table knows get
`defaultAction`, and a warning says so when the policy's `unknown` differs.",
    after_long_help = "\
Examples:
  seccompc export service.policy --arch x86_64,aarch64 -o service.json
  docker run --security-opt seccomp=service.json debian true
  seccompc export --format spo service.policy -o service.yaml
  kubectl apply -f service.yaml   # with the security-profiles-operator

Exit status: 0 on success, 1 when the policy does not compile or OCI cannot
express it, 2 for a mistake on the command line."
)]
pub struct Args {
    /// The policy; `-` reads standard input
    #[arg(value_name = "POLICY_FILE")]
    policy: String,
    /// The output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Oci)]
    format: ExportFormat,
    /// The architectures to export; default: every one the policy compiles
    /// for
    #[arg(long, value_name = "ARCH,...", value_parser = ArchParser, value_delimiter = ',')]
    arch: Vec<Arch>,
    /// spo: the SeccompProfile's metadata.name; default: the policy
    /// file's name without its extension
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Write to OUT instead of standard output
    #[arg(short, long, value_name = "OUT")]
    output: Option<String>,
}

/// `export --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    /// The `linux.seccomp` object of the OCI runtime spec
    Oci,
    /// A Kubernetes security-profiles-operator SeccompProfile (YAML)
    Spo,
}

pub fn main(args: Args) -> Result<()> {
    let to = args.output.as_deref();
    output::refuse_overwriting_input("export", &args.policy, to)?;
    let arches = (!args.arch.is_empty()).then_some(args.arch);
    let source = input::read_policy(&args.policy)?;
    let rendered = |diags: &[_]| CliError::Policy(render_all(diags, &source));
    let policy = parse::parse_str(&source.text).map_err(|d| rendered(&d))?;
    let whole = Span::text(0, source.text.len());
    let compilation = compile(policy, whole, arches.as_deref()).map_err(|d| rendered(&d))?;
    let opts = ExportOptions { arches };
    let exported = match args.format {
        ExportFormat::Oci => export_oci(&compilation, &opts),
        ExportFormat::Spo => {
            export_spo(&compilation, &opts, &profile_name(&args.policy, args.name))
        }
    }
    .map_err(|e| CliError::Policy(format!("error: {e}")))?;
    for w in &exported.warnings {
        output::warn(w);
    }
    output::write(to, exported.json.as_bytes())
}

/// `--name`, else the policy file's name without its extension.
fn profile_name(policy: &str, name: Option<String>) -> String {
    name.unwrap_or_else(|| {
        let stem = std::path::Path::new(policy)
            .file_stem()
            .map_or_else(|| "policy".to_owned(), |s| s.to_string_lossy().into_owned());
        if policy == "-" {
            "policy".to_owned()
        } else {
            stem
        }
    })
}
