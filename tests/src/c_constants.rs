//! The constants table checked against C compilers that had no part in
//! making it (the generator uses clang on headers it exports itself):
//!
//! - the host's gcc with the host's headers, compiling a program that
//!   prints every value (x86_64);
//! - Debian's gcc for each architecture (gcc -m32 for x86, the
//!   `gcc-*-linux-gnu*` cross compilers; zig's clang for loongarch64, which
//!   Debian 12 has no cross compiler for) with Debian 13's `linux-libc-dev`,
//!   which carries the uapi headers of Linux 6.12 for every architecture as
//!   Debian's kernel build installed them, and the toolchain's glibc
//!   `<sys/socket.h>` for the socket constants the kernel keeps out of uapi.
//!   The values are read from the object file, in the target's byte order.
//!
//! Every name the table has for the architecture goes, under `#ifdef`,
//! into an array of (value, index and sign) records. A name the headers
//! lack (newer than the host's headers, or kernel-internal like
//! `SOCK_TYPE_MASK`) is not compared, and reported.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use seccomp_compiler::Arch;
use seccomp_compiler::tables::constants;

/// The uapi headers the generator reads (tools/gen-tables/constants_gen.py
/// UAPI_HEADERS), here from the toolchain's own include directories.
const UAPI_HEADERS: &[&str] = &[
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
    "linux/mman.h",
    "linux/memfd.h",
    "linux/mempolicy.h",
    "linux/userfaultfd.h",
    "linux/membarrier.h",
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
    "linux/time.h",
    "linux/timerfd.h",
    "linux/eventfd.h",
    "linux/signalfd.h",
    "linux/eventpoll.h",
    "linux/random.h",
    "linux/perf_event.h",
    "linux/io_uring.h",
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
    "linux/ipc.h",
    "linux/shm.h",
    "linux/sem.h",
    "linux/msg.h",
    "linux/termios.h",
    "linux/serial.h",
    "linux/vt.h",
    "linux/kd.h",
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
    "linux/errno.h",
];

/// A C compiler for one architecture, as a command line that compiles a
/// file given after it (`-c FILE -o OBJ` are appended), and where its
/// kernel headers come from.
pub struct Toolchain {
    pub arch: Arch,
    pub command: Vec<String>,
    /// A `linux-libc-dev` tree (`DIR/usr/include/...`) searched before the
    /// toolchain's own headers, or `None` for the toolchain's own.
    pub uapi: Option<PathBuf>,
}

impl Toolchain {
    /// The host's gcc with the host's headers.
    pub fn host() -> Toolchain {
        Toolchain {
            arch: Arch::X86_64,
            command: vec!["gcc".to_owned()],
            uapi: None,
        }
    }

    /// Debian's compiler for `arch` (the host's gcc for x86_64, `gcc -m32`
    /// with libc6-dev-i386 for x86 (compiling only; gcc-multilib conflicts
    /// with the cross compilers), the `gcc-*-linux-gnu*` cross compilers),
    /// or zig's for loongarch64 (`python3 -m ziglang`, PyPI's ziglang),
    /// with the kernel headers of the `linux-libc-dev` tree `uapi`.
    pub fn debian(arch: Arch, uapi: &Path) -> Toolchain {
        let command: &[&str] = match arch {
            Arch::X86_64 => &["gcc"],
            Arch::X86 => &["gcc", "-m32"],
            Arch::Aarch64 => &["aarch64-linux-gnu-gcc"],
            Arch::Arm => &["arm-linux-gnueabihf-gcc"],
            Arch::Riscv64 => &["riscv64-linux-gnu-gcc"],
            Arch::S390x => &["s390x-linux-gnu-gcc"],
            Arch::Powerpc64le => &["powerpc64le-linux-gnu-gcc"],
            Arch::Loongarch64 => &[
                "python3",
                "-m",
                "ziglang",
                "cc",
                "-target",
                "loongarch64-linux-gnu",
            ],
        };
        let include = uapi.join("usr/include");
        let mut command: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        for dir in [include.join(multiarch(arch)), include] {
            command.push("-I".to_owned());
            command.push(dir.display().to_string());
        }
        Toolchain {
            arch,
            command,
            uapi: Some(uapi.to_owned()),
        }
    }
}

/// Debian's multiarch directory for `arch`, where `linux-libc-dev` keeps
/// its `asm/` headers.
fn multiarch(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "x86_64-linux-gnu",
        Arch::X86 => "i386-linux-gnu",
        Arch::Aarch64 => "aarch64-linux-gnu",
        Arch::Arm => "arm-linux-gnueabihf",
        Arch::Riscv64 => "riscv64-linux-gnu",
        Arch::S390x => "s390x-linux-gnu",
        Arch::Powerpc64le => "powerpc64le-linux-gnu",
        Arch::Loongarch64 => "loongarch64-linux-gnu",
    }
}

/// What one architecture's comparison found.
#[derive(Debug, Default)]
pub struct Report {
    /// `LINUX_VERSION_CODE` of the headers compiled.
    pub linux_version: u64,
    /// Names compared (the toolchain's headers define them).
    pub compared: usize,
    /// Names the table has for the architecture that the headers lack.
    pub not_in_headers: Vec<&'static str>,
    /// `(name, table's value, compiler's value)` where they differ.
    pub mismatches: Vec<(&'static str, i128, i128)>,
}

impl Report {
    /// `6.12.117` from `LINUX_VERSION_CODE`.
    pub fn linux(&self) -> String {
        let v = self.linux_version;
        format!("{}.{}.{}", v >> 16, (v >> 8) & 0xff, v & 0xff)
    }
}

/// How the values get out of the compiled file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Readout {
    /// Link and run a program that prints them (the host's architecture).
    Run,
    /// Read them from the object file's section (any architecture).
    Object,
}

/// Compiles every name the table has for `tc.arch` with `tc` in `dir` and
/// compares the values. `Err` if the toolchain cannot be run or fails.
///
/// Two files: glibc's headers and the kernel's conflict (both define
/// `struct timeval`, `sigset_t`), so the uapi headers are compiled alone,
/// and `<sys/socket.h>` alone gives the names they lack.
pub fn compare(tc: &Toolchain, dir: &Path, readout: Readout) -> Result<Report, String> {
    let names: Vec<(&'static str, i128)> = constants::iter(tc.arch).collect();
    let mut uapi = String::from("#include <stddef.h>\n#include <linux/version.h>\n");
    for h in UAPI_HEADERS {
        // Debian installs one linux/ for every architecture, but the
        // kernel exports linux/kvm.h only beside an asm/kvm.h (not on arm).
        let also = if *h == "linux/kvm.h" {
            " && __has_include(<asm/kvm.h>)"
        } else {
            ""
        };
        let _ = writeln!(
            uapi,
            "#if __has_include(<{h}>){also}\n#include <{h}>\n#endif"
        );
    }
    let libc = "/* AF_*, PF_*, SOL_*, MSG_*, SCM_*, SOCK_*, SHUT_*: libc's copies of the\n \
                * kernel's include/linux/socket.h and net.h, which uapi lacks. */\n\
                #define _GNU_SOURCE\n#include <sys/socket.h>\n#include <netinet/in.h>\n\
                #include <netinet/tcp.h>\n#include <netinet/udp.h>\n#include <linux/version.h>\n";
    let (version, mut records) = compile(tc, dir, "uapi", &uapi, &names, readout)?;
    records.extend(compile(tc, dir, "libc", libc, &names, readout)?.1);
    let mut report = report(&names, &records);
    report.linux_version = version;
    Ok(report)
}

/// Compiles `includes` and a record per defined name: the headers'
/// `LINUX_VERSION_CODE` and the records.
fn compile(
    tc: &Toolchain,
    dir: &Path,
    what: &str,
    includes: &str,
    names: &[(&str, i128)],
    readout: Readout,
) -> Result<(u64, Vec<(u64, u64)>), String> {
    let source = dir.join(format!("constants-{}-{what}.c", tc.arch.name()));
    let output = source.with_extension(if readout == Readout::Run { "run" } else { "o" });
    let mut text = format!("{includes}{}", record_array(names));
    if readout == Readout::Run {
        text.push_str(PRINTER);
    }
    std::fs::write(&source, text).map_err(|e| format!("{}: {e}", source.display()))?;
    let mut cmd = Command::new(&tc.command[0]);
    cmd.args(&tc.command[1..]).arg("-w");
    if readout == Readout::Object {
        cmd.arg("-c");
    }
    run(
        cmd.arg(&source).arg("-o").arg(&output),
        &tc.command.join(" "),
    )?;
    let mut records = match readout {
        Readout::Run => printed_records(&run(&mut Command::new(&output), "the program")?)?,
        Readout::Object => {
            let bytes = std::fs::read(&output).map_err(|e| format!("{}: {e}", output.display()))?;
            section_records(&bytes)?
        }
    };
    match records.pop() {
        Some((version, u64::MAX)) => Ok((version, records)),
        _ => Err("the records do not end with the version record".into()),
    }
}

/// Runs `cmd`; its standard output, or what went wrong.
fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{what} failed ({}):\n{}",
            out.status,
            stderr.chars().take(4000).collect::<String>()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Compares the records with the table; the first record of a name counts.
fn report(names: &[(&'static str, i128)], records: &[(u64, u64)]) -> Report {
    let mut r = Report::default();
    let mut seen = vec![false; names.len()];
    for &(value, tag) in records {
        // The C file writes indices below names.len().
        let index = (tag >> 1) as usize;
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        let c_value = if tag & 1 == 1 {
            // A negative C value converted to unsigned long long: the
            // same bits read as two's complement give it back.
            i128::from(value as i64)
        } else {
            i128::from(value)
        };
        let (name, ours) = names[index];
        r.compared += 1;
        if c_value != ours {
            r.mismatches.push((name, ours, c_value));
        }
    }
    r.not_in_headers = names
        .iter()
        .zip(&seen)
        .filter(|&(_, &s)| !s)
        .map(|(&(n, _), _)| n)
        .collect();
    r
}

/// One (value, index and sign) record per name the headers define, then
/// (LINUX_VERSION_CODE, all ones).
fn record_array(names: &[(&str, i128)]) -> String {
    let mut c = String::from(
        "struct record { unsigned long long value, index_and_sign; };\n\
         __attribute__((section(\"constants.records\"), used))\n\
         const struct record records[] = {\n",
    );
    for (i, (name, _)) in names.iter().enumerate() {
        let _ = writeln!(
            c,
            "#ifdef {name}\n  {{ (unsigned long long)({name}), ((unsigned long long){i} << 1) | (({name}) < 0) }},\n#endif"
        );
    }
    c.push_str("  { LINUX_VERSION_CODE, ~0ULL }\n};\n");
    c
}

/// `main` for [`Readout::Run`]: one `value tag` line per record.
const PRINTER: &str = "int printf(const char *, ...);\n\
    int main(void) {\n\
    \tfor (unsigned i = 0; i < sizeof records / sizeof records[0]; i++)\n\
    \t\tprintf(\"%llu %llu\\n\", records[i].value, records[i].index_and_sign);\n\
    \treturn 0;\n}\n";

/// The records a [`PRINTER`] program printed.
fn printed_records(out: &str) -> Result<Vec<(u64, u64)>, String> {
    out.lines()
        .map(|line| {
            let mut words = line.split(' ').map(str::parse::<u64>);
            match (words.next(), words.next(), words.next()) {
                (Some(Ok(v)), Some(Ok(t)), None) => Ok((v, t)),
                _ => Err(format!("unexpected line from the program: {line:?}")),
            }
        })
        .collect()
}

/// The records of the object file's `constants.records` section.
fn section_records(elf: &[u8]) -> Result<Vec<(u64, u64)>, String> {
    let (data, big_endian) = section(elf, "constants.records")?;
    let word = |b: &[u8]| {
        // Halves of a 16-byte chunk.
        let b: [u8; 8] = b.try_into().expect("8 bytes");
        if big_endian {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    };
    Ok(data
        .chunks_exact(16)
        .map(|r| (word(&r[..8]), word(&r[8..])))
        .collect())
}

/// The bytes of section `name` of a relocatable ELF object, and whether
/// the object is big-endian.
pub fn section<'a>(elf: &'a [u8], name: &str) -> Result<(&'a [u8], bool), String> {
    let bad = |what: &str| format!("not a readable ELF object: {what}");
    if elf.get(..4) != Some(b"\x7fELF".as_slice()) {
        return Err(bad("no ELF magic"));
    }
    let is64 = elf[4] == 2;
    let big = elf[5] == 2;
    let num = |at: usize, len: usize| -> Result<u64, String> {
        let b = elf.get(at..at + len).ok_or_else(|| bad("truncated"))?;
        Ok(b.iter().enumerate().fold(0u64, |acc, (i, &byte)| {
            let shift = if big { (len - 1 - i) * 8 } else { i * 8 };
            acc | u64::from(byte) << shift
        }))
    };
    let (shoff, shentsize, shnum, shstrndx) = if is64 {
        (num(0x28, 8)?, num(0x3a, 2)?, num(0x3c, 2)?, num(0x3e, 2)?)
    } else {
        (num(0x20, 4)?, num(0x2e, 2)?, num(0x30, 2)?, num(0x32, 2)?)
    };
    let header = |i: u64| -> Result<(u64, u64, u64), String> {
        // Offsets within a file already in memory fit usize.
        let at = (shoff + i * shentsize) as usize;
        if is64 {
            Ok((num(at, 4)?, num(at + 0x18, 8)?, num(at + 0x20, 8)?))
        } else {
            Ok((num(at, 4)?, num(at + 0x10, 4)?, num(at + 0x14, 4)?))
        }
    };
    let (_, strtab, _) = header(shstrndx)?;
    for i in 0..shnum {
        let (name_off, offset, size) = header(i)?;
        let start = (strtab + name_off) as usize;
        let end = elf[start..]
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| bad("unterminated section name"))?;
        if &elf[start..start + end] == name.as_bytes() {
            let bytes = elf
                .get(offset as usize..(offset + size) as usize)
                .ok_or_else(|| bad("section past the end"))?;
            return Ok((bytes, big));
        }
    }
    Err(format!("no section {name}"))
}
