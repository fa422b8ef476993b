//! Story identity across fetches and within odd documents, and what survives
//! sanitising: XSS payloads in every field a feed controls.

use pressroom::ingest::Status;

use crate::{
    fetch_feeds::ingest,
    support::{
        Canned, FeedServer, Project, clock, config_with, fixture, instant, source, source_id,
    },
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_updated_entry_updates_its_story_and_never_becomes_a_second_one() {
    // The same source fetched twice: v1 the evening before, v2 the next morning.
    let server = FeedServer::start().await;
    server.route(
        "updates.xml",
        vec![
            Canned::feed(fixture("updated-v1.xml")),
            Canned::feed(fixture("updated-v2.xml")),
        ],
    );
    let project = Project::new(&config_with(&source("upd", &server.url("updates.xml"))));
    let evening = pressroom::time::Clock::fixed(instant("2026-11-26T18:00:00Z"));
    project.ingest(&evening).await;
    let before = project.store().stories_of(&source_id("upd")).unwrap();
    assert_eq!(before.len(), 4);
    let second = project.ingest(&clock()).await;
    let after = project.store().stories_of(&source_id("upd")).unwrap();
    assert_eq!(
        after.len(),
        5,
        "{:#?}",
        after.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
    assert_eq!(second.saved.new, 1, "only upd-5 is new");

    let find = |stories: &[pressroom::model::Story], path: &str| {
        stories
            .iter()
            .find(|s| s.url.as_deref() == Some(&format!("https://update.example{path}")[..]))
            .unwrap_or_else(|| panic!("no story at {path}"))
            .clone()
    };
    // Edited in place: same id, new title, original dates kept.
    let (old, new) = (
        find(&before, "/transport/tram-line"),
        find(&after, "/transport/tram-line"),
    );
    assert_eq!(old.id, new.id);
    assert_eq!(
        new.title,
        "Council approves new tram line after late-night vote"
    );
    assert!(
        new.excerpt.contains("construction starts in March"),
        "{}",
        new.excerpt
    );
    assert_eq!(new.published, instant("2026-11-26T09:00:00Z"));
    assert_eq!(new.first_seen, instant("2026-11-26T18:00:00Z"));
    // Gone from the feed: still stored, unchanged.
    assert_eq!(
        find(&before, "/weather/heatwave-ends"),
        find(&after, "/weather/heatwave-ends")
    );
    // Unchanged entry: identical.
    assert_eq!(
        find(&before, "/culture/museum-reopens"),
        find(&after, "/culture/museum-reopens")
    );
    // Unstable GUID, same link: the same story, now under the new GUID.
    let (cup_before, cup_after) = (
        find(&before, "/sport/cup-win"),
        find(&after, "/sport/cup-win"),
    );
    assert_eq!(cup_before.id, cup_after.id);
    assert_eq!(cup_after.guid.as_deref(), Some("tmp-4-bbbb"));
    // New entry: first seen now.
    let airport = find(&after, "/business/airport-expansion");
    assert_eq!(airport.first_seen, instant(crate::support::NOW));
    assert_eq!(airport.published, instant("2026-11-27T05:00:00Z"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_without_guid_or_link_get_deterministic_distinct_ids() {
    // Two parses of the same bytes into two fresh stores give the same three ids.
    let first = ingest("no-guid-no-link.xml").await;
    let second = ingest("no-guid-no-link.xml").await;
    let ids = |feed: &crate::fetch_feeds::Ingested| {
        let mut ids: Vec<_> = feed.stories.iter().map(|s| s.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(first.stories.len(), 3);
    assert_eq!(ids(&first), ids(&second));
    let mut distinct = ids(&first);
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "same title, other date: other story");
    assert!(
        first.stories.iter().all(|s| s.url.is_none()),
        "no made-up URL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reused_guids_and_home_page_links_lose_no_story() {
    let feed = ingest("duplicate-guids.xml").await;
    assert_eq!(feed.stories.len(), 5, "{:#?}", feed.titles());
    for title in [
        "Parliament passes the 2027 budget",
        "Storm warning issued for the coast",
        "Live: election night in the regions",
        "Live: market day on the stock exchange",
        "Zoo welcomes twin red pandas",
    ] {
        feed.titled(title);
    }
    // A link to the home page is not an article URL.
    assert_eq!(feed.titled("Live: election night in the regions").url, None);
    // Fetching again changes nothing (the ids are stable).
    assert!(matches!(feed.status(), Status::Fresh { items: 5, .. }));
}

/// Whether `html` carries anything an attacker could run.
pub(crate) fn dangerous(html: &str) -> Option<String> {
    let lower = html.to_lowercase().replace(['\t', '\n', '\r'], "");
    for tag in [
        "<script", "<style", "<iframe", "<object", "<embed", "<svg", "<form", "<meta", "<base",
    ] {
        if lower.contains(tag) {
            return Some(tag.to_owned());
        }
    }
    let fragment = scraper::Html::parse_fragment(html);
    for element in fragment
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        for (name, value) in element.value().attrs() {
            let value = value
                .trim()
                .to_lowercase()
                .replace(['\t', '\n', '\r', ' '], "");
            if name.starts_with("on") {
                return Some(format!("attribute {name}"));
            }
            if name == "style" && value.contains("url(") {
                return Some("style url(".to_owned());
            }
            if matches!(name, "href" | "src")
                && ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| value.starts_with(s))
            {
                return Some(format!("{name}={value}"));
            }
        }
    }
    lower.contains("alert(").then(|| "alert(".to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xss_payloads_never_survive_ingest() {
    let feed = ingest("xss.xml").await;
    assert_eq!(feed.stories.len(), 7);
    for story in &feed.stories {
        assert_eq!(
            dangerous(&story.summary_html),
            None,
            "{}: {}",
            story.title,
            story.summary_html
        );
        for text in [&story.title, &story.excerpt] {
            assert!(!text.to_lowercase().contains("alert("), "{text}");
        }
        for author in &story.authors {
            assert!(
                !author.contains('<') && !author.contains("alert("),
                "{author}"
            );
        }
        if let Some(url) = &story.url {
            assert!(url.starts_with("https://xss.example/news/"), "{url}");
        }
        if let Some(image) = &story.image {
            assert!(image.url.starts_with("https://"), "{}", image.url);
        }
    }
    feed.titled("Council votes on night buses");
    feed.titled("\">Market update");
    assert_eq!(feed.titled("Author payload (RSS author)").authors, ["Eve"]);
    assert_eq!(
        feed.titled("Author payload (dc:creator)").authors,
        ["Mallory"]
    );
    // javascript: and data: links: the story is kept, without a URL.
    assert_eq!(feed.titled("Link payload").url, None);
    assert_eq!(feed.titled("Data URL link payload").url, None);
    let gallery = feed.titled("Payload gallery");
    assert!(
        gallery.image.is_none(),
        "a javascript: enclosure is no image"
    );
    for text in ["Intro paragraph.", "Click me", "safe link"] {
        assert!(
            gallery.summary_html.contains(text) || gallery.excerpt.contains(text),
            "{text} lost"
        );
    }
    assert!(
        gallery
            .summary_html
            .contains("href=\"https://xss.example/safe\""),
        "{}",
        gallery.summary_html
    );
}
