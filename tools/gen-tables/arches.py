"""The eight architectures the compiler supports, as the kernel sees them."""

from dataclasses import dataclass

# Kconfig symbols whose value picks between variants of one SYSCALL_DEFINE
# (kernel/fork.c clone, kernel/signal.c sigsuspend); read from each
# architecture's Kconfig `select` lines, which the generated file cites.
KCONFIG_SYMBOLS = (
    "CLONE_BACKWARDS",
    "CLONE_BACKWARDS2",
    "CLONE_BACKWARDS3",
    "OLD_SIGSUSPEND",
    "OLD_SIGSUSPEND3",
)


@dataclass(frozen=True)
class ArchInfo:
    rust: str  # variant of crate::arch::Arch
    name: str  # Arch::name()
    table: str  # syscall table, relative to the kernel source
    abis: tuple  # ABI column values of `table` that this ABI uses
    abi_source: str  # where the ABI list comes from
    kdir: str  # arch/<kdir>/, and ARCH= for the kernel's Makefile
    clang_target: str  # --target= for clang (constants_gen.py)
    word_bits: int
    crate_file: str  # syscalls-0.8.1/src/arch/<crate_file>
    kconfig_blocks: tuple  # `config` entries of arch/<kdir>/Kconfig that are on
    symbols: tuple  # preprocessor symbols known to be defined (True)
    undefined: tuple  # preprocessor symbols known to be undefined (False)


def _arch(bits, symbols=(), undefined=(), **fields):
    """An ArchInfo with the symbols every architecture of its width has.
    CONFIG_ARCH_SPLIT_ARG64 is treated as unset everywhere: a 64-bit value
    is named by the unsplit prototype and marked Split on 32-bit ABIs."""
    width = ("CONFIG_64BIT", "CONFIG_32BIT") if bits == 64 else ("CONFIG_32BIT", "CONFIG_64BIT")
    return ArchInfo(
        word_bits=bits,
        symbols=tuple(symbols) + width[:1],
        undefined=tuple(undefined) + width[1:] + ("CONFIG_ARCH_SPLIT_ARG64",),
        **fields,
    )


ARCHES = (
    _arch(
        64,
        rust="X86_64",
        name="x86_64",
        clang_target="x86_64-linux-gnu",
        table="arch/x86/entry/syscalls/syscall_64.tbl",
        abis=("common", "64"),
        abi_source="arch/x86/entry/syscalls/Makefile (syscall_64.tbl, abis common,64)",
        kdir="x86",
        crate_file="x86_64.rs",
        kconfig_blocks=("X86", "X86_64", "64BIT"),
        symbols=("CONFIG_X86_64",),
        undefined=("CONFIG_X86_32",),
    ),
    _arch(
        32,
        rust="X86",
        name="x86",
        clang_target="i386-linux-gnu",
        table="arch/x86/entry/syscalls/syscall_32.tbl",
        abis=("i386",),
        abi_source="arch/x86/entry/syscalls/Makefile (syscall_32.tbl, abi i386)",
        kdir="x86",
        crate_file="x86.rs",
        kconfig_blocks=("X86", "X86_32", "COMPAT_32"),
        symbols=("CONFIG_X86_32",),
        undefined=("CONFIG_X86_64",),
    ),
    _arch(
        64,
        rust="Aarch64",
        name="aarch64",
        clang_target="aarch64-linux-gnu",
        table="arch/arm64/tools/syscall_64.tbl",
        abis=("common", "64", "renameat", "rlimit", "memfd_secret"),
        abi_source="arch/arm64/kernel/Makefile.syscalls (syscall_abis_64 += renameat rlimit memfd_secret)",
        kdir="arm64",
        crate_file="aarch64.rs",
        kconfig_blocks=("ARM64",),
    ),
    _arch(
        32,
        rust="Arm",
        name="arm",
        clang_target="armv7a-linux-gnueabihf",
        table="arch/arm/tools/syscall.tbl",
        abis=("common", "eabi"),
        abi_source="arch/arm/tools/Makefile (syscall.tbl, abis common,eabi)",
        kdir="arm",
        crate_file="arm.rs",
        kconfig_blocks=("ARM",),
        symbols=("CONFIG_AEABI",),
    ),
    _arch(
        64,
        rust="Riscv64",
        name="riscv64",
        clang_target="riscv64-linux-gnu",
        table="scripts/syscall.tbl",
        abis=("common", "64", "riscv", "rlimit", "memfd_secret"),
        abi_source="arch/riscv/kernel/Makefile.syscalls (syscall_abis_64 += riscv rlimit memfd_secret)",
        kdir="riscv",
        crate_file="riscv64.rs",
        kconfig_blocks=("RISCV",),
    ),
    _arch(
        64,
        rust="S390x",
        name="s390x",
        clang_target="s390x-linux-gnu",
        table="arch/s390/kernel/syscalls/syscall.tbl",
        abis=("common", "64"),
        abi_source="arch/s390/kernel/syscalls/Makefile (abis common,64)",
        kdir="s390",
        crate_file="s390x.rs",
        kconfig_blocks=("S390",),
        symbols=("__s390x__",),
    ),
    _arch(
        64,
        rust="Powerpc64le",
        name="powerpc64le",
        clang_target="powerpc64le-linux-gnu",
        table="arch/powerpc/kernel/syscalls/syscall.tbl",
        abis=("common", "64", "nospu"),
        abi_source="arch/powerpc/kernel/syscalls/Makefile (abis common,nospu,64)",
        kdir="powerpc",
        crate_file="powerpc64.rs",
        kconfig_blocks=("PPC", "PPC64"),
        symbols=("CONFIG_PPC64", "__powerpc64__"),
        undefined=("CONFIG_PPC32",),
    ),
    _arch(
        64,
        rust="Loongarch64",
        name="loongarch64",
        clang_target="loongarch64-linux-gnu",
        table="scripts/syscall.tbl",
        abis=("common", "64"),
        abi_source="arch/loongarch/kernel/Makefile.syscalls (no extra syscall_abis_64)",
        kdir="loongarch",
        crate_file="loongarch64.rs",
        kconfig_blocks=("LOONGARCH",),
    ),
)
