//! Bytes → UTF-8 text (by [`super::charset`]), and the repairs that let feed-rs read
//! feeds it would reject.
//!
//! feed-rs decodes by the XML declaration and fails on documents whose declaration
//! lies, so we decode first and hand it UTF-8 with the declaration rewritten.

use std::borrow::Cow;

use super::charset;

/// Decodes `bytes` to UTF-8 text with its XML declaration saying so; `http_charset`
/// is the `Content-Type` charset, if any. Refuses EBCDIC and binary data.
/// Valid UTF-8 that needs no change is borrowed, not copied.
pub fn read_text<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> Result<Cow<'a, str>, String> {
    charset::decode(bytes, http_charset, declared_encoding(bytes)).map(|text| match text {
        Cow::Borrowed(text) if !rewrites(text) => Cow::Borrowed(text),
        Cow::Borrowed(text) => Cow::Owned(rewrite_declaration(text.to_owned())),
        Cow::Owned(text) => Cow::Owned(rewrite_declaration(text)),
    })
}

/// A warning when `bytes` declare an encoding nobody knows, and it mattered.
pub fn encoding_warning(bytes: &[u8]) -> Option<String> {
    charset::unknown_label(bytes, declared_encoding(bytes))
}

/// [`read_text`], with what cannot be read as text taken as lossy UTF-8.
pub fn to_utf8(bytes: &[u8], http_charset: Option<&str>) -> String {
    read_text(bytes, http_charset).map_or_else(
        |_| rewrite_declaration(String::from_utf8_lossy(bytes).into_owned()),
        Cow::into_owned,
    )
}

/// Character references with an upper-case X (`&#X41;`), which XML parsers refuse,
/// written in lower case. `None` when there are none.
pub fn fix_char_refs(text: &str) -> Option<String> {
    text.contains("&#X").then(|| text.replace("&#X", "&#x"))
}

/// The charset parameter of a `Content-Type` header value.
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `bytes`.
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(256)];
    let head = std::str::from_utf8(head)
        .unwrap_or_else(|e| std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default());
    let declaration = head.trim_start().strip_prefix("<?xml")?;
    let declaration = &declaration[..declaration.find("?>")?];
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(&value[..value.find(quote)?])
}

/// Replaces the declared encoding with UTF-8 (the text is UTF-8 now).
/// Whether [`rewrite_declaration`] would change `text`: something before the
/// document, or a declaration naming an encoding other than in UTF-8's words.
fn rewrites(text: &str) -> bool {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.len() < text.len() {
        return true;
    }
    if !text.starts_with("<?xml") {
        return false;
    }
    text.find("?>")
        .is_some_and(|end| text[..end].contains("encoding") && &text[..end] != UTF8_DECLARATION)
}

/// The XML declaration of every decoded document that has one naming an encoding,
/// without its `?>`.
const UTF8_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"";

fn rewrite_declaration(mut text: String) -> String {
    // In place: a document is copied once, by the decoder, not again here.
    let start = text.len()
        - text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    text.replace_range(..start, "");
    if !text.starts_with("<?xml") {
        return text;
    }
    let Some(end) = text.find("?>") else {
        return text;
    };
    if text[..end].contains("encoding") {
        text.replace_range(..end, UTF8_DECLARATION);
    }
    text
}

/// Repairs that make common real-world mistakes parse: bare `&` that starts no
/// entity, and HTML entities (`&nbsp;`) that XML does not define. Applied only after a
/// first parse failed.
pub fn repair_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        let name = &after[..name_len];
        let terminated = after[name_len..].starts_with(';') && !name.is_empty();
        match (terminated, name) {
            (true, "amp" | "lt" | "gt" | "quot" | "apos") => out.push('&'),
            (true, n) if n.starts_with('#') => out.push('&'),
            (true, n) => match html_entity(n) {
                Some(c) => {
                    out.push_str(&format!("&#{};", c as u32));
                    rest = &after[name_len + 1..];
                    continue;
                }
                None => out.push_str("&amp;"),
            },
            (false, _) => out.push_str("&amp;"),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The HTML entities feeds use most that XML does not define.
pub fn html_entity(name: &str) -> Option<char> {
    Some(match name {
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "middot" => '·',
        "bull" => '•',
        "deg" => '°',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "aacute" => 'á',
        "ccedil" => 'ç',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "auml" => 'ä',
        "szlig" => 'ß',
        "oacute" => 'ó',
        "iacute" => 'í',
        "ntilde" => 'ñ',
        "times" => '×',
        _ => return None,
    })
}

/// Rewrites legacy formats feed-rs reads as empty into ones it reads: `<rss>` without
/// a version, Atom 0.3 and RSS 0.90.
pub fn modernise(text: &str) -> Option<String> {
    const ATOM_03: &str = "http://purl.org/atom/ns#";
    const RSS_090: &str = "http://my.netscape.com/rdf/simple/0.9/";
    // memchr's SIMD search: each is a whole-document scan that nearly always fails.
    let has = |needle: &str| memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some();
    if has(ATOM_03) {
        let mut text = text
            .replace(ATOM_03, "http://www.w3.org/2005/Atom")
            .replace("<issued>", "<published>")
            .replace("</issued>", "</published>")
            .replace("<modified>", "<updated>")
            .replace("</modified>", "</updated>")
            .replace("<tagline", "<subtitle")
            .replace("</tagline>", "</subtitle>")
            .replace(" mode=\"escaped\"", "");
        // Atom 0.3 typed text constructs with MIME types; Atom 1.0 says text/html/xhtml.
        for tag in ["title", "summary", "content", "subtitle"] {
            for (mime, kind) in [
                ("text/plain", "text"),
                ("text/html", "html"),
                ("application/xhtml+xml", "xhtml"),
            ] {
                text = text.replace(
                    &format!("<{tag} type=\"{mime}\""),
                    &format!("<{tag} type=\"{kind}\""),
                );
            }
        }
        return Some(text);
    }
    if has(RSS_090) {
        return Some(text.replace(RSS_090, "http://purl.org/rss/1.0/"));
    }
    let start = root_start(text, "rss")?;
    let tag_end = start + text[start..].find('>')?;
    if text[start..tag_end].contains("version") {
        return None;
    }
    let mut fixed = String::with_capacity(text.len() + 16);
    fixed.push_str(&text[..start + 4]);
    fixed.push_str(" version=\"2.0\"");
    fixed.push_str(&text[start + 4..]);
    Some(fixed)
}

/// Copies the effective `xml:base` of every Atom `<content>` and `<summary>` onto it,
/// because feed-rs reads `xml:base` only where it is written, not where it is inherited.
/// `None` when the document uses no `xml:base` (the common case costs one search).
pub fn propagate_xml_base(text: &str) -> Option<String> {
    use quick_xml::events::{BytesStart, Event};
    memchr::memmem::find(text.as_bytes(), b"xml:base")?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(text.len() + 256));
    let mut bases: Vec<Option<url::Url>> = Vec::new();
    loop {
        let event = reader.read_event().ok()?;
        let inherited = bases.last().cloned().flatten();
        let effective = |start: &BytesStart<'_>| {
            let own = start
                .try_get_attribute("xml:base")
                .ok()
                .flatten()
                .and_then(|a| {
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()
                        .map(|v| v.into_owned())
                });
            match (own, &inherited) {
                (Some(own), Some(parent)) => parent.join(&own).ok(),
                (Some(own), None) => url::Url::parse(&own).ok(),
                (None, parent) => parent.clone(),
            }
        };
        let annotate = |start: BytesStart<'static>, base: &Option<url::Url>| {
            let name = start.local_name();
            let local: &str = name.as_ref();
            let wants = matches!(local, "content" | "summary")
                && start.try_get_attribute("xml:base").ok().flatten().is_none();
            match (wants, base) {
                (true, Some(base)) => {
                    let mut start = start.clone();
                    start.push_attribute(("xml:base", base.as_str()));
                    start
                }
                _ => start,
            }
        };
        match event {
            Event::Start(start) => {
                let base = effective(&start);
                let start = annotate(start.into_owned(), &base);
                bases.push(base);
                writer.write_event(Event::Start(start)).ok()?;
            }
            Event::Empty(start) => {
                let base = effective(&start);
                writer
                    .write_event(Event::Empty(annotate(start.into_owned(), &base)))
                    .ok()?;
            }
            Event::End(end) => {
                bases.pop();
                writer.write_event(Event::End(end)).ok()?;
            }
            Event::Eof => break,
            other => writer.write_event(other).ok()?,
        }
    }
    String::from_utf8(writer.into_inner()).ok()
}

/// The byte offset of the root element if it is `<name` (skipping prolog and comments).
fn root_start(text: &str, name: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        let next = at + text[at..].find('<')?;
        let rest = &text[next..];
        if rest.starts_with("<?") {
            at = next + rest.find("?>")? + 2;
        } else if rest.starts_with("<!--") {
            at = next + rest.find("-->")? + 3;
        } else if rest.starts_with("<!") {
            at = next + rest.find('>')? + 1;
        } else {
            let after = rest.get(1 + name.len()..)?;
            let matches =
                rest[1..].starts_with(name) && after.starts_with([' ', '>', '\n', '\t', '\r']);
            return matches.then_some(next);
        }
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
