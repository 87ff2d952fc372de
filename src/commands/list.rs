use std::io::Write;
use std::path::Path;

use super::common::LangArg;
use super::{CliError, exit};
use crate::lab::Lab;

pub fn list(path: &Path, lang: &LangArg) -> Result<u8, CliError> {
    let lab = Lab::load(path)?;
    let locale = lab.locale_for(&lang.requested());
    let mut out = std::io::stdout().lock();
    let (title, checks, points) = (lab.title.get(&locale), lab.checks().count(), lab.max_score());
    let languages: Vec<String> = lab.languages.iter().map(ToString::to_string).collect();
    writeln!(out, "{title} ({}) · {checks} checks · {points} points · {}", lab.id, languages.join(", "))?;
    let width = lab.checks().map(|c| c.id.len()).max().unwrap_or(0);
    for step in &lab.steps {
        writeln!(out, "\n{}  [{}]", step.title.get(&locale), step.id)?;
        if step.checks.is_empty() {
            writeln!(out, "  (no checks)")?;
        }
        for check in &step.checks {
            let points = if check.points == 1 { "1 point".to_owned() } else { format!("{} points", check.points) };
            let title = check.title.get(&locale);
            writeln!(out, "  {:<width$}  {title}  ({points}, {})", check.id, check.validator_name)?;
            if !check.needs.is_empty() {
                writeln!(out, "  {:<width$}  needs: {}", "", check.needs.join(", "))?;
            }
        }
    }
    Ok(exit::PASS)
}
