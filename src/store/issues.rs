//! Issues: frozen editions, the stories each carried (so that no story repeats across
//! issues of an edition), and editors' pins and drops.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, Writer};
use crate::{
    model::{EditionId, Issue, IssueId, IssueSummary, Override, OverrideAction, Sent, StoryId},
    time::{from_unix, to_unix},
};

/// An issue as the next one's window sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frozen {
    /// Which issue.
    pub id: IssueId,
    /// Its instant: the next issue's window starts after it.
    pub instant: DateTime<Utc>,
    /// When it was frozen: a story first seen after this missed it.
    pub frozen_at: DateTime<Utc>,
}

/// What [`Store::issue_summaries`] reads of an issue's body; the rest is skipped.
#[derive(serde::Deserialize)]
struct SummaryBody {
    title: String,
    #[serde(default)]
    lead: Vec<SummaryPick>,
    #[serde(default)]
    sections: Vec<SummarySection>,
}

#[derive(serde::Deserialize)]
struct SummaryPick {
    story: SummaryStory,
}

#[derive(serde::Deserialize)]
struct SummaryStory {
    title: String,
}

#[derive(serde::Deserialize)]
struct SummarySection {
    #[serde(default)]
    picks: Vec<serde::de::IgnoredAny>,
}

impl Store {
    /// The frozen issue `id`, if it was built.
    pub fn issue(&self, id: &IssueId) -> Result<Option<Issue>, StoreError> {
        let body: Option<String> = self
            .conn
            .query_row(
                "SELECT body FROM issues WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|b| {
            serde_json::from_str(&b).map_err(|e| StoreError::Corrupt {
                what: "issues.body",
                detail: e.to_string(),
            })
        })
        .transpose()
    }

    /// The ids of the issues of `edition`, newest first.
    pub fn issues_of(&self, edition: &EditionId) -> Result<Vec<IssueId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM issues WHERE edition = ?1 ORDER BY date DESC")?;
        let ids = stmt.query_map([edition.as_str()], |r| r.get::<_, String>(0))?;
        ids.map(|id| {
            let id = id?;
            IssueId::parse(&id).map_err(|detail| StoreError::Corrupt {
                what: "issues.id",
                detail,
            })
        })
        .collect()
    }

    /// The last `n` issues of `edition`, newest first (what its feeds carry).
    pub fn recent_issues(&self, edition: &EditionId, n: usize) -> Result<Vec<Issue>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT body FROM issues WHERE edition = ?1 ORDER BY date DESC, built_at DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        let bodies = stmt.query_map(params![edition.as_str(), limit], |r| r.get::<_, String>(0))?;
        bodies
            .map(|body| {
                serde_json::from_str(&body?).map_err(|e| StoreError::Corrupt {
                    what: "issues.body",
                    detail: e.to_string(),
                })
            })
            .collect()
    }

    /// A summary of every issue of every edition, newest first, for the archive's
    /// index. Each body is read once for the few fields it needs ([`SummaryBody`]),
    /// nothing else of it kept: a store of years of issues is read at every publish.
    pub fn issue_summaries(&self) -> Result<Vec<IssueSummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, built_at, body FROM issues ORDER BY date DESC, built_at DESC, edition",
        )?;
        let mut rows = stmt.query([])?;
        let mut summaries = Vec::new();
        while let Some(row) = rows.next()? {
            let id = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let id = IssueId::parse(id).map_err(|detail| StoreError::Corrupt {
                what: "issues.id",
                detail,
            })?;
            let body = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            let body: SummaryBody =
                serde_json::from_str(body).map_err(|e| StoreError::Corrupt {
                    what: "issues.body",
                    detail: format!("{id}: {e}"),
                })?;
            summaries.push(IssueSummary {
                title: body.title,
                built_at: from_unix(row.get(1)?),
                story_count: body.lead.len()
                    + body.sections.iter().map(|s| s.picks.len()).sum::<usize>(),
                lead: body.lead.into_iter().map(|p| p.story.title).collect(),
                id,
            });
        }
        Ok(summaries)
    }

    /// What the issues of `edition` whose instant is before `before` carried.
    pub fn sent_before(
        &self,
        edition: &EditionId,
        before: DateTime<Utc>,
    ) -> Result<Sent, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT s.story, s.url, i.id FROM issue_stories s JOIN issues i ON i.id = s.issue
             WHERE i.edition = ?1 AND i.built_at < ?2",
        )?;
        let rows = stmt.query_map(params![edition.as_str(), to_unix(before)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut sent = Sent::default();
        for row in rows {
            let (story, url, issue) = row?;
            let issue = IssueId::parse(&issue).map_err(|detail| StoreError::Corrupt {
                what: "issues.id",
                detail,
            })?;
            if let Some(url) = url {
                sent.urls.insert(url, issue.clone());
            }
            sent.stories.insert(StoryId(story), issue);
        }
        Ok(sent)
    }

    /// The last issue of `edition` frozen for an instant before `before`: its instant
    /// and when it was frozen (where the next issue's window starts).
    pub fn previous_issue(
        &self,
        edition: &EditionId,
        before: DateTime<Utc>,
    ) -> Result<Option<Frozen>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, built_at, frozen_at FROM issues WHERE edition = ?1 AND built_at < ?2
                 ORDER BY built_at DESC LIMIT 1",
                params![edition.as_str(), to_unix(before)],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(id, instant, frozen)| {
            Ok(Frozen {
                id: IssueId::parse(&id).map_err(|detail| StoreError::Corrupt {
                    what: "issues.id",
                    detail,
                })?,
                instant: from_unix(instant),
                frozen_at: from_unix(frozen.unwrap_or(instant)),
            })
        })
        .transpose()
    }

    /// The editor's overrides for issue `id`, oldest first.
    pub fn overrides(&self, id: &IssueId) -> Result<Vec<Override>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT url, action, lead, position FROM overrides WHERE issue = ?1 ORDER BY created_at, url")?;
        let rows = stmt.query_map([id.to_string()], |r| {
            let action: String = r.get(1)?;
            let action = match action.as_str() {
                "drop" => OverrideAction::Drop,
                _ => OverrideAction::Pin {
                    lead: r.get(2)?,
                    position: r.get(3)?,
                },
            };
            Ok(Override {
                url: r.get(0)?,
                action,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Writer<'_> {
    /// Freezes `edition` at `frozen_at` unless an issue with its id exists; returns the
    /// issue as stored (the existing one wins: an issue is built once). A hold recorded
    /// for it is lifted.
    pub fn freeze(
        &mut self,
        edition: &Issue,
        frozen_at: DateTime<Utc>,
    ) -> Result<Issue, StoreError> {
        let id = edition.id.to_string();
        let existing: Option<String> = self
            .tx
            .query_row("SELECT body FROM issues WHERE id = ?1", [&id], |r| r.get(0))
            .optional()?;
        if let Some(body) = existing {
            return serde_json::from_str(&body).map_err(|e| StoreError::Corrupt {
                what: "issues.body",
                detail: e.to_string(),
            });
        }
        // The row goes in with an empty body, which is set once its stories are in:
        // each story's row checks its issue's (a foreign key), and `issues` being
        // `WITHOUT ROWID`, that look-up reads the whole row, body and all (half a
        // megabyte for 50,000 stories left out, once per story: 1,575 times).
        self.tx.execute(
            "INSERT INTO issues (id, edition, date, built_at, body, frozen_at)
             VALUES (?1, ?2, ?3, ?4, '', ?5)",
            params![
                id,
                edition.id.edition.as_str(),
                edition.id.date.format("%Y-%m-%d").to_string(),
                to_unix(edition.built_at),
                to_unix(frozen_at)
            ],
        )?;
        self.tx
            .execute("DELETE FROM held_issues WHERE id = ?1", [&id])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO issue_stories (issue, story, url) VALUES (?1, ?2, ?3)",
        )?;
        for pick in edition.picks() {
            stmt.execute(params![id, pick.story.id.as_str(), pick.story.url])?;
            for other in &pick.also_in {
                stmt.execute(params![id, other.story.as_str(), other.url])?;
            }
        }
        drop(stmt);
        let body = serde_json::to_string(edition).expect("plain data serialises");
        self.tx.execute(
            "UPDATE issues SET body = ?2 WHERE id = ?1",
            params![id, body],
        )?;
        self.index_for_search(edition)?;
        Ok(edition.clone())
    }

    /// Records an editor's override for issue `id` (replacing any earlier one for the URL).
    pub fn set_override(
        &mut self,
        id: &IssueId,
        item: &Override,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (action, lead, position) = match item.action {
            OverrideAction::Drop => ("drop", false, None),
            OverrideAction::Pin { lead, position } => ("pin", lead, position),
        };
        self.tx.execute(
            "INSERT OR REPLACE INTO overrides (issue, url, action, lead, position, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.to_string(),
                item.url,
                action,
                lead,
                position,
                to_unix(at)
            ],
        )?;
        Ok(())
    }

    /// Removes the override for `url` in issue `id`; returns whether there was one.
    pub fn clear_override(&mut self, id: &IssueId, url: &str) -> Result<bool, StoreError> {
        let n = self.tx.execute(
            "DELETE FROM overrides WHERE issue = ?1 AND url = ?2",
            params![id.to_string(), url],
        )?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::render::sample;

    #[test]
    fn summaries_read_in_sql_match_the_loaded_issues() {
        let mut store = Store::open_in_memory().unwrap();
        let first = sample::edition();
        let mut second = sample::edition();
        second.id.date += Duration::days(1);
        second.built_at += Duration::days(1);
        second.lead.truncate(1);
        second.sections.clear();
        let mut writer = store.writer().unwrap();
        writer.freeze(&first, first.built_at).unwrap();
        writer.freeze(&second, second.built_at).unwrap();
        writer.commit().unwrap();

        let summaries = store.issue_summaries().unwrap();
        assert_eq!(
            summaries,
            [IssueSummary::of(&second), IssueSummary::of(&first)]
        );
        assert_eq!(summaries[1].story_count, 2 + 4);
        let recent = store.recent_issues(&first.id.edition, 1).unwrap();
        assert_eq!(recent, [second.clone()]);
        assert_eq!(store.recent_issues(&first.id.edition, 5).unwrap().len(), 2);
    }

    #[test]
    fn a_frozen_issue_keeps_its_whole_body_and_its_stories() {
        let mut store = Store::open_in_memory().unwrap();
        let issue = sample::edition();
        let mut writer = store.writer().unwrap();
        writer.freeze(&issue, issue.built_at).unwrap();
        writer.commit().unwrap();
        let body: String = (store.conn)
            .query_row("SELECT body FROM issues", [], |r| r.get(0))
            .unwrap();
        assert_eq!(body, serde_json::to_string(&issue).unwrap());
        let stories: i64 = (store.conn)
            .query_row("SELECT count(*) FROM issue_stories", [], |r| r.get(0))
            .unwrap();
        let carried = issue.picks().map(|p| 1 + p.also_in.len()).sum::<usize>();
        assert_eq!(stories as usize, carried);
        assert_eq!(store.issue(&issue.id).unwrap(), Some(issue));
    }
}
