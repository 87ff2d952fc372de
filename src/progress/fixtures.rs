//! A small lab and gradings of it, for the tests of progress and of the cohort built on it.

use std::path::Path;

use crate::lab::Lab;
use crate::model::{CheckResult, Evidence, Report, Status, Target};
use crate::progress::Grading;

pub const LAB: &str = r#"
[lab]
id = "demo"
title = "Demo"

[[steps]]
id = "build"
title = "Build it"

[[steps.checks]]
id = "plan"
title = "Plan exists"
validator = "usage_plan_exists"
points = 2
hint = "Create it."
params = { name = "P", api = "A", stages = ["dev"] }

[[steps.checks]]
id = "key"
title = "Key exists"
validator = "usage_plan_key_exists"
hint = "Create it."
needs = ["plan"]
params = { key = "K", plan = "P" }

[[steps]]
id = "cleanup"
title = "Clean up"
undoes = ["build"]

[[steps.checks]]
id = "plan-gone"
title = "Plan deleted"
validator = "usage_plan_absent"
hint = "Delete it."
params = { name = "P" }
"#;

pub fn lab() -> Lab {
    Lab::parse(Path::new("lab.toml"), LAB).unwrap()
}

/// Check `id`'s result as a grading reports it.
pub fn result(
    lab: &Lab,
    id: &str,
    status: Status,
    message: String,
    message_id: &str,
    evidence: Evidence,
) -> CheckResult {
    let check = lab.check(id).unwrap();
    CheckResult {
        id: id.to_owned(),
        step: check.step.clone(),
        title: check.title.default_text().to_owned(),
        validator: check.validator_name.clone(),
        status,
        points: if status == Status::Pass { check.points } else { 0 },
        max_points: check.points,
        message,
        message_id: Some(message_id.to_owned()),
        message_source: None,
        hint: None,
        evidence,
        duration: std::time::Duration::ZERO,
        passed_at: None,
        grading: None,
    }
}

/// Grading `id` of `learner` at `at` (RFC 3339) with these results.
pub fn grading(lab: &Lab, id: String, learner: &str, at: String, results: Vec<CheckResult>) -> Grading {
    let mut report = Report::started(lab.info(&crate::i18n::english()), &crate::i18n::english(), Target { account_id: None, region: "r".into() });
    report.checks = results;
    report.tally();
    Grading { id, learner: learner.to_owned(), lab: lab.id.clone(), graded_at: at, report, evidence: None }
}
