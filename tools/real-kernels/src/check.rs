//! The comparison: every expected case against the line a driver printed
//! for it. A case fails when the kernel did something else, when no
//! driver reported it, or when it cannot tell its expected action from
//! another action of the same program on this kernel (then passing would
//! prove nothing).

use crate::files::Expected;
use crate::observation::{Observation, indistinguishable};
use crate::runs::RUNS;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a driver printed for one case: under the filter, and unfiltered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub filtered: Observation,
    pub baseline: Observation,
}

/// The drivers' lines, by case id, and their complaints.
#[derive(Debug, Default)]
pub struct Logs {
    pub seen: HashMap<String, Seen>,
    pub problems: Vec<String>,
}

/// Collects `realk ID OBSERVATION | BASELINE` lines from console logs, in
/// which the kernel's messages may surround them.
pub fn read_logs(logs: &[(String, String)]) -> Logs {
    let mut out = Logs::default();
    for (name, text) in logs {
        for line in text.lines() {
            let Some(start) = line.find("realk ") else {
                continue;
            };
            let rest = line[start + "realk ".len()..].trim_end_matches('\r');
            let Some((id, tail)) = rest.split_once(' ') else {
                continue;
            };
            match id {
                "booted" | "end" | "ran" => {}
                "error" => out.problems.push(format!("{name}: driver error: {tail}")),
                _ => record(&mut out, name, id, tail),
            }
        }
    }
    out
}

fn record(out: &mut Logs, log: &str, id: &str, tail: &str) {
    let Some((filtered, baseline)) = tail.split_once(" | ") else {
        out.problems
            .push(format!("{log}: garbled line for {id}: `{tail}`"));
        return;
    };
    let seen = Seen {
        filtered: Observation::parse(filtered),
        baseline: Observation::parse(baseline),
    };
    if out.seen.insert(id.to_owned(), seen).is_some() {
        out.problems
            .push(format!("{log}: case {id} reported twice"));
    }
}

/// Per run: cases compared, and how many the kernel decided otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: usize,
    pub mismatches: usize,
    pub missing: usize,
}

/// The outcome of the whole comparison.
#[derive(Debug, Default)]
pub struct Report {
    pub runs: BTreeMap<String, Tally>,
    /// One line per failed case or other problem, for the user.
    pub problems: Vec<String>,
}

impl Report {
    pub fn cases(&self) -> usize {
        self.runs.values().map(|t| t.cases).sum()
    }

    pub fn mismatches(&self) -> usize {
        self.runs.values().map(|t| t.mismatches).sum()
    }

    /// Architectures whose programs ran on a real kernel: the native
    /// architectures of the runs with every case reported.
    pub fn architectures(&self) -> BTreeSet<&'static str> {
        RUNS.iter()
            .filter(|r| {
                self.runs
                    .get(r.name)
                    .is_some_and(|t| t.cases > 0 && t.missing == 0)
            })
            .filter_map(|r| r.native.map(|a| a.name()))
            .collect()
    }

    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.runs.values().all(|t| t.cases > 0 && t.missing == 0)
    }

    /// The closing line `run.sh` promises.
    pub fn summary(&self) -> String {
        format!(
            "real kernels: {} architectures, {} cases, {} mismatches",
            self.architectures().len(),
            self.cases(),
            self.mismatches()
        )
    }
}

/// Compares every expectation with the logs.
pub fn compare(expected: &[Expected], logs: Logs) -> Report {
    let mut report = Report {
        problems: logs.problems,
        ..Report::default()
    };
    for e in expected {
        let tally = report.runs.entry(e.run.clone()).or_default();
        let Some(seen) = logs.seen.get(&e.id) else {
            tally.missing += 1;
            continue;
        };
        tally.cases += 1;
        let predicted = Observation::of_action(e.expected, &seen.baseline, e.seen_nr, e.audit_arch);
        if seen.filtered != predicted {
            tally.mismatches += 1;
            report.problems.push(mismatch(e, seen, &predicted));
        } else if let Some(other) = confusable(e, &seen.baseline, &predicted) {
            report.problems.push(format!(
                "cannot tell: {}: {} and {other} both give `{predicted}` here; change the case or the policy",
                describe(e),
                e.expected,
            ));
        }
    }
    for (run, t) in &report.runs {
        if t.cases == 0 {
            report.problems.push(format!(
                "run {run} did not run: no driver reported any of its {} cases",
                t.missing
            ));
        } else if t.missing > 0 {
            report.problems.push(format!(
                "run {run}: {} of its cases were not reported",
                t.missing
            ));
        }
    }
    report
}

/// Another action of the program that this kernel would show the same way.
fn confusable(
    e: &Expected,
    baseline: &Observation,
    predicted: &Observation,
) -> Option<seccomp_compiler::Action> {
    e.others.iter().copied().find(|&o| {
        !indistinguishable(o, e.expected)
            && Observation::of_action(o, baseline, e.seen_nr, e.audit_arch) == *predicted
    })
}

fn describe(e: &Expected) -> String {
    let args: Vec<String> = e.args.iter().map(|a| format!("{a:#x}")).collect();
    format!(
        "{} ({} program of {}.policy): {} nr {:#x}({})",
        e.id,
        e.program,
        e.policy,
        e.call,
        e.nr,
        args.join(", ")
    )
}

fn mismatch(e: &Expected, seen: &Seen, predicted: &Observation) -> String {
    format!(
        "MISMATCH {}: the evaluator says {}, so `{predicted}`; the kernel did `{}` (unfiltered: `{}`)",
        describe(e),
        e.expected,
        seen.filtered,
        seen.baseline
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::Action;

    fn expected(id: &str, run: &str, action: Action, others: Vec<Action>) -> Expected {
        Expected {
            id: id.into(),
            run: run.into(),
            policy: "p".into(),
            program: "x86_64".into(),
            call: "close".into(),
            nr: 3,
            args: vec![0; 6],
            seen_nr: 3,
            audit_arch: 0xc000_003e,
            expected: action,
            others,
        }
    }

    fn logs(text: &str) -> Logs {
        read_logs(&[("log".into(), text.into())])
    }

    #[test]
    fn matching_lines_pass_and_name_the_architectures() {
        let e = [
            expected("x86_64-0", "x86_64", Action::Errno(18), vec![Action::Allow]),
            expected("x86_64-1", "x86_64", Action::Allow, vec![Action::Errno(18)]),
        ];
        let text = "[ 1.0] boot\nrealk x86_64-0 errno 18 | errno 9\nnoise realk x86_64-1 errno 9 | errno 9\n";
        let r = compare(&e, logs(text));
        assert!(r.passed(), "{:?}", r.problems);
        assert_eq!(
            r.summary(),
            "real kernels: 1 architectures, 2 cases, 0 mismatches"
        );
    }

    #[test]
    fn a_different_verdict_is_a_mismatch() {
        let e = [expected("x86_64-0", "x86_64", Action::KillThread, vec![])];
        let r = compare(&e, logs("realk x86_64-0 kill_process | errno 9\n"));
        assert!(!r.passed());
        assert_eq!(r.mismatches(), 1);
        assert!(
            r.problems[0].starts_with("MISMATCH x86_64-0"),
            "{}",
            r.problems[0]
        );
    }

    #[test]
    fn a_case_that_cannot_tell_two_actions_apart_fails() {
        // errno(EBADF) and allow look the same when the call fails with EBADF.
        let e = [expected(
            "x86_64-0",
            "x86_64",
            Action::Errno(9),
            vec![Action::Allow],
        )];
        let r = compare(&e, logs("realk x86_64-0 errno 9 | errno 9\n"));
        assert_eq!(r.mismatches(), 0);
        assert!(!r.passed());
        assert!(
            r.problems[0].starts_with("cannot tell"),
            "{}",
            r.problems[0]
        );
    }

    #[test]
    fn a_run_without_output_fails() {
        let e = [
            expected("x86_64-0", "x86_64", Action::Allow, vec![]),
            expected("arm-0", "arm", Action::Allow, vec![]),
        ];
        let r = compare(&e, logs("realk x86_64-0 ret 0 | ret 0\n"));
        assert!(!r.passed());
        assert_eq!(r.architectures().len(), 1);
        assert!(
            r.problems
                .iter()
                .any(|p| p.starts_with("run arm did not run"))
        );
    }
}
