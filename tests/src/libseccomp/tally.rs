//! Counting compared inputs: those where both designs must agree, and,
//! per documented design difference, those checked against our reference
//! evaluator instead (never skipped silently).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use seccomp_compiler::Action;

/// How many disagreements are kept to show.
const EXAMPLES: usize = 12;

/// Inputs of one design-difference class.
#[derive(Clone, Debug, Default)]
pub struct Class {
    pub inputs: u64,
    /// Our program disagreed with our reference evaluator: a failure.
    pub ours_wrong: u64,
    /// The other side gave what its own design says (our model of it).
    pub theirs_as_designed: u64,
    /// The other side gave something its design does not explain: a failure.
    pub theirs_unexplained: u64,
    /// Inputs where the two happened to agree anyway.
    pub both_agree: u64,
}

/// The result of comparing two compilers over many inputs.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub policies: u64,
    /// Inputs where both designs mean the same, compared action for action.
    pub compared: u64,
    pub disagreements: u64,
    pub classes: BTreeMap<&'static str, Class>,
    /// Other counts worth printing (e.g. libseccomp's BPF against its PFC).
    pub counters: BTreeMap<&'static str, u64>,
    pub examples: Vec<String>,
}

impl Tally {
    /// An input both designs treat alike: the two actions must be equal.
    pub fn exact(&mut self, ours: Action, theirs: Action, describe: impl FnOnce() -> String) {
        self.compared += 1;
        if ours != theirs {
            self.disagreements += 1;
            self.example(|| format!("ours {ours}, theirs {theirs}: {}", describe()));
        }
    }

    /// An input in a design-difference class: ours must equal our
    /// reference evaluator, theirs what their design gives (`None` when
    /// that is not modelled: then it is only counted).
    pub fn design(
        &mut self,
        class: &'static str,
        ours: Action,
        reference: Action,
        theirs: Action,
        theirs_expected: Option<Action>,
        describe: impl FnOnce() -> String,
    ) {
        let c = self.classes.entry(class).or_default();
        c.inputs += 1;
        c.both_agree += u64::from(ours == theirs);
        let ours_wrong = ours != reference;
        let theirs_wrong = theirs_expected.is_some_and(|e| e != theirs);
        c.ours_wrong += u64::from(ours_wrong);
        c.theirs_unexplained += u64::from(theirs_wrong);
        c.theirs_as_designed += u64::from(theirs_expected == Some(theirs));
        if ours_wrong || theirs_wrong {
            let expected = theirs_expected.map_or_else(|| "-".to_owned(), |a| a.to_string());
            self.example(|| {
                format!(
                    "[{class}] ours {ours} (reference {reference}), theirs {theirs} (expected {expected}): {}",
                    describe()
                )
            });
        }
    }

    /// Adds `n` to counter `name`.
    pub fn count(&mut self, name: &'static str, n: u64) {
        *self.counters.entry(name).or_default() += n;
    }

    /// An input the other side has no answer for: ours must equal our
    /// reference evaluator.
    pub fn reference_only(
        &mut self,
        class: &'static str,
        ours: Action,
        reference: Action,
        describe: impl FnOnce() -> String,
    ) {
        let c = self.classes.entry(class).or_default();
        c.inputs += 1;
        if ours != reference {
            c.ours_wrong += 1;
            self.example(|| {
                format!(
                    "[{class}] ours {ours}, reference {reference}: {}",
                    describe()
                )
            });
        }
    }

    fn example(&mut self, describe: impl FnOnce() -> String) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(describe());
        }
    }

    /// Every failure: exact disagreements and wrong answers in classes.
    pub fn failures(&self) -> u64 {
        self.disagreements
            + self
                .classes
                .values()
                .map(|c| c.ours_wrong + c.theirs_unexplained)
                .sum::<u64>()
    }

    /// Inputs checked in all: compared plus those in design classes.
    pub fn checked(&self) -> u64 {
        self.compared + self.classes.values().map(|c| c.inputs).sum::<u64>()
    }

    pub fn merge(&mut self, other: Tally) {
        self.policies += other.policies;
        self.compared += other.compared;
        self.disagreements += other.disagreements;
        for (k, c) in other.classes {
            let mine = self.classes.entry(k).or_default();
            mine.inputs += c.inputs;
            mine.ours_wrong += c.ours_wrong;
            mine.theirs_as_designed += c.theirs_as_designed;
            mine.theirs_unexplained += c.theirs_unexplained;
            mine.both_agree += c.both_agree;
        }
        for (k, n) in other.counters {
            self.count(k, n);
        }
        for e in other.examples {
            self.example(|| e);
        }
    }

    /// A human-readable summary, `title` first.
    pub fn report(&self, title: &str) -> String {
        let mut s = format!(
            "{title}: {} policies, {} inputs compared, {} disagreements\n",
            self.policies, self.compared, self.disagreements
        );
        for (name, c) in &self.classes {
            let _ = writeln!(
                s,
                "  design difference `{name}`: {} inputs checked against our reference evaluator ({} wrong); \
                 theirs as their design says: {}, unexplained: {}; both agreed anyway: {}",
                c.inputs, c.ours_wrong, c.theirs_as_designed, c.theirs_unexplained, c.both_agree
            );
        }
        for (name, n) in &self.counters {
            let _ = writeln!(s, "  {name}: {n}");
        }
        for e in &self.examples {
            let _ = writeln!(s, "  FAILURE {e}");
        }
        s
    }
}
