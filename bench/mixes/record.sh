#!/usr/bin/env bash
# Records the syscall mixes the benchmark weighs its instruction counts by
# (BENCHMARKS.md, figure 1): how many times each syscall was made by four
# real workloads, counted by `strace -f -c` (every thread and child).
# Writes <workload>.txt beside this script: one `name count` line per
# syscall, most frequent first, under a header saying how it was recorded.
#
#   bench/mixes/record.sh        # needs strace, tar, python3 (Debian's)
#
# The mixes are committed: re-recording changes the weighted figures a
# little (counts vary from run to run), not their meaning.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# strace's summary table (-U name,calls) -> `name count` lines.
to_mix() {
    awk 'NR > 2 && $1 !~ /^-/ && $1 != "total" && NF == 2 { print $1, $2 }' "$1" | sort -k2,2nr -k1,1
}

record() {
    local name="$1" what="$2"
    shift 2
    strace -f -c -U name,calls -o "$scratch/$name.strace" "$@" >/dev/null 2>&1 || true
    {
        echo "# $what"
        echo "# recorded by bench/mixes/record.sh on $(uname -r) ($(date -u +%Y-%m-%d)) with strace -f -c"
        to_mix "$scratch/$name.strace"
    } >"$here/$name.txt"
    echo "$name: $(grep -vc '^#' "$here/$name.txt") syscalls, $(awk '!/^#/ { n += $2 } END { print n }' "$here/$name.txt") calls"
}

record tar "tar -czf of /usr/include (tar with its gzip child)" \
    tar -czf "$scratch/include.tgz" -C /usr include
record ls-r "ls -R /usr/share" \
    ls -R /usr/share
record python "python3 bench/mixes/word_freq.py: word frequencies of /usr/share/common-licenses, as JSON" \
    "$python" "$here/word_freq.py" /usr/share/common-licenses

# The HTTP server: python3's http.server serving a directory, under strace,
# while a client fetches files from it 2,000 times over 4 connections at a
# time; SIGINT ends the server (strace writes its summary when it exits).
mkdir -p "$scratch/www"
head -c 65536 /dev/urandom >"$scratch/www/64k.bin"
echo "hello" >"$scratch/www/index.html"
port=$((20000 + RANDOM % 20000))
(cd "$scratch/www" && exec strace -f -c -U name,calls -o "$scratch/http.strace" \
    "$python" -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
server=$!
"$python" "$here/http_load.py" "$port" 2000 4
# $server is strace (the subshell exec'd it); the traced server is its
# child: interrupt that one, and strace writes its summary when it exits.
kill -INT "$(pgrep -P "$server")"
wait "$server" || true
{
    echo "# python3 -m http.server under load: 2,000 GETs (index.html and a 64 KiB file) over 4 concurrent clients"
    echo "# recorded by bench/mixes/record.sh on $(uname -r) ($(date -u +%Y-%m-%d)) with strace -f -c"
    to_mix "$scratch/http.strace"
} >"$here/http-server.txt"
echo "http-server: $(grep -vc '^#' "$here/http-server.txt") syscalls"
