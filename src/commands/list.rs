use std::io::Write;
use std::path::Path;

use super::{CliError, exit};
use crate::lab::Lab;

pub fn list(path: &Path) -> Result<u8, CliError> {
    let lab = Lab::load(path)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} ({}) · {} checks · {} points", lab.title, lab.id, lab.checks().count(), lab.max_score())?;
    let width = lab.checks().map(|c| c.id.len()).max().unwrap_or(0);
    for step in &lab.steps {
        writeln!(out, "\n{}  [{}]", step.title, step.id)?;
        if step.checks.is_empty() {
            writeln!(out, "  (no checks)")?;
        }
        for check in &step.checks {
            let points = if check.points == 1 { "1 point".to_owned() } else { format!("{} points", check.points) };
            writeln!(out, "  {:<width$}  {}  ({points}, {})", check.id, check.title, check.validator_name)?;
            if !check.needs.is_empty() {
                writeln!(out, "  {:<width$}  needs: {}", "", check.needs.join(", "))?;
            }
        }
    }
    Ok(exit::PASS)
}
