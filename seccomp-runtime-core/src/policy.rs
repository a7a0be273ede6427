//! `Policy`: a compiled program and what it takes to install it safely.

use core::fmt;

use crate::error::{Error, InvalidProgram};
use crate::filter::{
    BPF_MAXINSNS, BPF_RET_K, ORIGINAL_ACTIONS, SECCOMP_RET_ACTION_FULL, SockFilter, action_index,
};
use crate::flags::Flags;
use crate::sys::{self, Errno};

/// A seccomp filter ready to install: the program for the running
/// architecture, the actions it returns, and optionally the names of this
/// architecture's syscalls for violation reports.
///
/// `const`-constructible, so it lives in a `static`; `seccomp_policy!`
/// expands to one.
#[derive(Clone, Copy)]
pub struct Policy {
    program: &'static [SockFilter],
    actions: &'static [u32],
    names: &'static [(u32, &'static str)],
}

impl Policy {
    /// For generated code and for users with their own BPF: `program` is
    /// the filter for the running architecture; `actions` lists every
    /// distinct `SECCOMP_RET_*` action (`value & SECCOMP_RET_ACTION_FULL`)
    /// the program can return; `names` is the `(nr, name)` table of this
    /// architecture for violation reports, empty unless the policy asked for
    /// it.
    ///
    /// Nothing is checked here (a `const fn` cannot ask the kernel);
    /// [`apply`](Policy::apply) checks the length and the actions.
    pub const fn from_parts(
        program: &'static [SockFilter],
        actions: &'static [u32],
        names: &'static [(u32, &'static str)],
    ) -> Policy {
        Policy {
            program,
            actions,
            names,
        }
    }

    /// Installs the filter on every thread of the process (`TSYNC`), after
    /// setting `no_new_privs`. See the [crate docs](crate) for what is
    /// checked first.
    pub fn apply(&self) -> Result<(), Error> {
        self.apply_with(Flags::TSYNC)
    }

    /// Installs the filter on the calling thread only, after setting its
    /// `no_new_privs`. Threads it starts later inherit the filter; threads
    /// already running stay unfiltered. Falls back to
    /// `prctl(PR_SET_SECCOMP)` on kernels without `seccomp(2)`.
    pub fn apply_to_current_thread(&self) -> Result<(), Error> {
        self.apply_with(Flags::empty())
    }

    /// Installs the filter with explicit [`Flags`] (without
    /// [`Flags::TSYNC`] only on the calling thread). Without flags, falls
    /// back to `prctl(PR_SET_SECCOMP)` on kernels without `seccomp(2)`; with
    /// flags it returns [`Error::NoSeccompSyscall`] there instead.
    pub fn apply_with(&self, flags: Flags) -> Result<(), Error> {
        self.check_len()?;
        self.check_actions()?;
        sys::set_no_new_privs().map_err(|errno| match errno {
            // PR_SET_NO_NEW_PRIVS arrived in Linux 3.5, with filters.
            Errno::EINVAL => Error::Unsupported,
            Errno(errno) => Error::Errno(errno),
        })?;
        // Published before installing: with TSYNC another thread may trap the
        // moment the filter is in place.
        let previous = sys::publish_names(self.names);
        let installed = install(self.program, flags);
        if installed.is_err() {
            sys::publish_names(previous);
        }
        installed
    }

    /// The raw program: [`len`](Policy::len) 8-byte `sock_filter` records
    /// in native byte order, as the kernel reads them and as `bwrap
    /// --seccomp FD` and libseccomp's `seccomp_export_bpf` expect.
    pub fn as_bytes(&self) -> &'static [u8] {
        sys::filter_bytes(self.program)
    }

    /// The number of instructions.
    pub fn len(&self) -> usize {
        self.program.len()
    }

    /// Whether the program has no instructions (and so cannot be applied).
    pub fn is_empty(&self) -> bool {
        self.program.is_empty()
    }

    /// The instructions.
    pub fn program(&self) -> &'static [SockFilter] {
        self.program
    }

    fn check_len(&self) -> Result<(), InvalidProgram> {
        match self.program.len() {
            0 => Err(InvalidProgram::Empty),
            len if len > BPF_MAXINSNS => Err(InvalidProgram::TooLong { len }),
            _ => Ok(()),
        }
    }

    /// Refuses to install a filter the kernel would run differently from
    /// what was written: every action in `actions`, and every action a
    /// `ret #k` of the program names, must be known to the kernel.
    fn check_actions(&self) -> Result<(), Error> {
        let returned = self
            .program
            .iter()
            .filter(|insn| insn.code == BPF_RET_K)
            .map(|insn| insn.k);
        let mut seen = SeenActions::default();
        let mut kernel = Availability::Ask;
        for action in self.actions.iter().copied().chain(returned) {
            let action = action & SECCOMP_RET_ACTION_FULL;
            if seen.first_time(action) && !kernel.knows(action)? {
                return Err(Error::ActionUnavailable { action });
            }
        }
        Ok(())
    }
}

/// How to learn whether the kernel knows an action.
enum Availability {
    /// With `SECCOMP_GET_ACTION_AVAIL` (Linux 4.14+).
    Ask,
    /// From the list of actions every seccomp kernel knows: the kernel
    /// predates the question.
    Original,
}

impl Availability {
    fn knows(&mut self, action: u32) -> Result<bool, Error> {
        if let Availability::Ask = self {
            match sys::seccomp_get_action_avail(action) {
                Ok(()) => return Ok(true),
                Err(Errno::EOPNOTSUPP) => return Ok(false),
                // Before 4.14 the operation is unknown (EINVAL); before 3.17
                // there is no seccomp(2) at all (ENOSYS).
                Err(Errno::EINVAL | Errno::ENOSYS) => *self = Availability::Original,
                Err(Errno(errno)) => return Err(Error::Errno(errno)),
            }
        }
        Ok(ORIGINAL_ACTIONS.contains(&action))
    }
}

/// The known actions already checked, so a program with hundreds of
/// `ret` instructions costs one syscall per distinct action. Unknown values
/// are always checked again (the first check normally fails anyway).
#[derive(Default)]
struct SeenActions(u8);

impl SeenActions {
    fn first_time(&mut self, action: u32) -> bool {
        let Some(index) = action_index(action) else {
            return true;
        };
        let bit = 1u8 << index;
        let first = self.0 & bit == 0;
        self.0 |= bit;
        first
    }
}

/// Installs `program`, falling back to prctl where seccomp(2) is missing.
fn install(program: &'static [SockFilter], flags: Flags) -> Result<(), Error> {
    match sys::seccomp_set_mode_filter(flags.bits(), program) {
        Ok(0) => Ok(()),
        // With TSYNC the kernel names the thread it could not synchronise
        // (a pid_t, so it fits an i32).
        Ok(thread) if flags.contains(Flags::TSYNC) => Err(Error::TsyncFailed {
            thread: i32::try_from(thread).ok(),
        }),
        // Without TSYNC (and without NEW_LISTENER, which this crate does not
        // offer) success is 0; anything else is success all the same.
        Ok(_) => Ok(()),
        Err(Errno::ENOSYS) if flags.is_empty() => install_with_prctl(program),
        Err(Errno::ENOSYS) => Err(Error::NoSeccompSyscall { flags }),
        Err(Errno::EINVAL) => Err(explain_einval(flags)),
        Err(Errno::EACCES) => Err(Error::PermissionDenied),
        Err(Errno::ESRCH) if flags.contains(Flags::TSYNC | Flags::TSYNC_ESRCH) => {
            Err(Error::TsyncFailed { thread: None })
        }
        Err(Errno(errno)) => Err(Error::Errno(errno)),
    }
}

/// EINVAL from seccomp(2) means unknown flags, no filter support, or a
/// program the kernel's checker refused. The kernel validates the flags
/// before it reads the program, so asking again with no program tells them
/// apart: EINVAL once more means the flags (or the operation) are the
/// problem, anything else (EFAULT) means the program was.
fn explain_einval(flags: Flags) -> Error {
    if sys::seccomp_probe_flags(flags.bits()) != Err(Errno::EINVAL) {
        Error::InvalidProgram(InvalidProgram::Rejected)
    } else if !flags.is_empty() && sys::seccomp_probe_flags(0) != Err(Errno::EINVAL) {
        Error::UnsupportedFlags { flags }
    } else {
        Error::Unsupported
    }
}

fn install_with_prctl(program: &'static [SockFilter]) -> Result<(), Error> {
    match sys::prctl_set_seccomp_filter(program) {
        Ok(()) => Ok(()),
        // EINVAL: a kernel without seccomp (PR_GET_SECCOMP fails too) or a
        // program its checker refused.
        Err(Errno::EINVAL) if sys::get_seccomp_mode() == Err(Errno::EINVAL) => {
            Err(Error::Unsupported)
        }
        Err(Errno::EINVAL) => Err(Error::InvalidProgram(InvalidProgram::Rejected)),
        Err(Errno::EACCES) => Err(Error::PermissionDenied),
        Err(Errno(errno)) => Err(Error::Errno(errno)),
    }
}

/// Shows the size and the actions, not thousands of instructions.
impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("len", &self.program.len())
            .field("actions", &ActionList(self.actions))
            .field("names", &self.names.len())
            .finish()
    }
}

struct ActionList(&'static [u32]);

impl fmt::Debug for ActionList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|action| ActionValue(*action)))
            .finish()
    }
}

struct ActionValue(u32);

impl fmt::Debug for ActionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match action_index(self.0 & SECCOMP_RET_ACTION_FULL) {
            Some(index) => f.write_str(crate::filter::ACTIONS[index].1),
            None => write!(f, "{:#010x}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{
        SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_TRAP,
    };
    use std::format;

    static PROG: [SockFilter; 3] = [
        SockFilter::new(0x20, 0, 0, 0),
        SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | 1),
        SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ];
    static POLICY: Policy = Policy::from_parts(
        &PROG,
        &[SECCOMP_RET_ERRNO, SECCOMP_RET_ALLOW],
        &[(39, "getpid")],
    );

    #[test]
    fn accessors() {
        assert_eq!(POLICY.len(), 3);
        assert!(!POLICY.is_empty());
        assert_eq!(POLICY.program(), &PROG);
        assert_eq!(POLICY.as_bytes().len(), 24);
        assert_eq!(
            format!("{POLICY:?}"),
            "Policy { len: 3, actions: [errno, allow], names: 1 }"
        );
    }

    #[test]
    fn lengths_are_checked_before_anything_else() {
        static EMPTY: Policy = Policy::from_parts(&[], &[], &[]);
        static LONG_PROG: [SockFilter; BPF_MAXINSNS + 1] =
            [SockFilter::new(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW); BPF_MAXINSNS + 1];
        static LONG: Policy = Policy::from_parts(&LONG_PROG, &[SECCOMP_RET_ALLOW], &[]);
        assert_eq!(EMPTY.check_len(), Err(InvalidProgram::Empty));
        assert_eq!(LONG.check_len(), Err(InvalidProgram::TooLong { len: 4097 }));
        assert_eq!(POLICY.check_len(), Ok(()));
    }

    #[test]
    fn each_known_action_is_seen_once() {
        let mut seen = SeenActions::default();
        assert!(seen.first_time(SECCOMP_RET_TRAP));
        assert!(!seen.first_time(SECCOMP_RET_TRAP));
        assert!(seen.first_time(SECCOMP_RET_KILL_PROCESS));
        assert!(seen.first_time(0x7fe0_0000));
        assert!(seen.first_time(0x7fe0_0000));
    }

    #[test]
    fn original_actions_without_the_kernel() {
        let mut kernel = Availability::Original;
        assert_eq!(kernel.knows(SECCOMP_RET_ERRNO), Ok(true));
        assert_eq!(kernel.knows(SECCOMP_RET_KILL_PROCESS), Ok(false));
    }
}
