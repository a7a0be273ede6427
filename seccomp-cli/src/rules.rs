//! What a compiled policy does with one syscall number, in the words
//! `record --add-to` and `learn` use to decide what to add.

use crate::input::Compiled;
use crate::pretty::Locator;
use seccomp_compiler::decide::Lookup;

/// A policy's rule for a syscall, as far as adding a `keep` goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Allowed whatever the arguments: nothing to add.
    Allowed,
    /// Refused by the default (or `unknown`) setting: a `keep` allows it.
    Default,
    /// A statement names it, and `why` says which and how (`kill_process
    /// by 4:1 drop`, `allowed only under a condition, 5:1 keep`): a `keep`
    /// would override what the author wrote, so that is theirs to change.
    Named { why: String },
    /// Through another ABI: every policy kills it.
    OtherAbi,
}

/// The rule of `c` for native syscall number `nr`.
pub fn rule(c: &Compiled, nr: u32) -> Rule {
    let locator = Locator {
        source: &c.source,
        policy: &c.policy,
    };
    match c.output.table.lookup(nr) {
        Lookup::Named(d) => match d.constant_action() {
            Some(action) if action.lets_through() => Rule::Allowed,
            Some(action) => Rule::Named {
                why: format!("{action} by {}", locator.origin(d.otherwise.origin)),
            },
            None => {
                let origin = d.arms.first().map_or(d.otherwise.origin, |a| a.origin);
                Rule::Named {
                    why: format!("allowed only under a condition, {}", locator.origin(origin)),
                }
            }
        },
        Lookup::Default(o) | Lookup::Unknown(o) if o.action.lets_through() => Rule::Allowed,
        Lookup::Default(_) | Lookup::Unknown(_) => Rule::Default,
        Lookup::OtherAbi => Rule::OtherAbi,
    }
}
