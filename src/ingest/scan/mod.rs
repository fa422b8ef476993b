//! A lenient second reader of RSS and Atom, with quick-xml: the elements feed-rs does
//! not read, and whole feeds it refuses.
//!
//! feed-rs reads an item's `<title>` and `<description>` but not Dublin Core, Media
//! RSS, iTunes, `<body>` or `<fullitem>`; it refuses a whole feed for one entry with an
//! unknown content type; it reads nothing in RSS 0.90 documents or RSS 2.0 in the old
//! UserLand namespace. This reader walks any document whose entries are `<item>` or
//! `<entry>` elements, takes each field from the first element that gives it (in
//! feedparser's order of preference), skips what it cannot read, and never fails. The
//! adapter runs it only when feed-rs left something out (measured in `adapter.rs`).

mod fields;

use quick_xml::events::{BytesStart, Event};

use self::fields::{
    Field, atom_href, attribute, collect_image, declare, field, local, name, resolve,
};

/// One entry as this reader saw it; text fields are raw (HTML or text).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ScannedEntry {
    /// `guid`, `id` or `dc:identifier`, else `rdf:about`.
    pub guid: Option<String>,
    /// The entry's link (RSS text, Atom `href`).
    pub link: Option<String>,
    /// Title candidates, best first.
    pub title: Option<String>,
    /// Summary: description, summary, Dublin Core, iTunes or Media RSS description.
    pub summary: Option<String>,
    /// Full content: `content:encoded`, Atom content, `<body>`, `<fullitem>`.
    pub content: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// Category labels.
    pub categories: Vec<String>,
    /// Raw publication dates, best first.
    pub published: Vec<String>,
    /// Raw update dates, best first.
    pub updated: Vec<String>,
    /// Image URLs (Media RSS, image enclosures, iTunes), in document order.
    pub images: Vec<String>,
    /// The entry's `xml:base`.
    pub base: Option<String>,
}

/// What the reader found in a document.
#[derive(Debug, Default)]
pub struct Scanned {
    /// The feed's title.
    pub title: Option<String>,
    /// The feed's home page.
    pub link: Option<String>,
    /// The feed's authors.
    pub authors: Vec<String>,
    /// Entries in document order.
    pub entries: Vec<ScannedEntry>,
}

/// An element being read inside an entry.
struct Open {
    field: Field,
    /// Depth of the element.
    depth: usize,
    /// Text and CDATA, entities decoded.
    text: String,
    /// Where its content starts in the document (for content with markup).
    start: usize,
    /// It has child elements (XHTML content, an Atom person).
    markup: bool,
    base64: bool,
    /// Depth of an Atom person's `<name>` being read, and the name.
    name_depth: Option<usize>,
    name: String,
}

/// An entry being read, with the rank of the element each ranked field came from.
#[derive(Default)]
struct Building {
    depth: usize,
    entry: ScannedEntry,
    /// Ranks of title, summary, content and guid.
    ranks: [Option<u8>; 4],
}

struct Scanner<'a> {
    text: &'a str,
    prefixes: Vec<(String, Option<&'static str>)>,
    depth: usize,
    building: Option<Building>,
    open: Option<Open>,
    /// A feed-level title, link or author being read, with its depth.
    feed_field: Option<(Field, usize, String)>,
    scanned: Scanned,
}

/// Reads every entry it can find; never fails.
pub fn scan(text: &str) -> Scanned {
    let mut reader = quick_xml::Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    let mut scanner = Scanner {
        text,
        prefixes: Vec::new(),
        depth: 0,
        building: None,
        open: None,
        feed_field: None,
        scanned: Scanned::default(),
    };
    let mut errors = 0;
    loop {
        let before = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => {
                // Skip what cannot be read, as long as the reader moves on.
                errors += 1;
                if errors > 1000 || reader.buffer_position() <= before {
                    break;
                }
                continue;
            }
        };
        let after = reader.buffer_position() as usize;
        match event {
            Event::Eof => break,
            Event::Start(start) => scanner.start(&start, false, after),
            Event::Empty(start) => scanner.start(&start, true, after),
            Event::Text(t) => scanner.push(&t.xml10_content()),
            Event::CData(c) => scanner.push(&c.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.into_inner();
                scanner.push(&resolve(&name).unwrap_or_else(|| format!("&{name};")));
            }
            Event::End(_) => scanner.end(before as usize),
            _ => {}
        }
    }
    // An entry cut off by the end of a truncated document counts, as in feedparser
    // (its last field may be cut short).
    let mut scanned = scanner.scanned;
    scanned.entries.extend(scanner.building.map(|b| b.entry));
    scanned
}

impl Scanner<'_> {
    fn start(&mut self, start: &BytesStart<'_>, empty: bool, after: usize) {
        declare(start, &mut self.prefixes);
        let qualified = name(start, &self.prefixes);
        if !empty {
            self.depth += 1;
        }
        let depth = self.depth;
        if let Some(b) = self.building.as_mut() {
            collect_image(start, &qualified, &mut b.entry);
        }
        if let Some(o) = self.open.as_mut() {
            // Markup inside a field: XHTML content, or an Atom person's parts.
            o.markup = true;
            if o.field == Field::Author && local(&qualified) == "name" && !empty {
                o.name_depth = Some(depth);
            }
            return;
        }
        let Some(b) = self.building.as_mut() else {
            if matches!(qualified.as_str(), "item" | "entry") && !empty {
                let entry = ScannedEntry {
                    base: attribute(start, "xml:base"),
                    guid: attribute(start, "rdf:about"),
                    ..Default::default()
                };
                // rdf:about is the guid of last resort.
                let about = entry.guid.as_ref().map(|_| u8::MAX);
                self.building = Some(Building {
                    depth,
                    entry,
                    ranks: [None, None, None, about],
                });
                return;
            }
            // Feed-level title, link and author: children of channel or feed.
            if qualified == "link" && self.scanned.link.is_none() {
                self.scanned.link = atom_href(start);
            }
            if depth <= 3
                && !empty
                && self.feed_field.is_none()
                && let Some(f @ (Field::Title(0) | Field::Link | Field::Author)) = field(&qualified)
            {
                self.feed_field = Some((f, depth, String::new()));
            }
            return;
        };
        let child = if empty { depth + 1 } else { depth };
        if child != b.depth + 1 {
            return;
        }
        let Some(f) = field(&qualified) else {
            return;
        };
        if f == Field::Link
            && let Some(href) = atom_href(start)
        {
            b.entry.link.get_or_insert(href);
            return;
        }
        if f == Field::Category
            && let Some(term) = attribute(start, "term")
        {
            b.entry.categories.push(term);
            return;
        }
        if !empty {
            self.open = Some(Open {
                field: f,
                depth,
                text: String::new(),
                start: after,
                markup: false,
                base64: attribute(start, "mode").as_deref() == Some("base64"),
                name_depth: None,
                name: String::new(),
            });
        }
    }

    fn push(&mut self, chunk: &str) {
        if let Some(o) = self.open.as_mut() {
            if o.name_depth.is_some() {
                o.name.push_str(chunk);
            }
            o.text.push_str(chunk);
        } else if let Some((_, _, text)) = self.feed_field.as_mut() {
            text.push_str(chunk);
        }
    }

    fn end(&mut self, end_at: usize) {
        let depth = self.depth;
        self.depth = depth.saturating_sub(1);
        if let Some(o) = self.open.as_mut() {
            if o.name_depth == Some(depth) {
                o.name_depth = None;
            }
            if o.depth != depth {
                return;
            }
            let o = self.open.take().expect("checked");
            if let Some(b) = self.building.as_mut() {
                let raw = self.text.get(o.start..end_at).unwrap_or_default();
                b.store(o, raw);
            }
            return;
        }
        if self.building.as_ref().is_some_and(|b| b.depth == depth) {
            let b = self.building.take().expect("checked");
            self.scanned.entries.push(b.entry);
            return;
        }
        if let Some((f, _, value)) = self.feed_field.take_if(|(_, d, _)| *d == depth) {
            let value = value.trim().to_owned();
            if value.is_empty() {
                return;
            }
            match f {
                Field::Title(_) => {
                    self.scanned.title.get_or_insert(value);
                }
                Field::Link => {
                    self.scanned.link.get_or_insert(value);
                }
                _ => self.scanned.authors.push(value),
            }
        }
    }
}

impl Building {
    /// Puts a finished element's value into its field, unless a better one is there.
    fn store(&mut self, o: Open, raw: &str) {
        let mut value = if o.field == Field::Author && !o.name.trim().is_empty() {
            o.name
        } else if o.markup && o.field != Field::Author {
            raw.replace("<![CDATA[", "").replace("]]>", "")
        } else {
            o.text
        };
        if o.base64 {
            use base64::Engine as _;
            let compact: String = value.split_whitespace().collect();
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(compact) {
                value = String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let e = &mut self.entry;
        let (slot, rank, target) = match o.field {
            Field::Title(rank) => (0, rank, &mut e.title),
            Field::Summary(rank) => (1, rank, &mut e.summary),
            Field::Content(rank) => (2, rank, &mut e.content),
            Field::Guid(rank) => (3, rank, &mut e.guid),
            Field::Link => {
                e.link.get_or_insert_with(|| value.to_owned());
                return;
            }
            Field::Author => return e.authors.push(value.to_owned()),
            Field::Category => return e.categories.push(value.to_owned()),
            Field::Published => return e.published.push(value.to_owned()),
            Field::Updated => return e.updated.push(value.to_owned()),
        };
        if self.ranks[slot].is_none_or(|r| rank < r) {
            self.ranks[slot] = Some(rank);
            *target = Some(value.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_read_by_namespace_and_persons_by_name() {
        let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="http://purl.org/dc/elements/1.1/">
            <title>F</title>
            <entry><x:title>By namespace</x:title><author><name>Ann</name><email>a@b.example</email></author>
              <link rel="self" href="https://n.example/self"/><link href="https://n.example/1"/>
              <x:date>2026-11-26T10:00:00Z</x:date></entry>
            <entry><title>Second</title></entry>
        </feed>"#;
        let scanned = scan(doc);
        assert_eq!(scanned.title.as_deref(), Some("F"));
        let first = &scanned.entries[0];
        assert_eq!(first.title.as_deref(), Some("By namespace"));
        assert_eq!(first.authors, ["Ann"]);
        assert_eq!(first.link.as_deref(), Some("https://n.example/1"));
        assert_eq!(first.published, ["2026-11-26T10:00:00Z"]);
        assert_eq!(scanned.entries[1].title.as_deref(), Some("Second"));
    }

    #[test]
    fn better_elements_win_whatever_their_order() {
        let doc = "<rss><channel><item><media:title>Worse</media:title><title>Better &#X41;</title>\
                   <itunes:summary>s2</itunes:summary><description>s1</description></item></channel></rss>";
        let entry = &scan(doc).entries[0];
        assert_eq!(entry.title.as_deref(), Some("Better A"));
        assert_eq!(entry.summary.as_deref(), Some("s1"));
    }
}
