#!/usr/bin/env python3
"""Clean `cargo build --release` time of a small binary crate that installs
systemd's `@system-service` allow-list, three ways:

    ours         seccomp_policy! (compiled when the crate is built)
    seccompiler  seccompiler 0.5 building the filter at run time
    libseccomp   the libseccomp crate (system libseccomp) at run time

Usage, from anywhere:

    python3 bench/build-time/measure.py [--rounds 7] [--json FILE]

Each round builds every crate from an empty target directory, in an order
that rotates from round to round, so that load from other processes falls
on all three alike; the figures are medians over rounds, and the ratio
ours/seccompiler is given both as a ratio of medians and as the spread of
the per-round ratios. Wall time is the figure (what a user waits); CPU
time (user + system of cargo and every rustc) is printed beside it, being
far less sensitive to other load. Dependencies are fetched once before timing
(`cargo fetch`), then every build runs `--offline`. Each binary is run once
to check it installs its filter.

`--write-list` regenerates system-service-x86_64.rs (the allow-list the
run-time crates use) with `seccompc explain`.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CRATES = ["ours", "seccompiler", "libseccomp"]
# Issue 10's target: a clean build at most 1.3 times seccompiler's.
TARGET_RATIO = 1.3


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=7, help="rounds of clean builds (default 7)")
    p.add_argument("--crates", default=",".join(CRATES), help="which crates (default: all three)")
    p.add_argument(
        "--target-dir",
        default=os.path.join(tempfile.gettempdir(), "seccomp-build-time"),
        help="where the builds go (one directory per crate, emptied before each build)",
    )
    p.add_argument("--json", help="also write the raw times and summary as JSON to this file")
    p.add_argument("--write-list", action="store_true", help="regenerate system-service-x86_64.rs and exit")
    args = p.parse_args()
    args.crates = args.crates.split(",")
    unknown = [c for c in args.crates if c not in CRATES]
    if unknown or args.rounds < 1:
        p.error(f"--crates takes {', '.join(CRATES)}; --rounds at least 1")
    return args


def children_cpu():
    """CPU seconds (user + system) of every waited-for descendant so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cargo(crate, target_dir, *args):
    """Runs cargo in `crate`'s directory; returns (wall seconds, CPU
    seconds of cargo and every rustc it ran)."""
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir, CARGO_TERM_COLOR="never")
    # A user's crate is built without our flags.
    env.pop("RUSTFLAGS", None)
    start, cpu = time.monotonic(), children_cpu()
    done = subprocess.run(
        ["cargo", *args], cwd=os.path.join(HERE, crate), env=env, capture_output=True, text=True
    )
    seconds, cpu = time.monotonic() - start, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"{crate}: cargo {' '.join(args)} failed:\n{done.stderr}")
    return seconds, cpu


def binary(target_dir, crate):
    return os.path.join(target_dir, "release", f"build-time-{crate}")


def prepare(args):
    """Fetches dependencies, builds each crate once and runs it."""
    for crate in args.crates:
        target_dir = os.path.join(args.target_dir, crate)
        cargo(crate, target_dir, "fetch")
        cargo(crate, target_dir, "build", "--release", "--offline", "-q")
        run = subprocess.run([binary(target_dir, crate)], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{crate}: the binary failed (status {run.returncode}):\n{run.stderr}")
        print(f"check: {run.stdout.strip()}")


def clean_build(args, crate):
    target_dir = os.path.join(args.target_dir, crate)
    shutil.rmtree(target_dir, ignore_errors=True)
    return cargo(crate, target_dir, "build", "--release", "--offline", "-q")


def measure(args):
    """{crate: {"wall": [seconds per round], "cpu": [...]}}."""
    times = {c: {"wall": [], "cpu": []} for c in args.crates}
    print("round  " + "".join(f"{c + ' wall/cpu':>24}" for c in args.crates))
    for r in range(args.rounds):
        shift = r % len(args.crates)
        for crate in args.crates[shift:] + args.crates[:shift]:
            wall, cpu = clean_build(args, crate)
            times[crate]["wall"].append(wall)
            times[crate]["cpu"].append(cpu)
        row = "".join(f"{times[c]['wall'][-1]:>14.2f}s {times[c]['cpu'][-1]:>7.2f}s" for c in args.crates)
        print(f"{r + 1:>5}  {row}", flush=True)
    return times


def summary(args, times):
    """Medians, and ours against each other crate: the ratio of the medians
    and the spread of the per-round ratios (both crates of a round ran
    under about the same load)."""
    medians = {c: {k: statistics.median(v) for k, v in t.items()} for c, t in times.items()}
    row = "".join(f"{medians[c]['wall']:>14.2f}s {medians[c]['cpu']:>7.2f}s" for c in args.crates)
    print(f"median {row}")
    result = {"rounds": args.rounds, "times": times, "medians": medians, "ratios": {}}
    for other in (c for c in args.crates if c != "ours" and "ours" in times):
        result["ratios"][other] = {}
        for kind in ("wall", "cpu"):
            per_round = sorted(o / b for o, b in zip(times["ours"][kind], times[other][kind]))
            ratio = medians["ours"][kind] / medians[other][kind]
            print(
                f"ours / {other} ({kind}): {ratio:.2f} "
                f"(per round {per_round[0]:.2f}..{per_round[-1]:.2f}, median {statistics.median(per_round):.2f})"
            )
            result["ratios"][other][kind] = {"of_medians": ratio, "per_round": per_round}
    if "seccompiler" in result["ratios"]:
        ratio = result["ratios"]["seccompiler"]["wall"]["of_medians"]
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"target: clean build (wall) at most {TARGET_RATIO} x seccompiler's: {verdict} ({ratio:.2f})")
    return result


def write_list():
    """system-service-x86_64.rs from `seccompc explain` of the group."""
    with tempfile.NamedTemporaryFile("w", suffix=".policy") as policy:
        policy.write("base @system-service;\n")
        policy.flush()
        explain = subprocess.run(
            ["cargo", "run", "-q", "-p", "seccomp-cli", "--", "explain", policy.name, "--arch", "x86_64"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout
    # Rows: NR SYSCALL STATEMENT KEYWORD ACTION.
    rows = [line.split() for line in explain.splitlines()]
    allowed = [(r[0], r[1]) for r in rows if len(r) == 5 and r[0].isdigit() and r[4] == "allow"]
    lines = [
        "// @generated by `python3 bench/build-time/measure.py --write-list` (`seccompc explain` of",
        "// `base @system-service;` on x86_64), do not edit.",
        "/// systemd's `@system-service` on x86_64: (number, name) of every syscall it",
        "/// allows, for the crates that build the filter at run time.",
        "const SYSTEM_SERVICE: &[(i64, &str)] = &[",
        *(f'    ({nr}, "{name}"),' for nr, name in allowed),
        "];",
    ]
    with open(os.path.join(HERE, "system-service-x86_64.rs"), "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"system-service-x86_64.rs: {len(allowed)} syscalls")


def main():
    args = parse_args()
    if args.write_list:
        write_list()
        return
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} before the first build")
    prepare(args)
    times = measure(args)
    result = summary(args, times)
    print(f"load average {os.getloadavg()[0]:.2f} after the last build")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
