//! Where a cohort's progress documents come from: every learner's progress in one lab (a class by id prefix), read
//! through an index in each store, never a scan of everything.
//! - SQLite: the `progress_by_lab` index (schema 4).
//! - DynamoDB: the sparse index `progress-by-lab` (partition `progress_lab`, sort `learner`) over progress items
//!   alone, queried page by page. An index, rather than aggregates kept per lab and check: aggregates updated in
//!   the grading's transaction would make every learner of a class write the same items at once (contention and
//!   retries exactly when a class is busiest), and could not answer per-learner rows, a class prefix or a time
//!   window. The index is read only when an instructor asks.
//!
//! A class's documents are read one at a time (SQLite's rows, DynamoDB's pages) and each is kept only as far as the
//! figures read it ([`Kept`]): a real document is mostly evidence and messages (about 15 KB; a class of 10,000 took
//! 596 MB parsed whole), and the figures need each check's verdict, points, trail and, for a failure, its message.

use std::collections::BTreeMap;

use futures::FutureExt;
use futures::future::BoxFuture;
use rusqlite::params;
use serde::Deserialize;

use crate::i18n::Message;
use crate::model::Status;
use crate::progress::{CheckProgress, DynamoStore, Progress, SqliteStore, StoreError, Trail, corrupt};

/// A progress document as the cohort reads it: what [`super::compute`] uses, the rest (evidence, the grading ids,
/// the messages of what passed, the trail's fingerprint) skipped as it is parsed.
#[derive(Deserialize)]
struct Kept {
    learner: String,
    lab: String,
    checks: BTreeMap<String, KeptCheck>,
    #[serde(default)]
    gradings: u64,
    updated_at: String,
}

#[derive(Deserialize)]
struct KeptCheck {
    status: Status,
    points: u32,
    max_points: u32,
    message: String,
    #[serde(default)]
    message_id: Option<String>,
    #[serde(default)]
    message_source: Option<Message>,
    #[serde(default)]
    passed_at: Option<String>,
    #[serde(default)]
    trail: Trail,
}

impl From<Kept> for Progress {
    fn from(kept: Kept) -> Self {
        let checks = kept.checks.into_iter().map(|(id, check)| (id, check.into())).collect();
        Progress { learner: kept.learner, lab: kept.lab, checks, gradings: kept.gradings, updated_at: kept.updated_at }
    }
}

impl From<KeptCheck> for CheckProgress {
    fn from(check: KeptCheck) -> Self {
        // A failure's message is a failure reason's example; no figure reads another's.
        let failing = check.status == Status::Fail;
        CheckProgress {
            status: check.status,
            points: check.points,
            max_points: check.max_points,
            message: if failing { check.message } else { String::new() },
            message_id: check.message_id,
            message_source: check.message_source.filter(|_| failing),
            passed_at: check.passed_at,
            grading: String::new(),
            evidence: Default::default(),
            trail: Trail { last_seen: None, ..check.trail },
        }
    }
}

/// A progress document as the cohort keeps it.
pub(super) fn read_kept(body: &str) -> Result<Progress, serde_json::Error> {
    serde_json::from_str::<Kept>(body).map(Progress::from)
}

pub trait Cohorts: Send + Sync {
    /// Every learner's progress in `lab` whose id starts with `learner_prefix` (everyone without one).
    fn progress_of_lab<'a>(
        &'a self,
        lab: &'a str,
        learner_prefix: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Progress>, StoreError>>;
}

impl Cohorts for SqliteStore {
    fn progress_of_lab<'a>(
        &'a self,
        lab: &'a str,
        learner_prefix: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Progress>, StoreError>> {
        let (lab, prefix) = (lab.to_owned(), learner_prefix.unwrap_or_default().to_owned());
        self.with(move |connection| {
            let mut statement = connection.prepare(
                "SELECT body FROM progress WHERE lab = ?1 AND substr(learner, 1, length(?2)) = ?2 ORDER BY learner",
            )?;
            let bodies = statement.query_map(params![lab, prefix], |row| row.get::<_, String>(0))?;
            bodies
                .map(|body| read_kept(&body?).map_err(|e| corrupt("progress", &e)))
                .collect::<Result<Vec<Progress>, _>>()
        })
    }
}

#[cfg(feature = "aws")]
impl Cohorts for DynamoStore {
    fn progress_of_lab<'a>(
        &'a self,
        lab: &'a str,
        learner_prefix: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Progress>, StoreError>> {
        use aws_sdk_dynamodb::types::AttributeValue;
        async move {
            let mut query = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(crate::progress::LAB_INDEX)
                .expression_attribute_names("#lab", "progress_lab")
                .expression_attribute_values(":lab", AttributeValue::S(lab.to_owned()));
            query = match learner_prefix.filter(|p| !p.is_empty()) {
                Some(prefix) => query
                    .key_condition_expression("#lab = :lab AND begins_with(learner, :prefix)")
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned())),
                None => query.key_condition_expression("#lab = :lab"),
            };
            let mut pages = query.into_paginator().items().send();
            let mut progresses = Vec::new();
            while let Some(item) = pages.next().await {
                let item = item.map_err(|e| self.failed_call(&e))?;
                self.check_schema(&item)?;
                progresses.push(Progress::from(self.json::<Kept>(&item, "body")?));
            }
            Ok(progresses)
        }
        .boxed()
    }
}
