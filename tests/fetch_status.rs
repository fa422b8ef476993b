//! `fetch` and `status` as a person sees them: `fetch.max_items` keeps the newest
//! entries and says how many went, `status --json` lists each source, and text from a
//! feed (newlines, terminal escapes) never forges a log line or reaches the terminal.

use crate::support::{Canned, FeedServer, Project, config_with, rss, source, stderr, stdout};

/// A log line a hostile feed would like to write.
const FORGED: &str = "2026-11-27T06:00:00Z  INFO source/bank: fetched OK";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_lists_sources_and_feed_text_stays_on_its_line() {
    let server = FeedServer::start().await;
    server.serve("many.xml", Canned::feed(rss("many", 12)));
    // A root element whose name carries a terminal escape.
    server.serve(
        "escape.xml",
        Canned::feed("<?xml version=\"1.0\"?><\u{1b}[31mred>x</\u{1b}[31mred>"),
    );
    let config = config_with(&format!(
        "{}{}\n[[sources]]\nid = \"hostile\"\nurl = \"file://hostile.html\"\nfallback_section = \"world\"\n",
        source("many", &server.url("many.xml")),
        source("escape", &server.url("escape.xml")),
    ))
    .replace("[fetch]\n", "[fetch]\nmax_items = 5\n");
    let project = Project::new(&config);
    // An HTML page read from a file links to a "feed" whose address has a newline.
    project.write(
        "hostile.html",
        format!(
            "<!doctype html><html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"x\n{FORGED}\u{1b}[2K\"></head></html>"
        ),
    );
    let fetched = project.run(&["fetch"]);
    assert_eq!(fetched.status.code(), Some(2), "{}", stderr(&fetched));
    let log = stderr(&fetched);
    assert!(!log.contains('\u{1b}'), "{log}");
    assert!(
        log.lines().all(|l| !l.starts_with(FORGED)),
        "a forged line: {log}"
    );
    assert!(log.contains(&format!("x\\n{FORGED}\\u{{1b}}[2K")), "{log}");

    let status = project.run(&["status"]);
    let text = stdout(&status);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("source/hostile"))
            .count(),
        1
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with(FORGED)).count(),
        0,
        "{text}"
    );
    assert!(
        text.contains("ok       5 items (7 more left out: fetch.max_items)"),
        "{text}"
    );

    let json = project.run(&["status", "--json"]);
    assert_eq!(json.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON");
    let sources = doc["sources"].as_array().unwrap();
    let ids: Vec<&str> = sources.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["many", "escape", "hostile"]);
    let many = &sources[0];
    assert_eq!(many["ok"], true);
    assert_eq!(many["stories"], 5);
    assert_eq!(many["left_out"], 7);
    assert!(many["last_error"].is_null());
    assert_eq!(
        many["warnings"][0],
        "7 of 12 entries left out: the document has more than fetch.max_items (5); the newest were kept"
    );
    let escape = &sources[1];
    assert_eq!(escape["ok"], false);
    assert_eq!(escape["stories"], 0);
    assert_eq!(
        escape["last_error"],
        "not RSS, Atom or JSON Feed (the document is a <\\u{1b}[31mred>): check the source's URL"
    );
    let hostile = sources[2]["last_error"].as_str().unwrap();
    assert!(hostile.starts_with("an HTML page, not a feed"), "{hostile}");
    assert!(!hostile.contains(['\n', '\u{1b}']), "{hostile}");

    // The newest five were kept.
    let kept: Vec<String> = project
        .store()
        .stories_of(&crate::support::source_id("many"))
        .unwrap()
        .into_iter()
        .filter_map(|s| s.guid)
        .collect();
    assert_eq!(kept, ["many-9", "many-8", "many-7", "many-6", "many-5"]);
}
