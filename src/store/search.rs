//! Full-text search over the stories of frozen issues (SQLite FTS5, which the bundled
//! SQLite is built with): each pick's title and summary, indexed when its issue is
//! frozen. What readers type is never handed to FTS5's query syntax: it is cut into
//! words, each quoted and matched as a prefix, all of them required.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, Writer};
use crate::{
    model::Issue,
    time::{from_unix, to_unix},
};

/// Marks the start of a matched word in [`SearchHit::snippet`].
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched word in [`SearchHit::snippet`].
pub const MATCH_END: char = '\u{3}';

/// One story found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    /// The issue that carried it, `morning/2026-11-27`.
    pub issue: String,
    /// The story's id.
    pub story: String,
    /// Its title.
    pub title: String,
    /// A piece of its summary around the words found, each between [`MATCH_START`]
    /// and [`MATCH_END`] (plain text, not escaped).
    pub snippet: String,
    /// The issue's instant.
    pub built_at: DateTime<Utc>,
}

/// The FTS5 query for `text`: up to eight words, each quoted, as prefixes, all
/// required; `None` when there is no word.
pub fn query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

impl Store {
    /// The stories of frozen issues matching `text`, best first (newest first among
    /// equals), at most `limit`.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = query(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT issue, story, title,
                    snippet(story_search, 1, char(2), char(3), '…', 24), built_at
             FROM story_search WHERE story_search MATCH ?1
             ORDER BY rank, built_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![query, limit as i64], |r| {
            Ok(SearchHit {
                issue: r.get(0)?,
                story: r.get(1)?,
                title: r.get(2)?,
                snippet: r.get(3)?,
                built_at: from_unix(r.get(4)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Writer<'_> {
    /// Indexes the picks of `issue` (called as it is frozen).
    pub(super) fn index_for_search(&mut self, issue: &Issue) -> Result<(), StoreError> {
        let id = issue.id.to_string();
        self.tx
            .execute("DELETE FROM story_search WHERE issue = ?1", [&id])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO story_search (title, summary, issue, story, built_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for pick in issue.picks() {
            stmt.execute(params![
                pick.story.title,
                pick.story.excerpt,
                id,
                pick.story.id.as_str(),
                to_unix(issue.built_at)
            ])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_text_never_reaches_the_query_syntax() {
        assert_eq!(query("rate hike").as_deref(), Some("\"rate\"* \"hike\"*"));
        assert_eq!(
            query("\"NEAR(a b)\" OR title:x -y*").as_deref(),
            Some("\"NEAR\"* \"a\"* \"b\"* \"OR\"* \"title\"* \"x\"* \"y\"*")
        );
        assert_eq!(query("  ()*:  "), None);
        assert_eq!(query("Zürich").as_deref(), Some("\"Zürich\"*"));
    }

    /// What migration 8 indexes for the issues frozen before it is what freezing
    /// indexes, and a search finds a pick by its title's words.
    #[test]
    fn the_migration_indexes_frozen_issues_as_freezing_does() {
        let mut store = Store::open_in_memory().unwrap();
        let issue = crate::render::sample::edition();
        let mut w = store.writer().unwrap();
        w.freeze(&issue, issue.built_at).unwrap();
        w.commit().unwrap();
        let rows = |store: &Store| -> Vec<(String, String, String, String)> {
            let mut stmt = store
                .conn
                .prepare("SELECT title, summary, issue, story FROM story_search ORDER BY story")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let frozen = rows(&store);
        assert_eq!(frozen.len(), issue.picks().count());
        store.conn.execute("DELETE FROM story_search", []).unwrap();
        let migration = super::super::schema::MIGRATIONS[9];
        let backfill = &migration[migration.find("INSERT INTO story_search").unwrap()..];
        store.conn.execute_batch(backfill).unwrap();
        assert_eq!(rows(&store), frozen);
        let first = &issue.lead[0].story;
        let word = first
            .title
            .split(|c: char| !c.is_alphanumeric())
            .max_by_key(|w| w.len())
            .unwrap();
        let hits = store.search(word, 10).unwrap();
        assert!(
            hits.iter().any(|h| h.story == first.id.as_str()),
            "{word}: {hits:?}"
        );
    }

    #[test]
    fn hostile_queries_run_and_find_nothing() {
        let store = Store::open_in_memory().unwrap();
        for q in [
            "",
            "\"",
            "a OR",
            "NEAR(",
            "*",
            "title:",
            "'; DROP TABLE issues; --",
        ] {
            assert!(store.search(q, 10).unwrap().is_empty(), "{q}");
        }
    }
}
