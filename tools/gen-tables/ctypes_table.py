"""How many bits of its register the kernel keeps for each C parameter type.

The SYSCALL_DEFINEn() wrapper casts every argument register to the declared
type (__SC_CAST in include/linux/syscalls.h), so the declared type's size is
the width the kernel uses. Sizes come from the typedef chains below; every
typedef the generator relies on is checked against the header that defines
it (`check_citations`), so a kernel that changes one breaks the generator
instead of silently changing the table."""

import os
import re

# Base kinds and their size in bits; "word" is the register width
# (long, unsigned long, pointers: 64 on 64-bit arches, 32 on x86/arm).
KIND_BITS = {"char": 8, "short": 16, "int": 32, "word": None, "llong": 64}

BUILTIN = {
    "char": "char",
    "signed char": "char",
    "unsigned char": "char",
    "short": "short",
    "unsigned short": "short",
    "int": "int",
    "signed": "int",
    "signed int": "int",
    "unsigned": "int",
    "unsigned int": "int",
    "long": "word",
    "unsigned long": "word",
    "long long": "llong",
    "unsigned long long": "llong",
    # include/uapi/asm-generic/int-ll64.h and include/asm-generic/int-ll64.h
    "__u8": "char",
    "u8": "char",
    "__s32": "int",
    "__u32": "int",
    "s32": "int",
    "u32": "int",
    "int32_t": "int",
    "uint32_t": "int",
    "__s64": "llong",
    "__u64": "llong",
    "s64": "llong",
    "u64": "llong",
}

# typedef -> (what it is, file that says so, regex that must match there).
TYPEDEFS = {
    "uint": ("unsigned int", "include/linux/types.h", r"typedef unsigned int\s+uint;"),
    "uintptr_t": (
        "unsigned long",
        "include/linux/types.h",
        r"typedef unsigned long\s+uintptr_t;",
    ),
    "umode_t": (
        "unsigned short",
        "include/linux/types.h",
        r"typedef unsigned short\s+umode_t;",
    ),
    "pid_t": ("int", "include/uapi/asm-generic/posix_types.h", r"typedef int\s+__kernel_pid_t;"),
    "uid_t": (
        "unsigned int",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef unsigned int\s+__kernel_uid32_t;",
    ),
    "gid_t": (
        "unsigned int",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef unsigned int\s+__kernel_gid32_t;",
    ),
    "qid_t": ("uid_t", "include/linux/quota.h", r"typedef __kernel_uid32_t qid_t;"),
    "off_t": (
        "long",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef __kernel_long_t\s+__kernel_off_t;",
    ),
    "loff_t": (
        "long long",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef long long\s+__kernel_loff_t;",
    ),
    # unsigned int on 32-bit, unsigned long on 64-bit: the register width.
    "size_t": (
        "unsigned long",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef __kernel_ulong_t __kernel_size_t;",
    ),
    "timer_t": ("int", "include/uapi/asm-generic/posix_types.h", r"typedef int\s+__kernel_timer_t;"),
    "clockid_t": (
        "int",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef int\s+__kernel_clockid_t;",
    ),
    "mqd_t": ("int", "include/uapi/linux/posix_types.h", r"typedef int __kernel_mqd_t;"),
    "key_t": ("int", "include/uapi/linux/posix_types.h", r"typedef int __kernel_key_t;"),
    "key_serial_t": ("int32_t", "include/linux/key.h", r"typedef int32_t key_serial_t;"),
    "rwf_t": ("int", "include/uapi/linux/fs.h", r"typedef int __bitwise __kernel_rwf_t;"),
    "aio_context_t": (
        "unsigned long",
        "include/uapi/linux/aio_abi.h",
        r"typedef __kernel_ulong_t aio_context_t;",
    ),
    "old_sigset_t": (
        "unsigned long",
        "include/uapi/asm-generic/signal.h",
        r"typedef unsigned long old_sigset_t;",
    ),
    "__sighandler_t": (
        "void *",
        "include/uapi/asm-generic/signal-defs.h",
        r"typedef __signalfn_t __user \*__sighandler_t;",
    ),
    "cap_user_header_t": (
        "void *",
        "include/uapi/linux/capability.h",
        r"__user \*cap_user_header_t;",
    ),
    "cap_user_data_t": (
        "void *",
        "include/uapi/linux/capability.h",
        r"__user \*cap_user_data_t;",
    ),
    # __kernel_old_uid_t is __kernel_uid_t (unsigned int) unless the
    # architecture overrides it; see OLD_UID_OVERRIDES.
    "old_uid_t": (
        "unsigned int",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef __kernel_uid_t\s+__kernel_old_uid_t;",
    ),
    "old_gid_t": (
        "unsigned int",
        "include/uapi/asm-generic/posix_types.h",
        r"typedef __kernel_gid_t\s+__kernel_old_gid_t;",
    ),
}

# Architectures whose 16-bit uid syscalls (kernel/uid16.c) take 16-bit ids.
OLD_UID_OVERRIDES = {
    "x86": (
        "arch/x86/include/uapi/asm/posix_types_32.h",
        r"typedef unsigned short\s+__kernel_uid_t;",
    ),
    "arm": (
        "arch/arm/include/uapi/asm/posix_types.h",
        r"typedef unsigned short\s+__kernel_uid_t;",
    ),
    "aarch64": (
        "arch/arm64/include/uapi/asm/posix_types.h",
        r"typedef unsigned short __kernel_old_uid_t;",
    ),
    "s390x": (
        "arch/s390/include/uapi/asm/posix_types.h",
        r"typedef unsigned short __kernel_old_uid_t;",
    ),
}


def check_citations(src):
    """Fails unless every cited typedef is still where the table says."""
    cited = [(f, rx) for _, f, rx in TYPEDEFS.values()] + list(OLD_UID_OVERRIDES.values())
    for rel, rx in cited:
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            if not re.search(rx, f.read()):
                raise SystemExit(f"type table out of date: /{rx}/ not in {rel}")


def bare(ctype):
    """The type without qualifiers: `const char __user *` -> `char *`."""
    words = [w for w in ctype.split() if w not in ("const", "volatile", "__user", "__force")]
    t = " ".join(words)
    return re.sub(r"^enum \w+$", "int", t)


def kind(ctype, arch):
    """ "char", "short", "int", "word" or "llong" for `ctype` on `arch`."""
    t = bare(ctype)
    if "*" in t:
        return "word"
    if t in ("old_uid_t", "old_gid_t") and arch in OLD_UID_OVERRIDES:
        return "short"
    for _ in range(4):
        if t in BUILTIN:
            return BUILTIN[t]
        if t not in TYPEDEFS:
            break
        t = bare(TYPEDEFS[t][0])
        if "*" in t:
            return "word"
    raise SystemExit(f"no size known for C type {ctype!r}: extend tools/gen-tables/ctypes_table.py")


def bits(ctype, arch, word_bits):
    k = kind(ctype, arch)
    return word_bits if k == "word" else KIND_BITS[k]
