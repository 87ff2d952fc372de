//! Sessions in the SQLite store: the `sessions` table (schema 2), one row per session.

use futures::future::BoxFuture;
use rusqlite::{OptionalExtension, params};

use super::{LearnerSession, Sessions};
use crate::db::sqlite::corrupt;
use crate::db::{SqliteStore, StoreError};

impl Sessions for SqliteStore {
    fn put_session<'a>(
        &'a self,
        session: &'a LearnerSession,
        digest: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let (id, digest) = (session.id.clone(), digest.to_owned());
        let body = serde_json::to_string(session).expect("a session serializes");
        self.write(move |connection| {
            connection.execute(
                "INSERT INTO sessions (id, token_sha256, body) VALUES (?1, ?2, ?3)",
                params![id, digest, body],
            )?;
            Ok(())
        })
    }

    fn session<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<(LearnerSession, String)>, StoreError>> {
        let id = id.to_owned();
        self.with(move |connection| {
            let row: Option<(String, String)> = connection
                .query_row("SELECT body, token_sha256 FROM sessions WHERE id = ?1", params![id], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?;
            let Some((body, digest)) = row else { return Ok(None) };
            let session = serde_json::from_str(&body).map_err(|e| corrupt("session", &e))?;
            Ok(Some((session, digest)))
        })
    }

    fn revoke_session<'a>(&'a self, id: &'a str, at: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        let (id, at) = (id.to_owned(), at.to_owned());
        self.write(move |connection| {
            // json_set keeps the first revocation's time: revoking twice changes nothing.
            let changed = connection.execute(
                "UPDATE sessions SET body = json_set(body, '$.revoked_at', COALESCE(json_extract(body, '$.revoked_at'), ?2))
                 WHERE id = ?1",
                params![id, at],
            )?;
            Ok(changed > 0)
        })
    }
}
