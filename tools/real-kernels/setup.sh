#!/usr/bin/env bash
# Installs what tools/real-kernels/run.sh needs, on Debian 12, as root:
# Debian's foreign architectures (for `apt-get download` of their kernels;
# riscv64's comes from Debian 13 through a private apt configuration that
# run.sh keeps in its cache),
# qemu for each guest, and a static-capable C cross compiler for each
# driver. Run once per machine; .ci/run runs it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

for arch in arm64 armhf ppc64el s390x; do
    dpkg --add-architecture "$arch"
done
apt-get update
# qemu-system-arm also has qemu-system-aarch64, qemu-system-ppc has
# qemu-system-ppc64, qemu-system-misc has qemu-system-s390x and
# qemu-system-riscv64 (whose OpenSBI firmware is in qemu-system-data). The drivers
# are built with gcc (x86_64) and Debian's cross compilers: i686 rather
# than `gcc -m32`, because gcc-multilib conflicts with every cross
# compiler; gcc-multilib-s390x-linux-gnu for the 31-bit s390 driver.
# cpio packs the guests' initramfs.
apt-get install -y --no-install-recommends \
    qemu-system-arm qemu-system-ppc qemu-system-misc \
    gcc libc6-dev \
    gcc-i686-linux-gnu libc6-dev-i386-cross \
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross \
    gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross \
    gcc-s390x-linux-gnu libc6-dev-s390x-cross gcc-multilib-s390x-linux-gnu \
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross \
    cpio
