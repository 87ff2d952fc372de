//! The checklist as Markdown: a heading with the score, a table per step (mark, check, points, what was found and the
//! hint). For pull-request comments and CI step summaries. Text from the account is escaped: it cannot open HTML,
//! links, emphasis or a new table row.

use std::fmt::Write as _;
use std::io;

use super::human::{account, counts};
use super::text::printable;
use super::{Format, Style};
use crate::i18n::msg;
use crate::model::{Report, Status};

pub struct Markdown;

impl Format for Markdown {
    fn name(&self) -> &'static str {
        "markdown"
    }

    fn summary(&self) -> &'static str {
        "The checklist as Markdown tables, for PR comments and CI step summaries"
    }

    fn content_type(&self) -> &'static str {
        "text/markdown; charset=utf-8"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(render(report).as_bytes())
    }
}

/// Markdown and HTML that text could carry, made literal; line breaks become `<br>` (the table stays one row).
pub(super) fn escape(text: &str) -> String {
    text.split('\n').map(escape_line).collect::<Vec<_>>().join("<br>")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in printable(line).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Error => "⚠️",
        Status::Skip => "⏭️",
    }
}

fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} · {}/{}", escape(&report.lab.title), report.score, report.max_score);
    let (counts, account) = (counts(report, true), account(report));
    let _ = writeln!(out, "\n{} · {} · {}", escape(&counts), escape(&account), escape(&report.target.region));
    let (check_title, points_title, details_title) = (
        report.say(msg!("report-check-title")),
        report.say(msg!("report-points-title")),
        report.say(msg!("report-details-title")),
    );
    let hint_label = report.say(msg!("report-hint-label"));
    for step in &report.steps {
        let checks: Vec<_> = report.checks_of(&step.id).collect();
        let points: u32 = checks.iter().map(|c| c.points).sum();
        let max: u32 = checks.iter().map(|c| c.max_points).sum();
        let _ = writeln!(out, "\n### {} · {points}/{max}\n", escape(&step.title));
        let _ =
            writeln!(out, "| | {} | {} | {} |", escape(&check_title), escape(&points_title), escape(&details_title));
        let _ = writeln!(out, "|---|---|---|---|");
        for check in checks {
            let details = match (&check.hint, check.status) {
                (_, Status::Pass) => String::new(),
                (Some(hint), Status::Fail | Status::Error) => {
                    format!("{}<br>**{}:** {}", escape(&check.message), escape(&hint_label), escape(hint))
                }
                (_, _) => escape(&check.message),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {}/{} | {details} |",
                mark(check.status),
                escape(&check.title),
                check.points,
                check.max_points
            );
        }
    }
    out
}
