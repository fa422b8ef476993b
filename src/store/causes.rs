//! What the deliveries of an issue that did not go through were about: the ledger's
//! rows left pending after a failure, bounced or refused, counted by state and cause,
//! each group with its latest reply. `status`, the daemon's warning and the run's
//! report read these, so that they say the same thing.

use rusqlite::params;

use super::{DeliveryState, Store, StoreError};
use crate::model::IssueId;

/// One group of undelivered rows: a state and a cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CauseCount {
    /// Pending (deferred), failed (bounced) or refused.
    pub state: DeliveryState,
    /// `deliver::refusal::Cause`'s name ("other" for rows from before causes were kept).
    pub cause: String,
    /// Rows in the group.
    pub count: usize,
    /// The latest reply or error of the group, one line.
    pub last_reply: String,
}

impl Store {
    /// The undelivered rows of `channel` for `issue` that met a failure, by state and
    /// cause, the largest group first.
    pub fn causes(&self, issue: &IssueId, channel: &str) -> Result<Vec<CauseCount>, StoreError> {
        // SQLite takes the bare column beside MAX() from the row that holds the max.
        let mut stmt = self.conn.prepare(
            "SELECT state, COALESCE(cause, 'other'), COUNT(*), last_error, MAX(updated_at)
             FROM ledger
             WHERE issue = ?1 AND channel = ?2 AND last_error IS NOT NULL
               AND (state IN ('failed', 'refused')
                    OR (state = 'pending' AND (attempts > 0 OR cause IS NOT NULL)))
             GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
        )?;
        let rows = stmt.query_map(params![issue.to_string(), channel], |r| {
            Ok(CauseCount {
                state: DeliveryState::parse(&r.get::<_, String>(0)?),
                cause: r.get(1)?,
                count: r.get::<_, i64>(2)?.max(0) as usize,
                last_reply: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Rows of every issue's ledger, every channel, left pending after a failure:
    /// deferred now, for `/metrics`.
    pub fn deferred_now(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row(
                // The first term is `ledger_waiting`'s condition: it lets SQLite read
                // only the rows still to deliver.
                "SELECT COUNT(*) FROM ledger
                 WHERE state IN ('pending', 'sending')
                   AND state = 'pending' AND (attempts > 0 OR cause IS NOT NULL)",
                [],
                |r| r.get::<_, i64>(0),
            )?
            .max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;

    #[test]
    fn undelivered_rows_group_by_state_and_cause_with_their_latest_reply() {
        let mut store = Store::open_in_memory().unwrap();
        let issue = IssueId::parse("morning/2026-11-27").unwrap();
        let at = |s| chrono::DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap();
        let entries: Vec<Entry> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|n| Entry {
                recipient: format!("{n}@x.example"),
                audience: "all".to_owned(),
                message_id: format!("<{n}>"),
            })
            .collect();
        let mut w = store.writer().unwrap();
        w.enqueue(&issue, "email", &entries, at(0)).unwrap();
        let moves = [
            ("a", DeliveryState::Sent, None),
            (
                "b",
                DeliveryState::Refused,
                Some(("550 5.7.1 no (b)", "policy")),
            ),
            (
                "c",
                DeliveryState::Refused,
                Some(("550 5.7.1 no (c)", "policy")),
            ),
            (
                "d",
                DeliveryState::Failed,
                Some(("550 5.1.1 unknown", "mailbox")),
            ),
        ];
        for (i, (who, state, failure)) in moves.into_iter().enumerate() {
            let who = format!("{who}@x.example");
            w.transition(&issue, "email", &who, DeliveryState::Sending, None, at(1))
                .unwrap();
            w.transition(&issue, "email", &who, state, failure, at(2 + i as i64))
                .unwrap();
        }
        // e could not be sent: no connection; its attempt is given back.
        w.transition(
            &issue,
            "email",
            "e@x.example",
            DeliveryState::Sending,
            None,
            at(9),
        )
        .unwrap();
        w.release(
            &issue,
            "email",
            "e@x.example",
            "refused (os error 111)",
            at(9),
        )
        .unwrap();
        w.commit().unwrap();
        let causes = store.causes(&issue, "email").unwrap();
        let seen: Vec<(DeliveryState, &str, usize, &str)> = causes
            .iter()
            .map(|c| (c.state, c.cause.as_str(), c.count, c.last_reply.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (DeliveryState::Refused, "policy", 2, "550 5.7.1 no (c)"),
                (DeliveryState::Failed, "mailbox", 1, "550 5.1.1 unknown"),
                (
                    DeliveryState::Pending,
                    "connection",
                    1,
                    "refused (os error 111)"
                ),
            ]
        );
        let e = &store.deliveries(&issue, "email").unwrap()[4];
        assert_eq!((e.state, e.attempts), (DeliveryState::Pending, 0));
        let counts = store.ledger_counts(&issue, "email").unwrap();
        assert_eq!(
            (
                counts.sent,
                counts.refused,
                counts.failed,
                counts.pending,
                counts.deferred
            ),
            (1, 2, 1, 1, 1)
        );
        assert_eq!(store.deferred_now().unwrap(), 1);
    }
}
