//! What a document is, before and after parsing: an HTML page (and the feed it
//! links to), a document with entries, its root element.

use url::Url;

/// Whether the document is an HTML page rather than a feed.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || (head.contains("<html") && !head.contains("<rss") && !head.contains("<feed"))
}

/// The feed a page advertises with `<link rel="alternate" type="application/rss+xml">`.
pub fn alternate_feed(text: &str, base: Option<&Url>) -> Option<String> {
    let selector = scraper::Selector::parse(
        r#"link[rel~="alternate"][type="application/rss+xml"], link[rel~="alternate"][type="application/atom+xml"], link[rel~="alternate"][type="application/feed+json"]"#,
    )
    .ok()?;
    let page = scraper::Html::parse_document(text);
    let href = page.select(&selector).next()?.value().attr("href")?;
    match base {
        Some(base) => base.join(href).ok().map(String::from),
        None => Some(href.to_owned()),
    }
}

/// Whether the document contains entries (so that reading none is a failure).
pub fn has_entry_markers(text: &str) -> bool {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|doc| doc.get("items")?.as_array().map(|items| !items.is_empty()))
            .unwrap_or(false);
    }
    text.contains("<item")
        || text.contains("<entry")
        || text.contains(":item")
        || text.contains(":entry")
}

/// The name of the document's first element.
pub fn root_name(text: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                return Some(e.name().as_ref().chars().take(40).collect());
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Where and how the XML of `text` breaks, in words: "malformed XML near line 12
/// (expected `</b>`, found `</title>`)", or that it ends before its elements close.
pub fn xml_problem(text: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    let line = |at: u64| {
        let bytes = text.as_bytes();
        bytes[..(at as usize).min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) if depth > 0 => {
                return format!(
                    "the document is cut off at line {} (its elements are not closed)",
                    line(text.len() as u64)
                );
            }
            Ok(Event::Eof) => return "malformed XML".to_owned(),
            Err(e) => {
                let why: String = e.to_string().chars().take(120).collect();
                return format!(
                    "malformed XML near line {} ({why})",
                    line(reader.error_position())
                );
            }
            Ok(_) => {}
        }
    }
}
