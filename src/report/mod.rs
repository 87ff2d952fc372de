//! Reporters: each turns a finished [`Report`] into one output format. They only format; nothing here reads
//! AWS or decides a status.

mod human;
mod json;
mod junit;
mod text;

use crate::model::Report;

pub use human::HumanOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A checklist per step with hints, for people.
    Human,
    /// One JSON document (schema in the README).
    Json,
    /// JUnit XML: a testsuite per step, a testcase per check.
    Junit,
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format, human: &HumanOptions) -> String {
    match format {
        Format::Human => human::render(report, human),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
    }
}

#[cfg(test)]
mod tests;
