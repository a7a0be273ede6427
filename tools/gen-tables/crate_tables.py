"""The syscall tables of the `syscalls` crate (0.8.1), which the compiler
uses for numbers: read from its source so the generator can tell which
kernel table entries the crate lacks and which names it spells differently."""

import os
import re


def read_crate_table(crate_dir, file):
    """{name: number} from one of the crate's src/arch/<arch>.rs files."""
    with open(os.path.join(crate_dir, "src/arch", file), encoding="utf-8") as f:
        text = f.read()
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+) = (\d+),", text, re.M)}


def all_crate_names(crate_dir):
    """Every name of every architecture the crate knows."""
    names = set()
    for file in sorted(os.listdir(os.path.join(crate_dir, "src/arch"))):
        if file not in ("mod.rs", "macros.rs") and file.endswith(".rs"):
            names |= set(read_crate_table(crate_dir, file))
    return names


def crate_version(crate_dir):
    with open(os.path.join(crate_dir, "Cargo.toml"), encoding="utf-8") as f:
        return re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.M).group(1)
