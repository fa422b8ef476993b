//! Feeds of every format and encoding, served over HTTP from tests/fixtures/feeds:
//! parsed and normalised as tests/fixtures/README.md says.

use pressroom::{
    ingest::{IngestReport, Status},
    model::Story,
};

use crate::support::{
    Canned, FeedServer, Project, clock, config_with, fixture, instant, source, source_id,
};

/// What ingesting one fixture gave.
pub struct Ingested {
    /// The project: its folder lives as long as this value.
    pub _project: Project,
    /// The run's report.
    pub report: IngestReport,
    /// The source's stories.
    pub stories: Vec<Story>,
    /// The URL the feed was served at.
    pub url: String,
}

impl Ingested {
    /// The story with this GUID.
    pub fn guid(&self, guid: &str) -> &Story {
        self.stories
            .iter()
            .find(|s| s.guid.as_deref() == Some(guid))
            .unwrap_or_else(|| panic!("no story with guid {guid}: {:#?}", self.titles()))
    }

    /// The story with this title.
    pub fn titled(&self, title: &str) -> &Story {
        self.stories
            .iter()
            .find(|s| s.title == title)
            .unwrap_or_else(|| panic!("no story titled {title:?} among {:#?}", self.titles()))
    }

    /// All titles.
    pub fn titles(&self) -> Vec<&str> {
        self.stories.iter().map(|s| s.title.as_str()).collect()
    }

    /// The source's status in the run.
    pub fn status(&self) -> &Status {
        &self.report.targets[0].status
    }
}

/// Serves fixture `name` at `path` with `content_type` and ingests it as source "feed".
pub async fn ingest_at(name: &str, path: &str, content_type: &str) -> Ingested {
    let server = FeedServer::start().await;
    server.serve(
        path,
        Canned::feed(fixture(name)).header("content-type", content_type),
    );
    let url = server.url(path);
    let project = Project::new(&config_with(&source("feed", &url)));
    let report = project.ingest(&clock()).await;
    let stories = project.store().stories_of(&source_id("feed")).unwrap();
    Ingested {
        _project: project,
        report,
        stories,
        url,
    }
}

/// Ingests fixture `name` served as RSS with no charset.
pub async fn ingest(name: &str) -> Ingested {
    ingest_at(name, &format!("feeds/{name}"), "application/rss+xml").await
}

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    instant(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_feeds_of_every_major_format() {
    // RSS 2.0 (Medscape): 20 items, no guids, "EST" dates with two spaces.
    let rss2 = ingest("real-rss2.xml").await;
    assert_eq!(rss2.stories.len(), 20);
    let first = rss2.titled("Caution Urged for Virtual Care Partnerships in Canada");
    assert_eq!(first.published, at("2025-11-05T18:52:10Z"));
    assert!(first.dated);
    assert_eq!(
        first.url.as_deref(),
        Some(
            "https://www.medscape.com/viewarticle/caution-urged-virtual-care-partnerships-canada-2025a1000uja?src=rss"
        )
    );
    assert!(
        first
            .excerpt
            .starts_with("Provincial governments that partner"),
        "{}",
        first.excerpt
    );
    assert!(
        first
            .excerpt
            .ends_with("experts warn. Medscape News Canada"),
        "{}",
        first.excerpt
    );
    rss2.titled("Turning Speed Predicts Early Risk for Parkinson's Disease");
    rss2.titled("Venezuela’s ‘Doctor of the Poor’ Officially Canonised");
    assert!(
        rss2.stories.iter().all(|s| s.dated),
        "every Medscape date parses"
    );

    // Atom 1.0 (heise): 15 entries; the feed's author applies to each.
    let atom = ingest("real-atom.xml").await;
    assert_eq!(atom.stories.len(), 15);
    let wildfly = atom.guid("http://heise.de/-3088438");
    assert_eq!(
        wildfly.title,
        "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    );
    assert_eq!(wildfly.published, at("2016-02-01T16:22:00Z"));
    assert_eq!(wildfly.updated, Some(at("2016-02-01T16:54:50Z")));
    assert_eq!(
        wildfly.image.as_ref().map(|i| i.url.as_str()),
        Some(
            "http://www.heise.de/scale/geometry/264/q80/imgs/18/1/7/3/9/9/2/1/wildfly-2bf4ffd2935e38b6-90200def80b152e9-5ba35d3770232d92.jpeg"
        )
    );
    assert_eq!(wildfly.authors, ["heise online"]);
    atom.titled("Der Dotnet-Doktor: Auslesen und Sortieren von GPX-Dateien");
    atom.titled("C# 7 – Stand der Dinge und Ausblick");
    assert_eq!(
        atom.stories.iter().filter(|s| s.image.is_some()).count(),
        12
    );

    // JSON Feed 1.0 (jsonfeed.org): one item, the feed-level author.
    let json = ingest_at("real-jsonfeed.json", "feed.json", "application/feed+json").await;
    assert_eq!(json.stories.len(), 1);
    let item = &json.stories[0];
    assert_eq!(item.title, "Announcing JSON Feed");
    assert_eq!(item.published, at("2017-05-17T15:02:12Z"));
    assert_eq!(item.authors, ["Brent Simmons and Manton Reece"]);

    // RSS 1.0 (XML.com) and RSS 0.91 (WriteTheWeb): no dates, so first seen.
    let rss1 = ingest("real-rss1.rdf").await;
    assert_eq!(rss1.titles().len(), 2);
    let xslt = rss1.titled("Processing Inclusions with XSLT");
    assert_eq!(
        xslt.url.as_deref(),
        Some("http://xml.com/pub/2000/08/09/xslt/xslt.html")
    );
    assert!(!xslt.dated);
    assert_eq!(xslt.published, at(crate::support::NOW));
    let rss091 = ingest("real-rss091.xml").await;
    assert_eq!(rss091.stories.len(), 6);
    rss091.titled("Giving the world a pluggable Gnutella");
    rss091.titled("Yournamehere.com more important than anything");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_formats_feed_rs_rejects_or_reads_empty() {
    // <rss> without a version attribute.
    let no_version = ingest("rss-no-version.xml").await;
    assert_eq!(no_version.stories.len(), 3);
    let harbour = no_version.titled("Harbour reopens after three-day storm");
    assert_eq!(harbour.published, at("2026-11-26T07:30:00Z"));
    // Atom 0.3: issued → published, modified → updated.
    let atom03 = ingest("atom03.xml").await;
    assert_eq!(atom03.stories.len(), 3, "{:?}", atom03.report);
    let bridge = atom03.titled("Bridge inspection finds no structural damage");
    assert_eq!(bridge.published, at("2026-11-26T08:30:00Z"));
    assert_eq!(bridge.updated, Some(at("2026-11-26T10:05:00Z")));
    assert_eq!(
        bridge.url.as_deref(),
        Some("https://atom03.example/2026/11/26/bridge-inspection")
    );
    let rail = atom03.titled("Regional rail timetable changes in December");
    assert_eq!(
        rail.excerpt,
        "Two early services are cancelled and a late train is added on Fridays."
    );
    // RSS 0.90.
    let rss090 = ingest("rss090.rdf").await;
    assert_eq!(rss090.stories.len(), 3, "{:?}", rss090.report);
    let observatory = rss090.titled("Observatory opens to the public");
    assert_eq!(
        observatory.url.as_deref(),
        Some("https://rss090.example/news/observatory-opens")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_feed_authors_images_and_tags() {
    let v10 = ingest_at("jsonfeed10.json", "v10.json", "application/json").await;
    let wind = v10.titled("Offshore wind farm reaches full capacity");
    assert_eq!(wind.authors, ["Ada Sørensen"]);
    assert_eq!(
        wind.image.as_ref().unwrap().url,
        "https://jsondaily.example/img/wind-farm.jpg"
    );
    assert_eq!(wind.topics, ["energy", "science"]);
    assert_eq!(wind.updated, Some(at("2026-11-26T10:30:00Z")));
    let budget = v10.titled("Budget committee publishes spending plan");
    assert_eq!(
        budget.authors,
        ["JSON Daily Newsroom"],
        "the feed author stands in"
    );
    assert_eq!(
        budget.excerpt,
        "The plan keeps the deficit under 3 percent."
    );
    let linked = v10.titled("Elsewhere: why rates stay high");
    assert_eq!(
        linked.url.as_deref(),
        Some("https://jsondaily.example/2026/11/25/linked-comment")
    );

    let v11 = ingest_at("jsonfeed11.json", "v11.json", "application/feed+json").await;
    let probe = v11.titled("Space probe sends first images from Jupiter orbit");
    assert_eq!(probe.authors, ["Maria Keller", "Tomás Ibáñez"]);
    assert_eq!(
        probe.image.as_ref().unwrap().url,
        "https://jsondaily.example/img/jupiter-1200.jpg"
    );
    assert!(
        v11.titled("Late goal settles city derby").image.is_none(),
        "audio is not an image"
    );
    let ships = v11.titled("Exhibition of Baltic maritime art opens");
    assert_eq!(
        ships.image.as_ref().unwrap().url,
        "https://jsondaily.example/img/ships.jpg"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_resolve_against_xml_base_or_the_fetch_url() {
    let atom = ingest_at(
        "relative-links.xml",
        "relative.atom",
        "application/atom+xml",
    )
    .await;
    let one = atom.titled("Story one: the relative link");
    assert_eq!(
        one.url.as_deref(),
        Some("https://base.example/news/2026/11/story-1.html")
    );
    assert_eq!(
        one.image.as_ref().unwrap().url,
        "https://base.example/news/img/a.jpg"
    );
    assert!(
        one.summary_html
            .contains("href=\"https://base.example/about.html\""),
        "{}",
        one.summary_html
    );
    let nested = atom.titled("Match report with a nested base");
    assert_eq!(
        nested.url.as_deref(),
        Some("https://base.example/sport/match-report.html")
    );
    assert_eq!(
        nested.image.as_ref().unwrap().url,
        "https://base.example/sport/img/b.png"
    );

    let rss = ingest_at(
        "relative-links-rss.xml",
        "feeds/world.rss",
        "application/rss+xml",
    )
    .await;
    let origin = rss.url.trim_end_matches("/feeds/world.rss").to_owned();
    assert_eq!(
        rss.guid("rel-1").url.as_deref(),
        Some(format!("{origin}/world/story-1").as_str())
    );
    assert_eq!(
        rss.guid("rel-1").image.as_ref().unwrap().url,
        format!("{origin}/img/story-1.jpg")
    );
    assert_eq!(
        rss.guid("rel-2").image.as_ref().unwrap().url,
        format!("{origin}/media/story-2.jpg")
    );
    assert_eq!(
        rss.guid("rel-3").url.as_deref(),
        Some(format!("{origin}/feeds/story-3.html").as_str())
    );
    assert_eq!(
        rss.guid("rel-4").url.as_deref(),
        Some("http://news.example/world/story-4")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_parameters_and_url_oddities() {
    let feed = ingest("tracking.xml").await;
    assert_eq!(feed.stories.len(), 12, "no case fails the feed");
    for (guid, expected) in [
        ("trk-01", Some("https://news.example/politics/summit")),
        ("trk-02", Some("https://news.example/world/talks?id=42")),
        ("trk-03", Some("https://news.example/business/rates")),
        ("trk-04", Some("https://news.example/sport/final?page=2")),
        ("trk-05", Some("https://news.example/science/mars")),
        ("trk-06", Some("https://news.example/culture/film")),
        ("trk-07", Some("https://news.example/world/quake")),
        ("trk-08", Some("https://news.example/Path/To/Story")),
        ("trk-09", Some("https://news.example/economy/jobs")),
        ("trk-10", None),
        (
            "trk-11",
            Some("https://news.example/world/story%20with%20spaces"),
        ),
        ("trk-12", Some("https://news.example/society/housing")),
    ] {
        assert_eq!(feed.guid(guid).url.as_deref(), expected, "{guid}");
    }
    let warnings = &feed.report.targets[0].warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("1 entries with an unusable link")),
        "{warnings:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_in_the_formats_of_the_wild() {
    let feed = ingest("dates.xml").await;
    assert_eq!(feed.stories.len(), 15, "no date fails the feed");
    let expected = [
        ("date-01", "2026-11-26T10:00:00Z", true),
        ("date-02", "2026-11-26T15:00:00Z", true),
        ("date-03", "2026-11-26T07:00:00Z", true),
        ("date-04", "2026-11-26T07:00:00Z", true),
        ("date-05", "2026-11-26T10:00:00Z", true),
        ("date-06", "2026-11-05T10:00:00Z", true),
        ("date-07", "2026-11-26T10:00:00Z", true),
        ("date-08", "2026-11-26T10:00:00Z", true),
        ("date-09", "2026-11-26T07:00:00Z", true),
        ("date-10", "2026-11-26T10:00:00Z", true),
        ("date-11", "2026-11-26T10:00:00Z", true),
        ("date-12", "2026-11-26T10:00:00Z", true),
        ("date-13", crate::support::NOW, false),
        ("date-14", crate::support::NOW, false),
        // In the future: clamped to now (it was dated, though).
        ("date-15", crate::support::NOW, true),
    ];
    for (guid, when, dated) in expected {
        let story = feed.guid(guid);
        assert_eq!(story.published, at(when), "{guid}");
        assert_eq!(story.dated, dated, "{guid}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lead_image_comes_from_the_best_place() {
    let feed = ingest("images.xml").await;
    assert_eq!(feed.stories.len(), 7);
    let by_order: Vec<_> = {
        let mut stories: Vec<_> = feed.stories.iter().collect();
        stories.sort_by_key(|s| s.published);
        stories
            .iter()
            .map(|s| s.image.as_ref().map(|i| (i.url.clone(), i.width)))
            .collect()
    };
    let img = |name: &str| format!("https://img.photo.example/{name}");
    assert_eq!(by_order[0], Some((img("1-media.jpg"), Some(1200))));
    assert_eq!(
        by_order[1].as_ref().map(|i| i.0.clone()),
        Some(img("2-thumb.jpg"))
    );
    assert_eq!(
        by_order[2].as_ref().map(|i| i.0.clone()),
        Some(img("3-1280.jpg"))
    );
    assert_eq!(
        by_order[3].as_ref().map(|i| i.0.clone()),
        Some(img("4-enclosure.jpg"))
    );
    assert_eq!(
        by_order[4].as_ref().map(|i| i.0.clone()),
        Some(img("5-inline.jpg"))
    );
    assert_eq!(
        by_order[5].as_ref().map(|i| i.0.clone()),
        Some(img("6-media.jpg"))
    );
    assert_eq!(by_order[6], None, "an audio enclosure is not an image");
}
