//! A progress document's outline: what a class's figures read of it, written beside the document at each merge so
//! that the cohort of a class reads about 5 KB per learner rather than the whole document (about 15 KB, mostly
//! evidence and messages). It has the document's field names and leaves out the evidence, the grading ids, the
//! messages of what did not fail and the trail's fingerprint; a reader of documents reads an outline as one whose
//! skipped parts are empty.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{CheckProgress, Progress};
use crate::i18n::Message;
use crate::model::Status;

#[derive(Serialize)]
struct Outline<'a> {
    learner: &'a str,
    lab: &'a str,
    checks: BTreeMap<&'a str, CheckOutline<'a>>,
    gradings: u64,
    updated_at: &'a str,
}

#[derive(Serialize)]
struct CheckOutline<'a> {
    status: Status,
    points: u32,
    max_points: u32,
    /// A failure's message (an example of its reason); empty otherwise.
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_source: Option<&'a Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passed_at: Option<&'a str>,
    trail: TrailOutline<'a>,
}

#[derive(Serialize)]
struct TrailOutline<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    first_judged_at: Option<&'a str>,
    judged: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    judged_to_pass: Option<u32>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    failures: &'a BTreeMap<String, u32>,
}

/// `progress`'s outline, as JSON.
pub fn outline(progress: &Progress) -> String {
    let checks = progress.checks.iter().map(|(id, check)| (id.as_str(), CheckOutline::of(check))).collect();
    let outline = Outline {
        learner: &progress.learner,
        lab: &progress.lab,
        checks,
        gradings: progress.gradings,
        updated_at: &progress.updated_at,
    };
    serde_json::to_string(&outline).expect("an outline serializes")
}

impl<'a> CheckOutline<'a> {
    fn of(check: &'a CheckProgress) -> Self {
        let failing = check.status == Status::Fail;
        CheckOutline {
            status: check.status,
            points: check.points,
            max_points: check.max_points,
            message: if failing { &check.message } else { "" },
            message_id: check.message_id.as_deref(),
            message_source: check.message_source.as_ref().filter(|_| failing),
            passed_at: check.passed_at.as_deref(),
            trail: TrailOutline {
                first_judged_at: check.trail.first_judged_at.as_deref(),
                judged: check.trail.judged,
                judged_to_pass: check.trail.judged_to_pass,
                failures: &check.trail.failures,
            },
        }
    }
}
