//! The outbox: one row per (issue, subscriber), recorded around each SMTP transaction
//! (pending → sending → sent | failed), and the suppression list (unsubscribes, hard
//! bounces) that overrides the subscribers file.
//!
//! A row still `sending` when a run starts was interrupted between the server's
//! answer and the commit: its fate is unknown, and it is sent again under the same
//! Message-ID, so that at most those messages can repeat.

use std::{collections::HashSet, fmt};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, Writer};
use crate::{
    model::IssueId,
    time::{from_unix, to_unix},
};

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Not sent yet (or deferred after temporary failures).
    Pending,
    /// Handed to the server; no answer recorded yet.
    Sending,
    /// Accepted by the server.
    Sent,
    /// Refused for good.
    Failed,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sending => "sending",
            State::Sent => "sent",
            State::Failed => "failed",
        }
    }

    fn parse(text: &str) -> State {
        match text {
            "sending" => State::Sending,
            "sent" => State::Sent,
            "failed" => State::Failed,
            _ => State::Pending,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The subscriber's address.
    pub address: String,
    /// The audience it renders with.
    pub audience: String,
    /// Its Message-ID (stable across resends).
    pub message_id: String,
    /// Where it stands.
    pub state: State,
    /// SMTP transactions tried so far.
    pub attempts: u32,
    /// The last error, one line.
    pub last_error: Option<String>,
}

/// Counts of an issue's outbox by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Not sent yet (including deferred).
    pub pending: usize,
    /// Of the pending, those already tried (deferred after temporary failures).
    pub deferred: usize,
    /// Interrupted mid-transaction.
    pub sending: usize,
    /// Accepted.
    pub sent: usize,
    /// Refused for good.
    pub failed: usize,
}

/// A suppressed address and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The address.
    pub address: String,
    /// "unsubscribed" or the bounce that suppressed it.
    pub reason: String,
    /// Since when.
    pub at: DateTime<Utc>,
}

impl Store {
    /// The outbox rows of `issue`, by address.
    pub fn deliveries(&self, issue: &IssueId) -> Result<Vec<Delivery>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT address, audience, message_id, state, attempts, last_error FROM outbox
             WHERE issue = ?1 ORDER BY address",
        )?;
        let rows = stmt.query_map([issue.to_string()], |r| {
            Ok(Delivery {
                address: r.get(0)?,
                audience: r.get(1)?,
                message_id: r.get(2)?,
                state: State::parse(&r.get::<_, String>(3)?),
                attempts: r.get(4)?,
                last_error: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Counts of `issue`'s outbox.
    pub fn outbox_counts(&self, issue: &IssueId) -> Result<OutboxCounts, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT state, attempts > 0, COUNT(*) FROM outbox WHERE issue = ?1 GROUP BY state, attempts > 0",
        )?;
        let mut counts = OutboxCounts::default();
        let rows = stmt.query_map([issue.to_string()], |r| {
            Ok((
                State::parse(&r.get::<_, String>(0)?),
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)? as usize,
            ))
        })?;
        for row in rows {
            let (state, tried, n) = row?;
            match state {
                State::Pending => {
                    counts.pending += n;
                    if tried {
                        counts.deferred += n;
                    }
                }
                State::Sending => counts.sending += n,
                State::Sent => counts.sent += n,
                State::Failed => counts.failed += n,
            }
        }
        Ok(counts)
    }

    /// Messages waiting in every issue's outbox (pending or interrupted).
    pub fn outbox_depth(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')",
                [],
                |r| r.get::<_, i64>(0),
            )?
            .max(0) as u64)
    }

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
    /// Adds a pending row for each (address, audience, message id) not yet in the outbox.
    pub fn enqueue(
        &mut self,
        issue: &IssueId,
        rows: &[(String, String, String)],
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO outbox (issue, address, audience, message_id, state, attempts, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5)",
        )?;
        let issue = issue.to_string();
        let mut added = 0;
        for (address, audience, message_id) in rows {
            added += stmt.execute(params![issue, address, audience, message_id, to_unix(at)])?;
        }
        Ok(added)
    }

    /// Moves a row to `state`, counting an attempt when it starts sending.
    pub fn transition(
        &mut self,
        issue: &IssueId,
        address: &str,
        state: State,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE outbox SET state = ?3,
                 attempts = attempts + (?3 = 'sending'),
                 last_error = COALESCE(?4, last_error),
                 updated_at = ?5,
                 sent_at = CASE WHEN ?3 = 'sent' THEN ?5 ELSE sent_at END
             WHERE issue = ?1 AND address = ?2",
        )?;
        stmt.execute(params![
            issue.to_string(),
            address,
            state.as_str(),
            error,
            to_unix(at)
        ])?;
        Ok(())
    }

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
}
