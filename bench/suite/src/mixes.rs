//! The syscall mixes of real programs (bench/mixes/*.txt, recorded by
//! bench/mixes/record.sh with `strace -f -c`): how often each syscall ran.

use seccomp_compiler::arch::Arch;
use seccomp_compiler::tables::syscalls;

/// One workload's counts by x86_64 number.
pub struct Mix {
    pub name: &'static str,
    /// The file's first comment line: what ran.
    pub what: String,
    pub counts: Vec<(u32, u64)>,
}

impl Mix {
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&(_, n)| n).sum()
    }
}

/// The workloads, by file name.
pub const NAMES: [&str; 4] = ["tar", "ls-r", "python", "http-server"];

/// Parses `name count` lines (comments start with `#`).
pub fn parse(name: &'static str, text: &str) -> Result<Mix, String> {
    let table = syscalls::table(Arch::X86_64);
    let what = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# "))
        .unwrap_or(name)
        .to_owned();
    let mut counts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let at = || format!("{name}.txt:{}", i + 1);
        let (call, count) = line
            .split_once(' ')
            .ok_or_else(|| format!("{}: expected `name count`", at()))?;
        let count: u64 = count
            .trim()
            .parse()
            .map_err(|_| format!("{}: `{count}` is not a count", at()))?;
        let nr = table
            .number(call)
            .ok_or_else(|| format!("{}: `{call}` is not an x86_64 syscall", at()))?;
        counts.push((nr, count));
    }
    Ok(Mix { name, what, counts })
}

/// Reads every mix from `dir`.
pub fn load(dir: &str) -> Result<Vec<Mix>, String> {
    NAMES
        .iter()
        .map(|name| {
            let path = format!("{dir}/{name}.txt");
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            parse(name, &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_counts_and_names_the_bad_line() {
        let mix = parse("t", "# what ran\n# how\nread 10\nwrite 5\n").unwrap();
        assert_eq!(mix.what, "what ran");
        assert_eq!(mix.counts, [(0, 10), (1, 5)]);
        assert_eq!(mix.total(), 15);
        let err = parse("t", "# x\nread ten\n").err().unwrap();
        assert_eq!(err, "t.txt:2: `ten` is not a count");
    }
}
