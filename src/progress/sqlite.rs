//! Progress in the SQLite store ([`crate::db::sqlite`]): the `gradings`, `progress` and `progress_outlines` tables.

use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use rusqlite::{OptionalExtension, params};

use super::{Grading, Progress, ProgressStore, merge};
use crate::clock::epoch_millis;
use crate::db::sqlite::{checkpoint, corrupt};
use crate::db::{SqliteStore, StoreError};
use crate::lab::Lab;
use crate::snapshot::Snapshot;

impl ProgressStore for SqliteStore {
    fn record<'a>(&'a self, lab: Arc<Lab>, grading: Grading) -> BoxFuture<'a, Result<Progress, StoreError>> {
        let report = serde_json::to_string(&grading.report).expect("a report serializes");
        let evidence = grading.evidence.as_ref().map(Snapshot::to_json);
        // The writer's transaction holds the write lock: two gradings of one learner merge one after the other.
        self.write(move |transaction| {
            transaction.execute(
                "INSERT INTO gradings (id, learner, lab, graded_at, graded_at_ms, report, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    grading.id,
                    grading.learner,
                    grading.lab,
                    grading.graded_at,
                    epoch_millis(&grading.graded_at),
                    report,
                    evidence
                ],
            )?;
            let previous: Option<String> = transaction
                .query_row(
                    "SELECT body FROM progress WHERE learner = ?1 AND lab = ?2",
                    params![grading.learner, grading.lab],
                    |row| row.get(0),
                )
                .optional()?;
            let previous =
                previous.map(|body| serde_json::from_str(&body)).transpose().map_err(|e| corrupt("progress", &e))?;
            let progress = merge(previous, &lab, &grading);
            transaction.execute(
                "INSERT INTO progress (learner, lab, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (learner, lab) DO UPDATE SET body = excluded.body",
                params![grading.learner, grading.lab, serde_json::to_string(&progress).expect("progress serializes")],
            )?;
            transaction.execute(
                "INSERT INTO progress_outlines (lab, learner, outline) VALUES (?1, ?2, ?3)
                 ON CONFLICT (lab, learner) DO UPDATE SET outline = excluded.outline",
                params![grading.lab, grading.learner, super::outline(&progress)],
            )?;
            Ok(progress)
        })
    }

    fn progress<'a>(&'a self, learner: &'a str, lab: &'a str) -> BoxFuture<'a, Result<Option<Progress>, StoreError>> {
        let (learner, lab) = (learner.to_owned(), lab.to_owned());
        self.with(move |connection| {
            let body: Option<String> = connection
                .query_row("SELECT body FROM progress WHERE learner = ?1 AND lab = ?2", params![learner, lab], |row| {
                    row.get(0)
                })
                .optional()?;
            body.map(|body| serde_json::from_str(&body)).transpose().map_err(|e| corrupt("progress", &e))
        })
    }

    fn grading<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Grading>, StoreError>> {
        let id = id.to_owned();
        self.with(move |connection| {
            let row = connection
                .query_row(
                    "SELECT id, learner, lab, graded_at, report, evidence FROM gradings WHERE id = ?1",
                    params![id],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, String>(3)?,
                            row.get::<_, String>(4)?,
                            row.get::<_, Option<String>>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((id, learner, lab, graded_at, report, evidence)) = row else { return Ok(None) };
            let report = serde_json::from_str(&report).map_err(|e| corrupt("report", &e))?;
            let evidence = evidence
                .map(|text| Snapshot::parse(&text))
                .transpose()
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(format!("stored evidence: {e}").into()))?;
            Ok(Some(Grading { id, learner, lab, graded_at, report, evidence }))
        })
    }

    fn forget_evidence_before<'a>(&'a self, cutoff: &'a str) -> BoxFuture<'a, Result<u64, StoreError>> {
        let cutoff = epoch_millis(cutoff);
        async move {
            let changed = self
                .write(move |connection| {
                    connection.execute(
                        "UPDATE gradings SET evidence = NULL WHERE evidence IS NOT NULL AND graded_at_ms < ?1",
                        params![cutoff],
                    )
                })
                .await?;
            self.with(|connection| checkpoint(connection)).await?;
            Ok(changed as u64)
        }
        .boxed()
    }
}
