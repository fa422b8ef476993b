//! Which stored story each item of a feed is, for all the feed's items in one query.
//!
//! An item is matched by its GUID, else by its URL when that is a key, else (with
//! neither) by its title key, within its source; among several stories with the same
//! key the oldest row wins (the one a per-item `LIMIT 1` look-up through the source's
//! index found). [`Known`] loads every story of the source that shares a key with
//! any item of the feed, then follows the feed's own inserts and updates, so that a
//! later item sees an earlier one exactly as a fresh query would have.

use std::borrow::Cow;

use rusqlite::{Transaction, params};
use rustc_hash::FxHashMap as HashMap;

use super::StoreError;
use crate::model::{Item, SourceId};

/// The keys of one stored story (borrowed from the feed's items once it saved them).
struct Keys<'a> {
    id: Cow<'a, str>,
    guid: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    title_key: Cow<'a, str>,
}

/// Rows by key, each list in ascending order (nearly always one row).
type Index<'a> = HashMap<Cow<'a, str>, Vec<i64>>;

/// The stories of one source that a feed's items can match, by row id.
#[derive(Default)]
pub(super) struct Known<'a> {
    rows: HashMap<i64, Keys<'a>>,
    by_id: HashMap<Cow<'a, str>, i64>,
    guids: Index<'a>,
    urls: Index<'a>,
    title_keys: Index<'a>,
}

impl<'a> Known<'a> {
    /// The stories of `source` sharing a GUID, URL or title key with one of `items`.
    pub(super) fn load(
        tx: &Transaction<'_>,
        source: &SourceId,
        items: &[Item],
    ) -> Result<Known<'a>, StoreError> {
        let mut known = Known::default();
        if items.is_empty() || !has_stories(tx, source)? {
            return Ok(known);
        }
        let list = |values: Vec<&str>| serde_json::to_string(&values).expect("strings serialise");
        let guids = list(items.iter().filter_map(|i| i.guid.as_deref()).collect());
        let urls = list(
            items
                .iter()
                .filter(|i| i.url_is_key)
                .filter_map(|i| i.url.as_deref())
                .collect(),
        );
        // Only an item with neither GUID nor URL key is looked up by its title key.
        let title_keys = list(
            items
                .iter()
                .filter(|i| i.guid.is_none() && !(i.url_is_key && i.url.is_some()))
                .map(|i| i.title_key.as_str())
                .collect(),
        );
        // `+source` on the URL's look-up: the index on the URL alone serves it (migration
        // 13 dropped the one on (source, url)); the source's index would read every
        // story of the source. A `CROSS JOIN` of `json_each` instead of `IN` had the
        // statement prepared again at each run.
        let mut stmt = tx.prepare_cached(
            "SELECT rowid, id, guid, url, title_key FROM stories
                 WHERE source = ?1 AND guid IN (SELECT value FROM json_each(?2))
             UNION ALL
             SELECT rowid, id, guid, url, title_key FROM stories
                 WHERE +source = ?1 AND url IN (SELECT value FROM json_each(?3))
             UNION ALL
             SELECT rowid, id, guid, url, title_key FROM stories
                 WHERE source = ?1 AND title_key IN (SELECT value FROM json_each(?4))",
        )?;
        let mut rows = stmt.query(params![source.as_str(), guids, urls, title_keys])?;
        while let Some(row) = rows.next()? {
            let rowid: i64 = row.get(0)?;
            if known.rows.contains_key(&rowid) {
                continue;
            }
            let keys = Keys {
                id: Cow::Owned(row.get(1)?),
                guid: row.get::<_, Option<String>>(2)?.map(Cow::Owned),
                url: row.get::<_, Option<String>>(3)?.map(Cow::Owned),
                title_key: Cow::Owned(row.get(4)?),
            };
            known.add(rowid, keys);
        }
        Ok(known)
    }

    /// Whether no stored story shares a key with the feed (or none was looked for).
    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row of the story `item` is, if it is known.
    pub(super) fn find(&self, item: &Item) -> Option<i64> {
        let first =
            |map: &Index<'a>, key: &str| map.get(key).and_then(|rows| rows.first().copied());
        if let Some(guid) = &item.guid
            && let Some(row) = first(&self.guids, guid)
        {
            return Some(row);
        }
        let url_key = item.url.as_deref().filter(|_| item.url_is_key);
        if let Some(url) = url_key
            && let Some(row) = first(&self.urls, url)
        {
            return Some(row);
        }
        if item.guid.is_none() && url_key.is_none() {
            return first(&self.title_keys, &item.title_key);
        }
        None
    }

    /// `item` was inserted as story `id` at `rowid` (replacing any story with that id).
    pub(super) fn inserted(&mut self, rowid: i64, id: &str, item: &'a Item) {
        if let Some(old) = self.by_id.get(id).copied() {
            self.remove(old);
        }
        let keys = Keys {
            id: Cow::Owned(id.to_owned()),
            guid: item.guid.as_deref().map(Cow::Borrowed),
            url: item.url.as_deref().map(Cow::Borrowed),
            title_key: Cow::Borrowed(&item.title_key),
        };
        self.add(rowid, keys);
    }

    /// The story at `rowid` was updated from `item` (its GUID kept when the item has none).
    pub(super) fn updated(&mut self, rowid: i64, item: &'a Item) {
        let Some(mut keys) = self.remove(rowid) else {
            return;
        };
        keys.guid = item.guid.as_deref().map(Cow::Borrowed).or(keys.guid);
        keys.url = item.url.as_deref().map(Cow::Borrowed);
        keys.title_key = Cow::Borrowed(&item.title_key);
        self.add(rowid, keys);
    }

    fn add(&mut self, rowid: i64, keys: Keys<'a>) {
        let link = |map: &mut Index<'a>, key: &Cow<'a, str>| {
            let rows = map.entry(key.clone()).or_default();
            if let Err(at) = rows.binary_search(&rowid) {
                rows.insert(at, rowid);
            }
        };
        if let Some(guid) = &keys.guid {
            link(&mut self.guids, guid);
        }
        if let Some(url) = &keys.url {
            link(&mut self.urls, url);
        }
        link(&mut self.title_keys, &keys.title_key);
        self.by_id.insert(keys.id.clone(), rowid);
        self.rows.insert(rowid, keys);
    }

    fn remove(&mut self, rowid: i64) -> Option<Keys<'a>> {
        let keys = self.rows.remove(&rowid)?;
        let unlink = |map: &mut Index<'a>, key: &str| {
            if let Some(rows) = map.get_mut(key) {
                rows.retain(|r| *r != rowid);
                if rows.is_empty() {
                    map.remove(key);
                }
            }
        };
        if let Some(guid) = &keys.guid {
            unlink(&mut self.guids, guid);
        }
        if let Some(url) = &keys.url {
            unlink(&mut self.urls, url);
        }
        unlink(&mut self.title_keys, &keys.title_key);
        self.by_id.remove(keys.id.as_ref());
        Some(keys)
    }
}

/// Whether `source` has any story: a source fetched for the first time (every source
/// of a fresh store) needs no look-up, whose key lists and query were a sixth of the
/// writing thread's time in a fresh fetch (benches/README.md, `fetch`).
fn has_stories(tx: &Transaction<'_>, source: &SourceId) -> Result<bool, StoreError> {
    use rusqlite::OptionalExtension;
    let mut stmt = tx.prepare_cached("SELECT 1 FROM stories WHERE source = ?1 LIMIT 1")?;
    let found: Option<i64> = stmt
        .query_row([source.as_str()], |row| row.get(0))
        .optional()?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use rusqlite::params;

    use super::*;
    use crate::store::{
        SaveReport, Store, Writer, stories::STORY_COLUMNS, story_reads::read_story,
    };

    fn item(title: &str) -> Item {
        Item {
            title_key: crate::ingest::normalise::title_key(title, ""),
            title: title.to_owned(),
            ..Item::default()
        }
    }

    /// The look-ups as they were before `Known`: up to three queries per item.
    fn save_per_item(writer: &mut Writer<'_>, items: &[Item], now: DateTime<Utc>) -> SaveReport {
        use rusqlite::OptionalExtension;
        let source = SourceId::parse("s").unwrap();
        let mut report = SaveReport::default();
        for item in items {
            let by = |column: &str, value: &str| {
                let sql = format!(
                    "SELECT {STORY_COLUMNS} FROM stories WHERE source = ?1 AND {column} = ?2 LIMIT 1"
                );
                writer
                    .tx
                    .query_row(&sql, params![source.as_str(), value], read_story)
                    .optional()
                    .unwrap()
            };
            let url_key = item.url.as_deref().filter(|_| item.url_is_key);
            let existing = item
                .guid
                .as_deref()
                .and_then(|g| by("guid", g))
                .or_else(|| url_key.and_then(|u| by("url", u)))
                .or_else(|| {
                    (item.guid.is_none() && url_key.is_none())
                        .then(|| by("title_key", &item.title_key))
                        .flatten()
                });
            match existing {
                Some(story) => match writer.update_story(&story, item, None, now).unwrap() {
                    true => report.updated += 1,
                    false => report.unchanged += 1,
                },
                None => {
                    writer.insert_story(&source, item, None, now).unwrap();
                    report.new += 1;
                }
            }
        }
        report
    }

    /// Random feeds whose items share GUIDs, URLs and titles in every way, saved one
    /// after the other: the one-query look-up leaves the same rows as the per-item one.
    #[test]
    fn one_query_per_feed_matches_items_as_per_item_queries_did() {
        let mut rng = fastrand::Rng::with_seed(13);
        let pick = |rng: &mut fastrand::Rng, pool: &[&str]| {
            let i = rng.usize(..=pool.len());
            pool.get(i).map(|v| (*v).to_owned())
        };
        for round in 0..60 {
            let mut old = Store::open_in_memory().unwrap();
            let mut new = Store::open_in_memory().unwrap();
            for fetch in 0..6 {
                let now = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
                    .unwrap()
                    .to_utc()
                    + chrono::Duration::hours(fetch);
                let items: Vec<Item> = (0..rng.usize(0..8))
                    .map(|_| {
                        let mut it = item(&pick(&mut rng, &["A", "B", "C"]).unwrap_or_default());
                        it.guid = pick(&mut rng, &["g1", "g2", "g3"]);
                        it.url = pick(&mut rng, &["https://x.example/1", "https://x.example/2"]);
                        it.url_is_key = it.url.is_some() && rng.bool();
                        it.summary_html = pick(&mut rng, &["<p>x</p>"]).unwrap_or_default();
                        it
                    })
                    .collect();
                let mut writer = old.writer().unwrap();
                let expected = save_per_item(&mut writer, &items, now);
                writer.commit().unwrap();
                let mut writer = new.writer().unwrap();
                let got = writer
                    .save_items(&SourceId::parse("s").unwrap(), &items, now)
                    .unwrap();
                writer.commit().unwrap();
                assert_eq!(got, expected, "round {round}, fetch {fetch}: {items:?}");
                let rows = |store: &Store| crate::store::stories::story_rows(store, 18);
                assert_eq!(
                    rows(&new),
                    rows(&old),
                    "round {round}, fetch {fetch}: {items:?}"
                );
            }
        }
    }
}
