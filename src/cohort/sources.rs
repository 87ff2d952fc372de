//! Where a cohort's progress comes from: every learner's outline in one lab (a class by id prefix), read through an
//! index in each store, never a scan of everything.
//! - SQLite: the `progress_by_lab` index (schema 4), each row joined to its outline in `progress_outlines`
//!   (schema 7); a row without one (written before outlines) gives its document.
//! - DynamoDB: the sparse index `progress-by-lab` (partition `progress_lab`, sort `learner`) over progress items
//!   alone, queried page by page for the `outline` attribute alone; an item without one is read whole. An index,
//!   rather than aggregates kept per lab and check: aggregates updated in the grading's transaction would make
//!   every learner of a class write the same items at once (contention and retries exactly when a class is
//!   busiest), and could not answer per-learner rows, a class prefix or a time window. The index is read only when
//!   an instructor asks.
//!
//! Each outline is folded into the [`Class`] as its row (or page) arrives and then dropped: the figures keep a few
//! numbers per learner and check, so a class of any size takes the memory of its figures.

use futures::FutureExt;
use futures::future::BoxFuture;
use rusqlite::params;

use super::Class;
use crate::db::sqlite::corrupt;
use crate::db::{SqliteStore, StoreError};
#[cfg(feature = "aws")]
use crate::db::{DynamoStore, dynamodb::OUTLINE};

pub trait Cohorts: Send + Sync {
    /// `class` with every learner's progress in its lab folded in (those whose id starts with its learner prefix,
    /// everyone without one).
    fn read_class(&self, class: Class) -> BoxFuture<'_, Result<Class, StoreError>>;
}

impl Cohorts for SqliteStore {
    fn read_class(&self, mut class: Class) -> BoxFuture<'_, Result<Class, StoreError>> {
        self.with(move |connection| {
            let mut statement = connection.prepare(
                "SELECT coalesce(outline.outline, progress.body) FROM progress
                 LEFT JOIN progress_outlines AS outline USING (lab, learner)
                 WHERE lab = ?1 AND substr(learner, 1, length(?2)) = ?2 ORDER BY learner",
            )?;
            let prefix = class.learner_prefix().unwrap_or_default().to_owned();
            let mut rows = statement.query(params![class.lab(), prefix])?;
            while let Some(row) = rows.next()? {
                let body = row.get_ref(0)?.as_str()?;
                class.read(body).map_err(|e| corrupt("progress", &e))?;
            }
            drop(rows);
            Ok(class)
        })
    }
}

#[cfg(feature = "aws")]
impl Cohorts for DynamoStore {
    /// Reads each item's outline through the index by lab, page by page; an item without one (written before
    /// outlines) is read whole.
    fn read_class(&self, mut class: Class) -> BoxFuture<'_, Result<Class, StoreError>> {
        use aws_sdk_dynamodb::types::AttributeValue;
        async move {
            let mut query = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(crate::db::dynamodb::LAB_INDEX)
                // The outline, not the body: an item's outline is a third of it.
                .projection_expression("learner, #schema, #outline")
                .expression_attribute_names("#schema", "schema")
                .expression_attribute_names("#outline", OUTLINE)
                .expression_attribute_names("#lab", "progress_lab")
                .expression_attribute_values(":lab", AttributeValue::S(class.lab().to_owned()));
            query = match class.learner_prefix().filter(|p| !p.is_empty()) {
                Some(prefix) => query
                    .key_condition_expression("#lab = :lab AND begins_with(learner, :prefix)")
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned())),
                None => query.key_condition_expression("#lab = :lab"),
            };
            let mut pages = query.into_paginator().items().send();
            while let Some(item) = pages.next().await {
                let item = item.map_err(|e| self.failed_call(&e))?;
                self.check_schema(&item)?;
                if item.contains_key(OUTLINE) {
                    let outline = self.text(&item, OUTLINE)?;
                    class.read(outline).map_err(|e| self.failed(format!("a stored outline does not read back: {e}")))?;
                } else {
                    // Written by a labcheck before outlines: its document, whole.
                    let learner = self.text(&item, "learner")?;
                    let lab = class.lab().to_owned();
                    let whole = crate::progress::ProgressStore::progress(self, learner, &lab).await?;
                    class.add_progress(whole.as_ref());
                }
            }
            Ok(class)
        }
        .boxed()
    }
}
