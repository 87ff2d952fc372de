//! Gradescope's autograder `results.json`: the score, and a test per check (name, number, score, max_score, status
//! `passed`/`failed`, output with the message and hint, visibility), so a course on Gradescope grades AWS labs with
//! labcheck. A check that could not be read is `failed` with no points, its output saying so.

use std::io;

use serde::Serialize;

use super::human::counts;
use utoipa::openapi::{RefOr, Schema};

use super::{Format, Style};
use crate::i18n::msg;
use crate::model::{CheckResult, Report, Status};

pub struct Gradescope;

/// `results.json` as Gradescope's autograder specification lists its fields.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = GradescopeResults)]
struct Results<'a> {
    score: u32,
    execution_time: f64,
    output: String,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<Test<'a>>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = GradescopeTest)]
struct Test<'a> {
    name: String,
    number: String,
    score: u32,
    max_score: u32,
    status: &'static str,
    output: String,
    tags: Vec<&'a str>,
    visibility: &'static str,
}

impl Format for Gradescope {
    fn name(&self) -> &'static str {
        "gradescope"
    }

    fn summary(&self) -> &'static str {
        "Gradescope's autograder results.json"
    }

    fn content_type(&self) -> &'static str {
        "application/json"
    }

    fn write(&self, report: &Report, _style: Style, out: &mut dyn io::Write) -> io::Result<()> {
        let results = Results {
            score: report.score,
            execution_time: report.duration.as_secs_f64(),
            output: format!("{}: {}/{} · {}", report.lab.title, report.score, report.max_score, counts(report, true)),
            visibility: "visible",
            stdout_visibility: "hidden",
            tests: report.checks.iter().map(|c| test(report, c)).collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &results)?;
        out.write_all(b"\n")
    }

    fn document_schema(&self, components: &mut Vec<(String, RefOr<Schema>)>) -> RefOr<Schema> {
        super::schema_of::<Results<'static>>(components)
    }
}

fn test<'a>(report: &'a Report, check: &'a CheckResult) -> Test<'a> {
    let step = report.steps.iter().position(|s| s.id == check.step).map_or(0, |i| i + 1);
    let number = report.checks_of(&check.step).position(|c| c.id == check.id).map_or(0, |i| i + 1);
    let output = match (&check.hint, check.status) {
        (Some(hint), Status::Fail | Status::Error) => {
            format!("{}\n\n{}", check.message, report.say(msg!("report-hint-sentence", hint)))
        }
        _ => check.message.clone(),
    };
    Test {
        name: check.title.clone(),
        number: format!("{step}.{number}"),
        score: check.points,
        max_score: check.max_points,
        status: if check.status == Status::Pass { "passed" } else { "failed" },
        output,
        tags: vec![check.step.as_str(), check.status.as_str()],
        visibility: "visible",
    }
}
