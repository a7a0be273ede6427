"""Kernel constants (O_DIRECTORY, AF_UNIX, TCGETS, KVM_RUN, ...) per
architecture, as that architecture's C compiler evaluates them.

For each architecture: `make headers ARCH=<kdir>` exports the kernel's uapi
headers (what `make headers_install` installs), the constants user space
passes to syscalls that the kernel keeps out of uapi (AF_*, SOCK_*, MSG_*
from include/linux/socket.h and net.h) are copied into one more header, and
clang compiles, for that architecture's target, a file that includes them
all. The preprocessor alone cannot give the values: `TCGETS` is
`_IOR('t', 19, struct termios)` on powerpc, whose value holds
`sizeof(struct termios)`, which only the compiler for that target knows.

Which names: every object-like macro with an upper-case name that one of
the headers below defines (`clang -E -dD` says which file defines what)
and that is an integer constant expression there (a `_Static_assert`
checks; strings, pointers such as `SIG_DFL` and function-like macros are
left out), as minijail's gen_constants.sh does with libc's headers.
"""

import os
import re
import subprocess
import struct
import tempfile

import elf_section
from arches import ARCHES

# The uapi headers read, for every architecture that exports them (an
# architecture without KVM exports no linux/kvm.h; x86's asm/prctl.h is
# x86's own). Grouped by what a policy compares with them.
UAPI_HEADERS = (
    # files, descriptors, paths: O_*, F_*, AT_*, S_I*, RESOLVE_*, FS_IOC_*, BLK*
    "linux/fcntl.h",
    "linux/stat.h",
    "linux/openat2.h",
    "linux/fs.h",
    "linux/fiemap.h",
    "linux/falloc.h",
    "linux/xattr.h",
    "linux/close_range.h",
    "linux/mount.h",
    "linux/fsverity.h",
    "linux/fscrypt.h",
    "linux/loop.h",
    "linux/fd.h",
    "linux/inotify.h",
    "linux/fanotify.h",
    # memory: PROT_*, MAP_*, MADV_*, MREMAP_*, MFD_*, MPOL_*, UFFDIO_*
    "linux/mman.h",
    "linux/memfd.h",
    "linux/mempolicy.h",
    "linux/userfaultfd.h",
    "linux/membarrier.h",
    # processes and signals: CLONE_*, SIG*, PR_*, SECCOMP_*, P_*, W*, RLIMIT_*
    "linux/sched.h",
    "linux/signal.h",
    "linux/prctl.h",
    "linux/securebits.h",
    "linux/capability.h",
    "linux/seccomp.h",
    "linux/audit.h",
    "linux/ptrace.h",
    "linux/wait.h",
    "linux/pidfd.h",
    "linux/resource.h",
    "linux/ioprio.h",
    "linux/futex.h",
    "linux/reboot.h",
    "linux/keyctl.h",
    "linux/landlock.h",
    "linux/nsfs.h",
    "asm/prctl.h",
    # time and events: CLOCK_*, TIMER_*, TFD_*, EFD_*, SFD_*, EPOLL*, GRND_*
    "linux/time.h",
    "linux/timerfd.h",
    "linux/eventfd.h",
    "linux/signalfd.h",
    "linux/eventpoll.h",
    "linux/random.h",
    "linux/perf_event.h",
    "linux/io_uring.h",
    # sockets: SO_*, SOL_SOCKET, IPPROTO_*, IP_*, IPV6_*, TCP_*, SIOC*, ETH_P_*
    "linux/socket.h",
    "linux/net.h",
    "linux/sockios.h",
    "linux/in.h",
    "linux/in6.h",
    "linux/tcp.h",
    "linux/udp.h",
    "linux/un.h",
    "linux/netlink.h",
    "linux/if_ether.h",
    "linux/if_packet.h",
    "linux/filter.h",
    # SysV IPC: IPC_*, SHM_*, SEM*, MSG_STAT ...
    "linux/ipc.h",
    "linux/shm.h",
    "linux/sem.h",
    "linux/msg.h",
    # terminals: TC*, TIOC*, FIO*, termios flags
    "linux/termios.h",
    "linux/serial.h",
    "linux/vt.h",
    "linux/kd.h",
    # device ioctls in crosvm's and ChromiumOS's policies
    "linux/kvm.h",
    "linux/vhost.h",
    "linux/vfio.h",
    "linux/usbdevice_fs.h",
    "linux/if_tun.h",
    "linux/dma-buf.h",
    "linux/sync_file.h",
    "linux/udmabuf.h",
    "drm/drm.h",
    "linux/hidraw.h",
    "linux/media.h",
    "linux/blkzoned.h",
    # errno names: the same numbers as `errno(NAME)`
    "linux/errno.h",
)

# Not read: linux/vm_sockets.h (needs libc's <sys/socket.h>), and
# linux/input.h and linux/videodev2.h (need libc's <sys/time.h>; the size of
# VIDIOC_QBUF's struct then depends on libc's time_t). linux/shm.h includes
# <unistd.h> for nothing its constants use: an empty one stands in for it.
LIBC_STUBS = {"unistd.h": "/* empty: linux/shm.h includes <unistd.h>, its constants need nothing from it */\n"}

# Headers whose other names are not syscall arguments (register offsets
# and processor flags in asm/ptrace.h, exception vectors and register ids
# in asm/kvm.h, auxv hardware bits): only names matching the pattern are
# kept from them.
NAME_FILTERS = {
    "asm/ptrace.h": r"PTRACE_\w+",
    "asm/ptrace-abi.h": r"PTRACE_\w+",
    "asm/processor-flags.h": r"(?!)",
    "asm/hwcap.h": r"(?!)",
    "asm/kvm.h": r"KVM_\w+",
}

# Constants of user space's syscall ABI that the kernel defines outside
# uapi (libc copies them). (file, names kept, enums whose members are kept)
KERNEL_INTERNAL = (
    ("include/linux/socket.h", r"(AF|PF|SOL|MSG|SCM)_\w+|SOMAXCONN", ()),
    ("include/linux/net.h", r"SOCK_(TYPE_MASK|CLOEXEC|NONBLOCK)", ("sock_type", "sock_shutdown_cmd")),
)
# Conditionals the KERNEL_INTERNAL definitions may sit in, and why they
# hold on all eight architectures (checked where possible).
INTERNAL_CONDITIONS = {
    "#ifndef _LINUX_SOCKET_H": "include guard",
    "#ifndef _LINUX_NET_H": "include guard",
    "#ifndef ARCH_HAS_SOCKET_TYPES": "defined only by arch/mips/include/asm/socket.h",
    "#ifndef SOCK_NONBLOCK": "no uapi header of the eight defines SOCK_NONBLOCK",
}

# Names left out on purpose, with the reason.
EXCLUDED = {
    "SIGRTMIN": "the kernel's 32 is not libc's: glibc reserves the first realtime signals (SIGRTMIN() is 34)",
    "SIGRTMAX": "left out with SIGRTMIN (libc computes both at run time)",
    "MSG_CMSG_COMPAT": "kernel-internal (CONFIG_COMPAT), refused from user space",
    "MSG_SENDPAGE_NOPOLICY": "kernel-internal sendpage flag",
    "MSG_NO_SHARED_FRAGS": "kernel-internal sendpage flag",
    "MSG_SENDPAGE_DECRYPTED": "kernel-internal sendpage flag",
    "MSG_SPLICE_PAGES": "kernel-internal sendmsg flag",
    "MSG_INTERNAL_SENDMSG_FLAGS": "kernel-internal mask",
    "NPROTO": "uapi linux/net.h defines it as AF_MAX, which uapi lacks: unusable from user space",
}

NAME_RE = re.compile(r"[A-Z][A-Z0-9_]*")
DEFINE_RE = re.compile(r"#define ([A-Za-z_]\w*)(\(| |$)(.*)")
LINEMARKER_RE = re.compile(r'# \d+ "([^"]+)"')


def export_headers(src, kdir, work):
    """`make headers ARCH=kdir` into a build directory under `work`: the
    uapi headers as headers_install installs them, in <build>/usr/include."""
    build = os.path.join(work, f"build-{kdir}")
    include = os.path.join(build, "usr/include")
    if not os.path.exists(os.path.join(include, "linux/fcntl.h")):
        subprocess.run(["make", "-s", f"O={build}", f"ARCH={kdir}", "headers"], cwd=src, check=True)
    return include


# --- definitions the kernel keeps out of uapi ---------------------------------


def internal_header(src):
    """The text of a header with the KERNEL_INTERNAL definitions."""
    check_socket_types(src)
    out = ["/* From the kernel's own headers (not exported to uapi). */"]
    for rel, names, enums in KERNEL_INTERNAL:
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            text = f.read()
        out.append(f"/* {rel} */")
        out += [f"#ifndef {n}\n#define {n} {body}\n#endif" for n, body in internal_defines(rel, text, names)]
        for enum in enums:
            out += [f"#define {n} {v}" for n, v in enum_members(rel, text, enum)]
    return "\n".join(out) + "\n"


def check_socket_types(src):
    users = subprocess.run(
        ["grep", "-rl", "define ARCH_HAS_SOCKET_TYPES", "arch"], cwd=src, capture_output=True, text=True
    ).stdout.split()
    if users != ["arch/mips/include/asm/socket.h"]:
        raise SystemExit(f"ARCH_HAS_SOCKET_TYPES is now defined by {users}: check include/linux/net.h")


def internal_defines(rel, text, names):
    """(name, body) of the single-line `#define`s of `names` in `text`,
    refusing any under a conditional not in INTERNAL_CONDITIONS."""
    wanted = re.compile(rf"({names})")
    stack, out = [], []
    for line in strip_comments(text).splitlines():
        line = line.strip()
        if re.match(r"#\s*if", line):
            stack.append(" ".join(line.split()))
        elif re.match(r"#\s*endif", line):
            stack.pop()
        elif re.match(r"#\s*el", line):
            stack[-1] = "else of " + stack[-1]
        m = re.match(r"#\s*define\s+(\w+)\s+(.+)", line)
        if not m or not wanted.fullmatch(m.group(1)) or m.group(1) in EXCLUDED:
            continue
        bad = [c for c in stack if c not in INTERNAL_CONDITIONS]
        if bad or m.group(2).endswith("\\"):
            raise SystemExit(f"{rel}: {m.group(1)} is under {bad} or spans lines: decide, then list it")
        out.append((m.group(1), m.group(2).strip()))
    if not out and names:
        raise SystemExit(f"{rel}: no definition of {names}")
    return out


def enum_members(rel, text, enum):
    """(name, value) of the members of `enum NAME { ... }` in `text`."""
    m = re.search(rf"enum {enum}\s*{{(.*?)}};", strip_comments(text), re.S)
    if not m:
        raise SystemExit(f"{rel}: no enum {enum}")
    out, value = [], 0
    for member in filter(None, (x.strip() for x in m.group(1).split(","))):
        name, _, expr = (p.strip() for p in member.partition("="))
        if expr:
            value = int(expr, 0)
        out.append((name, value))
        value += 1
    return out


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


# --- compiling -----------------------------------------------------------------


def prelude():
    """The includes every architecture's file starts with."""
    # size_t, in linux/fs.h's BLKGETSIZE64 = _IOR(0x12, 114, size_t), is
    # libc's in user space; the compiler's own stddef.h gives the target's.
    lines = ["#include <stddef.h>"]
    lines += [f"#if __has_include(<{h}>)\n#include <{h}>\n#endif" for h in UAPI_HEADERS]
    lines.append('#include "kernel_internal.h"')
    return "\n".join(lines) + "\n"


def clang_cmd(clang, target, include, work):
    return [
        clang,
        f"--target={target}",
        "-std=gnu11",
        "-ffreestanding",
        "-nostdinc",
        "-isystem",
        resource_include(clang),
        "-I",
        include,
        "-I",
        work,
        "-w",
        "-fno-caret-diagnostics",
        "-ferror-limit=0",
    ]


def resource_include(clang):
    out = subprocess.run([clang, "-print-resource-dir"], capture_output=True, text=True, check=True)
    return os.path.join(out.stdout.strip(), "include")


def defined_names(cmd, work, include):
    """{name: header} of the object-like upper-case macros the prelude's
    headers define (the last definition; #undef removes)."""
    path = os.path.join(work, "prelude.c")
    out = subprocess.run(cmd + ["-E", "-dD", path], capture_output=True, text=True, check=True).stdout
    names, current = {}, None
    for line in out.splitlines():
        if m := LINEMARKER_RE.match(line):
            current = m.group(1)
        elif m := DEFINE_RE.match(line):
            name, kind, body = m.groups()
            header = header_name(current, include, work)
            if header and kind != "(" and body.strip() and NAME_RE.fullmatch(name):
                names[name] = header
        elif line.startswith("#undef "):
            names.pop(line.split()[1], None)
    return {n: h for n, h in names.items() if n not in EXCLUDED and kept_by_filter(n, h)}


def kept_by_filter(name, header):
    pattern = NAME_FILTERS.get(header)
    return pattern is None or re.fullmatch(pattern, name) is not None


def header_name(path, include, work):
    """`linux/fcntl.h` for a header whose names are kept: one of
    UAPI_HEADERS, the asm/ and asm-generic/ headers they build on, and the
    internal header. None for the rest: other headers the listed ones pull
    in (linux/magic.h, linux/elf-em.h, ...), the compiler's own, the command
    line."""
    if path == os.path.join(work, "kernel_internal.h"):
        return "kernel_internal.h"
    if not path.startswith(include + "/"):
        return None
    rel = path[len(include) + 1 :]
    return rel if rel in UAPI_HEADERS or rel.startswith(("asm/", "asm-generic/")) else None


def evaluate(cmd, work, names):
    """{name: value} of the names that are integer constant expressions,
    as the target's compiler computes them (negative when the C value is)."""
    names = sorted(names)
    while True:
        path = os.path.join(work, "values.c")
        with open(path, "w", encoding="utf-8") as f:
            f.write(values_file(names))
        obj = os.path.join(work, "values.o")
        res = subprocess.run(cmd + ["-c", path, "-o", obj], capture_output=True, text=True)
        if res.returncode == 0:
            return read_values(obj, names)
        bad = failing_names(res.stderr, path, names)
        if not bad:
            raise SystemExit(f"clang failed on {path} without naming a constant:\n{res.stderr[:4000]}")
        names = [n for n in names if n not in bad]


# The first line of the file that checks names[0]; names[i] is on line FIRST + i.
FIRST = 2


def values_file(names):
    """A C file with one check per line (so an error's line names the
    constant), then the values and their signs in two sections."""
    out = ['#include "prelude.c"']
    out += [f"_Static_assert((({n}) & 0) == 0, \"{n}\");" for n in names]
    out.append('__attribute__((section("constants.values"), used)) const unsigned long long kc_values[] = {')
    out += [f"  (unsigned long long)({n})," for n in names]
    out.append('};\n__attribute__((section("constants.negative"), used)) const unsigned char kc_negative[] = {')
    out += [f"  ({n}) < 0," for n in names]
    out.append("};")
    return "\n".join(out) + "\n"


def failing_names(stderr, path, names):
    bad = set()
    for m in re.finditer(rf"^{re.escape(path)}:(\d+):\d+: error", stderr, re.M):
        i = int(m.group(1)) - FIRST
        if 0 <= i < len(names):
            bad.add(names[i])
    return bad


def read_values(obj, names):
    sections, order = elf_section.read_sections(obj, ("constants.values", "constants.negative"))
    raw = struct.unpack(f"{order}{len(names)}Q", sections["constants.values"])
    negative = sections["constants.negative"]
    return {n: v - (1 << 64) if negative[i] else v for i, (n, v) in enumerate(zip(names, raw, strict=True))}


def arch_constants(src, arch, clang, work):
    """({name: value}, {name: header}) for one architecture."""
    include = export_headers(src, arch.kdir, work)
    arch_work = os.path.join(work, arch.name)
    os.makedirs(arch_work, exist_ok=True)
    with open(os.path.join(arch_work, "kernel_internal.h"), "w", encoding="utf-8") as f:
        f.write(internal_header(src))
    with open(os.path.join(arch_work, "prelude.c"), "w", encoding="utf-8") as f:
        f.write(prelude())
    for name, text in LIBC_STUBS.items():
        with open(os.path.join(arch_work, name), "w", encoding="utf-8") as f:
            f.write(text)
    cmd = clang_cmd(clang, arch.clang_target, include, arch_work)
    headers = defined_names(cmd, arch_work, include)
    return evaluate(cmd, arch_work, headers), headers


def generate(src, arches, clang, work=None):
    """{arch name: {name: value}} and {name: header} for every architecture."""
    work = work or os.path.join(tempfile.gettempdir(), "gen-tables-khdr")
    values, headers = {}, {}
    for arch in arches:
        values[arch.name], found = arch_constants(src, arch, clang, work)
        for name in values[arch.name]:
            headers.setdefault(name, found[name])
    return values, headers


def notes(headers):
    """Comment lines for the generated file: how the values were made."""
    by_header = {}
    for name, h in headers.items():
        by_header[h] = by_header.get(h, 0) + 1
    lines = [
        "Each architecture's values are what clang computes for its target (--target=, below)",
        "from the uapi headers `make headers ARCH=<arch>` exports, plus the definitions of",
        "include/linux/socket.h and include/linux/net.h that libc copies (AF_*, PF_*, SOL_*,",
        "MSG_*, SCM_*, SOMAXCONN, SOCK_* types and flags, SHUT_*). A name is every object-like",
        "upper-case macro of these headers (and of the asm/ and asm-generic/ headers they build",
        "on) that is an integer constant expression for that target. A negative value is",
        "negative in C (AT_FDCWD is -100); an unsigned one is its value (~0U is 0xffffffff).",
        "Targets: " + ", ".join(f"{a.name} {a.clang_target}" for a in ARCHES),
        "Headers read: " + " ".join(UAPI_HEADERS),
        "Left out on purpose:",
    ]
    lines += [f"  {n}: {why}" for n, why in sorted(EXCLUDED.items())]
    lines.append("Names per header (where the last definition is):")
    lines += [f"  {h}: {c}" for h, c in sorted(by_header.items())]
    return lines
