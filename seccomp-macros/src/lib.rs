//! `seccomp_policy!` and `#[sandbox]`: seccomp policies compiled to
//! classic BPF when your crate is built.
//!
//! Use them through `seccomp-runtime`, which re-exports both (feature
//! `macros`, on by default); the generated code names only
//! `::seccomp_runtime::...` paths. This crate is a thin shell over
//! `seccomp-compiler`: it parses the policy, compiles it for every
//! supported architecture, and emits the programs and the errors.

mod attr;
mod emit;
mod error;
mod expand;
mod file;
mod input;
// `proc_macro` in the macro; `proc_macro2`, which works outside rustc, in
// the unit tests.
#[cfg(not(test))]
mod pm;
#[cfg(test)]
#[path = "pm2.rs"]
mod pm;
mod template;
mod tokens;
mod warning;

use proc_macro::TokenStream;

/// A seccomp policy compiled at build time: an expression of type
/// `seccomp_runtime::Policy`, usable in a `static`.
///
/// ```no_run
/// use seccomp_runtime::{Policy, seccomp_policy};
///
/// const LOG_FD: i32 = 3;
///
/// static POLICY: Policy = seccomp_policy! {
///     base @system-service;
///     drop ptrace;
///     keep write(fd == 1 | 2 | self::LOG_FD); // a Rust path, evaluated by rustc
///     keep socket(family == AF_UNIX);         // a kernel constant, per architecture
///     drop socketcall => errno(ENOSYS);       // x86, s390x: make libc call `socket`
/// };
///
/// fn main() {
///     POLICY.apply().expect("sandbox");
/// }
/// ```
///
/// From a file, relative to the crate's `Cargo.toml` (same language,
/// `//` comments):
///
/// ```text
/// static DAEMON: Policy = seccomp_policy!(file = "policies/daemon.policy");
/// ```
///
/// The policy is compiled for every supported architecture (x86_64, x86,
/// aarch64, arm, riscv64, s390x, powerpc64le, loongarch64, or those of its
/// `arch` statement); each program is a `static` behind its
/// `#[cfg(target_arch = ...)]`, so only the target's is built. x32 targets
/// (x86_64 with 32-bit pointers) and other architectures are a compile
/// error.
///
/// Mistakes are compile errors at the offending token, all of them at
/// once. A problem of one architecture only (a condition `socketcall` can
/// bypass on x86, a 64-bit parameter a 32-bit ABI splits) is an error only
/// when building for that architecture. In a policy file, errors point at
/// the path and say `path:line:col` with an excerpt; the crate is rebuilt
/// when the file changes.
///
/// A lone name (`AF_UNIX`, `O_DIRECTORY`, `TCGETS`) is a kernel constant:
/// each architecture's program gets that architecture's value, from the
/// compiler's table of Linux's uapi headers, so the policy does not depend
/// on the `libc` crate of the build target; `(O_CREAT | O_EXCL)` ORs
/// constants into one value. A constant one architecture lacks is an error
/// when building for that architecture only.
///
/// Symbolic values (`libc::AF_UNIX`, `self::FLAG`, `{ FLAG_A | FLAG_B }`)
/// are constants rustc evaluates for the real target; one that cannot fit
/// the parameter it is compared with is a compile error at the value.
#[proc_macro]
// `into`: none in the macro, to and from `proc_macro2` in the unit tests.
#[allow(clippy::useless_conversion)]
pub fn seccomp_policy(input: TokenStream) -> TokenStream {
    expand::expand(input.into()).into()
}

/// Installs a policy before the function's body runs.
///
/// ```no_run
/// use seccomp_runtime::sandbox;
///
/// #[sandbox(base @system-service; drop ptrace; keep write(fd == 1 | 2);)]
/// fn main() {
///     println!("filtered from the first statement on");
/// }
///
/// #[sandbox(on_error = panic, base @system-service; drop ptrace;)]
/// fn worker() { /* ... */ }
/// ```
///
/// ```text
/// #[sandbox(file = "policies/worker.policy")]
/// fn worker() { /* ... */ }
/// ```
///
/// Arguments: options first, each followed by `,`, then the policy inline
/// (the language of [`seccomp_policy!`]) or `file = "PATH"`:
///
/// - `on_error = exit` (default): if the kernel refuses the policy, write
///   `sandbox: cannot install seccomp policy: REASON` to stderr and exit
///   with status 1; the body never runs unfiltered.
/// - `on_error = panic`: panic with the same message instead.
///
/// The filter is installed with `Policy::apply`: on every thread of the
/// process (`TSYNC`), after `no_new_privs`.
///
/// # Async functions and runtime attributes
///
/// On an `async fn`, the install opens the body, which is the future: it
/// runs when the future is first polled, before anything else of the
/// function (argument patterns included; an `async fn` runs no code when
/// called). Because the install synchronises every thread (`TSYNC`),
/// executor threads started before that first poll are filtered too; if
/// one of them cannot be, the body does not run.
///
/// With an attribute that turns `async fn main` into a plain `main` that
/// builds a runtime (`#[tokio::main]`, `#[async_std::main]`, ...), the
/// order of the two attributes says whether the runtime's start-up is
/// filtered. Attributes expand from the top down, each seeing the function
/// the ones above produced:
///
/// ```text
/// // Everything filtered (recommended): `#[tokio::main]` runs first and
/// // hands `#[sandbox]` the plain `fn main` it generated, so the filter is
/// // installed before the runtime is built. The policy must allow building
/// // it (threads: `clone`/`clone3`; `epoll_*`, `eventfd2`, ...).
/// #[tokio::main]
/// #[sandbox(base @system-service; drop ptrace;)]
/// async fn main() { /* ... */ }
///
/// // Runtime set up first: `#[sandbox]` sees `async fn main` and installs
/// // when the runtime first polls it, after the runtime and its worker
/// // threads exist (TSYNC filters those threads). The policy needs only
/// // what runs from then on.
/// #[sandbox(base @system-service; drop ptrace;)]
/// #[tokio::main]
/// async fn main() { /* ... */ }
/// ```
#[proc_macro_attribute]
#[allow(clippy::useless_conversion)]
pub fn sandbox(args: TokenStream, item: TokenStream) -> TokenStream {
    attr::expand(args.into(), item.into()).into()
}
