//! Turning a program's returns into `SECCOMP_RET_TRACE | tag` before the
//! kernel copies it, so the tracer is told about a call instead of the
//! call being refused.
//!
//! Why this works: a `SECCOMP_RET_TRACE` stops the tracee at
//! `PTRACE_EVENT_SECCOMP`; when the tracer resumes it, the kernel runs the
//! filters again and, on that recheck, takes `SECCOMP_RET_TRACE` as "allow"
//! (kernel/seccomp.c, `__seccomp_filter`, `recheck_after_trace`). So a
//! rewritten refusal reaches the tracer once, then the call runs.
//!
//! Which returns are rewritten (only `BPF_RET | BPF_K` and `BPF_RET |
//! BPF_A` exist in a seccomp program: `seccomp_check_filter`):
//!
//! - every refusal (kill, trap, errno, trace, and `user_notif` when the
//!   filter has no listener, where the kernel answers ENOSYS);
//! - `ret A`, whose value is only known at run time: the tracer replays the
//!   original program to tell what it would have returned;
//! - with [`Rewrite::Everything`], also `allow` and `log`, so every call the
//!   filter sees reaches the tracer.
//!
//! Left alone: `allow` and `log` (they let the call run anyway);
//! `user_notif` of a filter installed with `SECCOMP_FILTER_FLAG_NEW_LISTENER`
//! (its supervisor answers those calls; rewriting them would starve it);
//! and `trap` when asked to keep traps, for programs that emulate syscalls
//! in a SIGSYS handler.

use seccomp_compiler::bpf::{
    BPF_A, BPF_K, BPF_RET, SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_LOG,
    SECCOMP_RET_TRACE, SECCOMP_RET_TRAP, SECCOMP_RET_USER_NOTIF, SockFilter,
};

/// Which returns become traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rewrite {
    /// Returns that refuse the call, and `ret A`.
    Refusals {
        /// Leave `trap` returns as they are.
        keep_trap: bool,
    },
    /// Every return but a listener's `user_notif`.
    Everything,
}

/// What is known about the filter being installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// Installed with `SECCOMP_FILTER_FLAG_NEW_LISTENER`.
    pub listener: bool,
    /// The `SECCOMP_RET_DATA` the rewritten returns carry.
    pub tag: u16,
}

/// The instructions to change: `(index, new instruction)`.
pub fn rewrite(prog: &[SockFilter], how: Rewrite, cx: Context) -> Vec<(usize, SockFilter)> {
    let trace = SECCOMP_RET_TRACE | u32::from(cx.tag);
    prog.iter()
        .enumerate()
        .filter(|(_, insn)| becomes_trace(insn, how, cx))
        .map(|(i, insn)| {
            let new = SockFilter {
                code: BPF_RET | BPF_K,
                k: trace,
                ..*insn
            };
            (i, new)
        })
        .collect()
}

fn becomes_trace(insn: &SockFilter, how: Rewrite, cx: Context) -> bool {
    if insn.code == BPF_RET | BPF_A {
        return true;
    }
    if insn.code != BPF_RET | BPF_K {
        return false;
    }
    match insn.k & SECCOMP_RET_ACTION_FULL {
        SECCOMP_RET_USER_NOTIF if cx.listener => false,
        SECCOMP_RET_ALLOW | SECCOMP_RET_LOG => how == Rewrite::Everything,
        SECCOMP_RET_TRAP => how != Rewrite::Refusals { keep_trap: true },
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::bpf::{SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS};

    fn ret(k: u32) -> SockFilter {
        SockFilter {
            code: BPF_RET | BPF_K,
            jt: 0,
            jf: 0,
            k,
        }
    }

    const LOAD_NR: SockFilter = SockFilter {
        code: 0x20,
        jt: 0,
        jf: 0,
        k: 0,
    };
    const RET_A: SockFilter = SockFilter {
        code: BPF_RET | BPF_A,
        jt: 0,
        jf: 0,
        k: 0,
    };

    fn program() -> Vec<SockFilter> {
        vec![
            LOAD_NR,
            ret(SECCOMP_RET_ALLOW),
            ret(SECCOMP_RET_LOG),
            ret(SECCOMP_RET_KILL_PROCESS),
            ret(SECCOMP_RET_ERRNO | 1),
            ret(SECCOMP_RET_TRAP),
            ret(SECCOMP_RET_USER_NOTIF),
            ret(SECCOMP_RET_TRACE | 7),
            RET_A,
        ]
    }

    fn changed(how: Rewrite, listener: bool) -> Vec<usize> {
        let cx = Context { listener, tag: 3 };
        let changes = rewrite(&program(), how, cx);
        for (_, insn) in &changes {
            assert_eq!(*insn, ret(SECCOMP_RET_TRACE | 3));
        }
        changes.into_iter().map(|(i, _)| i).collect()
    }

    #[test]
    fn refusals_and_ret_a_become_traces() {
        let how = Rewrite::Refusals { keep_trap: false };
        assert_eq!(changed(how, false), [3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn a_listeners_user_notif_and_kept_traps_stay() {
        assert_eq!(
            changed(Rewrite::Refusals { keep_trap: true }, true),
            [3, 4, 7, 8]
        );
    }

    #[test]
    fn everything_traces_all_but_the_listener() {
        assert_eq!(changed(Rewrite::Everything, true), [1, 2, 3, 4, 5, 7, 8]);
    }
}
