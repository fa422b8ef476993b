//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>), serialised with serde: the
//! required `version`, `title` and `items` (each with `id` and `content_html` or
//! `content_text`), plus `home_page_url`, `feed_url`, dates in RFC 3339.

use serde::Serialize;

use super::{Entry, Feed, rfc3339};

const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    language: &'a str,
    authors: Vec<Author<'a>>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: &'a Vec<String>,
}

/// The feed as a JSON Feed 1.1 document.
pub(super) fn feed(feed: &Feed) -> Vec<u8> {
    let document = JsonFeed {
        version: VERSION,
        title: &feed.title,
        home_page_url: &feed.home,
        feed_url: &feed.links.json,
        description: &feed.description,
        language: &feed.language,
        authors: vec![Author {
            name: &feed.author,
            url: Some(&feed.home),
        }],
        items: feed.entries.iter().map(item).collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&document).expect("plain data serialises");
    bytes.push(b'\n');
    bytes
}

fn item(entry: &Entry) -> Item<'_> {
    // Every item needs content_html or content_text.
    let content_text = match entry.content_html {
        Some(_) => None,
        None => Some(entry.summary.as_deref().unwrap_or(&entry.title)),
    };
    Item {
        id: &entry.id,
        url: entry.link.as_deref(),
        title: &entry.title,
        summary: entry.summary.as_deref(),
        content_html: entry.content_html.as_deref(),
        content_text,
        date_published: rfc3339(entry.published),
        date_modified: rfc3339(entry.updated),
        authors: entry
            .authors
            .iter()
            .map(|name| Author { name, url: None })
            .collect(),
        tags: &entry.categories,
    }
}
