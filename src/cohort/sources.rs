//! Where a cohort's progress documents come from: every learner's progress in one lab (a class by id prefix), read
//! through an index in each store, never a scan of everything.
//! - SQLite: the `progress_by_lab` index (schema 4).
//! - DynamoDB: the sparse index `progress-by-lab` (partition `progress_lab`, sort `learner`) over progress items
//!   alone, queried page by page. An index, rather than aggregates kept per lab and check: aggregates updated in
//!   the grading's transaction would make every learner of a class write the same items at once (contention and
//!   retries exactly when a class is busiest), and could not answer per-learner rows, a class prefix or a time
//!   window. The index is read only when an instructor asks.

use futures::FutureExt;
use futures::future::BoxFuture;
use rusqlite::params;

use crate::progress::{DynamoStore, Progress, SqliteStore, StoreError, corrupt};

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
                .map(|body| serde_json::from_str(&body?).map_err(|e| corrupt("progress", &e)))
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
                progresses.push(self.json(&item, "body")?);
            }
            Ok(progresses)
        }
        .boxed()
    }
}
