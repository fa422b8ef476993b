//! The state: one SQLite file (WAL mode) holding stories, fetch state and source
//! health, most-read snapshots, frozen issues and overrides, the delivery ledger
//! (once-only delivery for every channel; email's part of it is the outbox), the
//! suppression list, readers kept in the store and their pending sign-ups, the
//! full-text index of archived stories, and small settings.
//!
//! Only this module sees SQL. Other stages hand it domain types (`Item`, `Story`,
//! `SignalSnapshot` from [`crate::model`]) and get domain types back. Writes go through a [`Writer`], one
//! transaction per batch, so that ingesting a thousand feeds costs a handful of
//! commits, not fifty thousand. Deleting the file starts afresh: migrations in
//! `schema.rs` rebuild it.

mod causes;
mod checkpoint;
mod fetch_state;
mod held;
mod identity;
mod issues;
mod ledger;
mod lock;
mod meta;
#[cfg(test)]
mod plans;
mod prepared;
mod ranking;
mod readers;
mod schema;
mod search;
mod signals;
mod stories;
mod story_reads;
mod suppressions;
mod tokens;

use std::path::{Path, PathBuf};

pub use causes::CauseCount;
pub use fetch_state::{
    FetchNotes, FetchRecord, FetchState, FetchStates, Health, StateKey, Validators,
};
pub use held::Held;
pub use issues::Frozen;
pub use ledger::{Delivery, DeliveryState, Entry, LedgerCounts};
pub use lock::{LockError, StateLock};
pub use prepared::{Batch, PreparedItems};
pub use readers::{Choice, Signup, StoredReader};
use rusqlite::Connection;
pub use search::{MATCH_END, MATCH_START, SearchHit};
pub use stories::{PruneReport, SaveReport};
pub use suppressions::Suppression;

/// What went wrong with the state file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error("cannot open the state file {path}: {source}")]
    Open {
        /// The state file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The file was written by a newer pressroom.
    #[error("the state file {path} has schema version {found}; this pressroom knows up to {known}")]
    TooNew {
        /// The state file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// Opened read-only, the file is not at this pressroom's schema version.
    #[error(
        "the state file {path} has schema version {found}, not {known}: run `pressroom fetch` once to upgrade it"
    )]
    Outdated {
        /// The state file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// This build's.
        known: i64,
    },
    /// A query failed.
    #[error("state file: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored value could not be read back.
    #[error("state file: corrupt value in {what}: {detail}")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
}

/// Pages a transaction may keep dirty in the cache before it writes some to the WAL
/// ahead of its commit: 16 MiB of 4 KiB pages, twice the cache.
const SPILL_PAGES: i64 = 4096;

/// The open state file.
pub struct Store {
    /// Dropped first: its thread stops before the writing connection closes.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the state file at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| open_error(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        }
        let conn = Connection::open(path).map_err(open_error)?;
        Store::init(conn, path.to_owned())
    }

    /// Opens the state file at `path` for reading only (previews change nothing). The
    /// schema must be current: a file from an older pressroom needs a `fetch` first.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let known = schema::VERSION;
        if found != known {
            return Err(StoreError::Outdated {
                path: path.to_owned(),
                found,
                known,
            });
        }
        Ok(Store {
            checkpointer: None,
            conn,
            path: path.to_owned(),
        })
    }

    /// An in-memory store, for tests and previews of throwaway data.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        Store::init(conn, PathBuf::from(":memory:"))
    }

    fn init(conn: Connection, path: PathBuf) -> Result<Store, StoreError> {
        // WAL with synchronous=NORMAL survives a process crash without an fsync per
        // commit; see ARCHITECTURE.md for why that is the right trade here.
        // SQLite's 4 KiB pages: 16 KiB ones made a fresh fetch's inserts cheaper but
        // every outbox commit of a delivery write four times the WAL bytes, about a
        // fifth fewer messages a second (benches/README.md, `deliver`).
        // `synchronous` first: a new file's switch to WAL is a rollback-journal
        // transaction, which syncs the journal once at NORMAL, twice at the default FULL.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 8 MiB of page cache instead of SQLite's 2: a batch of new stories touches seven
        // B-trees, and with 2 MiB the cache spilled to the WAL in mid-transaction.
        conn.pragma_update(None, "cache_size", -8192)?;
        // And dirty pages go to the WAL before the commit only past 16 MiB: an ingest's
        // batch of 64 feeds dirties 7-9 MiB, so with the spill at the cache's 8 MiB
        // the same pages were written to the log twice (the table's last leaf, the
        // indexes' leaves), 12 % of a fresh fetch's frames (benches/README.md,
        // `fetch`). Only a transaction that large holds the extra pages, and only
        // until its commit; a cleaned page beyond the 8 MiB is freed.
        conn.pragma_update(None, "cache_spill", SPILL_PAGES)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = Store {
            checkpointer: None,
            conn,
            path,
        };
        schema::migrate(&mut store.conn, &store.path)?;
        Ok(store)
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a batch of writes, committed together by [`Writer::commit`].
    pub fn writer(&mut self) -> Result<Writer<'_>, StoreError> {
        Ok(Writer {
            tx: self.conn.transaction()?,
            checkpointer: self.checkpointer.as_ref(),
        })
    }
}

/// A batch of writes in one transaction; dropped without [`Writer::commit`], it
/// writes nothing.
pub struct Writer<'a> {
    tx: rusqlite::Transaction<'a>,
    checkpointer: Option<&'a checkpoint::Checkpointer>,
}

impl Writer<'_> {
    /// Makes the batch durable.
    pub fn commit(self) -> Result<(), StoreError> {
        self.tx.commit()?;
        if let Some(checkpointer) = self.checkpointer {
            checkpointer.committed();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Store;

    /// A new file and the same file opened again: WAL, `synchronous = NORMAL` (1),
    /// whichever order the two are set in.
    #[test]
    fn a_store_is_in_wal_with_normal_syncs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pressroom.db");
        for _ in 0..2 {
            let store = Store::open(&path).unwrap();
            let mode: String = store
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            let sync: i64 = store
                .conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap();
            assert_eq!((mode.as_str(), sync), ("wal", 1));
        }
    }

    /// A transaction dirtying more pages than the 8 MiB cache holds (12 MiB here, an
    /// ingest's batch is 7-9) writes nothing to the WAL before its commit, then
    /// writes each page once; one larger than the spill threshold still spills.
    #[test]
    fn a_batch_larger_than_the_cache_is_written_at_its_commit_only() {
        // `pages` rows of one page each in one transaction of a new store: the log's
        // bytes before the commit, and after it.
        let write = |pages: usize| {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("pressroom.db")).unwrap();
            store
                .conn
                .execute_batch("CREATE TABLE spill (v TEXT)")
                .unwrap();
            let wal = dir.path().join("pressroom.db-wal");
            let wal_bytes = || std::fs::metadata(&wal).map_or(0, |m| m.len());
            let tx = store.conn.transaction().unwrap();
            let before = wal_bytes();
            // 3,000 bytes a row: one row a 4,096-byte page.
            for n in 0..pages {
                tx.execute("INSERT INTO spill (v) VALUES (?1)", [format!("{n:3000}")])
                    .unwrap();
            }
            let during = wal_bytes() - before;
            tx.commit().unwrap();
            (during, wal_bytes() - before)
        };
        let (during, after) = write(3000);
        assert_eq!(during, 0, "nothing spilled before the commit");
        // Each page once: 3,000 leaves, a few interior pages, a frame header each.
        assert!(after < 3100 * (4096 + 24), "{after} bytes of log");
        let (during, _) = write(6000);
        assert!(during > 0, "past the threshold the cache spills");
    }
}
