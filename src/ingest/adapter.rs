//! The feed-rs adapter: the only place that sees `feed_rs` types.
//!
//! [`read_feed`] takes raw bytes (and the HTTP charset), decodes them (see
//! [`super::decode`]), lets feed-rs parse RSS 0.9x/1.0/2.0, Atom and JSON Feed, and
//! returns pressroom's own [`ParsedFeed`]. It works around feed-rs's known gaps: legacy
//! roots are modernised, a failed parse is retried once with broken entities repaired,
//! JSON Feed `image`s (which feed-rs drops) are read separately, and a panic inside the
//! parser is caught and reported as an error instead of taking the run down.

use std::{
    collections::HashMap,
    panic::{AssertUnwindSafe, catch_unwind},
};

use chrono::{DateTime, Utc};
use feed_rs::{model, parser};
use url::Url;

use super::{dates, decode};
use crate::model::Image;

/// Why a document could not be read as a feed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// Not a feed at all (an HTML page, arbitrary JSON…) or broken beyond repair.
    #[error("not a readable feed: {0}")]
    Unreadable(String),
    /// The document has entries but none could be read.
    #[error("the feed has entries but none could be read")]
    NoEntries,
    /// An HTML page where a feed was expected.
    #[error("an HTML page, not a feed{}", .0.as_ref().map(|u| format!(" (it links to a feed at {u})")).unwrap_or_default())]
    Html(Option<String>),
    /// The parser crashed on this input.
    #[error("the feed parser crashed on this document")]
    Crashed,
}

/// A feed as pressroom sees it.
#[derive(Debug, Default)]
pub struct ParsedFeed {
    /// The feed's title.
    pub title: Option<String>,
    /// The feed's home page (its `<link>`), a base for relative links when the feed
    /// itself was read from a file.
    pub link: Option<String>,
    /// Authors of the feed as a whole.
    pub authors: Vec<String>,
    /// Its entries, in document order.
    pub entries: Vec<ParsedEntry>,
}

/// One entry, its fields still raw text (HTML, unresolved links).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ParsedEntry {
    /// The GUID / id the feed wrote (never one made up by the parser).
    pub guid: Option<String>,
    /// The entry's link, as written (possibly relative).
    pub link: Option<String>,
    /// The title, possibly with markup or entities.
    pub title: Option<String>,
    /// The summary (HTML or text).
    pub summary: Option<String>,
    /// The full content (HTML or text).
    pub content: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// Category labels.
    pub categories: Vec<String>,
    /// Publication time, if readable.
    pub published: Option<DateTime<Utc>>,
    /// Update time, if readable.
    pub updated: Option<DateTime<Utc>>,
    /// Images named by the entry (media, enclosures, JSON Feed image), best first.
    pub images: Vec<Image>,
    /// The entry's xml:base, if any.
    pub base: Option<String>,
}

/// Decodes and parses one document fetched from `base` (an http(s) URL; `None` for
/// files, whose relative links are resolved later against the feed's home page).
pub fn read_feed(
    bytes: &[u8],
    http_charset: Option<&str>,
    base: Option<&Url>,
) -> Result<ParsedFeed, ParseError> {
    let text = decode::to_utf8(bytes, http_charset);
    if looks_like_html(&text) {
        return Err(ParseError::Html(alternate_feed(&text, base)));
    }
    let text = decode::modernise(&text).unwrap_or(text);
    let text = decode::propagate_xml_base(&text).unwrap_or(text);
    let feed = match parse_isolated(&text, base) {
        Ok(feed) => feed,
        Err(ParseError::Unreadable(first)) if text.contains('&') => {
            let repaired = decode::repair_entities(&text);
            parse_isolated(&repaired, base).map_err(|_| ParseError::Unreadable(first))?
        }
        Err(e) => return Err(e),
    };
    let side = SideImages {
        json: match feed.feed_type {
            model::FeedType::JSON => json_feed_images(&text),
            _ => HashMap::new(),
        },
        thumbnails: rss_thumbnails(&text),
    };
    let entries: Vec<ParsedEntry> = feed.entries.into_iter().map(|e| entry(e, &side)).collect();
    // A feed with no entries is valid; a document with entries that came out empty is not.
    if entries.is_empty() && has_entry_markers(&text) {
        return Err(ParseError::NoEntries);
    }
    let link = feed
        .links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .map(|l| l.href.clone());
    let authors = feed.authors.into_iter().filter_map(|p| p.name).collect();
    Ok(ParsedFeed {
        title: feed.title.map(|t| t.content),
        link,
        authors,
        entries,
    })
}

/// Runs feed-rs, turning a panic into [`ParseError::Crashed`].
fn parse_isolated(text: &str, base: Option<&Url>) -> Result<model::Feed, ParseError> {
    let parser = parser::Builder::new()
        .base_uri(base.map(Url::as_str))
        // An empty id marks "the feed gave none"; we choose the identity ourselves.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(dates::parse)
        .sanitize_content(false)
        .build();
    match catch_unwind(AssertUnwindSafe(|| parser.parse(text.as_bytes()))) {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(ParseError::Unreadable(e.to_string())),
        Err(_) => Err(ParseError::Crashed),
    }
}

/// Images feed-rs does not keep, read from the document by item id or link.
struct SideImages {
    /// JSON Feed `image` / `banner_image` by item id.
    json: HashMap<String, String>,
    /// Media RSS thumbnails of items that have no `media:content` (feed-rs drops them),
    /// by guid and by link.
    thumbnails: HashMap<String, Image>,
}

fn entry(e: model::Entry, side: &SideImages) -> ParsedEntry {
    let guid = Some(e.id.trim().to_owned()).filter(|id| !id.is_empty());
    let link = e
        .links
        .iter()
        .find(|l| {
            matches!(l.rel.as_deref(), None | Some("alternate"))
                && !is_image_type(l.media_type.as_deref())
        })
        .map(|l| l.href.clone());
    // Candidates by kind: media content (largest first), thumbnails, enclosures, then
    // JSON Feed's image; the first <img> of the content is the caller's last resort.
    let mut contents: Vec<Image> = Vec::new();
    let mut thumbnails: Vec<Image> = Vec::new();
    for object in &e.media {
        let alt = object
            .description
            .as_ref()
            .or(object.title.as_ref())
            .map(|t| t.content.clone());
        for content in &object.content {
            let typed_image = content
                .content_type
                .as_ref()
                .is_some_and(|t| t.ty() == "image");
            if let Some(url) = &content.url
                && (typed_image || content.content_type.is_none() && looks_like_image(url.as_str()))
            {
                contents.push(Image {
                    url: url.to_string(),
                    alt: alt.clone(),
                    width: content.width,
                    height: content.height,
                });
            }
        }
        for thumbnail in &object.thumbnails {
            thumbnails.push(Image {
                url: thumbnail.image.uri.clone(),
                alt: alt.clone(),
                width: thumbnail.image.width,
                height: thumbnail.image.height,
            });
        }
    }
    contents.sort_by_key(|i| std::cmp::Reverse(i.width.unwrap_or(0)));
    let enclosures = e
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure") && is_image_type(l.media_type.as_deref()))
        .map(|l| image(l.href.clone(), None, None));
    if thumbnails.is_empty()
        && let Some(thumbnail) = [guid.as_ref(), link.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|key| side.thumbnails.get(key.as_str()))
    {
        thumbnails.push(thumbnail.clone());
    }
    let json = guid
        .as_ref()
        .and_then(|g| side.json.get(g))
        .map(|url| image(url.clone(), None, None));
    let images: Vec<Image> = contents
        .into_iter()
        .chain(thumbnails)
        .chain(enclosures)
        .chain(json)
        .collect();
    ParsedEntry {
        guid,
        link,
        title: e.title.map(|t| t.content),
        summary: e.summary.map(|t| t.content),
        content: e.content.and_then(|c| c.body),
        authors: e.authors.into_iter().filter_map(|p| p.name).collect(),
        categories: e
            .categories
            .into_iter()
            .map(|c| c.label.filter(|l| !l.trim().is_empty()).unwrap_or(c.term))
            .collect(),
        published: e.published,
        updated: e.updated,
        images,
        base: e.base,
    }
}

/// Whether the document is an HTML page rather than a feed.
fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.contains("<html") && !head.contains("<rss") && !head.contains("<feed"))
}

/// The feed a page advertises with `<link rel="alternate" type="application/rss+xml">`.
fn alternate_feed(text: &str, base: Option<&Url>) -> Option<String> {
    let selector = scraper::Selector::parse(
        r#"link[rel~="alternate"][type="application/rss+xml"], link[rel~="alternate"][type="application/atom+xml"], link[rel~="alternate"][type="application/feed+json"]"#,
    )
    .ok()?;
    let page = scraper::Html::parse_document(text);
    let href = page.select(&selector).next()?.value().attr("href")?;
    match base {
        Some(base) => base.join(href).ok().map(String::from),
        None => Some(href.to_owned()),
    }
}

/// Whether the document contains entries (so that reading none is a failure).
fn has_entry_markers(text: &str) -> bool {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|doc| doc.get("items")?.as_array().map(|items| !items.is_empty()))
            .unwrap_or(false);
    }
    text.contains("<item")
        || text.contains("<entry")
        || text.contains(":item")
        || text.contains(":entry")
}

fn image(url: String, width: Option<u32>, height: Option<u32>) -> Image {
    Image {
        url,
        alt: None,
        width,
        height,
    }
}

fn is_image_type(media_type: Option<&str>) -> bool {
    media_type.is_some_and(|t| t.starts_with("image/"))
}

fn looks_like_image(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// `media:thumbnail`s of RSS items, by the item's guid and link text.
fn rss_thumbnails(text: &str) -> HashMap<String, Image> {
    use quick_xml::events::Event;
    let mut found = HashMap::new();
    if !text.contains("thumbnail") || text.trim_start().starts_with('{') {
        return found;
    }
    let mut reader = quick_xml::Reader::from_str(text);
    let (mut keys, mut thumbnail, mut capture): (Vec<String>, Option<Image>, bool) =
        (Vec::new(), None, false);
    loop {
        match reader.read_event() {
            Err(_) | Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                let local: &str = name.as_ref();
                match local {
                    "item" => (keys, thumbnail) = (Vec::new(), None),
                    "guid" | "link" => capture = true,
                    _ => {}
                }
            }
            Ok(Event::Empty(e))
                if e.name().as_ref() == "media:thumbnail" && thumbnail.is_none() =>
            {
                let attribute = |name: &str| {
                    e.try_get_attribute(name)
                        .ok()
                        .flatten()
                        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok())
                        .map(|v| v.trim().to_owned())
                };
                thumbnail = attribute("url").map(|url| Image {
                    url,
                    alt: None,
                    width: attribute("width").and_then(|w| w.parse().ok()),
                    height: attribute("height").and_then(|h| h.parse().ok()),
                });
            }
            Ok(Event::Text(t)) if capture => {
                keys.push(t.xml10_content().trim().to_owned());
            }
            Ok(Event::End(e)) => {
                capture = false;
                if e.local_name().as_ref() == "item"
                    && let Some(image) = thumbnail.take()
                {
                    for key in keys.drain(..) {
                        found.insert(key, image.clone());
                    }
                }
            }
            Ok(_) => {}
        }
    }
    found
}

/// JSON Feed items' `image` (or `banner_image`) by item id: feed-rs does not keep them.
fn json_feed_images(text: &str) -> HashMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        id: Option<serde_json::Value>,
        image: Option<String>,
        banner_image: Option<String>,
    }
    let Ok(doc) = serde_json::from_str::<Doc>(text) else {
        return Default::default();
    };
    doc.items
        .into_iter()
        .filter_map(|item| {
            let id = match item.id? {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            Some((id.trim().to_owned(), item.image.or(item.banner_image)?))
        })
        .collect()
}
