//! The fast reader against feed-rs: wherever it reads a document, the adapter must
//! give exactly what it gives through feed-rs (entries, links, images, dates, errors).

use url::Url;

use crate::ingest::adapter::{prepare, read_feed_by};

#[allow(dead_code)]
#[path = "../../../benches/fetch/feeds.rs"]
mod feeds;

fn bases() -> [Option<Url>; 2] {
    [
        None,
        Some(Url::parse("https://feeds.example/news/rss.xml").unwrap()),
    ]
}

/// Reads `bytes` both ways under every base and compares; returns how many bases the
/// fast reader read.
fn agree(bytes: &[u8], what: &str) -> usize {
    let mut fast = 0;
    for base in bases() {
        let slow = read_feed_by(bytes, None, base.as_ref(), false);
        let quick = read_feed_by(bytes, None, base.as_ref(), true);
        assert_eq!(quick, slow, "{what} with base {base:?}");
        if let Ok(feed) = &quick {
            links_kept_parsed(feed, base.as_ref(), what);
        }
        if let Ok((text, false)) = prepare(bytes, None, base.as_ref()) {
            fast += usize::from(super::read(&text, base.as_ref()).is_some());
        }
    }
    fast
}

/// The parsed links the fast reader keeps are their links: normalising them gives
/// what parsing the link again gives, under the feed's base or another.
fn links_kept_parsed(feed: &crate::ingest::adapter::ParsedFeed, base: Option<&Url>, what: &str) {
    use crate::model::url::{canonical_of, canonical_url};
    let other = Url::parse("http://other.example/a/b").unwrap();
    for entry in &feed.entries {
        let (Some(link), Some(url)) = (&entry.link, &entry.link_url.0) else {
            continue;
        };
        assert_eq!(link, url.as_str(), "{what}");
        assert_eq!(Url::parse(link).as_ref(), Ok(url), "{what}");
        let canonical = canonical_of(url.clone());
        for b in [base, Some(&other), None] {
            assert_eq!(canonical_url(link, b), canonical, "{what}: {link}");
        }
    }
    // The same of the images' parsed URLs, each the parsed form of one of its images.
    for (entry, url) in
        (feed.entries.iter()).flat_map(|e| e.image_urls.0.iter().map(move |u| (e, u)))
    {
        assert!(entry.images.iter().any(|i| i.url == url.as_str()), "{what}");
        assert_eq!(Url::parse(url.as_str()).as_ref(), Ok(url), "{what}");
        let canonical = canonical_of(url.clone());
        for b in [base, Some(&other), None] {
            assert_eq!(canonical_url(url.as_str(), b), canonical, "{what}: {url}");
        }
    }
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    all.sort();
    all
}

fn bench_feeds(n: usize) -> Vec<Vec<u8>> {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
        .unwrap()
        .to_utc();
    feeds::generate(n, 50, now, 15)
}

#[test]
fn every_fixture_reads_the_same() {
    let mut fast = Vec::new();
    for (name, bytes) in fixtures() {
        if agree(&bytes, &name) == 2 {
            fast.push(name.rsplit('/').next().unwrap().to_owned());
        }
    }
    // The plain RSS 2.0 and Atom fixtures; the others (legacy formats, broken XML,
    // iTunes, media groups, xml:base…) are feed-rs's.
    for name in [
        "real-rss2.xml",
        "tracking.xml",
        "dates.xml",
        "real-atom.xml",
    ] {
        assert!(fast.iter().any(|f| f == name), "{name} not fast: {fast:?}");
    }
}

#[test]
fn every_bench_feed_reads_the_same_and_fast() {
    for (i, bytes) in bench_feeds(40).iter().enumerate() {
        assert_eq!(
            agree(bytes, &format!("bench feed {i}")),
            2,
            "bench feed {i}"
        );
    }
}

/// Pieces that change what feed-rs reads or whether it reads at all.
const SNIPPETS: &[&str] = &[
    "<!-- c -->",
    "<![CDATA[x < y]]>",
    "&amp;",
    "&#38;",
    "&#x41;",
    "&nbsp;",
    "&#0;",
    "&bogus",
    "<",
    "&",
    "]]>",
    ">",
    "<?pi x?>",
    "<!DOCTYPE x>",
    "\r\n",
    " xmlns:q=\"http://q.example/\"",
    " xml:base=\"https://base.example/x/\"",
    "<x:foo>y</x:foo>",
    "<title>Second title</title>",
    "<title/>",
    "<title>  </title>",
    "<title>a<b>b</b>c</title>",
    "<link>/relative/path</link>",
    "<link> https://x.example/a b </link>",
    "<link>http://[bad</link>",
    "<link/>",
    "<comments>https://x.example/c</comments>",
    "<comments>https://outlet0.example/</comments>",
    "<wfw:commentRss>https://x.example/feed</wfw:commentRss>",
    "<guid> g-1 </guid>",
    "<guid/>",
    "<pubDate>not a date</pubDate>",
    "<pubDate>Fri, 27 Nov 2026 06:00:00 +0000</pubDate>",
    "<dc:date>2026-11-26T10:00:00Z</dc:date>",
    "<updated>2026-11-26T11:00:00+02:00</updated>",
    "<atom:updated>2026-11-26T11:00:00Z</atom:updated>",
    "<description></description>",
    "<description>&lt;p&gt;escaped&lt;/p&gt;</description>",
    "<content:encoded>  </content:encoded>",
    "<content:encoded><![CDATA[<p>full</p>]]></content:encoded>",
    "<category> spaced </category>",
    "<category/>",
    "<author>Some Name</author>",
    "<author>a@b.example (A B)</author>",
    "<dc:creator>  Ann  </dc:creator>",
    "<enclosure url=\"https://x.example/e.png\" type=\"image/png\" length=\"5\"/>",
    "<enclosure url=\"e.mp3\" type=\"audio/mpeg\"/>",
    "<enclosure url=\"e.jpg\"/>",
    "<enclosure url=\"e.jpg\" type=\"Image/JPEG\"/>",
    "<media:content url=\"https://i.example/a.jpg\" width=\"10\"/>",
    "<media:content url=\"b.png\" type=\"image/png\" width=\"x\"><media:title>T</media:title></media:content>",
    "<media:content url=\"c.gif\" medium=\"image\"><media:description type=\"html\">D</media:description><media:thumbnail url=\"t.jpg\"/></media:content>",
    "<media:content url=\"v.mp4\" type=\"video/mp4\"/>",
    "<media:content url=\"p\"><media:player url=\"x\"/></media:content>",
    "<media:thumbnail url=\"https://x.example/t.png\" width=\"5\" height=\"6\"/>",
    "<media:thumbnail/>",
    "<media:description>alt text</media:description>",
    "<media:description type=\"weird\">x</media:description>",
    "<media:title></media:title>",
    "<media:group><media:content url=\"g.jpg\"/></media:group>",
    "<media:credit>c</media:credit>",
    "<itunes:image href=\"x.jpg\"/>",
    "<atom:link href=\"/home\"/>",
    "<atom:link href=\"https://x.example/h\" rel=\"alternate\"/>",
    "<item><title>Inserted</title></item>",
    "<item></item>",
    "</item>",
    "<item>",
    "</channel>",
    "<entry><title>E</title></entry>",
    "<entry>",
    "</entry>",
    "<id>urn:x</id>",
    "<id/>",
    "<summary type=\"html\">&lt;p&gt;s&lt;/p&gt;</summary>",
    "<summary type=\"xhtml\"><div>x</div></summary>",
    "<summary>a<b>b</b></summary>",
    "<summary/>",
    "<summary type=\"weird\">x</summary>",
    "<content type=\"html\">&lt;p&gt;c&lt;/p&gt;</content>",
    "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div></content>",
    "<content src=\"https://x.example/c\"/>",
    "<content type=\"text/plain\">t</content>",
    "<content type=\"application/xml\">x</content>",
    "<content/>",
    "<content type=\"html\"/>",
    "<author><name>N</name></author>",
    "<author><name>N</name><email>n@x.example</email></author>",
    "<author><email>n@x.example</email></author>",
    "<author/>",
    "<contributor><name>C</name></contributor>",
    "<link href=\"/alt\"/>",
    "<link rel=\"alternate\" type=\"image/png\" href=\"/img.png\"/>",
    "<link rel=\"enclosure\" type=\"image/jpeg\" href=\"/e.jpg\"/>",
    "<link rel=\"self\" href=\"/self\"/>",
    "<link href=\"/a\" rel=\"alternate\" rel=\"x\"/>",
    "<published>2026-11-27T06:00:00Z</published>",
    "<published/>",
    "<updated>x</updated>",
    "<category term=\"t\" label=\"L\"/>",
    "<category term=\" t \" label=\" \"/>",
    "<category label=\"no term\"/>",
    "<title type=\"html\">A &amp;amp; B</title>",
    "<title type=\"xhtml\"><div>x</div></title>",
    "<title type=\"text\"></title>",
];

/// Variants of `text`: cut short, a range deleted, a snippet inserted (mostly
/// between tags), a line repeated.
fn variants(text: &str, rng: &mut fastrand::Rng, n: usize) -> Vec<String> {
    let boundary = |rng: &mut fastrand::Rng, text: &str| {
        let mut at = rng.usize(0..=text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let tag_end = |rng: &mut fastrand::Rng, text: &str| {
        let ends: Vec<usize> = text.match_indices('>').map(|(i, _)| i + 1).collect();
        match ends.is_empty() {
            true => 0,
            false => ends[rng.usize(..ends.len())],
        }
    };
    (0..n)
        .map(|_| match rng.u8(0..10) {
            0 => text[..boundary(rng, text)].to_owned(),
            1 => {
                let a = boundary(rng, text);
                let b = boundary(rng, &text[a..]) + a;
                let b = (a + (b - a) % 200).min(text.len());
                let b = (b..=text.len())
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap();
                format!("{}{}", &text[..a], &text[b..])
            }
            2 => {
                let lines: Vec<&str> = text.lines().collect();
                let i = rng.usize(..lines.len().max(1));
                let mut out: Vec<&str> = lines.clone();
                if let Some(line) = lines.get(i) {
                    out.insert(i, line);
                }
                out.join("\n")
            }
            3 => {
                let at = boundary(rng, text);
                let s = SNIPPETS[rng.usize(..SNIPPETS.len())];
                format!("{}{s}{}", &text[..at], &text[at..])
            }
            _ => {
                let mut out = text.to_owned();
                for _ in 0..rng.usize(1..=3) {
                    let at = tag_end(rng, &out);
                    let s = SNIPPETS[rng.usize(..SNIPPETS.len())];
                    out.insert_str(at, s);
                }
                out
            }
        })
        .collect()
}

#[test]
fn altered_documents_read_the_same() {
    let mut rng = fastrand::Rng::with_seed(15);
    let mut docs: Vec<(String, String)> = fixtures()
        .into_iter()
        .filter_map(|(name, bytes)| Some((name, String::from_utf8(bytes).ok()?)))
        .collect();
    for (i, feed) in bench_feeds(3).into_iter().enumerate() {
        // Fewer items, so that variants cost less.
        let text = String::from_utf8(feed).unwrap();
        let cut = text.match_indices("</item>").nth(4).unwrap().0 + 7;
        docs.push((
            format!("bench {i}"),
            format!("{}</channel></rss>", &text[..cut]),
        ));
    }
    let (mut total, mut fast) = (0, 0);
    for (name, text) in &docs {
        for (j, variant) in variants(text, &mut rng, 60).iter().enumerate() {
            fast += agree(
                variant.as_bytes(),
                &format!("{name} variant {j}: {variant}"),
            );
            total += 2;
        }
    }
    eprintln!("altered: {fast} of {total} read fast");
    // The fast reader must still read a good share of them (not give up on all).
    assert!(fast * 5 > total, "{fast} of {total}");
}

#[test]
fn generated_items_read_the_same() {
    // Items made of random picks of the snippets, in RSS and in Atom.
    let mut rng = fastrand::Rng::with_seed(7);
    let mut fast = 0;
    for i in 0..1500 {
        let mut body = String::new();
        for _ in 0..rng.usize(1..8) {
            body.push_str(SNIPPETS[rng.usize(..SNIPPETS.len())]);
        }
        let doc = if i % 2 == 0 {
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" \
                 xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
                 xmlns:media=\"http://search.yahoo.com/mrss/\" \
                 xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
                 xmlns:atom=\"http://www.w3.org/2005/Atom\" \
                 xmlns:wfw=\"http://wellformedweb.org/CommentAPI/\" \
                 xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" \
                 xmlns:x=\"http://x.example/\"><channel><title>F</title>\
                 <link>https://outlet0.example/</link><item><title>Base</title>\
                 <link>https://x.example/item</link>{body}</item></channel></rss>"
            )
        } else {
            format!(
                "<feed xmlns=\"http://www.w3.org/2005/Atom\" \
                 xmlns:media=\"http://search.yahoo.com/mrss/\" \
                 xmlns:x=\"http://x.example/\"><title>F</title>\
                 <link href=\"https://outlet0.example/\"/><entry><title>Base</title>\
                 <id>e1</id><updated>2026-11-20T00:00:00Z</updated>{body}</entry></feed>"
            )
        };
        fast += agree(doc.as_bytes(), &doc);
    }
    eprintln!("generated: {fast} of 3000 read fast");
    assert!(fast > 600, "{fast} of 3000 read fast");
}

/// `item::attributes` (one pass for several names) against `attribute` for each.
#[test]
fn attributes_read_at_once_are_each_read_alone() {
    use quick_xml::events::BytesStart;
    let pieces = [
        " type=\"image/jpeg\"",
        " url='https://a.example/i.jpg'",
        " width=\"1200\"",
        " height=12",
        " url=\"x&amp;y\"",
        " type",
        " =\"x\"",
        " width=\"1\"",
        " a=\"&bad;\"",
        " b=\"",
        " medium=\"image\"",
        " height='&#49;2'",
    ];
    let names = ["type", "width", "height", "url"];
    let mut rng = fastrand::Rng::with_seed(4);
    let (mut read, mut unsure) = (0, 0);
    for _ in 0..5_000 {
        let attrs: String = (0..rng.usize(0..6))
            .map(|_| pieces[rng.usize(..pieces.len())])
            .collect();
        let content = format!("media:content{attrs}");
        let start = BytesStart::from_content(content.as_str(), "media:content".len());
        let alone = names.map(|n| super::attribute(&start, n).ok());
        match super::item::attributes(&start, names) {
            Ok(values) => {
                read += 1;
                assert_eq!(values.map(Some), alone, "{content}");
            }
            Err(_) => {
                unsure += 1;
                assert!(alone.iter().all(Option::is_none), "{content}");
            }
        }
    }
    assert!(read > 500 && unsure > 500, "{read} read, {unsure} unsure");
}
