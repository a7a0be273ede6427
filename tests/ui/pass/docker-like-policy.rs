// The largest real policy at hand, Docker's default profile imported into
// our language, compiled by rustc for every architecture it names.
use seccomp_runtime::{Policy, seccomp_policy};

static DOCKER: Policy = seccomp_policy!(file = "ui/policies/docker-like.policy");

fn main() {
    assert!(DOCKER.len() > 50 && DOCKER.len() <= 4096);
}
