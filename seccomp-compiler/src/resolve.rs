//! Names -> numbers. Two steps:
//!
//! - [`check_names`], once per policy: every syscall, group, parameter,
//!   errno, architecture and lint name must exist somewhere; mistakes are
//!   reported once, with the nearest valid name.
//! - [`resolve`], once per architecture: groups expanded, syscalls numbered,
//!   parameters turned into argument slots with the width the kernel uses
//!   there, values checked against that width. Problems found here concern
//!   that architecture only and are tagged with it.
//!
//! Plain loops rather than iterator chains with closures: this crate is
//! compiled unoptimised in every build that uses the macro, and each chain
//! is compiled anew.

use crate::action::{Action, ENOSYS};
use crate::arch::Arch;
use crate::ast::{self, ActionKind, ErrnoSpec, ItemKind, StatementKind, ValueKind};
use crate::diag::{Diagnostic, Diagnostics, join, nearest_in};
use crate::ir::{
    self, Entries, Entry, Operand, ResolvedPolicy, Rule, RuleKind, RuleSource, Setting, SymbolUse,
};
use crate::span::Span;
use crate::tables::params::{self, ParamSlot};
use crate::tables::{constants, errno, groups, syscalls};

/// Lints a policy can acknowledge (`acknowledge NAME;`), see `check.rs`.
pub const LINTS: [&str; 5] = ["ptrace", "clone3", "socketcall", "ipc", "siblings"];

/// The architectures a policy compiles for: its `arch` statement's, or all.
pub fn selected_arches(policy: &ast::Policy) -> Vec<Arch> {
    let mut named = Vec::new();
    for s in &policy.statements {
        if let StatementKind::Arch(names) = &s.kind {
            for n in names {
                if let Some(a) = Arch::from_name(&n.text) {
                    named.push(a);
                }
            }
        }
    }
    if named.is_empty() {
        return Arch::ALL.to_vec();
    }
    // In `Arch`'s order, each once.
    let mut arches: Vec<Arch> = Vec::new();
    for a in Arch::ALL {
        if named.contains(&a) {
            arches.push(a);
        }
    }
    arches
}

/// Checks every name in the policy. Problems here are the policy's on
/// every architecture, so they are reported once.
pub fn check_names(policy: &ast::Policy) -> Result<(), Vec<Diagnostic>> {
    let arches = selected_arches(policy);
    let mut diags = Diagnostics::new();
    for s in &policy.statements {
        match &s.kind {
            StatementKind::Arch(names) => {
                for n in names {
                    check_arch_name(n, &mut diags);
                }
            }
            StatementKind::Acknowledge(names) => {
                for n in names {
                    check_lint_name(n, &mut diags);
                }
            }
            StatementKind::Deny(a) | StatementKind::Unknown(a) | StatementKind::Default(a) => {
                check_action(a, &mut diags)
            }
            StatementKind::Successors(_) => {}
            StatementKind::Drop(items, action) => {
                if let Some(a) = action {
                    check_action(a, &mut diags);
                }
                for i in items {
                    check_item(i, &arches, &mut diags);
                }
            }
            StatementKind::Base(items) | StatementKind::Keep(items) => {
                for i in items {
                    check_item(i, &arches, &mut diags);
                }
            }
        }
    }
    diags.check()
}

fn check_arch_name(n: &ast::Name, diags: &mut Diagnostics) {
    if Arch::from_name(&n.text).is_none() {
        let supported = Arch::list(&Arch::ALL);
        diags.push(
            Diagnostic::error(n.span, format!("unknown architecture `{}`", n.text))
                .with_suggestion(nearest_in(&n.text, &Arch::all_names()))
                .with_help(format!("supported architectures: {supported}")),
        );
    }
}

fn check_lint_name(n: &ast::Name, diags: &mut Diagnostics) {
    if !LINTS.contains(&n.text.as_str()) {
        let help = format!("lints that can be acknowledged: {}", join(&LINTS, ", ", ""));
        diags.push(
            Diagnostic::error(n.span, format!("unknown lint `{}`", n.text))
                .with_suggestion(nearest_in(&n.text, &LINTS))
                .with_help(help),
        );
    }
}

fn check_action(a: &ast::ActionSpec, diags: &mut Diagnostics) {
    if let ActionKind::Errno(ErrnoSpec::Name(n)) = &a.kind
        && !is_errno_anywhere(&n.text)
    {
        let mut names = Vec::new();
        for name in errno::names() {
            names.push(name);
        }
        diags.push(
            Diagnostic::error(n.span, format!("unknown errno name `{}`", n.text))
                .with_suggestion(nearest_in(&n.text, &names)),
        );
    }
}

/// Whether some architecture has errno `name`.
fn is_errno_anywhere(name: &str) -> bool {
    for arch in Arch::ALL {
        if errno::number(arch, name).is_some() {
            return true;
        }
    }
    false
}

fn check_item(item: &ast::Item, arches: &[Arch], diags: &mut Diagnostics) {
    match &item.kind {
        ItemKind::Syscall { name, cond } => {
            let comparisons = match cond {
                Some(c) => c.comparisons(),
                None => Vec::new(),
            };
            if check_syscall_name(name, arches, diags) {
                for cmp in &comparisons {
                    check_param_name(name, cmp, arches, diags);
                }
            }
            for cmp in &comparisons {
                if let Some(mask) = &cmp.mask {
                    check_value_constants(mask, arches, diags);
                }
                for v in &cmp.values {
                    check_value_constants(v, arches, diags);
                }
            }
        }
        ItemKind::ExceptSyscall(name) => {
            check_syscall_name(name, arches, diags);
        }
        ItemKind::Group(name) | ItemKind::ExceptGroup(name) => {
            if groups::group(&name.text).is_none() {
                let mut names = Vec::new();
                for g in groups::GROUPS.iter() {
                    names.push(g.name);
                }
                diags.push(
                    Diagnostic::error(name.span, format!("unknown group `{}`", name.text))
                        .with_suggestion(nearest_in(&name.text, &names))
                        .with_help("`seccompc groups` lists every group"),
                );
            }
        }
    }
}

/// Whether `name` is a syscall of a selected architecture; reports it if not.
fn check_syscall_name(name: &ast::Name, arches: &[Arch], diags: &mut Diagnostics) -> bool {
    for &a in arches {
        if syscalls::table(a).number(&name.text).is_some() {
            return true;
        }
    }
    let d = if syscalls::all_names().contains(name.text.as_str()) {
        Diagnostic::error(
            name.span,
            format!(
                "syscall `{}` does not exist on {}",
                name.text,
                Arch::list(arches)
            ),
        )
        .with_help(format!(
            "it exists on {}",
            Arch::list(&syscall_arches(&name.text, &Arch::ALL))
        ))
    } else {
        let mut candidates = Vec::new();
        for &a in arches {
            for &(_, n) in syscalls::table(a).entries() {
                candidates.push(n);
            }
        }
        Diagnostic::error(name.span, format!("unknown syscall `{}`", name.text))
            .with_suggestion(nearest_in(&name.text, &candidates))
    };
    diags.push(d);
    false
}

/// Those of `arches` that have syscall `name`.
fn syscall_arches(name: &str, arches: &[Arch]) -> Vec<Arch> {
    let mut out = Vec::new();
    for &a in arches {
        if syscalls::table(a).number(name).is_some() {
            out.push(a);
        }
    }
    out
}

/// Checks the kernel constants `v` names.
fn check_value_constants(v: &ast::Value, arches: &[Arch], diags: &mut Diagnostics) {
    for n in v.constants() {
        check_constant_name(n, arches, diags);
    }
}

/// A kernel constant must be defined on some selected architecture.
fn check_constant_name(name: &ast::Name, arches: &[Arch], diags: &mut Diagnostics) {
    for &a in arches {
        if constants::value(a, &name.text).is_some() {
            return;
        }
    }
    let d = if constants::is_known(&name.text) {
        Diagnostic::error(
            name.span,
            format!(
                "constant `{}` is not defined on {}",
                name.text,
                Arch::list(arches)
            ),
        )
        .with_help(format!("it is defined on {}", defined_on(&name.text)))
    } else {
        Diagnostic::error(name.span, format!("unknown constant `{}`", name.text))
            .with_suggestion(nearest_in(&name.text, constants::names()))
            .with_help(CONSTANT_HELP)
    };
    diags.push(d);
}

const CONSTANT_HELP: &str = "a lone name is a kernel constant (`seccompc constants` lists them); a Rust value is a path (`libc::X`, `self::X`) or `{ expr }`, in the macro only";

/// The architectures whose headers define constant `name`, for messages.
fn defined_on(name: &str) -> String {
    Arch::list(constants::arches_defining(name).as_slice())
}

/// `argN` must be in range; a parameter name must belong to the syscall on
/// at least one selected architecture.
fn check_param_name(
    syscall: &ast::Name,
    cmp: &ast::Comparison,
    arches: &[Arch],
    diags: &mut Diagnostics,
) {
    let pname = &cmp.arg.name;
    if let Some(index) = arg_index(&pname.text) {
        if index > 5 {
            diags.push(
                Diagnostic::error(pname.span, format!("`{}` is out of range", pname.text))
                    .with_help("seccomp sees six arguments, `arg0` to `arg5`"),
            );
        }
        return;
    }
    let mut known: Vec<&str> = Vec::new();
    for &a in arches {
        for p in params::params(a, &syscall.text).unwrap_or_default() {
            known.push(p.name);
        }
    }
    known.sort_unstable();
    known.dedup();
    if known.contains(&pname.text.as_str()) {
        return;
    }
    let d = if known.is_empty() {
        Diagnostic::error(
            pname.span,
            format!(
                "no prototype is known for `{}`, so its parameters have no names",
                syscall.text
            ),
        )
        .with_help("refer to its arguments as `arg0` to `arg5`")
    } else {
        let list = join(&known, ", ", "`");
        Diagnostic::error(
            pname.span,
            format!("`{}` has no parameter `{}`", syscall.text, pname.text),
        )
        .with_suggestion(nearest_in(&pname.text, &known))
        .with_help(format!("its parameters are {list}, or `arg0` to `arg5`"))
    };
    diags.push(d);
}

/// `Some(n)` for `argN`.
fn arg_index(name: &str) -> Option<usize> {
    let digits = name.strip_prefix("arg")?;
    if digits.is_empty() {
        return None;
    }
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
    }
    digits.parse().ok()
}

/// Resolves a policy whose names [`check_names`] accepted for `arch`.
pub fn resolve(policy: &ast::Policy, arch: Arch) -> Result<ResolvedPolicy, Vec<Diagnostic>> {
    let mut r = Resolver {
        arch,
        diags: Diagnostics::new(),
        symbol_uses: Vec::new(),
    };
    let deny = r.setting(policy, "deny", Action::KillProcess);
    let default = r.setting(policy, "default", deny.action);
    let unknown = r.setting(policy, "unknown", Action::Errno(ENOSYS));
    let mut rules = Vec::new();
    for (i, s) in policy.statements.iter().enumerate() {
        if let Some(rule) = r.rule(i, s, deny.action) {
            rules.push(rule);
        }
    }
    let symbol_uses = std::mem::take(&mut r.symbol_uses);
    r.diags.check()?;
    Ok(ResolvedPolicy {
        arch,
        deny,
        default,
        unknown,
        rules,
        symbol_uses,
    })
}

struct Resolver {
    arch: Arch,
    diags: Diagnostics,
    symbol_uses: Vec<SymbolUse>,
}

impl Resolver {
    /// The last statement with `keyword` (`deny`, `default` or `unknown`)
    /// sets the setting (duplicates are reported by `check.rs`).
    fn setting(&mut self, policy: &ast::Policy, keyword: &str, fallback: Action) -> Setting {
        for s in policy.statements.iter().rev() {
            if s.kind.keyword() != keyword {
                continue;
            }
            if let StatementKind::Deny(a) | StatementKind::Default(a) | StatementKind::Unknown(a) =
                &s.kind
            {
                return Setting {
                    action: self.action(a),
                    span: Some(a.span),
                };
            }
        }
        Setting {
            action: fallback,
            span: None,
        }
    }

    fn action(&mut self, a: &ast::ActionSpec) -> Action {
        match &a.kind {
            ActionKind::Allow => Action::Allow,
            ActionKind::Log => Action::Log,
            ActionKind::KillProcess => Action::KillProcess,
            ActionKind::KillThread => Action::KillThread,
            ActionKind::Trap => Action::Trap,
            ActionKind::UserNotif => Action::UserNotif,
            ActionKind::Trace(d) => Action::Trace(*d),
            ActionKind::Errno(ErrnoSpec::Number(n)) => Action::Errno(*n),
            ActionKind::Errno(ErrnoSpec::Name(n)) => match errno::number(self.arch, &n.text) {
                Some(e) => Action::Errno(e),
                None => {
                    let msg = format!("errno `{}` does not exist on this architecture", n.text);
                    self.diags
                        .push(Diagnostic::error(n.span, msg).for_arch(self.arch));
                    Action::KillProcess
                }
            },
        }
    }

    fn rule(&mut self, index: usize, s: &ast::Statement, deny: Action) -> Option<Rule> {
        let (kind, items) = match &s.kind {
            StatementKind::Base(items) | StatementKind::Keep(items) => (RuleKind::Allow, items),
            StatementKind::Drop(items, action) => {
                let action = match action {
                    Some(a) => self.action(a),
                    None => deny,
                };
                (RuleKind::Drop(action), items)
            }
            _ => return None,
        };
        let entries = self.entries(items);
        Some(Rule {
            kind,
            statement: index,
            span: s.keyword,
            source: RuleSource::Statement,
            entries,
        })
    }

    /// The syscalls a statement names, with their combined conditions:
    /// several entries for one syscall are alternatives, and an
    /// unconditional one makes the whole unconditional.
    fn entries(&mut self, items: &[ast::Item]) -> Entries {
        let table = syscalls::table(self.arch);
        // Each (number, condition, item) in the order the items name them.
        let mut named: Vec<(u32, Option<ir::Cond>, Span)> = Vec::new();
        let mut exempt: Vec<u32> = Vec::new();
        for item in items {
            match &item.kind {
                ItemKind::Syscall { name, cond } => {
                    let Some(nr) = table.number(&name.text) else {
                        continue;
                    };
                    let cond = match cond {
                        Some(c) => self.cond(&name.text, c),
                        None => None,
                    };
                    named.push((nr, cond, item.span));
                }
                ItemKind::Group(g) => {
                    for &nr in group_numbers(self.arch, &g.text) {
                        named.push((nr, None, item.span));
                    }
                }
                ItemKind::ExceptSyscall(name) => {
                    if let Some(nr) = table.number(&name.text) {
                        exempt.push(nr);
                    }
                }
                ItemKind::ExceptGroup(g) => {
                    exempt.extend_from_slice(group_numbers(self.arch, &g.text))
                }
            }
        }
        exempt.sort_unstable();
        let mut numbers: Vec<u32> = Vec::new();
        for &(nr, _, _) in &named {
            if exempt.binary_search(&nr).is_err() {
                numbers.push(nr);
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        // Per number: the first item's span, and the conditions in item
        // order.
        let mut merged: Vec<(u32, Span, Vec<Option<ir::Cond>>)> = Vec::new();
        for &nr in &numbers {
            merged.push((nr, Span::none(), Vec::new()));
        }
        for (nr, cond, span) in named {
            // Exempt numbers have no slot.
            let Ok(slot) = numbers.binary_search(&nr) else {
                continue;
            };
            let (_, first_span, conds) = &mut merged[slot];
            if conds.is_empty() {
                *first_span = span;
            }
            conds.push(cond);
        }
        let mut sorted: Vec<(u32, Entry)> = Vec::new();
        for (nr, span, conds) in merged {
            let cond = any_of(conds).map(Box::new);
            sorted.push((nr, Entry { cond, span }));
        }
        Entries::from_sorted(sorted)
    }

    /// Resolves a condition; `None` after reporting a problem.
    fn cond(&mut self, syscall: &str, c: &ast::Cond) -> Option<ir::Cond> {
        match c {
            ast::Cond::Or(v) => Some(ir::Cond::Or(self.conds(syscall, v)?)),
            ast::Cond::And(v) => Some(ir::Cond::And(self.conds(syscall, v)?)),
            ast::Cond::Cmp(cmp) => self.cmp(syscall, cmp).map(ir::Cond::Cmp),
        }
    }

    fn conds(&mut self, syscall: &str, v: &[ast::Cond]) -> Option<Vec<ir::Cond>> {
        // Resolve all before giving up, so every problem is reported.
        let mut resolved = Vec::new();
        let mut complete = true;
        for c in v {
            match self.cond(syscall, c) {
                Some(c) => resolved.push(c),
                None => complete = false,
            }
        }
        if complete { Some(resolved) } else { None }
    }

    fn cmp(&mut self, syscall: &str, cmp: &ast::Comparison) -> Option<ir::Cmp> {
        let (arg, declared_bits, what) = self.slot(syscall, &cmp.arg)?;
        let bits = match cmp.arg.width {
            Some((ast::Width::U32, _)) => 32,
            Some((ast::Width::U64, _)) => 64,
            None => declared_bits,
        }
        .min(self.arch.word_bits() as u8);
        let what = format!("{what}, a {bits}-bit parameter");
        let mask = match &cmp.mask {
            Some(m) => Some(self.operand(m, bits, true, &what)?),
            None => None,
        };
        // Every value checked before giving up, so every problem is
        // reported.
        let mut values = Vec::new();
        let mut complete = true;
        for v in &cmp.values {
            match self.operand(v, bits, cmp.op.is_ordering(), &what) {
                Some(o) => values.push(o),
                None => complete = false,
            }
        }
        if !complete {
            return None;
        }
        Some(ir::Cmp {
            arg,
            bits,
            mask,
            op: cmp.op,
            values,
            span: cmp.span,
        })
    }

    /// The argument index and width of a parameter on this architecture,
    /// and how to describe it in messages.
    fn slot(&mut self, syscall: &str, arg: &ast::ArgRef) -> Option<(u8, u8, String)> {
        let name = &arg.name.text;
        if let Some(index) = arg_index(name) {
            // check_names refused indices past 5.
            let index = index as u8;
            return Some((
                index,
                self.register_bits(syscall, index),
                format!("`{name}`"),
            ));
        }
        let Some(param) = params::param(self.arch, syscall, name) else {
            let msg = format!("`{syscall}` has no parameter `{name}` on this architecture");
            let help = match params::origin(self.arch, syscall) {
                Some(o) => format!("there it is {o}"),
                None => "refer to its arguments as `arg0` to `arg5`".to_owned(),
            };
            self.diags.push(
                Diagnostic::error(arg.name.span, msg)
                    .with_help(help)
                    .for_arch(self.arch),
            );
            return None;
        };
        match param.slot {
            ParamSlot::Arg { index, bits } => {
                Some((index, bits, format!("`{name}` (`{}`)", param.ctype)))
            }
            ParamSlot::Split => {
                let msg = format!(
                    "`{name}` of `{syscall}` has no single argument register: the 32-bit ABI splits 64-bit values over two registers"
                );
                let help = "leave this architecture out with an `arch` statement, or compare the registers with `arg0`..`arg5`";
                self.diags.push(
                    Diagnostic::error(arg.name.span, msg)
                        .with_help(help)
                        .for_arch(self.arch),
                );
                None
            }
        }
    }

    /// The width of register `index` of `syscall`: its parameter's if the
    /// prototype says, the register's otherwise.
    fn register_bits(&self, syscall: &str, index: u8) -> u8 {
        for p in params::params(self.arch, syscall).unwrap_or_default() {
            if let ParamSlot::Arg { index: i, bits } = p.slot
                && i == index
            {
                return bits;
            }
        }
        self.arch.word_bits() as u8
    }

    fn operand(
        &mut self,
        v: &ast::Value,
        bits: u8,
        unsigned_only: bool,
        what: &str,
    ) -> Option<Operand> {
        if let ValueKind::Symbolic(s) = &v.kind {
            self.symbol_uses.push(SymbolUse {
                sym: s.id,
                bits,
                unsigned_only,
            });
            return Some(Operand::Sym(s.id));
        }
        let i = self.number(v)?;
        if unsigned_only && i < 0 {
            // Only a constant can be negative here: the parser refuses a
            // negative literal where it compares unsigned.
            let msg = format!(
                "`{}` is {i} on this architecture, but masks and `<`, `<=`, `>`, `>=` compare unsigned values",
                shown_value(v)
            );
            self.diags
                .push(Diagnostic::error(v.span, msg).for_arch(self.arch));
            return None;
        }
        if ir::fits(i, bits) {
            return Some(Operand::Const(ir::reduce(i, bits)));
        }
        let is = match v.kind {
            ValueKind::Int(_) => String::new(),
            _ => format!(" ({} on this architecture)", hex_if_large(i)),
        };
        let msg = format!("`{}`{is} does not fit in {what}", shown_value(v));
        self.diags
            .push(Diagnostic::error(v.span, msg).for_arch(self.arch));
        None
    }

    /// The number a literal, a kernel constant or `( A | B )` stands for
    /// on this architecture; `None` after reporting a problem.
    fn number(&mut self, v: &ast::Value) -> Option<i128> {
        match &v.kind {
            ValueKind::Int(i) => Some(*i),
            ValueKind::Constant(n) => self.constant(n),
            ValueKind::BitOr(parts) => {
                // Every part checked before giving up, so every problem is
                // reported.
                let mut or = Some(0);
                for p in parts {
                    match (self.bit(p), &mut or) {
                        (Some(n), Some(acc)) => *acc |= n,
                        (Some(_), None) => {}
                        (None, _) => or = None,
                    }
                }
                or
            }
            // Handled by `operand`; the parser puts none inside `( | )`.
            ValueKind::Symbolic(_) => None,
        }
    }

    /// A part of `( A | B )`: a non-negative number (the OR of a negative
    /// one would depend on the width it is sign-extended to).
    fn bit(&mut self, v: &ast::Value) -> Option<i128> {
        let i = self.number(v)?;
        if i >= 0 {
            return Some(i);
        }
        let msg = format!(
            "`{}` is {i} on this architecture: `|` combines non-negative values only",
            shown_value(v)
        );
        self.diags
            .push(Diagnostic::error(v.span, msg).for_arch(self.arch));
        None
    }

    /// A kernel constant's value here; a constant this architecture lacks
    /// is a problem of this architecture only.
    fn constant(&mut self, n: &ast::Name) -> Option<i128> {
        let found = constants::value(self.arch, &n.text);
        if found.is_none() {
            let msg = format!("constant `{}` is not defined on this architecture", n.text);
            let help = format!(
                "it is defined on {}; leave this architecture out with an `arch` statement",
                defined_on(&n.text)
            );
            self.diags.push(
                Diagnostic::error(n.span, msg)
                    .with_help(help)
                    .for_arch(self.arch),
            );
        }
        found
    }
}

/// A value as the policy wrote it, for messages.
fn shown_value(v: &ast::Value) -> String {
    match &v.kind {
        ValueKind::Int(i) => hex_if_large(*i),
        ValueKind::Constant(n) => n.text.clone(),
        ValueKind::BitOr(parts) => {
            let mut out = String::from("(");
            let mut separator = "";
            for p in parts {
                out.push_str(separator);
                out.push_str(&shown_value(p));
                separator = " | ";
            }
            out.push(')');
            out
        }
        ValueKind::Symbolic(s) => s.text.clone(),
    }
}

fn hex_if_large(i: i128) -> String {
    if i > 9 {
        format!("{i:#x}")
    } else {
        i.to_string()
    }
}

/// The numbers a group brings in on `arch` (names missing there skipped),
/// worked out once per architecture for every group.
pub fn group_numbers(arch: Arch, group: &str) -> &'static [u32] {
    type ByGroup = Vec<(&'static str, Vec<u32>)>;
    static TABLES: [std::sync::OnceLock<ByGroup>; 8] = [const { std::sync::OnceLock::new() }; 8];
    let by_group = TABLES[arch_index(arch)].get_or_init(|| numbers_by_group(arch));
    for (name, numbers) in by_group {
        if *name == group {
            return numbers;
        }
    }
    &[]
}

/// `arch`'s position in [`Arch::ALL`].
fn arch_index(arch: Arch) -> usize {
    let mut i = 0;
    while Arch::ALL[i] != arch {
        // Arch::ALL lists every variant, so the search stops inside it.
        i += 1;
    }
    i
}

fn numbers_by_group(arch: Arch) -> Vec<(&'static str, Vec<u32>)> {
    let table = syscalls::table(arch);
    let mut by_group = Vec::new();
    for g in groups::GROUPS.iter() {
        let mut numbers = Vec::new();
        for name in groups::expanded(g.name).unwrap_or_default() {
            if let Some(nr) = table.number(name) {
                numbers.push(nr);
            }
        }
        by_group.push((g.name, numbers));
    }
    by_group
}

/// ORs a statement's entries for one syscall: `None` (unconditional) wins.
fn any_of(conds: Vec<Option<ir::Cond>>) -> Option<ir::Cond> {
    let mut all = Vec::new();
    for c in conds {
        all.push(c?);
    }
    if all.len() == 1 {
        all.pop()
    } else {
        Some(ir::Cond::Or(all))
    }
}

#[cfg(test)]
mod tests;
