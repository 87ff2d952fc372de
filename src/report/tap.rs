//! TAP version 14: a test point per check, in lab order. A failed or unreadable check is `not ok`; a skipped one is
//! `ok ... # SKIP` with its reason. Message, status, points and hint are YAML diagnostics under a point that did not
//! pass, each value a JSON string (valid YAML, and safe for any text the account put in it).

use std::io;

use super::text::{printable, quoted};
use super::{Format, Style};
use crate::model::{CheckResult, Report, Status};

pub struct Tap;

impl Format for Tap {
    fn name(&self) -> &'static str {
        "tap"
    }

    fn summary(&self) -> &'static str {
        "TAP version 14: a test point per check, hints as YAML diagnostics"
    }

    fn content_type(&self) -> &'static str {
        "text/plain; charset=utf-8"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        writeln!(out, "TAP version 14")?;
        writeln!(out, "1..{}", report.checks.len())?;
        for (number, check) in report.checks.iter().enumerate() {
            point(out, number + 1, check)?;
        }
        Ok(())
    }
}

/// A description may not hold a `#` (it starts a directive) or a line break.
fn description(text: &str) -> String {
    printable(&text.replace('\\', "\\\\")).replace('#', "\\#")
}

fn point(out: &mut dyn io::Write, number: usize, check: &CheckResult) -> io::Result<()> {
    let name = description(&format!("{} ({})", check.title, check.id));
    match check.status {
        Status::Pass => writeln!(out, "ok {number} - {name}"),
        Status::Skip => writeln!(out, "ok {number} - {name} # SKIP {}", description(&check.message)),
        Status::Fail | Status::Error => {
            writeln!(out, "not ok {number} - {name}")?;
            writeln!(out, "  ---")?;
            writeln!(out, "  status: {}", check.status.as_str())?;
            writeln!(out, "  message: {}", quoted(&check.message))?;
            writeln!(out, "  points: {}", quoted(&format!("{}/{}", check.points, check.max_points)))?;
            if let Some(hint) = &check.hint {
                writeln!(out, "  hint: {}", quoted(hint))?;
            }
            writeln!(out, "  step: {}", quoted(&check.step))?;
            writeln!(out, "  ...")
        }
    }
}
