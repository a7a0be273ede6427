//! Our compiler against the system's libseccomp (issue 4, "Differential
//! testing"): the same policy compiled by both, both programs run in our
//! emulator on the same inputs, every input must give the same action.
//!
//! Inputs where the two designs differ on purpose are not skipped: each
//! such class is counted, our answer is checked against our reference
//! evaluator and libseccomp's against what its design gives:
//!
//! - `32-bit parameter width`: we compare a parameter the kernel declares
//!   32-bit (or 16-, 8-bit) on its low bits only; libseccomp compares the
//!   whole register.
//! - `unknown number`: we give numbers no table knows the `unknown` action
//!   (`errno(ENOSYS)` by default); libseccomp gives every unnamed number
//!   the default action.
//! - `x86_64 nr -1`: libseccomp's x32 check lets `nr == -1` (a syscall a
//!   tracer skipped) through to the default action; we kill every number
//!   with the x32 bit.
//! - `socketcall/ipc multiplexing`: on x86, s390x and powerpc64le,
//!   libseccomp adds a rule on `socketcall(call)` / `ipc(call)` for every
//!   rule on a multiplexed call (`socket`, `semop`, ...), dropping its
//!   argument conditions; we leave the multiplexers alone (and lint).
//!
//! libseccomp 2.5.4's own bugs are classes too, put down to it only with
//! evidence: its rule tree merged several rules of one syscall, and its
//! pseudo-filter code (interpreted independently) shows the mistake, or a
//! cross-endian export byte-swapped a return value (see `libseccomp_findings`
//! for each one reduced to a minimal case). A single rule must always agree.
//!
//! The parts:
//! - `with_libseccomp`: random policies in the common subset (see
//!   `tests::libseccomp::rules`), seven architectures, both of libseccomp's
//!   dispatch layouts, at least 1,000,000 compared inputs; and the narrow
//!   parameters where our width rule matters.
//! - `emulator_vs_pfc`: our emulator on libseccomp's programs against its
//!   pseudo-filter code and its documentation, hand-picked inputs.
//! - `libseccomp_findings`: what the tests found, minimal and asserted.
//! - `corpus`: Docker's and Podman's profiles, imported by us with exact
//!   widths and loaded into libseccomp as moby and runc do, for three
//!   capability sets; and Docker's on the real kernel (`on_the_kernel`).
//!
//! `DIFF_POLICIES=N` changes the number of random policies per
//! architecture, `DIFF_ARCH=NAME` keeps one architecture, `DIFF_VERBOSE=1`
//! prints every policy, `DIFF_MINIMIZE=1` reduces the first input of each
//! libseccomp bug class (or failure) to a minimal policy and prints both
//! programs.
//!
//! Needs the `libseccomp` feature (and libseccomp-dev). Without it this
//! file only says so.

#[cfg(not(feature = "libseccomp"))]
#[test]
fn libseccomp_differential_tests_need_the_feature() {
    println!(
        "NOTICE: the libseccomp differential tests are not built: \
         `cargo test -p tests --features libseccomp` runs them (needs libseccomp-dev)"
    );
}

#[cfg(feature = "libseccomp")]
pub(crate) mod with_libseccomp {
    use std::collections::BTreeMap;
    use std::time::Instant;

    use seccomp_compiler::arch::X32_SYSCALL_BIT;
    use seccomp_compiler::bpf::{SeccompData, SockFilter};
    use seccomp_compiler::ir::{ResolvedPolicy, RuleKind, RuleSource, width_mask};
    use seccomp_compiler::tables::syscalls;
    use seccomp_compiler::testing::Rng;
    use seccomp_compiler::{Action, Arch, compile_str, decide, emu};
    use tests::libseccomp::pfc::Pfc;
    use tests::libseccomp::rules::{
        self, Flavor, MULTIPLEXED, Op, Reading, RulePolicy, SyscallRules, Width, multiplexes,
    };
    use tests::libseccomp::tally::Tally;
    use tests::libseccomp::{ExportError, export, ffi};

    /// The class of inputs where libseccomp's BPF contradicts its own
    /// pseudo-filter code, which gives our answer.
    const LIBSECCOMP_BPF_BUG: &str =
        "libseccomp bug: its BPF contradicts its own PFC, which agrees with us";
    /// The class of inputs where libseccomp's BPF for a big-endian
    /// architecture, exported on this little-endian machine, returns our
    /// action with its bytes swapped (some shared return instructions are
    /// converted to the target's byte order twice).
    const LIBSECCOMP_ENDIAN_BUG: &str =
        "libseccomp bug: return value byte-swapped twice in a cross-endian export";
    /// The class of inputs where libseccomp merged several rules of one
    /// syscall into a tree that means something else (its PFC shows it).
    const LIBSECCOMP_DB_BUG: &str =
        "libseccomp bug: its rule tree (PFC and BPF) is not the OR of the rules";

    /// The class of inputs of policies libseccomp never finished compiling.
    const LIBSECCOMP_HANG: &str = "libseccomp bug: seccomp_rule_add never returns (policy skipped, ours checked against our reference evaluator)";

    /// Inputs where our kernel-width reading of a narrow parameter and
    /// libseccomp's whole-register reading differ.
    const WIDTH: &str = "32-bit parameter width (ours: the kernel's declared width)";

    /// Policies per architecture for the width test.
    const WIDTH_POLICIES_PER_ARCH: usize = 40;

    pub(crate) use tests::libseccomp::ARCHES;

    /// Policies per architecture; `DIFF_POLICIES` overrides.
    const POLICIES_PER_ARCH: usize = 90;
    /// Argument vectors per rule.
    pub(crate) const PER_RULE: usize = 48;
    /// What one CI run must compare at least (issue 4).
    const MIN_COMPARED: u64 = 1_000_000;

    /// Syscalls both tables give the same number on `arch` (libseccomp's
    /// name for our number is ours), and that
    /// libseccomp translates back to the same name from the native number
    /// it is handed (as runc and crun hand it).
    fn common_names(arch: Arch) -> Vec<(u32, &'static str)> {
        syscalls::table(arch)
            .entries()
            .iter()
            .copied()
            .filter(|&(nr, name)| libseccomp_agrees(arch, nr, name))
            .collect()
    }

    /// Whether libseccomp gives `name` our number `nr` on `arch` (see
    /// [`common_names`]).
    fn libseccomp_agrees(arch: Arch, nr: u32, name: &str) -> bool {
        let round_trip = ffi::resolve_name(name)
            .and_then(|n| ffi::resolve_num_arch(Arch::X86_64, n))
            .is_some_and(|n| n == name);
        let mux = multiplexes(arch) && matches!(name, "socketcall" | "ipc");
        // Number to name: on x86, s390x and powerpc64le libseccomp
        // resolves `socket`, `semop`, ... to the multiplexer's number.
        let same = ffi::resolve_num_arch(arch, nr as i32).is_some_and(|n| n == name);
        same && round_trip && !mux
    }

    /// Inputs on a successor the compiler gives `errno(ENOSYS)` (the
    /// policy allows the call libc falls back to and names the successor
    /// nowhere) that libseccomp 2.5.4 has no name for: libseccomp's filter
    /// gives it the default.
    const SUCCESSOR_UNKNOWN: &str =
        "successor errno(ENOSYS) for a syscall libseccomp does not know (theirs: the default)";

    /// `p` with the compiler's successor rules (README "Policies that
    /// survive libc upgrades") added as rules of its own, read from the
    /// resolved policy, so libseccomp builds them too; the successors
    /// libseccomp has no name for are returned as special numbers.
    fn with_successors(
        p: &RulePolicy,
        resolved: &ResolvedPolicy,
    ) -> (RulePolicy, BTreeMap<u32, (&'static str, Option<Action>)>) {
        let mut out = p.clone();
        let mut special = BTreeMap::new();
        let table = syscalls::table(p.arch);
        for rule in resolved.rules.iter() {
            let RuleSource::Successor(_) = rule.source else {
                continue;
            };
            let RuleKind::Drop(action) = rule.kind else {
                unreachable!("successor rules refuse");
            };
            for (nr, _) in rule.entries.iter() {
                let name = table.name(nr).expect("a successor has a name");
                if libseccomp_agrees(p.arch, nr, name) {
                    out.syscalls.push(SyscallRules {
                        name,
                        nr,
                        rules: vec![rules::Rule {
                            action,
                            conds: Vec::new(),
                        }],
                    });
                } else {
                    special.insert(nr, (SUCCESSOR_UNKNOWN, Some(p.default)));
                }
            }
        }
        (out, special)
    }

    /// The value `prog` returns for `data`.
    fn run(prog: &[SockFilter], data: &SeccompData, arch: Arch) -> u32 {
        emu::run(prog, data, arch.is_big_endian())
            .unwrap_or_else(|e| panic!("{arch}: {e} on {data:?}"))
            .ret
    }

    /// What our design gives `data`, from the rules (an independent model
    /// of our reference evaluator, for the rule subset).
    fn our_model(p: &RulePolicy, data: &SeccompData) -> Action {
        let arch = p.arch;
        if data.arch != arch.audit_arch() || arch.has_x32_abi() && data.nr >= X32_SYSCALL_BIT {
            Action::KillProcess
        } else if !syscalls::table(arch).knows(data.nr) {
            p.unknown.unwrap_or(Action::Errno(38))
        } else {
            p.rule_action(data.nr, &data.args, Reading::Ours)
                .unwrap_or(p.default)
        }
    }

    pub(crate) struct Compared<'a> {
        pub(crate) policy: &'a RulePolicy,
        pub(crate) resolved: &'a ResolvedPolicy,
        pub(crate) ours: &'a [SockFilter],
        pub(crate) theirs: &'a [SockFilter],
        /// libseccomp's own pseudo-filter code for the same filter.
        pub(crate) pfc: &'a Pfc,
        /// Numbers of `socketcall`/`ipc` that libseccomp adds rules to.
        pub(crate) multiplexers: Vec<u32>,
        /// Numbers the two tables see differently for this policy (corpus
        /// profiles): the class, and what libseccomp gives them.
        pub(crate) special: BTreeMap<u32, (&'static str, Option<Action>)>,
    }

    impl Compared<'_> {
        pub(crate) fn check(&self, data: &SeccompData, tally: &mut Tally, label: &str) {
            let p = self.policy;
            let arch = p.arch;
            let ours = Action::from_ret(run(self.ours, data, arch));
            let theirs_ret = run(self.theirs, data, arch);
            let theirs = Action::from_ret(theirs_ret);
            let reference = decide::eval(self.resolved, data, &|_| 0);
            let native = data.arch == arch.audit_arch();
            let special = self.special.get(&data.nr).filter(|_| native);
            let model = our_model(p, data);
            // The rule model knows the numbers both tables agree on.
            assert!(
                special.is_some() || model == reference,
                "{label}: the rule model ({model}) and our reference evaluator ({reference}) disagree on {data:x?}\n{}",
                p.to_text()
            );
            let describe = || format!("{label} {arch} {data:x?}");
            let (class, expected) = match special {
                Some(&(class, expected)) => (Some(class), expected),
                None => self.classify(data, model),
            };
            // libseccomp's PFC leaves out the x32 check of its BPF.
            let in_pfc = !(native && arch.has_x32_abi() && data.nr >= X32_SYSCALL_BIT);
            let pfc = in_pfc.then(|| self.pfc.run(data)).flatten();
            if in_pfc {
                tally.count(
                    if pfc == Some(theirs) {
                        "libseccomp's BPF (in our emulator) agrees with its PFC"
                    } else {
                        "libseccomp's BPF (in our emulator) differs from its PFC"
                    },
                    1,
                );
            }
            let bug = self.libseccomp_bug(data, theirs_ret, expected, pfc);
            if let Some(bug) = bug.filter(|_| ours == reference) {
                tally.design(bug, ours, reference, theirs, None, describe);
                return;
            }
            match class {
                None => tally.exact(ours, theirs, describe),
                Some(class) => tally.design(class, ours, reference, theirs, expected, describe),
            }
        }

        /// Which design difference `data` falls under (`None`: none, the
        /// two must agree), and what libseccomp's design gives it (`None`
        /// where that is not modelled).
        fn classify(
            &self,
            data: &SeccompData,
            model: Action,
        ) -> (Option<&'static str>, Option<Action>) {
            let p = self.policy;
            let arch = p.arch;
            let native = data.arch == arch.audit_arch();
            let theirs_by_rules = || {
                p.rule_action(data.nr, &data.args, Reading::Theirs)
                    .unwrap_or(p.default)
            };
            if !native || arch.has_x32_abi() && data.nr >= X32_SYSCALL_BIT && data.nr != u32::MAX {
                // Both refuse other ABIs with kill_process.
                (None, Some(model))
            } else if arch.has_x32_abi() && data.nr == u32::MAX {
                (Some("x86_64 nr -1"), Some(p.default))
            } else if self.multiplexers.contains(&data.nr) {
                (Some("socketcall/ipc multiplexing"), None)
            } else if !syscalls::table(arch).knows(data.nr) && model != p.default {
                (Some("unknown number"), Some(theirs_by_rules()))
            } else {
                let expected = theirs_by_rules();
                let class = (expected != model).then_some(WIDTH);
                (class, Some(expected))
            }
        }

        /// Where libseccomp's answer departs from its own design, the kind
        /// of libseccomp bug its pseudo-filter code shows it to be: the
        /// PFC gives the designed answer but the BPF does not (its BPF
        /// generator erred; on a big-endian architecture, with the return
        /// value's bytes swapped), or the PFC gives the same wrong answer
        /// (its rule tree merged rules wrongly). Put down to libseccomp only
        /// where it merged several rules of one syscall, or swapped bytes:
        /// a single rule must mean the same on both sides.
        fn libseccomp_bug(
            &self,
            data: &SeccompData,
            theirs_ret: u32,
            expected: Option<Action>,
            pfc: Option<Action>,
        ) -> Option<&'static str> {
            let theirs = Action::from_ret(theirs_ret);
            let expected = expected.filter(|&e| e != theirs)?;
            let swapped = Action::from_ret(theirs_ret.swap_bytes());
            let merged = self
                .policy
                .syscalls
                .iter()
                .any(|s| s.nr == data.nr && s.rules.len() > 1);
            let swapped_too = self.policy.arch.is_big_endian() && pfc == Some(swapped);
            if swapped_too && swapped == expected {
                Some(LIBSECCOMP_ENDIAN_BUG)
            } else if merged && swapped_too {
                // Both: the rule tree is wrong and its value byte-swapped.
                Some(LIBSECCOMP_DB_BUG)
            } else if merged && pfc == Some(expected) {
                Some(LIBSECCOMP_BPF_BUG)
            } else if merged && pfc == Some(theirs) {
                Some(LIBSECCOMP_DB_BUG)
            } else {
                None
            }
        }
    }

    pub(crate) fn multiplexers(p: &RulePolicy) -> Vec<u32> {
        let names_one = p.syscalls.iter().any(|s| MULTIPLEXED.contains(&s.name));
        if !(multiplexes(p.arch) && names_one) {
            return Vec::new();
        }
        let table = syscalls::table(p.arch);
        ["socketcall", "ipc"]
            .iter()
            .filter_map(|n| table.number(n))
            .collect()
    }

    fn compare_policy(
        p: &RulePolicy,
        optimize: u32,
        rng: &mut Rng,
        tally: &mut Tally,
        label: &str,
    ) {
        let text = p.to_text();
        let compiled = compile_str(&text).unwrap_or_else(|e| panic!("{label}: {e:?}\n{text}"));
        let out = compiled
            .get(p.arch)
            .unwrap_or_else(|| panic!("{label}: {:?}\n{text}", compiled.arches[0].outcome));
        let ours = out.program.filters().expect("no symbolic values");
        let (p, special) = with_successors(p, &out.resolved);
        let p = &p;
        let theirs = match export(p, optimize) {
            Ok(e) => e,
            Err(ExportError::Hung) => {
                // Nothing to compare with: ours still answers to our
                // reference evaluator, and the policy is counted.
                println!("{label} {}: libseccomp hung on\n{text}", p.arch);
                for data in rules::inputs(p, rng, PER_RULE) {
                    let ours = Action::from_ret(run(&ours, &data, p.arch));
                    let reference = decide::eval(&out.resolved, &data, &|_| 0);
                    let describe = || format!("{label} {} {data:x?}", p.arch);
                    tally.reference_only(LIBSECCOMP_HANG, ours, reference, describe);
                }
                tally.policies += 1;
                return;
            }
            Err(e) => panic!("{label}: {e}\n{text}"),
        };
        // libseccomp's programs must pass the kernel's checks too.
        emu::validate(&theirs.bpf).unwrap_or_else(|e| panic!("{label}: libseccomp's program: {e}"));
        let pfc =
            Pfc::parse(&theirs.pfc).unwrap_or_else(|e| panic!("{label}: {e}\n{}", theirs.pfc));
        let theirs = theirs.bpf;
        let c = Compared {
            policy: p,
            resolved: &out.resolved,
            ours: &ours,
            theirs: &theirs,
            pfc: &pfc,
            multiplexers: multiplexers(p),
            special,
        };
        let minimizing = std::env::var_os("DIFF_MINIMIZE").is_some();
        let mut shown: Vec<&str> = Vec::new();
        for data in rules::inputs(p, rng, PER_RULE) {
            if !minimizing {
                c.check(&data, tally, label);
                continue;
            }
            let mut one = Tally::default();
            c.check(&data, &mut one, label);
            if let Some(t) = trouble(&one).filter(|t| !shown.contains(t)) {
                shown.push(t);
                println!(
                    "{label} {} [{t}]: {}",
                    p.arch,
                    minimize(p, &data, optimize, t)
                );
            }
            tally.merge(one);
        }
        tally.policies += 1;
    }

    /// What makes an input worth a minimal reproduction: a failure, or
    /// one of libseccomp's bugs.
    fn trouble(t: &Tally) -> Option<&'static str> {
        if t.failures() > 0 {
            return Some("failure");
        }
        [LIBSECCOMP_BPF_BUG, LIBSECCOMP_DB_BUG, LIBSECCOMP_ENDIAN_BUG]
            .into_iter()
            .find(|c| t.classes.contains_key(c))
    }

    /// Whether the rules of every syscall with several actions are still
    /// told apart by an `==` on one argument (the generator's invariant).
    fn disjoint(p: &RulePolicy) -> bool {
        p.syscalls.iter().all(|s| {
            let one_action = s.rules.iter().all(|r| r.action == s.rules[0].action);
            one_action
                || (0..6).any(|arg| {
                    let values: Vec<Option<u64>> = s
                        .rules
                        .iter()
                        .map(|r| {
                            r.conds
                                .iter()
                                .find(|c| c.arg == arg && c.op == Op::Eq && c.width == Width::Full)
                                .map(|c| c.value)
                        })
                        .collect();
                    values.iter().all(Option::is_some)
                        && (1..values.len()).all(|i| !values[..i].contains(&values[i]))
                })
        })
    }

    /// Whether `data` still shows `what` (see [`trouble`]) under `p`.
    fn fails(p: &RulePolicy, data: &SeccompData, optimize: u32, what: &str) -> bool {
        if !disjoint(p) {
            return false;
        }
        let Ok(compiled) = compile_str(&p.to_text()) else {
            return false;
        };
        let Some(out) = compiled.get(p.arch) else {
            return false;
        };
        let (p, special) = with_successors(p, &out.resolved);
        let p = &p;
        let Ok(export) = export(p, optimize) else {
            return false;
        };
        let ours = out.program.filters().expect("no symbolic values");
        let theirs = export.bpf;
        let pfc = Pfc::parse(&export.pfc).expect("libseccomp's PFC");
        let c = Compared {
            policy: p,
            resolved: &out.resolved,
            ours: &ours,
            theirs: &theirs,
            pfc: &pfc,
            multiplexers: multiplexers(p),
            special,
        };
        let mut tally = Tally::default();
        c.check(data, &mut tally, "minimizing");
        trouble(&tally) == Some(what)
    }

    /// The smallest policy (fewest syscalls, rules, comparisons) on which
    /// `data` still fails, with libseccomp's pseudo-filter code and both
    /// programs, for the report.
    fn minimize(p: &RulePolicy, data: &SeccompData, optimize: u32, what: &str) -> String {
        let mut p = p.clone();
        let mut alone = p.clone();
        alone.syscalls.retain(|s| s.nr == data.nr);
        if fails(&alone, data, optimize, what) {
            p = alone;
        }
        loop {
            let mut smaller = false;
            for i in (0..p.syscalls.len()).rev() {
                let mut q = p.clone();
                q.syscalls.remove(i);
                if fails(&q, data, optimize, what) {
                    p = q;
                    smaller = true;
                }
            }
            let rules: Vec<(usize, usize)> = p
                .syscalls
                .iter()
                .enumerate()
                .flat_map(|(i, s)| (0..s.rules.len()).map(move |j| (i, j)))
                .collect();
            for &(i, j) in rules.iter().rev() {
                let mut q = p.clone();
                q.syscalls[i].rules.remove(j);
                if !q.syscalls[i].rules.is_empty() && fails(&q, data, optimize, what) {
                    p = q;
                    smaller = true;
                }
            }
            for i in 0..p.syscalls.len() {
                for j in 0..p.syscalls[i].rules.len() {
                    for k in (0..p.syscalls[i].rules[j].conds.len()).rev() {
                        let mut q = p.clone();
                        q.syscalls[i].rules[j].conds.remove(k);
                        if k < q.syscalls[i].rules[j].conds.len() + 1
                            && fails(&q, data, optimize, what)
                        {
                            p = q;
                            smaller = true;
                        }
                    }
                }
            }
            if !smaller {
                break;
            }
        }
        let filter = export(&p, optimize).expect("it built before");
        let ours = compile_str(&p.to_text()).expect("it compiled before");
        let ours = ours.get(p.arch).expect("it compiled before");
        format!(
            "minimal policy (optimize {optimize}):\n{}\ninput {data:x?}\nlibseccomp rules: {:?}\n{}\nlibseccomp's program:\n{}\nours:\n{}",
            p.to_text(),
            p.syscalls,
            filter.pfc,
            emu::disasm_for(&filter.bpf, p.arch.is_big_endian()),
            emu::disasm_for(
                &ours.program.filters().expect("no symbols"),
                p.arch.is_big_endian()
            ),
        )
    }

    fn policies_per_arch() -> usize {
        std::env::var("DIFF_POLICIES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(POLICIES_PER_ARCH)
    }

    #[test]
    fn random_policies_agree_with_libseccomp() {
        let (major, minor, micro) = ffi::version();
        println!("libseccomp {major}.{minor}.{micro}");
        let start = Instant::now();
        let mut total = Tally::default();
        let only = std::env::var("DIFF_ARCH").ok();
        for (i, arch) in ARCHES.into_iter().enumerate() {
            if only.as_ref().is_some_and(|a| a != arch.name()) {
                continue;
            }
            let names = common_names(arch);
            let mut tally = Tally::default();
            for seed in 0..policies_per_arch() {
                let seed = (i * 100_000 + seed) as u64;
                let mut rng = Rng::new(seed);
                let p = rules::random_policy(&mut rng, arch, &names, Flavor::Libseccomp);
                let optimize = 1 + (seed % 2) as u32;
                if std::env::var_os("DIFF_VERBOSE").is_some() {
                    println!("seed {seed}\n{}\n{:?}", p.to_text(), p.syscalls);
                }
                compare_policy(&p, optimize, &mut rng, &mut tally, &format!("seed {seed}"));
            }
            println!("{}", tally.report(&format!("{arch}")).trim_end());
            total.merge(tally);
        }
        println!(
            "{}  ({:.1} s)",
            total
                .report("libseccomp, random policies, all architectures")
                .trim_end(),
            start.elapsed().as_secs_f64()
        );
        assert_eq!(total.failures(), 0, "{}", total.report("failures"));
        let enough = policies_per_arch() < POLICIES_PER_ARCH || total.compared >= MIN_COMPARED;
        assert!(enough, "only {} inputs compared", total.compared);
    }

    /// `p` with every comparison on a parameter the kernel declares
    /// narrower than the register written without a width (our kernel
    /// width), its constants cut to fit.
    fn declared_widths(mut p: RulePolicy) -> RulePolicy {
        let word = p.arch.word_bits() as u8;
        for s in &mut p.syscalls {
            for c in s.rules.iter_mut().flat_map(|r| &mut r.conds) {
                let bits = rules::declared_bits(p.arch, s.name, c.arg);
                if bits >= word {
                    continue;
                }
                c.width = Width::Declared;
                if let Op::MaskedEq(m) = c.op {
                    c.op = Op::MaskedEq(m & width_mask(bits));
                }
                if rules::literal(c.value, bits, c.op != Op::Eq && c.op != Op::Ne).is_none() {
                    c.value &= width_mask(bits);
                }
            }
        }
        p
    }

    /// Our deliberate difference, where it matters: parameters the kernel
    /// declares 32-bit (or 16-, 8-bit) compared on those bits by us and on
    /// the whole register by libseccomp, with garbage in the bits above.
    /// Inputs where the two readings differ are checked against our
    /// reference evaluator (ours) and the 64-bit reading (libseccomp).
    #[test]
    fn narrow_parameters_differ_by_design_only() {
        let start = Instant::now();
        let mut total = Tally::default();
        for (i, arch) in ARCHES.into_iter().enumerate() {
            let names: Vec<_> = common_names(arch)
                .into_iter()
                .filter(|&(_, name)| {
                    (0..6).any(|a| rules::declared_bits(arch, name, a) < arch.word_bits() as u8)
                })
                .collect();
            for seed in 0..WIDTH_POLICIES_PER_ARCH {
                let seed = (i * 100_000 + 50_000 + seed) as u64;
                let mut rng = Rng::new(seed);
                let p = rules::random_policy(&mut rng, arch, &names, Flavor::Libseccomp);
                let p = declared_widths(p);
                compare_policy(&p, 2, &mut rng, &mut total, &format!("width seed {seed}"));
            }
        }
        println!(
            "{}  ({:.1} s)",
            total.report("libseccomp, narrow parameters").trim_end(),
            start.elapsed().as_secs_f64()
        );
        assert_eq!(total.failures(), 0, "{}", total.report("failures"));
        let width = total.classes.get(WIDTH).map_or(0, |c| c.inputs);
        assert!(width >= 1000, "only {width} inputs where the width matters");
    }
}

/// Our emulator against an independent reading of the same programs:
/// libseccomp's BPF run in our emulator must do what libseccomp's own
/// pseudo-filter code says and what its documentation says, on inputs
/// picked by hand (64-bit and 32-bit comparisons, masks, big-endian word
/// order, other architectures, x32, `nr == -1`).
#[cfg(feature = "libseccomp")]
mod emulator_vs_pfc {
    use seccomp_compiler::bpf::SeccompData;
    use seccomp_compiler::{Action, Arch, emu};
    use tests::libseccomp::ffi::{self, Attr, Filter, ScmpArgCmp};
    use tests::libseccomp::pfc::Pfc;

    fn cmp(arg: u32, op: i32, a: u64, b: u64) -> ScmpArgCmp {
        ScmpArgCmp {
            arg,
            op,
            datum_a: a,
            datum_b: b,
        }
    }

    /// read: allow; write(fd == 1): log; mmap(prot & PROT_EXEC): trap;
    /// kill(sig > 9): errno(22); everything else errno(5).
    fn filter(arch: Arch) -> Filter {
        let mut f = Filter::new(arch, Action::Errno(5).to_ret()).expect("init");
        f.set_attr(Attr::ActBadarch, Action::KillProcess.to_ret())
            .expect("badarch");
        let add = |f: &mut Filter, a: Action, name: &str, c: &[ScmpArgCmp]| {
            assert!(
                f.add_rule_by_name(a.to_ret(), name, c).expect("rule"),
                "{name}"
            );
        };
        add(&mut f, Action::Allow, "read", &[]);
        add(
            &mut f,
            Action::Log,
            "write",
            &[cmp(0, ffi::SCMP_CMP_EQ, 1, 0)],
        );
        add(
            &mut f,
            Action::Trap,
            "mmap",
            &[cmp(2, ffi::SCMP_CMP_MASKED_EQ, 4, 4)],
        );
        add(
            &mut f,
            Action::Errno(22),
            "kill",
            &[cmp(1, ffi::SCMP_CMP_GT, 9, 0)],
        );
        f
    }

    fn nr(arch: Arch, name: &str) -> u32 {
        ffi::resolve_name_arch(arch, name).expect("known")
    }

    #[test]
    fn libseccomp_programs_run_as_its_pseudo_code_says() {
        let mut checked = 0;
        for arch in [Arch::X86_64, Arch::X86, Arch::Aarch64, Arch::S390x] {
            let f = filter(arch);
            let bpf = f.export_bpf().expect("bpf");
            let pfc = Pfc::parse(&f.export_pfc().expect("pfc")).expect("parses");
            let wide = arch.word_bits() == 64;
            let at = |name: &str, args: [u64; 6]| SeccompData {
                nr: nr(arch, name),
                arch: arch.audit_arch(),
                instruction_pointer: 0,
                args,
            };
            let hi = 1u64 << 32;
            let mut cases = vec![
                (at("read", [0; 6]), Action::Allow),
                (at("write", [1, 0, 0, 0, 0, 0]), Action::Log),
                (at("write", [2, 0, 0, 0, 0, 0]), Action::Errno(5)),
                // The high word counts on a 64-bit architecture only.
                (
                    at("write", [1 | hi, 0, 0, 0, 0, 0]),
                    if wide { Action::Errno(5) } else { Action::Log },
                ),
                (at("mmap", [0, 4096, 7, 0, 0, 0]), Action::Trap),
                (at("mmap", [0, 4096, 3, 0, 0, 0]), Action::Errno(5)),
                (at("mmap", [0, 4096, 4 | hi, 0, 0, 0]), Action::Trap),
                (at("kill", [1, 10, 0, 0, 0, 0]), Action::Errno(22)),
                (at("kill", [1, 9, 0, 0, 0, 0]), Action::Errno(5)),
                (
                    at("kill", [1, hi, 0, 0, 0, 0]),
                    if wide {
                        Action::Errno(22)
                    } else {
                        Action::Errno(5)
                    },
                ),
                (at("getpid", [0; 6]), Action::Errno(5)),
            ];
            let foreign = SeccompData {
                arch: Arch::Riscv64.audit_arch(),
                ..at("read", [0; 6])
            };
            cases.push((foreign, Action::KillProcess));
            for (data, expected) in &cases {
                let ran = emu::run(&bpf, data, arch.is_big_endian()).expect("runs");
                let ran = Action::from_ret(ran.ret);
                assert_eq!(
                    ran, *expected,
                    "{arch}: our emulator on libseccomp's BPF, {data:x?}"
                );
                assert_eq!(
                    pfc.run(data),
                    Some(*expected),
                    "{arch}: libseccomp's PFC, {data:x?}"
                );
                checked += 1;
            }
            // What PFC leaves out: x86_64's x32 check, and nr -1 let past it.
            if arch == Arch::X86_64 {
                let x32 = SeccompData {
                    nr: 0x4000_0000 | nr(arch, "read"),
                    ..at("read", [0; 6])
                };
                let minus_one = SeccompData {
                    nr: u32::MAX,
                    ..at("read", [0; 6])
                };
                let run =
                    |d: &SeccompData| Action::from_ret(emu::run(&bpf, d, false).expect("runs").ret);
                assert_eq!(run(&x32), Action::KillProcess);
                assert_eq!(run(&minus_one), Action::Errno(5));
                checked += 2;
            }
        }
        println!(
            "our emulator on libseccomp's programs: {checked} hand-picked inputs as documented and as its PFC says"
        );
    }
}

/// The libseccomp 2.5.4 bugs and design differences the differential
/// tests found, each reduced to a minimal rule set and one input: our
/// program must give the documented answer; whether libseccomp still
/// departs from it is printed (a newer libseccomp may have fixed it).
#[cfg(feature = "libseccomp")]
mod libseccomp_findings {
    use std::time::Duration;

    use seccomp_compiler::bpf::SeccompData;
    use seccomp_compiler::{Action, Arch, compile_str, emu};
    use tests::libseccomp::ffi::{self, Attr, ChildError, Filter, ScmpArgCmp};
    use tests::libseccomp::pfc::Pfc;

    fn cmp(arg: u32, op: i32, a: u64) -> ScmpArgCmp {
        ScmpArgCmp {
            arg,
            op,
            datum_a: a,
            datum_b: 0,
        }
    }

    fn data(arch: Arch, name: &str, args: [u64; 6]) -> SeccompData {
        SeccompData {
            nr: ffi::resolve_name_arch(arch, name).expect("known"),
            arch: arch.audit_arch(),
            instruction_pointer: 0,
            args,
        }
    }

    fn ours(text: &str, arch: Arch, d: &SeccompData) -> Action {
        let c = compile_str(text).unwrap_or_else(|e| panic!("{e:?}"));
        let prog = c
            .get(arch)
            .expect("arch")
            .program
            .filters()
            .expect("no symbols");
        let big = arch.is_big_endian();
        Action::from_ret(emu::run(&prog, d, big).expect("runs").ret)
    }

    /// (BPF in our emulator, PFC) of libseccomp's filter.
    fn theirs(f: &Filter, d: &SeccompData) -> (Action, Option<Action>) {
        let bpf = f.export_bpf().expect("bpf");
        let pfc = Pfc::parse(&f.export_pfc().expect("pfc")).expect("pfc parses");
        let ran = emu::run(&bpf, d, f.arch().is_big_endian()).expect("runs");
        (Action::from_ret(ran.ret), pfc.run(d))
    }

    fn report(what: &str, correct: Action, ours: Action, theirs: (Action, Option<Action>)) {
        assert_eq!(ours, correct, "ours on: {what}");
        let state = if theirs.0 == correct {
            "fixed"
        } else {
            "present"
        };
        println!(
            "[{state}] {what}: correct {correct}; libseccomp's BPF {}, its PFC {}",
            theirs.0,
            theirs.1.map_or_else(|| "-".to_owned(), |a| a.to_string())
        );
    }

    /// Two rules on one argument, `a0 < 0xffffffff00000000` or `a0 >= 1`:
    /// after the first rule's low-word test falls through, the BPF enters
    /// the second rule's high-word test without reloading it (the PFC is
    /// right, the BPF compares the low word).
    #[test]
    fn stale_accumulator_between_rules() {
        let arch = Arch::X86_64;
        let mut f = Filter::new(arch, Action::KillProcess.to_ret()).expect("init");
        let log = Action::Log.to_ret();
        f.add_rule_by_name(
            log,
            "getppid",
            &[cmp(0, ffi::SCMP_CMP_LT, 0xffff_ffff_0000_0000)],
        )
        .expect("rule");
        f.add_rule_by_name(log, "getppid", &[cmp(0, ffi::SCMP_CMP_GE, 1)])
            .expect("rule");
        let d = data(arch, "getppid", [0xffff_ffff_0000_0000, 0, 0, 0, 0, 0]);
        let text = "arch x86_64; deny kill_process; drop getppid(arg0:u64 < 0xffffffff00000000 || arg0:u64 >= 1) => log;";
        report(
            "BPF skips a reload between two rules on a0",
            Action::Log,
            ours(text, arch, &d),
            theirs(&f, &d),
        );
    }

    /// Two rules with one action, `(a3 < 0x80000000 && a1 >= 3)` or
    /// `(a1 >= 0x10000 && a2 <= 3)`: libseccomp's tree grafts the second
    /// rule's `a2` test under `a1 >= 3`, so `a1 = 3, a2 = 0, a3 =
    /// 0x80000000` (neither rule) matches (PFC and BPF alike).
    #[test]
    fn rule_tree_is_not_the_or_of_the_rules() {
        let arch = Arch::X86_64;
        let mut f = Filter::new(arch, Action::Errno(169).to_ret()).expect("init");
        let e1 = Action::Errno(1).to_ret();
        f.add_rule_by_name(
            e1,
            "clone",
            &[
                cmp(3, ffi::SCMP_CMP_LT, 0x8000_0000),
                cmp(1, ffi::SCMP_CMP_GE, 3),
            ],
        )
        .expect("rule");
        f.add_rule_by_name(
            e1,
            "clone",
            &[
                cmp(1, ffi::SCMP_CMP_GE, 0x10000),
                cmp(2, ffi::SCMP_CMP_LE, 3),
            ],
        )
        .expect("rule");
        let d = data(arch, "clone", [0, 3, 0, 0x8000_0000, 0, 0]);
        let text = "arch x86_64; acknowledge clone3; deny errno(169); \
                    drop clone((arg3:u64 < 0x80000000 && arg1:u64 >= 3) || (arg1:u64 >= 0x10000 && arg2:u64 <= 3)) => errno(1);";
        report(
            "rules on a1 >= 3 and a1 >= 0x10000 merged wrongly",
            Action::Errno(169),
            ours(text, arch, &d),
            theirs(&f, &d),
        );
    }

    /// `seccomp_rule_add` never returns for the second of `(a0 <= 5 && a1 >
    /// 0xff)` and `(a0 <= 5 && a1 == 7)` (same action): an endless loop.
    #[test]
    fn rule_add_loops_forever() {
        let arch = Arch::X86_64;
        let result = ffi::in_child(Duration::from_secs(3), || {
            let mut f = Filter::new(arch, Action::KillProcess.to_ret()).expect("init");
            let e = Action::Errno(1).to_ret();
            let _ = f.add_rule_by_name(
                e,
                "write",
                &[cmp(0, ffi::SCMP_CMP_LE, 5), cmp(1, ffi::SCMP_CMP_GT, 0xff)],
            );
            let _ = f.add_rule_by_name(
                e,
                "write",
                &[cmp(0, ffi::SCMP_CMP_LE, 5), cmp(1, ffi::SCMP_CMP_EQ, 7)],
            );
            b"returned".to_vec()
        });
        let d = data(arch, "write", [5, 7, 0, 0, 0, 0]);
        let text = "arch x86_64; deny kill_process; drop write((arg0:u64 <= 5 && arg1:u64 > 0xff) || (arg0:u64 <= 5 && arg1:u64 == 7)) => errno(1);";
        assert_eq!(ours(text, arch, &d), Action::Errno(1));
        let state = if result == Err(ChildError::Hung) {
            "present"
        } else {
            "fixed"
        };
        println!(
            "[{state}] seccomp_rule_add loops forever on (a0 <= 5 && a1 > 0xff), (a0 <= 5 && a1 == 7): {result:?}"
        );
    }

    /// A big s390x filter (binary tree, ~150 rules) exported on this
    /// little-endian machine: some shared `ret` instructions have their
    /// value byte-swapped twice (`ret 0x80000000` reads `ret 0x00000080`).
    #[test]
    fn cross_endian_export_swaps_some_return_values_twice() {
        let arch = Arch::S390x;
        let mut f = Filter::new(arch, Action::Allow.to_ret()).expect("init");
        f.set_attr(Attr::ActBadarch, Action::KillProcess.to_ret())
            .expect("badarch");
        f.set_attr(Attr::CtlOptimize, 2).expect("optimize");
        let mut named = 0;
        for nr in 1..=160 {
            if let Some(name) = ffi::resolve_num_arch(arch, nr) {
                f.add_rule_by_name(Action::Errno(nr as u16).to_ret(), &name, &[])
                    .expect("rule");
                named += 1;
            }
        }
        let foreign = SeccompData {
            arch: Arch::X86_64.audit_arch(),
            ..data(arch, "read", [0; 6])
        };
        let (bpf, pfc) = theirs(&f, &foreign);
        assert_eq!(pfc, Some(Action::KillProcess));
        let state = if bpf == Action::KillProcess {
            "fixed"
        } else {
            "present"
        };
        println!(
            "[{state}] s390x filter of {named} rules exported on x86_64: another architecture gets {bpf} (its PFC: kill_process)"
        );
    }

    /// Not bugs, libseccomp's design, which the importers and the
    /// differential tests follow: each is asserted.
    #[test]
    fn libseccomp_design_as_found() {
        // SCMP_ACT_ERRNO(4095) (MAX_ERRNO, a valid kernel action) is refused.
        let mut f = Filter::new(Arch::X86_64, Action::KillProcess.to_ret()).expect("init");
        let e = f.add_rule_by_name(Action::Errno(4095).to_ret(), "getpid", &[]);
        println!("SCMP_ACT_ERRNO(4095): {e:?}");
        assert!(e.is_err_and(|e| e.rc == -libc::EINVAL));
        // A rule with the default action is refused.
        let e = f.add_rule_by_name(Action::KillProcess.to_ret(), "getpid", &[]);
        assert!(e.is_err_and(|e| e.rc == -libc::EACCES));
        // MASKED_EQ masks the datum: (a0 & 0xf0) == (0x1ff & 0xf0).
        let mut f = Filter::new(Arch::X86_64, Action::KillProcess.to_ret()).expect("init");
        let masked = ScmpArgCmp {
            arg: 0,
            op: ffi::SCMP_CMP_MASKED_EQ,
            datum_a: 0xf0,
            datum_b: 0x1ff,
        };
        f.add_rule_by_name(Action::Allow.to_ret(), "getpid", &[masked])
            .expect("rule");
        let d = data(Arch::X86_64, "getpid", [0xf0, 0, 0, 0, 0, 0]);
        assert_eq!(theirs(&f, &d), (Action::Allow, Some(Action::Allow)));
        // On x86, a rule on `connect(fd == 1)` also becomes `socketcall(call
        // == SYS_CONNECT)`, its argument condition dropped.
        let mut f = Filter::new(Arch::X86, Action::Errno(5).to_ret()).expect("init");
        f.add_rule_by_name(
            Action::Errno(1).to_ret(),
            "connect",
            &[cmp(0, ffi::SCMP_CMP_EQ, 1)],
        )
        .expect("rule");
        let socketcall = SeccompData {
            nr: 102,
            arch: Arch::X86.audit_arch(),
            instruction_pointer: 0,
            args: [3, 7, 0, 0, 0, 0],
        };
        assert_eq!(
            theirs(&f, &socketcall),
            (Action::Errno(1), Some(Action::Errno(1)))
        );
        // libseccomp resolves `socket` on x86 to no number of its own (its
        // rule_add expands it), while its number-to-name table has 359.
        assert_eq!(
            ffi::resolve_num_arch(Arch::X86, 359).as_deref(),
            Some("socket")
        );
        assert_ne!(ffi::resolve_name_arch(Arch::X86, "socket"), Some(359));
    }
}

/// The corpus profiles (Docker's and Podman's defaults), imported by us
/// with `--exact-width` and loaded into libseccomp the way moby filters a
/// profile and runc loads it.
#[cfg(feature = "libseccomp")]
mod corpus {
    use std::collections::{BTreeMap, BTreeSet};
    use std::time::Instant;

    use seccomp_compiler::tables::syscalls;
    use seccomp_compiler::testing::Rng;
    use seccomp_compiler::{Action, Arch, compile_str};
    use seccomp_import::{self as import, Format, ImportOptions};
    use serde_json::Value;
    use tests::libseccomp::ffi::{self, Attr, Filter, ScmpArgCmp};
    use tests::libseccomp::oci::{OciRule, default_action, oci_rules, runc_split, strings};
    use tests::libseccomp::rules::{self, ArgCmp, Rule, RulePolicy, SyscallRules};
    use tests::libseccomp::tally::Tally;
    use tests::libseccomp::{export_filter, pfc::Pfc};

    use super::with_libseccomp::{Compared, PER_RULE, multiplexers};

    /// The profiles, relative to the workspace: Docker's, Podman's, and
    /// one whose rules compare an argument twice, which runc splits.
    const PROFILES: [&str; 3] = [
        "../seccomp-import/tests/corpus/moby-default.json",
        "../seccomp-import/tests/corpus/podman-containers-common-seccomp.json",
        "fixtures/oci-runc-split.json",
    ];

    /// `SCMP_ARCH_*` names and the `runtime.GOARCH` moby matches
    /// `includes.arches` against.
    fn scmp_name(arch: Arch) -> &'static str {
        match arch {
            Arch::X86_64 => "SCMP_ARCH_X86_64",
            Arch::X86 => "SCMP_ARCH_X86",
            Arch::Aarch64 => "SCMP_ARCH_AARCH64",
            Arch::Arm => "SCMP_ARCH_ARM",
            Arch::Riscv64 => "SCMP_ARCH_RISCV64",
            Arch::S390x => "SCMP_ARCH_S390X",
            Arch::Powerpc64le => "SCMP_ARCH_PPC64LE",
            Arch::Loongarch64 => "SCMP_ARCH_LOONGARCH64",
        }
    }

    fn goarch(scmp: &str) -> Option<&'static str> {
        Some(match scmp {
            "SCMP_ARCH_X86_64" => "amd64",
            "SCMP_ARCH_AARCH64" => "arm64",
            "SCMP_ARCH_S390X" => "s390x",
            "SCMP_ARCH_RISCV64" => "riscv64",
            "SCMP_ARCH_PPC64LE" => "ppc64le",
            "SCMP_ARCH_LOONGARCH64" => "loong64",
            _ => return None,
        })
    }

    /// The host architecture (as GOARCH) whose `archMap` entry holds
    /// `arch`, if the profile names it.
    fn host_of(profile: &Value, arch: Arch) -> Option<&'static str> {
        let name = scmp_name(arch);
        profile["archMap"].as_array()?.iter().find_map(|entry| {
            let main = entry["architecture"].as_str()?;
            let subs = entry["subArchitectures"].as_array();
            let member =
                main == name || subs.is_some_and(|s| s.iter().any(|a| a.as_str() == Some(name)));
            member.then(|| goarch(main)).flatten()
        })
    }

    fn scmp_cmps(args: &[ArgCmp]) -> Vec<ScmpArgCmp> {
        args.iter().map(tests::libseccomp::scmp_arg_cmp).collect()
    }

    /// runc's loader: the default action, every rule whose action is not
    /// the default, by name; names libseccomp does not know are skipped.
    /// One architecture per filter, and `kill_process` for other ABIs.
    fn runc_filter(
        arch: Arch,
        default: Action,
        rules: &[OciRule],
        optimize: u32,
    ) -> Result<Filter, ffi::Error> {
        let mut f = Filter::new(arch, default.to_ret())?;
        f.set_attr(Attr::ActBadarch, Action::KillProcess.to_ret())?;
        f.set_attr(Attr::CtlOptimize, optimize)?;
        for r in rules.iter().filter(|r| r.action != default) {
            for name in &r.names {
                for args in runc_split(&r.args) {
                    f.add_rule_by_name(r.action.to_ret(), name, &scmp_cmps(&args))?;
                }
            }
        }
        Ok(f)
    }

    /// How a profile's names map on `arch`: the rule model over the names
    /// both tables agree on, and the numbers they see differently.
    struct Mapping {
        model: RulePolicy,
        special: BTreeMap<u32, (&'static str, Option<Action>)>,
        newer: BTreeSet<&'static str>,
        lacking: BTreeSet<String>,
    }

    const NEWER: &str = "syscall newer than libseccomp 2.5.4 (it skips the name)";
    const LACKING: &str = "name our tables lack";

    fn mapping(arch: Arch, default: Action, rules: &[OciRule]) -> Mapping {
        let table = syscalls::table(arch);
        let mut by_nr: BTreeMap<u32, SyscallRules> = BTreeMap::new();
        let mut special = BTreeMap::new();
        let (mut newer, mut lacking) = (BTreeSet::new(), BTreeSet::new());
        for r in rules.iter().filter(|r| r.action != default) {
            for name in &r.names {
                let ours = table.number(name);
                let theirs_here = ours.and_then(|n| ffi::resolve_num_arch(arch, n as i32));
                let theirs = ffi::resolve_name_arch(arch, name);
                match (ours, theirs_here.as_deref() == Some(name)) {
                    (Some(nr), true) => {
                        let name = table.name(nr).expect("known");
                        let s = by_nr.entry(nr).or_insert_with(|| SyscallRules {
                            name,
                            nr,
                            rules: Vec::new(),
                        });
                        for conds in runc_split(&r.args) {
                            s.rules.push(Rule {
                                action: r.action,
                                conds,
                            });
                        }
                    }
                    (Some(nr), false) => {
                        assert!(
                            theirs.is_none() || rules::multiplexes(arch),
                            "{arch}: `{name}` is {nr} for us, {theirs:?} for libseccomp"
                        );
                        newer.insert(table.name(nr).expect("known"));
                        special.insert(nr, (NEWER, Some(default)));
                    }
                    (None, _) => {
                        if let Some(nr) = theirs {
                            lacking.insert(name.clone());
                            special.insert(nr, (LACKING, None));
                        }
                    }
                }
            }
        }
        // A name libseccomp knows under another name for the same number
        // (arm's `sync_file_range2` is its `arm_sync_file_range`) is fine
        // when the profile names that one too.
        special.retain(|nr, _| !by_nr.contains_key(nr));
        newer.retain(|name| {
            table
                .number(name)
                .is_some_and(|nr| special.contains_key(&nr))
        });
        // libseccomp: the first rule without conditions decides alone.
        for s in by_nr.values_mut() {
            if let Some(i) = s.rules.iter().position(|r| r.conds.is_empty()) {
                let only = s.rules.swap_remove(i);
                s.rules = vec![only];
            }
        }
        Mapping {
            model: RulePolicy {
                arch,
                default,
                unknown: Some(default),
                syscalls: by_nr.into_values().collect(),
                spelling: 0,
            },
            special,
            newer,
            lacking,
        }
    }

    fn compare(
        profile_path: &str,
        profile: &Value,
        arch: Arch,
        caps: &BTreeSet<String>,
        tally: &mut Tally,
    ) {
        let source = Source {
            path: profile_path,
            format: Format::Oci,
            filter: None,
        };
        compare_source(&source, profile, arch, caps, tally);
    }

    /// What our import reads: the OCI profile itself, or a file the
    /// profile is made from (a SeccompProfile, `--from spo`).
    struct Source<'a> {
        path: &'a str,
        format: Format,
        filter: Option<&'a str>,
    }

    /// Our import of `source` against libseccomp loading `profile` (the
    /// OCI profile runc gets) as runc does, on `arch`.
    fn compare_source(
        source: &Source,
        profile: &Value,
        arch: Arch,
        caps: &BTreeSet<String>,
        tally: &mut Tally,
    ) {
        let profile_path = source.path;
        // Without an archMap no rule is limited to a host (SeccompProfiles
        // have no `includes`).
        let host = host_of(profile, arch).unwrap_or("");
        let default = default_action(profile).expect("defaultAction");
        let rules = oci_rules(profile, host, caps).expect("runc reads the profile");
        let text = std::fs::read_to_string(profile_path).expect("profile");
        let opts = ImportOptions {
            caps: Some(caps.iter().cloned().collect()),
            arches: Some(vec![arch]),
            exact_width: true,
            filter: source.filter.map(str::to_owned),
            ..ImportOptions::default()
        };
        let imported = import::import(source.format, profile_path, &text, &opts)
            .unwrap_or_else(|e| panic!("{profile_path} {arch}: {e}"));
        let compiled = compile_str(&imported.policy)
            .unwrap_or_else(|e| panic!("{profile_path} {arch}: {e:?}\n{}", imported.policy));
        let out = compiled.get(arch).expect("compiles for the arch");
        let ours = out.program.filters().expect("no symbolic values");
        let m = mapping(arch, default, &rules);
        let label = format!(
            "{} {arch} caps={}",
            profile_path.rsplit('/').next().unwrap_or(profile_path),
            caps.len()
        );
        for optimize in [1, 2] {
            let theirs = export_filter(arch, || runc_filter(arch, default, &rules, optimize))
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            let pfc = Pfc::parse(&theirs.pfc).expect("libseccomp's PFC");
            let c = Compared {
                policy: &m.model,
                resolved: &out.resolved,
                ours: &ours,
                theirs: &theirs.bpf,
                pfc: &pfc,
                multiplexers: multiplexers(&m.model),
                special: m.special.clone(),
            };
            let mut rng = Rng::new(u64::from(optimize) * 7919 + arch as u64);
            for data in rules::inputs(&m.model, &mut rng, PER_RULE * 4) {
                c.check(&data, tally, &label);
            }
            tally.policies += 1;
        }
        if !m.newer.is_empty() || !m.lacking.is_empty() {
            println!(
                "  {label}: newer than libseccomp: {:?}; our tables lack: {:?}",
                m.newer, m.lacking
            );
        }
    }

    #[test]
    fn corpus_profiles_agree_with_libseccomp() {
        let start = Instant::now();
        let mut total = Tally::default();
        for path in PROFILES {
            let path = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            let profile: Value = serde_json::from_str(&text).expect("JSON");
            // Docker's default capabilities, none, and every one the profile names.
            let mut all: BTreeSet<String> = BTreeSet::new();
            for r in profile["syscalls"].as_array().expect("syscalls") {
                all.extend(strings(&r["includes"]["caps"]));
                all.extend(strings(&r["excludes"]["caps"]));
            }
            let docker: BTreeSet<String> = import::DOCKER_DEFAULT_CAPS
                .iter()
                .map(|c| c.to_string())
                .collect();
            let mut tally = Tally::default();
            for arch in super::with_libseccomp::ARCHES {
                if host_of(&profile, arch).is_none() {
                    continue;
                }
                for caps in [&docker, &BTreeSet::new(), &all] {
                    compare(&path, &profile, arch, caps, &mut tally);
                }
            }
            let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
            println!("{}", tally.report(&name).trim_end());
            total.merge(tally);
        }
        println!(
            "{}  ({:.1} s)",
            total.report("libseccomp, corpus profiles").trim_end(),
            start.elapsed().as_secs_f64()
        );
        assert_eq!(total.failures(), 0, "{}", total.report("failures"));
    }

    /// security-profiles-operator SeccompProfiles: our `--from spo` import
    /// against libseccomp loading, as runc does, the OCI profile the
    /// operator writes for the kubelet. For a profile without a base that
    /// is its spec, read here by PyYAML; for one with a base it is the
    /// union worked out by hand from security-profiles-merger's
    /// `UnionSyscalls` (fixtures/spo-app-as-installed.json).
    #[test]
    fn seccomp_profiles_agree_with_libseccomp() {
        let corpus = format!(
            "{}/../seccomp-import/tests/corpus/spo",
            env!("CARGO_MANIFEST_DIR")
        );
        let spec_by_pyyaml = |file: &str, name: &str| -> Value {
            let script = "import json, sys, yaml\nfor d in yaml.safe_load_all(open(sys.argv[1])):\n    if d and d.get('metadata', {}).get('name') == sys.argv[2]:\n        print(json.dumps(d['spec']))\n";
            let out = std::process::Command::new("python3")
                .args(["-c", script, file, name])
                .output()
                .expect("python3 with PyYAML");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).expect("JSON")
        };
        let examples = format!("{corpus}/seccompprofile.yaml");
        let base = format!("{corpus}/base-profile.yaml");
        let installed = std::fs::read_to_string(format!(
            "{}/fixtures/spo-app-as-installed.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture");
        let cases: Vec<(&str, &str, Value)> = vec![
            (
                &examples,
                "profile-complain-block-high-risk",
                spec_by_pyyaml(&examples, "profile-complain-block-high-risk"),
            ),
            (
                &examples,
                "profile-block-all",
                spec_by_pyyaml(&examples, "profile-block-all"),
            ),
            (&base, "runc-v1.1.12", spec_by_pyyaml(&base, "runc-v1.1.12")),
            (
                &base,
                "app",
                serde_json::from_str(&installed).expect("JSON"),
            ),
        ];
        let mut total = Tally::default();
        for (path, name, profile) in &cases {
            let source = Source {
                path,
                format: Format::Spo,
                filter: Some(name),
            };
            let mut tally = Tally::default();
            for arch in super::with_libseccomp::ARCHES {
                compare_source(&source, profile, arch, &BTreeSet::new(), &mut tally);
            }
            println!("{}", tally.report(name).trim_end());
            total.merge(tally);
        }
        assert_eq!(total.failures(), 0, "{}", total.report("failures"));
    }

    /// Docker's default profile on the real kernel (x86_64): imported and
    /// compiled by us, or loaded by libseccomp as runc loads it (x86_64,
    /// x86 and x32 in one filter), installed in a forked child that then
    /// runs real programs. They must run exactly alike under both, and the
    /// calls the profile refuses (`unshare`, `mount` without the
    /// capability) must fail alike.
    #[cfg(target_arch = "x86_64")]
    mod on_the_kernel {
        use std::collections::BTreeSet;

        use seccomp_compiler::{Action, Arch, compile_str};
        use seccomp_import::{self as import, Format, ImportOptions};
        use serde_json::Value;
        use tests::kernel::{Outcome, exec, in_child, policy_from_filters};
        use tests::libseccomp::ffi::{Attr, Filter};

        use super::scmp_cmps;
        use tests::libseccomp::oci::{default_action, oci_rules};

        const PROFILE: &str = "../seccomp-import/tests/corpus/moby-default.json";
        /// `SCMP_ARCH_X32`: `EM_X86_64 | __AUDIT_ARCH_LE`.
        const SCMP_ARCH_X32: u32 = 0x4000_003e;

        fn profile() -> (String, Value) {
            let path = format!("{}/{PROFILE}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).expect("profile");
            let v = serde_json::from_str(&text).expect("JSON");
            (text, v)
        }

        fn docker_caps() -> BTreeSet<String> {
            import::DOCKER_DEFAULT_CAPS
                .iter()
                .map(|c| c.to_string())
                .collect()
        }

        /// Ours: the profile imported (exact widths, Docker's capabilities)
        /// and compiled for x86_64, installed by the runtime.
        fn ours() -> &'static seccomp_runtime::Policy {
            let (text, _) = profile();
            let opts = ImportOptions {
                caps: Some(docker_caps().into_iter().collect()),
                arches: Some(vec![Arch::X86_64]),
                exact_width: true,
                ..ImportOptions::default()
            };
            let imported = import::import(Format::Oci, PROFILE, &text, &opts).expect("imports");
            let compiled = compile_str(&imported.policy).expect("compiles");
            let out = compiled.get(Arch::X86_64).expect("x86_64");
            let filters = out.program.filters().expect("no symbols");
            let kinds: Vec<u32> = out.program.actions.iter().map(|a| a.kind_ret()).collect();
            policy_from_filters(&filters, &kinds)
        }

        /// runc's filter for an amd64 host: x86_64 with its x86 and x32
        /// sub-architectures, every applicable rule added by name.
        fn theirs() -> Filter {
            let (_, v) = profile();
            let default = default_action(&v).expect("defaultAction");
            let rules = oci_rules(&v, "amd64", &docker_caps()).expect("runc reads the profile");
            let mut f = Filter::new(Arch::X86_64, default.to_ret()).expect("init");
            f.add_arch(Arch::X86.audit_arch()).expect("x86");
            f.add_arch(SCMP_ARCH_X32).expect("x32");
            f.set_attr(Attr::CtlNnp, 1).expect("no_new_privs");
            for r in rules.iter().filter(|r| r.action != default) {
                for name in &r.names {
                    f.add_rule_by_name(r.action.to_ret(), name, &scmp_cmps(&r.args))
                        .expect("rule");
                }
            }
            f
        }

        /// Runs `argv` in a child under ours (`true`) or libseccomp's filter.
        fn run_under(ours_filter: bool, argv: &[&str]) -> Outcome {
            let policy = ours_filter.then(ours);
            let filter = (!ours_filter).then(theirs);
            in_child(move || {
                // A mount namespace of its own, private, so that a `mount`
                // a broken filter let through stays in the child
                // (best effort: without the privilege there is nothing a
                // filter could let through either).
                // SAFETY: plain syscalls on this single-threaded child.
                unsafe {
                    if libc::unshare(libc::CLONE_NEWNS) == 0 {
                        let flags = libc::MS_REC | libc::MS_PRIVATE;
                        libc::mount(
                            std::ptr::null(),
                            c"/".as_ptr(),
                            std::ptr::null(),
                            flags,
                            std::ptr::null(),
                        );
                    }
                }
                match (policy, &filter) {
                    (Some(p), _) => p.apply().map_err(|e| format!("apply: {e}"))?,
                    (None, Some(f)) => f.load().map_err(|e| format!("seccomp_load: {e}"))?,
                    (None, None) => unreachable!("one of the two"),
                }
                Err(exec(argv))
            })
        }

        fn same(argv: &[&str]) -> Outcome {
            let o = run_under(true, argv);
            let t = run_under(false, argv);
            assert_eq!(
                (o.exit_code(), o.signal(), &o.stdout, &o.stderr),
                (t.exit_code(), t.signal(), &t.stdout, &t.stderr),
                "{argv:?} differs\n--- ours\n{}\n--- libseccomp\n{}",
                o.describe(),
                t.describe()
            );
            println!(
                "{argv:?}: alike under both ({})",
                o.describe().lines().next().unwrap_or("")
            );
            o
        }

        #[test]
        fn docker_profile_runs_programs_like_libseccomp() {
            let scratch =
                std::env::temp_dir().join(format!("seccomp-corpus-{}", std::process::id()));
            std::fs::create_dir_all(&scratch).expect("scratch");
            let dir = scratch.to_str().expect("UTF-8 path");
            for argv in [
                vec!["/bin/sh", "-c", "ls / | wc -l"],
                vec![
                    "/usr/bin/python3",
                    "-c",
                    "import os, hashlib, json; print(json.dumps(sorted(os.listdir('/'))[:3]), hashlib.sha256(b'x').hexdigest()[:12])",
                ],
                vec![
                    "/bin/sh",
                    "-c",
                    "tar -cf - -C /etc os-release | tar -tvf - | wc -l",
                ],
            ] {
                let o = same(&argv);
                assert_eq!(
                    o.exit_code(),
                    Some(0),
                    "{argv:?} must work under the profile\n{}",
                    o.describe()
                );
            }
            let mnt = format!("{dir}/mnt");
            std::fs::create_dir_all(&mnt).expect("mount point");
            for argv in [
                vec!["/usr/bin/unshare", "--user", "--map-root-user", "/bin/true"],
                vec!["/usr/bin/unshare", "--mount", "/bin/true"],
                vec!["/usr/bin/mount", "-t", "tmpfs", "none", mnt.as_str()],
            ] {
                let o = same(&argv);
                assert_ne!(
                    o.exit_code(),
                    Some(0),
                    "{argv:?} must be refused\n{}",
                    o.describe()
                );
                // Whether it is the filter that refuses: without one, as
                // root here, `unshare` may well work (a child's namespaces
                // go with it; `mount` would change ours, so not that one).
                let baseline = if argv[0].ends_with("unshare") {
                    let unfiltered = in_child(|| Err(exec(&argv)));
                    unfiltered
                        .describe()
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_owned()
                } else {
                    "not tried".to_owned()
                };
                println!(
                    "  refused with: {}; without a filter: {baseline}",
                    o.stderr.lines().next().unwrap_or("").trim()
                );
            }
            let _ = std::fs::remove_dir_all(&scratch);
            // The refusals are errno(EPERM), the profile's default.
            assert_eq!(default_action(&profile().1), Ok(Action::Errno(1)));
        }
    }
}
