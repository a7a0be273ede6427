//! The syscalls the cases make. Each case runs twice, once unfiltered, so
//! every call here must be harmless with any argument values the
//! generator puts in its free registers, and must give the same result in
//! two fresh children of the driver. The driver's child closes every file
//! descriptor before the call, so a descriptor argument names nothing and
//! the descriptor calls below fail with EBADF before they look at any
//! buffer or pointer.

/// A syscall the driver may make.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// The kernel's name (the compiler's table name).
    pub name: &'static str,
    /// Registers that must hold this value for the call to be harmless;
    /// a policy may not put a condition on them.
    pub fixed: &'static [(usize, u64)],
}

const fn free(name: &'static str) -> Probe {
    Probe { name, fixed: &[] }
}

/// Every probe. Those an architecture's table does not know are skipped
/// there.
pub const PROBES: [Probe; 16] = [
    // Returns the driver's pid in both children.
    free("getppid"),
    // Sets the child's umask; returns the driver's.
    free("umask"),
    // Sets the calling thread's personality; returns the driver's.
    free("personality"),
    // EBADF (no descriptor is open).
    free("close"),
    free("write"),
    free("read"),
    free("ioctl"),
    free("lseek"),
    free("fcntl"),
    free("fcntl64"),
    free("fsync"),
    free("fdatasync"),
    free("fchdir"),
    // EINVAL for flags other than O_CLOEXEC, EBADF otherwise.
    free("dup3"),
    // A new descriptor, the lowest free one (0), or EINVAL for bad flags.
    free("eventfd2"),
    // EINVAL for a call number out of range, EFAULT otherwise: the
    // arguments are read from `args`, which must stay NULL.
    Probe {
        name: "socketcall",
        fixed: &[(1, 0)],
    },
];

/// The probes made through another ABI, whose numbers can mean other
/// syscalls there: only these, which every ABI has under its own number.
pub const GUARD_PROBES: [&str; 4] = ["getppid", "umask", "personality", "close"];

impl Probe {
    /// The value register `slot` must hold, if fixed.
    pub fn fixed_value(&self, slot: usize) -> Option<u64> {
        self.fixed.iter().find(|(s, _)| *s == slot).map(|&(_, v)| v)
    }
}
