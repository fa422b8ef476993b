//! Per-source fetch state (conditional-GET validators) and health (last success,
//! last error, failure streak).

use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, Writer};
use crate::{
    model::{SignalId, SourceId},
    time::{from_unix, to_unix},
};

/// Names the thing fetched: a source or a signal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateKey {
    /// A source's feed.
    Source(SourceId),
    /// A most-read signal.
    Signal(SignalId),
}

impl fmt::Display for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateKey::Source(id) => write!(f, "source/{id}"),
            StateKey::Signal(id) => write!(f, "signal/{id}"),
        }
    }
}

/// What lets the next request be conditional, or the next parse be skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    /// The server's `ETag`.
    pub etag: Option<String>,
    /// The server's `Last-Modified`.
    pub last_modified: Option<String>,
    /// SHA-256 of the last body parsed (skips the parse when a server ignores
    /// conditional requests, and for files).
    pub body_hash: Option<String>,
}

/// What is known about a source before fetching it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchState {
    /// Validators from the last success.
    pub validators: Validators,
    /// When it was last tried.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Consecutive failures.
    pub failure_streak: u32,
}

/// The outcome of one fetch, to be recorded.
#[derive(Clone, Debug)]
pub struct FetchRecord {
    /// What was fetched.
    pub key: StateKey,
    /// Where from (shown in `status`).
    pub location: String,
    /// When the fetch was made.
    pub at: DateTime<Utc>,
    /// New validators and the number of items read, or a one-line error.
    pub result: Result<(Validators, usize), String>,
    /// What a successful read left out or warned about.
    pub notes: FetchNotes,
}

/// What a successful read left out, could not date or warned about (shown in `status`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchNotes {
    /// Entries left out because the document had more than `fetch.max_items`.
    pub dropped: u64,
    /// Items whose date could not be read.
    pub undated: u64,
    /// One line per kind of problem.
    pub warnings: Vec<String>,
}

/// The fetch state of every key, as [`Store::fetch_states`] read it.
#[derive(Debug, Default)]
pub struct FetchStates(std::collections::HashMap<String, FetchState>);

impl FetchStates {
    /// The state of `key` (empty when it was never fetched), as
    /// [`Store::fetch_state`] gives it.
    pub fn get(&self, key: &StateKey) -> FetchState {
        self.0.get(&key.to_string()).cloned().unwrap_or_default()
    }
}

/// One line of `pressroom status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    /// `source/ID` or `signal/ID`.
    pub key: String,
    /// Where it is read from.
    pub location: String,
    /// Last attempt.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Last success.
    pub last_success: Option<DateTime<Utc>>,
    /// Last error and when it happened.
    pub last_error: Option<(DateTime<Utc>, String)>,
    /// Consecutive failures.
    pub failure_streak: u32,
    /// Items (or signal entries) read at the last success.
    pub items: u64,
    /// What the last success left out or warned about.
    pub notes: FetchNotes,
}

impl Store {
    /// The state recorded for `key` (empty when it was never fetched).
    pub fn fetch_state(&self, key: &StateKey) -> Result<FetchState, StoreError> {
        // Cached: an ingest asks once per source, and preparing costs more than the query.
        let row = self
            .conn
            .prepare_cached(
                "SELECT etag, last_modified, body_hash, last_attempt, failure_streak
                 FROM fetch_state WHERE key = ?1",
            )?
            .query_row([key.to_string()], |row| {
                Ok(FetchState {
                    validators: Validators {
                        etag: row.get(0)?,
                        last_modified: row.get(1)?,
                        body_hash: row.get(2)?,
                    },
                    last_attempt: row.get::<_, Option<i64>>(3)?.map(from_unix),
                    failure_streak: row.get(4)?,
                })
            })
            .optional()?;
        Ok(row.unwrap_or_default())
    }

    /// The state recorded for everything ever fetched, read in one query (an ingest
    /// of 1,000 sources asked 1,000 times, a twentieth of an all-304 run's CPU).
    pub fn fetch_states(&self) -> Result<FetchStates, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, etag, last_modified, body_hash, last_attempt, failure_streak
             FROM fetch_state",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                FetchState {
                    validators: Validators {
                        etag: row.get(1)?,
                        last_modified: row.get(2)?,
                        body_hash: row.get(3)?,
                    },
                    last_attempt: row.get::<_, Option<i64>>(4)?.map(from_unix),
                    failure_streak: row.get(5)?,
                },
            ))
        })?;
        Ok(FetchStates(rows.collect::<Result<_, _>>()?))
    }

    /// Stories held per source id.
    pub fn story_counts(&self) -> Result<std::collections::HashMap<String, u64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, COUNT(*) FROM stories GROUP BY source")?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?.max(0) as u64,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Health of everything ever fetched, sources first, by key.
    pub fn health(&self) -> Result<Vec<Health>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT key, location, last_attempt, last_success, last_error_at, last_error,
                    failure_streak, items, dropped, undated, warnings
             FROM fetch_state ORDER BY key LIKE 'signal/%', key",
        )?;
        let rows = stmt.query_map([], |row| {
            let error_at: Option<i64> = row.get(4)?;
            let error: Option<String> = row.get(5)?;
            Ok(Health {
                key: row.get(0)?,
                location: row.get(1)?,
                last_attempt: row.get::<_, Option<i64>>(2)?.map(from_unix),
                last_success: row.get::<_, Option<i64>>(3)?.map(from_unix),
                last_error: error_at.zip(error).map(|(at, e)| (from_unix(at), e)),
                failure_streak: row.get(6)?,
                items: row.get::<_, i64>(7)?.max(0) as u64,
                notes: FetchNotes {
                    dropped: row.get::<_, i64>(8)?.max(0) as u64,
                    undated: row.get::<_, i64>(9)?.max(0) as u64,
                    warnings: row
                        .get::<_, Option<String>>(10)?
                        .map(|w| w.lines().map(str::to_owned).collect())
                        .unwrap_or_default(),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Writer<'_> {
    /// Records the outcome of one fetch: validators and health. (Statements here are
    /// cached: an ingest runs them once per source.)
    pub fn record_fetch(&mut self, record: &FetchRecord) -> Result<(), StoreError> {
        let key = record.key.to_string();
        let at = to_unix(record.at);
        self.tx
            .prepare_cached(
                "INSERT INTO fetch_state (key, location, last_attempt) VALUES (?1, ?2, ?3)
                 ON CONFLICT(key) DO UPDATE SET location = ?2, last_attempt = ?3",
            )?
            .execute(params![key, record.location, at])?;
        match &record.result {
            Ok((validators, items)) => {
                self.tx
                    .prepare_cached(
                        "UPDATE fetch_state SET etag = ?2, last_modified = ?3, body_hash = ?4,
                             last_success = ?5, failure_streak = 0, items = ?6, dropped = ?7,
                             undated = ?8, warnings = ?9
                         WHERE key = ?1",
                    )?
                    .execute(params![
                        key,
                        validators.etag,
                        validators.last_modified,
                        validators.body_hash,
                        at,
                        *items as i64,
                        record.notes.dropped as i64,
                        record.notes.undated as i64,
                        (!record.notes.warnings.is_empty())
                            .then(|| record.notes.warnings.join("\n")),
                    ])?;
            }
            Err(error) => {
                self.tx
                    .prepare_cached(
                        "UPDATE fetch_state SET last_error = ?2, last_error_at = ?3,
                             failure_streak = failure_streak + 1
                         WHERE key = ?1",
                    )?
                    .execute(params![key, error, at])?;
            }
        }
        Ok(())
    }

    /// Keeps the validators but marks the source as successfully checked (a 304, or an
    /// unchanged body).
    pub fn record_unchanged(
        &mut self,
        key: &StateKey,
        location: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO fetch_state (key, location, last_attempt, last_success) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT(key) DO UPDATE SET location = ?2, last_attempt = ?3, last_success = ?3,
                 failure_streak = 0",
        )?;
        stmt.execute(params![key.to_string(), location, to_unix(at)])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::store::Store;

    /// All states read at once are the states read one by one.
    #[test]
    fn fetch_states_are_each_fetch_state() {
        let mut store = Store::open_in_memory().unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let source = |id: &str| StateKey::Source(SourceId::parse(id).unwrap());
        let record = |key: StateKey, result| FetchRecord {
            key,
            location: "http://x.example/feed".to_owned(),
            at: at("2026-11-27T06:00:00Z"),
            result,
            notes: FetchNotes::default(),
        };
        let validators = Validators {
            etag: Some("\"e\"".to_owned()),
            last_modified: Some("Thu, 26 Nov 2026 10:00:00 GMT".to_owned()),
            body_hash: Some("ab12".to_owned()),
        };
        let mut writer = store.writer().unwrap();
        writer
            .record_fetch(&record(source("a"), Ok((validators, 3))))
            .unwrap();
        writer
            .record_fetch(&record(source("b"), Err("gone".to_owned())))
            .unwrap();
        writer
            .record_fetch(&record(source("b"), Err("gone".to_owned())))
            .unwrap();
        writer
            .record_unchanged(
                &StateKey::Signal(SignalId::parse("c").unwrap()),
                "http://x.example/top",
                at("2026-11-27T07:00:00Z"),
            )
            .unwrap();
        writer.commit().unwrap();
        let states = store.fetch_states().unwrap();
        let keys = [
            source("a"),
            source("b"),
            StateKey::Signal(SignalId::parse("c").unwrap()),
            source("never"),
        ];
        for key in &keys {
            assert_eq!(states.get(key), store.fetch_state(key).unwrap(), "{key}");
        }
        assert_eq!(states.get(&source("b")).failure_streak, 2);
        assert!(states.get(&source("a")).validators.etag.is_some());
        assert_eq!(states.get(&source("never")), FetchState::default());
    }
}
