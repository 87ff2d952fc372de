//! The checklist for people: a section per step, a mark and title per check, message and hint under each one
//! that did not pass, a score line. Colour only when asked (the CLI asks on a TTY without `NO_COLOR`).

use std::fmt::Write;
use std::io;

use super::text::printable;
use super::{Format, Style};
use crate::i18n::{Arg, msg};
use crate::model::{Report, Status, Summary};

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
    let account = account(report);
    let _ = writeln!(
        out,
        "{} {}",
        p.bold(&printable(&report.lab.title)),
        p.dim(&format!(
            "({}) · {} · {}",
            printable(&report.lab.id),
            printable(&account),
            printable(&report.target.region)
        ))
    );
    let width = report.checks.iter().map(|c| printable(&c.title).chars().count()).max().unwrap_or(0).min(60);
    for step in &report.steps {
        let _ = writeln!(out, "\n{}", p.bold(&printable(&step.title)));
        for check in report.checks_of(&step.id) {
            let label = match check.status {
                Status::Pass | Status::Fail => String::new(),
                other @ (Status::Error | Status::Skip) => {
                    format!("{} ", report.say(msg!("report-status-label", status = other.as_str())))
                }
            };
            let title = printable(&check.title);
            let title_pad = width.saturating_sub(title.chars().count());
            let passed_at = match &check.passed_at {
                Some(when) => format!("  {}", report.say(msg!("report-passed-at", when = minutes(when)))),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} {}{}  {}{}",
                p.status(check.status, mark(check.status)),
                title,
                " ".repeat(title_pad),
                p.status(check.status, &label),
                p.dim(&format!("{}/{}{}", check.points, check.max_points, printable(&passed_at))),
            );
            if check.status != Status::Pass {
                let _ = writeln!(out, "      {}", printable(&check.message));
                // A skipped check's own hint is noise until its prerequisite passes.
                if let (Some(hint), false) = (&check.hint, check.status == Status::Skip) {
                    let _ = writeln!(out, "      {} {}", p.dim(&report.say(msg!("report-hint"))), printable(hint));
                }
            }
        }
    }
    let score = report.say(msg!("report-score", score = report.score, max = report.max_score));
    let counts = counts(report, false);
    // A progress report spans many gradings: it has no duration of its own to show.
    if report.duration.is_zero() {
        let _ = writeln!(out, "\n{} · {counts}", p.bold(&score));
    } else {
        let _ = writeln!(out, "\n{} · {counts} · {}", p.bold(&score), seconds(report.duration));
    }
    if options.stats {
        let st = &report.stats;
        let calls: Vec<String> = st.api_calls.iter().map(|(op, n)| format!("{} {n}", printable(op))).collect();
        let calls: Arg = if calls.is_empty() { msg!("report-stats-none").into() } else { calls.join(", ").into() };
        let stats = msg!(
            "report-stats",
            total = st.api_calls_total,
            calls,
            requests = st.api_requests,
            probes = st.probes,
            round_trips = st.round_trips,
            rounds = st.rounds
        );
        let _ = writeln!(out, "{}", p.dim(&report.say(stats)));
    }
    out
}

/// An RFC 3339 time to the minute, for people: `2026-11-29 06:55 UTC`.
fn minutes(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) if rfc3339.ends_with('Z') => format!("{day} {time} UTC"),
        _ => rfc3339.to_owned(),
    }
}

/// "account 123456789012", or that it is unknown.
pub(super) fn account(report: &Report) -> String {
    match &report.target.account_id {
        Some(account) => report.say(msg!("report-account", account)),
        None => report.say(msg!("report-unknown-account")),
    }
}

/// "3 passed, 1 failed" in the report's language: every status, or (`all` false) the passed count and the others
/// that are not 0.
pub(super) fn counts(report: &Report, all: bool) -> String {
    let Summary { passed, failed, errors, skipped } = report.summary;
    let counts = [("pass", passed), ("fail", failed), ("error", errors), ("skip", skipped)];
    let shown = counts.into_iter().filter(|&(status, count)| all || status == "pass" || count > 0);
    let words: Vec<String> = shown.map(|(status, count)| report.say(msg!("report-count", status, count))).collect();
    words.join(", ")
}
