//! `labcheck validators`: the registry's validators, from their doc comments. `--markdown` writes the book's
//! validators reference, so that page is the registry itself and cannot drift from it.

use std::fmt::Write as _;
use std::io::Write;

use super::{CliError, exit};
use crate::validators::{REGISTRY, ValidatorSpec};

pub fn validators(verbose: bool, markdown: bool) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    if markdown {
        out.write_all(reference_markdown().as_bytes())?;
        return Ok(exit::PASS);
    }
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

/// The validators reference of the book (`docs/src/reference/validators.md`): an index, then each validator's
/// doc comment and its params.
pub fn reference_markdown() -> String {
    let mut page = String::from(
        "# Validators\n\n\
         <!-- Written by `labcheck validators --markdown` from the doc comments in src/providers/*/validators/ and src/validators/. \
         A test holds this page to that command: edit the doc comments, then run it again. -->\n\n\
         A check names one of these validators and gives it `params` ([the lab format](lab-format.md)). \
         Every validator is a pure function of the facts its checks read; how policies, roles and buckets are \
         judged is in [How checks judge](judging.md). `labcheck validators --verbose` prints the same text.\n\n\
         | validator | what it checks |\n|---|---|\n",
    );
    for spec in REGISTRY {
        let _ = writeln!(page, "| [`{0}`](#{0}) | {1} |", spec.name, cell(&spec.summary()));
    }
    for spec in REGISTRY {
        page.push('\n');
        page.push_str(&validator_section(spec));
    }
    page
}

fn validator_section(spec: &ValidatorSpec) -> String {
    let mut section = format!("## `{}`\n\nFamily: `{}` (`{}`).\n\n", spec.name, spec.family, spec.source);
    section.push_str(&spec.doc_text());
    section.push_str("\n\n");
    if spec.params.is_empty() {
        section.push_str("No params.\n");
        return section;
    }
    section.push_str("| param | | what it is |\n|---|---|---|\n");
    for param in spec.params {
        let needed = if param.optional() { "optional" } else { "required" };
        let _ = writeln!(section, "| `{}` | {needed} | {} |", param.name, cell(&param.text()));
    }
    section
}

/// Text for one table cell: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The book's page is the command's output: run `labcheck validators --markdown > docs/src/reference/validators.md`
    /// after changing a validator's doc comment or params.
    #[test]
    fn the_books_validators_page_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/src/reference/validators.md");
        let page = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            page == reference_markdown(),
            "docs/src/reference/validators.md is not what `labcheck validators --markdown` writes: run it again"
        );
    }

    #[test]
    fn every_param_of_every_validator_is_documented() {
        for spec in REGISTRY {
            for param in spec.params {
                assert!(!param.text().is_empty(), "{}: param {} has no doc comment", spec.name, param.name);
            }
        }
    }

    #[test]
    fn optional_params_are_those_a_lab_entry_may_leave_out() {
        let usage_plan = REGISTRY.iter().find(|s| s.name == "throttling_configured").expect("registered");
        let optional: Vec<_> = usage_plan.params.iter().filter(|p| p.optional()).map(|p| p.name).collect();
        let required: Vec<_> = usage_plan.params.iter().filter(|p| !p.optional()).map(|p| p.name).collect();
        assert_eq!(required, ["api", "stage"]);
        assert_eq!(optional, ["plan", "account_default_rate"]);
    }
}
