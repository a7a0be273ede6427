//! Syscall dispatch: the numbers 0..=u32::MAX cut into maximal runs of
//! consecutive numbers that get the same code, searched by a binary tree of
//! `jge` comparisons on `nr`. The tree is the optimal alphabetic tree for
//! the runs' weights (Knuth's O(n^2) dynamic program), so frequent runs sit
//! near the root. Only `nr` is read on the way, with jumps the kernel's
//! constant-action cache understands.
//!
//! Plain loops: this crate is compiled unoptimised in every build that
//! uses the macro, where each iterator chain instantiates std's adapters.

use super::dag::{Dag, JumpOp, NodeId};
use crate::program::K;

/// Numbers `lo..=hi` all get leaf `leaf`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub lo: u32,
    pub hi: u32,
    pub leaf: usize,
}

/// Cuts 0..=u32::MAX into runs. `leaf_of(nr)` is consulted for every
/// number in `known` (sorted ascending); numbers between them get
/// `gap_leaf`, and numbers from `top` on (if any) `top_leaf`.
pub fn runs(
    known: impl IntoIterator<Item = u32>,
    mut leaf_of: impl FnMut(u32) -> usize,
    gap_leaf: usize,
    top: Option<(u32, usize)>,
) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut push = |lo: u32, hi: u32, leaf: usize| match out.last_mut() {
        Some(last) if last.leaf == leaf && last.hi.checked_add(1) == Some(lo) => last.hi = hi,
        _ => out.push(Run { lo, hi, leaf }),
    };
    let limit = match top {
        Some((t, _)) => u64::from(t),
        None => u64::from(u32::MAX) + 1,
    };
    let mut next: u64 = 0;
    for nr in known {
        if u64::from(nr) >= limit {
            break;
        }
        if u64::from(nr) > next {
            // `next` < `nr` <= u32::MAX here.
            push(next as u32, nr - 1, gap_leaf);
        }
        push(nr, nr, leaf_of(nr));
        next = u64::from(nr) + 1;
    }
    if next < limit {
        // Both bounds are at most 2^32 - 1 once `limit` - 1 is taken.
        push(next as u32, (limit - 1) as u32, gap_leaf);
    }
    if let Some((t, leaf)) = top {
        push(t, u32::MAX, leaf);
    }
    out
}

/// Each run's weight: how many of its numbers lie below `horizon` (the
/// numbers real syscalls use), but at least the average run's weight, times
/// `boost(leaf)`.
///
/// Optimising for the count alone sinks rarely hit runs (the x32 range,
/// numbers past the table) deep into the tree; with the floor no run is
/// deeper than about 1.44 log2(runs) + 2, for a mean barely higher
/// (x86_64 `@system-service`: mean 8.90 and worst 11 instructions, against
/// 8.75 and 13 without the floor).
pub fn weights(runs: &[Run], horizon: u32, boost: &dyn Fn(usize) -> u64) -> Vec<u64> {
    let mut counts: Vec<u64> = Vec::with_capacity(runs.len());
    let mut total = 0;
    for r in runs {
        let count = if r.lo >= horizon {
            0
        } else {
            u64::from(r.hi.min(horizon - 1) - r.lo) + 1
        };
        counts.push(count);
        total += count;
    }
    // Scaled by the number of runs so the floor (total / runs) is exact.
    let n = counts.len() as u64;
    let mut weights = counts;
    for (i, r) in runs.iter().enumerate() {
        weights[i] = (weights[i] * n).max(total).max(1) * boost(r.leaf);
    }
    weights
}

/// A search tree over runs `i..j`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tree {
    Leaf(usize),
    /// Runs before `at` go left, runs from `at` on go right.
    Split {
        at: usize,
        left: Box<Tree>,
        right: Box<Tree>,
    },
}

/// The tree minimising sum(weight * depth) over leaves kept in order.
pub fn optimal_tree(weights: &[u64]) -> Tree {
    let n = weights.len();
    assert!(
        n > 0,
        "the runs cover every number, so there is at least one"
    );
    let mut prefix_sums: Vec<u64> = Vec::with_capacity(n + 1);
    let mut sum = 0;
    prefix_sums.push(sum);
    for w in weights {
        sum += w;
        prefix_sums.push(sum);
    }
    let prefix = &prefix_sums[..];
    let width = n + 1;
    let mut cost_table = vec![0u64; width * width];
    let mut root_table = vec![0usize; width * width];
    // Plain slices and `while` loops: this runs in the unoptimised builds
    // cargo gives proc macros, where indexing a `Vec`, stepping a range
    // and `min`/`max` are each a function call, and the inner loop runs
    // some 10^5 times per architecture for a large policy.
    let (cost, root) = (&mut cost_table[..], &mut root_table[..]);
    let mut i = 0;
    while i < n {
        root[i * width + i + 1] = i + 1;
        i += 1;
    }
    let mut len = 2;
    while len <= n {
        let mut i = 0;
        while i + len <= n {
            let j = i + len;
            // Knuth: the best split moves monotonically with the interval.
            let lo = larger(root[i * width + j - 1], i + 1);
            let hi = smaller(root[(i + 1) * width + j], j - 1);
            let (mut best, mut k) = (u64::MAX, lo);
            let (row, mut split) = (i * width, lo);
            while split <= hi {
                let c = cost[row + split] + cost[split * width + j];
                if c < best {
                    (best, k) = (c, split);
                }
                split += 1;
            }
            cost[row + j] = best + prefix[j] - prefix[i];
            root[row + j] = k;
            i += 1;
        }
        len += 1;
    }
    build(&root_table, width, 0, n)
}

fn larger(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

fn smaller(a: usize, b: usize) -> usize {
    if a < b { a } else { b }
}

fn build(root: &[usize], width: usize, i: usize, j: usize) -> Tree {
    if j - i == 1 {
        return Tree::Leaf(i);
    }
    let at = root[i * width + j];
    Tree::Split {
        at,
        left: Box::new(build(root, width, i, at)),
        right: Box::new(build(root, width, at, j)),
    }
}

/// Emits the tree; `leaf_code[run.leaf]` is the code for each leaf.
pub fn emit(tree: &Tree, runs: &[Run], leaf_code: &[NodeId], dag: &mut Dag) -> NodeId {
    match tree {
        Tree::Leaf(r) => leaf_code[runs[*r].leaf],
        Tree::Split { at, left, right } => {
            let f = emit(left, runs, leaf_code, dag);
            let t = emit(right, runs, leaf_code, dag);
            dag.jump(JumpOp::Ge, K::Const(runs[*at].lo), t, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_equal_neighbours_and_fill_gaps() {
        let leaf = |nr: u32| if nr == 3 { 1 } else { 0 };
        let r = runs([0, 1, 2, 3, 4, 10], leaf, 9, Some((0x4000_0000, 7)));
        assert_eq!(
            r,
            vec![
                Run {
                    lo: 0,
                    hi: 2,
                    leaf: 0
                },
                Run {
                    lo: 3,
                    hi: 3,
                    leaf: 1
                },
                Run {
                    lo: 4,
                    hi: 4,
                    leaf: 0
                },
                Run {
                    lo: 5,
                    hi: 9,
                    leaf: 9
                },
                Run {
                    lo: 10,
                    hi: 10,
                    leaf: 0
                },
                Run {
                    lo: 11,
                    hi: 0x3fff_ffff,
                    leaf: 9
                },
                Run {
                    lo: 0x4000_0000,
                    hi: u32::MAX,
                    leaf: 7
                },
            ]
        );
        let all = runs([0, u32::MAX], |_| 0, 0, None);
        assert_eq!(
            all,
            vec![Run {
                lo: 0,
                hi: u32::MAX,
                leaf: 0
            }]
        );
    }

    fn depths(t: &Tree, d: u64, out: &mut Vec<(usize, u64)>) {
        match t {
            Tree::Leaf(i) => out.push((*i, d)),
            Tree::Split { left, right, .. } => {
                depths(left, d + 1, out);
                depths(right, d + 1, out);
            }
        }
    }

    /// Exhaustive minimum over all trees, to check the DP against.
    fn brute(w: &[u64]) -> u64 {
        if w.len() == 1 {
            return 0;
        }
        let total: u64 = w.iter().sum();
        (1..w.len())
            .map(|k| brute(&w[..k]) + brute(&w[k..]))
            .min()
            .unwrap()
            + total
    }

    #[test]
    fn the_tree_is_optimal() {
        let cases: [&[u64]; 5] = [
            &[1],
            &[1, 1],
            &[5, 1, 1, 1, 1],
            &[1, 2, 3, 4, 5, 6, 7],
            &[9, 1, 1, 9, 1, 30, 2, 2],
        ];
        for w in cases {
            let mut d = Vec::new();
            depths(&optimal_tree(w), 0, &mut d);
            let cost: u64 = d.iter().map(|&(i, depth)| w[i] * depth).sum();
            assert_eq!(cost, brute(w), "{w:?}");
            assert_eq!(
                d.iter().map(|&(i, _)| i).collect::<Vec<_>>(),
                (0..w.len()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn equal_weights_give_a_balanced_tree() {
        let mut d = Vec::new();
        depths(&optimal_tree(&[1; 64]), 0, &mut d);
        assert!(d.iter().all(|&(_, depth)| depth == 6));
    }
}
