//! The vocabulary of the lenient reader: which element gives which field (in
//! feedparser's order of preference), namespaces by their conventional prefixes,
//! attributes, and entity references.

use quick_xml::events::BytesStart;

use super::ScannedEntry;
use crate::ingest::decode::html_entity;

/// The rank of an element as a source of a field: lower is better.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Field {
    Title(u8),
    Summary(u8),
    Content(u8),
    Link,
    Guid(u8),
    Author,
    Category,
    Published,
    Updated,
}

/// Which field an element of an entry gives, by its (prefix-normalised) name.
pub(super) fn field(name: &str) -> Option<Field> {
    Some(match name {
        "title" => Field::Title(0),
        "dc:title" => Field::Title(1),
        "itunes:title" => Field::Title(2),
        "media:title" => Field::Title(3),
        "description" | "summary" => Field::Summary(0),
        "dc:description" => Field::Summary(1),
        "itunes:summary" => Field::Summary(2),
        "media:description" => Field::Summary(3),
        "itunes:subtitle" => Field::Summary(4),
        "content:encoded" => Field::Content(0),
        "content" => Field::Content(1),
        "body" | "xhtml:body" => Field::Content(2),
        "fullitem" => Field::Content(3),
        "link" => Field::Link,
        "guid" | "id" => Field::Guid(0),
        "dc:identifier" => Field::Guid(1),
        "author" | "dc:creator" | "itunes:author" | "contributor" | "dc:contributor" => {
            Field::Author
        }
        "category" | "dc:subject" => Field::Category,
        "pubdate" | "published" | "issued" | "dc:date" | "dcterms:issued" | "dcterms:created"
        | "created" | "dcterms:date" => Field::Published,
        "updated" | "modified" | "dcterms:modified" | "lastbuilddate" => Field::Updated,
        _ => return None,
    })
}

/// The prefix feeds conventionally use for a namespace, so that `<foo:title
/// xmlns:foo="http://purl.org/dc/elements/1.1/">` reads as `dc:title`.
pub(super) fn canonical_prefix(uri: &str) -> Option<&'static str> {
    let uri = uri.trim().trim_end_matches(['/', '#']).to_ascii_lowercase();
    Some(match uri.as_str() {
        "http://purl.org/dc/elements/1.1" => "dc",
        "http://purl.org/dc/terms" => "dcterms",
        "http://search.yahoo.com/mrss" | "http://search.yahoo.com/rss" => "media",
        "http://www.itunes.com/dtds/podcast-1.0.dtd" => "itunes",
        "http://purl.org/rss/1.0/modules/content" => "content",
        "http://www.w3.org/1999/xhtml" => "xhtml",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns" => "rdf",
        // RSS and Atom in every version read as if unprefixed.
        "http://www.w3.org/2005/atom"
        | "http://purl.org/atom/ns"
        | "http://purl.org/rss/1.0"
        | "http://my.netscape.com/rdf/simple/0.9"
        | "http://backend.userland.com/rss2"
        | "http://backend.userland.com/rss" => "",
        _ => return None,
    })
}

/// Records `xmlns:prefix` declarations.
pub(super) fn declare(start: &BytesStart<'_>, prefixes: &mut Vec<(String, Option<&'static str>)>) {
    for a in start.attributes().flatten() {
        let key = a.key.as_ref().to_owned();
        if let Some(prefix) = key.strip_prefix("xmlns:") {
            let uri = a.value.to_string();
            prefixes.retain(|(p, _)| p != prefix);
            prefixes.push((prefix.to_owned(), canonical_prefix(&uri)));
        }
    }
}

/// The element's name with its prefix made canonical, lower-cased.
pub(super) fn name(start: &BytesStart<'_>, prefixes: &[(String, Option<&'static str>)]) -> String {
    let raw = start.name().as_ref().to_ascii_lowercase();
    let Some((prefix, local)) = raw.split_once(':') else {
        return raw;
    };
    match prefixes
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(prefix))
    {
        Some((_, Some(""))) => local.to_owned(),
        Some((_, Some(canonical))) => format!("{canonical}:{local}"),
        _ => raw,
    }
}

pub(super) fn local(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

pub(super) fn attribute(start: &BytesStart<'_>, name: &str) -> Option<String> {
    let a = start.try_get_attribute(name).ok().flatten()?;
    let value = a
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map(|v| v.into_owned())
        .unwrap_or_else(|_| a.value.to_string());
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An Atom link's `href`, when it points to the entry itself (no rel, or alternate).
pub(super) fn atom_href(start: &BytesStart<'_>) -> Option<String> {
    let rel = attribute(start, "rel");
    if !matches!(rel.as_deref(), None | Some("alternate")) {
        return None;
    }
    attribute(start, "href")
}

/// Image URLs from Media RSS, enclosures and iTunes.
pub(super) fn collect_image(start: &BytesStart<'_>, qualified: &str, e: &mut ScannedEntry) {
    let url = match qualified {
        "media:content" => {
            let typed = attribute(start, "type").is_some_and(|t| t.starts_with("image/"));
            let medium = attribute(start, "medium").is_some_and(|m| m == "image");
            (typed || medium).then(|| attribute(start, "url")).flatten()
        }
        "media:thumbnail" => attribute(start, "url"),
        "enclosure" => attribute(start, "type")
            .is_some_and(|t| t.starts_with("image/"))
            .then(|| attribute(start, "url").or_else(|| attribute(start, "href")))
            .flatten(),
        "itunes:image" => attribute(start, "href"),
        _ => None,
    };
    e.images.extend(url);
}

/// An entity or character reference's text: XML's five, HTML's common ones, and
/// character references in any case (`&#X41;`).
pub(super) fn resolve(name: &str) -> Option<String> {
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        char::from_u32(code).filter(|c| *c != '\0')?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => html_entity(other)?,
        }
    };
    Some(c.to_string())
}
