//! RSS 2.0 as feed-rs reads it (`parser/rss2`, `parser/mediarss`, `model`), for the
//! fields the adapter keeps.

use url::Url;

use super::{
    Events, Namespaces, Ns, Read, Unsure, attribute,
    item::{Item, Link, LinkKind, content},
    link_and_url, link_href, trimmed,
};
use crate::ingest::{adapter::ParsedFeed, dates, side::rss_thumbnails};

/// Reads the document's `<channel>` (the root element just read).
pub(super) fn read(
    events: &mut Events<'_>,
    ns: &Namespaces,
    text: &str,
    base: Option<&Url>,
) -> Read<ParsedFeed> {
    // feed-rs reads the first child named `channel` and stops there.
    while let Some(child) = events.child()? {
        let (_, local) = ns.resolve(&child)?;
        if local == "channel" {
            return channel(events, ns, text, base);
        }
        events.skip()?;
    }
    Err(Unsure)
}

fn channel(
    events: &mut Events<'_>,
    ns: &Namespaces,
    text: &str,
    base: Option<&Url>,
) -> Read<ParsedFeed> {
    let mut feed = ParsedFeed::default();
    // (href, rel) in document order; the adapter takes the first without a rel or
    // with rel="alternate".
    let mut links: Vec<(String, Option<String>)> = Vec::new();
    let mut items = Vec::new();
    while let Some(child) = events.child()? {
        match ns.resolve(&child)? {
            (Ns::Rss, "title") => feed.title = events.text()?.map(|t| t.trim().to_owned()),
            (Ns::Rss, "link") => {
                if let Some(t) = events.text()? {
                    links.push((link_href(&t, base), None));
                }
            }
            (Ns::Atom, "link") => {
                if let Some(href) = attribute(&child, "href")? {
                    let rel = attribute(&child, "rel")?.unwrap_or_else(|| "alternate".into());
                    links.push((link_href(&href, base), Some(rel)));
                }
                events.skip()?;
            }
            (Ns::Rss, "item") => items.push(item(events, ns, base)?),
            (Ns::Itunes | Ns::Podcast, _) => return Err(Unsure),
            _ => events.skip()?,
        }
    }
    feed.link = links
        .into_iter()
        .find(|(_, rel)| matches!(rel.as_deref(), None | Some("alternate")))
        .map(|(href, _)| href);
    let thumbnails = rss_thumbnails(text);
    feed.entries = items.into_iter().map(|i| i.entry(&thumbnails)).collect();
    Ok(feed)
}

fn item(events: &mut Events<'_>, ns: &Namespaces, base: Option<&Url>) -> Read<Item> {
    let mut item = Item::default();
    let link = |events: &mut Events<'_>, item: &mut Item, kind| -> Read<()> {
        if let Some(t) = events.text()? {
            let (href, url) = link_and_url(&t, base);
            item.links.push(Link {
                href,
                url,
                rel: None,
                media_type: None,
                kind,
            });
        }
        Ok(())
    };
    while let Some(child) = events.child()? {
        match ns.resolve(&child)? {
            (Ns::Rss, "title") => item.title = events.text()?.map(trimmed),
            (Ns::Rss, "link") => link(events, &mut item, LinkKind::Plain)?,
            (Ns::Rss, "comments") => link(events, &mut item, LinkKind::Comments)?,
            (Ns::Wfw, "commentRss" | "commentRSS") => link(events, &mut item, LinkKind::Plain)?,
            (Ns::Rss, "description") => {
                item.summary = events.text()?.map(trimmed);
            }
            (Ns::Rss, "author") | (Ns::Dc, "creator") => {
                if let Some(t) = events.text()? {
                    item.authors.push(person(&t)?);
                }
            }
            (Ns::Rss, "category") => {
                if let Some(t) = events.text()? {
                    item.categories.push(trimmed(t));
                }
            }
            (Ns::Rss, "guid") => {
                if let Some(t) = events.text()? {
                    item.id = trimmed(t);
                }
            }
            (Ns::Rss, "enclosure") => {
                if let Some(content) = content(&child, base, false)? {
                    item.enclosures.push(content);
                }
                events.skip()?;
            }
            (Ns::Rss, "pubDate") | (Ns::Dc, "date") => {
                item.published = events.text()?.and_then(|t| dates::parse(&t));
            }
            (Ns::Rss, "updated") | (Ns::Atom, "updated") => {
                item.updated = events.text()?.and_then(|t| dates::parse(&t));
            }
            (Ns::Content, "encoded") => {
                item.content = events
                    .text()?
                    .filter(|t| !t.is_empty())
                    .map(|t| t.into_owned());
            }
            (Ns::Itunes | Ns::Podcast, _) => return Err(Unsure),
            (Ns::Media, local) => item.media_element(events, ns, &child, local, base)?,
            _ => events.skip()?,
        }
    }
    // feed-rs copies the publication date to the update date when there is none.
    if item.updated.is_none() {
        item.updated = item.published;
    }
    Ok(item)
}

/// The name of an RSS person, as feed-rs's `Person::parse` gives it for text without
/// an e-mail address (with one, it runs a regular expression: unsure).
fn person(text: &str) -> Read<String> {
    if text.contains('@') {
        return Err(Unsure);
    }
    Ok(text.trim().to_owned())
}
