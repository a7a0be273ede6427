"""Reading the kernel source: syscall tables, SYSCALL_DEFINEn() definitions
(with the preprocessor conditions around them), plain `asmlinkage` entry
points, the prototypes of include/linux/syscalls.h, Kconfig `select`s, and
the assembly trampolines some syscall tables point at."""

import os
import re
from dataclasses import dataclass

import cppcond

# Directories that are never part of a kernel for our architectures'
# native syscall entry: user-mode Linux's x86 sub-architecture, the
# no-MMU variants of mm/, and the stubs used without CONFIG_POSIX_TIMERS
# (each is an alternative build of a definition that exists elsewhere).
EXCLUDED_PATHS = (
    "tools/",
    "Documentation/",
    "arch/x86/um/",
    "arch/um/",
    "mm/nommu.c",
    "kernel/time/posix-stubs.c",
)


@dataclass(frozen=True)
class Param:
    ctype: str
    name: str | None


@dataclass
class Definition:
    """One C definition of a syscall entry point `sys_<name>`."""

    name: str
    params: tuple  # of Param
    path: str
    line: int
    macro: str  # "SYSCALL_DEFINE4", "asmlinkage"
    cond: object = None  # cppcond expression guarding it
    split_variant: bool = False  # uses SC_ARG64 / SYSCALL32_DEFINE

    def origin(self):
        if self.macro == "asmlinkage":
            return f"{self.path}: asmlinkage sys_{self.name}(...)"
        return f"{self.path}: {self.macro}({self.name}, ...)"


@dataclass
class TableEntry:
    number: int
    abi: str
    name: str
    entry: str | None  # native entry point, e.g. "sys_openat"


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def kernel_version(src):
    """`VERSION.PATCHLEVEL.SUBLEVEL` from the top-level Makefile."""
    text = read(os.path.join(src, "Makefile"))
    parts = [
        re.search(rf"^{key}\s*=\s*(\S+)", text, re.M).group(1)
        for key in ("VERSION", "PATCHLEVEL", "SUBLEVEL")
    ]
    return ".".join(parts)


def parse_table(path):
    """Rows of a syscall.tbl file: number, abi, name, native entry."""
    rows = []
    for line in read(path).splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 3:
            continue
        entry = fields[3] if len(fields) > 3 and fields[3] != "-" else None
        rows.append(TableEntry(int(fields[0]), fields[1], fields[2], entry))
    return rows


def all_table_paths(src):
    """Every syscall table of every architecture, for the name universe."""
    found = []
    for root, dirs, files in os.walk(os.path.join(src, "arch")):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(".tbl") and "syscall" in f:
                found.append(os.path.join(root, f))
    found.append(os.path.join(src, "scripts/syscall.tbl"))
    return found


# --- C text helpers --------------------------------------------------------


def strip_comments(text):
    """Removes C comments, keeping line breaks so line numbers stay right."""

    def blank(m):
        return "\n" * m.group(0).count("\n")

    return re.sub(r"/\*.*?\*/|//[^\n]*", blank, text, flags=re.S)


def split_top_level(text, sep=","):
    """Splits at `sep` outside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts]


def balanced_args(text, open_index):
    """The text between the parenthesis at `open_index` and its match."""
    depth = 0
    for i in range(open_index, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_index + 1 : i]
    raise ValueError("unbalanced parentheses")


def norm_type(ctype):
    """A C type with single spaces around each `*`: `char __user *`."""
    return " ".join(ctype.replace("*", " * ").split())


# Words that end a declarator that has no parameter name.
TYPE_WORDS = {
    "int",
    "long",
    "short",
    "char",
    "unsigned",
    "signed",
    "void",
    "__user",
    "const",
}


def parse_declarator(decl):
    """`const char __user *filename` -> Param("const char __user *", "filename");
    a declarator without a name (as some syscalls.h prototypes are) gets None."""
    decl = " ".join(decl.replace("*", " * ").split())
    words = decl.split(" ")
    last = words[-1]
    if len(words) == 1 or last == "*" or last in TYPE_WORDS:
        return Param(norm_type(decl), None)
    return Param(norm_type(" ".join(words[:-1])), last)


# --- SYSCALL_DEFINEn -------------------------------------------------------

DEFINE_RE = re.compile(r"^[ \t]*(SYSCALL(?:32)?_DEFINE([0-6]))\(", re.M)
ASMLINKAGE_DEF_RE = re.compile(r"^asmlinkage\s+(?:long|int)\s+sys_(\w+)\s*\(", re.M)


def expand_sc_arg64(args, big_endian=False):
    """SC_ARG64(name) in a SYSCALL32_DEFINE: two u32 halves."""
    out = []
    for a in args:
        m = re.fullmatch(r"SC_ARG64\((\w+)\)", a)
        if not m:
            out.append(a)
            continue
        lo, hi = m.group(1) + "_lo", m.group(1) + "_hi"
        out += ["u32", hi, "u32", lo] if big_endian else ["u32", lo, "u32", hi]
    return out


def parse_define(text, m):
    """Name and parameters of the SYSCALL_DEFINEn( at match `m`."""
    args = split_top_level(balanced_args(text, m.end() - 1))
    name, rest = args[0], args[1:]
    split_variant = any(a.startswith("SC_ARG64") for a in rest)
    rest = expand_sc_arg64(rest)
    if len(rest) % 2:
        raise ValueError(f"odd SYSCALL_DEFINE argument list for {name}")
    params = tuple(Param(norm_type(rest[i]), rest[i + 1]) for i in range(0, len(rest), 2))
    if len(params) != int(m.group(2)):
        raise ValueError(f"{m.group(1)}({name}) has {len(params)} parameters")
    return name, params, split_variant


def parse_asmlinkage_def(text, m):
    """A plain C definition `asmlinkage long sys_x(int a, ...) {`; None for
    a declaration (ends in `;`)."""
    body = balanced_args(text, m.end() - 1)
    after = text[m.end() - 1 + len(body) + 2 :].lstrip()
    if not after.startswith("{"):
        return None
    decls = [] if body.strip() in ("", "void") else split_top_level(body)
    return m.group(1), tuple(parse_declarator(d) for d in decls)


def line_of(text, index):
    return text.count("\n", 0, index) + 1


def source_files(src):
    for root, dirs, files in os.walk(src):
        dirs.sort()
        rel_root = os.path.relpath(root, src)
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.normpath(os.path.join(rel_root, f))
            if not rel.startswith(EXCLUDED_PATHS):
                yield rel


def definitions_in(rel, text):
    """Every syscall definition in one file, with its #if conditions."""
    text = strip_comments(text)
    if "SYSCALL" not in text and "asmlinkage" not in text:
        return []
    conds = cppcond.conditions_by_line(text)
    defs = []
    for m in DEFINE_RE.finditer(text):
        line = line_of(text, m.start())
        if text[: m.start()].rstrip().endswith("define"):
            continue  # a macro definition, not a use
        name, params, split = parse_define(text, m)
        defs.append(Definition(name, params, rel, line, m.group(1), conds[line], split))
    if rel.startswith("arch/"):
        for m in ASMLINKAGE_DEF_RE.finditer(text):
            parsed = parse_asmlinkage_def(text, m)
            if parsed:
                line = line_of(text, m.start())
                defs.append(Definition(parsed[0], parsed[1], rel, line, "asmlinkage", conds[line]))
    return defs


def all_definitions(src):
    """name -> [Definition], over the whole source tree, in path order."""
    by_name = {}
    for rel in source_files(src):
        for d in definitions_in(rel, read(os.path.join(src, rel))):
            by_name.setdefault(d.name, []).append(d)
    return by_name


# --- include/linux/syscalls.h ----------------------------------------------

PROTO_RE = re.compile(r"asmlinkage\s+long\s+sys_(\w+)\s*\(")


def header_prototypes(path):
    """name -> [(tuple of Param, #if condition)] from the
    `asmlinkage long sys_x(...);` lines (some are declared once per
    configuration, e.g. sys_clone)."""
    text = strip_comments(read(path))
    conds = cppcond.conditions_by_line(text)
    protos = {}
    for m in PROTO_RE.finditer(text):
        body = balanced_args(text, m.end() - 1)
        decls = [] if body.strip() in ("", "void") else split_top_level(body)
        params = tuple(parse_declarator(d) for d in decls)
        protos.setdefault(m.group(1), []).append((params, conds[line_of(text, m.start())]))
    return protos


# --- Kconfig ---------------------------------------------------------------


@dataclass
class Select:
    symbol: str
    block: str  # the `config` entry the select is in
    cond: str | None  # `if COND`
    path: str
    line: int
    text: str


def kconfig_selects(src, rel):
    """Every `select SYM [if COND]` of one Kconfig file with its block."""
    out, block = [], None
    for i, line in enumerate(read(os.path.join(src, rel)).splitlines(), 1):
        m = re.match(r"^(?:menu)?config\s+(\w+)", line)
        if m:
            block = m.group(1)
        m = re.match(r"^\s+select\s+(\w+)(?:\s+if\s+(.+?))?\s*$", line)
        if m and block:
            out.append(Select(m.group(1), block, m.group(2), rel, i, line.strip()))
    return out


# --- Assembly trampolines --------------------------------------------------


def asm_trampolines(src, rel):
    """`sys_x:` labels whose body ends in a branch `b sys_y`: x -> (y, line)."""
    text = read(os.path.join(src, rel))
    out = {}
    for m in re.finditer(r"^(sys_\w+):\s*$(.*?)^ENDPROC\(\1\)", text, re.M | re.S):
        branches = re.findall(r"^\s+b\s+(sys_\w+)\s*$", m.group(2), re.M)
        if len(branches) == 1:
            out[m.group(1)] = (branches[0], line_of(text, m.start()))
    return out
