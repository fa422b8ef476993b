//! Stories read for ranking: an issue's window and the last days' stories ("Read
//! also") with only the columns the rank stage reads, and afterwards the whole
//! stories of the few it picked.
//!
//! A build reads 50,000 stories and carries a few dozen: reading every story's
//! summary HTML, image and authors (two JSON documents) only to drop them cost a
//! fifth of `publish`'s rank stage (`benches/README.md`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

use super::{Store, StoreError, stories::STORY_COLUMNS, story_reads::read_story};
use crate::{
    model::{SectionId, SourceId, Story, StoryId, StoryTokens},
    time::{from_unix, to_unix},
};

/// The columns [`Store::stories_for_ranking`] reads, in [`read_light`]'s order.
const LIGHT_COLUMNS: &str = "id, source, url, title, excerpt, section, published, updated,
     first_seen, dated, CASE WHEN section IS NULL THEN topics END";

impl Store {
    /// The stories published at or after `since`, newest first (then by id), each
    /// with its kept tokens if they are of tokenizer `version` (else `None`:
    /// unreadable bytes count as none), read for ranking: without their summary HTML, image, authors and
    /// GUID (empty), and with their topics only when they have no section (rank
    /// reads them only to say why such a story cannot be ranked). What rank picks
    /// is then read whole with [`Store::stories_by_ids`].
    pub fn stories_for_ranking(
        &self,
        since: DateTime<Utc>,
        version: u32,
    ) -> Result<(Vec<Story>, Vec<Option<StoryTokens>>), StoreError> {
        self.stories_for_ranking_before(since, None, version)
    }

    /// [`Store::stories_for_ranking`], only those published before `before` if
    /// given: the stories of `since..before` are the rows of `since..` that come
    /// after those of `before..`, so two reads split at an instant give the one
    /// read's rows in its order (an issue reads its window's first and the older
    /// days' on another connection meanwhile, `issue::input`).
    pub fn stories_for_ranking_before(
        &self,
        since: DateTime<Utc>,
        before: Option<DateTime<Utc>>,
        version: u32,
    ) -> Result<(Vec<Story>, Vec<Option<StoryTokens>>), StoreError> {
        let sql = format!(
            "SELECT {LIGHT_COLUMNS}, CASE WHEN tokens_version = ?2 THEN tokens END
             FROM stories WHERE published >= ?1 AND published < ?3
             ORDER BY published DESC, id"
        );
        let before = before.map_or(i64::MAX, to_unix);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![to_unix(since), version, before])?;
        let (mut stories, mut tokens) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            stories.push(read_light(row)?);
            let bytes: Option<Vec<u8>> = row.get(11)?;
            tokens.push(bytes.and_then(|b| StoryTokens::from_bytes(version, b).ok()));
        }
        Ok((stories, tokens))
    }

    /// [`Store::stories_for_ranking`], through whichever read costs less: when the
    /// stories of `since..` are a third of the table or more (a store filled by
    /// one fetch: an issue's 24 hours are two thirds of the week's stories its feeds
    /// hold), [`Store::stories_for_ranking_scanned`]; else (a store that keeps a
    /// month) a look-up per story through the index. Counting both, through the
    /// index alone, costs a millisecond. The same rows in the same order.
    pub fn stories_for_ranking_from(
        &self,
        since: DateTime<Utc>,
        version: u32,
    ) -> Result<(Vec<Story>, Vec<Option<StoryTokens>>), StoreError> {
        let count = |sql: &str, since: i64| -> Result<i64, StoreError> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row([since], |r| r.get(0))?)
        };
        let range = count(
            "SELECT count(*) FROM stories WHERE published >= ?1",
            to_unix(since),
        )?;
        let all = count(
            "SELECT count(*) FROM stories WHERE published >= ?1",
            i64::MIN,
        )?;
        match 3 * range >= all && range > 0 {
            true => self.stories_for_ranking_scanned(since, version),
            false => self.stories_for_ranking(since, version),
        }
    }

    /// [`Store::stories_for_ranking`]'s rows, read in the table's own order (no
    /// look-up through `stories_by_published` per row: a scan visits a story in a
    /// quarter of the instructions) and sorted here as the query sorts them, by
    /// publication time newest first, then by id (unique): the same rows in the
    /// same order.
    pub fn stories_for_ranking_scanned(
        &self,
        since: DateTime<Utc>,
        version: u32,
    ) -> Result<(Vec<Story>, Vec<Option<StoryTokens>>), StoreError> {
        let sql = format!(
            "SELECT {LIGHT_COLUMNS}, CASE WHEN tokens_version = ?2 THEN tokens END
             FROM stories NOT INDEXED WHERE published >= ?1"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![to_unix(since), version])?;
        // Each row's `published` as stored (what the query sorts by), and its place.
        let mut order: Vec<(i64, u32)> = Vec::new();
        let (mut stories, mut tokens) = (Vec::new(), Vec::new());
        while let Some(row) = rows.next()? {
            let bytes: Option<Vec<u8>> = row.get(11)?;
            order.push((row.get(6)?, stories.len() as u32));
            stories.push(read_light(row)?);
            tokens.push(bytes.and_then(|b| StoryTokens::from_bytes(version, b).ok()));
        }
        // Places sorted, not the stories (a few hundred bytes each). SQLite
        // compares `id`s (TEXT, BINARY) byte by byte, as `str` does.
        let id = |at: u32| stories[at as usize].id.as_str();
        order.sort_unstable_by(|x, y| y.0.cmp(&x.0).then_with(|| id(x.1).cmp(id(y.1))));
        let from: Vec<u32> = order.into_iter().map(|(_, at)| at).collect();
        put_in_order(&mut stories, &mut tokens, from);
        Ok((stories, tokens))
    }

    /// The whole stories of `ids` that the store holds, by id.
    pub fn stories_by_ids<'i>(
        &self,
        ids: impl IntoIterator<Item = &'i StoryId>,
    ) -> Result<HashMap<StoryId, Story>, StoreError> {
        let ids: Vec<&str> = ids.into_iter().map(StoryId::as_str).collect();
        let mut stories = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!("SELECT {STORY_COLUMNS} FROM stories WHERE id IN ({marks})");
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(chunk), read_story)?;
            for story in rows {
                let story = story?;
                stories.insert(story.id.clone(), story);
            }
        }
        Ok(stories)
    }
}

/// Puts `stories` and `tokens` in place in the order `from` gives (place `k` takes
/// what was at `from[k]`, a permutation), one cycle of swaps at a time: no second
/// copy of 30,000 stories.
fn put_in_order<S, T>(stories: &mut [S], tokens: &mut [T], mut from: Vec<u32>) {
    for start in 0..from.len() {
        let mut k = start;
        // Each cycle once: a place done points at itself.
        while from[k] as usize != k {
            let source = from[k] as usize;
            from[k] = k as u32;
            if source == start {
                break;
            }
            stories.swap(k, source);
            tokens.swap(k, source);
            k = source;
        }
    }
}

/// One row of [`LIGHT_COLUMNS`] as a [`Story`] without what ranking does not read.
fn read_light(row: &Row<'_>) -> rusqlite::Result<Story> {
    let invalid = |index: usize, text: &str, e: String| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            format!("{text:?}: {e}").into(),
        )
    };
    let source = row.get_ref(1)?.as_str()?;
    let section = row.get_ref(5)?.as_str_or_null()?;
    let topics = match row.get_ref(10)?.as_str_or_null()? {
        Some(text) => serde_json::from_str(text).map_err(|e| invalid(10, text, e.to_string()))?,
        None => Vec::new(),
    };
    Ok(Story {
        id: StoryId(row.get(0)?),
        source: SourceId::parse(source).map_err(|e| invalid(1, source, e))?,
        guid: None,
        url: row.get(2)?,
        title: row.get(3)?,
        summary_html: String::new(),
        excerpt: row.get(4)?,
        image: None,
        authors: Vec::new(),
        topics,
        section: match section {
            Some(s) => Some(SectionId::parse(s).map_err(|e| invalid(5, s, e))?),
            None => None,
        },
        published: from_unix(row.get(6)?),
        updated: row.get::<_, Option<i64>>(7)?.map(from_unix),
        first_seen: from_unix(row.get(8)?),
        dated: row.get(9)?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use crate::{
        model::{Image, Item, SectionId, SourceId},
        store::Store,
    };

    #[test]
    fn ranking_reads_what_rank_needs_and_the_picks_whole() {
        let mut store = Store::open_in_memory().unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let now = at("2026-11-27T06:00:00Z");
        let item = |title: &str, section: Option<&str>, hours: i64| Item {
            guid: Some(format!("guid-{title}")),
            url: Some(format!("https://s.example/{title}")),
            title_key: title.to_owned(),
            title: title.to_owned(),
            summary_html: format!("<p>{title}</p>"),
            excerpt: format!("About {title}."),
            image: Some(Image {
                url: "https://s.example/i.jpg".to_owned(),
                alt: None,
                width: None,
                height: None,
            }),
            authors: vec!["A. Writer".to_owned()],
            topics: vec!["Politics".to_owned()],
            section: section.map(|s| SectionId::parse(s).unwrap()),
            published: Some(now - chrono::Duration::hours(hours)),
            ..Item::default()
        };
        let items = [
            item("placed", Some("world"), 1),
            item("unplaced", None, 2),
            item("old", Some("world"), 90),
        ];
        let mut writer = store.writer().unwrap();
        writer
            .save_items(&SourceId::parse("s").unwrap(), &items, now)
            .unwrap();
        writer.commit().unwrap();
        let since = at("2026-11-26T00:00:00Z");
        let whole = store.stories_since(since).unwrap();
        let (light, kept) = store.stories_for_ranking(since, 1).unwrap();
        assert_eq!(light.len(), 2);
        assert_eq!(kept, [None, None]);
        for (light, whole) in light.iter().zip(&whole) {
            let expected = crate::model::Story {
                guid: None,
                summary_html: String::new(),
                image: None,
                authors: Vec::new(),
                topics: match whole.section {
                    Some(_) => Vec::new(),
                    None => whole.topics.clone(),
                },
                ..whole.clone()
            };
            assert_eq!(light, &expected);
        }
        assert_eq!(light[1].topics, ["Politics"]);
        // Split at an instant, the two reads are the one read's rows in its order.
        let cut = at("2026-11-27T04:30:00Z");
        let (mut split, _) = store.stories_for_ranking_before(cut, None, 1).unwrap();
        assert_eq!(split.len(), 1);
        let (older, _) = store
            .stories_for_ranking_before(since, Some(cut), 1)
            .unwrap();
        assert_eq!(older.len(), 1);
        split.extend(older);
        assert_eq!(split, light);
        let by_id = store.stories_by_ids(light.iter().map(|s| &s.id)).unwrap();
        assert_eq!(by_id.len(), 2);
        for story in &whole {
            assert_eq!(by_id[&story.id], *story);
        }
    }

    #[test]
    fn a_permutation_is_applied_in_place() {
        let mut rng = fastrand::Rng::with_seed(3);
        for n in [0usize, 1, 2, 7, 100] {
            let mut from: Vec<u32> = (0..n as u32).collect();
            rng.shuffle(&mut from);
            let (mut s, mut t): (Vec<usize>, Vec<String>) =
                (0..n).map(|i| (i * 10, format!("t{i}"))).unzip();
            super::put_in_order(&mut s, &mut t, from.clone());
            let expected: Vec<usize> = from.iter().map(|&i| i as usize * 10).collect();
            assert_eq!(s, expected);
            assert_eq!(t, from.iter().map(|i| format!("t{i}")).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_scan_sorted_here_gives_the_rows_of_the_indexed_read_in_its_order() {
        let mut store = Store::open_in_memory().unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let now = at("2026-11-27T06:00:00Z");
        let mut rng = fastrand::Rng::with_seed(5);
        let mut writer = store.writer().unwrap();
        // Stored in an order unrelated to their times, many at the same second.
        for source in ["a", "b", "c", "d"] {
            let items: Vec<Item> = (0..60)
                .map(|n| Item {
                    guid: Some(format!("{source}-{n}")),
                    url: Some(format!("https://{source}.example/{n}")),
                    title_key: format!("story {n}"),
                    title: format!("Story {n} of {source}"),
                    excerpt: format!("About {n}."),
                    section: Some(SectionId::parse("world").unwrap()),
                    published: Some(now - chrono::Duration::hours(rng.i64(0..40))),
                    ..Item::default()
                })
                .collect();
            writer
                .save_items(&SourceId::parse(source).unwrap(), &items, now)
                .unwrap();
        }
        writer.commit().unwrap();
        let since = now - chrono::Duration::hours(30);
        let (stories, _) = store.stories_for_ranking(since, 1).unwrap();
        // Tokens kept for some, under this version or another.
        let kept: Vec<_> = (stories.iter().step_by(3))
            .map(|s| {
                (
                    s.id.clone(),
                    crate::rank::kept::tokens(&s.title, &s.excerpt),
                )
            })
            .collect();
        let mut writer = store.writer().unwrap();
        writer
            .keep_tokens(kept.iter().map(|(id, t)| (id, t)))
            .unwrap();
        writer.commit().unwrap();
        let version = crate::rank::kept::TOKENS_VERSION;
        for version in [version, version + 1] {
            let indexed = store.stories_for_ranking(since, version).unwrap();
            assert!(indexed.0.len() > 100 && indexed.0.len() < 240);
            let scanned = store.stories_for_ranking_scanned(since, version).unwrap();
            assert_eq!(scanned, indexed);
            // Most of the table (scanned) or a small part of it (looked up).
            for hours in [30, 3] {
                let since = now - chrono::Duration::hours(hours);
                let either = store.stories_for_ranking_from(since, version).unwrap();
                assert_eq!(either, store.stories_for_ranking(since, version).unwrap());
            }
        }
    }
}
