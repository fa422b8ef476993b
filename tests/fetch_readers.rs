//! What feedparser reads, pressroom reads: Dublin Core, Media RSS, iTunes and body
//! elements, legacy namespaces, base64 and untyped Atom text, upper-case character
//! references, one broken entry among good ones, and lenient JSON Feed. Each fixture
//! is served over HTTP and its stories compared with what the feed says
//! (tests/fixtures/README.md, "Read what feedparser reads").

use pressroom::ingest::Status;

use crate::{
    fetch_feeds::{ingest, ingest_at},
    support::instant,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dublin_core_titles_descriptions_and_dates() {
    let feed = ingest("rss-dc-elements.xml").await;
    assert_eq!(
        feed.titles(),
        [
            "Council approves harbour plan",
            "Library reopens",
            "Ferry timetable changes"
        ]
    );
    let harbour = feed.titled("Council approves harbour plan");
    assert_eq!(harbour.excerpt, "The vote was 7 to 2.");
    assert_eq!(harbour.published, instant("2026-11-26T07:30:00Z"));
    let library = feed.titled("Library reopens");
    assert_eq!(library.published, instant("2026-11-24T09:00:00Z"));
    assert_eq!(library.updated, Some(instant("2026-11-25T12:00:00Z")));
    let ferry = feed.titled("Ferry timetable changes");
    assert_eq!(ferry.published, instant("2026-11-23T07:15:00Z"));
    assert!(feed.stories.iter().all(|s| s.dated));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_rss_and_itunes_text() {
    let feed = ingest("rss-media-itunes.xml").await;
    assert_eq!(feed.stories.len(), 3, "{:?}", feed.titles());
    let trains = feed.titled("Night trains return");
    assert_eq!(trains.excerpt, "Sleeper services resume in spring.");
    let episode = feed.titled("Episode 12: the port");
    assert_eq!(episode.excerpt, "We visit the container port at dawn.");
    // No title at all: the summary gives one, as for any untitled entry.
    feed.titled("A summary is all this item has.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_fullitem_and_content_encoded() {
    let feed = ingest("rss-body.xml").await;
    let excerpt = |title: &str| feed.titled(title).excerpt.clone();
    assert_eq!(excerpt("With a body"), "Plain body text.");
    assert_eq!(excerpt("With an xhtml:body"), "Prefixed body text.");
    assert_eq!(excerpt("With a fullitem"), "Escaped full item text.");
    feed.titled("Only content:encoded here.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_namespaces_and_base64() {
    let userland = ingest("rss-userland.xml").await;
    assert_eq!(
        userland.titles(),
        ["Old namespace, new story", "A second story"]
    );
    let first = userland.titled("Old namespace, new story");
    assert_eq!(first.excerpt, "Read despite the namespace.");
    assert_eq!(first.published, instant("2026-11-26T09:00:00Z"));
    assert_eq!(first.url.as_deref(), Some("https://userland.example/1"));

    let b64 = ingest_at("atom03-base64.xml", "b64.atom", "application/atom+xml").await;
    assert_eq!(b64.titles(), ["Example Atom"]);
    assert_eq!(b64.stories[0].excerpt, "Decoded summary");
    assert_eq!(b64.stories[0].published, instant("2026-11-26T09:00:00Z"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_types_references_and_one_bad_entry_keep_the_feed() {
    let typed = ingest_at("atom-content-types.xml", "t.atom", "application/atom+xml").await;
    assert_eq!(
        typed.titles(),
        [
            "An ordinary entry",
            "An empty type",
            "An unknown content type"
        ]
    );
    assert_eq!(
        typed.titled("An unknown content type").excerpt,
        "Read as text, not a failure."
    );
    assert_eq!(
        typed.titled("An empty type").excerpt,
        "Text with an empty type."
    );

    let hex = ingest("upper-hex-ref.xml").await;
    assert_eq!(hex.titles(), ["Apples & Oranges"]);

    let mostly = ingest("one-bad-entry.xml").await;
    let titles = mostly.titles();
    assert!(titles.contains(&"First good item"), "{titles:?}");
    assert!(titles.contains(&"Third good item"), "{titles:?}");
    assert!(matches!(mostly.status(), Status::Fresh { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_without_text_are_a_failure_that_says_why() {
    let feed = ingest("entries-without-text.xml").await;
    match feed.status() {
        Status::Failed(error) => assert_eq!(
            error,
            "the feed has 2 entries but none has a title or text: ask the publisher to fix the feed"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_feed_read_leniently() {
    let feed = ingest_at("jsonfeed-lenient.json", "l.json", "application/feed+json").await;
    assert_eq!(
        feed.titles(),
        ["Numeric id and a tag string", "A field of the wrong shape"]
    );
    let tagged = feed.guid("101");
    assert_eq!(tagged.topics, ["harbour", "council"]);
    assert_eq!(tagged.published, instant("2026-11-26T09:00:00Z"));
    let shaped = feed.guid("102");
    assert_eq!(shaped.excerpt, "The content_html object is skipped.");
    assert_eq!(shaped.authors, ["Ann Writer"]);

    let versionless = ingest_at("jsonfeed-no-version.json", "v.json", "application/json").await;
    assert_eq!(versionless.titles(), ["No version given"]);
}
