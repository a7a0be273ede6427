//! Classic BPF as the kernel runs it for seccomp: an interpreter over
//! `seccomp_data` that counts the instructions executed ([`run`]), the
//! kernel's validity rules ([`validate`]), its constant-action cache analysis
//! ([`is_const_allow`], [`cache_coverage`]) and a disassembler ([`disasm`]).
//!
//! Everything here is read off Linux 6.12 (Debian's `linux-source-6.12`,
//! 6.12.117): `kernel/seccomp.c`, `net/core/filter.c` and
//! `kernel/bpf/core.c`. Each port names the kernel function it follows.
//!
//! The interpreter takes the program as user space hands it to seccomp(2),
//! before `seccomp_check_filter` rewrites it: `BPF_LD | BPF_W | BPF_ABS`
//! reads a 32-bit word of `seccomp_data`, `BPF_LD`/`BPF_LDX | BPF_W |
//! BPF_LEN` yield `sizeof(struct seccomp_data)`. It gives a program the
//! semantics of the kernel's cBPF-to-eBPF translation (`bpf_convert_filter`)
//! run by the eBPF interpreter (`___bpf_prog_run`); where a JIT may differ,
//! the function says so.

mod cache;
mod disasm;
mod validate;

pub use cache::{
    CacheReport, NotCached, X86_64_NR_URETPROBE, cache_coverage, filter_is_const_allow,
    is_const_allow, seccomp_arch_nr, seccomp_cache_prepare_bitmap,
};
pub use disasm::{disasm, disasm_for};
pub use validate::{Rule, ValidationError, validate};

use crate::bpf::*;
use std::fmt;

/// What one run of a program produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Execution {
    /// The value the program returned: a `SECCOMP_RET_*` action and its data.
    pub ret: u32,
    /// Instructions executed, the final return included.
    pub steps: usize,
}

/// Something the program did that no program passing [`validate`] can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EmuError {
    /// Index of the instruction at fault.
    pub index: usize,
    /// What went wrong there.
    pub kind: EmuErrorKind,
}

/// The ways an unvalidated program can go wrong at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmuErrorKind {
    /// The program has no instructions.
    EmptyProgram,
    /// The last instruction was executed and is not a return.
    FellOffEnd,
    /// A jump leads to `target`, at or past the end of the program.
    JumpOutOfRange {
        /// The instruction index the jump leads to.
        target: u64,
    },
    /// An opcode seccomp does not accept.
    UnsupportedOpcode {
        /// The instruction's `code` field.
        code: u16,
    },
    /// A load from an offset that is not an aligned word of `seccomp_data`.
    BadLoad {
        /// The byte offset into `seccomp_data` (the instruction's `k`).
        offset: u32,
    },
    /// `BPF_DIV | BPF_K` with `k == 0`.
    DivisionByZeroConstant,
    /// A constant shift by 32 or more.
    ShiftOutOfRange {
        /// The shift amount.
        k: u32,
    },
    /// A scratch memory slot at or past `BPF_MEMWORDS`.
    ScratchOutOfRange {
        /// The slot index.
        slot: u32,
    },
    /// A scratch memory slot read before anything was stored in it.
    ScratchUninitialised {
        /// The slot index.
        slot: u32,
    },
}

impl fmt::Display for EmuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "instruction {}: ", self.index)?;
        match self.kind {
            EmuErrorKind::EmptyProgram => f.write_str("the program is empty"),
            EmuErrorKind::FellOffEnd => f.write_str("ran off the end of the program"),
            EmuErrorKind::JumpOutOfRange { target } => {
                write!(f, "jumps to {target}, past the end of the program")
            }
            EmuErrorKind::UnsupportedOpcode { code } => {
                write!(f, "opcode {code:#06x} is not allowed in a seccomp filter")
            }
            EmuErrorKind::BadLoad { offset } => {
                write!(
                    f,
                    "load from offset {offset}, not an aligned word of seccomp_data"
                )
            }
            EmuErrorKind::DivisionByZeroConstant => f.write_str("division by constant zero"),
            EmuErrorKind::ShiftOutOfRange { k } => write!(f, "constant shift by {k}"),
            EmuErrorKind::ScratchOutOfRange { slot } => {
                write!(
                    f,
                    "scratch slot M[{slot}] does not exist (BPF_MEMWORDS is 16)"
                )
            }
            EmuErrorKind::ScratchUninitialised { slot } => {
                write!(f, "reads scratch slot M[{slot}] before any store to it")
            }
        }
    }
}

impl std::error::Error for EmuError {}

/// Runs `prog` over `data` as the kernel would for an architecture of the
/// given byte order (which decides which half of a 64-bit field a word load
/// reads). Never panics: a program that fails [`validate`] may yield an
/// [`EmuError`] instead of a result.
///
/// This is the filter alone. What `__seccomp_filter` does around it is the
/// caller's to model: the constant-action cache answers first (with its
/// uretprobe exception, see [`is_const_allow`]), and `SECCOMP_RET_ERRNO`
/// data above `MAX_ERRNO` is capped to it.
pub fn run(
    prog: &[SockFilter],
    data: &SeccompData,
    big_endian: bool,
) -> Result<Execution, EmuError> {
    execute(prog, data, big_endian, &mut |_| {})
}

/// Like [`run`], also returning the index of every instruction executed, in
/// order (its length is [`Execution::steps`]).
pub fn trace(
    prog: &[SockFilter],
    data: &SeccompData,
    big_endian: bool,
) -> Result<(Execution, Vec<usize>), EmuError> {
    let mut path = Vec::new();
    let execution = execute(prog, data, big_endian, &mut |pc| path.push(pc))?;
    Ok((execution, path))
}

fn execute(
    prog: &[SockFilter],
    data: &SeccompData,
    big_endian: bool,
    on_step: &mut dyn FnMut(usize),
) -> Result<Execution, EmuError> {
    if prog.is_empty() {
        return Err(EmuError {
            index: 0,
            kind: EmuErrorKind::EmptyProgram,
        });
    }
    let mut machine = Machine::new(data, big_endian);
    let (mut pc, mut steps) = (0, 0);
    loop {
        on_step(pc);
        steps += 1;
        let at = |kind| EmuError { index: pc, kind };
        match machine.step(prog[pc]).map_err(at)? {
            Flow::Return(ret) => return Ok(Execution { ret, steps }),
            Flow::Skip(skip) => pc = next_pc(pc, skip, prog.len()).map_err(at)?,
        }
    }
}

/// Every jump is forward (offsets are unsigned), so a run ends after at most
/// `prog.len()` steps; widening to u64 keeps `pc + 1 + k` from overflowing.
fn next_pc(pc: usize, skip: u32, len: usize) -> Result<usize, EmuErrorKind> {
    let target = pc as u64 + 1 + u64::from(skip);
    match usize::try_from(target) {
        Ok(next) if next < len => Ok(next),
        _ if skip == 0 => Err(EmuErrorKind::FellOffEnd),
        _ => Err(EmuErrorKind::JumpOutOfRange { target }),
    }
}

/// Where control goes after one instruction.
enum Flow {
    /// Continue at the next instruction plus this many.
    Skip(u32),
    /// The program returned this value.
    Return(u32),
}

/// The classic BPF machine: accumulator, index register and scratch memory.
struct Machine<'a> {
    data: &'a SeccompData,
    big_endian: bool,
    /// `bpf_convert_filter` clears A and X before the first instruction.
    a: u32,
    x: u32,
    /// `None` until stored: the kernel never clears `mem[]` (it relies on
    /// `check_load_and_stores`), so reading an unwritten slot is an error.
    mem: [Option<u32>; BPF_MEMWORDS as usize],
}

impl<'a> Machine<'a> {
    fn new(data: &'a SeccompData, big_endian: bool) -> Self {
        Machine {
            data,
            big_endian,
            a: 0,
            x: 0,
            mem: [None; BPF_MEMWORDS as usize],
        }
    }

    fn step(&mut self, insn: SockFilter) -> Result<Flow, EmuErrorKind> {
        if !validate::seccomp_code_allowed(insn.code) {
            return Err(EmuErrorKind::UnsupportedOpcode { code: insn.code });
        }
        // From here on `insn.code` is one of the opcodes seccomp accepts, so
        // each class below only has to tell those apart.
        match bpf_class(insn.code) {
            BPF_LD => self.a = self.load(insn)?,
            BPF_LDX => self.x = self.load(insn)?,
            BPF_ST => self.store(insn.k, self.a)?,
            BPF_STX => self.store(insn.k, self.x)?,
            BPF_ALU => return self.alu(insn),
            BPF_JMP => return Ok(self.jump(insn)),
            BPF_RET => return Ok(Flow::Return(self.ret_value(insn))),
            _ => self.misc(insn.code),
        }
        Ok(Flow::Skip(0))
    }

    /// `BPF_LD`/`BPF_LDX`: after `seccomp_check_filter` only word loads of
    /// `seccomp_data`, `BPF_LEN` (rewritten to `sizeof(struct seccomp_data)`),
    /// immediates and scratch memory remain.
    fn load(&self, insn: SockFilter) -> Result<u32, EmuErrorKind> {
        match bpf_mode(insn.code) {
            BPF_ABS => self.data_word(insn.k),
            BPF_LEN => Ok(SECCOMP_DATA_SIZE),
            BPF_MEM => self.mem_read(insn.k),
            _ => Ok(insn.k),
        }
    }

    /// seccomp_data is read in native byte order (`BPF_LDX_MEM(BPF_W, A,
    /// CTX, k)` in `bpf_convert_filter`), unlike packet loads.
    fn data_word(&self, offset: u32) -> Result<u32, EmuErrorKind> {
        self.data
            .word_at(offset, self.big_endian)
            .ok_or(EmuErrorKind::BadLoad { offset })
    }

    fn mem_read(&self, slot: u32) -> Result<u32, EmuErrorKind> {
        match self.mem.get(slot as usize) {
            Some(Some(value)) => Ok(*value),
            Some(None) => Err(EmuErrorKind::ScratchUninitialised { slot }),
            None => Err(EmuErrorKind::ScratchOutOfRange { slot }),
        }
    }

    fn store(&mut self, slot: u32, value: u32) -> Result<(), EmuErrorKind> {
        let cell = self
            .mem
            .get_mut(slot as usize)
            .ok_or(EmuErrorKind::ScratchOutOfRange { slot })?;
        *cell = Some(value);
        Ok(())
    }

    /// 32-bit ALU, wrapping as the eBPF `ALU32` instructions do.
    fn alu(&mut self, insn: SockFilter) -> Result<Flow, EmuErrorKind> {
        let operand = self.operand(insn);
        self.a = match bpf_op(insn.code) {
            BPF_ADD => self.a.wrapping_add(operand),
            BPF_SUB => self.a.wrapping_sub(operand),
            BPF_MUL => self.a.wrapping_mul(operand),
            BPF_DIV => match divide(insn.code, self.a, operand)? {
                Some(quotient) => quotient,
                None => return Ok(Flow::Return(0)),
            },
            BPF_OR => self.a | operand,
            BPF_AND => self.a & operand,
            BPF_XOR => self.a ^ operand,
            BPF_LSH => self.a << shift_amount(insn.code, operand)?,
            BPF_RSH => self.a >> shift_amount(insn.code, operand)?,
            _ => self.a.wrapping_neg(),
        };
        Ok(Flow::Skip(0))
    }

    fn operand(&self, insn: SockFilter) -> u32 {
        if bpf_src(insn.code) == BPF_X {
            self.x
        } else {
            insn.k
        }
    }

    /// Conditional jumps compare unsigned 32-bit values: A and X are always
    /// zero-extended in the translated program and `bpf_convert_filter`
    /// zero-extends a negative `k` through a temporary register.
    fn jump(&self, insn: SockFilter) -> Flow {
        let operand = self.operand(insn);
        let taken = match bpf_op(insn.code) {
            BPF_JA => return Flow::Skip(insn.k),
            BPF_JEQ => self.a == operand,
            BPF_JGT => self.a > operand,
            BPF_JGE => self.a >= operand,
            _ => (self.a & operand) != 0,
        };
        Flow::Skip(u32::from(if taken { insn.jt } else { insn.jf }))
    }

    /// `BPF_RVAL(code)`: return the accumulator or the constant.
    fn ret_value(&self, insn: SockFilter) -> u32 {
        if insn.code & 0x18 == BPF_A {
            self.a
        } else {
            insn.k
        }
    }

    /// `BPF_MISCOP(code)`: the two register moves.
    fn misc(&mut self, code: u16) {
        if code & 0xf8 == BPF_TXA {
            self.a = self.x;
        } else {
            self.x = self.a;
        }
    }
}

/// `A / operand`, or `None` when the program must return 0 instead:
/// `bpf_convert_filter` guards `BPF_DIV | BPF_X` with "if X == 0 return 0"
/// ("For cBPF programs, this was always return 0"), i.e. the filter returns
/// `SECCOMP_RET_KILL_THREAD`. A constant zero divisor is refused by
/// `bpf_check_classic`, so it never runs.
fn divide(code: u16, a: u32, operand: u32) -> Result<Option<u32>, EmuErrorKind> {
    match (operand, bpf_src(code)) {
        (0, BPF_X) => Ok(None),
        (0, _) => Err(EmuErrorKind::DivisionByZeroConstant),
        _ => Ok(Some(a / operand)),
    }
}

/// Constant shifts of 32 or more are refused by `bpf_check_classic`. Shifts
/// by X are masked with 31, as the kernel's interpreter does
/// (`___bpf_prog_run`, `SHT`: `DST = (u32) DST OP ((u32) SRC & 31)`); the
/// kernel notes that JITs leave the result of larger shifts
/// implementation-defined (s390x's `sll` yields 0 for 32..63, for one).
fn shift_amount(code: u16, operand: u32) -> Result<u32, EmuErrorKind> {
    match bpf_src(code) {
        BPF_X => Ok(operand & 31),
        _ if operand >= 32 => Err(EmuErrorKind::ShiftOutOfRange { k: operand }),
        _ => Ok(operand),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::{AUDIT_ARCH_S390X, AUDIT_ARCH_X86_64};

    const ALLOW: u32 = SECCOMP_RET_ALLOW;

    fn stmt(code: u16, k: u32) -> SockFilter {
        bpf_stmt(code, k)
    }

    fn data(nr: u32, args: [u64; 6]) -> SeccompData {
        SeccompData {
            nr,
            arch: AUDIT_ARCH_X86_64,
            instruction_pointer: 0x7fff_1234_5678_9abc,
            args,
        }
    }

    /// Runs a straight-line program computing A, ended by `ret a`.
    fn compute(body: &[SockFilter]) -> u32 {
        let mut prog = body.to_vec();
        prog.push(stmt(BPF_RET | BPF_A, 0));
        let execution = run(&prog, &data(0, [0; 6]), false).expect("runs");
        assert_eq!(execution.steps, prog.len());
        execution.ret
    }

    fn run_err(prog: &[SockFilter]) -> EmuError {
        run(prog, &data(0, [0; 6]), false).expect_err("must fail")
    }

    #[test]
    fn word_loads_name_the_fields() {
        let d = SeccompData {
            nr: 59,
            arch: AUDIT_ARCH_X86_64,
            instruction_pointer: 0x1111_2222_3333_4444,
            args: [0; 6],
        };
        let load = |k| compute(&[stmt(BPF_LD | BPF_W | BPF_ABS, k)]);
        assert_eq!(load(0), 0, "data() has nr 0");
        let prog = [stmt(BPF_LD | BPF_W | BPF_ABS, 4), stmt(BPF_RET | BPF_A, 0)];
        assert_eq!(run(&prog, &d, false).unwrap().ret, 0xc000_003e);
        let prog = [stmt(BPF_LD | BPF_W | BPF_ABS, 0), stmt(BPF_RET | BPF_A, 0)];
        assert_eq!(run(&prog, &d, false).unwrap().ret, 59);
        let prog = [stmt(BPF_LD | BPF_W | BPF_ABS, 8), stmt(BPF_RET | BPF_A, 0)];
        assert_eq!(
            run(&prog, &d, false).unwrap().ret,
            0x3333_4444,
            "ip low word first on LE"
        );
        assert_eq!(
            run(&prog, &d, true).unwrap().ret,
            0x1111_2222,
            "ip high word first on BE"
        );
    }

    #[test]
    fn argument_words_follow_byte_order() {
        // args[2] = 0xaaaa_bbbb_cccc_dddd sits at offsets 32 and 36.
        let d = data(1, [0, 0, 0xaaaa_bbbb_cccc_dddd, 0, 0, 0]);
        let word = |k, big_endian| {
            let prog = [stmt(BPF_LD | BPF_W | BPF_ABS, k), stmt(BPF_RET | BPF_A, 0)];
            run(&prog, &d, big_endian).unwrap().ret
        };
        assert_eq!(word(32, false), 0xcccc_dddd);
        assert_eq!(word(36, false), 0xaaaa_bbbb);
        assert_eq!(word(32, true), 0xaaaa_bbbb);
        assert_eq!(word(36, true), 0xcccc_dddd);
        let s390x = SeccompData {
            arch: AUDIT_ARCH_S390X,
            ..d
        };
        let prog = [stmt(BPF_LD | BPF_W | BPF_ABS, 4), stmt(BPF_RET | BPF_A, 0)];
        assert_eq!(
            run(&prog, &s390x, true).unwrap().ret,
            0x8000_0016,
            "nr and arch do not depend on it"
        );
    }

    #[test]
    fn len_loads_give_sizeof_seccomp_data() {
        assert_eq!(compute(&[stmt(BPF_LD | BPF_W | BPF_LEN, 0)]), 64);
        assert_eq!(
            compute(&[
                stmt(BPF_LDX | BPF_W | BPF_LEN, 0),
                stmt(BPF_MISC | BPF_TXA, 0)
            ]),
            64
        );
    }

    #[test]
    fn immediates_registers_and_scratch_memory() {
        assert_eq!(compute(&[stmt(BPF_LD | BPF_IMM, 7)]), 7);
        assert_eq!(
            compute(&[stmt(BPF_LDX | BPF_IMM, 9), stmt(BPF_MISC | BPF_TXA, 0)]),
            9
        );
        assert_eq!(
            compute(&[
                stmt(BPF_LD | BPF_IMM, 5),
                stmt(BPF_MISC | BPF_TAX, 0),
                stmt(BPF_LD | BPF_IMM, 0),
                stmt(BPF_MISC | BPF_TXA, 0)
            ]),
            5
        );
        let via_memory = [
            stmt(BPF_LD | BPF_IMM, 11),
            stmt(BPF_ST, 15),
            stmt(BPF_LDX | BPF_IMM, 22),
            stmt(BPF_STX, 0),
            stmt(BPF_LD | BPF_MEM, 0),
            stmt(BPF_LDX | BPF_MEM, 15),
            stmt(BPF_ALU | BPF_SUB | BPF_X, 0),
        ];
        assert_eq!(compute(&via_memory), 11, "M[0] = 22 minus M[15] = 11");
    }

    /// A = a, X = x, then one ALU instruction.
    fn alu(a: u32, x: u32, insn: SockFilter) -> u32 {
        compute(&[stmt(BPF_LDX | BPF_IMM, x), stmt(BPF_LD | BPF_IMM, a), insn])
    }

    #[test]
    fn alu_with_constant_operands() {
        let k = |op, a, k| alu(a, 0, stmt(BPF_ALU | op | BPF_K, k));
        assert_eq!(k(BPF_ADD, 0xffff_ffff, 2), 1, "wraps");
        assert_eq!(k(BPF_SUB, 3, 5), 0xffff_fffe, "wraps");
        assert_eq!(
            k(BPF_MUL, 0x1_0000, 0x1_0001),
            0x1_0000,
            "keeps the low 32 bits"
        );
        assert_eq!(k(BPF_DIV, 7, 2), 3);
        assert_eq!(k(BPF_DIV, 0xffff_ffff, 0x10), 0x0fff_ffff, "unsigned");
        assert_eq!(k(BPF_OR, 0xf0, 0x0f), 0xff);
        assert_eq!(k(BPF_AND, 0x1234_5678, 0xff00), 0x5600);
        assert_eq!(k(BPF_XOR, 0xff, 0x0f), 0xf0);
        assert_eq!(k(BPF_LSH, 3, 31), 0x8000_0000);
        assert_eq!(k(BPF_RSH, 0x8000_0000, 31), 1, "logical, not arithmetic");
        assert_eq!(alu(1, 0, stmt(BPF_ALU | BPF_NEG, 0)), 0xffff_ffff);
        assert_eq!(alu(0, 0, stmt(BPF_ALU | BPF_NEG, 0)), 0);
    }

    #[test]
    fn alu_with_register_operands() {
        let x = |op, a, x| alu(a, x, stmt(BPF_ALU | op | BPF_X, 0xdead));
        assert_eq!(x(BPF_ADD, 40, 2), 42);
        assert_eq!(x(BPF_SUB, 40, 2), 38);
        assert_eq!(x(BPF_MUL, 6, 7), 42);
        assert_eq!(x(BPF_DIV, 100, 7), 14);
        assert_eq!(x(BPF_OR, 1, 2), 3);
        assert_eq!(x(BPF_AND, 3, 6), 2);
        assert_eq!(x(BPF_XOR, 3, 6), 5);
        assert_eq!(x(BPF_LSH, 1, 4), 16);
        assert_eq!(x(BPF_RSH, 16, 4), 1);
        // ___bpf_prog_run masks register shift counts with 31.
        assert_eq!(x(BPF_LSH, 1, 33), 2);
        assert_eq!(x(BPF_RSH, 0x8000_0000, 63), 1);
    }

    #[test]
    fn division_by_a_zero_register_returns_zero() {
        // bpf_convert_filter: "if X == 0 return 0", i.e. SECCOMP_RET_KILL_THREAD.
        let prog = [
            stmt(BPF_LD | BPF_IMM, 10),
            stmt(BPF_ALU | BPF_DIV | BPF_X, 0),
            stmt(BPF_RET | BPF_K, ALLOW),
        ];
        assert_eq!(validate(&prog), Ok(()));
        assert_eq!(
            run(&prog, &data(0, [0; 6]), false),
            Ok(Execution { ret: 0, steps: 2 })
        );
    }

    /// Returns 1 if the jump is taken, 2 if not.
    fn branch(a: u32, x: u32, code: u16, k: u32) -> u32 {
        let prog = [
            stmt(BPF_LDX | BPF_IMM, x),
            stmt(BPF_LD | BPF_IMM, a),
            bpf_jump(code, k, 0, 1),
            stmt(BPF_RET | BPF_K, 1),
            stmt(BPF_RET | BPF_K, 2),
        ];
        run(&prog, &data(0, [0; 6]), false).unwrap().ret
    }

    #[test]
    fn conditional_jumps_compare_unsigned() {
        let (taken, not) = (1, 2);
        for src in [BPF_K, BPF_X] {
            let jump = |op, a, b| branch(a, b, BPF_JMP | op | src, b);
            assert_eq!(jump(BPF_JEQ, 5, 5), taken);
            assert_eq!(jump(BPF_JEQ, 5, 6), not);
            assert_eq!(jump(BPF_JGT, 6, 5), taken);
            assert_eq!(jump(BPF_JGT, 5, 5), not);
            assert_eq!(jump(BPF_JGE, 5, 5), taken);
            assert_eq!(jump(BPF_JGE, 4, 5), not);
            assert_eq!(jump(BPF_JSET, 0b0110, 0b0100), taken);
            assert_eq!(jump(BPF_JSET, 0b0110, 0b1001), not);
            assert_eq!(
                jump(BPF_JGT, 0xffff_ffff, 1),
                taken,
                "no sign: -1 is the largest"
            );
            assert_eq!(jump(BPF_JGE, 1, 0x8000_0000), not);
        }
        // The X forms ignore k.
        assert_eq!(branch(5, 5, BPF_JMP | BPF_JEQ | BPF_X, 6), taken);
    }

    #[test]
    fn ja_skips_and_steps_count_what_ran() {
        let prog = [
            stmt(BPF_LD | BPF_W | BPF_ABS, 0),
            stmt(BPF_JMP | BPF_JA, 2),
            stmt(BPF_RET | BPF_K, 1),
            stmt(BPF_RET | BPF_K, 2),
            bpf_jump(BPF_JMP | BPF_JEQ | BPF_K, 7, 1, 0),
            stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
            stmt(BPF_RET | BPF_A, 0),
        ];
        assert_eq!(
            run(&prog, &data(7, [0; 6]), false),
            Ok(Execution { ret: 7, steps: 4 })
        );
        assert_eq!(
            run(&prog, &data(8, [0; 6]), false),
            Ok(Execution {
                ret: 0x0005_0001,
                steps: 4
            })
        );
        let (_, path) = trace(&prog, &data(7, [0; 6]), false).unwrap();
        assert_eq!(path, [0, 1, 4, 6]);
        let first = [stmt(BPF_RET | BPF_K, ALLOW)];
        assert_eq!(
            run(&first, &data(0, [0; 6]), false),
            Ok(Execution {
                ret: ALLOW,
                steps: 1
            })
        );
    }

    #[test]
    fn ret_returns_constant_or_accumulator() {
        assert_eq!(
            compute(&[stmt(BPF_LD | BPF_IMM, SECCOMP_RET_ERRNO | 38)]),
            0x0005_0026
        );
        let prog = [stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)];
        assert_eq!(
            run(&prog, &data(0, [0; 6]), false).unwrap().ret,
            SECCOMP_RET_KILL_PROCESS
        );
    }

    #[test]
    fn what_validated_programs_cannot_do_is_an_error() {
        use EmuErrorKind::*;
        let e = |index, kind| EmuError { index, kind };
        assert_eq!(run_err(&[]), e(0, EmptyProgram));
        assert_eq!(run_err(&[stmt(BPF_LD | BPF_IMM, 1)]), e(0, FellOffEnd));
        let jump = [
            bpf_jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
            stmt(BPF_RET | BPF_K, 0),
        ];
        assert_eq!(run_err(&jump), e(0, JumpOutOfRange { target: 6 }));
        let ja = [stmt(BPF_JMP | BPF_JA, u32::MAX), stmt(BPF_RET | BPF_K, 0)];
        assert_eq!(run_err(&ja), e(0, JumpOutOfRange { target: 1 << 32 }));
        let modulo = [stmt(BPF_ALU | BPF_MOD | BPF_K, 3), stmt(BPF_RET | BPF_K, 0)];
        assert_eq!(run_err(&modulo), e(0, UnsupportedOpcode { code: 0x94 }));
        assert_eq!(
            run_err(&[stmt(BPF_LD | BPF_H | BPF_ABS, 0)]),
            e(0, UnsupportedOpcode { code: 0x28 })
        );
        assert_eq!(
            run_err(&[stmt(BPF_LD | BPF_W | BPF_ABS, 2)]),
            e(0, BadLoad { offset: 2 })
        );
        assert_eq!(
            run_err(&[stmt(BPF_LD | BPF_W | BPF_ABS, 64)]),
            e(0, BadLoad { offset: 64 })
        );
        assert_eq!(
            run_err(&[stmt(BPF_ALU | BPF_DIV | BPF_K, 0)]),
            e(0, DivisionByZeroConstant)
        );
        assert_eq!(
            run_err(&[stmt(BPF_ALU | BPF_LSH | BPF_K, 32)]),
            e(0, ShiftOutOfRange { k: 32 })
        );
        assert_eq!(
            run_err(&[stmt(BPF_ST, 16)]),
            e(0, ScratchOutOfRange { slot: 16 })
        );
        assert_eq!(
            run_err(&[stmt(BPF_LDX | BPF_MEM, 3)]),
            e(0, ScratchUninitialised { slot: 3 })
        );
    }

    #[test]
    fn errors_say_where_and_what() {
        let err = run_err(&[stmt(BPF_LD | BPF_IMM, 1), stmt(BPF_LD | BPF_W | BPF_ABS, 6)]);
        assert_eq!(
            err.to_string(),
            "instruction 1: load from offset 6, not an aligned word of seccomp_data"
        );
        let err = run_err(&[stmt(BPF_LD | BPF_IMM, 1)]);
        assert_eq!(
            err.to_string(),
            "instruction 0: ran off the end of the program"
        );
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// Every classic opcode, so random programs are mostly meaningful.
        const CLASSIC: [u16; 49] = [
            0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c, 0x14, 0x15, 0x16, 0x1c, 0x1d,
            0x20, 0x24, 0x25, 0x28, 0x2c, 0x2d, 0x30, 0x34, 0x35, 0x3c, 0x3d, 0x40, 0x44, 0x45,
            0x48, 0x4c, 0x4d, 0x50, 0x54, 0x5c, 0x60, 0x61, 0x64, 0x6c, 0x74, 0x7c, 0x80, 0x81,
            0x84, 0x87, 0x94, 0x9c, 0xa4, 0xac, 0xb1,
        ];

        fn code() -> impl Strategy<Value = u16> {
            prop_oneof![20 => proptest::sample::select(&CLASSIC[..]), 1 => any::<u16>()]
        }

        fn k() -> impl Strategy<Value = u32> {
            prop_oneof![
                4 => (0u32..16).prop_map(|w| w * 4),
                2 => 0u32..40,
                1 => Just(SECCOMP_RET_ALLOW),
                1 => Just(crate::arch::AUDIT_ARCH_X86_64),
                1 => any::<u32>(),
            ]
        }

        fn offset() -> impl Strategy<Value = u8> {
            prop_oneof![6 => 0u8..4, 1 => any::<u8>()]
        }

        fn insn() -> impl Strategy<Value = SockFilter> {
            (code(), offset(), offset(), k()).prop_map(|(code, jt, jf, k)| SockFilter {
                code,
                jt,
                jf,
                k,
            })
        }

        /// The instructions `seccomp_is_const_allow` understands, plus a few
        /// it does not, with constants near the syscall numbers generated.
        fn dispatch_insn() -> impl Strategy<Value = SockFilter> {
            const CODES: [u16; 10] = [0x20, 0x20, 0x15, 0x25, 0x35, 0x45, 0x54, 0x05, 0x06, 0x1d];
            let k = prop_oneof![3 => 0u32..8, 1 => Just(SECCOMP_RET_ALLOW), 1 => k()];
            let code = proptest::sample::select(&CODES[..]);
            (code, offset(), offset(), k).prop_map(|(code, jt, jf, k)| SockFilter {
                code,
                jt,
                jf,
                k,
            })
        }

        /// Random instructions; two thirds of the programs made plausible,
        /// half of those shaped like syscall dispatch, so that a fair share
        /// validate and some are constant, while the rest probe every way
        /// to be invalid.
        fn program() -> impl Strategy<Value = Vec<SockFilter>> {
            let raw = || proptest::collection::vec(insn(), 0..24);
            let dispatch = proptest::collection::vec(dispatch_insn(), 0..16);
            prop_oneof![
                raw(),
                (raw(), any::<bool>()).prop_map(|(prog, ret_a)| plausible(prog, ret_a)),
                dispatch.prop_map(|prog| plausible(prog, false)),
            ]
        }

        /// Only seccomp's opcodes, jumps kept inside the program, loads aligned
        /// inside seccomp_data, slots and shifts in range, non-zero divisors,
        /// a `ret` at the end.
        fn plausible(mut prog: Vec<SockFilter>, ret_a: bool) -> Vec<SockFilter> {
            let len = prog.len();
            for (pc, insn) in prog.iter_mut().enumerate() {
                if !validate::seccomp_code_allowed(insn.code) {
                    insn.code = CLASSIC[usize::from(insn.code) % 8];
                }
                let room = (len - pc - 1).max(1);
                let k = insn.k;
                match insn.code {
                    0x05 => insn.k = k % room as u32,
                    0x20 => insn.k = k % 16 * 4,
                    0x02 | 0x03 | 0x60 | 0x61 => insn.k = k % 16,
                    0x34 | 0x94 => insn.k = k.max(1),
                    0x64 | 0x74 => insn.k = k % 32,
                    _ => {}
                }
                insn.jt = (insn.jt as usize % room) as u8;
                insn.jf = (insn.jf as usize % room) as u8;
            }
            let code = if ret_a {
                BPF_RET | BPF_A
            } else {
                BPF_RET | BPF_K
            };
            prog.push(bpf_stmt(code, SECCOMP_RET_ALLOW));
            prog
        }

        fn seccomp_data() -> impl Strategy<Value = SeccompData> {
            let nr = prop_oneof![0u32..8, any::<u32>()];
            let arch = prop_oneof![Just(crate::arch::AUDIT_ARCH_X86_64), any::<u32>()];
            (nr, arch, any::<u64>(), any::<[u64; 6]>()).prop_map(
                |(nr, arch, instruction_pointer, args)| SeccompData {
                    nr,
                    arch,
                    instruction_pointer,
                    args,
                },
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            #[test]
            fn nothing_panics_and_validated_programs_always_run(
                prog in program(), d in seccomp_data(), big_endian in any::<bool>()
            ) {
                let outcome = run(&prog, &d, big_endian);
                let _ = disasm(&prog);
                let _ = disasm_for(&prog, big_endian);
                let _ = is_const_allow(&prog, d.arch, d.nr);
                if validate(&prog).is_ok() {
                    let execution = outcome.expect("a validated program runs");
                    prop_assert!((1..=prog.len()).contains(&execution.steps));
                    let (traced, path) = trace(&prog, &d, big_endian).unwrap();
                    prop_assert_eq!(traced, execution);
                    prop_assert_eq!(path.len(), execution.steps);
                    prop_assert!(path.windows(2).all(|w| w[0] < w[1]), "jumps go forward");
                }
            }

            #[test]
            fn const_allow_is_sound(
                prog in program(), d in seccomp_data(), big_endian in any::<bool>()
            ) {
                if validate(&prog).is_ok() && filter_is_const_allow(&prog, d.arch, d.nr) {
                    prop_assert_eq!(run(&prog, &d, big_endian).unwrap().ret, SECCOMP_RET_ALLOW);
                }
            }
        }
    }
}
