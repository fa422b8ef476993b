//! Most-read snapshots: one row per reading, one row per entry of the reading.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, Writer};
use crate::{
    model::{Measure, SignalEntry, SignalId, SignalSnapshot},
    time::{from_unix, to_unix},
};

impl Writer<'_> {
    /// Stores one reading of a signal.
    pub fn save_snapshot(&mut self, snapshot: &SignalSnapshot) -> Result<(), StoreError> {
        let measure = match snapshot.measure {
            Measure::Rank => "rank",
            Measure::Views => "views",
        };
        self.tx.execute(
            "INSERT INTO snapshots (signal, taken_at, measure) VALUES (?1, ?2, ?3)",
            params![
                snapshot.signal.as_str(),
                to_unix(snapshot.taken_at),
                measure
            ],
        )?;
        let id = self.tx.last_insert_rowid();
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO snapshot_entries (snapshot, rank, url, views) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for entry in &snapshot.entries {
            stmt.execute(params![
                id,
                entry.rank,
                entry.url,
                entry.views.map(|v| v as i64)
            ])?;
        }
        Ok(())
    }
}

impl Store {
    /// Every snapshot taken in `[from, to]`, oldest first, with its entries.
    pub fn snapshots_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SignalSnapshot>, StoreError> {
        let mut snapshots = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT id, signal, taken_at, measure FROM snapshots
             WHERE taken_at BETWEEN ?1 AND ?2 ORDER BY taken_at, id",
        )?;
        let heads = stmt
            .query_map([to_unix(from), to_unix(to)], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut entries = self.conn.prepare(
            "SELECT rank, url, views FROM snapshot_entries WHERE snapshot = ?1 ORDER BY rank",
        )?;
        for (id, signal, taken_at, measure) in heads {
            let signal = SignalId::parse(&signal).map_err(|detail| StoreError::Corrupt {
                what: "snapshots.signal",
                detail,
            })?;
            let measure = match measure.as_str() {
                "views" => Measure::Views,
                _ => Measure::Rank,
            };
            let list = entries
                .query_map([id], |row| {
                    Ok(SignalEntry {
                        rank: row.get(0)?,
                        url: row.get(1)?,
                        views: row.get::<_, Option<i64>>(2)?.map(|v| v.max(0) as u64),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            snapshots.push(SignalSnapshot {
                signal,
                taken_at: from_unix(taken_at),
                measure,
                entries: list,
            });
        }
        Ok(snapshots)
    }

    /// How many snapshots the store holds.
    pub fn snapshot_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM snapshots", [], |r| r.get::<_, i64>(0))?
            .max(0) as u64)
    }
}
