//! The macro as one pipeline: parse the input (tokens or a file) -> compile
//! for every architecture -> emit one program per architecture. Errors are
//! collected, never first-only, and always come with a well-typed stand-in
//! policy so the user sees the errors and nothing else.

use crate::emit::{self, Emitter, Plan};
use crate::error::Error;
use crate::input::{Input, Origin};
use crate::pm::{Span, TokenStream};
use crate::template::{concat, rust};
use seccomp_compiler::compile::{Compilation, compile};
use seccomp_compiler::{Arch, Diagnostic, resolve};

/// The expansion of `seccomp_policy!`: an expression of type
/// `::seccomp_runtime::Policy`, and the errors every target must see.
/// Errors of one architecture only are inside `expr`, behind its `cfg`.
pub struct Expansion {
    pub expr: TokenStream,
    pub errors: Vec<Error>,
}

impl Expansion {
    fn failed(errors: Vec<Error>) -> Expansion {
        Expansion {
            expr: emit::stub(),
            errors,
        }
    }

    /// The errors, then the expression, as one block expression.
    pub fn into_tokens(self) -> TokenStream {
        let Expansion { expr, errors } = self;
        if errors.is_empty() {
            return expr;
        }
        rust("{ $0 $1 }", &[concat(&errors), expr])
    }
}

/// `seccomp_policy!`'s whole work, testable without rustc.
pub fn expand(input: TokenStream) -> TokenStream {
    expand_policy(input, false).into_tokens()
}

/// Parses, compiles and emits the policy in `input`; with `trap_kills`,
/// every `kill_process`/`kill_thread` the programs return becomes `trap`
/// (`#[sandbox(on_violation = report, ...)]`).
pub fn expand_policy(input: TokenStream, trap_kills: bool) -> Expansion {
    let input = match Input::parse(input) {
        Ok(input) => input,
        Err(errors) => return Expansion::failed(errors),
    };
    let selected = resolve::selected_arches(&input.policy);
    let origin = input.origin;
    let arch_statement = emit::arch_statement(&input.policy, &origin);
    match compile(input.policy, origin.whole(), None) {
        Ok(c) => Expansion {
            expr: Emitter::new(&c.policy, &origin, arch_statement)
                .trap_kills(trap_kills)
                .policy(&plans(&c, &origin)),
            errors: Vec::new(),
        },
        Err(diags) => failed(&diags, &selected, &origin, arch_statement),
    }
}

/// Every architecture's program, or its errors behind its `cfg`.
fn plans<'c>(c: &'c Compilation, origin: &Origin) -> Vec<(Arch, Plan<'c>)> {
    Arch::ALL
        .into_iter()
        .map(|arch| {
            let plan = match c.arches.iter().find(|a| a.arch == arch) {
                None => Plan::Excluded,
                Some(a) => match &a.outcome {
                    Ok(out) => Plan::Program(out),
                    Err(ds) => Plan::Failed(origin.errors(ds)),
                },
            };
            (arch, plan)
        })
        .collect()
}

/// No architecture compiled. Problems of the whole policy are reported on
/// every target; problems of one architecture only on that one.
fn failed(
    diags: &[Diagnostic],
    selected: &[Arch],
    origin: &Origin,
    arch_statement: Option<Span>,
) -> Expansion {
    let (common, tagged): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diags.iter().partition(|d| d.arch.is_none());
    if !common.is_empty() {
        return Expansion {
            expr: tagged_errors(&tagged, origin),
            errors: common.iter().map(|d| origin.error(d)).collect(),
        };
    }
    let plans: Vec<(Arch, Plan)> = Arch::ALL
        .into_iter()
        .map(|arch| match selected.contains(&arch) {
            true => (arch, Plan::Failed(errors_of(arch, &tagged, origin))),
            false => (arch, Plan::Excluded),
        })
        .collect();
    // Nothing compiled, so no symbolic value is needed.
    let empty = seccomp_compiler::ast::Policy::default();
    Expansion {
        expr: Emitter::new(&empty, origin, arch_statement).policy(&plans),
        errors: Vec::new(),
    }
}

/// The stub policy, after the errors of one architecture each behind its
/// `cfg`.
fn tagged_errors(tagged: &[&Diagnostic], origin: &Origin) -> TokenStream {
    let stub = emit::stub();
    if tagged.is_empty() {
        return stub;
    }
    let errors = tagged.iter().map(|d| {
        let cfg = emit::cfg(d.arch.map_or("all()", Arch::cfg));
        let e = origin.error(d);
        rust("#[cfg($0)] $1", &[cfg, (&e).into()])
    });
    rust("{ $0 $1 }", &[concat(errors), stub])
}

/// The errors of `arch`: never none, or its target would get a silent stub.
fn errors_of(arch: Arch, tagged: &[&Diagnostic], origin: &Origin) -> Vec<Error> {
    let mut mine: Vec<Error> = tagged
        .iter()
        .filter(|d| d.arch == Some(arch))
        .map(|d| origin.error(d))
        .collect();
    if mine.is_empty() {
        // Not expected: every architecture failed, none for a reason of the
        // whole policy.
        let msg = format!("the policy does not compile for {arch}");
        mine.push(Error::new(origin.span(origin.whole()), msg));
    }
    mine
}

// An explicit path, so the example that includes this file finds it too.
#[cfg(test)]
#[path = "expand/tests.rs"]
pub(crate) mod tests;
