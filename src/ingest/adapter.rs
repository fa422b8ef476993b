//! The feed-rs adapter: the only place that sees `feed_rs` types.
//!
//! [`read_feed`] takes raw bytes (and the HTTP charset), decodes them (see
//! [`super::decode`]), lets feed-rs parse RSS 0.9x/1.0/2.0, Atom and JSON Feed, and
//! returns pressroom's own [`ParsedFeed`]; well-formed RSS 2.0 and Atom are read by
//! [`super::fast`] instead, into the same result. It works around feed-rs's known gaps: legacy
//! roots are modernised, a failed parse is retried once with broken entities repaired,
//! JSON Feed `image`s (which feed-rs drops) are read separately, and a panic inside the
//! parser is caught and reported as an error instead of taking the run down.

use std::{
    borrow::Cow,
    collections::HashMap,
    panic::{AssertUnwindSafe, catch_unwind},
};

use chrono::{DateTime, Utc};
use feed_rs::{model, parser};
use url::Url;

use super::{
    dates, decode, fast, jsonfeed, merge, scan,
    side::{json_feed_images, rss_thumbnails},
    sniff::{alternate_feed, has_entry_markers, looks_like_html, root_name, xml_problem},
};
use crate::model::{Image, url::LinkUrl};

/// Why a document could not be read as a feed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    /// Not a feed at all (an HTML page, arbitrary JSON…) or broken beyond repair.
    #[error("{0}")]
    Unreadable(String),
    /// The document has entries but none could be read.
    #[error(
        "the document has entries but none pressroom can read (no title, text or link in them): check the URL, or ask the publisher to fix the feed"
    )]
    NoEntries,
    /// An HTML page where a feed was expected.
    #[error("an HTML page, not a feed{}", .0.as_ref().map(|u| format!(" (it links to a feed at {u})")).unwrap_or_default())]
    Html(Option<String>),
    /// The parser crashed on this input.
    #[error(
        "the feed parser crashed on this document: ask the publisher to check the feed with a validator"
    )]
    Crashed,
}

/// A feed as pressroom sees it.
#[derive(Debug, Default, PartialEq)]
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
    /// What was wrong with the document although entries were read, one line each.
    pub warnings: Vec<String>,
}

/// One entry, its fields still raw text (HTML, unresolved links).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ParsedEntry {
    /// The GUID / id the feed wrote (never one made up by the parser).
    pub guid: Option<String>,
    /// The entry's link, as written (possibly relative).
    pub link: Option<String>,
    /// What `link` was parsed to, when the reader resolved it (the fast reader does).
    pub link_url: LinkUrl,
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
    /// What `images` were parsed to, when the reader resolved them (the fast one does).
    pub image_urls: crate::model::url::ImageUrls,
    /// The entry's xml:base, if any.
    pub base: Option<String>,
    /// It wrote a date that no known format reads (and has no other).
    pub unreadable_date: bool,
}

/// Decodes and parses one document fetched from `base` (an http(s) URL; `None` for
/// files, whose relative links are resolved later against the feed's home page).
pub fn read_feed(
    bytes: &[u8],
    http_charset: Option<&str>,
    base: Option<&Url>,
) -> Result<ParsedFeed, ParseError> {
    read_feed_by(bytes, http_charset, base, true)
}

/// [`read_feed`], trying the fast reader first when `fast` (tests compare the two).
pub(super) fn read_feed_by(
    bytes: &[u8],
    http_charset: Option<&str>,
    base: Option<&Url>,
    fast: bool,
) -> Result<ParsedFeed, ParseError> {
    let (text, json) = prepare(bytes, http_charset, base)?;
    // Well-formed RSS 2.0 and Atom: read once, without feed-rs (see `fast`).
    let read_fast = (fast && !json).then(|| fast::read(&text, base)).flatten();
    let mut feed = match read_fast {
        Some(feed) => feed,
        None => read_slow(&text, base, json)?,
    };
    feed.warnings.extend(decode::encoding_warning(bytes));
    if !json && (merge::wants_scan(&feed, &text) || feed.entries.is_empty()) {
        merge::enrich(&mut feed, scan::scan(&text), text.contains("base64"));
    }
    // A feed with no entries is valid; a document with entries that came out empty is not.
    if feed.entries.is_empty() && has_entry_markers(&text) {
        return Err(ParseError::NoEntries);
    }
    Ok(feed)
}

/// The document as the readers get it: UTF-8, its declaration saying so, legacy roots
/// modernised, `xml:base` propagated, character references fixed; and whether it is
/// JSON.
/// The document is borrowed from `bytes` when nothing had to change (most feeds).
pub(super) fn prepare<'a>(
    bytes: &'a [u8],
    http_charset: Option<&str>,
    base: Option<&Url>,
) -> Result<(Cow<'a, str>, bool), ParseError> {
    let text = decode::read_text(bytes, http_charset).map_err(ParseError::Unreadable)?;
    if looks_like_html(&text) {
        return Err(ParseError::Html(alternate_feed(&text, base)));
    }
    let text = decode::modernise(&text).map_or(text, Cow::Owned);
    let text = decode::propagate_xml_base(&text).map_or(text, Cow::Owned);
    let text = decode::fix_char_refs(&text).map_or(text, Cow::Owned);
    let json = text.trim_start().starts_with('{');
    let text = match json {
        true => jsonfeed::lenient(&text).map_or(text, Cow::Owned),
        false => text,
    };
    Ok((text, json))
}

/// feed-rs, with the adapter's repairs, or the lenient reader when it refuses.
fn read_slow(text: &str, base: Option<&Url>, json: bool) -> Result<ParsedFeed, ParseError> {
    let parsed = match parse_isolated(text, base) {
        Err(ParseError::Unreadable(first)) if text.contains('&') && !json => {
            let repaired = decode::repair_entities(text);
            parse_isolated(&repaired, base).map_err(|_| ParseError::Unreadable(first))
        }
        other => other,
    };
    match parsed {
        Ok(feed) => Ok(from_feed_rs(feed, text)),
        // feed-rs refused the whole document: read what entries the lenient reader finds.
        Err(e) if !json => {
            let scanned = scan::scan(text);
            if !scanned.entries.iter().any(has_text) {
                return Err(e);
            }
            let mut feed = merge::from_scan(scanned);
            let n = feed.entries.len();
            feed.warnings
                .push(format!("{e}; {n} entries were read all the same"));
            Ok(feed)
        }
        Err(e) => Err(e),
    }
}

fn has_text(e: &scan::ScannedEntry) -> bool {
    e.title.is_some() || e.summary.is_some() || e.content.is_some()
}

/// pressroom's view of what feed-rs read.
fn from_feed_rs(feed: model::Feed, text: &str) -> ParsedFeed {
    let side = SideImages {
        json: match feed.feed_type {
            model::FeedType::JSON => json_feed_images(text),
            _ => HashMap::new(),
        },
        thumbnails: rss_thumbnails(text),
    };
    let entries: Vec<ParsedEntry> = feed.entries.into_iter().map(|e| entry(e, &side)).collect();
    let link = feed
        .links
        .iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .map(|l| l.href.clone());
    let authors = feed.authors.into_iter().filter_map(|p| p.name).collect();
    ParsedFeed {
        title: feed.title.map(|t| t.content),
        link,
        authors,
        entries,
        warnings: Vec::new(),
    }
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
        Ok(Err(e)) => Err(ParseError::Unreadable(explain(&e, text))),
        Err(_) => Err(ParseError::Crashed),
    }
}

/// What went wrong, in words a person can act on: no parser offsets, the root element
/// named when it is not a feed's.
fn explain(error: &parser::ParseFeedError, text: &str) -> String {
    use parser::{ParseErrorKind, ParseFeedError};
    let fix = "ask the publisher to fix the feed";
    match error {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => match root_name(text) {
            Some(root) if root.eq_ignore_ascii_case("rss") => {
                format!("an <rss> document without a <channel>, so without entries: {fix}")
            }
            Some(root) => format!(
                "not RSS, Atom or JSON Feed (the document is a <{root}>): check the source's URL"
            ),
            None => "not RSS, Atom or JSON Feed (no XML element found): check the source's URL"
                .to_owned(),
        },
        ParseFeedError::JsonSerde(e) => format!(
            "not a JSON Feed (broken JSON, or no title and items; line {}, column {}): check the source's URL",
            e.line(),
            e.column()
        ),
        ParseFeedError::JsonUnsupportedVersion(v) => {
            format!("a JSON Feed of an unknown version {v:?}: {fix}")
        }
        ParseFeedError::XmlReader(_) => format!("{}: {fix}", xml_problem(text)),
        ParseFeedError::IoError(e) => format!("could not read the document ({e})"),
        ParseFeedError::ParseError(kind) => {
            let what = kind.to_string();
            let what = what.split(" at position").next().unwrap_or(&what);
            format!("the feed breaks the format ({what}): {fix}")
        }
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
            if let Some(url) = &content.url {
                let image = content.content_type.as_ref().map(|t| t.ty() == "image");
                contents.extend(image_candidate(
                    url,
                    image,
                    content.width,
                    content.height,
                    &alt,
                ));
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
        link_url: LinkUrl::default(),
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
        image_urls: Default::default(),
        base: e.base,
        unreadable_date: false,
    }
}

/// A media content as an image of the entry: when its type says image, or when it
/// has no type and its URL names an image file.
pub(super) fn image_candidate(
    url: &Url,
    image: Option<bool>,
    width: Option<u32>,
    height: Option<u32>,
    alt: &Option<String>,
) -> Option<Image> {
    (image == Some(true) || image.is_none() && looks_like_image(url.as_str())).then(|| Image {
        url: url.as_str().to_owned(),
        alt: alt.clone(),
        width,
        height,
    })
}

fn image(url: String, width: Option<u32>, height: Option<u32>) -> Image {
    Image {
        url,
        alt: None,
        width,
        height,
    }
}

pub(super) fn is_image_type(media_type: Option<&str>) -> bool {
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
