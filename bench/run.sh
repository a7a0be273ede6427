#!/usr/bin/env bash
# Regenerates BENCHMARKS.md and benchmarks.svg at the repository's root:
# our programs against libseccomp (both layouts), seccompiler and
# firejail's fseccomp, built from the same five policies, checked to mean
# the same, then measured (README.md, "Code generation, measured").
#
#   bench/run.sh                        # a few minutes on a quiet machine
#   bench/run.sh --rounds 61 --build-rounds 5    # more rounds, less noise
#   bench/run.sh --build-rounds 0       # skip figure 4 (clean builds)
#
# Needs libseccomp-dev and firejail (installed as .ci/run installs them
# when run as root with apt-get, else named and the run stops), strip
# (binutils) and python3 for bench/build-time/measure.py. The syscall
# mixes are committed; bench/mixes/record.sh re-records them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -e /usr/include/seccomp.h ] || missing+=(libseccomp-dev)
[ -x /usr/lib/x86_64-linux-gnu/firejail/fseccomp ] || missing+=(firejail)
command -v strip >/dev/null || missing+=(binutils)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    else
        echo "bench/run.sh: missing Debian packages: ${missing[*]}" >&2
        exit 1
    fi
fi

export CARGO_TERM_COLOR=never
# Optimised, and the dev profile's unoptimised build for figure 5 (the
# compiler as cargo builds a proc macro by default).
cargo build --release -q -p seccomp-bench --features libseccomp
cargo build -q -p seccomp-bench --features libseccomp
target/release/seccomp-bench --out . --unoptimised target/debug/seccomp-bench "$@"
