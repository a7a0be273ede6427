// `#[sandbox]` on the functions it supports: plain, generic, `unsafe`,
// `async`, methods, with inner attributes and with a return value.
use seccomp_runtime::{Policy, sandbox, seccomp_policy};

static POLICY: Policy = seccomp_policy! { default allow; drop ptrace; };

#[sandbox(default allow; drop ptrace;)]
fn plain() -> u32 {
    #![allow(unused_variables)]
    let unused = 1;
    42
}

#[sandbox(on_error = panic, default allow; drop ptrace;)]
fn generic<T: Into<u64>>(t: T) -> u64 {
    t.into()
}

#[sandbox(default allow; drop ptrace;)]
unsafe fn dangerous() {}

#[sandbox(file = "ui/policies/daemon.policy")]
async fn later(x: u32) -> u32 {
    x
}

#[sandbox(on_violation = report, default allow; drop ptrace;)]
fn reported() {}

#[sandbox(on_error = panic, on_violation = report, policy = POLICY)]
fn from_a_static() {}

#[sandbox(policy = crate::POLICY)]
fn from_a_path() {}

struct Service;

impl Service {
    #[sandbox(default allow; drop ptrace;)]
    fn run(&self) -> Result<(), String> {
        Ok(())
    }
}

fn main() {
    // Never called: installing a filter here would filter the test runner.
    let _ = (plain, generic::<u32>, dangerous as unsafe fn(), later, Service::run);
    let _ = (reported, from_a_static, from_a_path);
}
