//! New stories written: the row of each bound value by value to one statement,
//! taken from the connection's cache once per feed. Taken once per item, its look-up
//! (a hash of the SQL) and its return to the cache (bindings cleared) were about a
//! twentieth of the writing thread's instructions (benches/README.md, `fetch`).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use crate::{
    model::{Item, SectionId, SourceId, StoryId},
    store::{
        StoreError,
        prepared::{Batch, Row},
    },
    time::to_unix,
};

pub(super) const INSERT: &str =
    "INSERT OR REPLACE INTO stories (id, source, guid, url, title_key, title,
         summary_html, excerpt, image, authors, topics, section, published, updated,
         first_seen, last_seen, dated, tokens, tokens_version)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17,
         ?18)";

/// Inserts every item of `batch`, fetched from `source` at `now`, as a new story,
/// through one statement. For a feed none of whose items is a stored story or meets
/// an earlier item.
pub(super) fn all_new(
    tx: &Transaction<'_>,
    source: &SourceId,
    batch: &Batch<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(INSERT)?;
    for (i, item) in batch.items().iter().enumerate() {
        one(tx, &mut insert, source, item, batch.row(source, i), now)?;
    }
    Ok(())
}

/// Binds the values of `item`'s row (`row`: what was made for it) as parameters
/// `offset + 1..=offset + 18` of `insert`, in [`INSERT`]'s order.
fn bind_row(
    insert: &mut rusqlite::Statement<'_>,
    offset: usize,
    source: &SourceId,
    item: &Item,
    row: &Row,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let published = item
        .published
        .or(item.updated)
        .map_or(now, |at| at.min(now));
    let values: [&dyn rusqlite::ToSql; 18] = [
        &row.id.as_str(),
        &source.as_str(),
        &item.guid,
        &item.url,
        &item.title_key,
        &item.title,
        &item.summary_html,
        &item.excerpt,
        &row.image,
        &row.authors,
        &row.topics,
        &item.section.as_ref().map(SectionId::as_str),
        &to_unix(published),
        &item.updated.map(|u| to_unix(u.min(now))),
        &to_unix(now),
        &item.published.or(item.updated).is_some(),
        &item.tokens.as_ref().map(|t| t.as_bytes()),
        &item.tokens.as_ref().map(|t| t.version),
    ];
    for (k, value) in values.into_iter().enumerate() {
        insert.raw_bind_parameter(offset + k + 1, value)?;
    }
    Ok(())
}

/// Inserts `item` of `source` as a new story with `insert` ([`INSERT`]; `prepared`
/// is its row made beforehand, if any); returns its id and the row it went into.
pub(super) fn one(
    conn: &rusqlite::Connection,
    insert: &mut rusqlite::Statement<'_>,
    source: &SourceId,
    item: &Item,
    prepared: Option<&Row>,
    now: DateTime<Utc>,
) -> Result<(StoryId, i64), StoreError> {
    let row = made(prepared, source, item);
    bind_row(insert, 0, source, item, &row, now)?;
    insert.raw_execute()?;
    // The row id of this insert, whatever else the transaction inserts after it.
    Ok((row.id.clone(), conn.last_insert_rowid()))
}

/// `prepared`, or the row made now for `item` of `source`.
fn made<'r>(prepared: Option<&'r Row>, source: &SourceId, item: &Item) -> Cow<'r, Row> {
    prepared.map_or_else(|| Cow::Owned(Row::new(source, item)), Cow::Borrowed)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use crate::{
        model::{Image, Item, Lists, SectionId, SourceId, StoryTokens},
        store::{PreparedItems, Store},
    };

    /// Item `n` of a feed, every column its own value, and some of them absent.
    fn item(n: usize) -> Item {
        let at = DateTime::from_timestamp(1_795_000_000 + 60 * n as i64, 0).unwrap();
        let tokens = StoryTokens::new(
            2,
            &Lists {
                title_terms: &[n as u64],
                title_cases: &[1],
                summary_limit: 30,
                ..Lists::default()
            },
        );
        Item {
            guid: (n % 3 != 1).then(|| format!("guid-{n}")),
            url: (n % 4 != 2).then(|| format!("https://s.example/{n}")),
            url_is_key: n.is_multiple_of(2),
            title_key: format!("key-{n}"),
            title: format!("Title {n}"),
            summary_html: format!("<p>Summary {n}</p>"),
            excerpt: format!("Excerpt {n}"),
            image: n.is_multiple_of(5).then(|| Image {
                url: format!("https://s.example/{n}.jpg"),
                alt: Some(format!("alt {n}")),
                width: Some(n as u32),
                height: None,
            }),
            authors: vec![format!("Author {n}")],
            topics: vec![format!("Topic {n}"), "Shared".to_owned()],
            section: (!n.is_multiple_of(3)).then(|| SectionId::parse("world").unwrap()),
            published: (n % 7 != 3).then_some(at),
            updated: (n % 2 == 1).then_some(at + chrono::Duration::minutes(5)),
            tokens: (n % 6 != 4).then_some(tokens),
        }
    }

    fn rows(store: &Store) -> Vec<String> {
        crate::store::stories::story_rows(store, 20)
    }

    /// Prepared feeds of new stories (written without following the feed's own
    /// inserts) give the rows, row ids included, that plain items give, each value
    /// in its column.
    #[test]
    fn new_stories_prepared_are_the_rows_of_plain_items() {
        let source = SourceId::parse("s").unwrap();
        let other = SourceId::parse("t").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
            .unwrap()
            .to_utc();
        let mut start = 0;
        for count in [0, 1, 15, 16, 17, 32, 50] {
            let items: Vec<Item> = (start..start + count).map(item).collect();
            start += count;
            let (mut many, mut plain) = (
                Store::open_in_memory().unwrap(),
                Store::open_in_memory().unwrap(),
            );
            // The second feed's items prepared for the first's source: their rows are
            // made again as they are written.
            for (store, prepared) in [(&mut many, true), (&mut plain, false)] {
                let mut writer = store.writer().unwrap();
                for feed in [&source, &other] {
                    let report = match prepared {
                        true => {
                            let items = PreparedItems::new(&source, items.clone());
                            writer.save_items(feed, &items, now).unwrap()
                        }
                        false => writer.save_items(feed, &items, now).unwrap(),
                    };
                    assert_eq!(report.new, count);
                }
                writer.commit().unwrap();
            }
            assert_eq!(rows(&many).len(), 2 * count);
            assert_eq!(rows(&many), rows(&plain), "{count} items");
            // Each value in its column.
            let mut stmt = many
                .conn
                .prepare(
                    "SELECT guid, url, title_key, title, summary_html, excerpt, image, authors,
                         topics, section, published, updated, first_seen, last_seen, dated,
                         tokens, tokens_version
                     FROM stories WHERE source = 's' ORDER BY rowid",
                )
                .unwrap();
            let stored: Vec<String> = stmt
                .query_map([], |r| {
                    Ok((0..17)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let expected: Vec<String> = (items.iter())
                .map(|i| {
                    use rusqlite::types::ValueRef::{Blob, Integer, Null, Text};
                    let text = |s: &Option<String>| {
                        format!("{:?}", s.as_deref().map_or(Null, |s| Text(s.as_bytes())))
                    };
                    let json = |v: String| format!("{:?}", Text(v.as_bytes()));
                    let published = i.published.or(i.updated).unwrap_or(now);
                    [
                        text(&i.guid),
                        text(&i.url),
                        format!("{:?}", Text(i.title_key.as_bytes())),
                        format!("{:?}", Text(i.title.as_bytes())),
                        format!("{:?}", Text(i.summary_html.as_bytes())),
                        format!("{:?}", Text(i.excerpt.as_bytes())),
                        (i.image.as_ref()).map_or(format!("{Null:?}"), |m| {
                            json(serde_json::to_string(m).unwrap())
                        }),
                        json(serde_json::to_string(&i.authors).unwrap()),
                        json(serde_json::to_string(&i.topics).unwrap()),
                        format!(
                            "{:?}",
                            i.section
                                .as_ref()
                                .map_or(Null, |s| Text(s.as_str().as_bytes()))
                        ),
                        format!("{:?}", Integer(published.timestamp())),
                        format!("{:?}", i.updated.map_or(Null, |u| Integer(u.timestamp()))),
                        format!("{:?}", Integer(now.timestamp())),
                        format!("{:?}", Integer(now.timestamp())),
                        format!(
                            "{:?}",
                            Integer(i64::from(i.published.or(i.updated).is_some()))
                        ),
                        format!(
                            "{:?}",
                            i.tokens.as_ref().map_or(Null, |t| Blob(t.as_bytes()))
                        ),
                        format!(
                            "{:?}",
                            i.tokens
                                .as_ref()
                                .map_or(Null, |t| Integer(i64::from(t.version)))
                        ),
                    ]
                    .join("|")
                })
                .collect();
            assert_eq!(stored, expected, "{count} items");
        }
    }
}
