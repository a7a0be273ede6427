//! benchmarks.svg, written by hand: two panels of grouped bars, mean
//! instructions per syscall (log scale) and real-kernel ns per call.

use crate::competitors::Competitor;
use crate::policies::ProbeKind;
use crate::results::Results;
use std::fmt::Write;

const WIDTH: f64 = 960.0;
const PANEL: f64 = 300.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;

/// The series: no filter, then each competitor; their colours.
const SERIES: [(&str, &str); 6] = [
    ("no filter", "#bbbbbb"),
    ("ours", "#1b7837"),
    ("libseccomp", "#d6604d"),
    ("libseccomp tree", "#f4a582"),
    ("seccompiler", "#4393c3"),
    ("fseccomp", "#8073ac"),
];

fn series(c: Option<Competitor>) -> usize {
    match c {
        None => 0,
        Some(c) => 1 + Competitor::ALL.iter().position(|&k| k == c).unwrap_or(0),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "")
}

/// One group: its label and (series, value) bars.
type Group = (String, Vec<(usize, f64)>);

/// A panel of grouped bars at vertical offset `top`.
fn panel(out: &mut String, top: f64, title: &str, groups: &[Group], log: bool, unit: &str) {
    let plot_top = top + 30.0;
    let plot_h = PANEL - 80.0;
    let base = plot_top + plot_h;
    let max = groups
        .iter()
        .flat_map(|g| g.1.iter().map(|b| b.1))
        .fold(1.0, f64::max);
    let (lo, hi) = if log {
        (0.0, max.log10().ceil().max(1.0))
    } else {
        (0.0, nice(max))
    };
    let y = |v: f64| {
        let t = if log { v.max(1.0).log10() } else { v };
        base - (t - lo) / (hi - lo) * plot_h
    };
    let _ = writeln!(
        out,
        r#"<text x="{LEFT}" y="{}" font-size="15" font-weight="bold">{}</text>"#,
        top + 18.0,
        esc(title)
    );
    let ticks: Vec<f64> = if log {
        (0..=hi as i32).map(|e| 10f64.powi(e)).collect()
    } else {
        (0..=4).map(|i| hi * f64::from(i) / 4.0).collect()
    };
    for t in ticks {
        let ty = y(t);
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#e0e0e0"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{t}</text>"##,
            WIDTH - RIGHT,
            LEFT - 4.0,
            ty + 4.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="12" y="{:.1}" font-size="11" transform="rotate(-90 12 {:.1})">{unit}</text>"#,
        base - plot_h / 2.0,
        base - plot_h / 2.0
    );
    let group_w = (WIDTH - LEFT - RIGHT) / groups.len().max(1) as f64;
    for (i, (label, bars)) in groups.iter().enumerate() {
        let x0 = LEFT + group_w * i as f64;
        let bar_w = (group_w - 16.0) / bars.len().max(1) as f64;
        for (j, &(s, v)) in bars.iter().enumerate() {
            let bx = x0 + 8.0 + bar_w * j as f64;
            let by = y(v);
            let _ = writeln!(
                out,
                r#"<rect x="{bx:.1}" y="{by:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {v:.1}</title></rect>"#,
                (bar_w - 2.0).max(1.0),
                (base - by).max(0.5),
                SERIES[s].1,
                SERIES[s].0
            );
            if bar_w >= 18.0 {
                let _ = writeln!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle">{}</text>"#,
                    bx + bar_w / 2.0 - 1.0,
                    by - 2.0,
                    short(v)
                );
            }
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
            x0 + group_w / 2.0,
            base + 16.0,
            esc(label)
        );
    }
}

fn short(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A round axis maximum at or above `v`.
fn nice(v: f64) -> f64 {
    let step = 10f64.powf(v.log10().floor());
    (v / step).ceil() * step
}

fn legend(out: &mut String, y: f64) {
    let mut x = LEFT;
    for (name, colour) in SERIES {
        let _ = writeln!(
            out,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="12">{name}</text>"#,
            y - 10.0,
            x + 16.0,
            y
        );
        x += 30.0 + name.len() as f64 * 7.0;
    }
}

pub fn render(r: &Results) -> String {
    let mut out = String::new();
    let height = PANEL * 2.0 + 40.0;
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    legend(&mut out, 20.0);
    let instructions: Vec<Group> = r
        .policies
        .iter()
        .map(|p| {
            let bars = p
                .shapes
                .iter()
                .map(|(c, s)| (series(Some(*c)), s.mean))
                .collect();
            (p.policy.title.to_owned(), bars)
        })
        .collect();
    panel(
        &mut out,
        30.0,
        "Instructions executed per syscall, mean over 0..511 (emulator, log scale)",
        &instructions,
        true,
        "instructions",
    );
    if let Some(k) = &r.kernel {
        let mut calls: Vec<Group> = Vec::new();
        for p in &r.policies {
            for probe in p
                .policy
                .probes
                .iter()
                .filter(|q| q.kind != ProbeKind::Cached || p.policy.key == "system-service")
            {
                let mut bars = Vec::new();
                for under in std::iter::once(None).chain(p.built.iter().map(|b| Some(b.competitor)))
                {
                    if let Some(&ns) = k.ns.get(&(p.policy.key, under, probe.kind)) {
                        bars.push((series(under), ns));
                    }
                }
                calls.push((
                    format!(
                        "{}: {}",
                        p.policy.key,
                        probe.call.split('(').next().unwrap_or("")
                    ),
                    bars,
                ));
            }
        }
        panel(
            &mut out,
            30.0 + PANEL,
            "Real kernel, ns per call (median): a cached call, then calls that run the filter",
            &calls,
            false,
            "ns per call",
        );
    }
    out.push_str("</svg>\n");
    out
}
