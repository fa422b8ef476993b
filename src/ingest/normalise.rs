//! Parsed entries → [`Item`]s: canonical URLs, clean titles, sanitised summaries,
//! excerpts, images, placement in a section, identity keys.

use std::{collections::HashMap, sync::LazyLock};

use sha2::{Digest, Sha256};
use url::Url;

use super::{
    adapter::ParsedEntry,
    text::{clean_text, excerpt, excerpt_owned, sanitise, text_of_sanitised},
};
use crate::{
    config::{Section, Source},
    model::{
        Image, Item, SectionId, hex,
        html::escape,
        url::{canonical_of, canonical_url},
    },
};

/// The longest excerpt, in characters (cut at a word boundary before it).
pub const EXCERPT_CHARS: usize = 280;
/// Authors and topics kept per entry, at most.
const MAX_NAMES: usize = 20;
/// The longest author name or topic, in characters.
const NAME_CHARS: usize = 100;
/// The longest title, in characters (longer ones are cut like excerpts).
const TITLE_CHARS: usize = 300;
/// A sanitised summary longer than this (bytes) is replaced by its excerpt.
const SUMMARY_BYTES: usize = 4096;

/// What normalisation needs to know about where entries come from.
pub struct Context<'a> {
    /// The configured source the feed came from: its placement picks each story's section.
    pub source: &'a Source,
    /// All sections (their categories place stories).
    pub sections: &'a [Section],
    /// The feed's URL, against which relative links resolve.
    pub base: Option<Url>,
    /// The canonical URL of the feed's home page: an entry linking there has no
    /// article URL of its own.
    pub home: Option<String>,
    /// Authors of the feed as a whole, for entries that name none.
    pub authors: Vec<String>,
}

/// What normalising one feed produced, and what it had to leave out.
#[derive(Debug, Default)]
pub struct Normalised {
    /// Items ready for the store.
    pub items: Vec<Item>,
    /// One line per kind of problem, e.g. "2 entries with an unusable link".
    pub warnings: Vec<String>,
    /// Entries left out because the document had more than `fetch.max_items`.
    pub dropped: usize,
    /// Items whose date no format reads (dated by their update, or when first seen).
    pub undated: usize,
}

/// Keeps the `max` newest entries (in document order), and says how many went. An
/// entry without a date counts as new: it will be dated when first seen.
pub fn keep_newest(entries: &mut Vec<ParsedEntry>, max: usize) -> usize {
    if entries.len() <= max {
        return 0;
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    // Stable: among equal dates, earlier in the document (usually newer) wins.
    order.sort_by_key(|&i| {
        std::cmp::Reverse(
            entries[i]
                .published
                .or(entries[i].updated)
                .map_or(i64::MAX, |d| d.timestamp()),
        )
    });
    let mut keep = vec![false; entries.len()];
    for &i in &order[..max] {
        keep[i] = true;
    }
    let mut flags = keep.into_iter();
    entries.retain(|_| flags.next().unwrap_or(false));
    order.len() - max
}

/// Turns the parsed entries of one feed into items.
pub fn normalise(entries: Vec<ParsedEntry>, cx: &Context<'_>) -> Normalised {
    let mut bad_links = 0;
    let mut empty = 0;
    let mut undated = 0;
    let mut items: Vec<Item> = Vec::with_capacity(entries.len());
    for entry in entries {
        let unreadable_date = entry.unreadable_date;
        match item(entry, cx) {
            Some((item, link_ok)) if unreadable_date && item.published.is_none() => {
                bad_links += usize::from(!link_ok);
                undated += 1;
                items.push(item);
            }
            Some((item, link_ok)) => {
                bad_links += usize::from(!link_ok);
                items.push(item);
            }
            None => empty += 1,
        }
    }
    mark_keys(&mut items);
    let mut warnings = Vec::new();
    if bad_links > 0 {
        warnings.push(format!(
            "{bad_links} entries with an unusable link (kept without one)"
        ));
    }
    if empty > 0 {
        warnings.push(format!(
            "{empty} entries with neither title nor text (skipped)"
        ));
    }
    if undated > 0 {
        warnings.push(format!(
            "{undated} entries with a date no known format reads (dated by their update, or when first seen)"
        ));
    }
    Normalised {
        items,
        warnings,
        dropped: 0,
        undated,
    }
}

/// One entry → one item; `None` when it has neither title nor text. The flag says
/// whether its link (if it had one) was usable.
fn item(entry: ParsedEntry, cx: &Context<'_>) -> Option<(Item, bool)> {
    let joined = entry.base.as_deref().and_then(|b| {
        cx.base
            .as_ref()
            .map_or(Url::parse(b).ok(), |feed| feed.join(b).ok())
    });
    // The feed's base borrowed, not copied for each entry.
    let base = joined
        .as_ref()
        .or(cx.base.as_ref())
        .filter(|b| matches!(b.scheme(), "http" | "https"));
    // The fast reader parsed the link already (it is that URL, serialised).
    let url = match (entry.link.as_deref(), entry.link_url.0) {
        (Some(_), Some(parsed)) => canonical_of(parsed),
        (link, _) => link.and_then(|l| canonical_url(l, base)),
    };
    let link_ok = entry.link.is_none() || url.is_some();
    let url = url.filter(|u| Some(u) != cx.home.as_ref());
    let source_html = entry
        .summary
        .as_deref()
        .or(entry.content.as_deref())
        .unwrap_or("");
    let mut summary_html = sanitise(source_html, base);
    let text = text_of_sanitised(&summary_html);
    // The title first, so that the text can become the excerpt without a copy (the
    // excerpt of a text is empty only when the text is).
    let mut title = entry.title.as_deref().map(clean_text).unwrap_or_default();
    if title.is_empty() {
        if text.is_empty() {
            return None;
        }
        title = excerpt(&text, 90);
    }
    let title = excerpt_owned(title, TITLE_CHARS);
    let excerpt_text = excerpt_owned(text, EXCERPT_CHARS);
    if summary_html.len() > SUMMARY_BYTES {
        summary_html = format!("<p>{}</p>", escape(&excerpt_text));
    }
    // An image the reader parsed is not parsed again (`canonical_of`).
    let url_of = |i: &Image| match entry.image_urls.of(&i.url) {
        Some(parsed) => canonical_of(parsed.clone()),
        None => image_url(&i.url, base),
    };
    let image = entry
        .images
        .iter()
        .find_map(|i| url_of(i).map(|url| Image { url, ..i.clone() }))
        .or_else(|| first_img(entry.content.as_deref().unwrap_or(source_html), base));
    let topics = dedupe(
        entry
            .categories
            .iter()
            .take(MAX_NAMES)
            .map(|c| excerpt_owned(clean_text(c), NAME_CHARS)),
    );
    let section = place(cx, &topics);
    let date_text = entry
        .published
        .or(entry.updated)
        .map(|d| d.timestamp().to_string())
        .unwrap_or_default();
    let item = Item {
        guid: entry.guid,
        url,
        url_is_key: false,
        title_key: title_key(&title, &date_text),
        title,
        summary_html,
        excerpt: excerpt_text,
        image,
        authors: authors(&entry.authors, &cx.authors),
        topics,
        section,
        published: entry.published,
        updated: entry.updated,
        tokens: None,
    };
    Some((item, link_ok))
}

/// GUIDs and URLs identify an entry only if no other entry of the document shares them.
fn mark_keys(items: &mut [Item]) {
    // Counted on borrowed keys (a copy of every GUID and URL showed in the profile).
    let marks: Vec<(bool, bool)> = {
        let mut guids: HashMap<&str, usize> = HashMap::with_capacity(items.len());
        let mut urls: HashMap<&str, usize> = HashMap::with_capacity(items.len());
        for item in items.iter() {
            if let Some(g) = &item.guid {
                *guids.entry(g).or_default() += 1;
            }
            if let Some(u) = &item.url {
                *urls.entry(u).or_default() += 1;
            }
        }
        items
            .iter()
            .map(|item| {
                (
                    item.guid.as_deref().is_some_and(|g| guids[g] > 1),
                    item.url.as_deref().is_some_and(|u| urls[u] == 1),
                )
            })
            .collect()
    };
    for (item, (shared_guid, url_is_key)) in items.iter_mut().zip(marks) {
        if shared_guid {
            item.guid = None;
        }
        item.url_is_key = url_is_key;
    }
}

/// The section for a story with these topics: the source's fixed section, its
/// category map, the sections' own categories, then its fallback.
fn place(cx: &Context<'_>, topics: &[String]) -> Option<SectionId> {
    let placement = &cx.source.placement;
    if let Some(fixed) = &placement.fixed {
        return Some(fixed.clone());
    }
    // Each topic lower-cased where it is looked up, not into a list of copies.
    topics
        .iter()
        .find_map(|t| with_lower(t, |t| placement.categories.get(t).cloned()))
        .or_else(|| {
            topics.iter().find_map(|t| {
                with_lower(t, |t| {
                    cx.sections
                        .iter()
                        .find(|s| s.categories.iter().any(|c| c == t) || s.id.as_str() == t)
                        .map(|s| s.id.clone())
                })
            })
        })
        .or_else(|| placement.fallback.clone())
}

fn image_url(raw: &str, base: Option<&Url>) -> Option<String> {
    canonical_url(raw, base)
}

/// The first `<img src>` of some HTML.
fn first_img(html: &str, base: Option<&Url>) -> Option<Image> {
    if !html.contains("<img") {
        return None;
    }
    static IMG: LazyLock<scraper::Selector> =
        LazyLock::new(|| scraper::Selector::parse("img[src]").expect("valid"));
    let fragment = scraper::Html::parse_fragment(html);
    let size = |img: &scraper::ElementRef<'_>, name| {
        img.value()
            .attr(name)
            .and_then(|v: &str| v.trim().parse::<u32>().ok())
    };
    // Tracking pixels declare themselves 1×1.
    let img = fragment
        .select(&IMG)
        .find(|img| !(size(img, "width") == Some(1) && size(img, "height") == Some(1)))?;
    let dimension = |name| size(&img, name);
    Some(Image {
        url: image_url(img.value().attr("src")?, base)?,
        alt: img
            .value()
            .attr("alt")
            .map(clean_text)
            .filter(|a| !a.is_empty()),
        width: dimension("width"),
        height: dimension("height"),
    })
}

/// The entry's authors, else the feed's, as plain names ("mail@x (Name)" → "Name").
fn authors(own: &[String], feed: &[String]) -> Vec<String> {
    let name = |raw: &String| {
        let raw = raw.trim();
        let inner = match (raw.find('('), raw.ends_with(')')) {
            (Some(open), true) if raw[..open].contains('@') => &raw[open + 1..raw.len() - 1],
            _ => raw,
        };
        let cleaned = clean_text(inner);
        // feed-rs takes the address out of "mail@x (Name)" and leaves "(Name)".
        match cleaned.strip_prefix('(').and_then(|c| c.strip_suffix(')')) {
            Some(bare) => bare.trim().to_owned(),
            None => cleaned,
        }
    };
    let list = dedupe(own.iter().take(MAX_NAMES).map(name));
    let mut list = if list.is_empty() {
        dedupe(feed.iter().take(MAX_NAMES).map(name))
    } else {
        list
    };
    list.iter_mut()
        .for_each(|n| *n = excerpt_owned(std::mem::take(n), NAME_CHARS));
    list
}

/// The non-empty values, each once whatever its case (the first kept). A handful
/// at most: compared with those kept, without lower-cased copies or a set.
fn dedupe(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for v in values {
        if !v.is_empty() && !kept.iter().any(|k| same_lower(k, &v)) {
            kept.push(v);
        }
    }
    kept
}

/// `a.to_lowercase() == b.to_lowercase()`, without the copies for ASCII.
fn same_lower(a: &str, b: &str) -> bool {
    match a.is_ascii() && b.is_ascii() {
        true => a.eq_ignore_ascii_case(b),
        false => a.to_lowercase() == b.to_lowercase(),
    }
}

/// `f(&t.to_lowercase())`, lower-cased on the stack when `t` is short ASCII.
fn with_lower<R>(t: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buffer = [0u8; 128];
    match buffer.get_mut(..t.len()).filter(|_| t.is_ascii()) {
        Some(lower) => {
            lower.copy_from_slice(t.as_bytes());
            lower.make_ascii_lowercase();
            f(std::str::from_utf8(lower).unwrap_or_default())
        }
        None => f(&t.to_lowercase()),
    }
}

/// The identity of last resort: a hash of the normalised title and the date.
pub fn title_key(title: &str, date: &str) -> String {
    let mut hasher = Sha256::new();
    // ASCII titles (most) lower-cased a piece at a time on the stack.
    match title.is_ascii() {
        true => {
            for piece in title.as_bytes().chunks(64) {
                let mut lower = [0u8; 64];
                let lower = &mut lower[..piece.len()];
                lower.copy_from_slice(piece);
                lower.make_ascii_lowercase();
                hasher.update(&*lower);
            }
        }
        false => hasher.update(title.to_lowercase().as_bytes()),
    }
    hasher.update([0]);
    hasher.update(date.as_bytes());
    hex(&hasher.finalize()[..16])
}

#[cfg(test)]
#[path = "normalise_tests.rs"]
mod tests;
