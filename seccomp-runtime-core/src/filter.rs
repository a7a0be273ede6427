//! The program format the kernel reads, and the actions a program returns.

/// One classic-BPF instruction: the kernel's `struct sock_filter`
/// (include/uapi/linux/filter.h), laid out exactly as the kernel reads it.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SockFilter {
    /// The opcode, e.g. `BPF_LD | BPF_W | BPF_ABS`.
    pub code: u16,
    /// Jump offset when a conditional jump's test holds.
    pub jt: u8,
    /// Jump offset when it does not.
    pub jf: u8,
    /// The operand: a constant, an offset into `seccomp_data`, or for
    /// `BPF_RET | BPF_K` the `SECCOMP_RET_*` action and its data.
    pub k: u32,
}

impl SockFilter {
    /// An instruction, as `BPF_STMT`/`BPF_JUMP` build it.
    pub const fn new(code: u16, jt: u8, jf: u8, k: u32) -> SockFilter {
        SockFilter { code, jt, jf, k }
    }
}

/// `BPF_RET | BPF_K` (include/uapi/linux/bpf_common.h): return the constant
/// `k`. The only way a program names an action outright.
pub(crate) const BPF_RET_K: u16 = 0x06;

/// `BPF_MAXINSNS` (include/uapi/linux/bpf_common.h): the longest program the
/// kernel accepts.
pub const BPF_MAXINSNS: usize = 4096;

// Actions, include/uapi/linux/seccomp.h. The kernel acts on
// `value & SECCOMP_RET_ACTION_FULL`; the low 16 bits are data (an errno, a
// tracer's message).

/// Kill the whole process, as by an uncatchable SIGSYS (Linux 4.14+).
pub const SECCOMP_RET_KILL_PROCESS: u32 = 0x8000_0000;
/// Kill the calling thread only (the original "kill", value 0).
pub const SECCOMP_RET_KILL_THREAD: u32 = 0x0000_0000;
/// Send the thread a catchable SIGSYS (see `report_violations`).
pub const SECCOMP_RET_TRAP: u32 = 0x0003_0000;
/// Fail the syscall with the errno in the low 16 bits.
pub const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
/// Hand the syscall to a user-space supervisor (Linux 5.0+).
pub const SECCOMP_RET_USER_NOTIF: u32 = 0x7fc0_0000;
/// Notify a ptrace tracer; fail with ENOSYS if there is none.
pub const SECCOMP_RET_TRACE: u32 = 0x7ff0_0000;
/// Allow, after logging the syscall (Linux 4.14+).
pub const SECCOMP_RET_LOG: u32 = 0x7ffc_0000;
/// Allow.
pub const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
/// The bits of a return value that select the action.
pub const SECCOMP_RET_ACTION_FULL: u32 = 0xffff_0000;
/// The bits of a return value that carry the action's data.
pub const SECCOMP_RET_DATA: u32 = 0x0000_ffff;

/// Every action this crate knows, with the policy language's name and the
/// kernel's.
pub(crate) const ACTIONS: [(u32, &str, &str); 8] = [
    (
        SECCOMP_RET_KILL_PROCESS,
        "kill_process",
        "SECCOMP_RET_KILL_PROCESS",
    ),
    (
        SECCOMP_RET_KILL_THREAD,
        "kill_thread",
        "SECCOMP_RET_KILL_THREAD",
    ),
    (SECCOMP_RET_TRAP, "trap", "SECCOMP_RET_TRAP"),
    (SECCOMP_RET_ERRNO, "errno", "SECCOMP_RET_ERRNO"),
    (
        SECCOMP_RET_USER_NOTIF,
        "user_notif",
        "SECCOMP_RET_USER_NOTIF",
    ),
    (SECCOMP_RET_TRACE, "trace", "SECCOMP_RET_TRACE"),
    (SECCOMP_RET_LOG, "log", "SECCOMP_RET_LOG"),
    (SECCOMP_RET_ALLOW, "allow", "SECCOMP_RET_ALLOW"),
];

/// The actions every kernel with seccomp filters (Linux 3.5+) knows: the
/// ones that predate `SECCOMP_GET_ACTION_AVAIL` (Linux 4.14).
pub(crate) const ORIGINAL_ACTIONS: [u32; 5] = [
    SECCOMP_RET_KILL_THREAD,
    SECCOMP_RET_TRAP,
    SECCOMP_RET_ERRNO,
    SECCOMP_RET_TRACE,
    SECCOMP_RET_ALLOW,
];

/// The position of `action` (already masked) in [`ACTIONS`].
pub(crate) fn action_index(action: u32) -> Option<usize> {
    ACTIONS.iter().position(|&(value, _, _)| value == action)
}
