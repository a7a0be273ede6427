#!/usr/bin/env python3
"""Generates seccomp-compiler/src/tables/generated/*.rs from the kernel's own
declarations and uapi headers, the syscalls crate's tables and the systemd/firejail group
transcriptions in tools/gen-tables/sources (repositories and commits in its SOURCES.tsv).

Re-run (from the workspace root, after installing the sources once):

    apt-get install -y linux-source-6.12=6.12.118-1~deb12u1 \
        linux-headers-6.12.118+deb12-common=6.12.118-1~deb12u1 clang-16 make gcc
    python3 tools/gen-tables/gen_tables.py

The kernel tarball is unpacked to /tmp/gen-tables-ksrc on first use (pass
--kernel-src DIR to use an unpacked tree instead). Output is deterministic
and formatted with rustfmt; see tools/gen-tables/README.md.
"""

import argparse
import csv
import glob
import os
import re
import subprocess
import tempfile

import arch_private_gen
import constants_gen
import crate_tables
import ctypes_table
import emit_files
import errno_gen
import groups_gen
import kconfig
import kernel
import params_gen
import syscalls_gen
from arches import ARCHES

# Python puts this script's directory first on sys.path, so the modules
# beside it import as above.
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KERNEL_SERIES = "6.12"
TARBALL = f"/usr/src/linux-source-{KERNEL_SERIES}.tar.xz"
UNPACK_DIR = "/tmp/gen-tables-ksrc"
# The syscalls crate whose tables give the numbers (syscalls_gen.py): read
# from its source, which has numbers newer than the kernel above.
SYSCALLS_CRATE = "0.8.1"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kernel-src", help="unpacked linux-source tree (default: unpack the Debian tarball)")
    p.add_argument(
        "--kernel-headers", help="linux-headers-*-common directory (default: the one matching the source)"
    )
    # The systemd and firejail group transcriptions (their repositories and
    # commits in sources/SOURCES.tsv), kept here so the generator needs
    # nothing outside the repository.
    p.add_argument("--corpus", default=os.path.join(HERE, "sources"))
    p.add_argument(
        "--crate-dir", help=f"source of the syscalls crate (default: syscalls-{SYSCALLS_CRATE} in CARGO_HOME, fetched if missing)"
    )
    p.add_argument("--out", default=os.path.join(ROOT, "seccomp-compiler/src/tables/generated"))
    # Evaluates the constants for each architecture's target (constants_gen.py).
    p.add_argument("--clang", default="clang-16")
    return p.parse_args()


def kernel_source(path):
    """The unpacked kernel tree, unpacking Debian's tarball if needed."""
    if path:
        return path
    tree = os.path.join(UNPACK_DIR, f"linux-source-{KERNEL_SERIES}")
    if not os.path.exists(os.path.join(tree, "Makefile")):
        os.makedirs(UNPACK_DIR, exist_ok=True)
        subprocess.run(["tar", "xJf", TARBALL, "-C", UNPACK_DIR], check=True)
    return tree


def headers_dir(path, version):
    if path:
        return path
    found = sorted(glob.glob(f"/usr/src/linux-headers-{version}+*-common"))
    if not found:
        raise SystemExit(f"install linux-headers-{version}+*-common (Debian) first")
    return found[0]


def deb_version(package):
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def clang_version(clang):
    """The first line of `clang --version`: `Debian clang version 16.0.6 (15~deb12u1)`."""
    out = subprocess.run([clang, "--version"], capture_output=True, text=True, check=True).stdout
    if "clang version" not in out:
        raise SystemExit(f"{clang} is not clang: {out[:200]}")
    return out.splitlines()[0]


def crate_dir(path):
    """The syscalls crate's source, at SYSCALLS_CRATE. The compiler does not
    depend on the crate (its tables are generated here), so when cargo has
    not downloaded it yet, a scratch package that depends on it makes
    `cargo fetch` do so."""
    if path:
        return path
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    pattern = os.path.join(home, f"registry/src/*/syscalls-{SYSCALLS_CRATE}")
    if not glob.glob(pattern):
        with tempfile.TemporaryDirectory() as scratch:
            with open(os.path.join(scratch, "Cargo.toml"), "w", encoding="utf-8") as f:
                f.write(
                    '[package]\nname = "fetch-syscalls"\nversion = "0.0.0"\nedition = "2024"\n'
                    f'[lib]\npath = "lib.rs"\n[dependencies]\nsyscalls = "={SYSCALLS_CRATE}"\n'
                )
            subprocess.run(["cargo", "fetch", "--manifest-path", os.path.join(scratch, "Cargo.toml")], check=True)
    found = sorted(glob.glob(pattern))
    if not found:
        raise SystemExit(f"syscalls-{SYSCALLS_CRATE} is not in {home}/registry after `cargo fetch`")
    return found[0]


def corpus_commits(corpus):
    """systemd and firejail commits from SOURCES.tsv."""
    with open(os.path.join(corpus, "SOURCES.tsv"), encoding="utf-8") as f:
        rows = {r["file"]: r for r in csv.DictReader(f, delimiter="\t")}
    return {
        "systemd": rows["systemd-groups.json"]["commit"],
        "firejail": rows["firejail-groups.json"]["commit"],
    }


def universe(src, crate):
    """Every syscall name any architecture's table (or uapi unistd.h alias,
    or ARM private call) of the kernel knows, plus the syscalls crate's."""
    names = set(crate_tables.all_crate_names(crate))
    for path in kernel.all_table_paths(src):
        names |= {r.name for r in kernel.parse_table(path)}
    for path in glob.glob(os.path.join(src, "arch/*/include/uapi/asm/unistd*.h")):
        with open(path, encoding="utf-8") as f:
            names |= set(re.findall(r"^#define __NR_(\w+)\s+__NR_\w+\s*$", f.read(), re.M))
    names |= {name for _, name, _ in arch_private_gen.arm_private(src)}
    return names


def arch_rows(src, arch):
    return [r for r in kernel.parse_table(os.path.join(src, arch.table)) if r.abi in arch.abis]


def main():
    args = parse_args()
    src = kernel_source(args.kernel_src)
    version = kernel.kernel_version(src)
    hdrs = headers_dir(args.kernel_headers, version)
    crate = crate_dir(args.crate_dir)
    commits = corpus_commits(args.corpus)
    source_pkg = f"linux-source-{KERNEL_SERIES}"
    linux = f"Linux {version} from Debian {source_pkg} {deb_version(source_pkg)}"
    headers = f"{os.path.basename(hdrs)} {deb_version(os.path.basename(hdrs))}"
    crate_v = f"syscalls crate {crate_tables.crate_version(crate)}"
    corpus = f"systemd {commits['systemd']}, firejail {commits['firejail']} (tools/gen-tables/sources)"
    sources = {
        "params": f"{linux} and {headers}; {crate_v}",
        "groups": f"{corpus}; names checked against {linux} and the {crate_v}",
        "errno": linux,
        "syscalls": f"{linux}; {crate_v}",
    }
    clang = clang_version(args.clang)
    sources["constants"] = f"{linux}: uapi headers from `make headers`, include/linux/socket.h and net.h; {clang}"
    sources["mod"] = f"{linux} and {headers}; {crate_v}; {corpus}; {clang}"
    ctypes_table.check_citations(src)

    private, foreign, crate_maps, rows = {}, {}, {}, {}
    for arch in ARCHES:
        rows[arch.name] = arch_rows(src, arch)
        crate_maps[arch.name] = crate_tables.read_crate_table(crate, arch.crate_file)
        by_name = {r.name: r.number for r in rows[arch.name]}
        extra = arch_private_gen.uapi_aliases(src, arch, by_name)
        if arch.name == "arm":
            extra += arch_private_gen.arm_private(src)
        private[arch.name] = arch_private_gen.missing_from_crate(
            arch, rows[arch.name], crate_maps[arch.name], extra
        )
        foreign[arch.name] = arch_private_gen.other_abis_only(src, arch, crate_maps[arch.name])
    tables = {
        arch.name: syscalls_gen.merge(crate_maps[arch.name], private[arch.name], foreign[arch.name])
        for arch in ARCHES
    }

    kc = {a.name: kconfig.values(src, a) for a in ARCHES}
    resolver = params_gen.Resolver(
        src,
        kernel.all_definitions(src),
        kernel.header_prototypes(os.path.join(hdrs, "include/linux/syscalls.h")),
        {name: v[0] for name, v in kc.items()},
    )
    results = []
    for arch in ARCHES:
        res = resolver.resolve(arch, rows[arch.name])
        names = {n: nr for n, nr in crate_maps[arch.name].items() if (nr, n) not in {(f[0], f[1]) for f in foreign[arch.name]}}
        names.update({name: nr for nr, name, _ in private[arch.name]})
        params_gen.crate_aliases(arch, names, rows[arch.name], res)
        res.all_names = names
        results.append(res)

    groups = groups_gen.build(args.corpus, commits)
    allowed_unknown = groups_gen.validate(groups, universe(src, crate))

    errnos = errno_gen.generic(src)
    overrides = {a.name: errno_gen.arch_overrides(src, a) for a in ARCHES}

    constants, constant_headers = constants_gen.generate(src, ARCHES, args.clang)
    constant_notes = constants_gen.notes(constant_headers)

    os.makedirs(args.out, exist_ok=True)
    files = {
        "mod.rs": emit_files.module(sources["mod"]),
        "params.rs": emit_files.params(sources["params"], results, kc),
        "groups.rs": emit_files.groups(sources["groups"], groups, allowed_unknown),
        "errno.rs": emit_files.errno(sources["errno"], errnos, overrides),
        "syscalls.rs": emit_files.syscalls(sources["syscalls"], tables, private, foreign),
        "constants.rs": emit_files.constants(sources["constants"], constants, constant_notes),
    }
    paths = []
    for name, text in files.items():
        paths.append(os.path.join(args.out, name))
        with open(paths[-1], "w", encoding="utf-8") as f:
            f.write(text)
    subprocess.run(["rustfmt", "--edition", "2024", *paths], check=True)
    for res in results:
        print(f"{res.arch.name}: {len(res.protos)} prototypes, {len(res.aliases)} aliases")
    print(f"{len(groups)} groups")
    for arch in ARCHES:
        print(f"{arch.name}: {len(constants[arch.name])} constants")


if __name__ == "__main__":
    main()
