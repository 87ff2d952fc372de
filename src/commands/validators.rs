use std::io::Write;

use super::{CliError, exit};
use crate::validators::REGISTRY;

pub fn validators(verbose: bool) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let width = REGISTRY.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for spec in REGISTRY {
        if verbose {
            writeln!(out, "{} ({})\n", spec.name, spec.family)?;
            for line in spec.doc_text().lines() {
                writeln!(out, "    {line}")?;
            }
            writeln!(out)?;
        } else {
            writeln!(out, "{:width$}  {}", spec.name, spec.summary())?;
        }
    }
    Ok(exit::PASS)
}
