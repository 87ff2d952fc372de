//! The live checklist of `labcheck watch`: successive reports of one grading, drawn as a screen on a terminal
//! (redrawn in place) or as the changes from one round to the next when piped. It only formats reports.

use std::fmt::Write as _;
use std::time::Duration;

use super::human::mark;
use super::text::printable;
use crate::i18n::msg;
use crate::model::{CheckResult, Report, Status};

/// `[#########-----] 21/26`
fn progress(score: u32, max: u32) -> String {
    const WIDTH: u32 = 30;
    let filled = (score * WIDTH).checked_div(max).unwrap_or(WIDTH) as usize;
    format!("[{}{}] {score}/{max}", "#".repeat(filled), "-".repeat(WIDTH as usize - filled))
}

fn step_points<'a>(checks: impl Iterator<Item = &'a CheckResult>) -> (u32, u32, bool) {
    checks.fold((0, 0, true), |(p, m, all), c| (p + c.points, m + c.max_points, all && c.status == Status::Pass))
}

/// The whole checklist for a terminal: a progress bar, each step (✔ once complete) with its checks, the message
/// under each check that did not pass and the hint under the first that failed; `footer` closes it.
pub fn screen(report: &Report, interval: Duration) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", printable(&report.lab.title), printable(&report.lab.id));
    let _ = writeln!(out, "{}\n", progress(report.score, report.max_score));
    let first_failing = report.checks.iter().find(|c| matches!(c.status, Status::Fail | Status::Error));
    for step in &report.steps {
        let (points, max, complete) = step_points(report.checks_of(&step.id));
        let done = if complete { format!("  ✔ {}", report.say(msg!("report-step-complete"))) } else { String::new() };
        let _ = writeln!(out, "{} {points}/{max}{done}", printable(&step.title));
        for check in report.checks_of(&step.id) {
            let _ = writeln!(out, "  {} {}", mark(check.status), printable(&check.title));
            if check.status != Status::Pass {
                let _ = writeln!(out, "      {}", printable(&check.message));
            }
            if let (Some(first), Some(hint)) = (first_failing, &check.hint)
                && first.id == check.id
            {
                let _ = writeln!(out, "      {} {}", report.say(msg!("report-hint")), printable(hint));
            }
        }
    }
    let _ = writeln!(out, "\n{}", report.say(msg!("report-watching", seconds = interval.as_secs())));
    out
}

/// What changed since `previous` (everything, the first time), a line each: checks whose status changed, steps
/// that became complete, the score.
pub fn changes(previous: Option<&Report>, report: &Report) -> String {
    let mut out = String::new();
    let before = |id: &str| previous.and_then(|p| p.checks.iter().find(|c| c.id == id)).map(|c| c.status);
    for check in &report.checks {
        match before(&check.id) {
            Some(status) if status == check.status => {}
            Some(status) => {
                let _ = writeln!(
                    out,
                    "{} {} ({}): {} -> {}",
                    mark(check.status),
                    printable(&check.title),
                    printable(&check.id),
                    report.say(msg!("report-status", status = status.as_str())),
                    report.say(msg!("report-status", status = check.status.as_str()))
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "{} {} ({}): {}",
                    mark(check.status),
                    printable(&check.title),
                    printable(&check.id),
                    printable(&check.message)
                );
            }
        }
    }
    for step in &report.steps {
        let (_, _, complete) = step_points(report.checks_of(&step.id));
        let was = previous.is_some_and(|p| step_points(p.checks_of(&step.id)).2);
        if complete && !was {
            let _ = writeln!(
                out,
                "{}",
                report.say(msg!("report-step-completed", step = printable(&step.title).into_owned()))
            );
        }
    }
    if previous.is_none_or(|p| p.score != report.score) {
        let _ =
            writeln!(out, "{}", report.say(msg!("report-score-line", score = report.score, max = report.max_score)));
    }
    out
}
