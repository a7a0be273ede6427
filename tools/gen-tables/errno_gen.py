"""Errno names and numbers from the kernel's uapi headers."""

import os
import re

GENERIC = ("include/uapi/asm-generic/errno-base.h", "include/uapi/asm-generic/errno.h")
DEFINE_RE = re.compile(r"^#define\s+(E[A-Z0-9]+)\s+(\d+|E[A-Z0-9]+)\b", re.M)


def defines(path):
    with open(path, encoding="utf-8") as f:
        return DEFINE_RE.findall(f.read())


def generic(src):
    """[(name, number, alias_of or None)] in header order."""
    numbers, out = {}, []
    for rel in GENERIC:
        for name, value in defines(os.path.join(src, rel)):
            if value.isdigit():
                numbers[name] = int(value)
                out.append((name, int(value), None))
            else:
                out.append((name, numbers[value], value))
                numbers[name] = numbers[value]
    return out


def arch_overrides(src, arch):
    """[(name, number)] an architecture's uapi errno.h sets differently.
    Without that header, the architecture uses asm-generic/errno.h
    (listed as mandatory-y in include/uapi/asm-generic/Kbuild)."""
    path = os.path.join(src, f"arch/{arch.kdir}/include/uapi/asm/errno.h")
    if not os.path.exists(path):
        with open(os.path.join(src, "include/uapi/asm-generic/Kbuild"), encoding="utf-8") as f:
            if not re.search(r"^mandatory-y \+= errno\.h$", f.read(), re.M):
                raise SystemExit("asm-generic errno.h is no longer mandatory-y")
        return []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if "#include <asm-generic/errno.h>" not in text:
        raise SystemExit(f"{path} does not build on asm-generic/errno.h")
    return [(n, int(v)) for n, v in DEFINE_RE.findall(text) if v.isdigit()]
