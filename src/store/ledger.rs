//! The delivery ledger: once-only delivery for every channel that sends something
//! to someone. One row per (issue, channel, recipient), recorded around each attempt
//! (pending → sending → sent | failed). The email channel's rows are its outbox
//! (recipient: the address); a webhook's would be keyed on its URL.
//!
//! A row still `sending` when a run starts was interrupted between the recipient's
//! answer and the commit: its fate is unknown, and it is sent again under the same
//! key (email: the same Message-ID), so that at most those deliveries can repeat.

use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, Writer};
use crate::{model::IssueId, time::to_unix};

/// Where one delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Not sent yet (or deferred after temporary failures).
    Pending,
    /// Handed to the recipient; no answer recorded yet.
    Sending,
    /// Accepted by the recipient.
    Sent,
    /// Refused for good: the mailbox (a bounce).
    Failed,
    /// Refused for good: our mail (policy, content, the receiving system), not the
    /// mailbox; never counts toward suppression.
    Refused,
}

impl DeliveryState {
    /// Its name in the ledger and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sending => "sending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Refused => "refused",
        }
    }

    pub(super) fn parse(text: &str) -> DeliveryState {
        match text {
            "sending" => DeliveryState::Sending,
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            "refused" => DeliveryState::Refused,
            _ => DeliveryState::Pending,
        }
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a channel's ledger for an issue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// Who or where it goes: an email address, a webhook's URL.
    pub recipient: String,
    /// The rendering it takes (email: the audience's slug; empty when the channel
    /// renders one thing for all).
    pub audience: String,
    /// The delivery's id as the recipient sees it, stable across resends (email:
    /// the Message-ID; a webhook: an idempotency key).
    pub message_id: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts started so far.
    pub attempts: u32,
    /// The last error, one line.
    pub last_error: Option<String>,
    /// What the last failure was about (`deliver::refusal::Cause`'s name).
    pub cause: Option<String>,
}

/// A new row for [`Writer::enqueue`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// See [`Delivery::recipient`].
    pub recipient: String,
    /// See [`Delivery::audience`].
    pub audience: String,
    /// See [`Delivery::message_id`].
    pub message_id: String,
}

/// Counts of one channel's ledger for an issue, by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LedgerCounts {
    /// Not sent yet (including deferred).
    pub pending: usize,
    /// Of the pending, those already tried (deferred after temporary failures, or
    /// left by a run that could not connect).
    pub deferred: usize,
    /// Interrupted mid-attempt.
    pub sending: usize,
    /// Accepted by the recipient (state `sent`): these are never sent again.
    pub sent: usize,
    /// Bounced: the mailbox refused for good.
    pub failed: usize,
    /// Our mail refused for good (not the mailbox's fault).
    pub refused: usize,
}

impl Store {
    /// The ledger rows of `channel` for `issue`, by recipient.
    pub fn deliveries(&self, issue: &IssueId, channel: &str) -> Result<Vec<Delivery>, StoreError> {
        let mut list = Vec::new();
        self.each_delivery(issue, channel, |d| list.push(d))?;
        Ok(list)
    }

    /// [`Store::deliveries`] one row at a time, without the whole list in memory at
    /// once (17 MB for 100,000 recipients, beside the run's own list of them).
    pub fn each_delivery(
        &self,
        issue: &IssueId,
        channel: &str,
        mut each: impl FnMut(Delivery),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT recipient, audience, message_id, state, attempts, last_error, cause FROM ledger
             WHERE issue = ?1 AND channel = ?2 ORDER BY recipient",
        )?;
        let mut rows = stmt.query(params![issue.to_string(), channel])?;
        while let Some(r) = rows.next()? {
            each(Delivery {
                recipient: r.get(0)?,
                audience: r.get(1)?,
                message_id: r.get(2)?,
                state: DeliveryState::parse(&r.get::<_, String>(3)?),
                attempts: r.get(4)?,
                last_error: r.get(5)?,
                cause: r.get(6)?,
            });
        }
        Ok(())
    }

    /// Counts of `channel`'s ledger for `issue`.
    pub fn ledger_counts(
        &self,
        issue: &IssueId,
        channel: &str,
    ) -> Result<LedgerCounts, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT state, attempts > 0 OR cause IS NOT NULL, COUNT(*) FROM ledger
             WHERE issue = ?1 AND channel = ?2
             GROUP BY 1, 2",
        )?;
        let mut counts = LedgerCounts::default();
        let rows = stmt.query_map(params![issue.to_string(), channel], |r| {
            Ok((
                DeliveryState::parse(&r.get::<_, String>(0)?),
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)? as usize,
            ))
        })?;
        for row in rows {
            let (state, tried, n) = row?;
            match state {
                DeliveryState::Pending => {
                    counts.pending += n;
                    if tried {
                        counts.deferred += n;
                    }
                }
                DeliveryState::Sending => counts.sending += n,
                DeliveryState::Sent => counts.sent += n,
                DeliveryState::Failed => counts.failed += n,
                DeliveryState::Refused => counts.refused += n,
            }
        }
        Ok(counts)
    }

    /// Deliveries waiting in every issue's ledger, every channel (pending or
    /// interrupted): for email alone, the outbox's depth.
    pub fn outbox_depth(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM ledger WHERE state IN ('pending', 'sending')",
                [],
                |r| r.get::<_, i64>(0),
            )?
            .max(0) as u64)
    }
}

impl Writer<'_> {
    /// Adds a pending row to `channel`'s ledger for `issue` for each entry whose
    /// recipient has none yet; returns how many were added. The entries are taken one
    /// at a time: 100,000 made into a list first were 17 MB at the run's peak.
    pub fn enqueue<E: std::borrow::Borrow<Entry>>(
        &mut self,
        issue: &IssueId,
        channel: &str,
        entries: impl IntoIterator<Item = E>,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO ledger (issue, channel, recipient, audience, message_id, state, attempts, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6)",
        )?;
        let issue = issue.to_string();
        let mut added = 0;
        for entry in entries {
            let entry = entry.borrow();
            added += stmt.execute(params![
                issue,
                channel,
                entry.recipient,
                entry.audience,
                entry.message_id,
                to_unix(at)
            ])?;
        }
        Ok(added)
    }

    /// Moves a row to `state`, counting an attempt when it starts sending; `failure`:
    /// the error that moved it and what it is about.
    pub fn transition(
        &mut self,
        issue: &IssueId,
        channel: &str,
        recipient: &str,
        state: DeliveryState,
        failure: Option<(&str, &str)>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE ledger SET state = ?4,
                 attempts = attempts + (?4 = 'sending'),
                 last_error = COALESCE(?5, last_error),
                 cause = COALESCE(?7, cause),
                 updated_at = ?6,
                 sent_at = CASE WHEN ?4 = 'sent' THEN ?6 ELSE sent_at END
             WHERE issue = ?1 AND channel = ?2 AND recipient = ?3",
        )?;
        stmt.execute(params![
            issue.to_string(),
            channel,
            recipient,
            state.as_str(),
            failure.map(|f| f.0),
            to_unix(at),
            failure.map(|f| f.1),
        ])?;
        Ok(())
    }

    /// Puts a row that was about to be sent back to pending and gives its attempt
    /// back: no connection could be made, so nothing was sent and the recipient is
    /// not to blame. `error`: why, recorded with the cause "connection".
    pub fn release(
        &mut self,
        issue: &IssueId,
        channel: &str,
        recipient: &str,
        error: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "UPDATE ledger SET state = 'pending', attempts = MAX(attempts - 1, 0),
                 last_error = ?4, cause = 'connection', updated_at = ?5
             WHERE issue = ?1 AND channel = ?2 AND recipient = ?3 AND state = 'sending'",
        )?;
        stmt.execute(params![
            issue.to_string(),
            channel,
            recipient,
            error,
            to_unix(at)
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue() -> IssueId {
        IssueId::parse("morning/2026-11-27").unwrap()
    }

    fn entry(recipient: &str) -> Entry {
        Entry {
            recipient: recipient.to_owned(),
            audience: "all".to_owned(),
            message_id: format!("<{recipient}>"),
        }
    }

    #[test]
    fn each_channel_has_its_own_rows_and_enqueues_each_recipient_once() {
        let mut store = Store::open_in_memory().unwrap();
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut writer = store.writer().unwrap();
        let added = writer
            .enqueue(
                &issue(),
                "email",
                &[entry("a@x.example"), entry("b@x.example")],
                at,
            )
            .unwrap();
        assert_eq!(added, 2);
        // The same recipient on another channel is another delivery.
        let url = "https://hooks.example/in";
        assert_eq!(
            writer
                .enqueue(&issue(), "webhook", &[entry(url)], at)
                .unwrap(),
            1
        );
        // Enqueued again (a resumed run): nothing added, nothing reset.
        writer
            .transition(
                &issue(),
                "email",
                "a@x.example",
                DeliveryState::Sent,
                None,
                at,
            )
            .unwrap();
        assert_eq!(
            writer
                .enqueue(&issue(), "email", &[entry("a@x.example")], at)
                .unwrap(),
            0
        );
        writer.commit().unwrap();
        let email = store.deliveries(&issue(), "email").unwrap();
        assert_eq!(email.len(), 2);
        assert_eq!(email[0].state, DeliveryState::Sent);
        let hook = store.deliveries(&issue(), "webhook").unwrap();
        assert_eq!(hook.len(), 1);
        assert_eq!(hook[0].recipient, url);
        assert_eq!(hook[0].state, DeliveryState::Pending);
        let counts = store.ledger_counts(&issue(), "email").unwrap();
        assert_eq!((counts.sent, counts.pending), (1, 1));
        assert_eq!(store.outbox_depth().unwrap(), 2);
    }
}
