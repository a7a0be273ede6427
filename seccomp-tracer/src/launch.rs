//! Starting the traced child: a command, or a closure in a forked copy of
//! this process.

use crate::child::{self, Setup};
use crate::filters::{Filter, Filters};
use crate::interceptor::{self, INTERCEPTOR_TAG};
use crate::report::Report;
use crate::rewrite::{self, Context, Rewrite};
use crate::tracer::Tracer;
use crate::{Error, Mode};
use seccomp_compiler::Arch;
use seccomp_compiler::bpf::{BPF_MAXINSNS, SockFilter};
use std::ffi::{CStr, CString};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::Duration;

/// How to trace.
#[derive(Clone, Debug)]
pub struct Options {
    pub mode: Mode,
    /// A program the child installs before the command starts, whose
    /// refusals are recorded too ([`Mode::Refusals`] only).
    pub policy: Option<Vec<SockFilter>>,
    /// While tracing, this process ignores SIGINT and SIGQUIT, so that a
    /// Ctrl-C at the terminal ends the command and the report still comes
    /// (the command gets the signal from the terminal itself). Meant for
    /// command-line tools; it changes the whole process's dispositions.
    pub outlive_interrupts: bool,
}

impl Options {
    pub fn new(mode: Mode) -> Options {
        Options {
            mode,
            policy: None,
            outlive_interrupts: false,
        }
    }
}

/// The status a closure's child exits with when the closure panicked (as a
/// test binary does).
pub const PANICKED: i32 = 101;

/// Runs `path` with `argv` (the environment is this process's) under the
/// tracer until it and every process it started have exited.
pub fn trace_command(path: &CStr, argv: &[CString], options: &Options) -> Result<Report, Error> {
    let plan = Plan::new(options)?;
    let mut pointers: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    pointers.push(std::ptr::null());
    let pipe = ErrorPipe::new()?;
    // SAFETY: fork(2) has no memory arguments. The child makes only raw
    // syscalls (child.rs) before execv.
    match unsafe { libc::fork() } {
        -1 => Err(Error::os("fork", std::io::Error::last_os_error())),
        0 => {
            child::prepare(&plan.setup(pipe.write, false));
            child::exec(path, &pointers, pipe.write)
        }
        pid => plan.trace(pid, pipe, options, None),
    }
}

/// Runs `f` in a forked child of this process under the tracer, and
/// returns once it and every process it started have exited (or `timeout`
/// passed: then they are killed). The child exits with 0 after `f`, or with
/// [`PANICKED`] if `f` panicked.
///
/// The child is a copy of this process with one thread. Before `f` it only
/// makes raw syscalls; `f` itself may allocate (glibc's fork resets the
/// allocator's locks) but must not wait for a lock another thread of this
/// process held when it forked.
pub fn trace_closure<F: FnOnce()>(
    f: F,
    options: &Options,
    timeout: Option<Duration>,
) -> Result<Report, Error> {
    let plan = Plan::new(options)?;
    let pipe = ErrorPipe::new()?;
    // SAFETY: fork(2) has no memory arguments; see above for the child.
    match unsafe { libc::fork() } {
        -1 => Err(Error::os("fork", std::io::Error::last_os_error())),
        0 => {
            child::prepare(&plan.setup(pipe.write, true));
            let status = match catch_unwind(AssertUnwindSafe(f)) {
                Ok(()) => 0,
                Err(_) => PANICKED,
            };
            // SAFETY: _exit(2) ends the child without running the parent's
            // atexit handlers or flushing its copied buffers twice.
            unsafe { libc::_exit(status) }
        }
        pid => {
            let mut report = plan.trace(pid, pipe, options, timeout)?;
            report.executed = true;
            Ok(report)
        }
    }
}

/// The programs the child installs, built before the fork.
struct Plan {
    native: Arch,
    mode: Mode,
    filters: Filters,
    /// The policy, rewritten, and its filter id (0).
    policy: Option<Vec<libc::sock_filter>>,
    interceptor: Option<Vec<libc::sock_filter>>,
}

impl Plan {
    fn new(options: &Options) -> Result<Plan, Error> {
        let native = Arch::native().ok_or(Error::UnsupportedArch)?;
        let mut filters = Filters::new(native.is_big_endian(), INTERCEPTOR_TAG);
        let policy = match (&options.policy, options.mode) {
            (Some(original), Mode::Refusals { keep_trap }) => {
                if original.is_empty() || original.len() > BPF_MAXINSNS {
                    return Err(Error::PolicyLength {
                        len: original.len(),
                    });
                }
                let filter = Filter {
                    original: original.clone(),
                    prev: None,
                };
                // The first filter: id 0, far below the limit.
                let tag = filters.add(filter).expect("an empty registry");
                let cx = Context {
                    listener: false,
                    tag,
                };
                let mut rewritten = original.clone();
                for (i, insn) in rewrite::rewrite(original, Rewrite::Refusals { keep_trap }, cx) {
                    rewritten[i] = insn;
                }
                Some(to_libc(&rewritten))
            }
            _ => None,
        };
        let interceptor =
            (options.mode != Mode::Everything).then(|| to_libc(&interceptor::program(native)));
        Ok(Plan {
            native,
            mode: options.mode,
            filters,
            policy,
            interceptor,
        })
    }

    /// For a command, or (`closure`) for a closure in a forked child.
    fn setup(&self, errors: libc::c_int, closure: bool) -> Setup<'_> {
        Setup {
            policy: self.policy.as_deref(),
            interceptor: self.interceptor.as_deref(),
            errors,
            new_group: closure,
            reset_sigpipe: !closure,
        }
    }

    /// The parent's side: trace `pid` to the end.
    fn trace(
        self,
        pid: libc::pid_t,
        mut pipe: ErrorPipe,
        options: &Options,
        timeout: Option<Duration>,
    ) -> Result<Report, Error> {
        pipe.close_write();
        let _interrupts = options.outlive_interrupts.then(IgnoredInterrupts::new);
        let policy = self.policy.is_some().then_some(0);
        let mut tracer = Tracer::new(self.mode, self.native, pid, self.filters, policy);
        let watchdog = timeout.map(|after| Watchdog::start(pid, after));
        let traced = tracer.attach().and_then(|()| tracer.run());
        let timed_out = watchdog.and_then(Watchdog::stop);
        let report = traced?;
        if let Some(after) = timed_out {
            return Err(Error::TimedOut { after });
        }
        match child::read_failure(pipe.read) {
            Some((stage, errno)) => Err(Error::from_child(stage, errno)),
            None => Ok(report),
        }
    }
}

/// `SockFilter`s in the kernel's `struct sock_filter` layout.
fn to_libc(prog: &[SockFilter]) -> Vec<libc::sock_filter> {
    prog.iter()
        .map(|f| libc::sock_filter {
            code: f.code,
            jt: f.jt,
            jf: f.jf,
            k: f.k,
        })
        .collect()
}

/// The pipe the child reports a failure through (close-on-exec, so a
/// successful exec closes it).
struct ErrorPipe {
    read: libc::c_int,
    write: libc::c_int,
}

impl ErrorPipe {
    fn new() -> Result<ErrorPipe, Error> {
        let mut fds = [0; 2];
        // SAFETY: pipe2(2) writes two descriptors into `fds`.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } == -1 {
            return Err(Error::os("pipe2", std::io::Error::last_os_error()));
        }
        Ok(ErrorPipe {
            read: fds[0],
            write: fds[1],
        })
    }

    fn close_write(&mut self) {
        if self.write >= 0 {
            // SAFETY: closes a descriptor this struct owns.
            unsafe { libc::close(self.write) };
            self.write = -1;
        }
    }
}

impl Drop for ErrorPipe {
    fn drop(&mut self) {
        self.close_write();
        // SAFETY: closes a descriptor this struct owns.
        unsafe { libc::close(self.read) };
    }
}

/// SIGINT and SIGQUIT ignored until dropped, then restored.
struct IgnoredInterrupts {
    previous: [libc::sighandler_t; 2],
}

const INTERRUPTS: [libc::c_int; 2] = [libc::SIGINT, libc::SIGQUIT];

impl IgnoredInterrupts {
    fn new() -> IgnoredInterrupts {
        // SAFETY: signal(2) with SIG_IGN installs no handler.
        let previous = INTERRUPTS.map(|s| unsafe { libc::signal(s, libc::SIG_IGN) });
        IgnoredInterrupts { previous }
    }
}

impl Drop for IgnoredInterrupts {
    fn drop(&mut self) {
        for (signal, previous) in INTERRUPTS.into_iter().zip(self.previous) {
            // SAFETY: puts back the disposition signal(2) returned.
            unsafe { libc::signal(signal, previous) };
        }
    }
}

/// Kills the closure's process group when time is up.
struct Watchdog {
    done: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<Option<Duration>>,
}

impl Watchdog {
    fn start(pid: libc::pid_t, after: Duration) -> Watchdog {
        let (done, wait) = mpsc::channel();
        let thread = std::thread::spawn(move || match wait.recv_timeout(after) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // The child made itself a process group leader: this reaches
                // the processes it started too.
                // SAFETY: kill(2) takes no pointers.
                unsafe { libc::kill(-pid, libc::SIGKILL) };
                Some(after)
            }
            _ => None,
        });
        Watchdog { done, thread }
    }

    /// Stops it; `Some` if it fired.
    fn stop(self) -> Option<Duration> {
        let _ = self.done.send(());
        self.thread.join().ok().flatten()
    }
}
