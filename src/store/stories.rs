//! Stories: saving ingested items under a stable identity, and pruning (reading them
//! back: `story_reads.rs`).
//!
//! Identity within a source, strongest first: the feed's GUID, then the canonical URL,
//! then a hash of title and date. An item that matches an existing story by any of
//! them updates that story (an unstable GUID is replaced by the new one when the URL
//! still matches), so an updated entry never becomes a second story.

use chrono::{DateTime, Utc};
use rusqlite::params;

mod insert;

use super::{
    StoreError, Writer,
    identity::Known,
    prepared::{Batch, Row, json},
    story_reads::read_story,
};
use crate::{
    config::Retention,
    model::{Item, SectionId, SourceId, Story},
    time::to_unix,
};

/// What saving one feed's items did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Stories seen for the first time.
    pub new: usize,
    /// Known stories whose content changed.
    pub updated: usize,
    /// Known stories seen again unchanged.
    pub unchanged: usize,
}

impl std::ops::AddAssign for SaveReport {
    fn add_assign(&mut self, other: SaveReport) {
        self.new += other.new;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// What pruning removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Stories removed.
    pub stories: usize,
    /// Snapshots removed.
    pub snapshots: usize,
}

pub(super) const STORY_COLUMNS: &str =
    "id, source, guid, url, title, summary_html, excerpt, image, authors,
     topics, section, published, updated, first_seen, dated";

impl Writer<'_> {
    /// Saves the items of one fetch of `source`, read at `now`: plain items, or
    /// [`PreparedItems`](super::PreparedItems) whose ids and JSON were made beforehand.
    pub fn save_items<'i>(
        &mut self,
        source: &SourceId,
        items: impl Into<Batch<'i>>,
        now: DateTime<Utc>,
    ) -> Result<SaveReport, StoreError> {
        let batch = items.into();
        let items = batch.items();
        let mut report = SaveReport::default();
        // One query for the whole feed instead of up to three per item.
        let mut known = Known::load(&self.tx, source, items)?;
        // No stored story shares a key with the feed and no item meets an earlier one:
        // every item is new, and the feed's own inserts need not be followed.
        if known.is_empty() && batch.distinct() {
            insert::all_new(&self.tx, source, &batch, now)?;
            report.new = items.len();
            return Ok(report);
        }
        // The statement is taken from the connection's cache once per feed, not once
        // per item (`insert.rs`).
        let mut insert = self.tx.prepare_cached(insert::INSERT)?;
        for (i, item) in items.iter().enumerate() {
            match known.find(item) {
                Some(rowid) => {
                    let existing = self.story_at(rowid)?;
                    if self.update_story(&existing, item, batch.row(source, i), now)? {
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                    known.updated(rowid, item);
                }
                None => {
                    let row = batch.row(source, i);
                    let (id, rowid) = insert::one(&self.tx, &mut insert, source, item, row, now)?;
                    known.inserted(rowid, id.as_str(), item);
                    report.new += 1;
                }
            }
        }
        Ok(report)
    }

    fn story_at(&self, rowid: i64) -> Result<Story, StoreError> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE rowid = ?1"
        ))?;
        Ok(stmt.query_row([rowid], read_story)?)
    }

    /// Inserts `item` as a new story (with its `prepared` row, if any); returns its
    /// id and the row it went into.
    #[cfg(test)]
    pub(super) fn insert_story(
        &mut self,
        source: &SourceId,
        item: &Item,
        prepared: Option<&Row>,
        now: DateTime<Utc>,
    ) -> Result<(crate::model::StoryId, i64), StoreError> {
        let mut insert = self.tx.prepare_cached(insert::INSERT)?;
        insert::one(&self.tx, &mut insert, source, item, prepared, now)
    }

    /// Updates `story` from `item`; returns whether its content changed.
    pub(super) fn update_story(
        &self,
        story: &Story,
        item: &Item,
        prepared: Option<&Row>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let published = match item.published.or(item.updated) {
            Some(at) => at.min(now),
            None => story.published,
        };
        let updated = item.updated.map(|u| u.min(now));
        let changed = story.title != item.title
            || story.summary_html != item.summary_html
            || story.image != item.image
            || story.authors != item.authors
            || story.topics != item.topics
            || story.section != item.section
            || story.url != item.url
            || story.published != published
            || (updated.is_some() && story.updated != updated);
        let mut stmt = self.tx.prepare_cached(
            "UPDATE stories SET guid = COALESCE(?2, guid), url = ?3, title_key = ?4, title = ?5,
                 summary_html = ?6, excerpt = ?7, image = ?8, authors = ?9, topics = ?10,
                 section = ?11, published = ?12, updated = COALESCE(?13, updated),
                 last_seen = ?14, dated = MAX(dated, ?15)
             WHERE id = ?1",
        )?;
        stmt.execute(params![
            story.id.as_str(),
            item.guid,
            item.url,
            item.title_key,
            item.title,
            item.summary_html,
            item.excerpt,
            prepared.map_or_else(|| item.image.as_ref().map(json), |r| r.image.clone()),
            prepared.map_or_else(|| json(&item.authors), |r| r.authors.clone()),
            prepared.map_or_else(|| json(&item.topics), |r| r.topics.clone()),
            item.section.as_ref().map(SectionId::as_str),
            to_unix(published),
            updated.map(to_unix),
            to_unix(now),
            item.published.or(item.updated).is_some(),
        ])?;
        if let Some(tokens) = &item.tokens
            && (story.title != item.title || story.excerpt != item.excerpt)
        {
            self.save_tokens(&story.id, tokens)?;
        }
        Ok(changed)
    }

    /// Removes stories and snapshots older than the retention allows.
    pub fn prune(
        &mut self,
        retention: &Retention,
        now: DateTime<Utc>,
    ) -> Result<PruneReport, StoreError> {
        let cutoff = |keep: std::time::Duration| to_unix(now) - keep.as_secs() as i64;
        // A story still in its feed is kept, however old: it would only come back.
        let stories = self.tx.execute(
            "DELETE FROM stories WHERE published < ?1 AND last_seen < ?1",
            [cutoff(retention.stories)],
        )?;
        let snapshots = self.tx.execute(
            "DELETE FROM snapshots WHERE taken_at < ?1",
            [cutoff(retention.snapshots)],
        )?;
        Ok(PruneReport { stories, snapshots })
    }
}

/// Every row of `stories` in rowid order, its first `columns` values (rowid first)
/// as one line each: what two stores' tests compare.
#[cfg(test)]
pub(super) fn story_rows(store: &super::Store, columns: usize) -> Vec<String> {
    let mut stmt = store
        .conn
        .prepare("SELECT rowid, * FROM stories ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((0..columns)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{model::StoryId, store::Store};

    fn item(guid: Option<&str>, url: Option<&str>, title: &str) -> Item {
        Item {
            guid: guid.map(str::to_owned),
            url: url.map(str::to_owned),
            url_is_key: url.is_some(),
            title_key: crate::ingest::normalise::title_key(title, ""),
            title: title.to_owned(),
            summary_html: String::new(),
            excerpt: String::new(),
            image: None,
            authors: Vec::new(),
            topics: Vec::new(),
            section: None,
            published: None,
            updated: None,
            tokens: None,
        }
    }

    fn save(store: &mut Store, items: &[Item], at: &str) -> SaveReport {
        let now = DateTime::parse_from_rfc3339(at).unwrap().to_utc();
        let mut writer = store.writer().unwrap();
        let report = writer
            .save_items(&SourceId::parse("s").unwrap(), items, now)
            .unwrap();
        writer.commit().unwrap();
        report
    }

    #[test]
    fn identity_follows_guid_then_url_then_title() {
        let mut store = Store::open_in_memory().unwrap();
        let t0 = "2026-11-26T10:00:00Z";
        let first = [
            item(Some("g1"), Some("https://x.example/1"), "One"),
            item(None, Some("https://x.example/2"), "Two"),
            item(None, None, "Three"),
        ];
        assert_eq!(save(&mut store, &first, t0).new, 3);
        let ids = |store: &Store| {
            let stories = store.stories_of(&SourceId::parse("s").unwrap()).unwrap();
            let mut ids: Vec<StoryId> = stories.into_iter().map(|s| s.id).collect();
            ids.sort();
            ids
        };
        let before = ids(&store);
        // Same GUID, new URL and title; new GUID on the same URL; same title, no keys.
        let second = [
            item(
                Some("g1"),
                Some("https://x.example/1-moved"),
                "One, updated",
            ),
            item(Some("fresh-guid"), Some("https://x.example/2"), "Two"),
            item(None, None, "Three"),
        ];
        let report = save(&mut store, &second, "2026-11-27T06:00:00Z");
        // Only "One" changed content; a GUID swap alone is not an update.
        assert_eq!((report.new, report.updated, report.unchanged), (0, 1, 2));
        assert_eq!(
            ids(&store),
            before,
            "the same three stories, under their first ids"
        );
        assert_eq!(store.story_count().unwrap(), 3);
    }

    #[test]
    fn dates_fall_back_and_future_dates_are_clamped() {
        let mut store = Store::open_in_memory().unwrap();
        let now = "2026-11-27T06:00:00Z";
        let mut future = item(Some("f"), None, "Future");
        future.published = Some(
            DateTime::parse_from_rfc3339("2031-01-01T00:00:00Z")
                .unwrap()
                .to_utc(),
        );
        let mut updated_only = item(Some("u"), None, "Updated only");
        updated_only.updated = Some(
            DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z")
                .unwrap()
                .to_utc(),
        );
        let undated = item(Some("n"), None, "Undated");
        save(&mut store, &[future, updated_only, undated], now);
        let stories = store.stories_of(&SourceId::parse("s").unwrap()).unwrap();
        let get = |t: &str| stories.iter().find(|s| s.title == t).unwrap();
        let now = DateTime::parse_from_rfc3339(now).unwrap().to_utc();
        assert_eq!(get("Future").published, now);
        assert!(get("Future").dated);
        assert_eq!(
            get("Updated only").published.to_rfc3339(),
            "2026-11-26T12:00:00+00:00"
        );
        assert_eq!(get("Undated").published, now);
        assert!(!get("Undated").dated);
    }
}
