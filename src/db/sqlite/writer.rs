//! The SQLite store's one writer. Writes queue in the order they come for a thread of their own, which commits the
//! writes it finds waiting together: one transaction and one sync for the group, each write in a savepoint of its
//! own, so a write that fails is undone alone and the others in its group are kept.
//!
//! Why: when each write took a connection and raced the others for the file's lock, SQLite's busy handler polled
//! with sleeps, so in a deadline rush the lock went to whichever connection polled at the right moment, a write
//! could wait past the busy timeout while later ones went by ("database is locked"), and every commit waited for a
//! sync of its own. Queued, the writes are served in order; grouped, the disk's syncs per second no longer bound
//! the writes per second.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

use rusqlite::Connection;

use crate::one_line;

/// The most writes one transaction takes: a group is bounded so the first write of a long queue is not kept
/// waiting for the last.
const MOST_IN_A_GROUP: usize = 256;

/// What a write is told once its group is over: `Ok` when its group was committed, else why not.
type Reply = Box<dyn FnOnce(Result<(), &str>) + Send>;

/// One write, run in its group's transaction (`Ok`), or told why its group could not start (`Err`); either way it
/// returns how to answer once the group's end is known.
type Job = Box<dyn FnOnce(Result<&Connection, &str>) -> Reply + Send>;

/// The queue to the writer thread; the thread ends when the last store that holds it is dropped.
#[derive(Debug)]
pub(super) struct Writer {
    queue: Sender<Job>,
}

impl Writer {
    /// Starts the writer of the file at `path` (set up already: WAL), connecting with `connect` when the first
    /// write comes.
    pub(super) fn start(path: PathBuf, connect: fn(&Path) -> Result<Connection, rusqlite::Error>) -> Self {
        let (queue, waiting) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("labcheck-sqlite-writer".to_owned())
            .spawn(move || write_in_groups(&path, connect, &waiting))
            .expect("the SQLite writer thread starts");
        Self { queue }
    }

    /// Queues `work`; the answer is its result once its group is committed, or why the write was not kept.
    pub(super) fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    ) -> tokio::sync::oneshot::Receiver<Result<T, String>> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |connection| {
            let done = match connection {
                Ok(connection) => in_savepoint(connection, work),
                Err(why) => Err(why.to_owned()),
            };
            Box::new(move |group: Result<(), &str>| {
                let result = done.and_then(|value| group.map(|()| value).map_err(str::to_owned));
                // The caller may have gone (a client hung up): the write stays done.
                let _ = answer.send(result);
            })
        });
        if let Err(refused) = self.queue.send(job) {
            // The thread is gone (it panicked): the job is answered here.
            (refused.0)(Err("the store's writer stopped"))(Err("the store's writer stopped"));
        }
        answered
    }
}

/// The writer thread: takes the first write waiting and every one queued behind it (up to a group's size),
/// commits them together, and again, until no store holds the queue.
fn write_in_groups(path: &Path, connect: fn(&Path) -> Result<Connection, rusqlite::Error>, waiting: &Receiver<Job>) {
    let mut connection: Option<Connection> = None;
    while let Ok(first) = waiting.recv() {
        let mut group = vec![first];
        while group.len() < MOST_IN_A_GROUP {
            match waiting.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        if connection.is_none() {
            match connect(path) {
                Ok(opened) => connection = Some(opened),
                Err(e) => {
                    refuse(group, &one_line(&e));
                    continue;
                }
            }
        }
        let Some(open) = &connection else { continue };
        match commit_group(open, group) {
            Ended::Committed => {}
            // A group that could not be committed may leave the connection in a state no one knows: the next
            // group opens another.
            Ended::NotCommitted => connection = None,
            // The file stayed locked for the whole busy timeout: the writes that queued meanwhile have waited as
            // long and would wait again, one timeout after another; they are answered now, with the same reason.
            Ended::NotBegun(why) => {
                refuse(waiting.try_iter().collect(), &why);
                connection = None;
            }
        }
    }
}

/// How a group's transaction ended.
enum Ended {
    Committed,
    NotCommitted,
    /// The transaction could not begin (the file is locked, say); every write of the group was told why.
    NotBegun(String),
}

/// Runs `group` in one transaction and answers each write.
fn commit_group(connection: &Connection, group: Vec<Job>) -> Ended {
    if let Err(e) = connection.execute_batch("BEGIN IMMEDIATE") {
        let why = one_line(&e);
        refuse(group, &why);
        return Ended::NotBegun(why);
    }
    let replies: Vec<Reply> = group.into_iter().map(|job| job(Ok(connection))).collect();
    let committed = connection.execute_batch("COMMIT").map_err(|e| one_line(&e));
    if committed.is_err() {
        let _ = connection.execute_batch("ROLLBACK");
    }
    for reply in replies {
        reply(committed.as_ref().map(|_| ()).map_err(String::as_str));
    }
    match committed {
        Ok(()) => Ended::Committed,
        Err(_) => Ended::NotCommitted,
    }
}

fn refuse(group: Vec<Job>, why: &str) {
    for job in group {
        job(Err(why))(Err(why));
    }
}

/// Runs `work` in a savepoint: kept in the transaction if it succeeds, undone alone if it fails or panics (the
/// writer thread goes on serving the others).
fn in_savepoint<T>(
    connection: &Connection,
    work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
) -> Result<T, String> {
    connection.execute_batch("SAVEPOINT write").map_err(|e| one_line(&e))?;
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(connection)));
    let result = match ran {
        Ok(done) => done
            .and_then(|value| connection.execute_batch("RELEASE write").map(|()| value))
            .map_err(|e| one_line(&e)),
        Err(_) => Err("a write failed unexpectedly (a panic; see the log)".to_owned()),
    };
    if result.is_err() {
        let _ = connection.execute_batch("ROLLBACK TO write; RELEASE write");
    }
    result
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use crate::db::SqliteStore;

    async fn store() -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite");
        let store = SqliteStore::open(&path).await.unwrap();
        (dir, path, store)
    }

    fn insert_login(connection: &rusqlite::Connection, state: &str) -> Result<usize, rusqlite::Error> {
        connection.execute("INSERT INTO lti_logins (state, body, expires_at) VALUES (?1, '{}', 0)", params![state])
    }

    /// The frames in the write-ahead log: each commit appends the pages it changed.
    fn frames_in_log(path: &std::path::Path) -> i64 {
        let connection = rusqlite::Connection::open(path).unwrap();
        connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1)).unwrap()
    }

    /// A deadline rush found each write committed (and synced) alone, racing the others for the file's lock until
    /// some waited past the busy timeout: 100 writes at once made at least 100 commits (one frame or more each).
    /// Queued for one writer, they are committed in groups.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_that_come_together_are_committed_together() {
        let (_dir, path, store) = store().await;
        let writes = (0..100).map(|i| store.write(move |connection| insert_login(connection, &format!("s{i}"))));
        for written in futures::future::join_all(writes).await {
            assert_eq!(written.unwrap(), 1);
        }
        let frames = frames_in_log(&path);
        assert!(frames < 40, "100 writes at once took {frames} frames in the log");
        let kept: i64 = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("SELECT count(*) FROM lti_logins", [], |row| row.get(0))
            .unwrap();
        assert_eq!(kept, 100);
    }

    /// A write that fails is undone alone: the writes committed with it are kept, and it says why.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_leaves_the_others_in_its_group() {
        let (_dir, path, store) = store().await;
        let writes = ["a", "b", "a", "c"].map(|state| store.write(move |connection| insert_login(connection, state)));
        let written = futures::future::join_all(writes).await;
        assert!(written[0].is_ok() && written[1].is_ok() && written[3].is_ok(), "{written:?}");
        let refused = written[2].as_ref().unwrap_err().to_string();
        assert!(refused.contains("UNIQUE constraint failed"), "{refused}");
        let panicked = store.write(|_| -> Result<(), rusqlite::Error> { panic!("a bug in a write") }).await;
        assert!(panicked.unwrap_err().to_string().contains("unexpectedly"));
        store.write(|connection| insert_login(connection, "d")).await.unwrap();
        let connection = rusqlite::Connection::open(&path).unwrap();
        let states: Vec<String> = connection
            .prepare("SELECT state FROM lti_logins ORDER BY state")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(states, ["a", "b", "c", "d"]);
    }
}
