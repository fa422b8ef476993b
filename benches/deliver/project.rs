//! The project the delivery benchmark publishes: a configuration with seven sections
//! and one morning edition, generated news feeds (the fetch bench's generator, read
//! from `file://`), and a subscribers file whose readers fall into exactly 50
//! audiences (ten choices of sections × four time zones in HTML, and the same ten
//! choices in text in one zone), each of the same size.

use std::{fmt::Write as _, path::Path};

use chrono::{DateTime, Utc};

use crate::feeds;

/// Sections: id and the generated categories that place a story in it.
const SECTIONS: &[(&str, &str)] = &[
    ("politics", "\"Politics\""),
    ("world", "\"World\""),
    ("business", "\"Business\", \"Markets\", \"Energy\""),
    ("defense", "\"Defense\""),
    ("science", "\"Science\", \"Space\""),
    ("society", "\"Society\", \"Culture\""),
    ("sport", "\"Sport\", \"Football\""),
];

/// The ten choices of sections readers make (`None`: all of them).
const CHOICES: &[Option<&[&str]>] = &[
    None,
    Some(&["politics", "world"]),
    Some(&["business"]),
    Some(&["politics", "world", "business"]),
    Some(&["science", "society"]),
    Some(&["sport"]),
    Some(&["business", "science", "defense"]),
    Some(&["world", "defense"]),
    Some(&["society", "sport"]),
    Some(&["politics", "world", "business", "defense", "science"]),
];

/// HTML readers live in these zones; text-only readers in the first.
const ZONES: &[&str] = &[
    "Europe/Moscow",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Shanghai",
];

/// Audiences the subscribers fall into.
pub const AUDIENCES: usize = 50;

/// Generated feeds.
const FEEDS: usize = 20;
const ITEMS: usize = 40;
/// Stories each section shows, which sets the size of the issue: with 2, the messages
/// average about 31 KB (4.6 KB for one section in text, 81 KB for every section in
/// HTML), the "about 30 KB".
pub const STORIES_PER_SECTION: usize = 2;

/// Where messages go.
pub enum Transport {
    /// `smtp-sink` on 127.0.0.1 at this port.
    Smtp(u16),
    /// `.eml` files in `eml/` (to measure the messages).
    Files,
}

/// Writes a complete project into `dir`: feeds, `pressroom.toml` and a subscribers
/// file of `subscribers` readers; each section shows `stories` stories.
pub fn write(
    dir: &Path,
    subscribers: usize,
    stories: usize,
    transport: Transport,
    now: DateTime<Utc>,
) {
    let feeds_dir = dir.join("feeds");
    std::fs::create_dir_all(&feeds_dir).expect("feeds folder");
    for (n, feed) in feeds::generate(FEEDS, ITEMS, now, 2026)
        .into_iter()
        .enumerate()
    {
        std::fs::write(feeds_dir.join(format!("{n}.xml")), feed).expect("write feed");
    }
    std::fs::write(
        dir.join("pressroom.toml"),
        configuration(stories, &transport),
    )
    .expect("config");
    std::fs::write(dir.join("subscribers.toml"), subscribers_file(subscribers))
        .expect("subscribers");
}

fn configuration(stories: usize, transport: &Transport) -> String {
    let mut toml = String::from(
        "[site]\ntitle = \"Bench Morning Review\"\nbase_url = \"https://news.example/\"\n\
         time_zone = \"Europe/Moscow\"\nlanguage = \"en\"\nstate = \"state/pressroom.db\"\n\
         output = \"out\"\n\n[fetch]\nconcurrency = 4\nper_host = 4\nretries = 0\n\n",
    );
    for (id, categories) in SECTIONS {
        let _ = write!(
            toml,
            "[[sections]]\nid = \"{id}\"\ntitle = \"{}\"\nstories = {stories}\n\
             categories = [{categories}]\n\n",
            id.to_uppercase()
        );
    }
    for n in 0..FEEDS {
        let _ = write!(
            toml,
            "[[sources]]\nid = \"outlet-{n}\"\nname = \"Outlet {n}\"\n\
             url = \"file://feeds/{n}.xml\"\nfallback_section = \"world\"\n\n"
        );
    }
    toml.push_str(
        "[[editions]]\nid = \"morning\"\ntitle = \"Bench Morning Review\"\nwindow = \"24h\"\n\
         lead = 3\nmost_read = 5\n\n[email]\n\
         from = \"Bench Morning Review <review@news.example>\"\n\
         subscribers = \"subscribers.toml\"\n",
    );
    match transport {
        // Everything else at its default: concurrency 4 (smtp-source runs 4 sessions).
        Transport::Smtp(port) => {
            let _ = write!(
                toml,
                "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"
            );
        }
        Transport::Files => toml.push_str("transport = \"file\"\nfolder = \"eml\"\n"),
    }
    toml
}

/// Reader `i` is in audience `i % 50`: 2,000 readers each for 100,000.
fn subscribers_file(n: usize) -> String {
    let mut text = String::with_capacity(n * 150);
    for i in 0..n {
        let audience = i % AUDIENCES;
        let (choice, format, zone) = if audience < 40 {
            (audience % 10, "html", ZONES[audience / 10])
        } else {
            (audience - 40, "text", ZONES[0])
        };
        let _ = write!(
            text,
            "[[subscribers]]\nemail = \"reader{i:06}@readers.example\"\nname = \"Reader {i}\"\n\
             format = \"{format}\"\ntime_zone = \"{zone}\"\n"
        );
        if let Some(sections) = CHOICES[choice] {
            let list: Vec<String> = sections.iter().map(|s| format!("\"{s}\"")).collect();
            let _ = writeln!(text, "sections = [{}]", list.join(", "));
        }
        text.push('\n');
    }
    text
}
