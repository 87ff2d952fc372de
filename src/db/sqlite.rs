//! The embedded store: one SQLite file (WAL, every commit synced), for the CLI and a single `labcheck serve`: its
//! connections, its schema and its migrations; each domain's queries are in its own folder. Reads take connections
//! of their own; writes queue for the one writer, which commits those waiting together ([`writer`]).
//! Deleted content is overwritten with zeros (`secure_delete`), and an erasure (a learner forgotten, evidence
//! pruned) is checkpointed at once, so the file keeps no erased bytes in free pages or in its log.
//!
//! Schema 1: `gradings` (one row per grading: report and evidence as JSON; evidence NULL once dropped) and
//! `progress` (one row per learner and lab: the merged progress as JSON). Schema 2: `sessions` (one row per learner
//! session: the session as JSON and its token's SHA-256). Schema 3: `lti_logins` (LTI logins in flight) and
//! `lti_pending_scores` (scores a platform has not taken yet). Schema 4: an index of progress by lab (the cohort).
//! Schema 5: gradings and sessions by learner (erasure). Schema 6: LTI logins by expiry (each new login removes the
//! expired ones without a scan). Schema 7: `progress_outlines`, each progress document's outline (what a cohort
//! reads of it), in a table of its own so that reading it does not walk the document's overflow pages; a trigger
//! removes it with its progress. `PRAGMA user_version` is the schema version; a file of a newer version is refused,
//! an older one migrated in a transaction.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::StoreError;
use crate::one_line;

mod writer;

/// Each schema version's migration from the one before, in order: `MIGRATIONS[n]` takes a file from n to n + 1.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE gradings (
        id TEXT PRIMARY KEY,
        learner TEXT NOT NULL,
        lab TEXT NOT NULL,
        graded_at TEXT NOT NULL,
        graded_at_ms INTEGER NOT NULL,
        report TEXT NOT NULL,
        evidence TEXT
    );
    CREATE INDEX gradings_by_time ON gradings (graded_at_ms) WHERE evidence IS NOT NULL;
    CREATE TABLE progress (
        learner TEXT NOT NULL,
        lab TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (learner, lab)
    );
",
    "
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        token_sha256 TEXT NOT NULL,
        body TEXT NOT NULL
    );
",
    "
    CREATE TABLE lti_logins (
        state TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE lti_pending_scores (
        session_id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        timestamp TEXT NOT NULL
    );
",
    "
    CREATE INDEX progress_by_lab ON progress (lab, learner);
",
    "
    CREATE INDEX gradings_by_learner ON gradings (learner, lab);
    CREATE INDEX sessions_by_learner ON sessions (json_extract(body, '$.learner'));
",
    "
    CREATE INDEX lti_logins_by_expiry ON lti_logins (expires_at);
",
    "
    CREATE TABLE progress_outlines (
        lab TEXT NOT NULL,
        learner TEXT NOT NULL,
        outline TEXT NOT NULL,
        PRIMARY KEY (lab, learner)
    );
    CREATE TRIGGER progress_outlines_go_with_their_progress AFTER DELETE ON progress BEGIN
        DELETE FROM progress_outlines WHERE lab = old.lab AND learner = old.learner;
    END;
",
];

/// The file's schema: how many migrations it has had (`PRAGMA user_version`).
const FILE_SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// How long one call waits for a lock another connection or process holds, then fails ("database is locked"):
/// the grading answers its verdicts and says it was not kept.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle connections kept for the next calls; more are opened when more calls run at once.
const IDLE_CONNECTIONS: usize = 8;

/// A SQLite file store. Each read takes a connection of its own (an idle one, or a new one) on the blocking pool:
/// no lock of the process is held while SQLite waits for the file's, so one read stuck on a locked file holds up no
/// other. Each write queues for the store's writer ([`writer::Writer`]).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    path: PathBuf,
    idle: Arc<Mutex<Vec<Connection>>>,
    writer: Arc<writer::Writer>,
}

impl SqliteStore {
    /// Opens `path`, creating it (and its folder) if missing, migrating it to the current schema.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let path = path.to_owned();
        let opened = path.clone();
        let connection = tokio::task::spawn_blocking(move || open_file(&opened))
            .await
            .map_err(|e| StoreError::Failed { store: describe(&path), message: e.to_string() })??;
        let writer = Arc::new(writer::Writer::start(path.clone(), connect));
        Ok(Self { path, idle: Arc::new(Mutex::new(vec![connection])), writer })
    }

    fn name(&self) -> String {
        describe(&self.path)
    }

    /// Runs `work`, a write, in the writer's next group: its answer comes once the group is committed.
    pub(crate) fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> BoxFuture<'_, Result<T, StoreError>> {
        let answered = self.writer.write(work);
        async move {
            match answered.await {
                Ok(result) => result.map_err(|message| StoreError::Failed { store: self.name(), message }),
                Err(_) => Err(StoreError::Failed { store: self.name(), message: "the store's writer stopped".to_owned() }),
            }
        }
        .boxed()
    }

    /// Runs `work`, a read (or a checkpoint), on a connection of its own, off the async threads.
    pub(crate) fn with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> BoxFuture<'_, Result<T, StoreError>> {
        let (idle, path) = (self.idle.clone(), self.path.clone());
        async move {
            let done = tokio::task::spawn_blocking(move || {
                let taken = idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
                let mut connection = match taken {
                    Some(connection) => connection,
                    None => connect(&path)?,
                };
                let result = work(&mut connection);
                let mut idle = idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if idle.len() < IDLE_CONNECTIONS {
                    idle.push(connection);
                }
                result
            })
            .await;
            match done {
                Ok(result) => result.map_err(|e| self.failed(&e)),
                Err(e) => Err(StoreError::Failed { store: self.name(), message: e.to_string() }),
            }
        }
        .boxed()
    }

    fn failed(&self, error: &rusqlite::Error) -> StoreError {
        StoreError::Failed { store: self.name(), message: one_line(error) }
    }
}

fn describe(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}

fn open_file(path: &Path) -> Result<Connection, StoreError> {
    let unusable = |message: String| StoreError::Unusable { store: describe(path), message };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| unusable(format!("cannot create {}: {e}", folder.display())))?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut connection = Connection::open_with_flags(path, flags).map_err(|e| unusable(one_line(&e)))?;
    let setup = || -> Result<u32, rusqlite::Error> {
        connection.busy_timeout(BUSY_TIMEOUT)?;
        // Reading the schema version is the first read: a file that is not a database fails here.
        let version: u32 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "secure_delete", "ON")?;
        Ok(version)
    };
    let version = setup().map_err(|e| unusable(one_line(&e)))?;
    if version > FILE_SCHEMA_VERSION {
        return Err(StoreError::Newer { store: describe(path), found: version, reads: FILE_SCHEMA_VERSION });
    }
    migrate(&mut connection, version)
        .map_err(|e| unusable(format!("migrating from schema {version}: {}", one_line(&e))))?;
    Ok(connection)
}

/// Another connection to a file [`open_file`] has set up (WAL is the file's; the rest is each connection's).
fn connect(path: &Path) -> Result<Connection, rusqlite::Error> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "secure_delete", "ON")?;
    Ok(connection)
}

/// After an erasure: what was deleted (zeroed in its pages, `secure_delete`) is copied into the file and the
/// write-ahead log emptied, so neither still holds the erased bytes. A reader still busy leaves the log for the
/// next checkpoint.
pub(crate) fn checkpoint(connection: &Connection) -> Result<(), rusqlite::Error> {
    connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

fn migrate(connection: &mut Connection, from: u32) -> Result<(), rusqlite::Error> {
    if from == FILE_SCHEMA_VERSION {
        return Ok(());
    }
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    // Another process may have migrated it meanwhile.
    let now: u32 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for migration in MIGRATIONS.iter().skip(now as usize) {
        transaction.execute_batch(migration)?;
    }
    transaction.pragma_update(None, "user_version", FILE_SCHEMA_VERSION)?;
    transaction.commit()
}

/// A stored JSON document that does not read back: the file was changed by something else.
pub(crate) fn corrupt(what: &str, error: &serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(format!("a stored {what} does not read back: {error}").into())
}
