//! `seccompc import`: policies written for other tools, as policy text in
//! our language (the importers are `seccomp_import`).

use crate::args::{CliError, Result, Spec};
use crate::compile::write_output;
use crate::input;
use seccomp_compiler::Arch;
use seccomp_import::{self as import, Format, ImportOptions, minijail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub const HELP: &str = "\
seccompc import: convert another tool's seccomp policy to a policy file

Usage: seccompc import --from FORMAT FILE [OPTIONS] [-o OUT]

Prints the policy in seccompc's language, with comments naming the source
rules and every choice the import made; it compiles as printed. What the
import left out or changed is also reported on standard error as
`warning:` lines.

Formats (--from):
  oci          OCI runtime-spec JSON, as Docker and Podman ship it
               (defaultAction, syscalls[].names/action/args, includes and
               excludes by caps, arches and minKernel)
  seccompiler  seccompiler JSON, as Firecracker ships it (one named filter)
  firejail     firejail profile lines: seccomp, seccomp.drop, seccomp.keep,
               seccomp.block-secondary, seccomp-error-action
  systemd      unit file lines: SystemCallFilter=, SystemCallErrorNumber=,
               SystemCallArchitectures=
  minijail     minijail policy files (crosvm's), with @include and
               constants

Arguments:
  FILE                  the source; `-` reads standard input

Options:
  --from FORMAT         the source's format (required)
  --filter NAME         seccompiler: the named filter to import (needed when
                        the file has several)
  --caps CAP,...        oci: the container's capabilities for includes and
                        excludes by `caps` (CAP_ may be left out; `--caps ''`
                        for none); default: Docker's default set, i.e. a
                        container started without --cap-add
  --kernel X.Y          oci: the kernel version for `minKernel`; default: a
                        current kernel, which meets every minKernel
  --arch ARCH,...       the architectures to compile for; default: the ones
                        the source names (all for firejail and systemd)
  --exact-width         keep the source's comparison widths bit for bit
                        (`arg1:u64`) instead of the width the kernel uses for
                        each parameter; by default 64-bit comparisons on
                        32-bit parameters are narrowed and a comment says so
  --include-dir DIR     minijail: where @include files are looked for (by
                        their path, then by file name); repeatable; FILE's
                        directory is always searched
  --constants FILE      minijail: named constants as JSON (crosvm's
                        constants.json); default: constants.json next to FILE
                        if there is one
  -o, --output OUT      write the policy to OUT instead of standard output
  -h, --help            this help

Exit status: 0 on success, 1 when the source cannot be read or imported, 2
for a mistake on the command line.
";

const SPEC: Spec = Spec {
    command: "import",
    options: &[
        &["--from"],
        &["--filter"],
        &["--caps"],
        &["--kernel"],
        &["--arch"],
        &["--include-dir"],
        &["--constants"],
        &["-o", "--output"],
    ],
    flags: &["--exact-width"],
    command_after: None,
};

pub fn main(args: Vec<OsString>) -> Result<()> {
    let Some(parsed) = SPEC.parse_or_help(args, HELP)? else {
        return Ok(());
    };
    let path = SPEC.one_positional(&parsed, "FILE")?;
    let format = format(parsed.option("--from"))?;
    let mut opts = ImportOptions {
        filter: parsed.option("--filter").map(str::to_owned),
        caps: parsed.option("--caps").map(caps),
        kernel: parsed.option("--kernel").map(kernel).transpose()?,
        arches: parsed.option("--arch").map(arches).transpose()?,
        exact_width: parsed.flag("--exact-width"),
        include_dirs: parsed
            .option_all("--include-dir")
            .iter()
            .map(PathBuf::from)
            .collect(),
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
        opts.constants = constants(parsed.option("--constants"), dir.as_deref())?;
    }
    let bytes = input::read_bytes(path)?;
    let name = if path == "-" { "<stdin>" } else { path };
    let text = String::from_utf8(bytes)
        .map_err(|_| CliError::failed(format!("`{name}` is not UTF-8 text")))?;
    let imported = import::import(format, name, &text, &opts)
        .map_err(|e| CliError::Policy(format!("error: {e}")))?;
    for w in &imported.warnings {
        eprintln!("warning: {w}");
    }
    write_output(parsed.option("-o"), imported.policy.as_bytes())
}

fn format(name: Option<&str>) -> Result<Format> {
    let all: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    let Some(name) = name else {
        return Err(SPEC.usage(format!(
            "missing `--from FORMAT`; one of: {}",
            all.join(", ")
        )));
    };
    Format::from_name(name).ok_or_else(|| {
        SPEC.usage(format!(
            "unknown format `{name}`; one of: {}",
            all.join(", ")
        ))
    })
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
fn kernel(text: &str) -> Result<(u32, u32)> {
    let parsed = text
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse().ok()?, minor.parse().ok()?)));
    parsed.ok_or_else(|| SPEC.usage(format!("`--kernel {text}`: expected MAJOR.MINOR, e.g. 6.1")))
}

fn arches(list: &str) -> Result<Vec<Arch>> {
    list.split(',')
        .map(|a| input::parse_arch(SPEC.command, a.trim()))
        .collect()
}

/// minijail constants: `--constants FILE`, else `constants.json` beside
/// the policy, else none.
fn constants(
    explicit: Option<&str>,
    dir: Option<&Path>,
) -> Result<std::collections::BTreeMap<String, u64>> {
    let path = match explicit {
        Some(p) => PathBuf::from(p),
        None => match dir.map(|d| d.join("constants.json")) {
            Some(p) if p.is_file() => p,
            _ => return Ok(Default::default()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::failed(format!("cannot read `{}`: {e}", path.display())))?;
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
