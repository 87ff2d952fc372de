//! The cohort's formats: JSON (the figures as they are), CSV (one row per check, or one per learner, for a
//! spreadsheet) and HTML (one page an instructor reads: the funnel, the stuck map, the checks with their flags).
//! A format only writes a [`Cohort`]; it computes nothing. A new format is a file here and one arm of each match.

mod csv;
mod html;

use crate::i18n::Locale;
use crate::lab::Lab;

use super::Cohort;

/// How a cohort is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "kebab-case")]
pub enum CohortFormat {
    Json,
    ChecksCsv,
    LearnersCsv,
    Html,
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("could not write the CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("could not write the JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl CohortFormat {
    pub const ALL: [CohortFormat; 4] =
        [CohortFormat::Json, CohortFormat::ChecksCsv, CohortFormat::LearnersCsv, CohortFormat::Html];

    /// Its name in `--format` and `?format=`.
    pub fn name(self) -> &'static str {
        match self {
            CohortFormat::Json => "json",
            CohortFormat::ChecksCsv => "checks-csv",
            CohortFormat::LearnersCsv => "learners-csv",
            CohortFormat::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            CohortFormat::Json => "application/json",
            CohortFormat::ChecksCsv | CohortFormat::LearnersCsv => "text/csv; charset=utf-8; header=present",
            CohortFormat::Html => "text/html; charset=utf-8",
        }
    }

    /// The format named `name`, or a one-line error that lists the names.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|f| f.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|f| f.name()).collect();
            format!("unknown cohort format `{}` (formats: {})", name.escape_debug(), names.join(", "))
        })
    }

    /// `cohort` of `lab`, written in this format, its texts in `locale`.
    pub fn write(self, cohort: &Cohort, lab: &Lab, locale: &Locale) -> Result<String, FormatError> {
        match self {
            CohortFormat::Json => Ok(serde_json::to_string_pretty(cohort)? + "\n"),
            CohortFormat::ChecksCsv => csv::checks(cohort, lab, locale),
            CohortFormat::LearnersCsv => csv::learners(cohort, lab),
            CohortFormat::Html => Ok(html::page(cohort, lab, locale)),
        }
    }
}

pub use html::content_security_policy;

#[cfg(test)]
mod tests;
