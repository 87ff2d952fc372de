//! A learner's records in the SQLite store, found by index (schema 5), erased in one transaction.

use futures::future::BoxFuture;
use futures::FutureExt;
use rusqlite::params;

use super::{Forgotten, LearnerRecords, RecordIds};
use crate::db::{SqliteStore, StoreError};

/// The sessions of a learner (in a lab): the expression `sessions_by_learner` indexes.
const SESSIONS_OF: &str = "json_extract(body, '$.learner') = ?1 AND (?2 IS NULL OR json_extract(body, '$.lab') = ?2)";

impl LearnerRecords for SqliteStore {
    fn records_of<'a>(
        &'a self,
        learner: &'a str,
        lab: Option<&'a str>,
    ) -> BoxFuture<'a, Result<RecordIds, StoreError>> {
        let (learner, lab) = (learner.to_owned(), lab.map(str::to_owned));
        self.with(move |connection| {
            let ids = |sql: &str| -> Result<Vec<String>, rusqlite::Error> {
                let mut statement = connection.prepare(sql)?;
                let ids = statement.query_map(params![learner, lab], |row| row.get(0))?;
                ids.collect()
            };
            Ok(RecordIds {
                labs: ids("SELECT lab FROM progress WHERE learner = ?1 AND (?2 IS NULL OR lab = ?2) ORDER BY lab")?,
                gradings: ids(
                    "SELECT id FROM gradings WHERE learner = ?1 AND (?2 IS NULL OR lab = ?2) ORDER BY graded_at_ms, id",
                )?,
                sessions: ids(&format!("SELECT id FROM sessions WHERE {SESSIONS_OF} ORDER BY id"))?,
            })
        })
    }

    fn forget_learner<'a>(
        &'a self,
        learner: &'a str,
        lab: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Forgotten, StoreError>> {
        let (learner, lab) = (learner.to_owned(), lab.map(str::to_owned));
        let erased = self.write(move |transaction| {
            let count = |sql: &str| transaction.execute(sql, params![learner, lab]).map(|n| n as u64);
            count(&format!(
                "DELETE FROM lti_pending_scores WHERE session_id IN (SELECT id FROM sessions WHERE {SESSIONS_OF})"
            ))?;
            let forgotten = Forgotten {
                progress: count("DELETE FROM progress WHERE learner = ?1 AND (?2 IS NULL OR lab = ?2)")?,
                gradings: count("DELETE FROM gradings WHERE learner = ?1 AND (?2 IS NULL OR lab = ?2)")?,
                sessions: count(&format!("DELETE FROM sessions WHERE {SESSIONS_OF}"))?,
            };
            Ok(forgotten)
        });
        async move {
            let forgotten = erased.await?;
            self.with(|connection| crate::db::sqlite::checkpoint(connection)).await?;
            Ok(forgotten)
        }
        .boxed()
    }
}
