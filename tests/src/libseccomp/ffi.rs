//! A small binding to the system's libseccomp (Debian's libseccomp-dev,
//! 2.5.4 on bookworm), only what the differential tests use: building a
//! filter for one architecture, exporting its BPF and pseudo-filter code,
//! and looking syscall names up. Declarations follow `/usr/include/seccomp.h`.

use std::ffi::{CStr, CString, c_char, c_int, c_uint, c_void};
use std::fmt;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::fd::{AsRawFd, FromRawFd};
use std::ptr::NonNull;

use seccomp_compiler::Arch;
use seccomp_compiler::bpf::SockFilter;

/// `struct scmp_arg_cmp`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScmpArgCmp {
    pub arg: c_uint,
    /// `enum scmp_compare`.
    pub op: c_int,
    pub datum_a: u64,
    pub datum_b: u64,
}

/// `enum scmp_compare`.
pub const SCMP_CMP_NE: c_int = 1;
pub const SCMP_CMP_LT: c_int = 2;
pub const SCMP_CMP_LE: c_int = 3;
pub const SCMP_CMP_EQ: c_int = 4;
pub const SCMP_CMP_GE: c_int = 5;
pub const SCMP_CMP_GT: c_int = 6;
pub const SCMP_CMP_MASKED_EQ: c_int = 7;

/// `struct scmp_version`.
#[repr(C)]
struct ScmpVersion {
    major: c_uint,
    minor: c_uint,
    micro: c_uint,
}

/// `enum scmp_filter_attr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub enum Attr {
    /// `SCMP_FLTATR_ACT_DEFAULT`.
    ActDefault = 1,
    /// `SCMP_FLTATR_ACT_BADARCH`: what a syscall of another architecture gets.
    ActBadarch = 2,
    /// `SCMP_FLTATR_CTL_NNP`: set `PR_SET_NO_NEW_PRIVS` when loading.
    CtlNnp = 3,
    /// `SCMP_FLTATR_API_TSKIP`: allow rules for syscall -1.
    ApiTskip = 5,
    /// `SCMP_FLTATR_CTL_OPTIMIZE`: 1 a sorted list, 2 a binary tree of syscalls.
    CtlOptimize = 8,
}

#[link(name = "seccomp")]
unsafe extern "C" {
    fn seccomp_version() -> *const ScmpVersion;
    fn seccomp_init(def_action: u32) -> *mut c_void;
    fn seccomp_release(ctx: *mut c_void);
    fn seccomp_arch_native() -> u32;
    fn seccomp_arch_add(ctx: *mut c_void, arch_token: u32) -> c_int;
    fn seccomp_arch_remove(ctx: *mut c_void, arch_token: u32) -> c_int;
    fn seccomp_attr_set(ctx: *mut c_void, attr: Attr, value: u32) -> c_int;
    fn seccomp_rule_add_array(
        ctx: *mut c_void,
        action: u32,
        syscall: c_int,
        arg_cnt: c_uint,
        arg_array: *const ScmpArgCmp,
    ) -> c_int;
    fn seccomp_export_bpf(ctx: *const c_void, fd: c_int) -> c_int;
    fn seccomp_export_pfc(ctx: *const c_void, fd: c_int) -> c_int;
    fn seccomp_load(ctx: *const c_void) -> c_int;
    fn seccomp_syscall_resolve_name(name: *const c_char) -> c_int;
    fn seccomp_syscall_resolve_name_arch(arch_token: u32, name: *const c_char) -> c_int;
    fn seccomp_syscall_resolve_num_arch(arch_token: u32, num: c_int) -> *mut c_char;
}

/// `__NR_SCMP_ERROR`: a name libseccomp does not know at all.
pub const NR_SCMP_ERROR: c_int = -1;

/// A libseccomp call that failed, with its (negative errno) return code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub call: &'static str,
    pub rc: c_int,
    pub what: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with {}", self.call, self.rc)?;
        if let Some(name) = seccomp_compiler::tables::errno::name_of(self.rc.unsigned_abs() as u16)
        {
            write!(f, " (-{name})")?;
        }
        if !self.what.is_empty() {
            write!(f, ": {}", self.what)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

fn check(call: &'static str, rc: c_int, what: impl FnOnce() -> String) -> Result<(), Error> {
    if rc < 0 {
        Err(Error {
            call,
            rc,
            what: what(),
        })
    } else {
        Ok(())
    }
}

/// The library's version, `(major, minor, micro)`.
pub fn version() -> (u32, u32, u32) {
    // SAFETY: seccomp_version returns a pointer to a static struct.
    let v = unsafe { &*seccomp_version() };
    (v.major, v.minor, v.micro)
}

/// libseccomp's architecture token for `arch`: its `SCMP_ARCH_*` values
/// are the kernel's `AUDIT_ARCH_*` values.
pub fn arch_token(arch: Arch) -> u32 {
    arch.audit_arch()
}

/// The number of `name` on `arch`: `Some(n >= 0)` for a real syscall;
/// `None` when libseccomp does not know it there (its table has no such
/// name, or only a negative pseudo number for another architecture's call).
pub fn resolve_name_arch(arch: Arch, name: &str) -> Option<u32> {
    let c = CString::new(name).ok()?;
    // SAFETY: `c` is a NUL-terminated string that outlives the call.
    let nr = unsafe { seccomp_syscall_resolve_name_arch(arch_token(arch), c.as_ptr()) };
    u32::try_from(nr).ok()
}

/// The raw answer of `seccomp_syscall_resolve_name_arch`: negative pseudo
/// numbers (`__PNR_*`) included.
pub fn resolve_name_arch_raw(arch: Arch, name: &str) -> c_int {
    let Ok(c) = CString::new(name) else {
        return NR_SCMP_ERROR;
    };
    // SAFETY: as above.
    unsafe { seccomp_syscall_resolve_name_arch(arch_token(arch), c.as_ptr()) }
}

/// The native architecture's number (or pseudo number) of `name`, what
/// runc and crun hand to `seccomp_rule_add`: libseccomp translates it by
/// name to every architecture of the filter.
pub fn resolve_name(name: &str) -> Option<c_int> {
    let c = CString::new(name).ok()?;
    // SAFETY: as above.
    let nr = unsafe { seccomp_syscall_resolve_name(c.as_ptr()) };
    (nr != NR_SCMP_ERROR).then_some(nr)
}

/// The name of syscall `nr` on `arch`, if libseccomp knows one.
pub fn resolve_num_arch(arch: Arch, nr: c_int) -> Option<String> {
    // SAFETY: the result is NULL or a malloc'd NUL-terminated string that we
    // own and free below.
    let p = unsafe { seccomp_syscall_resolve_num_arch(arch_token(arch), nr) };
    if p.is_null() {
        return None;
    }
    // SAFETY: non-NULL, NUL-terminated (see above).
    let name = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
    // SAFETY: allocated by libseccomp with malloc, freed once.
    unsafe { libc::free(p.cast()) };
    Some(name)
}

/// One libseccomp filter context (`scmp_filter_ctx`) for one architecture.
pub struct Filter {
    ctx: NonNull<c_void>,
    arch: Arch,
}

impl Filter {
    /// `seccomp_init(default_action)`, then the native architecture
    /// replaced by `arch` (a filter for a non-native architecture is what
    /// `scmp_sys_resolver`-style tools and cross-building runtimes make).
    pub fn new(arch: Arch, default_action: u32) -> Result<Filter, Error> {
        // SAFETY: plain call; NULL means failure.
        let ctx = unsafe { seccomp_init(default_action) };
        let ctx = NonNull::new(ctx).ok_or_else(|| Error {
            call: "seccomp_init",
            rc: -libc::EINVAL,
            what: format!("default action {default_action:#x}"),
        })?;
        let filter = Filter { ctx, arch };
        // SAFETY: a plain call without pointers.
        let native = unsafe { seccomp_arch_native() };
        let token = arch_token(arch);
        if native != token {
            // Native first: a filter's architectures must share one byte
            // order (-EDOM otherwise), so s390x cannot join x86_64.
            // SAFETY: `ctx` is a live context.
            let rc = unsafe { seccomp_arch_remove(filter.ctx.as_ptr(), native) };
            check("seccomp_arch_remove", rc, || "native".to_owned())?;
            // SAFETY: as above.
            let rc = unsafe { seccomp_arch_add(filter.ctx.as_ptr(), token) };
            check("seccomp_arch_add", rc, || arch.to_string())?;
        }
        Ok(filter)
    }

    pub fn arch(&self) -> Arch {
        self.arch
    }

    /// Adds another architecture (`SCMP_ARCH_*` token, e.g. x32's
    /// `0x4000003e`), as runc does for a profile's sub-architectures.
    pub fn add_arch(&mut self, token: u32) -> Result<(), Error> {
        // SAFETY: `ctx` is a live context.
        let rc = unsafe { seccomp_arch_add(self.ctx.as_ptr(), token) };
        check("seccomp_arch_add", rc, || format!("{token:#x}"))
    }

    pub fn set_attr(&mut self, attr: Attr, value: u32) -> Result<(), Error> {
        // SAFETY: `ctx` is a live context.
        let rc = unsafe { seccomp_attr_set(self.ctx.as_ptr(), attr, value) };
        check("seccomp_attr_set", rc, || format!("{attr:?} = {value:#x}"))
    }

    /// `seccomp_rule_add_array`: `syscall` is a native number (see
    /// [`resolve_name`]), translated by libseccomp for the filter's
    /// architecture.
    pub fn add_rule(
        &mut self,
        action: u32,
        syscall: c_int,
        cmps: &[ScmpArgCmp],
    ) -> Result<(), Error> {
        let n = c_uint::try_from(cmps.len()).expect("at most six comparisons");
        // SAFETY: `cmps` points at `n` initialised `scmp_arg_cmp`s that
        // outlive the call; libseccomp copies them.
        let rc =
            unsafe { seccomp_rule_add_array(self.ctx.as_ptr(), action, syscall, n, cmps.as_ptr()) };
        check("seccomp_rule_add_array", rc, || {
            format!("action {action:#x}, syscall {syscall}, {cmps:?}")
        })
    }

    /// Adds a rule by syscall name, as runc and crun do. `Ok(false)` when
    /// libseccomp does not know the name (they skip such rules too).
    pub fn add_rule_by_name(
        &mut self,
        action: u32,
        name: &str,
        cmps: &[ScmpArgCmp],
    ) -> Result<bool, Error> {
        match resolve_name(name) {
            Some(nr) => self.add_rule(action, nr, cmps).map(|()| true),
            None => Ok(false),
        }
    }

    /// `seccomp_export_bpf`, decoded in the architecture's byte order.
    pub fn export_bpf(&self) -> Result<Vec<SockFilter>, Error> {
        Ok(decode_bpf(&self.export_bpf_bytes()?, self.arch))
    }

    /// `seccomp_export_bpf` as written: 8-byte `sock_filter` records.
    pub fn export_bpf_bytes(&self) -> Result<Vec<u8>, Error> {
        self.export("seccomp_export_bpf", seccomp_export_bpf)
    }

    /// `seccomp_export_pfc`: the filter as libseccomp's pseudo-filter code.
    pub fn export_pfc(&self) -> Result<String, Error> {
        let bytes = self.export("seccomp_export_pfc", seccomp_export_pfc)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Loads the filter into the calling thread (`seccomp_load`): only
    /// for a forked child.
    pub fn load(&self) -> Result<(), Error> {
        // SAFETY: `ctx` is a live context.
        let rc = unsafe { seccomp_load(self.ctx.as_ptr()) };
        check("seccomp_load", rc, String::new)
    }

    fn export(
        &self,
        call: &'static str,
        f: unsafe extern "C" fn(*const c_void, c_int) -> c_int,
    ) -> Result<Vec<u8>, Error> {
        let mut file = memfd().map_err(|e| Error {
            call: "memfd_create",
            rc: -e.raw_os_error().unwrap_or(libc::EIO),
            what: e.to_string(),
        })?;
        // SAFETY: `ctx` is a live context and the fd is open.
        let rc = unsafe { f(self.ctx.as_ptr(), file.as_raw_fd()) };
        check(call, rc, String::new)?;
        let mut out = Vec::new();
        let io = |e: std::io::Error| Error {
            call: "read",
            rc: -e.raw_os_error().unwrap_or(libc::EIO),
            what: e.to_string(),
        };
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.read_to_end(&mut out).map_err(io)?;
        Ok(out)
    }
}

impl Drop for Filter {
    fn drop(&mut self) {
        // SAFETY: `ctx` came from seccomp_init and is released once.
        unsafe { seccomp_release(self.ctx.as_ptr()) };
    }
}

/// An anonymous in-memory file (libseccomp 2.5 exports only to a file
/// descriptor; `seccomp_export_bpf_mem` came with 2.6).
fn memfd() -> std::io::Result<File> {
    // SAFETY: the name is a NUL-terminated literal; the fd is new and owned
    // by the File from here on.
    let fd = unsafe { libc::memfd_create(c"libseccomp-export".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Raw `sock_filter` records in `arch`'s byte order, decoded.
pub fn decode_bpf(bytes: &[u8], arch: Arch) -> Vec<SockFilter> {
    let big = arch.is_big_endian();
    bytes
        .chunks_exact(8)
        .map(|c| SockFilter::from_bytes(c.try_into().expect("chunks of 8"), big))
        .collect()
}

/// Why [`in_child`] has no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChildError {
    /// The child did not finish in time (and was killed).
    Hung,
    /// The child died or failed otherwise: its wait status, or an errno.
    Failed(String),
}

impl fmt::Display for ChildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Hung => f.write_str("did not return in time"),
            ChildError::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

/// Runs `work` in a forked child and returns the bytes it produced, or
/// [`ChildError::Hung`] if it takes longer than `timeout`: libseccomp
/// 2.5.4 loops forever on some rule sets (see the differential tests), and
/// a loop in this process would burn a core for the rest of the run.
/// `work` must not depend on other threads (only the forking thread exists
/// in the child); glibc keeps `malloc` usable after `fork`.
pub fn in_child(
    timeout: std::time::Duration,
    work: impl FnOnce() -> Vec<u8>,
) -> Result<Vec<u8>, ChildError> {
    let os =
        |what: &str| ChildError::Failed(format!("{what}: {}", std::io::Error::last_os_error()));
    let mut fds = [0 as c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(os("pipe2"));
    }
    // SAFETY: fork has no preconditions; the child only runs `work`, writes
    // and exits without unwinding into the parent's state.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(os("fork"));
    }
    if pid == 0 {
        // SAFETY: the read end belongs to the parent.
        unsafe { libc::close(fds[0]) };
        // No panic message: stderr's lock may be held by a parent thread
        // that no longer exists here.
        std::panic::set_hook(Box::new(|_| {}));
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_default();
        // SAFETY: `fds[1]` is the child's write end; a fresh File owns it.
        let mut pipe = unsafe { File::from_raw_fd(fds[1]) };
        let ok = std::io::Write::write_all(&mut pipe, &out).is_ok();
        // SAFETY: _exit skips the parent's atexit handlers and buffers.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    // SAFETY: the write end belongs to the child now.
    unsafe { libc::close(fds[1]) };
    // SAFETY: `fds[0]` is our read end, owned by the File from here on.
    let pipe = unsafe { File::from_raw_fd(fds[0]) };
    let result = read_until(&pipe, timeout);
    if result == Err(ChildError::Hung) {
        // SAFETY: `pid` is our child, not yet reaped.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    let mut status = 0;
    // SAFETY: reaps our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    let out = result?;
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(ChildError::Failed(format!("wait status {status:#x}")));
    }
    Ok(out)
}

/// Reads `pipe` to its end, giving up after `timeout`.
fn read_until(mut pipe: &File, timeout: std::time::Duration) -> Result<Vec<u8>, ChildError> {
    let deadline = std::time::Instant::now() + timeout;
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(ChildError::Hung);
        }
        let mut pfd = libc::pollfd {
            fd: pipe.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = c_int::try_from(left.as_millis())
            .unwrap_or(c_int::MAX)
            .max(1);
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        if n < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Err(ChildError::Failed(format!(
                "poll: {}",
                std::io::Error::last_os_error()
            )));
        }
        if n <= 0 {
            continue;
        }
        match pipe.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(k) => out.extend_from_slice(&buf[..k]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ChildError::Failed(format!("read: {e}"))),
        }
    }
}
