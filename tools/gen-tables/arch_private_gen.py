"""Syscalls of our architectures that the kernel defines and the syscalls
crate's tables lack: ARM's private syscalls (__ARM_NR_*), names a uapi
<asm/unistd.h> defines as aliases (arm's sync_file_range2), and entries of
the syscall table the crate leaves out or spells differently."""

import os
import re

import kernel


def arm_private(src):
    """[(number, name, why)] from __ARM_NR_* in the EABI header, where
    __NR_SYSCALL_BASE is 0 (arch/arm/include/uapi/asm/unistd.h)."""
    rel = "arch/arm/include/uapi/asm/unistd.h"
    with open(os.path.join(src, rel), encoding="utf-8") as f:
        text = f.read()
    base = re.search(r"#define __ARM_NR_BASE\s+\(__NR_SYSCALL_BASE\+(0x[0-9a-f]+)\)", text)
    if not base:
        raise SystemExit(f"__ARM_NR_BASE not found in {rel}")
    out = []
    for m in re.finditer(r"#define __ARM_NR_(\w+)\s+\(__ARM_NR_BASE\+(\d+)\)", text):
        nr = int(base.group(1), 16) + int(m.group(2))
        out.append((nr, m.group(1), f"{rel}: __ARM_NR_BASE+{m.group(2)}"))
    return out


def uapi_aliases(src, arch, by_name):
    """`#define __NR_x __NR_y` in the architecture's uapi unistd.h."""
    rel = f"arch/{arch.kdir}/include/uapi/asm/unistd.h"
    path = os.path.join(src, rel)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for m in re.finditer(r"^#define __NR_(\w+)\s+__NR_(\w+)\s*$", text, re.M):
        if m.group(2) in by_name:
            out.append((by_name[m.group(2)], m.group(1), f"{rel}: alias of {m.group(2)}"))
    return out


def missing_from_crate(arch, rows, crate, extra):
    """Table entries (and `extra`) whose name the crate does not have."""
    out = []
    for nr, name, why in [(r.number, r.name, f"{arch.table}") for r in rows] + extra:
        if name not in crate and (nr, name) not in {(n, m) for n, m, _ in out}:
            renamed = [c for c, cnr in crate.items() if cnr == nr]
            if renamed:
                why += f" (the crate calls {nr} `{renamed[0]}`)"
            out.append((nr, name, why))
    return sorted(out)


def other_abis_only(src, arch, crate):
    """Crate entries that the kernel's table defines only for ABIs this
    architecture does not build (e.g. the 32-bit-only time64 calls 403-423
    of scripts/syscall.tbl, abi `32`, which the crate lists for aarch64):
    [(number, name, why)]. Numbers past the table are left alone: they are
    syscalls newer than the kernel the generator reads."""
    rows = kernel.parse_table(os.path.join(src, arch.table))
    native_numbers = {r.number for r in rows if r.abi in arch.abis}
    foreign = {(r.number, r.name): r.abi for r in rows if r.abi not in arch.abis}
    out = []
    for name, nr in sorted(crate.items(), key=lambda kv: (kv[1], kv[0])):
        abi = foreign.get((nr, name))
        if abi is not None and nr not in native_numbers:
            out.append((nr, name, f"{arch.table}: abi `{abi}` only, which {arch.name} does not build"))
    return out
