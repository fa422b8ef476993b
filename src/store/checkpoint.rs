//! WAL checkpoints on a thread of their own while a long batch of writes runs (an
//! ingest), so that copying the log back into the database file, and the `fsync`s
//! around it, no longer stall the thread that writes.
//!
//! Durability is unchanged: a commit is durable once in the WAL, whoever copies it
//! later. The thread has its own connection and runs a passive checkpoint after each
//! commit of the store's [`Writer`](super::Writer)s; SQLite lets it run beside the
//! writer. While it runs, the writing connection's automatic checkpoints are off;
//! [`Store::checkpoint_in_foreground`] stops the thread and turns them back on.

use std::{
    path::Path,
    sync::{
        atomic::{AtomicU32, Ordering},
        mpsc::{Receiver, Sender, channel},
    },
    thread::JoinHandle,
};

use rusqlite::Connection;

use super::{Store, StoreError};

/// SQLite's default `wal_autocheckpoint`, in pages.
const AUTOCHECKPOINT: i64 = 1000;

/// The thread and the way to wake it; dropped, it stops the thread and waits for it.
pub(super) struct Checkpointer {
    wake: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// Commits between two checkpoints.
    every: u32,
    /// Commits since the thread was last woken.
    since: AtomicU32,
}

impl Checkpointer {
    fn start(path: &Path, every: u32) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let (wake, woken) = channel();
        let thread = std::thread::Builder::new()
            .name("checkpoints".to_owned())
            .spawn(move || run(&conn, &woken))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
            every: every.max(1),
            since: AtomicU32::new(0),
        })
    }

    /// A commit happened: copy it back when the thread is free.
    pub(super) fn committed(&self) {
        if self.since.fetch_add(1, Ordering::Relaxed) + 1 < self.every {
            return;
        }
        self.since.store(0, Ordering::Relaxed);
        if let Some(wake) = &self.wake {
            // The thread only stops once this side drops the sender.
            let _ = wake.send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.wake.take();
        if let Some(thread) = self.thread.take() {
            // The thread's errors are logged there; a panic has been reported.
            let _ = thread.join();
        }
    }
}

fn run(conn: &Connection, woken: &Receiver<()>) {
    while woken.recv().is_ok() {
        // Several commits while the last checkpoint ran: one checkpoint covers them.
        while woken.try_recv().is_ok() {}
        // A passive checkpoint never waits for the writer; what it leaves is copied
        // by the next one, or when the last connection closes.
        let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        if let Err(e) = result {
            tracing::debug!(target: "pressroom::store", "background checkpoint: {e}");
        }
    }
}

impl Store {
    /// Runs checkpoints on a thread of their own from now on, until
    /// [`Store::checkpoint_in_foreground`] (or the store is dropped). Nothing
    /// happens for an in-memory store, or when it already runs.
    pub fn checkpoint_in_background(&mut self) -> Result<(), StoreError> {
        self.checkpoint_in_background_every(1)
    }

    /// [`Store::checkpoint_in_background`] after every `commits` commits rather than
    /// each: for many small commits (the outbox journal's, one or two rows each),
    /// where a checkpoint per commit costs more fsyncs than the commits themselves.
    pub fn checkpoint_in_background_every(&mut self, commits: u32) -> Result<(), StoreError> {
        if self.checkpointer.is_some() || self.path.as_os_str() == ":memory:" {
            return Ok(());
        }
        let checkpointer = Checkpointer::start(&self.path, commits)?;
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        self.checkpointer = Some(checkpointer);
        Ok(())
    }

    /// Stops the thread of [`Store::checkpoint_in_background`], once it has copied
    /// back what was committed, and gives checkpoints back to the writing connection.
    pub fn checkpoint_in_foreground(&mut self) -> Result<(), StoreError> {
        if let Some(checkpointer) = self.checkpointer.take() {
            drop(checkpointer);
            self.conn
                .pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::store::Store;

    fn autocheckpoint(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap()
    }

    /// Commits 20 rows of 20 kB each; returns the size of the database file itself
    /// (not its log) before the store is closed.
    fn write(store: &mut Store, path: &Path) -> u64 {
        for n in 0..20 {
            let writer = store.writer().unwrap();
            writer
                .tx
                .execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    rusqlite::params![format!("k{n}"), "x".repeat(20_000)],
                )
                .unwrap();
            writer.commit().unwrap();
        }
        store.checkpoint_in_foreground().unwrap();
        std::fs::metadata(path).unwrap().len()
    }

    /// With the thread on, the writer's own automatic checkpoints are off and the
    /// thread copies each commit back into the database file; off again, they are on.
    #[test]
    fn the_thread_copies_commits_back_and_stops() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pressroom.db");
        let mut store = Store::open(&path).unwrap();
        store.checkpoint_in_background().unwrap();
        assert_eq!(autocheckpoint(&store), 0);
        let size = write(&mut store, &path);
        assert!(size > 400_000, "only {size} bytes copied back");
        assert_eq!(autocheckpoint(&store), super::AUTOCHECKPOINT);
        drop(store);
        let again = Store::open(&path).unwrap();
        let count: i64 = again
            .conn
            .query_row("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(count, 20);

        // The same writes with no checkpoint at all leave the file as it was.
        let path = dir.path().join("control.db");
        let mut store = Store::open(&path).unwrap();
        store
            .conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        assert_eq!(write(&mut store, &path), before);
    }
}
