//! Atom as feed-rs reads it (`parser/atom`), for the fields the adapter keeps.

use std::borrow::Cow;

use quick_xml::events::BytesStart;
use url::Url;

use super::{
    Ev, Events, Namespaces, Ns, Read, Unsure, attribute,
    item::{Item, Link, LinkKind},
    link_and_url,
};
use crate::ingest::{adapter::ParsedFeed, dates, side::rss_thumbnails};

/// Reads the feed (the root element just read).
pub(super) fn read(
    events: &mut Events<'_>,
    ns: &Namespaces,
    text: &str,
    base: Option<&Url>,
) -> Read<ParsedFeed> {
    let mut feed = ParsedFeed::default();
    let mut links = Vec::new();
    let mut entries = Vec::new();
    while let Some(child) = events.child()? {
        match ns.resolve(&child)? {
            (Ns::Atom, "title") => feed.title = Some(text_construct(events, &child)?),
            (Ns::Atom, "subtitle" | "rights") => {
                text_construct(events, &child)?;
            }
            (Ns::Atom, "link") => links.extend(link(events, &child, base)?),
            (Ns::Atom, "author") => feed.authors.extend(person(events, ns)?),
            (Ns::Atom, "entry") => entries.push(entry(events, ns, base)?),
            (Ns::Itunes | Ns::Podcast, _) => return Err(Unsure),
            _ => events.skip()?,
        }
    }
    feed.link = links
        .into_iter()
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .map(|l| l.href);
    let thumbnails = rss_thumbnails(text);
    feed.entries = entries.into_iter().map(|e| e.entry(&thumbnails)).collect();
    Ok(feed)
}

fn entry(events: &mut Events<'_>, ns: &Namespaces, base: Option<&Url>) -> Read<Item> {
    let mut item = Item::default();
    while let Some(child) = events.child()? {
        match ns.resolve(&child)? {
            (Ns::Atom, "id") => {
                if let Some(t) = events.text()? {
                    item.id = t.into_owned();
                }
            }
            (Ns::Atom, "title") => item.title = Some(text_construct(events, &child)?),
            (Ns::Atom, "summary") => item.summary = Some(text_construct(events, &child)?),
            (Ns::Atom, "rights") => {
                text_construct(events, &child)?;
            }
            (Ns::Atom, "content") => {
                // `src` (no body, and rules of its own) and other types: unsure.
                if attribute(&child, "src")?.is_some() {
                    return Err(Unsure);
                }
                item.content = Some(text_construct(events, &child)?);
            }
            (Ns::Atom, "updated") => {
                if let Some(t) = events.text()? {
                    item.updated = dates::parse(&t);
                }
            }
            (Ns::Atom, "published" | "pubDate") => {
                if let Some(t) = events.text()? {
                    item.published = dates::parse(&t);
                }
            }
            (Ns::Atom, "author") => item.authors.extend(person(events, ns)?),
            (Ns::Atom, "link") => item.links.extend(link(events, &child, base)?),
            (Ns::Atom, "category") => {
                if let Some(term) = attribute(&child, "term")? {
                    let label = attribute(&child, "label")?;
                    let term = term.trim().to_owned();
                    item.categories
                        .push(label.filter(|l| !l.trim().is_empty()).unwrap_or(term));
                }
                events.skip()?;
            }
            (Ns::Wfw, "commentRss" | "commentRSS") => {
                if let Some(t) = events.text()? {
                    let (href, url) = link_and_url(&t, base);
                    item.links.push(Link {
                        href,
                        url,
                        rel: None,
                        media_type: None,
                        kind: LinkKind::Plain,
                    });
                }
            }
            (Ns::Media, local) => item.media_element(events, ns, &child, local, base)?,
            (Ns::Itunes | Ns::Podcast, _) => return Err(Unsure),
            _ => events.skip()?,
        }
    }
    Ok(item)
}

/// An Atom text construct of type text or HTML (feed-rs's `handle_text`): its opening
/// text, trimmed, or empty when it has none. XHTML, unknown types and elements before
/// any text are unsure.
fn text_construct(events: &mut Events<'_>, start: &BytesStart<'_>) -> Read<String> {
    match attribute(start, "type")?.as_deref() {
        None | Some("text" | "html" | "text/html") => {}
        Some(_) => return Err(Unsure),
    }
    match events.next()? {
        Ev::Text(t) => {
            events.skip()?;
            Ok(t.trim().to_owned())
        }
        Ev::End => Ok(String::new()),
        Ev::Start(_) | Ev::Eof => Err(Unsure),
    }
}

/// An Atom link (feed-rs's `handle_link`): none without `href`; `rel` defaults to
/// alternate.
fn link(events: &mut Events<'_>, start: &BytesStart<'_>, base: Option<&Url>) -> Read<Option<Link>> {
    let link = match attribute(start, "href")? {
        Some(href) => Some({
            let (href, url) = link_and_url(&href, base);
            Link {
                href,
                url,
                rel: Some(attribute(start, "rel")?.unwrap_or_else(|| "alternate".to_owned())),
                media_type: attribute(start, "type")?,
                kind: LinkKind::Plain,
            }
        }),
        None => None,
    };
    events.skip()?;
    Ok(link)
}

/// An Atom person's name as written (feed-rs's `handle_person`: the last `name` child
/// with text, whatever its namespace).
fn person(events: &mut Events<'_>, ns: &Namespaces) -> Read<Option<String>> {
    let mut name: Option<Cow<'_, str>> = None;
    while let Some(child) = events.child()? {
        let (_, local) = ns.resolve(&child)?;
        let is_name = local == "name";
        let text = events.text()?;
        if is_name && text.is_some() {
            name = text;
        }
    }
    Ok(name.map(Cow::into_owned))
}
