//! An RSS item or Atom entry as far as the adapter looks at it, its Media RSS elements
//! (feed-rs's `parser/mediarss`), and the [`ParsedEntry`] the adapter makes of it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use quick_xml::events::BytesStart;
use url::Url;

use super::{Events, Namespaces, Ns, Read, Unsure, attribute, media_type, parse_uri, trimmed};
use crate::{
    ingest::adapter::{ParsedEntry, image_candidate, is_image_type},
    model::{
        Image,
        url::{ImageUrls, LinkUrl},
    },
};

/// Where a link came from: RSS `<comments>` links that repeat another are dropped.
#[derive(PartialEq)]
pub(super) enum LinkKind {
    Plain,
    Comments,
}

/// A link with its relation and type (Atom's; RSS links have neither).
pub(super) struct Link {
    pub(super) href: String,
    /// What `href` was serialised from, if it is a URL.
    pub(super) url: Option<Url>,
    pub(super) rel: Option<String>,
    pub(super) media_type: Option<String>,
    pub(super) kind: LinkKind,
}

/// A `media:content` or an `<enclosure>`.
pub(super) struct Content {
    url: Url,
    /// Whether its MIME type says image; `None` without a type.
    image: Option<bool>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(Default)]
pub(super) struct Item {
    pub(super) id: String,
    pub(super) links: Vec<Link>,
    pub(super) title: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) content: Option<String>,
    pub(super) authors: Vec<String>,
    pub(super) categories: Vec<String>,
    pub(super) published: Option<DateTime<Utc>>,
    pub(super) updated: Option<DateTime<Utc>>,
    /// The Media RSS scope of the item: title, description, thumbnails, contents.
    media_title: Option<String>,
    media_description: Option<String>,
    thumbnails: Vec<Image>,
    media: Vec<Content>,
    /// RSS enclosures (a media object of their own, merged away by Media RSS).
    pub(super) enclosures: Vec<Content>,
}

/// An `<enclosure>` or `media:content`'s URL, type and (for media, whose size feed-rs
/// reads) size; `None` without a URL.
pub(super) fn content(
    start: &BytesStart<'_>,
    base: Option<&Url>,
    media: bool,
) -> Read<Option<Content>> {
    // One pass over the attributes for the four (`attribute` reads them all each time).
    let [kind, width, height, url] = attributes(start, ["type", "width", "height", "url"])?;
    let image = match kind {
        Some(t) => Some(media_type(&t)? == "image"),
        None => None,
    };
    let number = |v: Option<String>| v.and_then(|v| v.parse().ok());
    let (width, height) = match media {
        true => (number(width), number(height)),
        false => (None, None),
    };
    let url = url.and_then(|u| parse_uri(&u, base));
    Ok(url.map(|url| Content {
        url,
        image,
        width,
        height,
    }))
}

/// [`attribute`] of each of `names` (distinct), reading the attributes once: the
/// first value of each, or unsure when any attribute is malformed, as `attribute`.
pub(super) fn attributes<const N: usize>(
    start: &BytesStart<'_>,
    names: [&str; N],
) -> Read<[Option<String>; N]> {
    let mut found = [const { None }; N];
    for a in start.attributes() {
        let a = a.map_err(|_| Unsure)?;
        let key: &str = a.key.as_ref();
        if let Some(at) = names.iter().position(|n| *n == key)
            && found[at].is_none()
        {
            let raw: &str = &a.value;
            found[at] = Some(
                quick_xml::escape::unescape(raw)
                    .unwrap_or(std::borrow::Cow::Borrowed(raw))
                    .into_owned(),
            );
        }
    }
    Ok(found)
}

fn number(start: &BytesStart<'_>, name: &str) -> Read<Option<u32>> {
    Ok(attribute(start, name)?.and_then(|v| v.parse().ok()))
}

impl Item {
    /// A Media RSS element of the item (feed-rs's `inner_handle_mediarss_element`).
    pub(super) fn media_element(
        &mut self,
        events: &mut Events<'_>,
        ns: &Namespaces,
        start: &BytesStart<'_>,
        local: &str,
        base: Option<&Url>,
    ) -> Read<()> {
        match local {
            "title" => self.media_title = Some(media_text(events, start)?),
            "description" => self.media_description = Some(media_text(events, start)?),
            "thumbnail" => {
                no_play_time(start)?;
                if let Some(url) = attribute(start, "url")? {
                    self.thumbnails.push(Image {
                        url,
                        alt: None,
                        width: number(start, "width")?,
                        height: number(start, "height")?,
                    });
                }
                events.skip()?;
            }
            "content" => {
                let content = content(start, base, true)?;
                // Its Media RSS children: title, description and thumbnails go to the
                // item's scope (as at the item's level); players, nested contents and
                // groups are unsure; the others give nothing the adapter keeps.
                while let Some(child) = events.child()? {
                    match ns.resolve(&child)? {
                        (Ns::Media, "player" | "content" | "group") => return Err(Unsure),
                        (Ns::Media, local @ ("title" | "description" | "thumbnail" | "text")) => {
                            self.media_element(events, ns, &child, local, base)?;
                        }
                        _ => events.skip()?,
                    }
                }
                self.media.extend(content);
            }
            "group" | "player" => return Err(Unsure),
            "text" => {
                no_play_time(start)?;
                events.skip()?;
            }
            // Credits, ratings, texts, community: nothing the adapter keeps.
            _ => events.skip()?,
        }
        Ok(())
    }

    /// The adapter's view of the item (as `adapter::entry` builds it from feed-rs's).
    pub(super) fn entry(self, side: &HashMap<String, Image>) -> ParsedEntry {
        let guid = Some(trimmed(self.id.into())).filter(|id| !id.is_empty());
        let mut links = self.links;
        // feed-rs drops `<comments>` links that repeat another link of the item.
        let others: Vec<&str> = links
            .iter()
            .filter(|l| l.kind != LinkKind::Comments)
            .map(|l| l.href.as_str())
            .collect();
        let kept = |l: &&Link| l.kind != LinkKind::Comments || !others.contains(&l.href.as_str());
        // The entry's link: taken out of the list once the images are read from it.
        let chosen = links.iter().position(|l| {
            kept(&l)
                && matches!(l.rel.as_deref(), None | Some("alternate"))
                && !is_image_type(l.media_type.as_deref())
        });
        let link = chosen.map(|at| links[at].href.as_str());
        // One media object: Media RSS when it has contents (enclosures are then
        // merged away), else the enclosures.
        let (alt, contents, mut thumbnails) = if !self.media.is_empty() {
            let alt = self.media_description.or(self.media_title);
            (alt, self.media, self.thumbnails)
        } else {
            (None, self.enclosures, Vec::new())
        };
        let mut urls = Vec::new();
        let mut images: Vec<Image> = contents
            .into_iter()
            .filter_map(|c| {
                let image = image_candidate(&c.url, c.image, c.width, c.height, &alt)?;
                urls.push(c.url);
                Some(image)
            })
            .collect();
        images.sort_by_key(|i| std::cmp::Reverse(i.width.unwrap_or(0)));
        for t in &mut thumbnails {
            t.alt.clone_from(&alt);
        }
        if thumbnails.is_empty()
            && let Some(t) = [guid.as_deref(), link]
                .into_iter()
                .flatten()
                .find_map(|key| side.get(key))
        {
            thumbnails.push(t.clone());
        }
        images.extend(thumbnails);
        images.extend(
            links
                .iter()
                .filter(kept)
                .filter(|l| {
                    l.rel.as_deref() == Some("enclosure") && is_image_type(l.media_type.as_deref())
                })
                .map(|l| Image {
                    url: l.href.clone(),
                    alt: None,
                    width: None,
                    height: None,
                }),
        );
        let (link, link_url) = match chosen.and_then(|at| links.get_mut(at)) {
            Some(l) => (Some(std::mem::take(&mut l.href)), l.url.take()),
            None => (None, None),
        };
        ParsedEntry {
            guid,
            link,
            link_url: LinkUrl(link_url),
            title: self.title,
            summary: self.summary,
            content: self.content,
            authors: self.authors,
            categories: self.categories,
            published: self.published,
            updated: self.updated,
            images,
            image_urls: ImageUrls(urls),
            base: None,
            unreadable_date: false,
        }
    }
}

/// feed-rs reads play times (`start`, `end`, `time`) with `unwrap`s that panic on
/// large numbers: unsure.
fn no_play_time(start: &BytesStart<'_>) -> Read<()> {
    for name in ["start", "end", "time"] {
        if attribute(start, name)?.is_some() {
            return Err(Unsure);
        }
    }
    Ok(())
}

/// A Media RSS title or description: feed-rs refuses the whole feed when it has no
/// text or an unknown type (unsure here).
fn media_text(events: &mut Events<'_>, start: &BytesStart<'_>) -> Read<String> {
    match attribute(start, "type")?.as_deref() {
        None | Some("plain" | "html") => {}
        Some(_) => return Err(Unsure),
    }
    Ok(events.text()?.ok_or(Unsure)?.trim().to_owned())
}
