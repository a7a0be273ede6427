//! A compiled program: classic-BPF instructions whose constants may be
//! symbolic (filled in by rustc from the policy's Rust paths and `{ expr }`
//! values), and what the runtime needs to know about it.

use crate::action::Action;
use crate::arch::Arch;
use crate::bpf::SockFilter;
use std::fmt;

/// The `k` field of an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum K {
    /// A constant known at compile time.
    Const(u32),
    /// A 32-bit word of symbolic value `sym`.
    Sym {
        /// The symbolic value's id ([`crate::ir::Operand::Sym`]).
        sym: usize,
        /// Which word of the value.
        part: SymPart,
    },
}

/// Which word of a symbolic value, as `(value as u64)` in two's complement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymPart {
    /// Bits 0..32.
    Lo,
    /// Bits 32..64.
    Hi,
    /// Bits 0..n for n < 32 (a narrow parameter's value).
    Low(u8),
}

impl SymPart {
    /// The word of `value` (already reduced to 64 bits).
    pub fn of(self, value: u64) -> u32 {
        // Each arm keeps at most 32 bits, so the casts are exact.
        match self {
            SymPart::Lo => value as u32,
            SymPart::Hi => (value >> 32) as u32,
            SymPart::Low(n) => (value & ((1u64 << n) - 1)) as u32,
        }
    }
}

/// One instruction with a possibly symbolic constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Insn {
    /// The opcode (`BPF_LD | BPF_W | BPF_ABS`, ...), as in `sock_filter`.
    pub code: u16,
    /// Jump offset when a conditional jump is taken, in instructions.
    pub jt: u8,
    /// Jump offset when it is not taken, in instructions.
    pub jf: u8,
    /// The constant operand.
    pub k: K,
}

/// A program for one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The architecture the program checks for and was generated for.
    pub arch: Arch,
    /// The instructions, in execution order (jumps are forward only).
    pub insns: Vec<Insn>,
    /// Every distinct action the program can return, sorted, for the
    /// runtime's `SECCOMP_GET_ACTION_AVAIL` check.
    pub actions: Vec<Action>,
}

/// A program with symbolic constants cannot become raw BPF without rustc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolicProgram {
    /// The ids of the symbolic values used, sorted and deduplicated.
    pub symbols: Vec<usize>,
}

impl fmt::Display for SymbolicProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the program depends on {} symbolic value(s) that only the macro can evaluate",
            self.symbols.len()
        )
    }
}

impl Program {
    /// The number of instructions.
    pub fn len(&self) -> usize {
        self.insns.len()
    }

    /// Whether the program has no instructions.
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// Whether some constant is symbolic.
    pub fn is_symbolic(&self) -> bool {
        for i in &self.insns {
            if let K::Sym { .. } = i.k {
                return true;
            }
        }
        false
    }

    /// The program with symbolic value `s` replaced by `syms(s)` (the
    /// value as 64 bits, two's complement).
    pub fn instantiate(&self, syms: &dyn Fn(usize) -> u64) -> Vec<SockFilter> {
        let mut out = Vec::with_capacity(self.insns.len());
        for i in &self.insns {
            let k = match i.k {
                K::Const(k) => k,
                K::Sym { sym, part } => part.of(syms(sym)),
            };
            out.push(SockFilter {
                code: i.code,
                jt: i.jt,
                jf: i.jf,
                k,
            });
        }
        out
    }

    /// The program as raw BPF, if no constant is symbolic.
    pub fn filters(&self) -> Result<Vec<SockFilter>, SymbolicProgram> {
        // Sorted and deduplicated as they come: a program has at most a
        // few thousand instructions.
        let mut symbols: Vec<usize> = Vec::new();
        for i in &self.insns {
            if let K::Sym { sym, .. } = i.k
                && let Err(at) = symbols.binary_search(&sym)
            {
                symbols.insert(at, sym);
            }
        }
        if symbols.is_empty() {
            return Ok(self.instantiate(&|_| 0));
        }
        Err(SymbolicProgram { symbols })
    }

    /// The kernel's 8-byte records in the architecture's byte order.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SymbolicProgram> {
        let big = self.arch.is_big_endian();
        let mut out = Vec::new();
        for f in self.filters()? {
            out.extend_from_slice(&f.to_bytes(big));
        }
        Ok(out)
    }
}
