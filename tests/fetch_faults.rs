//! Bad input and bad servers: each gets a clear one-line error against its source, the
//! other sources are ingested, the run ends in bounded time and memory, nothing panics.

use std::io::Write;

use pressroom::{
    ingest::{IngestReport, Status},
    store::StateKey,
};

use crate::support::{
    Canned, FeedServer, Project, clock, config_with, drip_server, rss, silent_server, source,
    source_id,
};

/// The status of source `id` in `report`.
fn status_of<'r>(report: &'r IngestReport, id: &str) -> &'r Status {
    &report
        .targets
        .iter()
        .find(|t| matches!(&t.key, StateKey::Source(s) if s.as_str() == id))
        .unwrap_or_else(|| panic!("no source {id}"))
        .status
}

/// The one-line error of source `id`.
fn error_of(report: &IngestReport, id: &str) -> String {
    match status_of(report, id) {
        Status::Failed(error) => {
            assert!(!error.contains('\n'), "{id}: error spans lines: {error:?}");
            error.clone()
        }
        other => panic!("{id}: expected a failure, got {other:?}"),
    }
}

/// `len` zero bytes, gzip-compressed (about 1 KB per MB).
fn gzip_of_zeros(len: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..len / chunk.len() {
        encoder.write_all(&chunk).unwrap();
    }
    encoder.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_fails_alone_and_the_good_feeds_are_ingested() {
    let server = FeedServer::start().await;
    // Two healthy feeds, one before and one after the faults in the configuration.
    server.serve("good-1.xml", Canned::feed(rss("one", 3)));
    server.serve("good-2.xml", Canned::feed(rss("two", 2)));
    // Status codes.
    server.serve("gone-404.xml", Canned::status(404));
    server.serve("gone-410.xml", Canned::status(410));
    server.serve("broken-500.xml", Canned::status(500));
    server.serve(
        "limited-429.xml",
        Canned::status(429).header("retry-after", "3600"),
    );
    // Bodies that are not feeds.
    server.serve("empty.xml", Canned::feed(Vec::new()));
    server.serve("page.html", Canned::feed("<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"));
    server.serve(
        "malformed.xml",
        Canned::feed(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item><title>cut",
        ),
    );
    server.serve(
        "entity-bomb.xml",
        Canned::feed(
            r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"#,
        ),
    );
    // Size: a plain body over the 1 MiB cap, and a gzip bomb (1 KB → 256 MB).
    server.serve(
        "huge.xml",
        Canned::feed(vec![b' '; 2 << 20]).without_validators(),
    );
    server.serve(
        "bomb.xml",
        Canned::feed(gzip_of_zeros(256 << 20))
            .header("content-encoding", "gzip")
            .without_validators(),
    );
    // Servers that misbehave at the transport level.
    let silent = silent_server().await;
    let drip = drip_server().await;
    let sources = [
        source("good-1", &server.url("good-1.xml")),
        source("gone-404", &server.url("gone-404.xml")),
        source("gone-410", &server.url("gone-410.xml")),
        source("broken-500", &server.url("broken-500.xml")),
        source("limited-429", &server.url("limited-429.xml")),
        source("empty", &server.url("empty.xml")),
        source("page", &server.url("page.html")),
        source("malformed", &server.url("malformed.xml")),
        source("entity-bomb", &server.url("entity-bomb.xml")),
        source("huge", &server.url("huge.xml")),
        source("bomb", &server.url("bomb.xml")),
        source("loop", &server.url("redirect-loop/0")),
        source("silent", &silent),
        source("drip", &drip),
        source("refused", "http://127.0.0.1:9/feed.xml"),
        source("good-2", &server.url("good-2.xml")),
    ]
    .concat();
    let project = Project::new(&config_with(&sources));
    let report = project.ingest(&clock()).await;

    // The healthy feeds went through whole.
    assert!(matches!(
        status_of(&report, "good-1"),
        Status::Fresh { items: 3, .. }
    ));
    assert!(matches!(
        status_of(&report, "good-2"),
        Status::Fresh { items: 2, .. }
    ));
    let store = project.store();
    assert_eq!(store.stories_of(&source_id("good-1")).unwrap().len(), 3);
    assert_eq!(store.stories_of(&source_id("good-2")).unwrap().len(), 2);
    // Each fault is one clear line against its own source.
    let expectations = [
        ("gone-404", "HTTP 404 Not Found"),
        ("gone-410", "HTTP 410 Gone"),
        ("broken-500", "HTTP 500 Internal Server Error"),
        (
            "limited-429",
            "HTTP 429 Too Many Requests (retry after 3600 s)",
        ),
        ("empty", "empty body"),
        ("page", "an HTML page, not a feed"),
        (
            "malformed",
            "the document is cut off at line 1 (its elements are not closed): ask the publisher to fix the feed",
        ),
        ("huge", "body larger than 1048576 bytes"),
        ("bomb", "body larger than 1048576 bytes"),
        ("loop", "too many redirects"),
        ("silent", "timed out after 3s"),
        ("drip", "timed out after 3s"),
        ("refused", "cannot connect"),
    ];
    for (id, expected) in expectations {
        let error = error_of(&report, id);
        assert!(
            error.contains(expected),
            "{id}: {error:?} does not say {expected:?}"
        );
    }
    // The entity bomb is inert: either rejected or read without expansion.
    match status_of(&report, "entity-bomb") {
        Status::Failed(_) => {}
        Status::Fresh { .. } => {
            let stories = project
                .store()
                .stories_of(&source_id("entity-bomb"))
                .unwrap();
            assert!(
                stories.iter().all(|s| s.title.len() < 1000),
                "entities were expanded"
            );
        }
        other => panic!("entity-bomb: {other:?}"),
    }
    // 500 was retried once (retries = 1); 404 was not.
    assert_eq!(server.hits("broken-500.xml"), 2);
    assert_eq!(server.hits("gone-404.xml"), 1);
    assert_eq!(
        server.hits("limited-429.xml"),
        1,
        "a Retry-After beyond the limit is not waited for"
    );
    // Health records the failures with their streak.
    let health = project.store().health().unwrap();
    let gone = health.iter().find(|h| h.key == "source/gone-404").unwrap();
    assert_eq!(gone.failure_streak, 1);
    assert_eq!(
        gone.last_error.as_ref().unwrap().1,
        "HTTP 404 Not Found: the feed is gone or has moved; check the URL"
    );
    // The bomb and the huge body do not blow up memory. Measured in a process of its
    // own (`fetch` prints its peak): this test process's peak is shared with every
    // other test running beside it (the delivery tests alone reach 500 MB, and a caught
    // parser panic symbolises a backtrace when RUST_BACKTRACE is set).
    let fetched = project.run(&["fetch", "--force"]);
    let summary = crate::support::stdout(&fetched);
    let peak: f64 = summary
        .split("peak RSS ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no peak in {summary:?}"));
    assert!(peak < 200.0, "peak RSS {peak} MB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_retried_and_retry_after_is_honoured() {
    let server = FeedServer::start().await;
    // 503 then success; 429 asking for one second, then success.
    server.route(
        "flaky.xml",
        vec![Canned::status(503), Canned::feed(rss("flaky", 2))],
    );
    server.route(
        "busy.xml",
        vec![
            Canned::status(429).header("retry-after", "1"),
            Canned::feed(rss("busy", 1)),
        ],
    );
    let project = Project::new(&config_with(
        &[
            source("flaky", &server.url("flaky.xml")),
            source("busy", &server.url("busy.xml")),
        ]
        .concat(),
    ));
    let report = project.ingest(&clock()).await;
    assert!(
        matches!(status_of(&report, "flaky"), Status::Fresh { items: 2, .. }),
        "{report:?}"
    );
    assert!(
        matches!(status_of(&report, "busy"), Status::Fresh { items: 1, .. }),
        "{report:?}"
    );
    assert_eq!(server.hits("flaky.xml"), 2);
    assert_eq!(server.hits("busy.xml"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_fetch_is_conditional_and_costs_no_parse() {
    let server = FeedServer::start().await;
    // One server honours ETag / Last-Modified; the other ignores them.
    server.serve("etag.xml", Canned::feed(rss("etag", 4)));
    server.serve(
        "plain.xml",
        Canned::feed(rss("plain", 4)).without_validators(),
    );
    let project = Project::new(&config_with(
        &[
            source("etag", &server.url("etag.xml")),
            source("plain", &server.url("plain.xml")),
        ]
        .concat(),
    ));
    let first = project.ingest(&clock()).await;
    assert_eq!(first.saved.new, 8);
    let second = project.ingest(&clock()).await;
    // 304 from the first; an identical body from the second: both unchanged, nothing saved.
    assert_eq!(server.not_modified("etag.xml"), 1);
    assert_eq!(*status_of(&second, "etag"), Status::Unchanged);
    assert_eq!(*status_of(&second, "plain"), Status::Unchanged);
    assert_eq!(second.saved, Default::default());
    // A change of the rules that place stories forces a fresh parse of an unchanged body.
    let moved = config_with(
        &[
            source("etag", &server.url("etag.xml")),
            source("plain", &server.url("plain.xml")),
        ]
        .concat()
        .replace("fallback_section = \"world\"", "section = \"sport\""),
    );
    std::fs::write(project.config(), moved).unwrap();
    let third = project.ingest(&clock()).await;
    assert!(
        matches!(status_of(&third, "plain"), Status::Fresh { .. }),
        "{third:?}"
    );
    let stories = project.store().stories_of(&source_id("plain")).unwrap();
    assert!(
        stories
            .iter()
            .all(|s| s.section.as_ref().unwrap().as_str() == "sport")
    );
}

#[test]
fn fetch_exits_2_when_a_source_fails_and_status_shows_the_streak() {
    // Through the binary: one good file feed and one missing one.
    let project = Project::new(&config_with(
        &[
            source("good", "file://good.xml"),
            source("missing", "file://missing.xml"),
        ]
        .concat(),
    ));
    project.write("good.xml", rss("good", 2));
    for _ in 0..2 {
        let output = project.run(&["fetch", "--force"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}",
            crate::support::stderr(&output)
        );
        let line = crate::support::stdout(&output);
        assert!(line.contains("1 failed"), "{line}");
        assert_eq!(
            line.lines().count(),
            1,
            "one summary line off a terminal: {line}"
        );
    }
    let status = project.run(&["status"]);
    assert_eq!(status.status.code(), Some(2));
    let text = crate::support::stdout(&status);
    let missing = text
        .lines()
        .find(|l| l.starts_with("source/missing"))
        .unwrap();
    assert!(missing.contains("FAILING  streak 2"), "{missing}");
    assert!(missing.contains("No such file or directory"), "{missing}");
    let good = text.lines().find(|l| l.starts_with("source/good")).unwrap();
    assert!(good.contains("ok") && good.contains("2 items"), "{good}");
}

#[test]
fn sources_that_are_not_due_are_skipped_unless_forced() {
    // The default interval is 15 minutes and the clock does not move between runs.
    let project = Project::new(&config_with(&source("good", "file://good.xml")));
    project.write("good.xml", rss("good", 1));
    let first = project.run(&["fetch"]);
    assert!(crate::support::stdout(&first).contains("1 read"));
    let second = project.run(&["fetch"]);
    assert!(
        crate::support::stdout(&second).contains("1 not due"),
        "{}",
        crate::support::stdout(&second)
    );
    let forced = project.run(&["fetch", "--force"]);
    assert!(
        crate::support::stdout(&forced).contains("1 unchanged"),
        "{}",
        crate::support::stdout(&forced)
    );
}
