//! GitHub Actions: a workflow command per check that failed or could not be checked (`::error title=..::..`), which
//! the run shows as an annotation, then the score. `labcheck run --format github` also appends the Markdown
//! checklist to `$GITHUB_STEP_SUMMARY` when it is set. Values are encoded as the runner decodes them (`%`, CR, LF,
//! and in properties `:` and `,`), so no text from the account can end a command or start another.

use std::io;

use super::text::printable;
use super::{Format, Style};
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
            let kind = match check.status {
                Status::Fail => "failed",
                Status::Error => "could not be checked",
                Status::Pass | Status::Skip => continue,
            };
            let title = format!("{}: {} {kind}", report.lab.id, check.title);
            let mut message = format!("{} ({} {}/{})", check.message, check.id, check.points, check.max_points);
            if let Some(hint) = &check.hint {
                message.push_str(&format!("\nHint: {hint}"));
            }
            writeln!(out, "::error title={}::{}", property(&title), data(&message))?;
        }
        let s = &report.summary;
        writeln!(
            out,
            "labcheck {}: score {}/{} · {} passed, {} failed, {} could not be checked, {} skipped",
            data(&report.lab.id),
            report.score,
            report.max_score,
            s.passed,
            s.failed,
            s.errors,
            s.skipped
        )
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
