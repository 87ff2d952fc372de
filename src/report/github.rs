//! GitHub Actions: a workflow command per check that failed or could not be checked (`::error title=..::..`), which
//! the run shows as an annotation, then the score. `labcheck run --format github` also appends the Markdown
//! checklist to `$GITHUB_STEP_SUMMARY` when it is set. Values are encoded as the runner decodes them (`%`, CR, LF,
//! and in properties `:` and `,`), so no text from the account can end a command or start another.

use std::io;

use super::human::counts;
use super::text::printable;
use super::{Format, Style};
use crate::i18n::msg;
use crate::model::{Report, Status};

pub struct Github;

impl Format for Github {
    fn name(&self) -> &'static str {
        "github"
    }

    fn summary(&self) -> &'static str {
        "GitHub Actions annotations (and the checklist in $GITHUB_STEP_SUMMARY)"
    }

    fn content_type(&self) -> &'static str {
        "text/plain; charset=utf-8"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        for check in &report.checks {
            let status = match check.status {
                Status::Fail | Status::Error => check.status.as_str(),
                Status::Pass | Status::Skip => continue,
            };
            let title = report.say(msg!("report-annotation", lab = &report.lab.id, check = &check.title, status));
            let mut message = format!("{} ({} {}/{})", check.message, check.id, check.points, check.max_points);
            if let Some(hint) = &check.hint {
                message.push('\n');
                message.push_str(&report.say(msg!("report-hint-sentence", hint)));
            }
            writeln!(out, "::error title={}::{}", property(&title), data(&message))?;
        }
        let score = report.say(msg!("report-score-line", score = report.score, max = report.max_score));
        writeln!(out, "labcheck {}: {} · {}", data(&report.lab.id), data(&score), data(&counts(report, true)))
    }
}

/// A command's message: `%`, CR and LF encoded; other control characters shown escaped.
fn data(text: &str) -> String {
    let lines: Vec<String> = text.split('\n').map(|line| printable(line).replace('%', "%25")).collect();
    lines.join("%0A")
}

/// A command's property value: as [`data`], and `:` and `,` encoded too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}
