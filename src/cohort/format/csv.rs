//! The cohort as CSV (RFC 4180, a header row): one row per check, or one per learner.
//!
//! A cell is text a spreadsheet will open, and some of it comes from a learner's account (an example message names
//! what they built): unsafe characters are made visible, and a cell that a spreadsheet would take for a formula
//! (`=`, `+`, `-`, `@`, a tab or a carriage return first) gets a leading `'`, as OWASP advises against CSV injection.

use std::borrow::Cow;

use super::FormatError;
use crate::cohort::Cohort;
use crate::i18n::Locale;
use crate::lab::Lab;
use crate::report::text::printable;

const CHECK_COLUMNS: [&str; 16] = [
    "check",
    "step",
    "title",
    "attempted",
    "passed",
    "pass_rate",
    "first_try_pass_rate",
    "gradings_to_pass_median",
    "gradings_to_pass_p90",
    "seconds_to_pass_median",
    "stuck",
    "stuck_seconds_median",
    "top_failure_reason",
    "top_failure_count",
    "top_failure_example",
    "may_be_broken",
];

const LEARNER_COLUMNS: [&str; 5] = ["learner", "score", "max_score", "last_activity", "on_check"];

/// One row per check, in lab order.
pub(super) fn checks(cohort: &Cohort, lab: &Lab, locale: &Locale) -> Result<String, FormatError> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(CHECK_COLUMNS)?;
    for check in &cohort.checks {
        let title = lab.check(&check.id).map(|c| c.title.get(locale).to_owned()).unwrap_or_default();
        let top = check.failure_reasons.first();
        let row: [String; 16] = [
            check.id.clone(),
            check.step.clone(),
            title,
            check.attempted.to_string(),
            check.passed.to_string(),
            number(crate::cohort::ratio(check.passed, check.attempted)),
            number(check.first_try_pass_rate),
            number(check.gradings_to_pass_median),
            number(check.gradings_to_pass_p90),
            number(check.seconds_to_pass_median),
            check.stuck.to_string(),
            number(check.stuck_seconds_median),
            top.map(|r| r.message_id.clone()).unwrap_or_default(),
            top.map(|r| r.failures.to_string()).unwrap_or_default(),
            top.and_then(|r| r.example.clone()).unwrap_or_default(),
            check.may_be_broken.map(|rule| rule.id().to_owned()).unwrap_or_default(),
        ];
        out.write_record(row.iter().map(|cell| cell_of(cell).into_owned()))?;
    }
    finish(out)
}

/// One row per learner, by learner id.
pub(super) fn learners(cohort: &Cohort, lab: &Lab) -> Result<String, FormatError> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(LEARNER_COLUMNS)?;
    let max_score = lab.max_score().to_string();
    for row in &cohort.learner_rows {
        let cells = [
            row.learner.as_str(),
            &row.score.to_string(),
            &max_score,
            &row.last_activity,
            row.on_check.as_deref().unwrap_or_default(),
        ];
        out.write_record(cells.iter().map(|cell| cell_of(cell).into_owned()))?;
    }
    finish(out)
}

fn finish(out: ::csv::Writer<Vec<u8>>) -> Result<String, FormatError> {
    let bytes = out.into_inner().map_err(|e| FormatError::Csv(e.into_error().into()))?;
    // Every cell was a `String`, so the bytes are UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A figure as a spreadsheet reads it: up to four decimals, empty when there is none.
fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{}", (v * 10_000.0).round() / 10_000.0)).unwrap_or_default()
}

/// `text` as a safe cell.
fn cell_of(text: &str) -> Cow<'_, str> {
    let text = printable(text);
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => text,
    }
}
