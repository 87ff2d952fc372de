use std::io::Write;
use std::path::Path;

use super::common::LangArg;
use super::{CliError, exit};
use crate::lab::{Lab, LabError, suggestion};
use crate::validators;

pub fn explain(path: &Path, id: &str, lang: &LangArg) -> Result<u8, CliError> {
    let lab = Lab::load(path)?;
    let locale = lab.locale_for(&lang.requested());
    let Some(check) = lab.check(id) else {
        let hint = suggestion(id, lab.checks().map(|c| c.id.as_str()));
        let message = format!("no check `{id}`{hint} (`labcheck list {}` shows them)", path.display());
        return Err(LabError { file: path.to_owned(), line: None, message }.into());
    };
    let step = lab.steps.iter().find(|s| s.id == check.step).expect("a check's step exists");
    let spec = validators::lookup(&check.validator_name).expect("a loaded check's validator is registered");
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  ({})", check.title.get(&locale), check.id)?;
    writeln!(out, "  step:      {} ({})", step.title.get(&locale), step.id)?;
    writeln!(out, "  points:    {}", check.points)?;
    if let Some(description) = &check.description {
        writeln!(out, "  checks:    {}", description.get(&locale))?;
    }
    if !check.needs.is_empty() {
        writeln!(out, "  needs:     {}", check.needs.join(", "))?;
    }
    writeln!(out, "  validator: {} ({}:{})", spec.name, lab.file.display(), check.line)?;
    writeln!(out, "             {}", spec.summary())?;
    let params = toml::to_string(&check.params).unwrap_or_default();
    let mut lines = params.lines();
    if let Some(first) = lines.next() {
        writeln!(out, "  params:    {first}")?;
        for line in lines {
            writeln!(out, "             {line}")?;
        }
    }
    writeln!(out, "  hint:      {}", check.hint.get(&locale))?;
    Ok(exit::PASS)
}
