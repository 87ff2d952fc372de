//! The checklist for people: a section per step, a mark and title per check, message and hint under each one
//! that did not pass, a score line. Colour only when asked (the CLI asks on a TTY without `NO_COLOR`).

use std::fmt::Write;
use std::io;

use super::text::printable;
use super::{Format, Style};
use crate::model::{Report, Status};

/// The checklist; the CLI's default, and what it prints beside a report written to a file.
pub struct Human;

impl Format for Human {
    fn name(&self) -> &'static str {
        "human"
    }

    fn summary(&self) -> &'static str {
        "A checklist per step with hints, for people"
    }

    fn content_type(&self) -> &'static str {
        "text/plain; charset=utf-8"
    }

    fn write(&self, report: &Report, style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(render(report, style).as_bytes())
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
    fn status(&self, status: Status, t: &str) -> String {
        let code = match status {
            Status::Pass => "32",
            Status::Fail => "31",
            Status::Error => "33",
            Status::Skip => "2",
        };
        self.wrap(code, t)
    }
}

/// The checklist's mark of a status (the live view uses the same).
pub(super) fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✔",
        Status::Fail => "✘",
        Status::Error => "!",
        Status::Skip => "-",
    }
}

fn seconds(d: std::time::Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

fn render(report: &Report, options: Style) -> String {
    let p = Paint { on: options.color };
    let mut out = String::new();
    // Every string printed may come from the account or a lab file: printable() keeps each on its own line and
    // lets no escape sequence through.
    let account = printable(report.target.account_id.as_deref().unwrap_or("unknown account"));
    let _ = writeln!(
        out,
        "{} {}",
        p.bold(&printable(&report.lab.title)),
        p.dim(&format!("({}) · account {account} · {}", printable(&report.lab.id), printable(&report.target.region)))
    );
    let width = report.checks.iter().map(|c| printable(&c.title).chars().count()).max().unwrap_or(0).min(60);
    for step in &report.steps {
        let _ = writeln!(out, "\n{}", p.bold(&printable(&step.title)));
        for check in report.checks_of(&step.id) {
            let label = match check.status {
                Status::Pass | Status::Fail => String::new(),
                other => format!("{} ", other.as_str()),
            };
            let title = printable(&check.title);
            let title_pad = width.saturating_sub(title.chars().count());
            let _ = writeln!(
                out,
                "  {} {}{}  {}{}",
                p.status(check.status, mark(check.status)),
                title,
                " ".repeat(title_pad),
                p.status(check.status, &label),
                p.dim(&format!("{}/{}", check.points, check.max_points)),
            );
            if check.status != Status::Pass {
                let _ = writeln!(out, "      {}", printable(&check.message));
                // A skipped check's own hint is noise until its prerequisite passes.
                if let (Some(hint), false) = (&check.hint, check.status == Status::Skip) {
                    let _ = writeln!(out, "      {} {}", p.dim("hint:"), printable(hint));
                }
            }
        }
    }
    let s = &report.summary;
    let mut counts = vec![format!("{} passed", s.passed)];
    if s.failed > 0 {
        counts.push(format!("{} failed", s.failed));
    }
    if s.errors > 0 {
        counts.push(format!("{} could not be checked", s.errors));
    }
    if s.skipped > 0 {
        counts.push(format!("{} skipped", s.skipped));
    }
    let score = format!("Score {}/{}", report.score, report.max_score);
    let _ = writeln!(out, "\n{} · {} · {}", p.bold(&score), counts.join(", "), seconds(report.duration));
    if options.stats {
        let st = &report.stats;
        let calls: Vec<String> = st.api_calls.iter().map(|(op, n)| format!("{} {n}", printable(op))).collect();
        let _ = writeln!(
            out,
            "{}",
            p.dim(&format!(
                "AWS API calls: {} ({}) · HTTP requests sent: {} · probes: {} · rounds: {}",
                st.api_calls_total,
                if calls.is_empty() { "none".to_owned() } else { calls.join(", ") },
                st.api_requests,
                st.probes,
                st.rounds
            ))
        );
    }
    out
}
