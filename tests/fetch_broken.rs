//! Documents that are broken or not feeds at all: repaired where a person would
//! repair them, read as far as feedparser reads them, refused with one clear line
//! otherwise.

use pressroom::ingest::Status;

use crate::fetch_feeds::ingest;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_entities_are_repaired_and_html_entities_decoded() {
    let bare = ingest("bare-ampersand.xml").await;
    assert_eq!(bare.stories.len(), 3, "{:?}", bare.report);
    let tom = bare.titled("Tom & Jerry return to the big screen");
    assert_eq!(
        tom.excerpt,
        "The cat & mouse duo is back in a new feature film."
    );
    let search = bare.titled("Search results page goes viral");
    assert_eq!(
        search.url.as_deref(),
        Some("https://bare.example/search?a=1&b=2")
    );
    let rd = bare.titled("R&D spending hits a record; Q&A inside");
    assert_eq!(
        rd.url.as_deref(),
        Some("https://bare.example/business/r-and-d?src=rss&page=1")
    );
    assert_eq!(
        rd.excerpt,
        "Profits & losses: what the figures mean — explained."
    );

    let entities = ingest("html-entities.xml").await;
    for (title, excerpt) in [
        ("Café culture — a guide", "Le café « Chez Marcel » rouvre…"),
        (
            "Budget 2027 : les députés votent",
            "Un déficit de 3,1 % – l’objectif est tenu.",
        ),
        (
            "Snow day — schools close",
            "Classes resume on Monday — officials say.",
        ),
        ("Numéro 1 — the charts", "Café & thé : 2 €"),
    ] {
        assert_eq!(entities.titled(title).excerpt, excerpt);
    }
    for story in &entities.stories {
        for text in [&story.title, &story.excerpt] {
            for leftover in ["&nbsp;", "&eacute;", "&mdash;", "&#", "&amp;"] {
                assert!(!text.contains(leftover), "{leftover} left in {text:?}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_that_are_not_feeds_fail_cleanly() {
    for (name, expected) in [
        ("not-a-feed.html", "an HTML page, not a feed"),
        ("empty.xml", "empty body"),
        ("whitespace.xml", "empty body"),
        ("json-not-feed.json", "not a JSON Feed"),
    ] {
        let feed = ingest(name).await;
        match feed.status() {
            Status::Failed(error) => assert!(error.contains(expected), "{name}: {error}"),
            other => panic!("{name}: {other:?}"),
        }
        assert!(feed.stories.is_empty(), "{name}");
    }
    // A truncated document keeps its complete entries (as feedparser does) and says why
    // the rest is missing.
    let truncated = ingest("malformed.xml").await;
    let mut titles = truncated.titles();
    titles.sort();
    assert_eq!(titles, ["First complete item", "Second item, cut off"]);
    // The link cut short is not kept.
    assert_eq!(truncated.titled("Second item, cut off").url, None);
    assert_eq!(
        truncated.report.targets[0].warnings,
        [
            "the document is cut off at line 15 (its elements are not closed): ask the publisher to fix the feed; 2 entries were read all the same"
        ]
    );
    // feed-rs panics on this one; the adapter contains it and the lenient reader reads
    // the item.
    let panicky = ingest("feed-rs-panic.xml").await;
    assert_eq!(panicky.stories.len(), 1);
    assert!(
        panicky.report.targets[0].warnings[0].contains("the feed parser crashed"),
        "{:?}",
        panicky.report.targets[0].warnings
    );
    // An empty but valid channel is a success with a warning, not a failure.
    let quiet = ingest("rss-no-items.xml").await;
    assert!(
        matches!(quiet.status(), Status::Fresh { items: 0, .. }),
        "{:?}",
        quiet.status()
    );
    assert_eq!(
        quiet.report.targets[0].warnings,
        ["the feed has no entries"]
    );
    // Entity bomb and external entity: nothing is expanded or read.
    for name in ["entity-bomb.xml", "xxe.xml"] {
        let feed = ingest(name).await;
        for story in &feed.stories {
            assert!(
                !story.title.contains("lollol") && !story.summary_html.contains("lollol"),
                "{name}"
            );
            assert!(
                !story.title.contains("root:") && !story.summary_html.contains("root:"),
                "{name}"
            );
        }
    }
}
