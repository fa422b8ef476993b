//! Most-read signals of each kind, read over HTTP into timestamped snapshots whose URLs
//! join the stories'; each kind's options checked as its own.

use pressroom::model::{Measure, SignalSnapshot};

use crate::{
    config_check::place,
    support::{
        Canned, FeedServer, Project, clock, config_with, fixture, rss, source, stderr, stdout,
    },
};

/// Serves `name` from tests/fixtures/feeds/signals at `path` and reads it as a signal
/// declared by `table` (a `[[signals]]` body without `url`). Returns the snapshot and
/// the server's origin ("http://127.0.0.1:PORT"), which relative links resolve to.
async fn read(name: &str, path: &str, table: &str) -> (SignalSnapshot, String) {
    let server = FeedServer::start().await;
    server.serve(path, Canned::feed(fixture(&format!("signals/{name}"))));
    let config = config_with(&format!(
        "\n[[signals]]\nid = \"mr\"\nurl = \"{}\"\n{table}\n",
        server.url(path)
    ));
    let project = Project::new(&config);
    let report = project.ingest(&clock()).await;
    assert!(report.failures().next().is_none(), "{report:?}");
    let now = clock().now();
    let mut snapshots = project.store().snapshots_between(now, now).unwrap();
    assert_eq!(snapshots.len(), 1);
    let origin = server.url("").trim_end_matches('/').to_owned();
    (snapshots.remove(0), origin)
}

fn urls(snapshot: &SignalSnapshot) -> Vec<&str> {
    snapshot.entries.iter().map(|e| e.url.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_most_read_feed_is_ranked_by_its_order() {
    let (snapshot, origin) = read("most-read.xml", "feeds/most-read.rss", "kind = \"feed\"").await;
    assert_eq!(snapshot.measure, Measure::Rank);
    assert_eq!(snapshot.taken_at, clock().now());
    let ranks: Vec<u32> = snapshot.entries.iter().map(|e| e.rank).collect();
    assert_eq!(ranks, (1..=8).collect::<Vec<_>>());
    let urls = urls(&snapshot);
    assert_eq!(urls[0], "https://news.example/politics/summit-agreement");
    assert_eq!(
        urls[2], "https://news.example/business/rates-hold",
        "utm_* removed"
    );
    assert_eq!(
        urls[3],
        format!("{origin}/sport/cup-final"),
        "the relative link resolved against the feed's own URL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_most_read_box_of_a_page_is_picked_by_its_selector() {
    let (snapshot, origin) = read(
        "most-read.html",
        "index.html",
        "kind = \"html\"\nselector = \"ol.most-read a\"",
    )
    .await;
    // Only the box, not the other lists; relative links resolve against the page's
    // URL, tracking parameters and fragments go.
    assert_eq!(
        urls(&snapshot),
        [
            "https://news.example/politics/summit-agreement".to_owned(),
            format!("{origin}/world/quake-relief"),
            "https://news.example/business/rates-hold".to_owned(),
            format!("{origin}/sport/cup-final"),
            "https://news.example/science/mars-sample".to_owned(),
            format!("{origin}/culture/museum-reopens"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_exports_rank_by_views_and_skip_bad_rows() {
    let (json, _) = read(
        "analytics.json",
        "analytics.json",
        "kind = \"json\"\npointer = \"/data/rows\"\nurl_field = \"page_url\"\nviews_field = \"pageviews\"",
    )
    .await;
    assert_eq!(json.measure, Measure::Views);
    assert_eq!(
        json.entries.len(),
        8,
        "a row without views and one with a bad URL are skipped"
    );
    assert_eq!(
        json.entries[0].url,
        "https://news.example/politics/summit-agreement"
    );
    assert_eq!(json.entries[0].views, Some(48210));
    assert_eq!(
        json.entries[2].url,
        "https://news.example/business/rates-hold"
    );
    assert_eq!(json.entries[7].views, Some(0), "zero views is a valid row");

    let (csv, _) = read("analytics.csv", "analytics.csv", "kind = \"csv\"").await;
    assert_eq!(
        csv.entries.len(),
        9,
        "the malformed row is skipped, the rest read"
    );
    assert!(
        csv.entries
            .iter()
            .any(|e| e.url == "https://news.example/culture/museum-reopens")
    );
    let jobs = csv
        .entries
        .iter()
        .find(|e| e.url == "https://news.example/economy/jobs-report")
        .unwrap();
    assert_eq!(jobs.views, Some(12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signal_urls_join_story_urls() {
    // A story linked with tracking parameters and a most-read entry without them meet.
    let server = FeedServer::start().await;
    let feed = rss("join", 2).replace(
        "https://news.example/join/1",
        "https://news.example/join/1?utm_source=rss#top",
    );
    server.serve("feed.xml", Canned::feed(feed));
    server.serve(
        "most-read.xml",
        Canned::feed(rss("join", 1).replace(
            "https://news.example/join/1",
            "https://NEWS.example/join/1?utm_medium=x",
        )),
    );
    let config = config_with(&format!(
        "{}\n[[signals]]\nid = \"mr\"\nkind = \"feed\"\nurl = \"{}\"\n",
        source("feed", &server.url("feed.xml")),
        server.url("most-read.xml")
    ));
    let project = Project::new(&config);
    project.ingest(&clock()).await;
    let store = project.store();
    let now = clock().now();
    let entry = store.snapshots_between(now, now).unwrap()[0].entries[0]
        .url
        .clone();
    let story = store
        .stories_since(now - chrono::Duration::days(2))
        .unwrap();
    assert!(
        story
            .iter()
            .any(|s| s.url.as_deref() == Some(entry.as_str())),
        "{entry} joins no story"
    );
}

#[test]
fn an_option_of_another_signal_kind_is_a_problem_at_its_line() {
    // Each signal carries a key its kind does not take (or lacks one it needs): every
    // one is reported at once, at the key, naming the kind it belongs to.
    let signals = r#"
[[signals]]
id = "wire"
kind = "feed"
url = "https://wire.example/most-read.xml"
pointer = "/data/rows"

[[signals]]
id = "stats"
kind = "json"
url = "https://stats.example/top.json"
selector = "ol a"

[[signals]]
id = "paper"
kind = "html"
url = "https://paper.example/"
selector = "ol.most-read a"
views_field = "views"

[[signals]]
id = "export"
kind = "csv"
url = "https://stats.example/top.csv"
colour = "red"

[[signals]]
id = "box"
kind = "html"
url = "https://box.example/"

[[signals]]
id = "rows"
kind = "json"
url = "https://stats.example/rows.json"
pointer = "data/rows"
"#;
    let config = config_with(signals);
    let project = Project::new(&config);
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78), "{}", stdout(&output));
    let err = stderr(&output);
    let file = project.config().display().to_string();
    let at = |needle: &str| {
        let (line, column) = place(&config, needle);
        format!("{file}:{line}:{column}: ")
    };
    for expected in [
        format!(
            "{}signals[0].pointer: `pointer` is an option of kind \"json\", not of \"feed\"",
            at("pointer = \"/data/rows\"")
        ),
        format!(
            "{}signals[1].selector: `selector` is an option of kind \"html\", not of \"json\"",
            at("selector = \"ol a\"")
        ),
        format!(
            "{}signals[2].views_field: `views_field` is an option of kind \"json\" or \"csv\", not of \"html\"",
            at("views_field = \"views\"")
        ),
        format!(
            "{}signals[3].colour: unknown field `colour`, expected one of `id`, `kind`, `url`, `interval`, `window`, `url_field`, `views_field`",
            at("colour = \"red\"")
        ),
        format!(
            "{}signals[4].selector: kind \"html\" needs a `selector`",
            at("\"html\"\nurl = \"https://box.example/\"")
        ),
        format!(
            "{}signals[5].pointer: a JSON pointer is empty or starts with '/'",
            at("\"data/rows\"")
        ),
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(&expected)),
            "missing {expected:?} in:\n{err}"
        );
    }
    assert!(err.contains("error: 6 configuration problems"), "{err}");

    // Without the stray keys, and with what was missing, the same signals check clean.
    let fixed = config
        .replace("pointer = \"/data/rows\"\n", "")
        .replace("selector = \"ol a\"\n", "")
        .replace("views_field = \"views\"\n", "")
        .replace("colour = \"red\"\n", "")
        .replace(
            "url = \"https://box.example/\"\n",
            "url = \"https://box.example/\"\nselector = \"#box a\"\n",
        )
        .replace("\"data/rows\"", "\"/data/rows\"");
    let project = Project::new(&fixed);
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("6 signals"), "{}", stdout(&output));
}
