//! A feed's items with what saving them needs besides the items themselves, made on
//! the thread that parsed them rather than on the store's one writing thread: each
//! new story's id (SHA-256 of its key), the JSON of its image, authors and topics,
//! and whether any item matches an earlier one of the same feed.

use rustc_hash::FxHashSet as HashSet;

use crate::model::{IdentityKey, Item, SourceId, StoryId};

/// One feed's items, prepared for [`Writer::save_items`](super::Writer::save_items).
pub struct PreparedItems {
    source: SourceId,
    items: Vec<Item>,
    rows: Vec<Row>,
    distinct: bool,
}

/// The values of one item's row that take work to make.
#[derive(Clone)]
pub(super) struct Row {
    /// The id it gets if it is a new story.
    pub(super) id: StoryId,
    pub(super) image: Option<String>,
    pub(super) authors: String,
    pub(super) topics: String,
}

impl PreparedItems {
    /// Prepares `items`, fetched from `source`.
    pub fn new(source: &SourceId, items: Vec<Item>) -> PreparedItems {
        let rows = items.iter().map(|item| Row::new(source, item)).collect();
        let distinct = distinct(&items);
        PreparedItems {
            source: source.clone(),
            items,
            rows,
            distinct,
        }
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items.
    pub fn items(&self) -> &[Item] {
        &self.items
    }
}

impl Row {
    pub(super) fn new(source: &SourceId, item: &Item) -> Row {
        Row {
            id: StoryId::derive(source, &new_key(item)),
            image: item.image.as_ref().map(json),
            authors: json(&item.authors),
            topics: json(&item.topics),
        }
    }
}

/// The key a new story is derived from: its GUID, else its URL when that is a key,
/// else its title key.
pub(super) fn new_key(item: &Item) -> IdentityKey {
    match (&item.guid, &item.url) {
        (Some(guid), _) => IdentityKey::Guid(guid.clone()),
        (None, Some(url)) if item.url_is_key => IdentityKey::Url(url.clone()),
        _ => IdentityKey::TitleDate(item.title_key.clone()),
    }
}

pub(super) fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// Whether no item would meet an earlier item of the same feed, by the rules of
/// `identity::Known::find` (its GUID among the earlier GUIDs, its URL, when a key,
/// among the earlier URLs, or, with neither, its title key among the earlier ones).
/// Then, in a source none of whose stored stories shares a key with the feed, every
/// item is new and the writer need not follow the feed's own inserts.
fn distinct(items: &[Item]) -> bool {
    let mut guids = HashSet::default();
    let mut urls = HashSet::default();
    let mut title_keys = HashSet::default();
    for item in items {
        let url_key = item.url.as_deref().filter(|_| item.url_is_key);
        let meets = match (item.guid.as_deref(), url_key) {
            (Some(guid), _) if guids.contains(guid) => true,
            (_, Some(url)) if urls.contains(url) => true,
            (None, None) => title_keys.contains(item.title_key.as_str()),
            _ => false,
        };
        if meets {
            return false;
        }
        if let Some(guid) = item.guid.as_deref() {
            guids.insert(guid);
        }
        if let Some(url) = item.url.as_deref() {
            urls.insert(url);
        }
        title_keys.insert(item.title_key.as_str());
    }
    true
}

/// What [`Writer::save_items`](super::Writer::save_items) takes: prepared items, or
/// plain ones (prepared as they are saved).
pub enum Batch<'i> {
    /// Items prepared on another thread.
    Prepared(&'i PreparedItems),
    /// Items as they are.
    Plain(&'i [Item]),
}

impl<'i> From<&'i PreparedItems> for Batch<'i> {
    fn from(items: &'i PreparedItems) -> Batch<'i> {
        Batch::Prepared(items)
    }
}

impl<'i, T: AsRef<[Item]> + ?Sized> From<&'i T> for Batch<'i> {
    fn from(items: &'i T) -> Batch<'i> {
        Batch::Plain(items.as_ref())
    }
}

impl<'i> Batch<'i> {
    pub(super) fn items(&self) -> &'i [Item] {
        match self {
            Batch::Prepared(p) => &p.items,
            Batch::Plain(items) => items,
        }
    }

    /// The prepared row of item `i`, if it was prepared for `source`.
    pub(super) fn row(&self, source: &SourceId, i: usize) -> Option<&'i Row> {
        match self {
            Batch::Prepared(p) if &p.source == source => p.rows.get(i),
            _ => None,
        }
    }

    /// Whether no item meets an earlier one of the batch (known only when prepared).
    pub(super) fn distinct(&self) -> bool {
        match self {
            Batch::Prepared(p) => p.distinct,
            Batch::Plain(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(guid: Option<&str>, url: Option<&str>, url_is_key: bool, title: &str) -> Item {
        Item {
            guid: guid.map(str::to_owned),
            url: url.map(str::to_owned),
            url_is_key,
            title_key: title.to_owned(),
            title: title.to_owned(),
            ..Item::default()
        }
    }

    #[test]
    fn items_meeting_an_earlier_one_are_not_distinct() {
        let a = item(Some("g"), Some("u"), true, "t");
        assert!(distinct(&[
            a.clone(),
            item(Some("h"), Some("v"), true, "t")
        ]));
        // The same GUID; a URL key seen as an earlier URL (key or not); a title key
        // of an item with neither.
        assert!(!distinct(&[a.clone(), item(Some("g"), None, false, "x")]));
        assert!(!distinct(&[
            item(Some("g"), Some("u"), false, "t"),
            item(None, Some("u"), true, "x")
        ]));
        assert!(!distinct(&[a.clone(), item(None, None, false, "t")]));
        // A URL that is not a key, or a title key of an item with a GUID, meets nothing.
        assert!(distinct(&[
            a.clone(),
            item(Some("h"), Some("u"), false, "t")
        ]));
        assert!(distinct(&[
            item(Some("h"), Some("u"), false, "t"),
            item(Some("g"), Some("u"), false, "t")
        ]));
    }
}
