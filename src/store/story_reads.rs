//! Stories read back: by publication time, by URL, by source, and one row as a
//! [`Story`] (also for `stories.rs`, which matches items against stored stories).

use chrono::{DateTime, Utc};
use rusqlite::Row;

use super::{Store, StoreError, stories::STORY_COLUMNS};
use crate::{
    model::{Image, SectionId, SourceId, Story, StoryId},
    time::{from_unix, to_unix},
};

impl Store {
    /// Stories published at or after `since`, newest first.
    pub fn stories_since(&self, since: DateTime<Utc>) -> Result<Vec<Story>, StoreError> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE published >= ?1 ORDER BY published DESC, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([to_unix(since)], read_story)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stories whose canonical URL is one of `urls` (any age), by URL then id.
    pub fn stories_by_urls<'u>(
        &self,
        urls: impl IntoIterator<Item = &'u str>,
    ) -> Result<Vec<Story>, StoreError> {
        let urls: Vec<&str> = urls.into_iter().collect();
        let mut stories = Vec::new();
        for chunk in urls.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT {STORY_COLUMNS} FROM stories WHERE url IN ({marks}) ORDER BY url, id"
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(chunk), read_story)?;
            for row in rows {
                stories.push(row?);
            }
        }
        Ok(stories)
    }

    /// All stories of `source`, newest first.
    pub fn stories_of(&self, source: &SourceId) -> Result<Vec<Story>, StoreError> {
        let sql = format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE source = ?1 ORDER BY published DESC, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([source.as_str()], read_story)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many stories the store holds.
    pub fn story_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM stories", [], |r| r.get::<_, i64>(0))?
            .max(0) as u64)
    }
}

fn from_json<T: serde::de::DeserializeOwned>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(super) fn read_story(row: &Row<'_>) -> rusqlite::Result<Story> {
    let text_id = |index: usize, text: String| {
        move |e: String| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                format!("{text:?}: {e}").into(),
            )
        }
    };
    let source: String = row.get(1)?;
    let section: Option<String> = row.get(10)?;
    let image: Option<Image> = match row.get::<_, Option<String>>(7)? {
        Some(_) => Some(from_json(row, 7)?),
        None => None,
    };
    Ok(Story {
        id: StoryId(row.get(0)?),
        source: SourceId::parse(&source).map_err(text_id(1, source.clone()))?,
        guid: row.get(2)?,
        url: row.get(3)?,
        title: row.get(4)?,
        summary_html: row.get(5)?,
        excerpt: row.get(6)?,
        image,
        authors: from_json(row, 8)?,
        topics: from_json(row, 9)?,
        section: match section {
            Some(s) => Some(SectionId::parse(&s).map_err(text_id(10, s.clone()))?),
            None => None,
        },
        published: from_unix(row.get(11)?),
        updated: row.get::<_, Option<i64>>(12)?.map(from_unix),
        first_seen: from_unix(row.get(13)?),
        dated: row.get(14)?,
    })
}
