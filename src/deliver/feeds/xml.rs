//! RSS 2.0 and Atom 1.0, written with quick-xml's `Writer`: every text and attribute
//! is escaped by the writer, HTML content travels as escaped text (`type="html"`,
//! never raw markup or CDATA), and characters XML 1.0 forbids are dropped first.
//! Written to the W3C Feed Validator's rules: RSS dates in RFC 822, Atom dates in
//! RFC 3339, a `self` link in both, absolute URLs only.

use std::{borrow::Cow, io};

use chrono::{DateTime, Utc};
use quick_xml::{
    Writer,
    events::{BytesDecl, BytesText, Event},
};

use super::{Entry, Feed, rfc3339};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const GENERATOR: &str = "pressroom";

type Xml = Writer<Vec<u8>>;

/// The feed as an RSS 2.0 document.
pub(super) fn rss(feed: &Feed) -> Vec<u8> {
    document(|w| {
        w.create_element("rss")
            .with_attribute(("version", "2.0"))
            .with_attribute(("xmlns:atom", ATOM_NS))
            .with_attribute(("xmlns:dc", DC_NS))
            .write_inner_content(|w| {
                w.create_element("channel")
                    .write_inner_content(|w| rss_channel(w, feed))?;
                Ok(())
            })?;
        Ok(())
    })
}

fn rss_channel(w: &mut Xml, feed: &Feed) -> io::Result<()> {
    text(w, "title", &feed.title)?;
    text(w, "link", &feed.home)?;
    text(w, "description", &feed.description)?;
    w.create_element("atom:link")
        .with_attribute(("href", clean(&feed.links.rss).as_ref()))
        .with_attribute(("rel", "self"))
        .with_attribute(("type", "application/rss+xml"))
        .write_empty()?;
    text(w, "language", &feed.language)?;
    text(w, "lastBuildDate", &rfc822(feed.updated))?;
    text(w, "generator", GENERATOR)?;
    text(w, "docs", "https://www.rssboard.org/rss-specification")?;
    for entry in &feed.entries {
        w.create_element("item")
            .write_inner_content(|w| rss_item(w, entry))?;
    }
    Ok(())
}

fn rss_item(w: &mut Xml, entry: &Entry) -> io::Result<()> {
    text(w, "title", &entry.title)?;
    if let Some(link) = &entry.link {
        text(w, "link", link)?;
    }
    // RSS has one body, and it is HTML: the content, or the plain summary as HTML.
    let description = match (&entry.content_html, &entry.summary) {
        (Some(html), _) => Some(Cow::Borrowed(html.as_str())),
        (None, Some(summary)) => Some(quick_xml::escape::escape(summary.as_str())),
        (None, None) => None,
    };
    if let Some(description) = description {
        text(w, "description", &description)?;
    }
    for author in &entry.authors {
        text(w, "dc:creator", author)?;
    }
    for category in &entry.categories {
        text(w, "category", category)?;
    }
    let permalink = if entry.id_is_link { "true" } else { "false" };
    w.create_element("guid")
        .with_attribute(("isPermaLink", permalink))
        .write_text_content(BytesText::new(&clean(&entry.id)))?;
    text(w, "pubDate", &rfc822(entry.published))
}

/// The feed as an Atom 1.0 document.
pub(super) fn atom(feed: &Feed) -> Vec<u8> {
    document(|w| {
        w.create_element("feed")
            .with_attribute(("xmlns", ATOM_NS))
            .with_attribute(("xml:lang", clean(&feed.language).as_ref()))
            .write_inner_content(|w| atom_feed(w, feed))?;
        Ok(())
    })
}

fn atom_feed(w: &mut Xml, feed: &Feed) -> io::Result<()> {
    // The feed's own address is its id: stable, unique, and an IRI.
    text(w, "id", &feed.links.atom)?;
    typed(w, "title", "text", &feed.title)?;
    typed(w, "subtitle", "text", &feed.description)?;
    text(w, "updated", &rfc3339(feed.updated))?;
    w.create_element("author").write_inner_content(|w| {
        text(w, "name", &feed.author)?;
        text(w, "uri", &feed.home)
    })?;
    link(w, "self", "application/atom+xml", &feed.links.atom)?;
    link(w, "alternate", "text/html", &feed.home)?;
    text(w, "generator", GENERATOR)?;
    for entry in &feed.entries {
        w.create_element("entry")
            .write_inner_content(|w| atom_entry(w, entry))?;
    }
    Ok(())
}

fn atom_entry(w: &mut Xml, entry: &Entry) -> io::Result<()> {
    text(w, "id", &entry.id)?;
    typed(w, "title", "text", &entry.title)?;
    if let Some(href) = &entry.link {
        link(w, "alternate", "text/html", href)?;
    }
    text(w, "published", &rfc3339(entry.published))?;
    text(w, "updated", &rfc3339(entry.updated))?;
    for author in &entry.authors {
        w.create_element("author")
            .write_inner_content(|w| text(w, "name", author))?;
    }
    for category in &entry.categories {
        w.create_element("category")
            .with_attribute(("term", clean(category).as_ref()))
            .write_empty()?;
    }
    if let Some(summary) = &entry.summary {
        typed(w, "summary", "text", summary)?;
    }
    match (&entry.content_html, &entry.link) {
        (Some(html), _) => typed(w, "content", "html", html)?,
        // An entry without an alternate link must carry content (RFC 4287, 4.1.2).
        (None, None) => typed(
            w,
            "content",
            "text",
            entry.summary.as_deref().unwrap_or(&entry.title),
        )?,
        (None, Some(_)) => {}
    }
    Ok(())
}

/// An XML document: declaration, then what `body` writes, indented.
fn document(body: impl FnOnce(&mut Xml) -> io::Result<()>) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::with_capacity(16 * 1024), b' ', 2);
    // Writing into memory cannot fail.
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|()| body(&mut w))
        .expect("writing XML to memory cannot fail");
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

/// `<name>value</name>`, escaped.
fn text(w: &mut Xml, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

/// `<name type="kind">value</name>`, escaped.
fn typed(w: &mut Xml, name: &str, kind: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("type", kind))
        .write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

/// An Atom `<link rel type href/>`.
fn link(w: &mut Xml, rel: &str, kind: &str, href: &str) -> io::Result<()> {
    w.create_element("link")
        .with_attribute(("rel", rel))
        .with_attribute(("type", kind))
        .with_attribute(("href", clean(href).as_ref()))
        .write_empty()?;
    Ok(())
}

/// `text` without the characters XML 1.0 does not allow (most C0 controls and the
/// non-characters U+FFFE, U+FFFF), which would make the whole document ill-formed.
fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// RFC 822 (as RFC 2822 writes it, which RSS readers and the validator accept):
/// `Fri, 27 Nov 2026 06:00:00 +0000`.
fn rfc822(at: DateTime<Utc>) -> String {
    at.to_rfc2822()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped_and_markup_escaped() {
        assert_eq!(clean("a\u{0}b\u{1b}c\td"), "abc\td");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        let mut w = Writer::new(Vec::new());
        text(&mut w, "title", "\"><img src=x onerror=alert(1)> & \u{8}").unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner()).unwrap(),
            "<title>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; </title>"
        );
    }

    #[test]
    fn rss_dates_are_rfc_822() {
        let at = DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(rfc822(at), "Fri, 27 Nov 2026 06:00:00 +0000");
    }
}
