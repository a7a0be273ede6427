//! Shared by the kernel tests and the syscall-cost bench: policies compiled
//! at run time for the real kernel, forked children to install them in,
//! and raw x86_64 syscalls whose registers we control exactly.
//!
//! A filter can never be removed, so every filter is installed in a forked
//! child; the test runner itself is never filtered. The parent observes the
//! child's wait status and what it wrote to its stdout and stderr (pipes).

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, RawFd};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use seccomp_compiler::bpf::{self, SeccompData};
use seccomp_compiler::compile::ArchOutput;
use seccomp_compiler::{Action, Arch, compile_str, decide};
use seccomp_runtime::{Policy, SockFilter};

/// `AUDIT_ARCH_X86_64` from `include/uapi/linux/audit.h`.
pub const AUDIT_ARCH_X86_64: u32 = 0xC000_003E;
/// `__X32_SYSCALL_BIT` from `arch/x86/include/uapi/asm/unistd.h`.
pub const X32_SYSCALL_BIT: u64 = 0x4000_0000;
/// `getpid` in `arch/x86/entry/syscalls/syscall_32.tbl`.
pub const I386_NR_GETPID: u32 = 20;

/// How long a child may run before it counts as hung and is killed.
const CHILD_DEADLINE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------
// Policies

/// A policy compiled for x86_64 at run time, installable by the runtime and
/// judged by the compiler's reference evaluator.
pub struct Compiled {
    pub text: &'static str,
    pub output: ArchOutput,
    pub policy: &'static Policy,
}

/// Compiles `text` for x86_64; a policy that does not compile is a bug in
/// the test, so it panics with the diagnostics.
pub fn compile(text: &'static str) -> Compiled {
    let compilation = compile_str(text).unwrap_or_else(|ds| {
        let messages: Vec<String> = ds.iter().map(|d| d.full_message()).collect();
        panic!("`{text}` does not compile:\n{}", messages.join("\n"))
    });
    let output = compilation
        .arches
        .into_iter()
        .find(|a| a.arch == Arch::X86_64)
        .unwrap_or_else(|| panic!("`{text}` is not compiled for x86_64"))
        .outcome
        .unwrap_or_else(|ds| panic!("`{text}` fails on x86_64: {ds:?}"));
    let policy = leak_policy(&output);
    Compiled {
        text,
        output,
        policy,
    }
}

/// `Policy::from_parts` wants `'static` slices, which the macro gets from
/// `static` arrays; here the program is leaked once per compiled policy.
fn leak_policy(output: &ArchOutput) -> &'static Policy {
    let filters = output
        .program
        .filters()
        .expect("text policies have no symbolic values");
    let actions: Vec<u32> = output
        .program
        .actions
        .iter()
        .map(|a| a.kind_ret())
        .collect();
    policy_from_filters(&filters, &actions)
}

/// A runtime `Policy` for a program built by hand (the bench's linear
/// chains), leaked like a compiled one. `actions` are the `SECCOMP_RET_*`
/// kinds it returns, for the runtime's availability check.
pub fn policy_from_filters(filters: &[bpf::SockFilter], actions: &[u32]) -> &'static Policy {
    let program: Vec<SockFilter> = filters
        .iter()
        .map(|f| SockFilter::new(f.code, f.jt, f.jf, f.k))
        .collect();
    Box::leak(Box::new(Policy::from_parts(
        Box::leak(program.into_boxed_slice()),
        Box::leak(actions.to_vec().into_boxed_slice()),
        &[],
    )))
}

impl Compiled {
    /// Installs the policy on every thread (`Policy::apply`).
    pub fn apply(&self) -> Result<(), String> {
        self.policy
            .apply()
            .map_err(|e| format!("apply `{}`: {e}", self.text))
    }

    /// What the reference evaluator says the policy does with `call` made
    /// through `arch`.
    pub fn verdict_for(&self, arch: u32, call: &Call) -> Action {
        let data = SeccompData {
            nr: call.nr,
            arch,
            instruction_pointer: 0,
            args: call.args,
        };
        decide::eval(&self.output.resolved, &data, &|_| 0)
    }

    /// Checks the evaluator's verdict for a native call, so every kernel
    /// observation in the tests is also a statement about the model.
    pub fn assert_verdict(&self, call: &Call, expected: Action) {
        assert_eq!(
            self.verdict_for(AUDIT_ARCH_X86_64, call),
            expected,
            "the reference evaluator disagrees for {call:?} under `{}`",
            self.text
        );
    }
}

// ---------------------------------------------------------------------------
// Raw syscalls

/// A syscall number and six argument registers, exactly as the filter's
/// `seccomp_data` will see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub nr: u32,
    pub args: [u64; 6],
}

impl Call {
    /// `args` fill the first registers; the rest are zero.
    pub fn new(nr: libc::c_long, args: &[u64]) -> Call {
        let mut all = [0; 6];
        all[..args.len()].copy_from_slice(args);
        Call {
            // Syscall numbers in libc's tables are small and non-negative.
            nr: u32::try_from(nr).expect("a syscall number"),
            args: all,
        }
    }

    /// Makes the call with the `syscall` instruction.
    ///
    /// # Safety
    /// The call must be sound for this process: pointers in `args` valid
    /// for what the syscall does with them, no memory taken away from Rust.
    pub unsafe fn run(&self) -> Result<u64, i32> {
        // SAFETY: forwarded to the caller.
        unsafe { syscall6(u64::from(self.nr), self.args) }
    }
}

/// Decodes a raw return value: `-4095..=-1` is an errno.
pub fn decode(ret: u64) -> Result<u64, i32> {
    // Reinterpreting the register as signed is how the kernel returns
    // errors; the range check makes the narrowing exact.
    let signed = ret as i64;
    if (-4095..0).contains(&signed) {
        Err((-signed) as i32)
    } else {
        Ok(ret)
    }
}

/// The x86_64 `syscall` instruction with all six argument registers set,
/// high halves included (libc's wrappers would truncate some of them).
///
/// # Safety
/// As for [`Call::run`].
pub unsafe fn syscall6(nr: u64, args: [u64; 6]) -> Result<u64, i32> {
    let ret: u64;
    // SAFETY: the kernel's x86_64 ABI: nr in rax, arguments in rdi, rsi,
    // rdx, r10, r8, r9; it clobbers rcx (return address) and r11 (rflags).
    // What the syscall does to memory is the caller's responsibility.
    unsafe {
        std::arch::asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") args[0],
            in("rsi") args[1],
            in("rdx") args[2],
            in("r10") args[3],
            in("r8") args[4],
            in("r9") args[5],
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    decode(ret)
}

/// A syscall without arguments through the i386 ABI (`int 0x80`) from this
/// x86_64 process: the filter sees `AUDIT_ARCH_I386` and i386 numbers.
///
/// # Safety
/// `nr` must be an i386 syscall without arguments that is sound to make.
pub unsafe fn int80(nr: u32) -> Result<u64, i32> {
    let ret: u32;
    // SAFETY: the i386 ABI: nr in eax, result in eax; ebx, ecx, edx, esi,
    // edi and ebp are arguments (unused here) and preserved. The 64-bit
    // kernel's compat entry zeroes r8-r11, so they count as clobbered.
    unsafe {
        std::arch::asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            options(nostack),
        );
    }
    // The result is a 32-bit register: reinterpret it as signed and
    // sign-extend it, as an i386 caller would.
    decode(i64::from(ret as i32) as u64)
}

/// getpid(2) through `syscall`, the cheapest syscall to time and to refuse.
pub fn getpid() -> Result<u64, i32> {
    // SAFETY: getpid takes no arguments and touches no memory.
    unsafe { syscall6(libc::SYS_getpid as u64, [0; 6]) }
}

/// Checks one result inside a child, with a message for its stderr.
pub fn expect(what: &str, got: Result<u64, i32>, want: Result<u64, i32>) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!(
            "{what}: expected {}, got {}",
            show(want),
            show(got)
        ))
    }
}

/// Makes each call in turn: those marked allowed must succeed, the others
/// must be refused with `errno`.
///
/// # Safety
/// Every call must be sound for this process, as for [`Call::run`].
pub unsafe fn expect_allowed_or(cases: &[(&str, Call, bool)], errno: i32) -> Result<(), String> {
    for &(what, call, allowed) in cases {
        // SAFETY: forwarded to the caller.
        let got = unsafe { call.run() };
        if allowed {
            expect_success(what, got)?;
        } else {
            expect_errno(what, got, errno)?;
        }
    }
    Ok(())
}

/// Checks that a call was refused with `errno`.
pub fn expect_errno(what: &str, got: Result<u64, i32>, errno: i32) -> Result<(), String> {
    expect(what, got, Err(errno))
}

/// Checks that a call was not refused (any success value).
pub fn expect_success(what: &str, got: Result<u64, i32>) -> Result<u64, String> {
    got.map_err(|e| format!("{what}: expected success, got {}", show(Err(e))))
}

fn show(result: Result<u64, i32>) -> String {
    match result {
        Ok(value) => format!("{value}"),
        Err(errno) => format!(
            "errno {errno} ({})",
            std::io::Error::from_raw_os_error(errno)
        ),
    }
}

/// write(2) to stderr without std's stderr lock, which another thread of
/// the parent may have held when it forked.
pub fn write_stderr(text: &str) {
    write_fd(2, text.as_bytes());
}

/// write(2) of all of `bytes` to `fd`, ignoring errors (reports only).
pub fn write_fd(fd: RawFd, bytes: &[u8]) {
    // SAFETY: writes `bytes.len()` bytes from `bytes`.
    unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
}

/// The `errno(e)` action.
pub fn errno_action(errno: i32) -> Action {
    Action::Errno(u16::try_from(errno).expect("errno values are small"))
}

/// Says on stderr which call comes next, for [`Outcome::assert_killed_calling`].
pub fn announce(what: &str) {
    write_stderr(&format!("calling {what}\n"));
}

/// Opens `path` with `flags` as descriptor `fd` (replacing whatever it was),
/// so a test knows exactly which number the filter sees.
pub fn open_as(fd: RawFd, path: &CStr, flags: libc::c_int) -> Result<(), String> {
    // SAFETY: `path` is NUL-terminated; the descriptors are this child's.
    let opened = unsafe { libc::open(path.as_ptr(), flags, 0o600) };
    if opened < 0 {
        return Err(format!(
            "open {path:?}: {}",
            std::io::Error::last_os_error()
        ));
    }
    if opened != fd {
        // SAFETY: as above.
        unsafe {
            libc::dup2(opened, fd);
            libc::close(opened);
        }
    }
    Ok(())
}

/// A `CStr`'s address as a syscall argument.
pub fn ptr(s: &CStr) -> u64 {
    s.as_ptr() as u64
}

/// A byte slice's address as a syscall argument.
pub fn buf(bytes: &[u8]) -> u64 {
    bytes.as_ptr() as u64
}

// ---------------------------------------------------------------------------
// Forked children

/// How a child ended and what it wrote.
pub struct Outcome {
    pub status: libc::c_int,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn exit_code(&self) -> Option<i32> {
        libc::WIFEXITED(self.status).then(|| libc::WEXITSTATUS(self.status))
    }

    pub fn signal(&self) -> Option<i32> {
        libc::WIFSIGNALED(self.status).then(|| libc::WTERMSIG(self.status))
    }

    /// The child's body returned `Ok`.
    pub fn assert_ok(&self) {
        assert_eq!(
            self.exit_code(),
            Some(0),
            "child failed\n{}",
            self.describe()
        );
    }

    /// The child died of SIGSYS, which is how the kernel ends a process
    /// for `kill_process` and `kill_thread` (and an unhandled `trap`).
    pub fn assert_sigsys(&self) {
        assert_eq!(
            self.signal(),
            Some(libc::SIGSYS),
            "expected death by SIGSYS\n{}",
            self.describe()
        );
    }

    /// The child announced `what` (see [`announce`]) and died of SIGSYS
    /// right there: it was that call, not an earlier one, that killed it.
    pub fn assert_killed_calling(&self, what: &str) {
        self.assert_sigsys();
        assert_eq!(
            self.stderr,
            format!("calling {what}\n"),
            "killed somewhere else\n{}",
            self.describe()
        );
    }

    pub fn describe(&self) -> String {
        let how = match (self.exit_code(), self.signal()) {
            (Some(code), _) => format!("exited with {code}"),
            (_, Some(signal)) => format!("killed by signal {signal}"),
            _ => format!("wait status {:#x}", self.status),
        };
        format!(
            "{how}\n--- stdout\n{}--- stderr\n{}---",
            self.stdout, self.stderr
        )
    }
}

/// A forked child whose stdout and stderr are being collected.
pub struct Running {
    pub pid: libc::pid_t,
    stdout: std::thread::JoinHandle<Vec<u8>>,
    stderr: std::thread::JoinHandle<Vec<u8>>,
}

impl Running {
    /// Waits (up to a deadline, then kills it) and collects the output.
    pub fn wait(self) -> Outcome {
        let status = wait_with_deadline(self.pid);
        self.finish(status)
    }

    /// Collects the output of a child the caller has already reaped with
    /// `status` (a tracer waits for its tracee itself).
    pub fn finish(self, status: libc::c_int) -> Outcome {
        let text = |h: std::thread::JoinHandle<Vec<u8>>| {
            String::from_utf8_lossy(&h.join().expect("pipe reader")).into_owned()
        };
        Outcome {
            status,
            stdout: text(self.stdout),
            stderr: text(self.stderr),
        }
    }
}

/// waitpid(2) for `pid` (exit, death, or a ptrace stop), killing the child
/// if it takes longer than the deadline.
pub fn wait_with_deadline(pid: libc::pid_t) -> libc::c_int {
    let start = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: waits for our own child without blocking.
        let got = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        assert!(got >= 0, "waitpid: {}", std::io::Error::last_os_error());
        if got == pid {
            return status;
        }
        if start.elapsed() > CHILD_DEADLINE {
            // SAFETY: kills our own unreaped child; the next waitpid reaps it.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let mut killed = 0;
            // SAFETY: as above, blocking this time.
            unsafe { libc::waitpid(pid, &mut killed, 0) };
            panic!("child {pid} hung for {CHILD_DEADLINE:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs `body` in a forked child and waits for it. The child exits 0 when
/// `body` returns `Ok`, 1 with the message on stderr when it returns `Err`,
/// and 101 when it panics.
pub fn in_child(body: impl FnOnce() -> Result<(), String>) -> Outcome {
    spawn_child(body).wait()
}

/// Forks a child running `body` (see [`in_child`]) with stdin /dev/null,
/// stdout and stderr pipes to the parent, and no other descriptors.
pub fn spawn_child(body: impl FnOnce() -> Result<(), String>) -> Running {
    let (out_read, out_write) = pipe();
    let (err_read, err_write) = pipe();
    let devnull = c"/dev/null";
    // SAFETY: after fork the child runs only `body` (async-signal-safe
    // enough for glibc, which resets its malloc locks in the child) and
    // then `_exit`s; it never returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        // SAFETY: plain descriptor calls on descriptors this child owns.
        // close_range drops every descriptor inherited from the harness
        // (including other tests' pipes), so descriptor 3 is free for the
        // tests that use it.
        unsafe {
            let stdin = libc::open(devnull.as_ptr(), libc::O_RDONLY);
            libc::dup2(stdin, 0);
            libc::dup2(out_write, 1);
            libc::dup2(err_write, 2);
            libc::close_range(3, u32::MAX, 0);
            // SIGSYS dumps core by default: not from our test children.
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        }
        let code = match std::panic::catch_unwind(AssertUnwindSafe(body)) {
            Ok(Ok(())) => 0,
            Ok(Err(message)) => {
                write_stderr(&format!("{message}\n"));
                1
            }
            Err(_) => 101,
        };
        // SAFETY: ends the child without running the harness's code.
        unsafe { libc::_exit(code) }
    }
    // SAFETY: our copies of the write ends; closing them lets the readers
    // see end-of-file when the child is gone.
    unsafe {
        libc::close(out_write);
        libc::close(err_write);
    }
    Running {
        pid,
        stdout: read_all(out_read),
        stderr: read_all(err_read),
    }
}

/// A pipe, close-on-exec so no exec'd program inherits another's end.
pub fn pipe() -> (RawFd, RawFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two descriptors into `fds`.
    let ret = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(ret, 0, "pipe2: {}", std::io::Error::last_os_error());
    (fds[0], fds[1])
}

/// Reads `fd` to its end on a thread, so two pipes never block each other.
fn read_all(fd: RawFd) -> std::thread::JoinHandle<Vec<u8>> {
    // SAFETY: `fd` is a pipe end we own and hand over to the File.
    let mut file = unsafe { File::from_raw_fd(fd) };
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error only truncates the report; the status still counts.
        let _ = file.read_to_end(&mut bytes);
        bytes
    })
}

/// Replaces the child with `argv` (searched nowhere: give a full path).
/// Returns only if execve fails.
pub fn exec(argv: &[&str]) -> String {
    let args: Vec<CString> = argv
        .iter()
        .map(|a| CString::new(*a).expect("no NUL in test arguments"))
        .collect();
    let mut pointers: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    pointers.push(std::ptr::null());
    let env = [
        c"PATH=/usr/bin:/bin".as_ptr(),
        c"LC_ALL=C".as_ptr(),
        std::ptr::null(),
    ];
    // SAFETY: NULL-terminated arrays of NUL-terminated strings that outlive
    // the call.
    unsafe { libc::execve(pointers[0], pointers.as_ptr(), env.as_ptr()) };
    format!("execve {argv:?}: {}", std::io::Error::last_os_error())
}

// ---------------------------------------------------------------------------
// Scratch directories

/// A directory of its own for one test, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("seccomp-kernel-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a scratch directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `name` inside the directory, as a C string for raw syscalls.
    pub fn c_path(&self, name: &str) -> CString {
        let path = self.0.join(name);
        CString::new(path.into_os_string().into_encoded_bytes()).expect("no NUL in the path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
