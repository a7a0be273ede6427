//! The filters the traced program installed, as it wrote them, and what
//! they would have done with a call.
//!
//! The kernel keeps a task's filters as a list, newest first, each pointing
//! to the one below it (`seccomp_filter.prev`); a child inherits its
//! parent's list, and TSYNC gives every thread the caller's. It runs all of
//! them and keeps the return with the lowest action value
//! (`seccomp_run_filters`: `ACTION_ONLY(cur) < ACTION_ONLY(ret)`, as signed
//! 32-bit numbers, so `SECCOMP_RET_KILL_PROCESS` comes first). The tracer
//! mirrors those lists here with the *original* programs, and replays them
//! with the compiler's emulator to know the verdict the rewritten programs
//! no longer give.

use seccomp_compiler::bpf::{
    SECCOMP_RET_ACTION_FULL, SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS, SeccompData, SockFilter,
};
use seccomp_compiler::emu;

/// Index of a filter in [`Filters`]; also the `SECCOMP_RET_DATA` of its
/// rewritten returns.
pub type FilterId = u16;

/// One filter a process asked to install.
#[derive(Clone, Debug)]
pub struct Filter {
    /// The program as the process wrote it.
    pub original: Vec<SockFilter>,
    /// The filter below it in the installing task's list.
    pub prev: Option<FilterId>,
}

/// Every filter seen, in the order of the installs.
#[derive(Debug)]
pub struct Filters {
    list: Vec<Filter>,
    /// Byte order of `seccomp_data` (the kernel's, whatever the caller's ABI).
    big_endian: bool,
    /// Ids stay below this, which the interceptor's tag uses.
    limit: usize,
}

impl Filters {
    pub fn new(big_endian: bool, limit: u16) -> Filters {
        Filters {
            list: Vec::new(),
            big_endian,
            limit: usize::from(limit),
        }
    }

    /// Registers a filter, or `None` when the tags are used up (65,535
    /// installs in one run).
    pub fn add(&mut self, filter: Filter) -> Option<FilterId> {
        let id = FilterId::try_from(self.list.len())
            .ok()
            .filter(|&id| usize::from(id) < self.limit)?;
        // Ids grow, so a chain of `prev` always ends.
        debug_assert!(filter.prev.is_none_or(|p| p < id));
        self.list.push(filter);
        Some(id)
    }

    pub fn get(&self, id: FilterId) -> Option<&Filter> {
        self.list.get(usize::from(id))
    }

    /// The return value the filters from `top` down would have given, as
    /// the kernel combines them; `SECCOMP_RET_ALLOW` for no filter.
    pub fn verdict(&self, top: Option<FilterId>, data: &SeccompData) -> u32 {
        let mut ret = SECCOMP_RET_ALLOW;
        let mut next = top;
        while let Some(filter) = next.and_then(|id| self.get(id)) {
            let current = self.run(&filter.original, data);
            if action_only(current) < action_only(ret) {
                ret = current;
            }
            next = filter.prev;
        }
        ret
    }

    fn run(&self, prog: &[SockFilter], data: &SeccompData) -> u32 {
        // The kernel checked the program when it installed it; one that
        // fails here anyway is counted as the strictest action.
        emu::run(prog, data, self.big_endian).map_or(SECCOMP_RET_KILL_PROCESS, |e| e.ret)
    }
}

/// `ACTION_ONLY` (kernel/seccomp.c): the action bits as a signed number.
fn action_only(ret: u32) -> i32 {
    // The reinterpretation the kernel's `(s32)` cast makes.
    (ret & SECCOMP_RET_ACTION_FULL) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::bpf::{
        BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, SECCOMP_RET_ERRNO,
        SECCOMP_RET_LOG, bpf_jump, bpf_stmt,
    };

    /// `nr == refused ? refusal : allow`.
    fn refuse(refused: u32, refusal: u32) -> Vec<SockFilter> {
        vec![
            bpf_stmt(BPF_LD | BPF_W | BPF_ABS, 0),
            bpf_jump(BPF_JMP | BPF_JEQ | BPF_K, refused, 0, 1),
            bpf_stmt(BPF_RET | BPF_K, refusal),
            bpf_stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        ]
    }

    fn call(nr: u32) -> SeccompData {
        SeccompData {
            nr,
            ..SeccompData::default()
        }
    }

    #[test]
    fn the_strictest_action_of_the_chain_wins() {
        let mut filters = Filters::new(false, 0xffff);
        let kill = filters
            .add(Filter {
                original: refuse(39, SECCOMP_RET_KILL_PROCESS),
                prev: None,
            })
            .unwrap();
        let errno = filters
            .add(Filter {
                original: refuse(39, SECCOMP_RET_ERRNO | 1),
                prev: Some(kill),
            })
            .unwrap();
        let log = filters
            .add(Filter {
                original: refuse(40, SECCOMP_RET_LOG),
                prev: Some(errno),
            })
            .unwrap();
        assert_eq!(
            filters.verdict(Some(log), &call(39)),
            SECCOMP_RET_KILL_PROCESS
        );
        assert_eq!(filters.verdict(Some(log), &call(40)), SECCOMP_RET_LOG);
        assert_eq!(filters.verdict(Some(log), &call(41)), SECCOMP_RET_ALLOW);
        // A sibling chain that does not contain the kill.
        let other = filters
            .add(Filter {
                original: refuse(39, SECCOMP_RET_ERRNO | 2),
                prev: None,
            })
            .unwrap();
        assert_eq!(
            filters.verdict(Some(other), &call(39)),
            SECCOMP_RET_ERRNO | 2
        );
        assert_eq!(filters.verdict(None, &call(39)), SECCOMP_RET_ALLOW);
    }

    #[test]
    fn ids_stay_below_the_limit() {
        let mut filters = Filters::new(false, 2);
        let f = || Filter {
            original: refuse(1, SECCOMP_RET_ALLOW),
            prev: None,
        };
        assert_eq!(filters.add(f()), Some(0));
        assert_eq!(filters.add(f()), Some(1));
        assert_eq!(filters.add(f()), None);
    }
}
