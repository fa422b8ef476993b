//! Accessibility (WCAG 2.2 AA): axe-core in the headless Chromium over every page
//! the demo makes (the email in English and Russian, the archive's index and issue
//! page, the editor's preview site and its error page), light and dark, at 1280, 375
//! and 320 px; and, in the HTML itself, `lang` on text in the other language, link
//! texts that each lead to one place, and in-page links that land.
//! The audit itself is [`crate::support::axe`]'s; the pages `serve` shows readers
//! are audited in [`crate::a11y_reader`].

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
    time::Duration,
};

use scraper::{ElementRef, Html, Node, Selector};

use crate::support::{
    Project,
    axe::{audit, audit_at_every_width, axe_source},
    browser::{Browser, Running, free_port, wait_for},
    stderr,
};

/// The demo, fetched and published at the test clock, with the preview
/// written to `preview/` first (after `publish`, the next issue is tomorrow's).
fn published_demo() -> Project {
    let project = Project::demo();
    for args in [
        &["fetch"][..],
        &[
            "preview",
            "--out",
            project.path("preview").to_str().unwrap(),
        ],
        &["publish", "--no-fetch"],
    ] {
        let output = project.run(args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    project
}

/// The demo's pages as files: the email (as the whole-review audience in Moscow
/// gets it, and in Russian as the Warsaw reader does), the archive's index and the
/// issue's page.
fn demo_files(project: &Project) -> [(&'static str, PathBuf); 4] {
    [
        (
            "email",
            project.path("preview/morning-all.html.europe-moscow.html"),
        ),
        (
            "Russian email",
            project.path("preview/morning-business+science.html.europe-warsaw.ru.html"),
        ),
        ("archive index", project.path("out/index.html")),
        (
            "issue page",
            project.path("out/morning/2026-11-27/index.html"),
        ),
    ]
}

/// A script: the preview's buttons whose name does not include their row's headline
/// (and the number of buttons, which must not be 0).
const BUTTONS_NAME_THEIR_STORY: &str = "const rows = [...document.querySelectorAll('#explain tbody tr')];
    const buttons = rows.flatMap(r => [...r.querySelectorAll('button')].map(b => [b, r.querySelector('.title').textContent]));
    if (buttons.length < 30) return ['only ' + buttons.length + ' buttons'];
    return buttons.filter(([b, title]) => !b.textContent.includes(title)).map(([b]) => b.textContent);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_light_and_dark_at_every_width() {
    let Some(axe) = axe_source() else {
        return;
    };
    let project = published_demo();
    let port = free_port();
    let server = std::process::Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .args(["--config", project.config().to_str().unwrap()])
        .args(["--now", crate::support::NOW])
        .args(["preview", "--serve", &format!("127.0.0.1:{port}")])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the preview server");
    let _server = Running(server);
    let site = format!("http://127.0.0.1:{port}");
    wait_for(&site, Duration::from_secs(20)).await;
    let mut pages: Vec<(String, String)> = demo_files(&project)
        .into_iter()
        .map(|(name, path)| {
            assert!(path.exists(), "{} is missing", path.display());
            (name.to_owned(), format!("file://{}", path.display()))
        })
        .collect();
    pages.push(("preview index".to_owned(), format!("{site}/")));
    pages.push((
        "preview issue".to_owned(),
        format!("{site}/issue?edition=morning"),
    ));
    pages.push((
        "preview error".to_owned(),
        format!("{site}/issue?edition=no-such-edition"),
    ));

    let browser = Browser::start().await;
    // First a page with known faults, to see that the audit finds them.
    let control = project.path("control.html");
    std::fs::write(
        &control,
        "<!doctype html><html><head><title>Control</title></head><body><main><img src=\"x.png\"><p style=\"color:#999;background:#fff\">Grey on white</p></main></body></html>",
    )
    .unwrap();
    browser.go(&format!("file://{}", control.display())).await;
    let found = audit(&browser, &axe).await.join("\n");
    for rule in ["html-has-lang", "image-alt", "color-contrast"] {
        assert!(
            found.contains(&format!("{rule} (")),
            "the control page's {rule} was not reported: {found}"
        );
    }
    // The preview's buttons each name their story.
    browser.emulate(1280, false).await;
    browser.go(&format!("{site}/issue?edition=morning")).await;
    let unnamed = browser.eval(BUTTONS_NAME_THEIR_STORY).await;
    assert_eq!(
        unnamed,
        serde_json::json!([]),
        "buttons without their story"
    );
    let (audits, failures) = audit_at_every_width(&browser, &axe, &pages).await;
    browser.quit().await;
    assert_eq!(audits, 42);
    assert!(
        failures.is_empty(),
        "{} accessibility failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whether `text` has a Cyrillic letter.
fn cyrillic(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
}

/// The `lang` that applies to `element`: its own or its nearest ancestor's.
fn lang_of(element: ElementRef<'_>) -> Option<String> {
    std::iter::once(element)
        .chain(element.ancestors().filter_map(ElementRef::wrap))
        .find_map(|e| e.value().attr("lang").map(str::to_owned))
}

/// Where a text in Russian is not marked as such: each as "the text (its lang)".
/// The head (title, meta) cannot mark a part of its text, and the email's hidden
/// preheader is never read out: both are left out.
fn unmarked_russian(document: &Html) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut unmarked = Vec::new();
    let body = document
        .select(&Selector::parse("body").unwrap())
        .next()
        .expect("a body");
    for node in body.descendants() {
        let Some(parent) = node.parent().and_then(ElementRef::wrap) else {
            continue;
        };
        let in_preheader = std::iter::once(parent)
            .chain(parent.ancestors().filter_map(ElementRef::wrap))
            .any(|e| {
                e.value()
                    .has_class("preheader", scraper::CaseSensitivity::CaseSensitive)
            });
        if in_preheader {
            continue;
        }
        let (text, element) = match node.value() {
            Node::Text(text) => (text.to_string(), parent),
            Node::Element(e) if e.attr("alt").is_some() => (
                e.attr("alt").unwrap_or_default().to_owned(),
                ElementRef::wrap(node).unwrap(),
            ),
            _ => continue,
        };
        if !cyrillic(&text) {
            continue;
        }
        checked += 1;
        let lang = lang_of(element);
        if !lang
            .as_deref()
            .is_some_and(|l| l == "ru" || l.starts_with("ru-"))
        {
            unmarked.push(format!("{:?} ({lang:?})", text.trim()));
        }
    }
    (checked, unmarked)
}

/// Link texts (accessible names) shared by links to different places.
fn ambiguous_links(document: &Html) -> Vec<String> {
    let mut places: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for link in document.select(&Selector::parse("a[href]").unwrap()) {
        let name = match link.value().attr("aria-label") {
            Some(label) => label.to_owned(),
            None => link
                .descendants()
                .filter_map(|n| match n.value() {
                    Node::Text(t) => Some(t.to_string()),
                    Node::Element(e) => e.attr("alt").map(str::to_owned),
                    _ => None,
                })
                .collect::<String>(),
        };
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        places
            .entry(name.to_lowercase())
            .or_default()
            .insert(link.value().attr("href").unwrap_or_default().to_owned());
    }
    places
        .into_iter()
        .filter(|(_, hrefs)| hrefs.len() > 1)
        .map(|(name, hrefs)| format!("{name:?} leads to {hrefs:?}"))
        .collect()
}

/// Ids used twice, and links within the page (`#x`) that lead to no element.
fn broken_anchors(document: &Html) -> Vec<String> {
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for element in document.select(&Selector::parse("[id]").unwrap()) {
        *ids.entry(element.value().id().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    let mut broken: Vec<String> = (ids.iter())
        .filter(|(_, n)| **n > 1)
        .map(|(id, n)| format!("id {id:?} is used {n} times"))
        .collect();
    for link in document.select(&Selector::parse("a[href^='#']").unwrap()) {
        let href = link.value().attr("href").unwrap_or_default();
        // The preview's stand-ins for the per-reader links delivery fills in.
        if [
            pressroom::preview::PREVIEW_UNSUBSCRIBE,
            pressroom::preview::PREVIEW_PREFERENCES,
        ]
        .contains(&href)
        {
            continue;
        }
        let target = &href[1..];
        if !ids.contains_key(target) {
            broken.push(format!("#{target} leads nowhere"));
        }
    }
    broken
}

#[test]
fn russian_text_is_marked_and_every_link_names_one_place_that_exists() {
    let project = published_demo();
    for (name, path) in demo_files(&project) {
        let html =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let document = Html::parse_document(&html);
        let (checked, unmarked) = unmarked_russian(&document);
        if name == "Russian email" {
            // On a Russian page the English headlines are the other language.
            let headlines = Selector::parse("h3.story-title").unwrap();
            let mut english = 0;
            for headline in document.select(&headlines) {
                let text = headline.text().collect::<String>();
                if !cyrillic(&text) {
                    english += 1;
                    assert_eq!(lang_of(headline).as_deref(), Some("en"), "{name}: {text}");
                }
            }
            assert!(english >= 5, "{name}: only {english} English headlines");
        } else if name != "archive index" {
            // The Severny Vestnik's stories, its name, its "Also in" links.
            assert!(checked >= 16, "{name}: only {checked} Russian texts");
        }
        assert!(
            unmarked.is_empty(),
            "{name}: Russian text without lang=\"ru\":\n{}",
            unmarked.join("\n")
        );
        let ambiguous = ambiguous_links(&document);
        assert!(
            ambiguous.is_empty(),
            "{name}: links sharing a text lead to different places:\n{}",
            ambiguous.join("\n")
        );
        let broken = broken_anchors(&document);
        assert!(
            broken.is_empty(),
            "{name}: ids and links within the page:\n{}",
            broken.join("\n")
        );
    }
}
