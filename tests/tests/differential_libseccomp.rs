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
mod with_libseccomp {
    use std::time::Instant;

    use seccomp_compiler::arch::X32_SYSCALL_BIT;
    use seccomp_compiler::bpf::{SeccompData, SockFilter};
    use seccomp_compiler::ir::ResolvedPolicy;
    use seccomp_compiler::tables::syscalls;
    use seccomp_compiler::testing::Rng;
    use seccomp_compiler::{Action, Arch, compile_str, decide, emu};
    use tests::libseccomp::pfc::Pfc;
    use tests::libseccomp::rules::{
        self, Flavor, MULTIPLEXED, Op, Reading, RulePolicy, Width, multiplexes,
    };
    use tests::libseccomp::tally::Tally;
    use tests::libseccomp::{build, ffi};

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

    /// The architectures both support.
    const ARCHES: [Arch; 7] = [
        Arch::X86_64,
        Arch::X86,
        Arch::Aarch64,
        Arch::Arm,
        Arch::Riscv64,
        Arch::S390x,
        Arch::Powerpc64le,
    ];

    /// Policies per architecture; `DIFF_POLICIES` overrides.
    const POLICIES_PER_ARCH: usize = 90;
    /// Argument vectors per rule.
    const PER_RULE: usize = 48;
    /// What one CI run must compare at least (issue 4).
    const MIN_COMPARED: u64 = 1_000_000;

    /// Syscalls both tables give the same number on `arch` (libseccomp's
    /// name for our number is ours), and that
    /// libseccomp translates back to the same name from the native number
    /// it is handed (as runc and crun hand it).
    fn common_names(arch: Arch) -> Vec<(u32, &'static str)> {
        let native = Arch::X86_64;
        syscalls::table(arch)
            .entries()
            .iter()
            .copied()
            .filter(|&(nr, name)| {
                let round_trip = ffi::resolve_name(name)
                    .and_then(|n| ffi::resolve_num_arch(native, n))
                    .is_some_and(|n| n == name);
                let mux = multiplexes(arch) && matches!(name, "socketcall" | "ipc");
                // Number to name: on x86, s390x and powerpc64le libseccomp
                // resolves `socket`, `semop`, ... to the multiplexer's number.
                let same = ffi::resolve_num_arch(arch, nr as i32).is_some_and(|n| n == name);
                same && round_trip && !mux
            })
            .collect()
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

    struct Compared<'a> {
        policy: &'a RulePolicy,
        resolved: &'a ResolvedPolicy,
        ours: &'a [SockFilter],
        theirs: &'a [SockFilter],
        /// libseccomp's own pseudo-filter code for the same filter.
        pfc: &'a Pfc,
        /// Numbers of `socketcall`/`ipc` that libseccomp adds rules to.
        multiplexers: Vec<u32>,
    }

    impl Compared<'_> {
        fn check(&self, data: &SeccompData, tally: &mut Tally, label: &str) {
            let p = self.policy;
            let arch = p.arch;
            let ours = Action::from_ret(run(self.ours, data, arch));
            let theirs_ret = run(self.theirs, data, arch);
            let theirs = Action::from_ret(theirs_ret);
            let reference = decide::eval(self.resolved, data, &|_| 0);
            let model = our_model(p, data);
            assert_eq!(
                model,
                reference,
                "{label}: the rule model and our reference evaluator disagree on {data:x?}\n{}",
                p.to_text()
            );
            let describe = || format!("{label} {arch} {data:x?}");
            let (class, expected) = self.classify(data, model);
            // libseccomp's PFC leaves out the x32 check of its BPF.
            let native = data.arch == arch.audit_arch();
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
            if let Some(bug) = self.libseccomp_bug(data, theirs_ret, expected, pfc) {
                if ours == reference {
                    tally.design(bug, ours, reference, theirs, None, describe);
                    return;
                }
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
                let class = (expected != model).then_some("32-bit parameter width");
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
            if self.policy.arch.is_big_endian() && swapped == expected && pfc == Some(expected) {
                Some(LIBSECCOMP_ENDIAN_BUG)
            } else if merged && pfc == Some(expected) {
                Some(LIBSECCOMP_BPF_BUG)
            } else if merged && pfc == Some(theirs) {
                Some(LIBSECCOMP_DB_BUG)
            } else {
                None
            }
        }
    }

    fn multiplexers(p: &RulePolicy) -> Vec<u32> {
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
        let filter = build(p, optimize).unwrap_or_else(|e| panic!("{label}: {e}\n{text}"));
        let theirs = filter.export_bpf().expect("seccomp_export_bpf");
        // libseccomp's programs must pass the kernel's checks too.
        emu::validate(&theirs).unwrap_or_else(|e| panic!("{label}: libseccomp's program: {e}"));
        let pfc = filter.export_pfc().expect("seccomp_export_pfc");
        let pfc = Pfc::parse(&pfc).unwrap_or_else(|e| panic!("{label}: {e}\n{pfc}"));
        let c = Compared {
            policy: p,
            resolved: &out.resolved,
            ours: &ours,
            theirs: &theirs,
            pfc: &pfc,
            multiplexers: multiplexers(p),
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
        let Ok(filter) = build(p, optimize) else {
            return false;
        };
        let ours = out.program.filters().expect("no symbolic values");
        let theirs = filter.export_bpf().expect("seccomp_export_bpf");
        let pfc = Pfc::parse(&filter.export_pfc().expect("seccomp_export_pfc"))
            .expect("libseccomp's PFC");
        let c = Compared {
            policy: p,
            resolved: &out.resolved,
            ours: &ours,
            theirs: &theirs,
            pfc: &pfc,
            multiplexers: multiplexers(p),
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
        let filter = build(&p, optimize).expect("it built before");
        let ours = compile_str(&p.to_text()).expect("it compiled before");
        let ours = ours.get(p.arch).expect("it compiled before");
        format!(
            "minimal policy (optimize {optimize}):\n{}\ninput {data:x?}\nlibseccomp rules: {:?}\n{}\nlibseccomp's program:\n{}\nours:\n{}",
            p.to_text(),
            p.syscalls,
            filter.export_pfc().unwrap_or_default(),
            emu::disasm_for(
                &filter.export_bpf().expect("exported before"),
                p.arch.is_big_endian()
            ),
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
}
