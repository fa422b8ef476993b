//! Parsed entries → [`Item`]s: canonical URLs, clean titles, sanitised summaries,
//! excerpts, images, placement in a section, identity keys.
//!
//! HTML from feeds is sanitised with ammonia: no script, style, iframe, event handler
//! or `javascript:` URL survives, and relative links are resolved against the entry's
//! base. Titles and excerpts are plain text; templates escape them.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use sha2::{Digest, Sha256};
use url::Url;

use super::adapter::ParsedEntry;
use crate::{
    config::{Section, Source},
    model::{Image, Item, SectionId, hex},
};

/// The longest excerpt, in characters (cut at a word boundary before it).
pub const EXCERPT_CHARS: usize = 280;
/// A sanitised summary longer than this (bytes) is replaced by its excerpt.
const SUMMARY_BYTES: usize = 4096;

/// Query parameters that only track the reader, removed from canonical URLs.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "yclid",
    "igshid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ocid",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "at_medium",
    "at_campaign",
    "spm",
    "cmpid",
];

/// The canonical form of `raw` (resolved against `base`): http(s) only, host
/// lower-cased, fragment and tracking parameters removed. `None` if it is not a
/// usable web link.
pub fn canonical_url(raw: &str, base: Option<&Url>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let mut url = match base {
        Some(base) => base.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.into())
}

/// Plain text from a feed's text field: entities decoded, tags stripped (script and
/// style with their content), whitespace collapsed.
pub fn clean_text(raw: &str) -> String {
    if !raw.contains(['<', '&']) {
        return collapse(raw);
    }
    let fragment = scraper::Html::parse_fragment(raw);
    let mut text = String::with_capacity(raw.len());
    for node in fragment.root_element().descendants() {
        let scraper::Node::Text(chunk) = node.value() else {
            continue;
        };
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"))
        });
        if !hidden {
            text.push_str(chunk);
        }
    }
    // Feeds that escape twice leave entities such as "&nbsp;" after one decoding.
    if text.contains('&') && text.contains(';') && text != raw {
        return clean_text(&text);
    }
    collapse(&text)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sanitises feed HTML, resolving relative links against `base`.
pub fn sanitise(html: &str, base: Option<&Url>) -> String {
    static SAFE: LazyLock<ammonia::Builder<'static>> = LazyLock::new(safe_html);
    thread_local! {
        // The builder for the base seen last on this thread. Building one (ammonia
        // fills its default tag and attribute tables, then we replace them) costs as
        // much as cleaning a summary, and the entries of a feed share one base.
        static WITH_BASE: RefCell<Option<(Url, ammonia::Builder<'static>)>> =
            const { RefCell::new(None) };
    }
    let Some(base) = base else {
        return SAFE.clean(html).to_string();
    };
    WITH_BASE.with_borrow_mut(|cached| {
        let builder = match cached {
            Some((url, builder)) if url == base => builder,
            _ => {
                let mut builder = safe_html();
                builder.url_relative(ammonia::UrlRelative::RewriteWithBase(base.clone()));
                &mut cached.insert((base.clone(), builder)).1
            }
        };
        builder.clean(html).to_string()
    })
}

fn safe_html() -> ammonia::Builder<'static> {
    let tags = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "cite",
        "code",
        "em",
        "figcaption",
        "figure",
        "h3",
        "h4",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "u",
        "ul",
    ];
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags.into_iter().collect())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "title"])),
            ("img", HashSet::from(["src", "alt", "width", "height"])),
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean_content_tags(HashSet::from([
            "script", "style", "iframe", "object", "embed", "noscript", "template",
        ]))
        .url_relative(ammonia::UrlRelative::Deny)
        .strip_comments(true);
    builder
}

/// Plain text of sanitised HTML (whose only entities are those ammonia writes).
/// Block elements separate words; inline ones do not.
pub fn text_of_sanitised(html: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "blockquote",
        "figure",
        "figcaption",
        "h3",
        "h4",
        "pre",
        "img",
    ];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if BLOCKS.contains(&name) {
            text.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.contains('<') {
        text.push_str(rest);
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    collapse(&text)
}

/// `text` cut to at most `max` characters at a word boundary, with "…" when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!(
        "{}…",
        at_word.trim_end_matches(|c: char| c.is_whitespace() || ",;:.-–—".contains(c))
    )
}

/// What normalisation needs to know about where entries come from.
pub struct Context<'a> {
    /// The source.
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
}

/// Turns the parsed entries of one feed into items.
pub fn normalise(entries: Vec<ParsedEntry>, cx: &Context<'_>) -> Normalised {
    let mut bad_links = 0;
    let mut empty = 0;
    let mut items: Vec<Item> = Vec::with_capacity(entries.len());
    for entry in entries {
        match item(entry, cx) {
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
    Normalised { items, warnings }
}

/// One entry → one item; `None` when it has neither title nor text. The flag says
/// whether its link (if it had one) was usable.
fn item(entry: ParsedEntry, cx: &Context<'_>) -> Option<(Item, bool)> {
    let base = entry
        .base
        .as_deref()
        .and_then(|b| {
            cx.base
                .as_ref()
                .map_or(Url::parse(b).ok(), |feed| feed.join(b).ok())
        })
        .or_else(|| cx.base.clone())
        .filter(|b| matches!(b.scheme(), "http" | "https"));
    let base = base.as_ref();
    let url = entry.link.as_deref().and_then(|l| canonical_url(l, base));
    let link_ok = entry.link.is_none() || url.is_some();
    let url = url.filter(|u| Some(u) != cx.home.as_ref());
    let source_html = entry
        .summary
        .as_deref()
        .or(entry.content.as_deref())
        .unwrap_or("");
    let mut summary_html = sanitise(source_html, base);
    let text = text_of_sanitised(&summary_html);
    let excerpt_text = excerpt(&text, EXCERPT_CHARS);
    if summary_html.len() > SUMMARY_BYTES {
        summary_html = format!("<p>{}</p>", escape(&excerpt_text));
    }
    let mut title = entry.title.as_deref().map(clean_text).unwrap_or_default();
    if title.is_empty() {
        if excerpt_text.is_empty() {
            return None;
        }
        title = excerpt(&text, 90);
    }
    let image = entry
        .images
        .iter()
        .find_map(|i| image_url(&i.url, base).map(|url| Image { url, ..i.clone() }))
        .or_else(|| first_img(entry.content.as_deref().unwrap_or(source_html), base));
    let topics = dedupe(entry.categories.iter().map(|c| clean_text(c)));
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
    };
    Some((item, link_ok))
}

/// GUIDs and URLs identify an entry only if no other entry of the document shares them.
fn mark_keys(items: &mut [Item]) {
    let mut guids: HashMap<String, usize> = HashMap::new();
    let mut urls: HashMap<String, usize> = HashMap::new();
    for item in items.iter() {
        if let Some(g) = &item.guid {
            *guids.entry(g.clone()).or_default() += 1;
        }
        if let Some(u) = &item.url {
            *urls.entry(u.clone()).or_default() += 1;
        }
    }
    for item in items.iter_mut() {
        if item.guid.as_ref().is_some_and(|g| guids[g] > 1) {
            item.guid = None;
        }
        item.url_is_key = item.url.as_ref().is_some_and(|u| urls[u] == 1);
    }
}

/// The section for a story with these topics: the source's fixed section, its
/// category map, the sections' own categories, then its fallback.
fn place(cx: &Context<'_>, topics: &[String]) -> Option<SectionId> {
    let placement = &cx.source.placement;
    if let Some(fixed) = &placement.fixed {
        return Some(fixed.clone());
    }
    let lowered: Vec<String> = topics.iter().map(|t| t.to_lowercase()).collect();
    lowered
        .iter()
        .find_map(|t| placement.categories.get(t).cloned())
        .or_else(|| {
            lowered.iter().find_map(|t| {
                cx.sections
                    .iter()
                    .find(|s| s.categories.contains(t) || s.id.as_str() == t)
                    .map(|s| s.id.clone())
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
    let list = dedupe(own.iter().map(name));
    if list.is_empty() {
        dedupe(feed.iter().map(name))
    } else {
        list
    }
}

fn dedupe(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values
        .filter(|v| !v.is_empty() && seen.insert(v.to_lowercase()))
        .collect()
}

/// The identity of last resort: a hash of the normalised title and the date.
pub fn title_key(title: &str, date: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(title.to_lowercase().as_bytes());
    hasher.update([0]);
    hasher.update(date.as_bytes());
    hex(&hasher.finalize()[..16])
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_urls_drop_tracking_and_fragments() {
        let base = Url::parse("https://news.example/feeds/world.rss").unwrap();
        let canon = |raw| canonical_url(raw, Some(&base));
        assert_eq!(
            canon("HTTPS://News.EXAMPLE:443/a?utm_source=x&id=2#c").as_deref(),
            Some("https://news.example/a?id=2")
        );
        assert_eq!(
            canon("/b?fbclid=1&gclid=2").as_deref(),
            Some("https://news.example/b")
        );
        assert_eq!(
            canon("c.html").as_deref(),
            Some("https://news.example/feeds/c.html")
        );
        assert_eq!(
            canon("//cdn.example/x").as_deref(),
            Some("https://cdn.example/x")
        );
        assert_eq!(
            canon("  https://n.example/d?page=2&utm_medium=rss  ").as_deref(),
            Some("https://n.example/d?page=2")
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "mailto:a@b.example",
            "http://[bad",
            "",
        ] {
            assert_eq!(canon(bad), None, "{bad}");
        }
        assert_eq!(canonical_url("relative/only", None), None);
    }

    #[test]
    fn titles_become_plain_text() {
        assert_eq!(
            clean_text("  AT&amp;T <b>wins</b>\n\tbig "),
            "AT&T wins big"
        );
        assert_eq!(
            clean_text("<script>alert(1)</script>Council votes"),
            "Council votes"
        );
        assert_eq!(
            clean_text("Snow&nbsp;day &mdash; schools close"),
            "Snow day — schools close"
        );
        assert_eq!(
            clean_text("Snow&amp;nbsp;day"),
            "Snow day",
            "double-escaped"
        );
        assert_eq!(
            clean_text("Inflation < 3% & falling"),
            "Inflation < 3% & falling"
        );
    }

    #[test]
    fn sanitising_keeps_text_and_safe_links_only() {
        let base = Url::parse("https://news.example/a/").unwrap();
        let html = sanitise(
            r#"<p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="/ok">ok</a><script>alert(2)</script><iframe src="https://x.example"></iframe><img src="i.jpg" onerror="y()"></p><style>p{}</style>"#,
            Some(&base),
        );
        assert!(
            !html.contains("script") && !html.contains("iframe") && !html.contains("style"),
            "{html}"
        );
        assert!(
            !html.contains("onclick") && !html.contains("onerror") && !html.contains("javascript"),
            "{html}"
        );
        assert!(html.contains(r#"href="https://news.example/ok""#), "{html}");
        assert!(
            html.contains(r#"src="https://news.example/a/i.jpg""#),
            "{html}"
        );
        // Without a web base, relative links are dropped rather than left dangling.
        assert!(!sanitise(r#"<a href="/ok">ok</a>"#, None).contains("href"));
    }

    #[test]
    fn excerpts_cut_at_a_word_boundary() {
        assert_eq!(excerpt("short text", 50), "short text");
        assert_eq!(excerpt("one two three four five", 12), "one two…");
        let cyrillic = "Правительство утвердило бюджет на следующий год";
        assert_eq!(excerpt(cyrillic, 25), "Правительство утвердило…");
        assert_eq!(
            text_of_sanitised("<p>A <b>bold</b> move.</p><p>Next&nbsp;one &amp; more</p>"),
            "A bold move. Next one & more"
        );
    }
}
