//! The fast path in front of feed-rs: well-formed RSS 2.0 and Atom documents read in
//! one pass of quick-xml, into exactly the [`ParsedFeed`] the feed-rs adapter gives.
//!
//! feed-rs builds an owned name, namespace and attribute list for every element of
//! the document, through a buffered, namespace-resolving, re-decoding reader: it was
//! the largest single cost of a fresh fetch. This reader borrows from the text, looks
//! only at the elements the adapter keeps, and follows feed-rs's rules for each (which
//! text an element gives, trimming, link resolution, which element overrides which,
//! how media objects merge). Whatever it is not sure of — a namespace declared below
//! the root, an undeclared prefix, a DOCTYPE, `xml:base`, a carriage return, iTunes or
//! podcast elements, media groups, an e-mail address in an author, a MIME type it does
//! not know the parse of, any XML error — makes it give up, and the adapter runs
//! feed-rs as before. `tests.rs` compares the two on every fixture, on the fetch
//! bench's feeds and on thousands of altered documents.

mod atom;
mod item;
mod rss;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use quick_xml::{
    Reader,
    events::{BytesStart, Event},
};
use url::Url;

use super::adapter::ParsedFeed;

/// The fast path gave up: the document goes to feed-rs.
#[derive(Debug)]
pub(super) struct Unsure;

type Read<T> = Result<T, Unsure>;

/// Reads `text` (UTF-8, declaration rewritten, as feed-rs gets it) when it is an RSS
/// 2.0 or Atom document this reader is sure of; `None` sends it to feed-rs.
pub fn read(text: &str, base: Option<&Url>) -> Option<ParsedFeed> {
    // feed-rs reads text raw, without XML's end-of-line normalisation; quick-xml would
    // report positions the same way, but keep the two readers on the easy ground.
    if text.contains('\r') || text.contains("xml:base") {
        return None;
    }
    let mut events = Events::new(text);
    let root = events.root().ok()?;
    let namespaces = Namespaces::of_root(&root).ok()?;
    // Namespaces declared below the root would change what names mean part-way.
    if text[events.position()..].contains("xmlns") {
        return None;
    }
    let name = root.name();
    let name: &str = name.as_ref();
    match name {
        "rss" => match attribute(&root, "version").ok()?.as_deref() {
            Some("2.0") => {
                rss::read(&mut events, &namespaces.with_default(Ns::Rss), text, base).ok()
            }
            _ => None,
        },
        "feed" => atom::read(&mut events, &namespaces.with_default(Ns::Atom), text, base).ok(),
        _ => None,
    }
}

/// The namespaces feed-rs knows, by their exact URIs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ns {
    Rss,
    Atom,
    Content,
    Dc,
    Media,
    Itunes,
    Podcast,
    Wfw,
    Unknown,
}

impl Ns {
    fn of(uri: &str) -> Ns {
        match uri {
            "http://purl.org/rss/1.0/" => Ns::Rss,
            "http://www.w3.org/2005/Atom" => Ns::Atom,
            "http://purl.org/rss/1.0/modules/content/" => Ns::Content,
            "http://purl.org/dc/elements/1.1/" => Ns::Dc,
            "http://search.yahoo.com/mrss/" => Ns::Media,
            "http://www.itunes.com/dtds/podcast-1.0.dtd" => Ns::Itunes,
            "https://podcastindex.org/namespace/1.0" => Ns::Podcast,
            "http://wellformedweb.org/CommentAPI/" => Ns::Wfw,
            _ => Ns::Unknown,
        }
    }
}

/// The root's namespace declarations (the only ones this reader accepts).
struct Namespaces {
    /// The root's own `xmlns`, if any.
    declared_default: Option<Ns>,
    /// The default for unprefixed names when the document declares none.
    default: Ns,
    prefixes: Vec<(String, Ns)>,
}

impl Namespaces {
    fn of_root(root: &BytesStart<'_>) -> Read<Self> {
        let mut namespaces = Namespaces {
            declared_default: None,
            default: Ns::Unknown,
            prefixes: Vec::new(),
        };
        for a in root.attributes() {
            let a = a.map_err(|_| Unsure)?;
            let key: &str = a.key.as_ref();
            let Some(rest) = key.strip_prefix("xmlns") else {
                continue;
            };
            let value: &str = &a.value;
            if value.is_empty() || value.contains('&') {
                return Err(Unsure);
            }
            match rest.strip_prefix(':') {
                None if rest.is_empty() => namespaces.declared_default = Some(Ns::of(value)),
                Some(prefix)
                    if !prefix.is_empty()
                        && !prefix.contains(':')
                        && !prefix.starts_with("xml")
                        && !namespaces.prefixes.iter().any(|(p, _)| *p == prefix) =>
                {
                    namespaces.prefixes.push((prefix.to_owned(), Ns::of(value)));
                }
                _ => return Err(Unsure),
            }
        }
        Ok(namespaces)
    }

    fn with_default(mut self, default: Ns) -> Self {
        self.default = default;
        self
    }

    /// The namespace and local name of an element; an undeclared prefix is unsure.
    fn resolve<'n>(&self, start: &'n BytesStart<'_>) -> Read<(Ns, &'n str)> {
        let name: &str = start.name().0;
        match name.split_once(':') {
            None => Ok((self.declared_default.unwrap_or(self.default), name)),
            Some((prefix, local)) if !local.contains(':') => self
                .prefixes
                .iter()
                .find(|(p, _)| *p == prefix)
                .map(|(_, ns)| (*ns, local))
                .ok_or(Unsure),
            Some(_) => Err(Unsure),
        }
    }
}

/// An event as feed-rs sees one: text, CDATA and references run together.
enum Ev<'a> {
    Start(BytesStart<'a>),
    End,
    Text(Cow<'a, str>),
    Eof,
}

/// quick-xml's events over the document, coalesced and walked the way feed-rs walks.
struct Events<'a> {
    reader: Reader<&'a [u8]>,
    /// The event read after a run of text.
    stashed: Option<Ev<'a>>,
    /// Whether any event was read: a declaration is only sure as the first.
    started: bool,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.trim_markup_names_in_closing_tags = true;
        config.trim_text(false);
        Events {
            reader,
            stashed: None,
            started: false,
        }
    }

    fn position(&self) -> usize {
        self.reader.buffer_position() as usize
    }

    /// The root element's start.
    fn root(&mut self) -> Read<BytesStart<'a>> {
        loop {
            match self.next()? {
                Ev::Start(start) => return Ok(start),
                Ev::Text(_) => {}
                Ev::End | Ev::Eof => return Err(Unsure),
            }
        }
    }

    fn next(&mut self) -> Read<Ev<'a>> {
        if let Some(ev) = self.stashed.take() {
            return Ok(ev);
        }
        let mut text: Option<Cow<'a, str>> = None;
        loop {
            let event = self.reader.read_event().map_err(|_| Unsure)?;
            let first = !std::mem::replace(&mut self.started, true);
            let ev = match event {
                Event::Start(start) => Ev::Start(start),
                Event::End(_) => Ev::End,
                Event::Eof => Ev::Eof,
                Event::Text(t) => {
                    append(&mut text, t.into_inner());
                    continue;
                }
                Event::CData(c) => {
                    append(&mut text, c.into_inner());
                    continue;
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().map_err(|_| Unsure)? {
                        Some(c) => Cow::Owned(c.to_string()),
                        None => {
                            let name: &str = r.as_ref();
                            match quick_xml::escape::resolve_predefined_entity(name) {
                                Some(s) => Cow::Borrowed(s),
                                // Unknown entities stay as written, as in feed-rs.
                                None => Cow::Owned(format!("&{name};")),
                            }
                        }
                    };
                    text.get_or_insert(Cow::Borrowed(""))
                        .to_mut()
                        .push_str(&resolved);
                    continue;
                }
                // feed-rs switches its decoder at every declaration: only the first,
                // saying UTF-8, is sure.
                Event::Decl(decl) => match decl.encoding() {
                    None if first => continue,
                    Some(Ok(e)) if first && e.eq_ignore_ascii_case("utf-8") => continue,
                    _ => return Err(Unsure),
                },
                Event::DocType(_) | Event::Empty(_) => return Err(Unsure),
                // Comments and processing instructions, even inside text.
                _ => continue,
            };
            return Ok(match text {
                Some(t) => {
                    self.stashed = Some(ev);
                    Ev::Text(t)
                }
                None => ev,
            });
        }
    }

    /// Inside an element: its next child element, or `None` at its end.
    fn child(&mut self) -> Read<Option<BytesStart<'a>>> {
        loop {
            match self.next()? {
                Ev::Start(start) => return Ok(Some(start)),
                Ev::End => return Ok(None),
                Ev::Text(_) => {}
                Ev::Eof => return Err(Unsure),
            }
        }
    }

    /// Right after a start: the text the element opens with (feed-rs's
    /// `child_as_text`), then the rest of the element skipped.
    fn text(&mut self) -> Read<Option<Cow<'a, str>>> {
        let text = match self.next()? {
            Ev::Text(t) => Some(t),
            other => {
                self.stashed = Some(other);
                None
            }
        };
        self.skip()?;
        Ok(text)
    }

    /// Skips the rest of the element just opened: its children and its end.
    fn skip(&mut self) -> Read<()> {
        let mut depth = 1usize;
        loop {
            match self.next()? {
                Ev::Start(_) => depth += 1,
                Ev::End => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Ev::Text(_) => {}
                Ev::Eof => return Err(Unsure),
            }
        }
    }
}

/// Appends a piece of text (feed-rs skips empty pieces).
fn append<'a>(text: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
    if piece.is_empty() {
        return;
    }
    match text {
        None => *text = Some(piece),
        Some(t) => t.to_mut().push_str(&piece),
    }
}

/// `text.trim().to_owned()`, without the copy when the text is a string of its own
/// already (pieces joined around an entity) with nothing to trim.
fn trimmed(text: Cow<'_, str>) -> String {
    match text {
        Cow::Owned(s) if s.trim().len() == s.len() => s,
        text => text.trim().to_owned(),
    }
}

/// An attribute's value as feed-rs reads it (entities resolved, or the raw value when
/// they cannot be); a malformed attribute list is unsure.
fn attribute(start: &BytesStart<'_>, name: &str) -> Read<Option<String>> {
    let mut found = None;
    for a in start.attributes() {
        let a = a.map_err(|_| Unsure)?;
        let key: &str = a.key.as_ref();
        if key == name && found.is_none() {
            let raw: &str = &a.value;
            found = Some(
                quick_xml::escape::unescape(raw)
                    .unwrap_or(Cow::Borrowed(raw))
                    .into_owned(),
            );
        }
    }
    Ok(found)
}

/// feed-rs's `parse_uri`: absolute, else resolved against the base.
fn parse_uri(uri: &str, base: Option<&Url>) -> Option<Url> {
    match Url::parse(uri) {
        Ok(url) => Some(url),
        Err(url::ParseError::RelativeUrlWithoutBase) => base.and_then(|b| b.join(uri).ok()),
        Err(_) => None,
    }
}

/// feed-rs's `Link::new`: the resolved URL, or the text as written, trimmed.
fn link_href(href: &str, base: Option<&Url>) -> String {
    link_and_url(href, base).0
}

/// [`link_href`], with the [`Url`] it was serialised from when the link is one
/// (what [`crate::model::url::canonical_of`] takes instead of parsing it again).
fn link_and_url(href: &str, base: Option<&Url>) -> (String, Option<Url>) {
    match parse_uri(href, base) {
        Some(url) => {
            let href = url.as_str().trim();
            // A serialised URL never has spaces at its ends: this keeps `url` with it.
            match href.len() == url.as_str().len() {
                true => (href.to_owned(), Some(url)),
                false => (href.to_owned(), None),
            }
        }
        None => (href.trim().to_owned(), None),
    }
}

/// A MIME type's top-level type when its shape is one feed-rs's parser (the
/// `mediatype` crate) certainly accepts; anything else is unsure.
fn media_type(value: &str) -> Read<&str> {
    let (ty, sub) = value.split_once('/').ok_or(Unsure)?;
    let name = |s: &str, rest: &[u8]| {
        !s.is_empty()
            && s.len() < 64
            && s.as_bytes()[0].is_ascii_alphanumeric()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || rest.contains(&b))
    };
    if name(ty, b"") && name(sub, b".+-") {
        Ok(ty)
    } else {
        Err(Unsure)
    }
}
