//! `pressroom sources import|export`: OPML 2.0 that round-trips.

use crate::support::{Project, config_with, pressroom, stderr, stdout};

/// An OPML file as feed readers export it: nested folders, a category attribute, an
/// escaped ampersand, one feed already configured.
const READER_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Sport">
      <outline type="rss" text="Scores &amp; Fixtures" xmlUrl="https://scores.example/rss?league=1&amp;lang=en"/>
    </outline>
    <outline text="News">
      <outline type="rss" text="Markets Daily" category="/business" xmlUrl="https://markets.example/feed.xml"/>
      <outline type="rss" text="Unsorted Blog" xmlUrl="https://blog.example/atom.xml"/>
      <outline type="rss" text="Already here" xmlUrl="https://wire.example/rss"/>
    </outline>
  </body>
</opml>"#;

#[test]
fn import_appends_sources_placed_by_folder_or_category() {
    let project = Project::new(&config_with(&crate::support::source(
        "wire",
        "https://wire.example/rss",
    )));
    project.write("subscriptions.opml", READER_EXPORT);
    let output = project.run(&[
        "sources",
        "import",
        project.path("subscriptions.opml").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("imported 3 sources"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("1 already configured"));
    let plan = project.plan();
    assert_eq!(plan.sources.len(), 4);
    let scores = plan
        .sources
        .iter()
        .find(|s| s.name == "Scores & Fixtures")
        .unwrap();
    assert_eq!(scores.id.as_str(), "scores-fixtures");
    assert_eq!(
        scores.location.to_string(),
        "https://scores.example/rss?league=1&lang=en"
    );
    assert_eq!(scores.placement.fixed.as_ref().unwrap().as_str(), "sport");
    let markets = plan
        .sources
        .iter()
        .find(|s| s.name == "Markets Daily")
        .unwrap();
    assert_eq!(
        markets.placement.fixed.as_ref().unwrap().as_str(),
        "business"
    );
    let blog = plan
        .sources
        .iter()
        .find(|s| s.name == "Unsorted Blog")
        .unwrap();
    assert_eq!(
        blog.placement.fixed, None,
        "the folder 'News' matches no section"
    );
    // Importing again adds nothing.
    let again = project.run(&[
        "sources",
        "import",
        project.path("subscriptions.opml").to_str().unwrap(),
    ]);
    let again = stdout(&again);
    assert!(
        again.contains("imported 0 sources") && again.contains("(4 already configured)"),
        "{again}"
    );
}

#[test]
fn export_then_import_gives_back_the_same_sources() {
    let sources = [
        crate::support::source("wire-sport", "https://wire.example/sport.rss").replace(
            "fallback_section = \"world\"",
            "section = \"sport\"\nname = \"Wire: Sport & Games\"\nweight = 1.5",
        ),
        crate::support::source("local", "file://feeds/local.xml"),
    ]
    .concat();
    let original = Project::new(&config_with(&sources));
    let exported = original.run(&["sources", "export"]);
    assert_eq!(exported.status.code(), Some(0), "{}", stderr(&exported));
    let opml = stdout(&exported);
    assert!(opml.contains("<opml version=\"2.0\""), "{opml}");
    // A configuration with no sources imports the export.
    let copy = Project::new(&config_with(""));
    copy.write("export.opml", &opml);
    let output = pressroom(&[
        "--config",
        copy.config().to_str().unwrap(),
        "sources",
        "import",
        copy.path("export.opml").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (a, b) = (original.plan(), copy.plan());
    assert_eq!(a.sources.len(), b.sources.len());
    for (x, y) in a.sources.iter().zip(&b.sources) {
        assert_eq!(
            (&x.id, &x.name, &x.location, x.weight),
            (&y.id, &y.name, &y.location, y.weight)
        );
        assert_eq!(x.placement.fixed, y.placement.fixed);
    }
}

#[test]
fn a_broken_opml_file_changes_nothing() {
    let project = Project::new(&config_with(""));
    let before = std::fs::read_to_string(project.config()).unwrap();
    project.write("bad.opml", "<html><body>not opml</body></html>");
    let output = project.run(&[
        "sources",
        "import",
        project.path("bad.opml").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not an OPML document"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(project.config()).unwrap(), before);
}
