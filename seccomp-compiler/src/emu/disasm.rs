//! A disassembler in the style of libseccomp's `scmp_bpf_disasm`: a hex dump
//! of each instruction, then its meaning with jump targets as absolute
//! instruction numbers, `seccomp_data` fields by name and return values
//! decoded as actions. Operands follow bpf_asm (`#k` immediates, `M[k]`
//! scratch memory, `x` the index register).
//!
//! ```text
//!  line  OP   JT   JF   K
//! =================================
//!  0000: 0x20 0x00 0x00 0x00000004   ld   arch
//!  0001: 0x15 0x00 0x01 0xc000003e   jeq  #0xc000003e true:0002 false:0003
//!  0002: 0x06 0x00 0x00 0x7fff0000   ret  ALLOW
//!  0003: 0x06 0x00 0x00 0x80000000   ret  KILL_PROCESS
//! ```

use super::validate::{
    JMP_JA, LD_B_ABS, LD_B_IND, LD_H_ABS, LD_H_IND, LD_W_ABS, LD_W_IND, LDX_B_MSH, MISC_TXA, RET_A,
    RET_K, chk_code_allowed,
};
use crate::bpf::*;
use std::fmt::Write;

const HEADER: &str = " line  OP   JT   JF   K\n=================================\n";

/// Disassembles `prog`, one line per instruction. Word loads from the 64-bit
/// fields of `seccomp_data` show as `$data[offset]`, since which half an
/// offset reads depends on the byte order; see [`disasm_for`]. Never panics:
/// what is not classic BPF shows as `???`.
pub fn disasm(prog: &[SockFilter]) -> String {
    render(prog, None)
}

/// Like [`disasm`] for an architecture of the given byte order, naming the
/// halves of 64-bit fields: `args[1].hi`, `ip.lo`.
pub fn disasm_for(prog: &[SockFilter], big_endian: bool) -> String {
    render(prog, Some(big_endian))
}

fn render(prog: &[SockFilter], big_endian: Option<bool>) -> String {
    let mut out = String::from(HEADER);
    for (line, insn) in prog.iter().enumerate() {
        let text = describe(line, *insn, big_endian);
        let SockFilter { code, jt, jf, k } = *insn;
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            " {line:04}: {code:#04x} {jt:#04x} {jf:#04x} {k:#010x}   {text}"
        );
    }
    out
}

/// The instruction in words, `???` for what the kernel would not know.
fn describe(line: usize, insn: SockFilter, big_endian: Option<bool>) -> String {
    if !chk_code_allowed(insn.code) {
        return "???".to_string();
    }
    match bpf_class(insn.code) {
        BPF_LD => describe_ld(insn, big_endian),
        BPF_LDX => describe_ldx(insn),
        BPF_ST => format!("st   M[{}]", insn.k),
        BPF_STX => format!("stx  M[{}]", insn.k),
        BPF_ALU => describe_alu(insn),
        BPF_JMP => describe_jmp(line, insn),
        BPF_RET => describe_ret(insn),
        _ => if insn.code == MISC_TXA { "txa" } else { "tax" }.to_string(),
    }
}

fn describe_ld(insn: SockFilter, big_endian: Option<bool>) -> String {
    let k = insn.k;
    match insn.code {
        LD_W_ABS => format!("ld   {}", data_field(k, big_endian)),
        LD_H_ABS => format!("ldh  $data[{k}]"),
        LD_B_ABS => format!("ldb  $data[{k}]"),
        LD_W_IND => format!("ld   $data[x + {k}]"),
        LD_H_IND => format!("ldh  $data[x + {k}]"),
        LD_B_IND => format!("ldb  $data[x + {k}]"),
        _ => format!("ld   {}", load_source(insn)),
    }
}

fn describe_ldx(insn: SockFilter) -> String {
    if insn.code == LDX_B_MSH {
        return format!("ldx  4*($data[{}]&0xf)", insn.k);
    }
    format!("ldx  {}", load_source(insn))
}

/// The operand of the `BPF_IMM`, `BPF_MEM` and `BPF_LEN` loads; seccomp
/// rewrites `len` to `sizeof(struct seccomp_data)`, 64.
fn load_source(insn: SockFilter) -> String {
    match bpf_mode(insn.code) {
        BPF_MEM => format!("M[{}]", insn.k),
        BPF_LEN => "len".to_string(),
        _ => immediate(insn.k),
    }
}

/// The name of the word at `offset` of `seccomp_data`.
fn data_field(offset: u32, big_endian: Option<bool>) -> String {
    match (offset, big_endian) {
        (SECCOMP_DATA_NR, _) => "nr".to_string(),
        (SECCOMP_DATA_ARCH, _) => "arch".to_string(),
        (SECCOMP_DATA_IP..SECCOMP_DATA_SIZE, Some(big_endian)) if offset.is_multiple_of(4) => {
            half_name(offset, big_endian)
        }
        _ => format!("$data[{offset}]"),
    }
}

/// `ip.lo`, `args[2].hi`: the low word sits first on little-endian arches.
fn half_name(offset: u32, big_endian: bool) -> String {
    let field = match (offset - SECCOMP_DATA_IP) / 8 {
        0 => "ip".to_string(),
        n => format!("args[{}]", n - 1),
    };
    let second_word = offset % 8 == 4;
    let half = if second_word != big_endian {
        "hi"
    } else {
        "lo"
    };
    format!("{field}.{half}")
}

fn describe_alu(insn: SockFilter) -> String {
    let name = match bpf_op(insn.code) {
        BPF_ADD => "add",
        BPF_SUB => "sub",
        BPF_MUL => "mul",
        BPF_DIV => "div",
        BPF_MOD => "mod",
        BPF_OR => "or",
        BPF_AND => "and",
        BPF_XOR => "xor",
        BPF_LSH => "lsh",
        BPF_RSH => "rsh",
        _ => return "neg".to_string(),
    };
    let operand = match (bpf_src(insn.code), bpf_op(insn.code)) {
        (BPF_X, _) => "x".to_string(),
        (_, BPF_OR | BPF_AND | BPF_XOR) => format!("#{:#x}", insn.k),
        _ => format!("#{}", insn.k),
    };
    format!("{name:<4} {operand}")
}

fn describe_jmp(line: usize, insn: SockFilter) -> String {
    let target = |offset: u32| line as u64 + 1 + u64::from(offset);
    if insn.code == JMP_JA {
        return format!("ja   {:04}", target(insn.k));
    }
    let name = match bpf_op(insn.code) {
        BPF_JEQ => "jeq",
        BPF_JGT => "jgt",
        BPF_JGE => "jge",
        _ => "jset",
    };
    let operand = match (bpf_src(insn.code), bpf_op(insn.code)) {
        (BPF_X, _) => "x".to_string(),
        (_, BPF_JSET) => format!("#{:#x}", insn.k),
        _ => immediate(insn.k),
    };
    let (jt, jf) = (target(insn.jt.into()), target(insn.jf.into()));
    format!("{name:<4} {operand:<11} true:{jt:04} false:{jf:04}")
}

/// Small numbers (syscall numbers, offsets) in decimal, large ones (arch
/// values, masks, x32 numbers) in hex.
fn immediate(k: u32) -> String {
    if k < 0x1_0000 {
        format!("#{k}")
    } else {
        format!("#{k:#x}")
    }
}

fn describe_ret(insn: SockFilter) -> String {
    match insn.code {
        RET_A => "ret  a".to_string(),
        RET_K => format!("ret  {}", action_name(insn.k)),
        _ => "???".to_string(),
    }
}

/// `SECCOMP_RET_*` by name, with its data where it has any; an unknown
/// action as hex (the kernel treats those as `SECCOMP_RET_KILL_PROCESS`).
pub(super) fn action_name(k: u32) -> String {
    let data = k & SECCOMP_RET_DATA;
    let name = match k & SECCOMP_RET_ACTION_FULL {
        SECCOMP_RET_KILL_PROCESS => "KILL_PROCESS",
        SECCOMP_RET_KILL_THREAD => "KILL_THREAD",
        SECCOMP_RET_TRAP => "TRAP",
        SECCOMP_RET_ERRNO => return format!("ERRNO({data})"),
        SECCOMP_RET_USER_NOTIF => "USER_NOTIF",
        SECCOMP_RET_TRACE => return format!("TRACE({data})"),
        SECCOMP_RET_LOG => "LOG",
        SECCOMP_RET_ALLOW => "ALLOW",
        _ => return format!("{k:#010x}"),
    };
    if data == 0 {
        name.to_string()
    } else {
        format!("{name}({data})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::AUDIT_ARCH_X86_64;
    use crate::emu::validate::*;

    fn stmt(code: u16, k: u32) -> SockFilter {
        bpf_stmt(code, k)
    }

    fn listing(lines: &[&str]) -> String {
        let mut out = HEADER.to_string();
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// x86_64 only: read allowed, write only to fd 1, close EPERM, else kill.
    fn policy() -> Vec<SockFilter> {
        vec![
            stmt(LD_W_ABS, SECCOMP_DATA_ARCH),
            bpf_jump(JMP_JEQ_K, AUDIT_ARCH_X86_64, 0, 8),
            stmt(LD_W_ABS, SECCOMP_DATA_NR),
            bpf_jump(JMP_JEQ_K, 0, 4, 0),
            bpf_jump(JMP_JEQ_K, 3, 4, 0),
            bpf_jump(JMP_JEQ_K, 1, 0, 4),
            stmt(LD_W_ABS, SECCOMP_DATA_ARGS),
            bpf_jump(JMP_JEQ_K, 1, 0, 1),
            stmt(RET_K, SECCOMP_RET_ALLOW),
            stmt(RET_K, SECCOMP_RET_ERRNO | 1),
            stmt(RET_K, SECCOMP_RET_KILL_PROCESS),
        ]
    }

    #[test]
    fn a_small_policy() {
        let expected = listing(&[
            " 0000: 0x20 0x00 0x00 0x00000004   ld   arch",
            " 0001: 0x15 0x00 0x08 0xc000003e   jeq  #0xc000003e true:0002 false:0010",
            " 0002: 0x20 0x00 0x00 0x00000000   ld   nr",
            " 0003: 0x15 0x04 0x00 0x00000000   jeq  #0          true:0008 false:0004",
            " 0004: 0x15 0x04 0x00 0x00000003   jeq  #3          true:0009 false:0005",
            " 0005: 0x15 0x00 0x04 0x00000001   jeq  #1          true:0006 false:0010",
            " 0006: 0x20 0x00 0x00 0x00000010   ld   $data[16]",
            " 0007: 0x15 0x00 0x01 0x00000001   jeq  #1          true:0008 false:0009",
            " 0008: 0x06 0x00 0x00 0x7fff0000   ret  ALLOW",
            " 0009: 0x06 0x00 0x00 0x00050001   ret  ERRNO(1)",
            " 0010: 0x06 0x00 0x00 0x80000000   ret  KILL_PROCESS",
        ]);
        assert_eq!(disasm(&policy()), expected);
    }

    #[test]
    fn argument_halves_are_named_by_byte_order() {
        let le = disasm_for(&policy(), false);
        assert!(
            le.contains(" 0006: 0x20 0x00 0x00 0x00000010   ld   args[0].lo\n"),
            "{le}"
        );
        let be = disasm_for(&policy(), true);
        assert!(
            be.contains(" 0006: 0x20 0x00 0x00 0x00000010   ld   args[0].hi\n"),
            "{be}"
        );
        let fields = |big_endian| {
            (8..64)
                .step_by(4)
                .map(|k| data_field(k, Some(big_endian)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            fields(false),
            "ip.lo ip.hi args[0].lo args[0].hi args[1].lo args[1].hi args[2].lo args[2].hi \
             args[3].lo args[3].hi args[4].lo args[4].hi args[5].lo args[5].hi"
        );
        assert!(fields(true).starts_with("ip.hi ip.lo args[0].hi args[0].lo "));
        assert_eq!(data_field(6, Some(false)), "$data[6]");
        assert_eq!(data_field(64, Some(true)), "$data[64]");
    }

    #[test]
    fn every_instruction_class() {
        let prog = [
            stmt(LD_W_LEN, 0),
            stmt(LDX_IMM, 0x1_0000),
            stmt(LDX_W_LEN, 0),
            stmt(ST, 1),
            stmt(STX, 2),
            stmt(LD_MEM, 1),
            stmt(LDX_MEM, 2),
            stmt(ALU_ADD_K, 5),
            stmt(ALU_AND_X, 0),
            stmt(ALU_OR_K, 0xff),
            stmt(ALU_NEG, 0),
            stmt(ALU_LSH_K, 3),
            stmt(MISC_TAX, 0),
            stmt(MISC_TXA, 0),
            bpf_jump(JMP_JSET_K, 4, 1, 0),
            bpf_jump(JMP_JGT_X, 0, 0, 0),
            stmt(JMP_JA, 0),
            bpf_jump(JMP_JGE_K, 5, 0, 1),
            stmt(RET_A, 0),
            stmt(RET_K, SECCOMP_RET_TRACE | 7),
            stmt(LD_IMM, 42),
        ];
        let expected = listing(&[
            " 0000: 0x80 0x00 0x00 0x00000000   ld   len",
            " 0001: 0x01 0x00 0x00 0x00010000   ldx  #0x10000",
            " 0002: 0x81 0x00 0x00 0x00000000   ldx  len",
            " 0003: 0x02 0x00 0x00 0x00000001   st   M[1]",
            " 0004: 0x03 0x00 0x00 0x00000002   stx  M[2]",
            " 0005: 0x60 0x00 0x00 0x00000001   ld   M[1]",
            " 0006: 0x61 0x00 0x00 0x00000002   ldx  M[2]",
            " 0007: 0x04 0x00 0x00 0x00000005   add  #5",
            " 0008: 0x5c 0x00 0x00 0x00000000   and  x",
            " 0009: 0x44 0x00 0x00 0x000000ff   or   #0xff",
            " 0010: 0x84 0x00 0x00 0x00000000   neg",
            " 0011: 0x64 0x00 0x00 0x00000003   lsh  #3",
            " 0012: 0x07 0x00 0x00 0x00000000   tax",
            " 0013: 0x87 0x00 0x00 0x00000000   txa",
            " 0014: 0x45 0x01 0x00 0x00000004   jset #0x4        true:0016 false:0015",
            " 0015: 0x2d 0x00 0x00 0x00000000   jgt  x           true:0016 false:0016",
            " 0016: 0x05 0x00 0x00 0x00000000   ja   0017",
            " 0017: 0x35 0x00 0x01 0x00000005   jge  #5          true:0018 false:0019",
            " 0018: 0x16 0x00 0x00 0x00000000   ret  a",
            " 0019: 0x06 0x00 0x00 0x7ff00007   ret  TRACE(7)",
            " 0020: 0x00 0x00 0x00 0x0000002a   ld   #42",
        ]);
        assert_eq!(disasm(&prog), expected);
    }

    #[test]
    fn packet_instructions_and_garbage() {
        let prog = [
            stmt(LD_H_ABS, 12),
            stmt(LD_B_IND, 3),
            stmt(LDX_B_MSH, 14),
            stmt(ALU_MOD_K, 3),
            stmt(BPF_RET | BPF_X, 0),
            bpf_jump(0xffff, 0, 1, 2),
        ];
        let expected = listing(&[
            " 0000: 0x28 0x00 0x00 0x0000000c   ldh  $data[12]",
            " 0001: 0x50 0x00 0x00 0x00000003   ldb  $data[x + 3]",
            " 0002: 0xb1 0x00 0x00 0x0000000e   ldx  4*($data[14]&0xf)",
            " 0003: 0x94 0x00 0x00 0x00000003   mod  #3",
            " 0004: 0x0e 0x00 0x00 0x00000000   ???",
            " 0005: 0xffff 0x01 0x02 0x00000000   ???",
        ]);
        assert_eq!(disasm(&prog), expected);
        assert_eq!(disasm(&[]), HEADER);
    }

    #[test]
    fn return_values_decode_as_actions() {
        let names: Vec<String> = [
            SECCOMP_RET_KILL_PROCESS,
            SECCOMP_RET_KILL_THREAD,
            SECCOMP_RET_TRAP,
            SECCOMP_RET_TRAP | 3,
            SECCOMP_RET_ERRNO | 38,
            SECCOMP_RET_ERRNO,
            SECCOMP_RET_USER_NOTIF,
            SECCOMP_RET_TRACE,
            SECCOMP_RET_LOG,
            SECCOMP_RET_ALLOW,
            0x1234_5678,
        ]
        .into_iter()
        .map(action_name)
        .collect();
        assert_eq!(
            names,
            [
                "KILL_PROCESS",
                "KILL_THREAD",
                "TRAP",
                "TRAP(3)",
                "ERRNO(38)",
                "ERRNO(0)",
                "USER_NOTIF",
                "TRACE(0)",
                "LOG",
                "ALLOW",
                "0x12345678"
            ]
        );
    }
}
