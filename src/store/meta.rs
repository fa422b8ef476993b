//! Small settings the store keeps: when each scheduled job last fired, and the
//! secret that signs unsubscribe links when the configuration names none.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, Writer};
use crate::time::{from_unix, to_unix};

impl Store {
    /// When the job named `key` last fired, as the daemon recorded it.
    pub fn last_fire(&self, key: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("fired/{key}")],
                |r| r.get(0),
            )
            .optional()?;
        Ok(value.and_then(|v| v.parse().ok()).map(from_unix))
    }

    /// The secret that signs unsubscribe links, created on first use.
    pub fn unsubscribe_secret(&mut self) -> Result<String, StoreError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'unsubscribe_secret'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(secret) = found {
            return Ok(secret);
        }
        let secret = crate::model::hex(&std::array::from_fn::<u8, 32, _>(|_| fastrand::u8(..)));
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('unsubscribe_secret', ?1)",
            [&secret],
        )?;
        Ok(self.conn.query_row(
            "SELECT value FROM meta WHERE key = 'unsubscribe_secret'",
            [],
            |r| r.get(0),
        )?)
    }
}

impl Writer<'_> {
    /// Records that the job named `key` fired for the instant `at`.
    pub fn set_last_fire(&mut self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![format!("fired/{key}"), to_unix(at).to_string()],
        )?;
        Ok(())
    }
}
