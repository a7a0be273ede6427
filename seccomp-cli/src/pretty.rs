//! Decisions back in the policy language, for `explain` and `simulate`:
//! `allow if fd == 1 | 2, else kill_process`, and where each part was
//! decided (`1:37 keep`).

use seccomp_compiler::Arch;
use seccomp_compiler::ast::Policy;
use seccomp_compiler::decide::{Decision, Origin};
use seccomp_compiler::ir::{Cmp, Cond, Operand, Setting, width_mask};
use seccomp_compiler::span::Source;
use seccomp_compiler::tables::params::{self, ParamSlot};

/// Prints one syscall's conditions with its parameter names.
pub struct Printer<'a> {
    pub arch: Arch,
    pub syscall: &'a str,
    /// The text of a symbolic value by id.
    pub symbol: &'a dyn Fn(usize) -> String,
}

impl Printer<'_> {
    /// `allow if fd == 1 | 2, else kill_process`, or just the action.
    pub fn decision(&self, d: &Decision) -> String {
        let mut parts: Vec<String> = d
            .arms
            .iter()
            .map(|arm| format!("{} if {}", arm.action, self.cond(&arm.cond)))
            .collect();
        if parts.is_empty() {
            return d.otherwise.action.to_string();
        }
        parts.push(format!("else {}", d.otherwise.action));
        parts.join(", ")
    }

    /// A condition with `&&` binding tighter than `||`, as in the language.
    pub fn cond(&self, c: &Cond) -> String {
        match c {
            Cond::Or(v) => join(v.iter().map(|c| self.cond(c)), " || "),
            Cond::And(v) => join(
                v.iter().map(|c| match c {
                    Cond::Or(_) => format!("({})", self.cond(c)),
                    _ => self.cond(c),
                }),
                " && ",
            ),
            Cond::Cmp(cmp) => self.cmp(cmp),
        }
    }

    fn cmp(&self, cmp: &Cmp) -> String {
        let mask = cmp
            .mask
            .as_ref()
            .map(|m| format!(" & {}", self.operand(m, cmp.bits, true)))
            .unwrap_or_default();
        let values = join(
            cmp.values
                .iter()
                .map(|v| self.operand(v, cmp.bits, cmp.mask.is_some())),
            " | ",
        );
        format!(
            "{}{mask} {} {values}",
            self.param(cmp.arg, cmp.bits),
            cmp.op.symbol()
        )
    }

    /// The parameter's name where the kernel's prototype gives one, with
    /// `:u32`/`:u64` when the comparison's width is not the parameter's.
    fn param(&self, index: u8, bits: u8) -> String {
        let declared = params::params(self.arch, self.syscall)
            .into_iter()
            .flatten()
            .find_map(|p| match p.slot {
                ParamSlot::Arg { index: i, bits: b } if i == index => Some((p.name, b)),
                _ => None,
            });
        let (name, declared_bits) = match declared {
            Some((name, b)) => (name.to_owned(), b),
            None => (format!("arg{index}"), word_bits(self.arch)),
        };
        match bits {
            b if b == declared_bits => name,
            32 => format!("{name}:u32"),
            64 => format!("{name}:u64"),
            _ => name,
        }
    }

    /// Small numbers in decimal, negative ones as written (`-100`), masks
    /// and other large values in hex.
    fn operand(&self, o: &Operand, bits: u8, bit_pattern: bool) -> String {
        let v = match *o {
            Operand::Sym(id) => return (self.symbol)(id),
            Operand::Const(v) => v,
        };
        let all = width_mask(bits);
        if bit_pattern && v >= 10 {
            format!("{v:#x}")
        } else if v < 0x1000 {
            v.to_string()
        } else if bits >= 32 && v > all - 0x1000 {
            // Two's complement in `bits` bits: `all - v + 1` is the magnitude.
            format!("-{}", all - v + 1)
        } else {
            format!("{v:#x}")
        }
    }
}

/// The name of `arch`'s `AUDIT_ARCH_*` constant (include/uapi/linux/audit.h).
pub fn audit_arch_name(arch: Arch) -> &'static str {
    match arch {
        Arch::X86_64 => "AUDIT_ARCH_X86_64",
        Arch::X86 => "AUDIT_ARCH_I386",
        Arch::Aarch64 => "AUDIT_ARCH_AARCH64",
        Arch::Arm => "AUDIT_ARCH_ARM",
        Arch::Riscv64 => "AUDIT_ARCH_RISCV64",
        Arch::S390x => "AUDIT_ARCH_S390X",
        Arch::Powerpc64le => "AUDIT_ARCH_PPC64LE",
        Arch::Loongarch64 => "AUDIT_ARCH_LOONGARCH64",
    }
}

fn word_bits(arch: Arch) -> u8 {
    // 32 or 64.
    arch.word_bits() as u8
}

fn join(parts: impl Iterator<Item = String>, sep: &str) -> String {
    parts.collect::<Vec<_>>().join(sep)
}

/// Where a statement or setting is in the policy text.
pub struct Locator<'a> {
    pub source: &'a Source,
    pub policy: &'a Policy,
}

impl Locator<'_> {
    /// `1:37 keep` for a statement, `2:1 default` for a setting the policy
    /// made, `default` or `unknown` for a built-in one.
    pub fn origin(&self, origin: Origin) -> String {
        match origin {
            Origin::Statement { index, span } => {
                let keyword = self
                    .policy
                    .statements
                    .get(index)
                    .map_or("?", |s| s.kind.keyword());
                let lc = self.source.line_col(span.byte_range().start);
                format!("{}:{} {keyword}", lc.line, lc.col)
            }
            Origin::Successor {
                successor, span, ..
            } => {
                let lc = self.source.line_col(span.byte_range().start);
                format!("successor of {} ({}:{})", successor.old, lc.line, lc.col)
            }
            Origin::Default(Some(span)) | Origin::Unknown(Some(span)) => {
                self.setting(span.byte_range().start)
            }
            Origin::Default(None) => "default".to_owned(),
            Origin::Unknown(None) => "unknown".to_owned(),
        }
    }

    /// Where a setting was made: `set by \`deny\` at 2:1`, or `built in`.
    pub fn setting_phrase(&self, setting: &Setting) -> String {
        match setting.span {
            Some(span) => format!("set at {}", self.setting(span.byte_range().start)),
            None => "built in".to_owned(),
        }
    }

    /// `line:col keyword` of the statement containing byte `pos`.
    fn setting(&self, pos: usize) -> String {
        let statement = self
            .policy
            .statements
            .iter()
            .find(|s| s.span.byte_range().contains(&pos));
        match statement {
            Some(s) => {
                let lc = self.source.line_col(s.keyword.byte_range().start);
                format!("{}:{} {}", lc.line, lc.col, s.kind.keyword())
            }
            None => {
                let lc = self.source.line_col(pos);
                format!("{}:{}", lc.line, lc.col)
            }
        }
    }

    /// The distinct places that decided `d`, in the order they apply.
    pub fn decision_origins(&self, d: &Decision) -> String {
        let mut seen: Vec<String> = Vec::new();
        for o in d.arms.iter().map(|a| a.origin).chain([d.otherwise.origin]) {
            let text = self.origin(o);
            if !seen.contains(&text) {
                seen.push(text);
            }
        }
        seen.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seccomp_compiler::compile_str;
    use seccomp_compiler::tables::syscalls;

    fn explain(policy: &str, arch: Arch, name: &str) -> String {
        let c = compile_str(policy).unwrap();
        let out = c.get(arch).unwrap();
        let nr = syscalls::table(arch).number(name).unwrap();
        let symbol = |id: usize| format!("sym{id}");
        let p = Printer {
            arch,
            syscall: name,
            symbol: &symbol,
        };
        p.decision(out.table.named.get(nr).unwrap())
    }

    #[test]
    fn sets_masks_and_negative_values() {
        assert_eq!(
            explain("keep write(fd == 1 | 2);", Arch::X86_64, "write"),
            "allow if fd == 1 | 2, else kill_process"
        );
        assert_eq!(
            explain(
                "keep openat(dfd == -100 && flags & 3 == 0 || mode:u64 > 0x1ff);",
                Arch::X86_64,
                "openat"
            ),
            "allow if dfd == -100 && flags & 3 == 0 || mode:u64 > 511, else kill_process"
        );
        assert_eq!(
            explain(
                "keep openat(flags & 0o700000 == 0x10000);",
                Arch::X86_64,
                "openat"
            ),
            "allow if flags & 0x38000 == 0x10000, else kill_process"
        );
        assert_eq!(
            explain(
                "default allow; drop ptrace; drop kill((pid == 1 || pid == 2) && sig == 9) => errno(EPERM); acknowledge siblings;",
                Arch::X86_64,
                "kill"
            ),
            "errno(EPERM) if (pid == 1 || pid == 2) && sig == 9, else allow"
        );
        assert_eq!(
            explain("keep getpid(arg0 == 0x10000);", Arch::X86, "getpid"),
            "allow if arg0 == 0x10000, else kill_process"
        );
    }
}
