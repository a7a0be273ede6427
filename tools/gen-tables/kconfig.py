"""Which of a few Kconfig symbols an architecture selects, with the lines
that say so (cited in the generated file)."""

import re

import kernel
from arches import KCONFIG_SYMBOLS


def _cond_true(cond, active):
    """`if COND` of a select: symbols joined by ||, && and !, true when
    the named `config` entries are on for the architecture."""
    expr = re.sub(r"\w+", lambda m: str(m.group(0) in active), cond)
    expr = expr.replace("||", " or ").replace("&&", " and ").replace("!", " not ")
    if not re.fullmatch(r"[\sA-Za-z()]*", expr):
        raise SystemExit(f"cannot evaluate Kconfig condition {cond!r}")
    return eval(expr)  # only True/False/and/or/not/parentheses remain


def values(src, arch):
    """{symbol: bool} for KCONFIG_SYMBOLS on `arch`, and the select lines
    that turned symbols on."""
    active = set(arch.kconfig_blocks)
    rel = f"arch/{arch.kdir}/Kconfig"
    out = {s: False for s in KCONFIG_SYMBOLS}
    cites = []
    for sel in kernel.kconfig_selects(src, rel):
        if sel.symbol not in out or sel.block not in active:
            continue
        if sel.cond is None or _cond_true(sel.cond, active):
            out[sel.symbol] = True
            cites.append(f"{sel.path}:{sel.line} (config {sel.block}): {sel.text}")
    return out, cites
