//! WAL checkpoints on a thread of their own while a long batch of writes runs (an
//! ingest), so that copying the log back into the database file, and the `fsync`s
//! around it, no longer stall the thread that writes.
//!
//! Durability is unchanged: a commit is durable once in the WAL, whoever copies it
//! later. The thread has its own connection and runs a passive checkpoint after each
//! commit of the store's [`Writer`](super::Writer)s; SQLite lets it run beside the
//! writer. While it runs, the writing connection's automatic checkpoints are off;
//! [`Store::checkpoint_in_foreground`] stops the thread and turns them back on.
//!
//! The log starts again from its beginning only when a transaction begins after a
//! checkpoint has copied all of it back; a writer that begins its next batch while
//! the thread still copies the last one makes it grow for the whole run (124 MB in a
//! fresh fetch of 1,000 feeds, whose unlink at close waits for the disk's TRIM).
//! [`Store::checkpoint_settled`] lets the writer wait for the thread now and then.

use std::{
    future::Future,
    path::Path,
    pin::Pin,
    sync::{
        atomic::{AtomicU32, AtomicU64, Ordering},
        mpsc::{Receiver, Sender, channel},
    },
    thread::JoinHandle,
};

use rusqlite::Connection;
use tokio::sync::watch;

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
    /// Commits since [`Store::checkpoint_settled`] last said to wait (or not).
    unsettled: AtomicU32,
    /// Times the thread was woken.
    woken: AtomicU64,
    /// Wakes the thread has answered with a finished checkpoint.
    served: watch::Receiver<u64>,
}

/// A future that ends once the checkpoint thread is idle (see
/// [`Store::checkpoint_settled`]).
pub type Settled = Pin<Box<dyn Future<Output = ()> + Send>>;

impl Checkpointer {
    fn start(path: &Path, every: u32) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        let (wake, woken) = channel();
        let (serve, served) = watch::channel(0);
        let thread = std::thread::Builder::new()
            .name("checkpoints".to_owned())
            .spawn(move || run(&conn, &woken, &serve))
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
            every: every.max(1),
            since: AtomicU32::new(0),
            unsettled: AtomicU32::new(0),
            woken: AtomicU64::new(0),
            served,
        })
    }

    /// A commit happened: copy it back when the thread is free.
    pub(super) fn committed(&self) {
        self.unsettled.fetch_add(1, Ordering::Relaxed);
        if self.since.fetch_add(1, Ordering::Relaxed) + 1 < self.every {
            return;
        }
        self.since.store(0, Ordering::Relaxed);
        if let Some(wake) = &self.wake {
            self.woken.fetch_add(1, Ordering::Relaxed);
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

fn run(conn: &Connection, woken: &Receiver<()>, served: &watch::Sender<u64>) {
    while woken.recv().is_ok() {
        // Several commits while the last checkpoint ran: one checkpoint covers them.
        let mut wakes = 1;
        while woken.try_recv().is_ok() {
            wakes += 1;
        }
        // A passive checkpoint never waits for the writer; what it leaves is copied
        // by the next one, or when the last connection closes.
        let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        if let Err(e) = result {
            tracing::debug!(target: "pressroom::store", "background checkpoint: {e}");
        }
        served.send_modify(|served| *served += wakes);
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

    /// Every `commits` commits, a future for the writer to wait on before it begins
    /// its next transaction: it ends once the checkpoint thread has copied back every
    /// commit so far, so that the log starts again from its beginning instead of
    /// growing. `None` between those commits, when the thread is already idle (the
    /// log starts over anyway), or when checkpoints are not in the background. The
    /// writer may stop waiting at any time: it only decides whether the log restarts.
    pub fn checkpoint_settled(&self, commits: u32) -> Option<Settled> {
        let checkpointer = self.checkpointer.as_ref()?;
        if checkpointer.unsettled.load(Ordering::Relaxed) < commits.max(1) {
            return None;
        }
        checkpointer.unsettled.store(0, Ordering::Relaxed);
        let woken = checkpointer.woken.load(Ordering::Relaxed);
        let mut served = checkpointer.served.clone();
        if *served.borrow() >= woken {
            return None;
        }
        Some(Box::pin(async move {
            // An error means the thread is gone: nothing more to wait for.
            let _ = served.wait_for(|served| *served >= woken).await;
        }))
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

    /// Waiting for the thread every few commits lets the log start over from its
    /// beginning: it stays the size of a few commits instead of all of them.
    #[test]
    fn waiting_for_the_thread_lets_the_log_start_over() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pressroom.db");
        let wal = dir.path().join("pressroom.db-wal");
        let mut store = Store::open(&path).unwrap();
        assert!(store.checkpoint_settled(4).is_none(), "no thread yet");
        store.checkpoint_in_background().unwrap();
        let mut largest = 0;
        for n in 0..40 {
            if let Some(settled) = store.checkpoint_settled(4) {
                rt.block_on(settled);
            }
            let writer = store.writer().unwrap();
            writer
                .tx
                .execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    rusqlite::params![format!("k{n}"), "x".repeat(100_000)],
                )
                .unwrap();
            writer.commit().unwrap();
            largest = largest.max(std::fs::metadata(&wal).unwrap().len());
        }
        // All 40 commits in one log would be over 4 MB.
        assert!(largest < 1_500_000, "the log grew to {largest} bytes");
        store.checkpoint_in_foreground().unwrap();
        assert!(store.checkpoint_settled(4).is_none(), "no thread any more");
    }
}
