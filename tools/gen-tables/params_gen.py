"""Per architecture: which C definition each syscall table entry runs, its
parameter names and types, and the `seccomp_data.args` slot of each."""

import os
import re
from dataclasses import dataclass, field

import cppcond
import ctypes_table
import kernel

# Assembly trampolines in syscall tables that jump to a C entry point.
TRAMPOLINE_FILES = {"arm": "arch/arm/kernel/entry-common.S"}


@dataclass
class Proto:
    """The prototype a table entry resolves to on one architecture."""

    definition: kernel.Definition
    via: str | None  # the table's entry point when it is a wrapper
    params: tuple  # of (name, ctype, slot) where slot = (index, bits) or None

    def origin(self):
        o = self.definition.origin()
        return f"{o} via {self.via}" if self.via else o


@dataclass
class ArchResult:
    arch: object
    protos: dict  # table name -> Proto
    aliases: dict  # syscalls-crate name -> kernel table name (same number)
    missing: dict  # name -> reason
    mismatches: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # (name, chosen origin, why)


class Resolver:
    def __init__(self, src, defs, header, kconfig):
        self.src = src
        self.defs = defs
        self.header = header
        self.kconfig = kconfig  # arch name -> {symbol: bool}
        self.trampolines = {kdir: kernel.asm_trampolines(src, rel) for kdir, rel in TRAMPOLINE_FILES.items()}

    def known_symbols(self, arch):
        known = {s: True for s in arch.symbols}
        known.update({s: False for s in arch.undefined})
        known.update({f"CONFIG_{s}": v for s, v in self.kconfig[arch.name].items()})
        return known

    def candidates(self, arch, name):
        """Definitions of sys_<name> that can be this arch's: its own
        arch/ directory first, else generic code."""
        own, generic = [], []
        for d in self.defs.get(name, []):
            if d.split_variant:
                continue  # SC_ARG64 halves: we name the unsplit value instead
            if d.macro.startswith("SYSCALL32") and arch.word_bits == 64:
                continue  # the compat entry on 64-bit kernels
            if d.path.startswith(f"arch/{arch.kdir}/"):
                own.append(d)
            elif not d.path.startswith("arch/"):
                generic.append(d)
        return own or generic

    def pick(self, arch, name, result):
        cands = self.candidates(arch, name)
        known = self.known_symbols(arch)
        live = [d for d in cands if cppcond.evaluate(d.cond, known) is not False]
        why = "#if " + cppcond.render(live[0].cond) if live else ""
        if len(live) > 1 and any(not bitness_ok(d.path, arch.word_bits) for d in live):
            live = [d for d in live if bitness_ok(d.path, arch.word_bits)]
            why = f"the {arch.word_bits}-bit file"
        if len({sig(d) for d in live}) > 1:
            raise SystemExit(
                f"{arch.name}: sys_{name} has several definitions: "
                + "; ".join(f"{d.path}:{d.line} if {cppcond.render(d.cond)}" for d in live)
            )
        if live and len({sig(d) for d in cands}) > 1:
            result.choices.append((name, live[0], why))
        return live[0] if live else None

    def entry_point(self, arch, entry):
        """Follows assembly trampolines and the i386 lo/hi wrappers to the C
        definition whose prototype names the parameters: (name, via)."""
        via = None
        tramp = self.trampolines.get(arch.kdir, {})
        if entry in tramp:
            via, entry = entry, tramp[entry][0]
        name = entry.removeprefix("sys_")
        # arch/x86/kernel/sys_ia32.c: i386 takes 64-bit values as two
        # registers through ia32_* wrappers; name them as the generic call.
        if arch.kdir == "x86" and name.startswith("ia32_") and name[5:] in self.defs:
            via, name = entry, name[5:]
        return name, via

    def resolve(self, arch, rows):
        result = ArchResult(arch, {}, {}, {})
        for row in rows:
            self.resolve_row(arch, row, result)
        return result

    def resolve_row(self, arch, row, result):
        if row.entry is None or row.entry == "sys_ni_syscall":
            result.missing[row.name] = "no entry point (empty or sys_ni_syscall: -ENOSYS)"
            return
        name, via = self.entry_point(arch, row.entry)
        d = self.pick(arch, name, result)
        if d is None:
            result.missing[row.name] = f"no C definition of {row.entry} for {arch.name}"
            return
        params = user_params(d)
        result.protos[row.name] = Proto(d, via, slots(params, arch, d.name))
        hdr = header_for(self.header.get(name), self.known_symbols(arch))
        check_header(hdr, d, arch, result)


def sig(d):
    return tuple((ctypes_table.bare(p.ctype), p.name) for p in d.params)


def bitness_ok(path, word_bits):
    """arch/*/..._32.c files build only into 32-bit kernels, _64.c into
    64-bit ones (e.g. arch/x86/kernel/process_{32,64}.c)."""
    base = os.path.basename(path)
    if re.search(r"_32\.c$", base):
        return word_bits == 32
    if re.search(r"_64\.c$", base):
        return word_bits == 64
    return True


def user_params(d):
    """An asm entry's `struct pt_regs *` is the saved registers, not an
    argument the caller passed."""
    if d.macro == "asmlinkage" and [p.ctype for p in d.params] == ["struct pt_regs *"]:
        return ()
    return d.params


# Parameters declared wider than the kernel uses them: the entry point
# narrows them later, so a condition comparing the declared width could be
# dodged by setting high bits (a `drop mmap(fd == 3)` with fd 0x1_00000003).
# Keyed by (definition name, parameter name): (bits, where the kernel does it).
NARROWED_AFTER_ENTRY = {
    ("mmap", "fd"): (32, "mm/mmap.c ksys_mmap_pgoff(): file = fget(fd), fget() takes unsigned int"),
    ("mmap_pgoff", "fd"): (32, "mm/mmap.c ksys_mmap_pgoff(): file = fget(fd), fget() takes unsigned int"),
    ("clone", "clone_flags"): (32, "kernel/fork.c SYSCALL_DEFINE5(clone): .flags = lower_32_bits(clone_flags) & ~CSIGNAL"),
    # Architecture-specific entry points have names of their own, so an
    # entry here applies to the architectures whose syscall table runs that
    # definition. Audited (Linux 6.12.118): every SYSCALL_DEFINE under
    # arch/{x86,arm64,riscv,s390,powerpc,loongarch}/ that a 64-bit native
    # ABI runs; the 32-bit ABIs (x86, arm) have 32-bit registers, so no
    # int parameter there can be narrowed further by a cast to int.
    # drivers/pci/syscall.c (powerpc64le's pciconfig_read and _write; arm's
    # registers are 32 bits anyway): pci_get_domain_bus_and_slot(0, bus, dfn)
    # takes unsigned int bus and devfn (include/linux/pci.h), and off goes to
    # pci_user_{read,write}_config_*(dev, int pos, ...) (drivers/pci/access.c).
    ("pciconfig_read", "bus"): (32, "drivers/pci/syscall.c: pci_get_domain_bus_and_slot() takes unsigned int bus"),
    ("pciconfig_read", "dfn"): (32, "drivers/pci/syscall.c: pci_get_domain_bus_and_slot() takes unsigned int devfn"),
    ("pciconfig_read", "off"): (32, "drivers/pci/access.c: pci_user_read_config_*() take int pos"),
    ("pciconfig_write", "bus"): (32, "drivers/pci/syscall.c: pci_get_domain_bus_and_slot() takes unsigned int bus"),
    ("pciconfig_write", "dfn"): (32, "drivers/pci/syscall.c: pci_get_domain_bus_and_slot() takes unsigned int devfn"),
    ("pciconfig_write", "off"): (32, "drivers/pci/access.c: pci_user_write_config_*() take int pos"),
    ("ppc64_personality", "personality"): (32, "arch/powerpc/kernel/syscalls.c do_ppc64_personality(): ksys_personality(personality), ksys_personality() takes unsigned int (include/linux/syscalls.h)"),
}
# fs/read_write.c do_readv() / do_writev() / do_preadv() / do_pwritev():
# fdget_pos(fd) takes an unsigned int (include/linux/file.h), and vlen
# reaches import_iovec(..., unsigned nr_segs, ...) (lib/iov_iter.c).
for _vectored in ("readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2"):
    NARROWED_AFTER_ENTRY[(_vectored, "fd")] = (32, "fs/read_write.c: fdget_pos(fd) takes unsigned int")
    NARROWED_AFTER_ENTRY[(_vectored, "vlen")] = (32, "lib/iov_iter.c import_iovec(): unsigned nr_segs")


def slots(params, arch, definition):
    """(name, ctype, slot): slot is (index, bits), or None once a 64-bit
    value has been split over two registers by a 32-bit ABI (it and all
    that follow it: on arm EABI the pair is even-aligned, so later
    registers shift)."""
    out, split = [], False
    for i, p in enumerate(params):
        bits = ctypes_table.bits(p.ctype, arch.name, arch.word_bits)
        narrowed = NARROWED_AFTER_ENTRY.get((definition, p.name))
        if narrowed:
            bits = min(bits, narrowed[0])
        if arch.word_bits == 32 and bits == 64:
            split = True
        out.append((p.name, p.ctype, None if split else (i, bits)))
    return tuple(out)


def header_for(decls, known):
    """The syscalls.h declaration that applies under `known` symbols."""
    live = [p for p, cond in decls or [] if cppcond.evaluate(cond, known) is not False]
    return live[0] if live else None


def check_header(hdr, d, arch, result):
    """Records where include/linux/syscalls.h disagrees with the definition
    in a way that matters: parameter count, width, or parameter name."""
    if hdr is None or d.macro == "asmlinkage":
        return
    if len(hdr) != len(d.params):
        result.mismatches.append((d, f"{len(hdr)} parameters in syscalls.h"))
        return
    for p, h in zip(d.params, hdr, strict=True):
        wa = ctypes_table.bits(p.ctype, arch.name, arch.word_bits)
        wb = ctypes_table.bits(h.ctype, arch.name, arch.word_bits)
        if wa != wb:
            result.mismatches.append(
                (d, f"{p.name}: {p.ctype} ({wa} bits) but syscalls.h has {h.ctype} ({wb} bits)")
            )
        elif h.name is not None and h.name != p.name:
            result.mismatches.append((d, f"{p.name} is called {h.name} in syscalls.h"))


def crate_aliases(arch, crate_numbers, rows, result):
    """Names the syscalls crate uses for a number the kernel table names
    differently (aarch64 `fstatat` for the kernel's `newfstatat`)."""
    by_number = {r.number: r.name for r in rows}
    for name, nr in crate_numbers.items():
        kname = by_number.get(nr)
        if kname and kname != name and name not in result.protos and kname in result.protos:
            result.aliases[name] = kname
