#!/usr/bin/env bash
# Compiles every per-architecture syscall module of seccomp-runtime
# (seccomp-runtime-core/src/sys/<arch>.rs) to an object file for its target, so
# LLVM checks the asm templates, register names and clobbers of every arch,
# not only the host's.
#
# Other targets have no `core` here (nightly without rust-src), so each module
# is compiled inside a `#![no_core]` crate against a tiny "minicore" that
# declares just the lang items and builtin macros the modules use: the trick
# rustc's own cross-arch asm tests use (tests/auxiliary/minicore.rs).
#
# Usage: tools/check-runtime-asm.sh [-v]   (-v: also disassemble each object)
# Needs: a nightly toolchain (`rustup toolchain install nightly`); for -v,
# llvm-objdump.
set -euo pipefail

verbose=0
# `TOOLCHAIN=1.95.0 RUSTC_BOOTSTRAP=1 tools/check-runtime-asm.sh` runs the same
# check with a stable compiler, whose feature gates still refuse asm on arches
# where it is unstable (`asm_experimental_arch`): the modules need none.
toolchain="${TOOLCHAIN:-nightly}"
[[ "${1:-}" == "-v" ]] && verbose=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sys="$root/seccomp-runtime-core/src/sys"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# target triple : module file
targets=(
  "x86_64-unknown-linux-gnu:x86_64.rs"
  "i686-unknown-linux-gnu:x86.rs"
  "aarch64-unknown-linux-gnu:aarch64.rs"
  "armv7-unknown-linux-gnueabihf:arm.rs"
  "thumbv7neon-unknown-linux-gnueabihf:arm.rs"
  "arm-unknown-linux-gnueabi:arm.rs"
  "riscv64gc-unknown-linux-gnu:riscv64.rs"
  "s390x-unknown-linux-gnu:s390x.rs"
  "powerpc64le-unknown-linux-gnu:powerpc64.rs"
  "loongarch64-unknown-linux-gnu:loongarch64.rs"
)

cat > "$work/minicore.rs" <<'RS'
#![feature(no_core, lang_items, rustc_attrs, decl_macro, auto_traits)]
#![allow(internal_features)]
#![no_core]

#[lang = "pointee_sized"]
pub trait PointeeSized {}
#[lang = "meta_sized"]
pub trait MetaSized: PointeeSized {}
#[lang = "sized"]
pub trait Sized: MetaSized {}
#[lang = "copy"]
pub trait Copy: Sized {}
#[lang = "legacy_receiver"]
pub trait LegacyReceiver {}
#[lang = "freeze"]
pub unsafe auto trait Freeze {}

impl Copy for usize {}
impl Copy for u32 {}
impl Copy for i32 {}

pub mod arch {
    #[rustc_builtin_macro]
    pub macro asm("assembly template", $(operands,)* $(options($(option),*))?) {
        /* compiler built-in */
    }
    #[rustc_builtin_macro]
    pub macro naked_asm("assembly template", $(operands,)* $(options($(option),*))?) {
        /* compiler built-in */
    }
}
RS

# The crate that instantiates every function of one arch module, so that
# codegen (and with it LLVM's asm parser) sees each template.
cat > "$work/check.rs" <<'RS'
#![feature(no_core)]
#![no_core]
#![crate_type = "lib"]

extern crate minicore as core;

#[path = "arch.rs"]
mod arch;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn check_syscall3(n: usize, a: usize, b: usize, c: usize) -> usize {
    unsafe { arch::syscall3(n, a, b, c) }
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn check_syscall4(n: usize, a: usize, b: usize, c: usize, d: usize) -> usize {
    unsafe { arch::syscall4(n, a, b, c, d) }
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn check_syscall5(
    n: usize, a: usize, b: usize, c: usize, d: usize, e: usize,
) -> usize {
    unsafe { arch::syscall5(n, a, b, c, d, e) }
}
#[unsafe(no_mangle)]
pub unsafe extern "C" fn check_syscall1_noreturn(n: usize, a: usize) -> ! {
    unsafe { arch::syscall1_noreturn(n, a) }
}
#[unsafe(no_mangle)]
pub extern "C" fn check_restorer() -> usize {
    arch::restorer()
}
#[unsafe(no_mangle)]
pub extern "C" fn check_audit_arch() -> u32 {
    arch::AUDIT_ARCH
}
#[unsafe(no_mangle)]
pub extern "C" fn check_nr_write() -> usize { arch::nr::__NR_write }
#[unsafe(no_mangle)]
pub extern "C" fn check_nr_exit_group() -> usize { arch::nr::__NR_exit_group }
#[unsafe(no_mangle)]
pub extern "C" fn check_nr_rt_sigaction() -> usize { arch::nr::__NR_rt_sigaction }
#[unsafe(no_mangle)]
pub extern "C" fn check_nr_prctl() -> usize { arch::nr::__NR_prctl }
#[unsafe(no_mangle)]
pub extern "C" fn check_nr_seccomp() -> usize { arch::nr::__NR_seccomp }
RS

failed=0
for entry in "${targets[@]}"; do
  IFS=: read -r target module <<<"$entry"
  out="$work/$target"
  mkdir -p "$out"
  cp "$sys/$module" "$out/arch.rs"
  cp "$work/check.rs" "$out/check.rs"
  if rustc +"$toolchain" --edition 2024 --target "$target" --crate-type rlib \
        --crate-name minicore -O --emit link -o "$out/libminicore.rlib" \
        "$work/minicore.rs" 2>"$out/log" &&
     rustc +"$toolchain" --edition 2024 --target "$target" --crate-type lib -O \
        --emit obj -o "$out/check.o" -L "$out" \
        -D warnings "$out/check.rs" 2>>"$out/log"; then
    printf 'ok    %-40s %s\n' "$target" "$module"
    if (( verbose )); then
      llvm-objdump -d --no-show-raw-insn "$out/check.o" | sed 's/^/      /'
    fi
  else
    printf 'FAIL  %-40s %s\n' "$target" "$module"
    sed 's/^/      /' "$out/log"
    failed=1
  fi
done
exit "$failed"
