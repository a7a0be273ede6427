//! Figure 1, counted by the emulator: program length, instructions
//! executed per syscall (mean over the numbers, worst over every input,
//! weighted by real programs' mixes), the kernel's cache coverage and the
//! argument-checked `write`.

use crate::competitors::Built;
use crate::inputs::{self, NUMBERS};
use crate::mixes::Mix;
use crate::policies::Policy;
use seccomp_compiler::action::Action;
use seccomp_compiler::arch::{AUDIT_ARCH_X86_64, Arch};
use seccomp_compiler::bpf::SockFilter;
use seccomp_compiler::emu;

/// One program's figures.
pub struct Shape {
    pub len: usize,
    /// Mean over numbers 0..511, arguments zero.
    pub mean: f64,
    /// Worst over every input.
    pub worst: usize,
    /// Per mix, weighted by its counts (arguments zero).
    pub weighted: Vec<f64>,
    /// The mean of the mixes' weighted figures, a call the kernel's cache
    /// answers counting 0 (no instruction runs).
    pub after_cache: f64,
    /// (served by the cache, allowed whatever the arguments), below the
    /// kernel's bitmap.
    pub cached: (usize, usize),
    /// Instructions for `write(fd, ...)` with fd 1, 2 and 3.
    pub write: [usize; 3],
    /// Instructions for each call figure 2 times (0 when the kernel's
    /// cache answers it).
    pub probes: Vec<usize>,
}

/// Instructions executed for `nr` with `args` (the final `ret` included).
pub fn steps(prog: &[SockFilter], nr: u32, args: [u64; 6]) -> usize {
    emu::run(prog, &inputs::data(nr, args), false).map_or(0, |e| e.steps)
}

fn cached(prog: &[SockFilter], nr: u32) -> bool {
    emu::is_const_allow(prog, AUDIT_ARCH_X86_64, nr)
}

/// Numbers below the kernel's bitmap the program allows for every vector.
fn always_allowed(prog: &[SockFilter], vectors: &[[u64; 6]]) -> Vec<u32> {
    let size = emu::seccomp_arch_nr(Arch::X86_64);
    (0..size)
        .filter(|&nr| {
            vectors.iter().all(|&v| {
                let ret = emu::run(prog, &inputs::data(nr, v), false).map_or(0, |e| e.ret);
                Action::from_ret(ret) == Action::Allow
            })
        })
        .collect()
}

fn weighted(prog: &[SockFilter], mix: &Mix, cache: bool) -> f64 {
    let sum: f64 = mix
        .counts
        .iter()
        .map(|&(nr, n)| {
            let s = if cache && cached(prog, nr) {
                0
            } else {
                steps(prog, nr, [0; 6])
            };
            n as f64 * s as f64
        })
        .sum();
    sum / mix.total().max(1) as f64
}

/// The figures of one program built for `policy`.
pub fn shape(policy: &Policy, built: &Built, mixes: &[Mix]) -> Shape {
    let prog = &built.program;
    let vectors = inputs::vectors(&policy.rules);
    let total: usize = NUMBERS.map(|nr| steps(prog, nr, [0; 6])).sum();
    let worst = NUMBERS
        .flat_map(|nr| vectors.iter().map(move |&v| (nr, v)))
        .map(|(nr, v)| steps(prog, nr, v))
        .max()
        .unwrap_or(0);
    let allowed = always_allowed(prog, &vectors);
    let served = allowed.iter().filter(|&&nr| cached(prog, nr)).count();
    let after: f64 =
        mixes.iter().map(|m| weighted(prog, m, true)).sum::<f64>() / mixes.len().max(1) as f64;
    let write = |fd| steps(prog, 1, [fd, 0, 0, 0, 0, 0]);
    Shape {
        len: prog.len(),
        mean: total as f64 / NUMBERS.len() as f64,
        worst,
        weighted: mixes.iter().map(|m| weighted(prog, m, false)).collect(),
        after_cache: after,
        cached: (served, allowed.len()),
        write: [write(1), write(2), write(3)],
        probes: policy
            .probes
            .iter()
            .map(|p| {
                if cached(prog, p.nr) {
                    0
                } else {
                    steps(prog, p.nr, p.args)
                }
            })
            .collect(),
    }
}
