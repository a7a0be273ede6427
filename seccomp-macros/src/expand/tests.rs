//! Expansions asserted as exact strings (whitespace aside), without rustc.

use super::*;
use seccomp_compiler::compile_str;

fn expanded(text: &str) -> String {
    squash(&expand(text.parse().unwrap()).to_string())
}

/// Token text without whitespace, so expectations can be written as code.
pub(crate) fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The compiler's x86_64 program for `text` as the macro writes it.
fn insns(text: &str) -> (usize, String) {
    let c = compile_str(text).unwrap();
    let filters = c.get(Arch::X86_64).unwrap().program.filters().unwrap();
    let list: Vec<String> = filters
        .iter()
        .map(|f| format!("__seccomp_insn({},{},{},{})", f.code, f.jt, f.jf, f.k))
        .collect();
    (list.len(), list.join(",") + ",")
}

const STUB: &str = "::seccomp_runtime::Policy::from_parts(&[],&[],&[])";

fn excluded(arch: &str, cfg: &str) -> String {
    format!(
        r#"#[cfg({cfg})] const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {{
            ::core::compile_error!{{"this policy is not compiled for {arch}, the target architecture: its `arch` statement selects x86_64\nhelp: add `{arch}` to the `arch` statement"}}
            {STUB}
        }};"#
    )
}

/// What the policy's block defines for every architecture's program
/// (`emit::program_array`).
const INSN_FN: &str =
    "const fn __seccomp_insn(code: u16, jt: u8, jf: u8, k: u32) -> ::seccomp_runtime::SockFilter {
    ::seccomp_runtime::SockFilter::new(code, jt, jf, k)
}";

const TARGETS: &str = r#"
    #[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
    const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {
        ::core::compile_error!{"seccomp_policy!: the x32 ABI (x86_64 with 32-bit pointers) is not supported\nhelp: build for x86_64 with 64-bit pointers (x86_64-unknown-linux-gnu) or for x86 (i686-unknown-linux-gnu)"}
        ::seccomp_runtime::Policy::from_parts(&[], &[], &[])
    };
    #[cfg(not(any(
        all(target_arch = "x86_64", target_pointer_width = "64"),
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64",
        target_arch = "s390x",
        all(target_arch = "powerpc64", target_endian = "little"),
        target_arch = "loongarch64",
        all(target_arch = "x86_64", target_pointer_width = "32")
    )))]
    const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {
        ::core::compile_error!{"seccomp_policy!: the target architecture is not supported\nhelp: seccomp policies are compiled for x86_64, x86, aarch64, arm, riscv64, s390x, powerpc64le, loongarch64"}
        ::seccomp_runtime::Policy::from_parts(&[], &[], &[])
    };
    __SECCOMP_POLICY
"#;

#[test]
fn one_program_per_architecture_behind_its_cfg() {
    let policy = "arch x86_64; default allow; drop ptrace;";
    let (n, program) = insns(policy);
    let others = [
        ("x86", r#"target_arch = "x86""#),
        ("aarch64", r#"target_arch = "aarch64""#),
        ("arm", r#"target_arch = "arm""#),
        ("riscv64", r#"target_arch = "riscv64""#),
        ("s390x", r#"target_arch = "s390x""#),
        (
            "powerpc64le",
            r#"all(target_arch = "powerpc64", target_endian = "little")"#,
        ),
        ("loongarch64", r#"target_arch = "loongarch64""#),
    ]
    .map(|(arch, cfg)| excluded(arch, cfg))
    .join("");
    let expected = format!(
        r#"{{
            {INSN_FN}
            #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
            const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {{
                static __SECCOMP_PROGRAM: [::seccomp_runtime::SockFilter; {n}] = [{program}];
                ::seccomp_runtime::Policy::from_parts(
                    &__SECCOMP_PROGRAM,
                    &[2147418112, 2147483648, 327680],
                    &[]
                )
            }};
            {others}
            {TARGETS}
        }}"#
    );
    assert_eq!(expanded(policy), squash(&expected));
}

#[test]
fn symbolic_values_become_consts_with_range_assertions() {
    let out = expanded(
        "arch x86_64; default allow; drop ptrace; keep write(fd == libc::STDOUT_FILENO); keep mmap(addr == { BASE + 1 });",
    );
    let value = |id, expr: &str| {
        squash(&format!(
            "const __SECCOMP_V{id}: ::core::primitive::i128 = ({expr}) as ::core::primitive::i128;"
        ))
    };
    assert!(out.contains(&value(0, "libc::STDOUT_FILENO")), "{out}");
    assert!(out.contains(&value(1, "BASE + 1")), "{out}");
    // `fd` is an `unsigned int`: 32 bits, negative values allowed
    // (sign-extended, as the kernel truncates).
    let fd = squash(
        r#"const _: () = ::core::assert!(
            __SECCOMP_V0 >= -2147483648 && __SECCOMP_V0 < 4294967296,
            "`libc::STDOUT_FILENO` does not fit in the 32-bit parameter it is compared with on x86_64: it must be between -0x80000000 and 0xffffffff"
        );"#,
    );
    assert!(out.contains(&fd), "{out}");
    // The low word of a 32-bit value; both words of a 64-bit one.
    let lo = |id| {
        squash(&format!(
            "((__SECCOMP_V{id} as ::core::primitive::u64) & 0xffff_ffff) as ::core::primitive::u32"
        ))
    };
    let hi = squash("((__SECCOMP_V1 as ::core::primitive::u64) >> 32) as ::core::primitive::u32");
    assert!(
        out.contains(&lo(0)) && out.contains(&lo(1)) && out.contains(&hi),
        "{out}"
    );
    // Assertion messages are format strings: braces are escaped.
    let out = expanded("arch x86_64; default allow; drop ptrace; keep write(count < { { N } });");
    assert!(
        out.contains("\"`{{N}}`mustbebetween0and0xffffffffffffffff"),
        "{out}"
    );
}

#[test]
fn narrow_parameters_use_the_low_bits() {
    // `fchmod`'s `mode` is a 16-bit `umode_t`.
    let out = expanded("arch x86_64; default allow; drop ptrace; keep fchmod(mode == { M });");
    let low =
        squash("((__SECCOMP_V0 as ::core::primitive::u64) & 65535) as ::core::primitive::u32");
    assert!(out.contains(&low), "{out}");
    assert!(
        out.contains("__SECCOMP_V0>=-32768&&__SECCOMP_V0<65536"),
        "{out}"
    );
}

#[test]
fn names_only_for_policies_that_trap() {
    let trap = expanded("arch x86_64; deny trap; base @system-service; drop ptrace;");
    assert!(
        trap.contains(r#"&[(0,"read"),(1,"write"),(2,"open"),"#),
        "{trap}"
    );
    let errno = expanded("arch x86_64; deny errno(EPERM); base @system-service; drop ptrace;");
    assert!(errno.contains(",&[])};"), "{errno}");
    assert!(!errno.contains(r#""read""#), "{errno}");
}

#[test]
fn errors_come_with_a_well_typed_stub() {
    assert_eq!(
        expanded("base @system-service; drop ptrace; keep wirte;"),
        squash(&format!(
            r#"{{
                ::core::compile_error!{{"unknown syscall `wirte`\nhelp: did you mean `write`?"}}
                {STUB}
            }}"#
        ))
    );
}

#[test]
fn every_mistake_is_reported() {
    let out = expanded("base @system-servce; keep wirte; drop open => errno(EPREM);");
    assert_eq!(out.matches("compile_error").count(), 3, "{out}");
}

#[test]
fn problems_of_one_architecture_stay_behind_its_cfg() {
    // On x86, libc may reach `socket` through `socketcall`.
    let out = expanded("base @system-service; drop ptrace; keep socket(family == 1);");
    let x86 = squash(
        r#"#[cfg(target_arch = "x86")] const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {
            ::core::compile_error!{"libc may call `socket` through `socketcall`"#,
    );
    assert!(out.contains(&x86), "{out}");
    // The same on s390x and powerpc64le. Five programs, and errors for
    // those three, x32 and unsupported targets only.
    assert_eq!(out.matches("static__SECCOMP_PROGRAM").count(), 5, "{out}");
    assert_eq!(out.matches("compile_error").count(), 5, "{out}");
}

#[test]
fn a_mistake_every_architecture_shares_is_reported_once() {
    // `fd` is 32 bits everywhere: the policy's mistake, not one target's.
    let out = expanded("base @system-service; drop ptrace; keep write(fd == 0x1_0000_0000);");
    assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    assert!(!out.contains("__SECCOMP_PROGRAM"), "{out}");
    assert!(out.contains("a32-bitparameter\"}"), "{out}");
}

#[test]
fn policy_files() {
    let inline = std::fs::read_to_string("../tests/ui/policies/daemon.policy").unwrap();
    let from_file = expanded(r#"file = "../tests/ui/policies/daemon.policy""#);
    let dir = env!("CARGO_MANIFEST_DIR");
    let include = squash(&format!(
        "const _: &::core::primitive::str = ::core::include_str!(\"{dir}/../tests/ui/policies/daemon.policy\");"
    ));
    assert!(
        from_file.starts_with(&format!("{{{include}")),
        "{from_file}"
    );
    // The same expansion, but for the warnings (the policy's `keep
    // write(fd == 1 | 2)`), whose messages name the place in the file.
    assert!(
        from_file.contains("daemon.policy:5:12:thisconditionon`write`"),
        "{from_file}"
    );
    assert_eq!(
        without_warnings(&from_file.replacen(&include, "", 1)),
        without_warnings(&expanded(&inline))
    );
}

/// A squashed expansion without its `#[deprecated]` warning items.
fn without_warnings(s: &str) -> String {
    let (start, end) = ("const_:()={#[deprecated(", "seccomp_policy_warning};");
    let mut out = s.to_owned();
    while let Some(at) = out.find(start) {
        let len = out[at..].find(end).expect("a warning item ends") + end.len();
        out.replace_range(at..at + len, "");
    }
    out
}

#[test]
fn policy_file_errors_name_the_place_in_the_file() {
    assert_eq!(
        expanded(r#"file = "../tests/ui/policies/unknown-syscall.policy""#),
        squash(&format!(
            r#"{{
                ::core::compile_error!{{"../tests/ui/policies/unknown-syscall.policy:5:6: unknown syscall `wirte`\n  |\n5 | keep wirte(fd == 1 | 2);\n  |      ^^^^^\n  = help: did you mean `write`?"}}
                {STUB}
            }}"#
        ))
    );
    let missing = expanded(r#"file = "no/such.policy""#);
    assert!(
        missing.contains(r#""policyfile`no/such.policy`notfound\nhelp:"#),
        "{missing}"
    );
    // An endless file is read no further than the limit.
    let endless = expanded(r#"file = "/dev/zero""#);
    assert!(
        endless
            .contains(r#""policyfile`/dev/zero`islargerthan4194304bytes(4MiB),thelimitforapolicy"#),
        "{endless}"
    );
}

#[test]
fn kernel_constants_are_each_architectures_numbers_not_rust_values() {
    // TCGETS: 0x5401 = 21505 (asm-generic/ioctls.h); on powerpc
    // _IOR('t', 19, struct termios) = 0x402c7413 = 1076655123.
    let text = "arch x86_64, powerpc64le; default allow; drop ptrace; drop ioctl(cmd == TCGETS);";
    let out = expanded(text);
    assert!(!out.contains("__SECCOMP_V"), "{out}");
    assert!(out.contains(&insns(text).1), "{out}");
    assert!(out.contains(",21505)"), "{out}");
    assert!(out.contains(",1076655123)"), "{out}");
}

#[test]
fn a_warning_is_a_deprecated_constant_used_at_the_condition() {
    let out = expanded("arch x86_64; base @system-service; drop ptrace; keep write(fd == 1 | 2);");
    let warning = squash(&format!(
        r#"{{
            {INSN_FN}
            #[cfg(all(target_arch = "x86_64", target_pointer_width = "64"))]
            const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {{
                const _: () = {{
                    #[deprecated(note = "this condition on `write` does not confine its siblings: "#,
    ));
    assert!(out.starts_with(&warning), "{out}");
    assert!(
        out.contains(&squash(
            r#"(on x86_64)\nhelp: give them the corresponding condition: `keep writev(fd == 1 | 2);`"#
        )),
        "{out}"
    );
    assert!(
        out.contains(&squash(
            "#[allow(non_upper_case_globals)] const seccomp_policy_warning: () = (); seccomp_policy_warning };"
        )),
        "{out}"
    );
    let acknowledged = expanded(
        "arch x86_64; base @system-service; drop ptrace; keep write(fd == 1 | 2); acknowledge siblings;",
    );
    assert!(!acknowledged.contains("deprecated"), "{acknowledged}");
}

#[test]
fn a_call_missing_on_one_architecture_without_its_stand_in_fails_there() {
    // aarch64 has no `poll`; libc calls `ppoll` there.
    let out = expanded("keep exit_group, poll, openat;");
    let aarch64 = squash(
        r#"#[cfg(target_arch = "aarch64")] const __SECCOMP_POLICY: ::seccomp_runtime::Policy = {
            ::core::compile_error!{"`poll` does not exist on aarch64, and this policy allows none of what libc calls there instead: `ppoll`"#,
    );
    assert!(out.contains(&aarch64), "{out}");
    assert!(compile_str("keep exit_group, poll, ppoll, openat;").is_ok());
}
