//! LTI records in the SQLite store: `lti_logins` and `lti_pending_scores` (schema 3), logins by expiry (schema 6).

use futures::future::BoxFuture;
use rusqlite::{OptionalExtension, params};

use super::records::{Login, LtiRecords, PendingScore};
use crate::clock::now_epoch;
use crate::db::sqlite::corrupt;
use crate::db::{SqliteStore, StoreError};

impl LtiRecords for SqliteStore {
    fn put_login<'a>(&'a self, login: &'a Login) -> BoxFuture<'a, Result<(), StoreError>> {
        let body = serde_json::to_string(login).expect("a login serializes");
        let (state, expires_at) = (login.state.clone(), login.expires_at);
        self.write(move |connection| {
            // Logins never taken (the learner closed the tab) go as new ones come.
            connection.execute("DELETE FROM lti_logins WHERE expires_at < ?1", params![now_epoch()])?;
            connection.execute(
                "INSERT INTO lti_logins (state, body, expires_at) VALUES (?1, ?2, ?3)",
                params![state, body, expires_at],
            )?;
            Ok(())
        })
    }

    fn take_login<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<Option<Login>, StoreError>> {
        let state = state.to_owned();
        self.write(move |connection| {
            let body: Option<String> = connection
                .query_row("DELETE FROM lti_logins WHERE state = ?1 RETURNING body", params![state], |row| row.get(0))
                .optional()?;
            let Some(body) = body else { return Ok(None) };
            let login: Login = serde_json::from_str(&body).map_err(|e| corrupt("LTI login", &e))?;
            Ok((login.expires_at > now_epoch()).then_some(login))
        })
    }

    fn put_pending_score<'a>(&'a self, pending: &'a PendingScore) -> BoxFuture<'a, Result<(), StoreError>> {
        let body = serde_json::to_string(pending).expect("a pending score serializes");
        let (session, timestamp) = (pending.session_id.clone(), pending.score.timestamp.clone());
        self.write(move |connection| {
            connection.execute(
                "INSERT INTO lti_pending_scores (session_id, body, timestamp) VALUES (?1, ?2, ?3)
                 ON CONFLICT (session_id) DO UPDATE SET body = excluded.body, timestamp = excluded.timestamp
                 WHERE excluded.timestamp >= lti_pending_scores.timestamp",
                params![session, body, timestamp],
            )?;
            Ok(())
        })
    }

    fn pending_scores(&self) -> BoxFuture<'_, Result<Vec<PendingScore>, StoreError>> {
        self.with(|connection| {
            let mut statement = connection.prepare("SELECT body FROM lti_pending_scores ORDER BY timestamp")?;
            let bodies = statement.query_map([], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            bodies.iter().map(|b| serde_json::from_str(b).map_err(|e| corrupt("pending score", &e))).collect()
        })
    }

    fn drop_pending_score<'a>(
        &'a self,
        session_id: &'a str,
        timestamp: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let (session, timestamp) = (session_id.to_owned(), timestamp.to_owned());
        self.write(move |connection| {
            connection.execute(
                "DELETE FROM lti_pending_scores WHERE session_id = ?1 AND timestamp = ?2",
                params![session, timestamp],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    /// A login flood left thousands of rows that each new login scanned to remove the expired ones (before:
    /// `SCAN lti_logins`): the removal goes by the expiry index.
    #[tokio::test]
    async fn expired_logins_are_removed_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        crate::db::SqliteStore::open(&path).await.unwrap();
        let connection = rusqlite::Connection::open(&path).unwrap();
        let plan: Vec<String> = connection
            .prepare("EXPLAIN QUERY PLAN DELETE FROM lti_logins WHERE expires_at < 5")
            .unwrap()
            .query_map([], |row| row.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(plan.iter().any(|step| step.contains("lti_logins_by_expiry")), "{plan:?}");
    }
}

