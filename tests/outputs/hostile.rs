//! Hostile feed text in every file outlet. The demo gets one more source, the XSS
//! fixture (`tests/fixtures/feeds/xss.xml`: script tags, event handlers and
//! `javascript:` links in every field) under an outlet name with markup in it, and
//! weighs it heavily so that its stories lead the issue. Whatever survived ingest as
//! text (a title such as `">Market update`) must reach every output as text: escaped
//! in HTML, escaped by the XML writer, a plain JSON string.

use pressroom::deliver::archive;

use super::{deliver_each, demo_with_issues, feed_files, parse, read};
use crate::{
    fetch_identity::dangerous,
    support::{NOW, Project, fixture},
};

const OUTLET: &str = "Hostile <b>Wire</b>";
const MARKET: &str = "\">Market update";

/// The demo with the XSS fixture as a heavily weighted politics source.
fn hostile_demo() -> Project {
    let project = Project::demo();
    project.write("feeds/xss.xml", fixture("xss.xml"));
    let config = std::fs::read_to_string(project.config()).unwrap();
    project.write(
        "pressroom.toml",
        format!(
            "{config}\n[[sources]]\nid = \"hostile\"\nname = \"{}\"\nurl = \"file://feeds/xss.xml\"\nsection = \"politics\"\nweight = 50.0\n",
            OUTLET.replace('"', "\\\"")
        ),
    );
    project
}

/// Anything in a whole page that could run: scripts, frames, handlers, script URLs.
fn hostile_markup(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    for element in document
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = element.value().name();
        if ["script", "iframe", "object", "embed", "svg", "form", "base"].contains(&name) {
            return Some(format!("<{name}>"));
        }
        for (attr, value) in element.value().attrs() {
            let value = value.trim().to_lowercase();
            if attr.starts_with("on") {
                return Some(format!("{name} {attr}"));
            }
            if matches!(attr, "href" | "src")
                && !(value.starts_with("http") || value.starts_with('#'))
            {
                return Some(format!("{name} {attr}={value}"));
            }
        }
    }
    html.to_lowercase()
        .contains("alert(")
        .then(|| "alert(".to_owned())
}

#[test]
fn hostile_feed_text_is_escaped_in_every_output() {
    let (project, issues) = demo_with_issues(hostile_demo(), &[NOW]);
    let issue = &issues[0];
    let titles: Vec<&str> = issue.picks().map(|p| p.story.title.as_str()).collect();
    assert!(
        titles.contains(&MARKET),
        "the payload story is not in the issue: {titles:#?}"
    );
    deliver_each(&project, &issues);
    let output = project.plan().site.output;

    // The archive: the page and the index are whole documents with nothing that runs,
    // and the payload shows as text.
    for path in [
        archive::page_path(&output, &issue.id),
        archive::index_path(&output),
    ] {
        let html = read(&path);
        assert_eq!(hostile_markup(&html), None, "{}", path.display());
        assert!(!html.contains("<b>Wire"), "{}", path.display());
    }
    let page = read(&archive::page_path(&output, &issue.id));
    assert!(page.contains("&quot;&gt;Market update"));
    assert!(page.contains("Hostile &lt;b&gt;Wire&lt;/b&gt;"));

    // Every feed file: no markup outside escaped text, nothing that runs once unescaped.
    for name in ["morning", "morning/politics"] {
        for path in feed_files(&project, name) {
            // XML carries HTML only as escaped text; JSON as a string of (sanitised) HTML.
            let raw = read(&path).to_lowercase();
            let is_xml = path.extension().is_some_and(|e| e != "json");
            for needle in ["<script", "<img", "<b>", "<![cdata[", "alert("] {
                let wrong = raw.contains(needle) && (is_xml || needle == "alert(");
                assert!(!wrong, "{needle} in {}", path.display());
            }
            let feed = parse(&path);
            let mut seen = Vec::new();
            for entry in &feed.entries {
                seen.push(entry.title.as_ref().unwrap().content.clone());
                let bodies = entry
                    .content
                    .iter()
                    .filter_map(|c| c.body.clone())
                    .chain(entry.summary.iter().map(|s| s.content.clone()));
                for body in bodies {
                    assert_eq!(dangerous(&body), None, "{}: {body:.300}", path.display());
                    assert!(!body.contains("<b>Wire"), "{}", path.display());
                }
            }
            if name == "morning" {
                // The issue's HTML names the payload story, escaped.
                let html = feed.entries[0]
                    .content
                    .as_ref()
                    .and_then(|c| c.body.clone());
                let html =
                    html.or_else(|| feed.entries[0].summary.as_ref().map(|s| s.content.clone()));
                assert!(
                    html.unwrap().contains("&quot;&gt;Market update"),
                    "{}",
                    path.display()
                );
            } else {
                // The section feed carries the title exactly, as text.
                assert!(
                    seen.iter().any(|t| t == MARKET),
                    "{}: {seen:#?}",
                    path.display()
                );
            }
        }
    }

    // A story whose only link was `javascript:` gets a tag: id and no link.
    let [rss, atom, json] = feed_files(&project, "morning/politics");
    assert!(titles.contains(&"Link payload"), "{titles:#?}");
    for path in [&rss, &atom, &json] {
        let feed = parse(path);
        let entry = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().unwrap().content == "Link payload")
            .unwrap();
        assert!(
            entry.id.starts_with("tag:127.0.0.1,2026-11-26:/story/"),
            "{}",
            entry.id
        );
        assert!(entry.links.is_empty(), "{:?}", entry.links);
    }
    assert!(read(&rss).contains("<guid isPermaLink=\"false\">tag:"));
    let json: serde_json::Value = serde_json::from_str(&read(&json)).unwrap();
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == MARKET)
        .expect("the payload story in JSON Feed");
    assert_eq!(
        dangerous(item["content_html"].as_str().unwrap_or_default()),
        None
    );
}
