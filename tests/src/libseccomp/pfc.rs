//! An interpreter for libseccomp's pseudo-filter code (`seccomp_export_pfc`):
//! libseccomp's own readable account of a filter, independent of the BPF
//! it generates and of our emulator. The format (libseccomp 2.5,
//! `src/gen_pfc.c`) is indented by two spaces per level:
//!
//! ```text
//! if ($arch == 3221225534)
//!   if ($syscall > 8)            # binary tree (optimize 2)
//!     if ($syscall == 110)
//!       if ($a0.hi32 == 0)
//!         if ($a0.lo32 >= 7)
//!         else
//!           action LOG;
//!   action KILL_PROCESS;         # default action
//! action KILL;                   # bad architecture action
//! ```
//!
//! What PFC leaves out: the x32 check of x86_64 filters (`nr >= 0x40000000`
//! and `nr != -1` go to the bad-architecture action), which callers model.

use seccomp_compiler::Action;
use seccomp_compiler::bpf::SeccompData;

/// A comparison of one 32-bit field.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Field {
    Arch,
    Syscall,
    /// `$aN` (32-bit architectures): the low word.
    Arg(usize),
    ArgHi(usize),
    ArgLo(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Cond {
    field: Field,
    mask: Option<u32>,
    op: CmpOp,
    value: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stmt {
    If {
        cond: Cond,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    Action(u32),
}

/// A parsed pseudo-filter program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pfc {
    body: Vec<Stmt>,
}

/// A line the interpreter does not understand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub text: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PFC line {}: cannot read `{}`", self.line, self.text)
    }
}

impl std::error::Error for ParseError {}

impl Pfc {
    pub fn parse(text: &str) -> Result<Pfc, ParseError> {
        // (indent, content, line number), comments and blank lines dropped;
        // `else # (...)` keeps its `else`.
        let lines: Vec<(usize, &str, usize)> = text
            .lines()
            .enumerate()
            .filter_map(|(i, l)| {
                let content = l.trim_start();
                let indent = l.len() - content.len();
                let content = match content.find('#') {
                    Some(0) => return None,
                    Some(p) => content[..p].trim_end(),
                    None => content.trim_end(),
                };
                (!content.is_empty()).then_some((indent, content, i + 1))
            })
            .collect();
        let mut pos = 0;
        let body = block(&lines, &mut pos, 0)?;
        if let Some(&(_, text, line)) = lines.get(pos) {
            return Err(ParseError {
                line,
                text: text.to_owned(),
            });
        }
        Ok(Pfc { body })
    }

    /// The action the pseudo code takes for `data`, `None` if it ends
    /// without one.
    pub fn run(&self, data: &SeccompData) -> Option<Action> {
        exec(&self.body, data).map(Action::from_ret)
    }
}

fn block(
    lines: &[(usize, &str, usize)],
    pos: &mut usize,
    indent: usize,
) -> Result<Vec<Stmt>, ParseError> {
    let mut out = Vec::new();
    while let Some(&(ind, text, line)) = lines.get(*pos) {
        if ind < indent {
            break;
        }
        let err = || ParseError {
            line,
            text: text.to_owned(),
        };
        if ind > indent || text == "else" {
            return Err(err());
        }
        *pos += 1;
        if let Some(a) = text.strip_prefix("action ") {
            out.push(Stmt::Action(
                action(a.trim_end_matches(';')).ok_or_else(err)?,
            ));
            continue;
        }
        let c = text
            .strip_prefix("if (")
            .and_then(|t| t.strip_suffix(')'))
            .and_then(cond)
            .ok_or_else(err)?;
        let then = block(lines, pos, indent + 2)?;
        let otherwise = match lines.get(*pos) {
            Some(&(ind, "else", _)) if ind == indent => {
                *pos += 1;
                block(lines, pos, indent + 2)?
            }
            _ => Vec::new(),
        };
        out.push(Stmt::If {
            cond: c,
            then,
            otherwise,
        });
    }
    Ok(out)
}

fn number(s: &str) -> Option<u32> {
    match s.strip_prefix("0x") {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// `$a1.hi32 & 0x000000ff == 3`, `$syscall > 8`, `$a0 >= 7`, ...
fn cond(s: &str) -> Option<Cond> {
    let mut words = s.split_whitespace();
    let field = match words.next()? {
        "$arch" => Field::Arch,
        "$syscall" => Field::Syscall,
        f => {
            let f = f.strip_prefix("$a")?;
            let (n, part) = f.split_once('.').map_or((f, None), |(n, p)| (n, Some(p)));
            let n: usize = n.parse().ok().filter(|&n| n < 6)?;
            match part {
                None => Field::Arg(n),
                Some("hi32") => Field::ArgHi(n),
                Some("lo32") => Field::ArgLo(n),
                Some(_) => return None,
            }
        }
    };
    let mut op = words.next()?;
    let mut mask = None;
    if op == "&" {
        mask = Some(number(words.next()?)?);
        op = words.next()?;
    }
    let op = match op {
        "==" => CmpOp::Eq,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        _ => return None,
    };
    let value = number(words.next()?)?;
    words.next().is_none().then_some(Cond {
        field,
        mask,
        op,
        value,
    })
}

/// `ALLOW`, `ERRNO(1)`, `0x7fc00000`, ... as a `SECCOMP_RET_*` value.
fn action(s: &str) -> Option<u32> {
    use seccomp_compiler::bpf::*;
    let data =
        |prefix: &str| -> Option<u32> { s.strip_prefix(prefix)?.strip_suffix(')')?.parse().ok() };
    Some(match s {
        "ALLOW" => SECCOMP_RET_ALLOW,
        "KILL_PROCESS" => SECCOMP_RET_KILL_PROCESS,
        "KILL" => SECCOMP_RET_KILL_THREAD,
        "TRAP" => SECCOMP_RET_TRAP,
        "LOG" => SECCOMP_RET_LOG,
        "NOTIFY" => SECCOMP_RET_USER_NOTIF,
        _ => {
            if let Some(e) = data("ERRNO(") {
                SECCOMP_RET_ERRNO | e
            } else if let Some(t) = data("TRACE(") {
                SECCOMP_RET_TRACE | t
            } else {
                number(s)?
            }
        }
    })
}

fn exec(body: &[Stmt], data: &SeccompData) -> Option<u32> {
    for s in body {
        let taken = match s {
            Stmt::Action(a) => return Some(*a),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                if holds(cond, data) {
                    then
                } else {
                    otherwise
                }
            }
        };
        if let Some(a) = exec(taken, data) {
            return Some(a);
        }
    }
    None
}

fn holds(c: &Cond, data: &SeccompData) -> bool {
    // Truncations pick the words PFC names.
    let mut x = match c.field {
        Field::Arch => data.arch,
        Field::Syscall => data.nr,
        Field::Arg(n) | Field::ArgLo(n) => data.args[n] as u32,
        Field::ArgHi(n) => (data.args[n] >> 32) as u32,
    };
    if let Some(m) = c.mask {
        x &= m;
    }
    match c.op {
        CmpOp::Eq => x == c.value,
        CmpOp::Gt => x > c.value,
        CmpOp::Ge => x >= c.value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "#
# pseudo filter code start
#
# filter for arch x86_64 (3221225534)
if ($arch == 3221225534)
  if ($syscall > 8)
    # filter for syscall \"getppid\" (110) [priority: 65528]
    if ($syscall == 110)
      if ($a0.hi32 == 0)
        if ($a0.lo32 == 5)
        else
          if ($a1.hi32 & 0x00000000 == 0)
            if ($a1.lo32 & 0x000000ff == 3)
              action LOG;
      else
        action ERRNO(7);
    if ($syscall == 39)
      action 0x7fc00000;
  else # ($syscall <= 8)
    if ($syscall == 1)
      action ALLOW;
  # default action
  action KILL_PROCESS;
# invalid architecture action
action KILL;
#
# pseudo filter code end
#
";

    fn data(nr: u32, args: [u64; 6]) -> SeccompData {
        SeccompData {
            nr,
            arch: 0xc000_003e,
            instruction_pointer: 0,
            args,
        }
    }

    #[test]
    fn reads_and_runs_libseccomp_pseudo_code() {
        let p = Pfc::parse(SAMPLE).unwrap();
        assert_eq!(p.run(&data(1, [0; 6])), Some(Action::Allow));
        assert_eq!(p.run(&data(2, [0; 6])), Some(Action::KillProcess));
        assert_eq!(p.run(&data(39, [0; 6])), Some(Action::UserNotif));
        assert_eq!(
            p.run(&data(110, [0, 0x1203, 0, 0, 0, 0])),
            Some(Action::Log)
        );
        assert_eq!(
            p.run(&data(110, [5, 3, 0, 0, 0, 0])),
            Some(Action::KillProcess)
        );
        assert_eq!(
            p.run(&data(110, [1 << 32, 0, 0, 0, 0, 0])),
            Some(Action::Errno(7))
        );
        let foreign = SeccompData {
            arch: 0x4000_0003,
            ..data(1, [0; 6])
        };
        assert_eq!(p.run(&foreign), Some(Action::KillThread));
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        assert!(Pfc::parse("if ($a0.mid32 == 1)\n  action ALLOW;\n").is_err());
        assert!(Pfc::parse("if ($a0 != 1)\n  action ALLOW;\n").is_err());
        assert!(Pfc::parse("action SOMETHING;\n").is_err());
        assert!(Pfc::parse("  action ALLOW;\n").is_err());
    }
}
