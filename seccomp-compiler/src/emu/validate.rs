//! The kernel's checks on a seccomp filter, in the order seccomp(2) applies
//! them: `bpf_check_basics_ok` and `bpf_check_classic` (with
//! `chk_code_allowed` and `check_load_and_stores`) from
//! `net/core/filter.c`, then `seccomp_check_filter` from
//! `kernel/seccomp.c` (called as the `trans` hook of `bpf_prepare_filter`).
//!
//! The kernel answers every failure with a bare `-EINVAL`; here each one
//! names the instruction and the rule. A program passes [`validate`] exactly
//! when seccomp(2) would accept it.

use crate::bpf::*;
use std::fmt;

// Full opcodes, named after their kernel spelling (`BPF_LD | BPF_W | BPF_ABS`
// is `LD_W_ABS`). Match patterns need named constants: `A | B` in a pattern
// would mean "A or B".
pub(super) const LD_W_ABS: u16 = BPF_LD | BPF_W | BPF_ABS;
pub(super) const LD_H_ABS: u16 = BPF_LD | BPF_H | BPF_ABS;
pub(super) const LD_B_ABS: u16 = BPF_LD | BPF_B | BPF_ABS;
pub(super) const LD_W_IND: u16 = BPF_LD | BPF_W | BPF_IND;
pub(super) const LD_H_IND: u16 = BPF_LD | BPF_H | BPF_IND;
pub(super) const LD_B_IND: u16 = BPF_LD | BPF_B | BPF_IND;
pub(super) const LD_W_LEN: u16 = BPF_LD | BPF_W | BPF_LEN;
pub(super) const LD_IMM: u16 = BPF_LD | BPF_IMM;
pub(super) const LD_MEM: u16 = BPF_LD | BPF_MEM;
pub(super) const LDX_W_LEN: u16 = BPF_LDX | BPF_W | BPF_LEN;
pub(super) const LDX_B_MSH: u16 = BPF_LDX | BPF_B | BPF_MSH;
pub(super) const LDX_IMM: u16 = BPF_LDX | BPF_IMM;
pub(super) const LDX_MEM: u16 = BPF_LDX | BPF_MEM;
pub(super) const ST: u16 = BPF_ST;
pub(super) const STX: u16 = BPF_STX;
pub(super) const ALU_ADD_K: u16 = BPF_ALU | BPF_ADD | BPF_K;
pub(super) const ALU_ADD_X: u16 = BPF_ALU | BPF_ADD | BPF_X;
pub(super) const ALU_SUB_K: u16 = BPF_ALU | BPF_SUB | BPF_K;
pub(super) const ALU_SUB_X: u16 = BPF_ALU | BPF_SUB | BPF_X;
pub(super) const ALU_MUL_K: u16 = BPF_ALU | BPF_MUL | BPF_K;
pub(super) const ALU_MUL_X: u16 = BPF_ALU | BPF_MUL | BPF_X;
pub(super) const ALU_DIV_K: u16 = BPF_ALU | BPF_DIV | BPF_K;
pub(super) const ALU_DIV_X: u16 = BPF_ALU | BPF_DIV | BPF_X;
pub(super) const ALU_MOD_K: u16 = BPF_ALU | BPF_MOD | BPF_K;
pub(super) const ALU_MOD_X: u16 = BPF_ALU | BPF_MOD | BPF_X;
pub(super) const ALU_AND_K: u16 = BPF_ALU | BPF_AND | BPF_K;
pub(super) const ALU_AND_X: u16 = BPF_ALU | BPF_AND | BPF_X;
pub(super) const ALU_OR_K: u16 = BPF_ALU | BPF_OR | BPF_K;
pub(super) const ALU_OR_X: u16 = BPF_ALU | BPF_OR | BPF_X;
pub(super) const ALU_XOR_K: u16 = BPF_ALU | BPF_XOR | BPF_K;
pub(super) const ALU_XOR_X: u16 = BPF_ALU | BPF_XOR | BPF_X;
pub(super) const ALU_LSH_K: u16 = BPF_ALU | BPF_LSH | BPF_K;
pub(super) const ALU_LSH_X: u16 = BPF_ALU | BPF_LSH | BPF_X;
pub(super) const ALU_RSH_K: u16 = BPF_ALU | BPF_RSH | BPF_K;
pub(super) const ALU_RSH_X: u16 = BPF_ALU | BPF_RSH | BPF_X;
pub(super) const ALU_NEG: u16 = BPF_ALU | BPF_NEG;
pub(super) const MISC_TAX: u16 = BPF_MISC | BPF_TAX;
pub(super) const MISC_TXA: u16 = BPF_MISC | BPF_TXA;
pub(super) const RET_K: u16 = BPF_RET | BPF_K;
pub(super) const RET_A: u16 = BPF_RET | BPF_A;
pub(super) const JMP_JA: u16 = BPF_JMP | BPF_JA;
pub(super) const JMP_JEQ_K: u16 = BPF_JMP | BPF_JEQ | BPF_K;
pub(super) const JMP_JEQ_X: u16 = BPF_JMP | BPF_JEQ | BPF_X;
pub(super) const JMP_JGE_K: u16 = BPF_JMP | BPF_JGE | BPF_K;
pub(super) const JMP_JGE_X: u16 = BPF_JMP | BPF_JGE | BPF_X;
pub(super) const JMP_JGT_K: u16 = BPF_JMP | BPF_JGT | BPF_K;
pub(super) const JMP_JGT_X: u16 = BPF_JMP | BPF_JGT | BPF_X;
pub(super) const JMP_JSET_K: u16 = BPF_JMP | BPF_JSET | BPF_K;
pub(super) const JMP_JSET_X: u16 = BPF_JMP | BPF_JSET | BPF_X;

/// Why the kernel refuses a program; each rule names the kernel function
/// that enforces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// A program has 1 to `BPF_MAXINSNS` (4096) instructions
    /// (`bpf_check_basics_ok`).
    Length {
        /// The program's length in instructions.
        len: usize,
    },
    /// The opcode is not classic BPF at all (`chk_code_allowed`).
    NotClassicOpcode {
        /// The instruction's `code` field.
        code: u16,
    },
    /// `BPF_DIV`/`BPF_MOD` by a constant zero (`bpf_check_classic`).
    DivisionByZero,
    /// `BPF_LSH`/`BPF_RSH` by a constant of 32 or more (`bpf_check_classic`).
    ShiftTooLarge {
        /// The shift amount.
        k: u32,
    },
    /// A scratch slot at or past `BPF_MEMWORDS` (`bpf_check_classic`).
    ScratchOutOfRange {
        /// The slot index.
        slot: u32,
    },
    /// A jump whose target is at or past the end (`bpf_check_classic`).
    JumpOutOfRange {
        /// The instruction index the jump leads to.
        target: u64,
    },
    /// The last instruction is not `BPF_RET` (`bpf_check_classic`).
    LastNotReturn,
    /// A scratch slot that some path reaches unwritten is read
    /// (`check_load_and_stores`).
    ScratchReadBeforeWrite {
        /// The slot index.
        slot: u32,
    },
    /// Classic BPF, but not accepted for seccomp (`seccomp_check_filter`).
    NotSeccompOpcode {
        /// The instruction's `code` field.
        code: u16,
    },
    /// A word load that is misaligned or outside `seccomp_data`
    /// (`seccomp_check_filter`).
    LoadOutsideSeccompData {
        /// The load's byte offset (the instruction's `k`).
        k: u32,
    },
}

impl Rule {
    /// The kernel function that enforces this rule.
    pub const fn kernel_function(self) -> &'static str {
        match self {
            Rule::Length { .. } => "bpf_check_basics_ok",
            Rule::NotClassicOpcode { .. } => "chk_code_allowed",
            Rule::ScratchReadBeforeWrite { .. } => "check_load_and_stores",
            Rule::NotSeccompOpcode { .. } | Rule::LoadOutsideSeccompData { .. } => {
                "seccomp_check_filter"
            }
            _ => "bpf_check_classic",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rule::Length { len } => {
                write!(
                    f,
                    "a filter has 1 to {BPF_MAXINSNS} instructions, this one has {len}"
                )
            }
            Rule::NotClassicOpcode { code } => {
                write!(f, "opcode {code:#06x} is not a classic BPF instruction")
            }
            Rule::DivisionByZero => f.write_str("division or modulo by constant zero"),
            Rule::ShiftTooLarge { k } => write!(f, "constant shift by {k} (must be below 32)"),
            Rule::ScratchOutOfRange { slot } => {
                write!(
                    f,
                    "scratch slot M[{slot}] does not exist (BPF_MEMWORDS is {BPF_MEMWORDS})"
                )
            }
            Rule::JumpOutOfRange { target } => {
                write!(f, "jump target {target} is past the last instruction")
            }
            Rule::LastNotReturn => f.write_str("the last instruction is not a return"),
            Rule::ScratchReadBeforeWrite { slot } => {
                write!(
                    f,
                    "reads scratch slot M[{slot}], which some path leaves unwritten"
                )
            }
            Rule::NotSeccompOpcode { code } => {
                write!(f, "opcode {code:#06x} is not allowed in a seccomp filter")
            }
            Rule::LoadOutsideSeccompData { k } => write!(
                f,
                "load offset {k} is not a word of seccomp_data (a multiple of 4 below {SECCOMP_DATA_SIZE})"
            ),
        }
    }
}

/// A program the kernel would refuse: the instruction and the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ValidationError {
    /// The offending instruction; for [`Rule::Length`], 0 for an empty
    /// program and `BPF_MAXINSNS` for one too long.
    pub index: usize,
    /// The rule it breaks.
    pub reason: Rule,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = self.reason;
        match rule {
            Rule::Length { .. } => write!(f, "program: {rule}")?,
            _ => write!(f, "instruction {}: {rule}", self.index)?,
        }
        write!(f, " ({})", rule.kernel_function())
    }
}

impl std::error::Error for ValidationError {}

/// Checks `prog` as seccomp(2) does before installing it
/// (`seccomp_prepare_filter` -> `bpf_prog_create_from_user`), reporting the
/// first failure in the kernel's own order.
pub fn validate(prog: &[SockFilter]) -> Result<(), ValidationError> {
    bpf_check_basics_ok(prog)?;
    bpf_check_classic(prog)?;
    seccomp_check_filter(prog)
}

/// `bpf_check_basics_ok`: `flen == 0 || flen > BPF_MAXINSNS` is refused
/// (`seccomp_prepare_filter` checks the same bound first).
fn bpf_check_basics_ok(prog: &[SockFilter]) -> Result<(), ValidationError> {
    if (1..=BPF_MAXINSNS).contains(&prog.len()) {
        return Ok(());
    }
    let index = prog.len().min(BPF_MAXINSNS);
    Err(ValidationError {
        index,
        reason: Rule::Length { len: prog.len() },
    })
}

/// `bpf_check_classic`: every instruction, then the final return, then
/// `check_load_and_stores`.
fn bpf_check_classic(prog: &[SockFilter]) -> Result<(), ValidationError> {
    for (pc, insn) in prog.iter().enumerate() {
        check_classic_insn(pc, *insn, prog.len())
            .map_err(|reason| ValidationError { index: pc, reason })?;
    }
    let last = prog.len() - 1;
    if !matches!(prog[last].code, RET_K | RET_A) {
        return Err(ValidationError {
            index: last,
            reason: Rule::LastNotReturn,
        });
    }
    check_load_and_stores(prog)
}

/// The per-instruction part of `bpf_check_classic`. Its check on ancillary
/// loads (`k >= SKF_AD_OFF` must be a known `SKF_AD_*`) is left out: every
/// such load is refused later by `seccomp_check_filter` anyway, so the set of
/// programs accepted is the same.
fn check_classic_insn(pc: usize, insn: SockFilter, flen: usize) -> Result<(), Rule> {
    let k = insn.k;
    match insn.code {
        code if !chk_code_allowed(code) => Err(Rule::NotClassicOpcode { code }),
        ALU_DIV_K | ALU_MOD_K if k == 0 => Err(Rule::DivisionByZero),
        ALU_LSH_K | ALU_RSH_K if k >= 32 => Err(Rule::ShiftTooLarge { k }),
        LD_MEM | LDX_MEM | ST | STX if k >= BPF_MEMWORDS => {
            Err(Rule::ScratchOutOfRange { slot: k })
        }
        // "Note, the large ftest->k might cause loops." Conditional jumps
        // are bounded by their 8-bit offsets, `ja` only here.
        JMP_JA => check_target(pc, k, flen),
        code if is_conditional_jump(code) => {
            check_target(pc, u32::from(insn.jt), flen)?;
            check_target(pc, u32::from(insn.jf), flen)
        }
        _ => Ok(()),
    }
}

/// `pc + 1 + offset` must be an instruction of the program.
fn check_target(pc: usize, offset: u32, flen: usize) -> Result<(), Rule> {
    let target = pc as u64 + 1 + u64::from(offset);
    if target < flen as u64 {
        Ok(())
    } else {
        Err(Rule::JumpOutOfRange { target })
    }
}

pub(super) fn is_conditional_jump(code: u16) -> bool {
    matches!(
        code,
        JMP_JEQ_K
            | JMP_JEQ_X
            | JMP_JGE_K
            | JMP_JGE_X
            | JMP_JGT_K
            | JMP_JGT_X
            | JMP_JSET_K
            | JMP_JSET_X
    )
}

/// `chk_code_allowed`: the classic BPF instruction set as the kernel knows it.
pub(super) fn chk_code_allowed(code: u16) -> bool {
    matches!(
        code,
        ALU_ADD_K
            | ALU_ADD_X
            | ALU_SUB_K
            | ALU_SUB_X
            | ALU_MUL_K
            | ALU_MUL_X
            | ALU_DIV_K
            | ALU_DIV_X
            | ALU_MOD_K
            | ALU_MOD_X
            | ALU_AND_K
            | ALU_AND_X
            | ALU_OR_K
            | ALU_OR_X
            | ALU_XOR_K
            | ALU_XOR_X
            | ALU_LSH_K
            | ALU_LSH_X
            | ALU_RSH_K
            | ALU_RSH_X
            | ALU_NEG
            | LD_W_ABS
            | LD_H_ABS
            | LD_B_ABS
            | LD_W_LEN
            | LD_W_IND
            | LD_H_IND
            | LD_B_IND
            | LD_IMM
            | LD_MEM
            | LDX_W_LEN
            | LDX_B_MSH
            | LDX_IMM
            | LDX_MEM
            | ST
            | STX
            | MISC_TAX
            | MISC_TXA
            | RET_K
            | RET_A
            | JMP_JA
    ) || is_conditional_jump(code)
}

/// `check_load_and_stores`, ported verbatim: a forward pass (all jumps go
/// forward) tracking which scratch slots are surely written. `masks[pc]`
/// collects what every jump into `pc` guarantees; after a jump the
/// fall-through state is "anything" (`~0`), since nothing falls through.
/// Like the kernel, it does not reset the state after a `BPF_RET`, so an
/// instruction after a return also inherits what was written before it.
fn check_load_and_stores(prog: &[SockFilter]) -> Result<(), ValidationError> {
    let mut masks = vec![u16::MAX; prog.len()];
    let mut memvalid: u16 = 0;
    for (pc, insn) in prog.iter().enumerate() {
        memvalid &= masks[pc];
        let slot_bit = 1u16 << (insn.k % BPF_MEMWORDS);
        match insn.code {
            ST | STX => memvalid |= slot_bit,
            LD_MEM | LDX_MEM if memvalid & slot_bit == 0 => {
                let reason = Rule::ScratchReadBeforeWrite { slot: insn.k };
                return Err(ValidationError { index: pc, reason });
            }
            JMP_JA => memvalid = mark_targets(&mut masks, pc, &[insn.k], memvalid),
            code if is_conditional_jump(code) => {
                let offsets = [u32::from(insn.jt), u32::from(insn.jf)];
                memvalid = mark_targets(&mut masks, pc, &offsets, memvalid);
            }
            _ => {}
        }
    }
    Ok(())
}

/// "A jump must set masks on targets"; returns the state after the jump.
/// Targets were range-checked by `check_classic_insn`.
fn mark_targets(masks: &mut [u16], pc: usize, offsets: &[u32], memvalid: u16) -> u16 {
    for &offset in offsets {
        masks[pc + 1 + offset as usize] &= memvalid;
    }
    u16::MAX
}

/// `seccomp_check_filter`: only these opcodes, and word loads only at
/// aligned offsets inside `seccomp_data`.
fn seccomp_check_filter(prog: &[SockFilter]) -> Result<(), ValidationError> {
    for (pc, insn) in prog.iter().enumerate() {
        let reason = match insn.code {
            LD_W_ABS if insn.k >= SECCOMP_DATA_SIZE || insn.k & 3 != 0 => {
                Rule::LoadOutsideSeccompData { k: insn.k }
            }
            code if !seccomp_code_allowed(code) => Rule::NotSeccompOpcode { code },
            _ => continue,
        };
        return Err(ValidationError { index: pc, reason });
    }
    Ok(())
}

/// The opcodes `seccomp_check_filter` lets through: the three it rewrites
/// (`BPF_LD | BPF_W | BPF_ABS` and the two `BPF_LEN` loads) and its
/// "Explicitly include allowed calls" list. Missing from the list, though
/// classic BPF: `BPF_MOD`, packet loads of halfwords and bytes, `BPF_IND`
/// and `BPF_MSH`.
pub(super) fn seccomp_code_allowed(code: u16) -> bool {
    matches!(
        code,
        LD_W_ABS
            | LD_W_LEN
            | LDX_W_LEN
            | RET_K
            | RET_A
            | ALU_ADD_K
            | ALU_ADD_X
            | ALU_SUB_K
            | ALU_SUB_X
            | ALU_MUL_K
            | ALU_MUL_X
            | ALU_DIV_K
            | ALU_DIV_X
            | ALU_AND_K
            | ALU_AND_X
            | ALU_OR_K
            | ALU_OR_X
            | ALU_XOR_K
            | ALU_XOR_X
            | ALU_LSH_K
            | ALU_LSH_X
            | ALU_RSH_K
            | ALU_RSH_X
            | ALU_NEG
            | LD_IMM
            | LDX_IMM
            | MISC_TAX
            | MISC_TXA
            | LD_MEM
            | LDX_MEM
            | ST
            | STX
            | JMP_JA
    ) || is_conditional_jump(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmt(code: u16, k: u32) -> SockFilter {
        bpf_stmt(code, k)
    }

    fn ret() -> SockFilter {
        stmt(RET_K, SECCOMP_RET_ALLOW)
    }

    fn fails(prog: &[SockFilter], index: usize, reason: Rule) {
        assert_eq!(
            validate(prog),
            Err(ValidationError { index, reason }),
            "{prog:?}"
        );
    }

    fn passes(prog: &[SockFilter]) {
        assert_eq!(validate(prog), Ok(()), "{prog:?}");
    }

    #[test]
    fn length_is_1_to_4096() {
        fails(&[], 0, Rule::Length { len: 0 });
        passes(&[ret()]);
        passes(&vec![ret(); 4096]);
        fails(&vec![ret(); 4097], 4096, Rule::Length { len: 4097 });
    }

    #[test]
    fn opcodes_must_be_classic() {
        // BPF_RET | BPF_X does not exist; BPF_LDX | BPF_W | BPF_ABS is the
        // kernel's own rewrite of a seccomp load, not accepted from users.
        for code in [
            BPF_RET | BPF_X,
            BPF_LDX | BPF_W | BPF_ABS,
            BPF_ALU | BPF_NEG | BPF_X,
            0x00b2,
            0x0100,
            0xffff,
        ] {
            fails(&[stmt(code, 0), ret()], 0, Rule::NotClassicOpcode { code });
        }
    }

    #[test]
    fn no_division_by_constant_zero() {
        fails(&[stmt(ALU_DIV_K, 0), ret()], 0, Rule::DivisionByZero);
        // BPF_MOD fails this check first, before seccomp refuses BPF_MOD.
        fails(&[stmt(ALU_MOD_K, 0), ret()], 0, Rule::DivisionByZero);
        passes(&[stmt(ALU_DIV_K, 1), ret()]);
        passes(&[stmt(ALU_DIV_X, 0), ret()]);
    }

    #[test]
    fn constant_shifts_below_32() {
        fails(
            &[stmt(ALU_LSH_K, 32), ret()],
            0,
            Rule::ShiftTooLarge { k: 32 },
        );
        fails(
            &[stmt(ALU_RSH_K, u32::MAX), ret()],
            0,
            Rule::ShiftTooLarge { k: u32::MAX },
        );
        passes(&[
            stmt(ALU_LSH_K, 31),
            stmt(ALU_RSH_K, 31),
            stmt(ALU_LSH_X, 99),
            ret(),
        ]);
    }

    #[test]
    fn scratch_slots_below_16() {
        for code in [ST, STX] {
            fails(
                &[stmt(code, 16), ret()],
                0,
                Rule::ScratchOutOfRange { slot: 16 },
            );
        }
        for code in [LD_MEM, LDX_MEM] {
            fails(
                &[stmt(ST, 0), stmt(code, 16), ret()],
                1,
                Rule::ScratchOutOfRange { slot: 16 },
            );
        }
        passes(&[stmt(ST, 15), stmt(LD_MEM, 15), ret()]);
    }

    #[test]
    fn jumps_stay_inside() {
        // ja 1 from 0 lands on 2, the last instruction: fine; ja 2 does not.
        passes(&[stmt(JMP_JA, 1), ret(), ret()]);
        fails(
            &[stmt(JMP_JA, 2), ret(), ret()],
            0,
            Rule::JumpOutOfRange { target: 3 },
        );
        fails(
            &[stmt(JMP_JA, u32::MAX), ret()],
            0,
            Rule::JumpOutOfRange { target: 1 << 32 },
        );
        passes(&[bpf_jump(JMP_JEQ_K, 0, 1, 0), ret(), ret()]);
        fails(
            &[bpf_jump(JMP_JEQ_K, 0, 2, 0), ret(), ret()],
            0,
            Rule::JumpOutOfRange { target: 3 },
        );
        fails(
            &[bpf_jump(JMP_JSET_X, 0, 0, 2), ret(), ret()],
            0,
            Rule::JumpOutOfRange { target: 3 },
        );
    }

    #[test]
    fn last_instruction_returns() {
        fails(&[ret(), stmt(LD_IMM, 0)], 1, Rule::LastNotReturn);
        // A jump as the last instruction has no target at all, and that is
        // found first.
        fails(
            &[ret(), stmt(JMP_JA, 0)],
            1,
            Rule::JumpOutOfRange { target: 2 },
        );
        passes(&[stmt(RET_A, 0)]);
    }

    #[test]
    fn scratch_is_written_before_read_on_every_path() {
        fails(
            &[stmt(LD_MEM, 3), ret()],
            0,
            Rule::ScratchReadBeforeWrite { slot: 3 },
        );
        let one_branch = [
            stmt(LD_W_ABS, 0),
            bpf_jump(JMP_JEQ_K, 1, 0, 1),
            stmt(ST, 3),
            stmt(LDX_MEM, 3),
            ret(),
        ];
        fails(&one_branch, 3, Rule::ScratchReadBeforeWrite { slot: 3 });
        let both_branches = [
            stmt(LD_W_ABS, 0),
            bpf_jump(JMP_JEQ_K, 1, 0, 2),
            stmt(ST, 3),
            stmt(JMP_JA, 1),
            stmt(STX, 3),
            stmt(LDX_MEM, 3),
            ret(),
        ];
        passes(&both_branches);
    }

    #[test]
    fn a_return_does_not_end_what_check_load_and_stores_tracks() {
        // 5 is reached only from the `ja` at 3, after the store at 2, but
        // the kernel also merges in the state that "falls through" the
        // `ret` at 4 (nothing written), so it refuses the program...
        let prog = [
            stmt(LD_W_ABS, 0),
            bpf_jump(JMP_JEQ_K, 1, 0, 2),
            stmt(ST, 0),
            stmt(JMP_JA, 1),
            stmt(RET_K, SECCOMP_RET_KILL_PROCESS),
            stmt(LD_MEM, 0),
            stmt(RET_A, 0),
        ];
        fails(&prog, 5, Rule::ScratchReadBeforeWrite { slot: 0 });
        // ...although every run is well defined.
        let data = SeccompData {
            nr: 1,
            ..Default::default()
        };
        assert_eq!(
            super::super::run(&prog, &data, false).map(|e| e.ret),
            Ok(1),
            "M[0] = nr"
        );
        // And a store before the `ret` makes the unreachable fall-through
        // count as written.
        let mut after_store = prog;
        after_store[0] = stmt(ST, 0);
        passes(&after_store);
    }

    #[test]
    fn seccomp_refuses_packet_instructions() {
        for code in [
            ALU_MOD_K, ALU_MOD_X, LD_H_ABS, LD_B_ABS, LD_W_IND, LD_H_IND, LD_B_IND, LDX_B_MSH,
        ] {
            fails(&[stmt(code, 1), ret()], 0, Rule::NotSeccompOpcode { code });
        }
    }

    #[test]
    fn loads_are_aligned_words_of_seccomp_data() {
        for k in [2, 62, 64, 0xffff_f000] {
            fails(
                &[stmt(LD_W_ABS, k), ret()],
                0,
                Rule::LoadOutsideSeccompData { k },
            );
        }
        for k in (0..64).step_by(4) {
            passes(&[stmt(LD_W_ABS, k), ret()]);
        }
    }

    #[test]
    fn everything_seccomp_allows_passes_together() {
        let prog = [
            stmt(LD_W_ABS, 0),
            stmt(LD_W_LEN, 0),
            stmt(LDX_W_LEN, 0),
            stmt(LD_IMM, 1),
            stmt(LDX_IMM, 2),
            stmt(ST, 0),
            stmt(STX, 1),
            stmt(LD_MEM, 0),
            stmt(LDX_MEM, 1),
            stmt(MISC_TAX, 0),
            stmt(MISC_TXA, 0),
            stmt(ALU_ADD_K, 1),
            stmt(ALU_ADD_X, 0),
            stmt(ALU_SUB_K, 1),
            stmt(ALU_SUB_X, 0),
            stmt(ALU_MUL_K, 3),
            stmt(ALU_MUL_X, 0),
            stmt(ALU_DIV_K, 3),
            stmt(ALU_DIV_X, 0),
            stmt(ALU_AND_K, 0xff),
            stmt(ALU_AND_X, 0),
            stmt(ALU_OR_K, 1),
            stmt(ALU_OR_X, 0),
            stmt(ALU_XOR_K, 1),
            stmt(ALU_XOR_X, 0),
            stmt(ALU_LSH_K, 1),
            stmt(ALU_LSH_X, 0),
            stmt(ALU_RSH_K, 1),
            stmt(ALU_RSH_X, 0),
            stmt(ALU_NEG, 0),
            stmt(JMP_JA, 0),
            bpf_jump(JMP_JEQ_K, 0, 0, 0),
            bpf_jump(JMP_JEQ_X, 0, 0, 0),
            bpf_jump(JMP_JGE_K, 0, 0, 0),
            bpf_jump(JMP_JGE_X, 0, 0, 0),
            bpf_jump(JMP_JGT_K, 0, 0, 0),
            bpf_jump(JMP_JGT_X, 0, 0, 0),
            bpf_jump(JMP_JSET_K, 0, 0, 0),
            bpf_jump(JMP_JSET_X, 0, 0, 0),
            bpf_jump(JMP_JSET_X, 0, 1, 0),
            stmt(RET_A, 0),
            ret(),
        ];
        passes(&prog);
    }

    #[test]
    fn classic_checks_come_before_seccomp_checks() {
        // bpf_check_classic runs over the whole program first.
        fails(
            &[stmt(LD_H_ABS, 0), stmt(LD_IMM, 0)],
            1,
            Rule::LastNotReturn,
        );
        fails(
            &[stmt(LD_W_ABS, 3), stmt(LD_MEM, 1), ret()],
            1,
            Rule::ScratchReadBeforeWrite { slot: 1 },
        );
    }

    #[test]
    fn errors_name_the_instruction_and_the_rule() {
        let err = validate(&[ret(), stmt(LD_W_ABS, 6), ret()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            concat!(
                "instruction 1: load offset 6 is not a word of seccomp_data ",
                "(a multiple of 4 below 64) (seccomp_check_filter)"
            )
        );
        let err = validate(&[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "program: a filter has 1 to 4096 instructions, this one has 0 (bpf_check_basics_ok)"
        );
        let err = validate(&[stmt(LD_MEM, 2), ret()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            concat!(
                "instruction 0: reads scratch slot M[2], which some path leaves unwritten ",
                "(check_load_and_stores)"
            )
        );
    }
}
