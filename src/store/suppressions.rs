//! The suppression list (unsubscribes, hard bounces past the limit), which overrides
//! the subscribers file, and the count of each address's hard bounces.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, Writer};
use crate::time::{from_unix, to_unix};

/// A suppressed address and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The suppressed address, lower-cased.
    pub address: String,
    /// "unsubscribed" or the bounce that suppressed it.
    pub reason: String,
    /// Since when.
    pub at: DateTime<Utc>,
}

impl Store {
    /// Suppressed addresses.
    pub fn suppressed(&self) -> Result<Vec<Suppression>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT address, reason, at FROM suppressed ORDER BY address")?;
        let rows = stmt.query_map([], |r| {
            Ok(Suppression {
                address: r.get(0)?,
                reason: r.get(1)?,
                at: from_unix(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The suppressed addresses as a set.
    pub fn suppressed_set(&self) -> Result<HashSet<String>, StoreError> {
        Ok(self.suppressed()?.into_iter().map(|s| s.address).collect())
    }
}

impl Writer<'_> {
    /// Records a hard bounce; returns the address's bounce count.
    pub fn bounce(
        &mut self,
        address: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        self.tx.execute(
            "INSERT INTO bounces (address, count, last_error, at) VALUES (?1, 1, ?2, ?3)
             ON CONFLICT(address) DO UPDATE SET count = count + 1, last_error = ?2, at = ?3",
            params![address, error, to_unix(at)],
        )?;
        Ok(self.tx.query_row(
            "SELECT count FROM bounces WHERE address = ?1",
            [address],
            |r| r.get(0),
        )?)
    }

    /// Suppresses `address` (an unsubscribe, or too many bounces).
    pub fn suppress(
        &mut self,
        address: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let added = self.tx.execute(
            "INSERT OR IGNORE INTO suppressed (address, reason, at) VALUES (?1, ?2, ?3)",
            params![address, reason, to_unix(at)],
        )?;
        Ok(added > 0)
    }

    /// Records that the bounce report `id` was imported; false if it was already.
    pub fn report_seen(&mut self, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let added = self.tx.execute(
            "INSERT OR IGNORE INTO bounce_reports (id, at) VALUES (?1, ?2)",
            params![id, to_unix(at)],
        )?;
        Ok(added == 0)
    }

    /// Lifts the suppression of `address` and forgets its bounces, so that the next
    /// bounce counts from one again; false if it was not suppressed.
    pub fn unsuppress(&mut self, address: &str) -> Result<bool, StoreError> {
        let removed = self
            .tx
            .execute("DELETE FROM suppressed WHERE address = ?1", [address])?;
        self.tx
            .execute("DELETE FROM bounces WHERE address = ?1", [address])?;
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifted_suppression_forgets_the_bounces_too() {
        let mut store = Store::open_in_memory().unwrap();
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut w = store.writer().unwrap();
        assert_eq!(w.bounce("a@x.example", "550 5.1.1", at).unwrap(), 1);
        assert_eq!(w.bounce("a@x.example", "550 5.1.1", at).unwrap(), 2);
        assert!(w.suppress("a@x.example", "2 hard bounces", at).unwrap());
        assert!(w.unsuppress("a@x.example").unwrap());
        assert!(!w.unsuppress("a@x.example").unwrap());
        assert_eq!(w.bounce("a@x.example", "550 5.1.1", at).unwrap(), 1);
        w.commit().unwrap();
        assert!(store.suppressed().unwrap().is_empty());
    }
}
