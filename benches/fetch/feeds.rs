//! Synthetic but realistic RSS 2.0 feeds for the fetch benchmark.
//!
//! Each feed looks like a news outlet's: a channel with the usual metadata, then items
//! with a headline, a link carrying `utm_` parameters, a GUID, an RFC 822 date, one to
//! three categories, a `dc:creator`, an HTML description of two to four sentences with
//! a link and some markup (half the outlets escape it, half use CDATA), an `&amp;` in
//! some headlines (which sends them through the HTML text cleaner), and on about a
//! third of the items a `media:content` image. The output is deterministic for a seed.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};

/// Categories the items carry; the bench configuration maps them to sections.
pub const CATEGORIES: &[&str] = &[
    "Politics", "World", "Business", "Markets", "Sport", "Football", "Science", "Space", "Society",
    "Culture", "Defense", "Energy",
];

const SUBJECTS: &[&str] = &[
    "Parliament",
    "The central bank",
    "Ministers",
    "The coalition",
    "Regulators",
    "The national team",
    "Researchers",
    "City officials",
    "Shipbuilders",
    "Unions",
    "The space agency",
    "Investors",
    "Farmers",
    "The supreme court",
    "Negotiators",
];
const VERBS: &[&str] = &[
    "approves",
    "rejects",
    "delays",
    "backs",
    "questions",
    "unveils",
    "extends",
    "cuts",
    "doubles",
    "reviews",
    "defends",
    "announces",
];
const OBJECTS: &[&str] = &[
    "budget plan",
    "rate decision",
    "port expansion",
    "energy subsidy",
    "trade deal",
    "stadium project",
    "satellite launch",
    "pension reform",
    "grain exports",
    "defence contract",
    "museum funding",
    "rail tender",
    "bond issue",
    "climate target",
    "M&A rules",
    "R&D credit",
];
const PLACES: &[&str] = &[
    "Velgrad",
    "Castelmar",
    "Ardenza",
    "Marvonia",
    "Kestria",
    "Northport",
    "Orlena",
    "Dunmore",
    "Severia",
    "Talvik",
];
const AUTHORS: &[&str] = &[
    "Anna Velichko",
    "Tomas Reyne",
    "Ilse Marten",
    "Jonah Pike",
    "Mira Olsen",
    "Pavel Sorin",
    "Newsdesk",
];

/// `n` feeds of `items` items each, published before `now`.
pub fn generate(n: usize, items: usize, now: DateTime<Utc>, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|feed| one_feed(&mut rng, feed, items, now).into_bytes())
        .collect()
}

fn one_feed(rng: &mut fastrand::Rng, feed: usize, items: usize, now: DateTime<Utc>) -> String {
    let host = format!("outlet{feed}.example");
    let mut out = String::with_capacity(items * 1200);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:atom=\"http://www.w3.org/2005/Atom\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:media=\"http://search.yahoo.com/mrss/\">\n<channel>\n\
         <title>Outlet {feed}: latest news</title>\n<link>https://{host}/</link>\n\
         <atom:link href=\"https://{host}/rss.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n\
         <description>Latest news from Outlet {feed}.</description>\n<language>en</language>\n\
         <lastBuildDate>{}</lastBuildDate>\n<ttl>15</ttl>\n\
         <image><url>https://cdn.{host}/logo.png</url><title>Outlet {feed}</title>\
         <link>https://{host}/</link></image>\n",
        now.to_rfc2822()
    );
    let cdata = feed.is_multiple_of(2);
    for i in 0..items {
        let at = now - Duration::minutes((i as i64) * 45 + rng.i64(0..40));
        one_item(rng, &mut out, &host, feed * 1000 + i, at, cdata);
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

fn one_item(
    rng: &mut fastrand::Rng,
    out: &mut String,
    host: &str,
    id: usize,
    at: DateTime<Utc>,
    cdata: bool,
) {
    let place = pick(rng, PLACES);
    let title = format!(
        "{} in {place} {} {} after {} talks",
        pick(rng, SUBJECTS),
        pick(rng, VERBS),
        pick(rng, OBJECTS),
        rng.u8(2..30)
    );
    let section = pick(rng, CATEGORIES).to_lowercase();
    let slug: String = title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .collect::<Vec<_>>()
        .join("-");
    let link = format!(
        "https://{host}/{section}/{}/{slug}-{id}",
        at.format("%Y/%m/%d")
    );
    let _ = write!(
        out,
        "<item>\n<title>{}</title>\n\
         <link>{link}?utm_source=rss&amp;utm_medium=feed</link>\n\
         <guid isPermaLink=\"false\">{host}-{id}</guid>\n<pubDate>{}</pubDate>\n\
         <dc:creator>{}</dc:creator>\n",
        escape(&title),
        at.to_rfc2822(),
        pick(rng, AUTHORS)
    );
    for _ in 0..rng.usize(1..=3) {
        let _ = writeln!(out, "<category>{}</category>", pick(rng, CATEGORIES));
    }
    let html = description(rng, host, place);
    if cdata {
        let _ = writeln!(out, "<description><![CDATA[{html}]]></description>");
    } else {
        let _ = writeln!(out, "<description>{}</description>", escape(&html));
    }
    if rng.u8(0..3) == 0 {
        let _ = writeln!(
            out,
            "<media:content url=\"https://cdn.{host}/img/{id}.jpg\" medium=\"image\" \
             type=\"image/jpeg\" width=\"1200\" height=\"675\">\
             <media:description>Photo from {place}</media:description></media:content>"
        );
    }
    out.push_str("</item>\n");
}

/// Two to four sentences of HTML with a link, emphasis and a non-ASCII character.
fn description(rng: &mut fastrand::Rng, host: &str, place: &str) -> String {
    let mut html = String::from("<p>");
    let sentences = rng.usize(2..=4);
    for s in 0..sentences {
        let subject = pick(rng, SUBJECTS);
        let verb = pick(rng, VERBS);
        let object = escape(pick(rng, OBJECTS));
        match s {
            0 => {
                let _ = write!(
                    html,
                    "<strong>{place}</strong> — {subject} {verb} the {object} on {}day, \
                     officials said. ",
                    pick(rng, &["Mon", "Tues", "Wednes", "Thurs", "Fri"])
                );
            }
            1 => {
                let _ = write!(
                    html,
                    "The decision follows <a href=\"https://{host}/{}/{}\">months of debate</a> \
                     over the {object}, which critics call “premature”. ",
                    pick(rng, CATEGORIES).to_lowercase(),
                    rng.u32(1000..99999)
                );
            }
            _ => {
                let _ = write!(
                    html,
                    "<em>{subject}</em> said the {object} would cost about {} million and \
                     take {} years. ",
                    rng.u32(5..900),
                    rng.u8(2..9)
                );
            }
        }
    }
    html.push_str("</p>");
    html
}

fn pick<'a>(rng: &mut fastrand::Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
