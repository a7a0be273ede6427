"""Syscall groups from systemd and firejail (docs/ARCHITECTURE.md section 3): systemd's
under their own names; firejail's under `@firejail-<name>`, and also under
their own name where systemd has no group of that name. References inside
firejail groups point at the firejail versions."""

import json
import os
from dataclasses import dataclass

# Members that no syscall table of Linux 6.12 (any architecture, any ABI,
# uapi aliases included) and no table of the syscalls crate knows. Each is
# kept (it resolves to nothing on every architecture) only with a reason;
# any other unknown name stops the generator.
UNKNOWN_MEMBERS_ALLOWED = {
    "listns": "added in Linux 6.18, newer than the kernel and the syscalls crate we read",
    "rseq_slice_yield": "newer than Linux 6.17 (the syscalls crate's tables); not in 6.12",
    "newfstat": "the kernel's entry point behind `fstat` (sys_newfstat), not a table name",
}


@dataclass
class Group:
    name: str
    description: str
    origin: str
    members: list


def load(corpus, stem):
    with open(os.path.join(corpus, f"{stem}.json"), encoding="utf-8") as f:
        groups = json.load(f)
    with open(os.path.join(corpus, f"{stem}.meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    return groups, meta


def build(corpus, commits):
    """All groups in output order: systemd's, then firejail's own names,
    then every firejail group as @firejail-<name>."""
    sd, sd_meta = load(corpus, "systemd-groups")
    fj, fj_meta = load(corpus, "firejail-groups")
    check_commit(sd_meta, commits["systemd"], "systemd")
    check_commit(fj_meta, commits["firejail"], "firejail")
    sd_origin = f"systemd {commits['systemd']}"
    fj_origin = f"firejail {commits['firejail']}"
    out = [Group(n, sd_meta["help"][n], sd_origin, list(m)) for n, m in sd.items()]

    def firejail(name, as_name):
        members = [firejail_name(m) if m.startswith("@") else m for m in fj[name]]
        return Group(as_name, fj_meta["description"][name], fj_origin, members)

    out += [firejail(n, n) for n in fj if n not in sd]
    out += [firejail(n, firejail_name(n)) for n in fj]
    return out


def firejail_name(name):
    return "@firejail-" + name[1:]


def check_commit(meta, commit, what):
    if meta["source_commit"] != commit:
        raise SystemExit(f"{what}: meta.json commit {meta['source_commit']} != SOURCES.tsv {commit}")


def validate(groups, universe):
    """Fails on unknown members, duplicate names and reference cycles."""
    by_name = {}
    for g in groups:
        if g.name in by_name:
            raise SystemExit(f"group {g.name} defined twice")
        by_name[g.name] = g
    unknown = []
    for g in groups:
        for m in g.members:
            if m.startswith("@"):
                if m not in by_name:
                    raise SystemExit(f"{g.name}: no group {m}")
            elif m not in universe and m not in UNKNOWN_MEMBERS_ALLOWED:
                unknown.append(f"{g.name}: {m}")
    if unknown:
        raise SystemExit("group members no kernel table knows:\n  " + "\n  ".join(unknown))
    for g in groups:
        find_cycle(g.name, by_name, [])
    return sorted({m for g in groups for m in g.members if m in UNKNOWN_MEMBERS_ALLOWED})


def find_cycle(name, by_name, path):
    if name in path:
        raise SystemExit("group cycle: " + " -> ".join(path + [name]))
    for m in by_name[name].members:
        if m.startswith("@"):
            find_cycle(m, by_name, path + [name])
