//! The JSON report: the [`Report`] document as it is (see the README for the schema).

use crate::model::Report;

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).expect("a report always serializes");
    out.push('\n');
    out
}
