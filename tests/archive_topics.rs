//! The archive's search (`/search`, SQLite FTS5) and its static topic and section
//! pages, after a real publish of the demo.

use pressroom::model::IssueId;

use crate::support::reader::{form, quotes, serving};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_archived_stories_and_links_to_their_issue() {
    let (project, base, _server) = serving().await;
    let published = project.run(&["publish"]);
    assert_eq!(
        published.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&published)
    );
    let id = IssueId::parse("morning/2026-11-27").unwrap();
    let issue = project.store().issue(&id).unwrap().unwrap();
    let title = issue.lead[0].story.title.clone();
    // Its two longest words, the second cut short (words match as prefixes), in
    // another case.
    let mut words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 3)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let prefix: String = words[1].chars().take(4).collect();
    let q = format!("{} {}", words[0].to_uppercase(), prefix);
    let client = reqwest::Client::new();
    let page = client
        .get(format!("{base}search?{}", form(&[("q", q.as_str())])))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let href = format!(
        "<a href=\"{base}morning/2026-11-27/\">{}</a>",
        pressroom::model::html::escape(&title)
    );
    assert!(page.contains(&href), "{q}: {page}");
    assert!(page.contains("<mark>"), "{page}");
    // Words that no story has; FTS5 syntax and markup, taken as plain words.
    for q in [
        "zzyzx qwertyuiop",
        "NEAR(\"a\" OR",
        "<script>alert(1)</script>",
    ] {
        let page = client
            .get(format!("{base}search?{}", form(&[("q", q)])))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "{q}");
        let page = page.text().await.unwrap();
        assert!(page.contains("No stories"), "{q}: {page}");
        assert!(!page.contains("<script>"), "{page}");
    }
}

/// Publishing writes a static page per topic and per section, and their index, under
/// the output folder; `serve` serves them like the rest of the archive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_and_section_pages_list_the_archived_stories() {
    let (project, base, _server) = serving().await;
    let published = project.run(&["publish"]);
    assert_eq!(
        published.status.code(),
        Some(0),
        "{}",
        crate::support::stderr(&published)
    );
    let id = IssueId::parse("morning/2026-11-27").unwrap();
    let issue = project.store().issue(&id).unwrap().unwrap();
    let out = project.plan().site.output;
    let index = std::fs::read_to_string(out.join("topics/index.html")).unwrap();
    // Every section that carried a story, and every topic, has a page linked here.
    for block in issue.sections.iter().filter(|s| !s.picks.is_empty()) {
        let url = format!("{base}sections/{}/", block.id);
        assert!(index.contains(&format!("href=\"{url}\"")), "{url}");
        let page =
            std::fs::read_to_string(out.join(format!("sections/{}/index.html", block.id))).unwrap();
        let page = quotes(&page);
        for pick in &block.picks {
            assert!(
                page.contains(&quotes(&pressroom::model::html::escape(&pick.story.title))),
                "{}",
                pick.story.title
            );
        }
        assert!(page.contains(&format!("<a href=\"{base}morning/2026-11-27/\">")));
    }
    let topics: Vec<&String> = issue.picks().flat_map(|p| p.story.topics.iter()).collect();
    assert!(!topics.is_empty(), "the demo's stories have topics");
    // The issue's page links each of its topics to that topic's page.
    let issue_page = std::fs::read_to_string(out.join("morning/2026-11-27/index.html")).unwrap();
    for topic in topics {
        let slug = pressroom::render::view::topic_slug(topic);
        let link = format!("<a href=\"{base}topics/{slug}/\">");
        assert!(issue_page.contains(&link), "no {link} on the issue page");
        let page = std::fs::read_to_string(out.join(format!("topics/{slug}/index.html")))
            .unwrap_or_else(|e| panic!("{topic}: {e}"));
        assert!(
            page.contains(&pressroom::model::html::escape(topic.trim())),
            "{topic}"
        );
    }
    let served = reqwest::get(format!("{base}topics/")).await.unwrap();
    assert_eq!(served.status(), 200);
    assert!(served.text().await.unwrap().contains("Topics and sections"));
}
