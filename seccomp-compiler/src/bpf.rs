//! Classic BPF as seccomp uses it: `struct sock_filter`, `struct seccomp_data`
//! and the opcode and return-value constants, spelled as the kernel spells
//! them (`include/uapi/linux/filter.h`, `include/uapi/linux/bpf_common.h`,
//! `include/uapi/linux/seccomp.h`).
//!
//! Instructions are built only through [`bpf_stmt`] and [`bpf_jump`], the
//! kernel's `BPF_STMT` / `BPF_JUMP` macros.

/// `struct sock_filter` from `include/uapi/linux/filter.h`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SockFilter {
    /// The opcode: class, size, mode or operation, source.
    pub code: u16,
    /// Jump offset, in instructions, when the condition holds.
    pub jt: u8,
    /// Jump offset, in instructions, when it does not.
    pub jf: u8,
    /// The constant operand.
    pub k: u32,
}

impl SockFilter {
    /// The 8-byte record the kernel reads, in the byte order of the target
    /// (`big_endian` for s390x, little-endian elsewhere).
    pub fn to_bytes(self, big_endian: bool) -> [u8; 8] {
        let (code, k) = if big_endian {
            (self.code.to_be_bytes(), self.k.to_be_bytes())
        } else {
            (self.code.to_le_bytes(), self.k.to_le_bytes())
        };
        [code[0], code[1], self.jt, self.jf, k[0], k[1], k[2], k[3]]
    }

    /// Inverse of [`SockFilter::to_bytes`].
    pub fn from_bytes(b: [u8; 8], big_endian: bool) -> SockFilter {
        let code = [b[0], b[1]];
        let k = [b[4], b[5], b[6], b[7]];
        if big_endian {
            SockFilter {
                code: u16::from_be_bytes(code),
                jt: b[2],
                jf: b[3],
                k: u32::from_be_bytes(k),
            }
        } else {
            SockFilter {
                code: u16::from_le_bytes(code),
                jt: b[2],
                jf: b[3],
                k: u32::from_le_bytes(k),
            }
        }
    }
}

/// `BPF_STMT(code, k)`.
pub const fn bpf_stmt(code: u16, k: u32) -> SockFilter {
    SockFilter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

/// `BPF_JUMP(code, k, jt, jf)`.
pub const fn bpf_jump(code: u16, k: u32, jt: u8, jf: u8) -> SockFilter {
    SockFilter { code, jt, jf, k }
}

// Instruction classes (bpf_common.h).
/// Class: load into the accumulator A.
pub const BPF_LD: u16 = 0x00;
/// Class: load into the index register X.
pub const BPF_LDX: u16 = 0x01;
/// Class: store A into a scratch slot.
pub const BPF_ST: u16 = 0x02;
/// Class: store X into a scratch slot.
pub const BPF_STX: u16 = 0x03;
/// Class: arithmetic or logic on A.
pub const BPF_ALU: u16 = 0x04;
/// Class: jump.
pub const BPF_JMP: u16 = 0x05;
/// Class: return a value (ends the program).
pub const BPF_RET: u16 = 0x06;
/// Class: register transfer (`BPF_TAX`, `BPF_TXA`).
pub const BPF_MISC: u16 = 0x07;

/// `BPF_CLASS(code)`.
pub const fn bpf_class(code: u16) -> u16 {
    code & 0x07
}

// Load sizes.
/// Size: 32-bit word.
pub const BPF_W: u16 = 0x00;
/// Size: 16-bit half word.
pub const BPF_H: u16 = 0x08;
/// Size: byte.
pub const BPF_B: u16 = 0x10;

/// `BPF_SIZE(code)`.
pub const fn bpf_size(code: u16) -> u16 {
    code & 0x18
}

// Load modes.
/// Mode: the constant `k`.
pub const BPF_IMM: u16 = 0x00;
/// Mode: the data at absolute offset `k`.
pub const BPF_ABS: u16 = 0x20;
/// Mode: the data at offset `X + k`.
pub const BPF_IND: u16 = 0x40;
/// Mode: scratch slot `k`.
pub const BPF_MEM: u16 = 0x60;
/// Mode: the length of the data.
pub const BPF_LEN: u16 = 0x80;
/// Mode: IP header length (`4 * (P[k] & 0xf)`), packets only.
pub const BPF_MSH: u16 = 0xa0;

/// `BPF_MODE(code)`.
pub const fn bpf_mode(code: u16) -> u16 {
    code & 0xe0
}

// ALU and jump operations.
/// ALU operation: `A + operand`.
pub const BPF_ADD: u16 = 0x00;
/// ALU operation: `A - operand`.
pub const BPF_SUB: u16 = 0x10;
/// ALU operation: `A * operand`.
pub const BPF_MUL: u16 = 0x20;
/// ALU operation: `A / operand` (unsigned).
pub const BPF_DIV: u16 = 0x30;
/// ALU operation: `A | operand`.
pub const BPF_OR: u16 = 0x40;
/// ALU operation: `A & operand`.
pub const BPF_AND: u16 = 0x50;
/// ALU operation: `A << operand`.
pub const BPF_LSH: u16 = 0x60;
/// ALU operation: `A >> operand` (logical).
pub const BPF_RSH: u16 = 0x70;
/// ALU operation: `-A`.
pub const BPF_NEG: u16 = 0x80;
/// ALU operation: `A % operand` (unsigned).
pub const BPF_MOD: u16 = 0x90;
/// ALU operation: `A ^ operand`.
pub const BPF_XOR: u16 = 0xa0;

/// Jump: always, by `k`.
pub const BPF_JA: u16 = 0x00;
/// Jump: `A == operand`.
pub const BPF_JEQ: u16 = 0x10;
/// Jump: `A > operand` (unsigned).
pub const BPF_JGT: u16 = 0x20;
/// Jump: `A >= operand` (unsigned).
pub const BPF_JGE: u16 = 0x30;
/// Jump: `A & operand != 0`.
pub const BPF_JSET: u16 = 0x40;

/// `BPF_OP(code)`.
pub const fn bpf_op(code: u16) -> u16 {
    code & 0xf0
}

// Operand source.
/// Source: the constant `k`.
pub const BPF_K: u16 = 0x00;
/// Source: the index register X.
pub const BPF_X: u16 = 0x08;

/// `BPF_SRC(code)`.
pub const fn bpf_src(code: u16) -> u16 {
    code & 0x08
}

// BPF_RET operand source (filter.h: BPF_RVAL).
/// `BPF_RVAL` for `BPF_RET`: return A.
pub const BPF_A: u16 = 0x10;

// BPF_MISC operations (filter.h).
/// Misc: copy A into X.
pub const BPF_TAX: u16 = 0x00;
/// Misc: copy X into A.
pub const BPF_TXA: u16 = 0x80;

/// `BPF_MEMWORDS`: scratch memory slots.
pub const BPF_MEMWORDS: u32 = 16;

/// `BPF_MAXINSNS`: the kernel's limit on one program (filter.h).
pub const BPF_MAXINSNS: usize = 4096;

// Return values (include/uapi/linux/seccomp.h).
/// Kill the whole process.
pub const SECCOMP_RET_KILL_PROCESS: u32 = 0x8000_0000;
/// Kill the calling thread.
pub const SECCOMP_RET_KILL_THREAD: u32 = 0x0000_0000;
/// Send SIGSYS instead of running the syscall.
pub const SECCOMP_RET_TRAP: u32 = 0x0003_0000;
/// Fail the syscall with the errno in the data bits.
pub const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
/// Hand the syscall to a user-space supervisor.
pub const SECCOMP_RET_USER_NOTIF: u32 = 0x7fc0_0000;
/// Notify a ptrace tracer, passing the data bits.
pub const SECCOMP_RET_TRACE: u32 = 0x7ff0_0000;
/// Run the syscall and log it.
pub const SECCOMP_RET_LOG: u32 = 0x7ffc_0000;
/// Run the syscall.
pub const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
/// Mask of the action bits of a return value.
pub const SECCOMP_RET_ACTION_FULL: u32 = 0xffff_0000;
/// Mask of the data bits of a return value.
pub const SECCOMP_RET_DATA: u32 = 0x0000_ffff;

/// `MAX_ERRNO` (include/linux/err.h): the kernel caps SECCOMP_RET_ERRNO data to it.
pub const MAX_ERRNO: u32 = 4095;

/// `struct seccomp_data` (include/uapi/linux/seccomp.h), what a filter reads.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeccompData {
    /// The syscall number (for the ABI of `arch`).
    pub nr: u32,
    /// The `AUDIT_ARCH_*` value of the calling ABI.
    pub arch: u32,
    /// Address of the syscall instruction.
    pub instruction_pointer: u64,
    /// The six syscall arguments, zero-extended to 64 bits.
    pub args: [u64; 6],
}

/// `sizeof(struct seccomp_data)`.
pub const SECCOMP_DATA_SIZE: u32 = 64;
/// `offsetof(struct seccomp_data, nr)`.
pub const SECCOMP_DATA_NR: u32 = 0;
/// `offsetof(struct seccomp_data, arch)`.
pub const SECCOMP_DATA_ARCH: u32 = 4;
/// `offsetof(struct seccomp_data, instruction_pointer)`.
pub const SECCOMP_DATA_IP: u32 = 8;
/// `offsetof(struct seccomp_data, args)`.
pub const SECCOMP_DATA_ARGS: u32 = 16;

impl SeccompData {
    /// The 32-bit word a `BPF_LD | BPF_W | BPF_ABS` at `offset` reads. The
    /// kernel reads `seccomp_data` in native byte order, so which half of a
    /// 64-bit field sits at the lower offset depends on the architecture's
    /// endianness. `offset` must be 4-byte aligned and below 64.
    pub fn word_at(&self, offset: u32, big_endian: bool) -> Option<u32> {
        if !offset.is_multiple_of(4) || offset >= SECCOMP_DATA_SIZE {
            return None;
        }
        Some(match offset {
            SECCOMP_DATA_NR => self.nr,
            SECCOMP_DATA_ARCH => self.arch,
            _ => {
                let field = (offset - SECCOMP_DATA_IP) / 8;
                let value = if field == 0 {
                    self.instruction_pointer
                } else {
                    self.args[field as usize - 1]
                };
                let upper_half_first = big_endian;
                let second_word = offset % 8 == 4;
                if second_word != upper_half_first {
                    (value >> 32) as u32
                } else {
                    value as u32
                }
            }
        })
    }
}

/// Offset of the low (`hi == false`) or high 32-bit word of argument `index`.
pub const fn arg_word_offset(index: u8, hi: bool, big_endian: bool) -> u32 {
    let base = SECCOMP_DATA_ARGS + 8 * index as u32;
    if hi != big_endian { base + 4 } else { base }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_offsets_follow_endianness() {
        let d = SeccompData {
            args: [0x1111_2222_3333_4444, 0, 0, 0, 0, 0],
            ..Default::default()
        };
        assert_eq!(
            d.word_at(arg_word_offset(0, false, false), false),
            Some(0x3333_4444)
        );
        assert_eq!(
            d.word_at(arg_word_offset(0, true, false), false),
            Some(0x1111_2222)
        );
        assert_eq!(
            d.word_at(arg_word_offset(0, false, true), true),
            Some(0x3333_4444)
        );
        assert_eq!(
            d.word_at(arg_word_offset(0, true, true), true),
            Some(0x1111_2222)
        );
        assert_eq!(arg_word_offset(0, false, false), 16);
        assert_eq!(arg_word_offset(0, false, true), 20);
        assert_eq!(d.word_at(2, false), None);
        assert_eq!(d.word_at(64, false), None);
    }

    #[test]
    fn bytes_round_trip_in_both_orders() {
        let f = bpf_jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000_003e, 1, 2);
        assert_eq!(
            f.to_bytes(false),
            [0x15, 0x00, 1, 2, 0x3e, 0x00, 0x00, 0xc0]
        );
        assert_eq!(f.to_bytes(true), [0x00, 0x15, 1, 2, 0xc0, 0x00, 0x00, 0x3e]);
        assert_eq!(SockFilter::from_bytes(f.to_bytes(true), true), f);
        assert_eq!(SockFilter::from_bytes(f.to_bytes(false), false), f);
    }
}
