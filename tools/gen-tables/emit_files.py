"""The text of each generated Rust file."""

import groups_gen
from arches import ARCHES
from rust_emit import comment, header, lit, param, text


def module(sources):
    return header("Data the hand-written accessors in tables/*.rs read.", sources) + (
        "\npub(crate) mod constants;\npub(crate) mod errno;\npub(crate) mod groups;\n"
        "pub(crate) mod params;\npub(crate) mod syscalls;\n"
    )


# --- params.rs -------------------------------------------------------------

CONVENTIONS = [
    "Widths: the SYSCALL_DEFINEn() wrapper casts each argument register to the declared type",
    "(__SC_CAST, include/linux/syscalls.h), so `bits` is the size of that type on the",
    "architecture (tools/gen-tables/ctypes_table.py cites each typedef): int, unsigned int,",
    "u32, pid_t, uid_t, clockid_t, key_serial_t, ... 32; umode_t and 16-bit old_uid_t 16;",
    "long, unsigned long, size_t, off_t and pointers the register width; loff_t, u64 64.",
    "A few parameters are narrowed after entry and get the narrower width (see",
    "NARROWED_AFTER_ENTRY in tools/gen-tables/params_gen.py): mmap's fd (fget takes an",
    "unsigned int), clone's clone_flags (lower_32_bits), and the fd and vlen of readv,",
    "writev, preadv, pwritev, preadv2 and pwritev2 (fdget_pos, import_iovec), and powerpc64's",
    "personality (ppc64_personality passes it to ksys_personality(unsigned int)), and",
    "pciconfig_read's and pciconfig_write's bus, dfn and off (unsigned int and int in",
    "drivers/pci).",
    "",
    "Split: on x86 and arm a 64-bit value takes two registers (on arm EABI an even-aligned",
    "pair), so it and every parameter after it have no single `args[i]` slot.",
    "i386's arch/x86/kernel/sys_ia32.c wrappers (ia32_fallocate, ia32_pread64, ...) and",
    "SC_ARG64/SYSCALL32_DEFINE variants take such values as lo/hi halves; the table names the",
    "value as the generic prototype does (`offset`, not `offset_lo`) and marks it Split, so",
    "one name means one thing on every architecture; arg2/arg3 still reach the halves.",
    "",
    "Which definition: the table's entry point (after arm's assembly trampolines in",
    "arch/arm/kernel/entry-common.S), its SYSCALL_DEFINEn() under arch/<arch>/ before generic",
    "code, and among #if variants the one whose condition holds for the architecture.",
    "Not read: arch/um, arch/x86/um, mm/nommu.c, kernel/time/posix-stubs.c (other builds).",
    "Parameter names are the SYSCALL_DEFINEn() ones; include/linux/syscalls.h was compared",
    "with them (differences are listed at the end of this file).",
]


def params(sources, results, kconfig_values):
    protos = sorted({(r.origin(), r.params) for res in results for r in res.protos.values()}, key=repr)
    index = {p: i for i, p in enumerate(protos)}
    out = [header("Syscall parameter names, C types and argument slots per architecture.", sources)]
    out.append(comment([""] + CONVENTIONS + [""] + abi_lines(results)))
    out.append(comment([""] + clone_lines(results, kconfig_values)))
    out.append(comment([""] + count_lines(results)))
    out.append(PARAMS_PRELUDE)
    for origin, _ in protos:
        if "|" in origin:
            raise SystemExit(f"an origin the params table cannot hold: {origin!r}")
    rows = [" | ".join([origin] + [param(p) for p in ps]) for origin, ps in protos]
    out.append(f"pub(crate) static PROTOS: &str = {text(rows)};\n")
    for res in results:
        out.append(arch_table(res, index))
    out.append(table_fn(results))
    out.append(comment([""] + mismatch_lines(results)))
    return "".join(out)


PARAMS_PRELUDE = """
use crate::arch::Arch;

/// Every distinct prototype, one per line: where the entry point is defined,
/// then its parameters in register order, each `ctype name: argI/BITS` (in
/// `seccomp_data.args[I]`, of which the kernel uses the low BITS bits) or
/// `ctype name: split` (no single slot), separated by ` | `.
"""


def arch_table(res, index):
    entries = {name: index[(p.origin(), p.params)] for name, p in res.protos.items()}
    for alias, target in res.aliases.items():
        entries[alias] = entries[target]
    rows = [f"{n} {i}" for n, i in sorted(entries.items())]
    doc = f"/// {res.arch.name}: `name line` (the line of PROTOS, from 0), sorted by name.\n"
    return f"\n{doc}static {res.arch.rust.upper()}: &str = {text(rows)};\n"


def table_fn(results):
    arms = "".join(f"Arch::{r.arch.rust} => {r.arch.rust.upper()},\n" for r in results)
    return (
        "\n/// The `name line` table of `arch`, sorted by name.\n"
        "pub(crate) fn table(arch: Arch) -> &'static str {\n"
        f"match arch {{\n{arms}}}\n}}\n"
    )


def abi_lines(results):
    lines = ["Syscall tables and the ABIs each architecture's build takes from them:"]
    for res in results:
        a = res.arch
        lines.append(f"  {a.name}: {a.table}, abis {','.join(a.abis)}: {a.abi_source}")
    return lines


def clone_lines(results, kconfig_values):
    lines = ["clone's argument order (kernel/fork.c, chosen by CONFIG_CLONE_BACKWARDS*):"]
    for res in results:
        proto = res.protos["clone"]
        order = ", ".join(name for name, _, _ in proto.params)
        cites = [c for c in kconfig_values[res.arch.name][1] if "CLONE_BACKWARDS" in c]
        why = "; ".join(cites) or f"no CLONE_BACKWARDS* select applies in arch/{res.arch.kdir}/Kconfig"
        lines.append(f"  {res.arch.name}: ({order}): {why}")
    lines.append("Other definitions chosen by configuration:")
    for res in results:
        for name, d, why in res.choices:
            if name != "clone":
                lines.append(f"  {res.arch.name}: {name}: {d.path}:{d.line} ({why})")
    lines.append("Kconfig selects read (arch/*/Kconfig, in the `config` entries on for the architecture):")
    for res in results:
        cites = kconfig_values[res.arch.name][1]
        lines += [f"  {res.arch.name}: {c}" for c in cites if "CLONE_BACKWARDS" not in c]
    return lines


def count_lines(results):
    lines = ["Names without a prototype (only arg0..arg5 work for them), per architecture:"]
    for res in results:
        missing = {n: r for n, r in res.missing.items() if n in res.all_names}
        for name in res.all_names:
            if name not in res.protos and name not in res.aliases and name not in res.missing:
                missing[name] = no_table_entry_reason(res, name)
        total = len(res.all_names)
        aliases = ", ".join(f"{k} = {v}" for k, v in sorted(res.aliases.items())) or "none"
        lines.append(
            f"  {res.arch.name}: {total} names, {total - len(missing)} with a prototype"
            f" ({len(res.aliases)} through a renamed table entry: {aliases})"
        )
        by_reason = {}
        for name, reason in sorted(missing.items()):
            by_reason.setdefault(reason, []).append(name)
        for reason, names in sorted(by_reason.items()):
            lines.append(f"    {len(names)} {reason}: {' '.join(names)}")
    return lines


def no_table_entry_reason(res, name):
    if res.arch.name == "arm" and name in ARM_PRIVATE:
        return "ARM private, dispatched by arch/arm/kernel/traps.c arm_syscall() without a prototype"
    return "in the syscalls crate's table, not in Linux 6.12's for this architecture"


ARM_PRIVATE = {"breakpoint", "cacheflush", "usr26", "usr32", "set_tls", "get_tls"}


def mismatch_lines(results):
    seen = {}
    for res in results:
        for d, note in res.mismatches:
            seen.setdefault(f"{d.path} {d.name}: {note}", []).append(res.arch.name)
    widths = [k for k in seen if "bits" in k or "parameters in" in k]
    lines = [
        "Where include/linux/syscalls.h differs from the SYSCALL_DEFINEn() used above:",
        f"{len(widths)} differences in parameter count or width, {len(seen) - len(widths)} in names.",
    ]
    return lines + [f"  {k}" for k in sorted(seen)]


# --- groups.rs -------------------------------------------------------------


def groups(sources, groups, allowed_unknown):
    out = [header("Syscall groups of systemd and firejail (docs/ARCHITECTURE.md section 3).", sources)]
    notes = [
        "",
        "systemd's groups keep their names; every firejail group is also `@firejail-<name>`,",
        "and firejail groups whose name systemd does not use keep it too. References inside",
        "firejail groups point at the firejail versions.",
        "Members no table knows, kept on purpose (they resolve to nothing):",
    ]
    notes += [f"  {n}: {groups_gen.UNKNOWN_MEMBERS_ALLOWED[n]}" for n in allowed_unknown]
    out.append(comment(notes))
    rows = []
    for g in groups:
        fields = [g.name, g.origin, g.description]
        if any("|" in f for f in fields) or any(" " in m or "|" in m for m in g.members):
            raise SystemExit(f"a group the groups table cannot hold: {g.name}")
        rows.append(" | ".join(fields + [" ".join(g.members)]))
    out.append("\n/// One group per line, systemd's first: `@name | origin | description | members`,\n")
    out.append("/// the members (syscall names and `@group` references) separated by spaces, in source order.\n")
    out.append(f"pub(crate) static GROUPS: &str = {text(rows)};\n")
    return "".join(out)


# --- errno.rs --------------------------------------------------------------


def errno(sources, errnos, overrides):
    out = [header("Errno names and numbers from the kernel's uapi headers.", sources)]
    out.append(
        comment(
            [
                "",
                "include/uapi/asm-generic/errno-base.h and errno.h, in header order; an alias",
                "(EWOULDBLOCK, EDEADLOCK) names the number of an earlier primary name.",
            ]
        )
    )
    out.append("\nuse crate::arch::Arch;\n\n")
    out.append("/// (name, number, primary): `primary` is false for aliases.\n")
    out.append(f"pub(crate) static GENERIC: [(&str, u16, bool); {len(errnos)}] = [\n")
    out += [f"({lit(n)}, {v}, {str(alias is None).lower()}),\n" for n, v, alias in errnos]
    out.append("];\n\n")
    rows = []
    for arch_name, items in overrides.items():
        rust = next(a for a in ARCHES if a.name == arch_name).rust
        rows += [f"(Arch::{rust}, {lit(n)}, {v}),\n" for n, v in items]
    out.append("/// Architectures whose uapi <asm/errno.h> gives a name another number.\n")
    out.append(f"pub(crate) static ARCH_OVERRIDES: [(Arch, &str, u16); {len(rows)}] = [\n")
    out += rows
    out.append("];\n")
    return "".join(out)


# --- syscalls.rs -----------------------------------------------------------


def number(nr):
    """Table numbers in decimal, as the kernel's tables write them; ARM's
    private range in hex, as its header does."""
    return f"{nr:#x}" if nr >= 0x1000 else str(nr)


def syscalls(sources, tables, private, foreign):
    """`tables`: {arch name: (by_number, by_name)} from syscalls_gen.merge."""
    out = [header("Syscall names and numbers per architecture.", sources)]
    lines = [
        "",
        "The syscalls crate's tables, corrected and completed from the kernel's own (see",
        "tools/gen-tables/syscalls_gen.py). Kernel entries the crate lacks or names differently,",
        "per architecture, (number, name) and where the kernel defines it:",
    ]
    for arch in ARCHES:
        for nr, name, why in private[arch.name]:
            lines.append(f"  {arch.name} {number(nr)} {name}: {why}")
    lines += ["", "Crate entries the architecture does not have (its table defines them for other ABIs):"]
    for arch in ARCHES:
        for nr, name, why in foreign[arch.name]:
            lines.append(f"  {arch.name} {number(nr)} {name}: {why}")
    out.append(comment(lines))
    out.append("\nuse crate::arch::Arch;\n")
    for arch in ARCHES:
        by_number, by_name = tables[arch.name]
        up = arch.rust.upper()
        out.append(f"\n/// {arch.name}: `number name` lines, sorted by number, one name per number.\n")
        out.append(f"static {up}: &str = {text(f'{number(nr)} {name}' for nr, name in by_number)};\n")
        out.append(f"/// {arch.name}: `name number` lines of every name, aliases too, sorted by name.\n")
        out.append(f"static {up}_BY_NAME: &str = {text(f'{name} {number(nr)}' for name, nr in by_name)};\n")
    arms = "".join(f"Arch::{arch.rust} => ({arch.rust.upper()}, {arch.rust.upper()}_BY_NAME),\n" for arch in ARCHES)
    out.append(
        "\n/// `arch`'s table by number and by name.\n"
        "pub(crate) fn table(arch: Arch) -> (&'static str, &'static str) {\n"
        f"match arch {{\n{arms}}}\n}}\n"
    )
    every = sorted({name for by_number, _ in tables.values() for _, name in by_number})
    out.append("\n/// Every name some architecture shows a number as, one per line, sorted.\n")
    out.append(f"pub(crate) static ALL_NAMES: &str = {text(every)};\n")
    return "".join(out)


# --- constants.rs ----------------------------------------------------------


def constants(sources, values, notes):
    """values: {arch name: {name: value}}; notes: comment lines on how they
    were made. One sorted name list, the value most architectures give each
    name, and per architecture its differences and the names it lacks."""
    names = sorted(set().union(*values.values()))
    common = [usual_value(name, values) for name in names]
    out = [header("Kernel constants (O_*, AF_*, TCGETS, ...) per architecture, by name.", sources)]
    out.append(comment([""] + notes + [""] + constant_counts(names, common, values)))
    out.append("\nuse crate::arch::Arch;\n\n")
    out.append("/// Every name some architecture defines and the value most architectures give it,\n")
    out.append("/// `NAME value` lines sorted by name (bytes), searched in place.\n")
    out.append(f"pub(crate) static USUAL: &str = {text(f'{n} {int_lit(v)}' for n, v in zip(names, common))};\n")
    arms = []
    for arch in ARCHES:
        col = values[arch.name]
        rows = [f"{n} {int_lit(col[n])}" if n in col else f"{n} {ABSENT}" for i, n in enumerate(names)
                if n not in col or col[n] != common[i]]
        up = arch.rust.upper()
        out.append(f"\n/// {arch.name}: `NAME value` where it differs from USUAL, `NAME {ABSENT}` where it\n")
        out.append("/// does not define the name, sorted by name.\n")
        out.append(f"static {up}: &str = {text(rows)};\n")
        arms.append(f"Arch::{arch.rust} => {up},\n")
    out.append(
        "\n/// `arch`'s exceptions to USUAL.\n"
        "pub(crate) fn exceptions(arch: Arch) -> &'static str {\n"
        f"match arch {{\n{''.join(arms)}}}\n}}\n"
    )
    return "".join(out)


# How a constants table writes a name the architecture does not define.
ABSENT = "absent"


def usual_value(name, values):
    """The value most architectures defining `name` give it (the first in
    ARCHES order among equally common ones)."""
    seen = [values[a.name][name] for a in ARCHES if name in values[a.name]]
    return max(seen, key=seen.count)


def int_lit(v):
    """Small numbers in decimal, flags and ioctl numbers in hex."""
    if -4096 <= v <= 4096:
        return str(v)
    return f"-{-v:#x}" if v < 0 else f"{v:#x}"


def constant_counts(names, common, values):
    lines = [f"{len(names)} names; per architecture, how many it defines and how many differ from USUAL:"]
    for arch in ARCHES:
        col = values[arch.name]
        differ = sum(1 for i, n in enumerate(names) if n in col and col[n] != common[i])
        lines.append(f"  {arch.name}: {len(col)} defined, {differ} different")
    return lines
