//! Issues held back for being too thin: which, when, with how many stories and why.
//! A hold is not final: a later run re-evaluates the issue, and freezing it (enough
//! stories by then, or `publish --force`) lifts the hold.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, Writer};
use crate::{
    model::IssueId,
    time::{from_unix, to_unix},
};

/// An issue that was held instead of sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    /// Which issue.
    pub id: IssueId,
    /// The moment the issue was for (its window's end), as scheduled, not when it was held.
    pub instant: DateTime<Utc>,
    /// How many stories it would have carried.
    pub stories: usize,
    /// Why it was held, in words.
    pub reason: String,
    /// When a run last held it.
    pub at: DateTime<Utc>,
}

impl Store {
    /// The hold on issue `id`, if it was held and not sent since.
    pub fn held(&self, id: &IssueId) -> Result<Option<Held>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT instant, stories, reason, at FROM held_issues WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(|(instant, stories, reason, at)| Held {
            id: id.clone(),
            instant: from_unix(instant),
            stories: usize::try_from(stories).unwrap_or(0),
            reason,
            at: from_unix(at),
        }))
    }

    /// The latest successful fetch of any source: an issue whose window saw none is
    /// built from stale data.
    pub fn last_fetch(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT MAX(last_success) FROM fetch_state WHERE key LIKE 'source/%'",
            [],
            |r| r.get(0),
        )?;
        Ok(at.map(from_unix))
    }

    /// How many issues have been held, over every edition (for `/metrics`).
    pub fn held_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM held_issues", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

impl Writer<'_> {
    /// Records that issue `held.id` was held (replacing an earlier hold of it).
    pub fn hold(&mut self, held: &Held) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT OR REPLACE INTO held_issues (id, edition, instant, stories, reason, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                held.id.to_string(),
                held.id.edition.as_str(),
                to_unix(held.instant),
                i64::try_from(held.stories).unwrap_or(i64::MAX),
                held.reason,
                to_unix(held.at)
            ],
        )?;
        Ok(())
    }
}
