"""Reading one section of an ELF object file (standard library only): the
constants generator compiles its values into named sections and reads them
back, in the byte order and word size of the architecture compiled for."""

import struct


def read_sections(path, names):
    """{name: bytes} for the sections called `names` in the ELF file at
    `path`, and the byte order ("<" or ">") the file uses."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise SystemExit(f"{path} is not an ELF file")
    is64 = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(order + "HHH", data, 0x2E)
    headers = [section_header(data, order, is64, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = headers[shstrndx][2]
    found = {}
    for name_off, _, offset, size in headers:
        end = data.index(b"\0", strtab_off + name_off)
        name = data[strtab_off + name_off : end].decode()
        if name in names:
            found[name] = data[offset : offset + size]
    missing = set(names) - set(found)
    if missing:
        raise SystemExit(f"{path}: no section {', '.join(sorted(missing))}")
    return found, order


def section_header(data, order, is64, at):
    """(name offset, type, file offset, size) of the section header at `at`."""
    if is64:
        name, kind, _, _, offset, size = struct.unpack_from(order + "IIQQQQ", data, at)
    else:
        name, kind, _, _, offset, size = struct.unpack_from(order + "IIIIII", data, at)
    return name, kind, offset, size
