#!/usr/bin/env bash
# Every architecture's programs on its real kernel.
#
# Compiles the policies in tools/real-kernels/policies (and Docker's default
# profile, imported) with `seccompc` for x86_64, x86, aarch64, arm,
# powerpc64le, s390x and riscv64; generates the cases from the compiler's
# reference evaluator (`real-kernels cases`); runs them with a static C
# driver (driver.c): on this machine's kernel for x86_64 and x86 (i386
# ABI), and for the others as /init of a qemu guest booted on Debian's own
# kernel for that architecture (Debian 13's for riscv64; aarch64 also runs
# the arm driver through its AArch32 compat ABI, s390x a 31-bit one); then
# compares every line the drivers
# printed with the expectation (`real-kernels check`), which ends with
#
#   real kernels: N architectures, M cases, 0 mismatches
#
# and exits non-zero on any mismatch or any run that did not report.
#
# Needs what tools/real-kernels/setup.sh installs (as root, once). Kernel
# packages are downloaded with `apt-get download` into
# ${REAL_KERNELS_CACHE:-~/.cache/seccomp-real-kernels} and reused; the work
# directory is ${REAL_KERNELS_WORK:-target/real-kernels}. Guests run
# ${REAL_KERNELS_JOBS:-2} at a time, each under a ${REAL_KERNELS_TIMEOUT:-900}
# second limit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
work=${REAL_KERNELS_WORK:-$target/real-kernels}
cache=${REAL_KERNELS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-real-kernels}
parallel=${REAL_KERNELS_JOBS:-2}
limit=${REAL_KERNELS_TIMEOUT:-900}

say() { printf 'real-kernels: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

# --- what must be installed -------------------------------------------------

check_tools() {
    local missing=()
    for tool in gcc i686-linux-gnu-gcc aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc \
        powerpc64le-linux-gnu-gcc s390x-linux-gnu-gcc riscv64-linux-gnu-gcc qemu-system-aarch64 \
        qemu-system-arm qemu-system-ppc64 qemu-system-s390x qemu-system-riscv64 cpio apt-get apt-cache dpkg-deb timeout; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if ((${#missing[@]})); then
        fail "missing ${missing[*]}: run tools/real-kernels/setup.sh as root first"
    fi
}

# --- the host side: seccompc, the cases, the programs -------------------------

build_tools() {
    # The test profile, with the whole workspace's features: after `cargo
    # test --workspace` (.ci/run runs it first) this reuses its crates and
    # builds little more than the two binaries, where the dev profile would
    # build every crate again. Both profiles write to target/debug.
    (cd "$root" && cargo build --quiet --profile test --workspace --bin seccompc --bin real-kernels)
    seccompc=$target/debug/seccompc
    generator=$target/debug/real-kernels
}

make_cases() {
    rm -rf "$work/out" "$work/policies" "$work/logs"
    mkdir -p "$work/out/programs" "$work/policies" "$work/logs"
    cp "$here"/policies/*.policy "$work/policies/"
    # Docker's default profile as runc loads it, imported.
    (cd "$root" && "$seccompc" import --from oci seccomp-import/tests/corpus/moby-default.json) \
        >"$work/policies/docker-default.policy" 2>/dev/null
    "$generator" cases "$work/out" "$work"/policies/*.policy >&2
    local policy arch output
    while read -r policy arch output; do
        "$seccompc" compile "$policy" --arch "$arch" -o "$work/out/$output"
    done <"$work/out/programs.list"
}

# --- drivers -----------------------------------------------------------------

build_drivers() {
    local d=$work/drivers flags=(-O2 -Wall -Wextra -Werror -static)
    mkdir -p "$d"
    gcc "${flags[@]}" -o "$d/x86_64" "$here/driver.c"
    i686-linux-gnu-gcc "${flags[@]}" -o "$d/x86" "$here/driver.c"
    aarch64-linux-gnu-gcc "${flags[@]}" -o "$d/aarch64" "$here/driver.c"
    arm-linux-gnueabihf-gcc "${flags[@]}" -o "$d/arm" "$here/driver.c"
    powerpc64le-linux-gnu-gcc "${flags[@]}" -o "$d/powerpc64le" "$here/driver.c"
    s390x-linux-gnu-gcc "${flags[@]}" -o "$d/s390x" "$here/driver.c"
    s390x-linux-gnu-gcc -m31 "${flags[@]}" -o "$d/s390" "$here/driver.c"
    riscv64-linux-gnu-gcc "${flags[@]}" -o "$d/riscv64" "$here/driver.c"
}

# --- kernels -----------------------------------------------------------------

# debian_apt SUITE DEB_ARCH DIR: sets `apt_options` to a private apt
# configuration for SUITE's DEB_ARCH packages (shared with .ci/uapi-headers).
# shellcheck source=../debian-apt.sh
. "$here/../debian-apt.sh"

# fetch_kernels SUITE DEB_ARCH:FLAVOUR...: Debian's current kernel image for
# each architecture and flavour (from SUITE when Debian 12 has none; "" for
# the system's own suite), downloaded and unpacked once; sets
# kernels[DEB_ARCH] to its path. One apt-cache call for all of them: on a
# machine with five architectures each call reads large package lists.
declare -A kernels
fetch_kernels() {
    local suite=$1 item arch meta package deb resolved
    shift
    local -a apt=() metas=()
    if [[ -n $suite ]]; then
        debian_apt "$suite" "${1%%:*}" "$cache/apt-$suite-${1%%:*}" || fail "no package list of Debian $suite"
        apt=("${apt_options[@]}")
    fi
    for item; do
        metas+=("linux-image-${item#*:}:${item%%:*}")
    done
    # "METAPACKAGE PACKAGE" per line, from apt-cache's "NAME[:ARCH]" then
    # "  Depends: linux-image-...[:ARCH]" lines (no ":ARCH" for the
    # configuration's own architecture).
    resolved=$(apt-cache "${apt[@]}" depends "${metas[@]}" 2>/dev/null |
        awk '/^[^ ]/ {meta = $1; sub(/:.*/, "", meta)}
             /Depends: linux-image-/ && meta {print meta, $2; meta = ""}') || true
    for item; do
        arch=${item%%:*}
        meta="linux-image-${item#*:}"
        package=$(awk -v m="$meta" '$1 == m {print $2}' <<<"$resolved")
        [[ -n $package ]] ||
            fail "apt knows no $meta:$arch: run tools/real-kernels/setup.sh as root (dpkg --add-architecture $arch, apt-get update)"
        package=${package%%:*}
        deb=$(ls "$cache/${package}_"*"_$arch.deb" 2>/dev/null | tail -n 1) || true
        if [[ -z $deb ]]; then
            say "downloading $package ($arch)"
            # An older kernel of this architecture is not needed any more.
            rm -rf "$cache"/linux-image-*_"$arch".deb "$cache"/linux-image-*_"$arch"
            (cd "$cache" && apt-get "${apt[@]}" download -q "$package:$arch" >/dev/null 2>&1) ||
                fail "apt-get download $package:$arch failed"
            deb=$(ls "$cache/${package}_"*"_$arch.deb" | tail -n 1)
        fi
        local unpacked=${deb%.deb}
        if [[ ! -d $unpacked/boot ]]; then
            mkdir -p "$unpacked"
            dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$unpacked" ./boot
        fi
        kernels[$arch]=$(ls "$unpacked"/boot/vmlinu[xz]-* | head -n 1)
    done
}

# --- runs ----------------------------------------------------------------------

# initramfs NAME DRIVER RUN [COMPAT-DRIVER COMPAT-RUN]: a cpio archive whose
# /init runs RUN's cases, then COMPAT-RUN's under the second driver.
initramfs() {
    local name=$1 dir=$work/initramfs/$1
    rm -rf "$dir" && mkdir -p "$dir"
    cp "$work/drivers/$2" "$dir/init"
    cp "$work/out/$3.cases" "$dir/cases"
    if [[ $# -eq 5 ]]; then
        cp "$work/drivers/$4" "$dir/compat-driver"
        cp "$work/out/$5.cases" "$dir/compat.cases"
    fi
    cp -r "$work/out/programs" "$dir/"
    (cd "$dir" && find . | cpio -o -H newc --quiet) >"$work/initramfs/$name.cpio"
    echo "$work/initramfs/$name.cpio"
}

# guest NAME QEMU-ARGS...: boots a guest, console to logs/NAME.log.
guest() {
    local name=$1 start=$SECONDS status=0
    shift
    timeout "$limit" "$@" -m 1024 -smp 1 -nographic -nic none -no-reboot \
        </dev/null >"$work/logs/$name.log" 2>&1 || status=$?
    say "$name: guest finished in $((SECONDS - start)) s (status $status)"
}

boot_cmdline="quiet loglevel=1 panic=-1"

guest_aarch64() {
    local k i
    k=${kernels[arm64]}
    i=$(initramfs aarch64 aarch64 aarch64 arm arm-on-aarch64)
    # `max` has AArch32 at EL0, for the compat run; pauth-impdef keeps
    # pointer authentication cheap under TCG.
    guest aarch64 qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on \
        -kernel "$k" -initrd "$i" -append "console=ttyAMA0 $boot_cmdline"
}

guest_arm() {
    local k i
    k=${kernels[armhf]}
    i=$(initramfs arm arm arm)
    # armmp has no LPAE: keep qemu's devices below 4 GiB.
    guest arm qemu-system-arm -M virt,highmem=off -cpu cortex-a15 \
        -kernel "$k" -initrd "$i" -append "console=ttyAMA0 $boot_cmdline"
}

guest_powerpc64le() {
    local k i
    k=${kernels[ppc64el]}
    i=$(initramfs powerpc64le powerpc64le powerpc64le)
    # x-vof: qemu's own small firmware instead of SLOF (faster, no ROM
    # files); the caps are the security workarounds TCG cannot provide.
    guest powerpc64le qemu-system-ppc64 \
        -M pseries,x-vof=on,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off \
        -cpu power9 -vga none -kernel "$k" -initrd "$i" -append "console=hvc0 $boot_cmdline"
}

guest_s390x() {
    local k i
    k=${kernels[s390x]}
    i=$(initramfs s390x s390x s390x s390 s390-on-s390x)
    guest s390x qemu-system-s390x -M s390-ccw-virtio -cpu max \
        -kernel "$k" -initrd "$i" -append "console=ttysclp0 $boot_cmdline"
}

guest_riscv64() {
    local k i
    k=${kernels[riscv64]}
    i=$(initramfs riscv64 riscv64 riscv64)
    # `-bios default`: the OpenSBI firmware qemu ships.
    guest riscv64 qemu-system-riscv64 -M virt -bios default \
        -kernel "$k" -initrd "$i" -append "console=ttyS0 $boot_cmdline"
}

host_runs() {
    # The drivers read their programs relative to the working directory.
    (cd "$work/out" && "$work/drivers/x86_64" x86_64.cases "$work/drivers/x86" x86.cases) \
        >"$work/logs/host.log" 2>&1 || say "host: driver exited with status $?"
}

run_guests() {
    # Kernels first, sequentially: apt-get download is not meant to run
    # twice at once in one directory.
    mkdir -p "$cache"
    fetch_kernels "" arm64:arm64 armhf:armmp ppc64el:powerpc64le s390x:s390x
    fetch_kernels trixie riscv64:riscv64
    local pids=() g
    for g in guest_aarch64 guest_arm guest_powerpc64le guest_s390x guest_riscv64; do
        while (($(jobs -rp | wc -l) >= parallel)); do
            wait -n || true
        done
        "$g" &
        pids+=($!)
    done
    wait "${pids[@]}" || true
}

# step NAME FUNCTION: runs a step and says how long it took.
step() {
    local start=$SECONDS
    "$2"
    say "$1: $((SECONDS - start)) s"
}

main() {
    check_tools
    step "seccompc and real-kernels built" build_tools
    step "cases generated, programs compiled" make_cases
    step "drivers built" build_drivers
    step "x86_64 and x86 on this machine's kernel" host_runs
    step "guests" run_guests
    "$generator" check "$work/out" "$work"/logs/*.log
}

main "$@"
