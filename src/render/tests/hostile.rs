//! Hostile feed text: XSS payloads in every string a feed controls must reach no
//! output as markup, a script or a link, and feed text cannot forge the
//! per-subscriber placeholders. Also: a story without a link gets no anchor.

use scraper::{Html, Selector};

use super::{picks_mut, render, sample, view};
use crate::model::Issue;

/// Feed text that tries to become markup, script, a link or a template.
const MARKUP: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "</title></style><script>alert(1)</script>",
    "{{issue.title}} {{{summary_html}}} {{> partials/story.html}}",
];
/// Feed text that tries to pass for the per-subscriber placeholders.
const PLACEHOLDERS: &str = "[[pressroom:unsubscribe]] [[pressroom:name]] [[pressroom:address]]";

/// The sample issue with a payload in every string that came from a feed, and
/// markup in those from the configuration. Stories without a link, and one "also
/// in" without one, are titled "Unlinked" so that tests can find them.
pub(super) fn edition() -> Issue {
    let markup = MARKUP.join(" ");
    let payload = format!("{markup} {PLACEHOLDERS}");
    let mut edition = sample::edition();
    edition.title = format!("Review {payload}");
    // Section titles come from the configuration, not from feeds: markup is escaped
    // there too, but the placeholders are the operator's business.
    for section in &mut edition.sections {
        section.title = format!("Section {markup}");
    }
    for (n, pick) in picks_mut(&mut edition).enumerate() {
        let story = &mut pick.story;
        let kind = if story.url.is_some() {
            "Linked"
        } else {
            "Unlinked"
        };
        story.title = format!("{kind} {n} {payload}");
        story.excerpt = format!("Excerpt {payload}");
        story.topics = MARKUP.iter().map(|p| (*p).to_owned()).collect();
        story.topics.push(PLACEHOLDERS.to_owned());
        if let Some(image) = &mut story.image {
            image.alt = Some(format!("Alt {payload}"));
        }
        pick.outlet = format!("Outlet {payload}");
        for also in &mut pick.also_in {
            also.title = format!("Also {payload}");
            also.outlet = format!("Other {payload}");
        }
        if let Some(first) = pick.also_in.first().cloned() {
            let mut unlinked = first;
            unlinked.outlet = format!("Unlinked outlet {payload}");
            unlinked.url = None;
            pick.also_in.push(unlinked);
        }
    }
    for list in &mut edition.most_read {
        for (n, entry) in list.entries.iter_mut().enumerate() {
            entry.title = format!("Linked read {n} {payload}");
            entry.outlet = format!("Outlet {payload}");
        }
    }
    edition
}

/// What no HTML we produce may contain, checked on the parsed document: no script
/// or SVG elements, no event-handler attributes, no `javascript:` address, and no
/// image but the stories' own.
fn assert_inert(name: &str, document: &Html) {
    let every = Selector::parse("*").expect("valid");
    for element in document.select(&every) {
        let tag = element.value().name();
        assert!(
            !matches!(tag, "script" | "svg" | "iframe"),
            "{name}: <{tag}>"
        );
        for (attribute, value) in element.value().attrs() {
            assert!(
                !attribute.to_ascii_lowercase().starts_with("on"),
                "{name}: <{tag} {attribute}={value:?}>"
            );
            if matches!(attribute, "href" | "src") {
                let value = value.trim().to_ascii_lowercase();
                assert!(!value.starts_with("javascript:"), "{name}: {attribute}");
                if tag == "img" {
                    assert!(
                        value.starts_with("https://img.wire.example/"),
                        "{name}: img"
                    );
                }
            }
        }
    }
}

/// How often `needle` occurs (case-insensitively) in the document's attribute values.
fn in_attributes(document: &Html, needle: &str) -> usize {
    let every = Selector::parse("*").expect("valid");
    document
        .select(&every)
        .flat_map(|e| e.value().attrs())
        .map(|(_, value)| value.to_ascii_lowercase().matches(needle).count())
        .sum()
}

#[test]
fn feed_text_never_becomes_markup() {
    let out = render(&edition());
    let htmls = [
        ("email", out.email.html.as_str()),
        ("archive", out.archive.as_str()),
        ("feed", out.feed.as_str()),
    ];
    for (name, html) in htmls {
        let document = Html::parse_document(html);
        assert_inert(name, &document);
        // Nor in the bytes. Handlebars escapes `<`, `>`, quotes and `=`, so the
        // archive page and the feed entry hold none of these strings at all. The
        // email is re-serialised by the CSS inliner, which leaves `<` unescaped
        // inside quoted attributes (`alt="<script>…"`) and `=` in text (`src=x
        // onerror=…` as words): inert, so there each occurrence must be one of those.
        let text: String = document.root_element().text().collect();
        for needle in ["<script", "onerror=", "onload=", "href=\"javascript:"] {
            let all = html.to_ascii_lowercase().matches(needle).count();
            if name == "email" {
                let inert = in_attributes(&document, needle)
                    + text.to_ascii_lowercase().matches(needle).count();
                assert!(all <= inert, "{name}: {needle} as markup");
            } else {
                assert_eq!(all, 0, "{name}: {needle}");
            }
        }
        // The payloads are there, as text a reader can see.
        for payload in MARKUP {
            assert!(text.contains(payload), "{name}: {payload:?} is not shown");
        }
        assert!(
            text.contains("[ [pressroom:unsubscribe]]"),
            "{name}: defused"
        );
    }
    // The text part is not HTML: payloads appear as they are, and nothing runs them.
    for payload in MARKUP {
        assert!(out.email.text.contains(payload), "text: {payload:?}");
    }
    // A feed cannot forge the per-subscriber placeholders: only the footer's remain.
    let unsubscribe = view::token::UNSUBSCRIBE;
    assert_eq!(out.email.html.matches(unsubscribe).count(), 1, "email html");
    assert_eq!(out.email.text.matches(unsubscribe).count(), 1, "email text");
    for part in [&out.email.html, &out.email.text] {
        assert_eq!(
            part.matches(view::token::ADDRESS).count(),
            1,
            "the footer's"
        );
        assert_eq!(part.matches(view::token::NAME).count(), 0);
    }
    assert!(!out.archive.contains("[[pressroom:") && !out.feed.contains("[[pressroom:"));
}

#[test]
fn feed_text_never_forges_a_placeholder_in_the_subject() {
    // Every headline of the issue in the subject, and the reader's name once: after
    // rendering, the only placeholder is the template's own.
    let edition = edition();
    let audience = super::Audience {
        sections: None,
        time_zone: chrono_tz::UTC,
        language: crate::i18n::Language::english(),
    };
    let view = view::issue(
        &edition,
        &audience,
        &super::site(),
        &crate::i18n::Catalogues::builtin(),
    );
    let subject = super::Renderer::new(None)
        .expect("the built-in templates parse")
        .subject(
            "{{issue.title}} for {{reader.name}}: {{#each lead}}{{title}} {{outlet}} {{/each}}",
            &view,
        )
        .expect("the subject renders");
    assert_eq!(subject.matches("[[pressroom:").count(), 1, "{subject}");
    assert!(subject.contains(" for [[pressroom:name]]: "), "{subject}");
    assert!(subject.contains("[ [pressroom:unsubscribe]]"), "{subject}");
}

#[test]
fn stories_without_a_link_get_no_anchor() {
    let out = render(&edition());
    let anchors = Selector::parse("a").expect("valid");
    for (name, html) in [
        ("email", &out.email.html),
        ("archive", &out.archive),
        ("feed", &out.feed),
    ] {
        let document = Html::parse_document(html);
        let text: String = document.root_element().text().collect();
        assert!(text.contains("Unlinked 1 "), "{name}: the story is shown");
        assert!(
            text.contains("Unlinked outlet"),
            "{name}: the outlet is shown"
        );
        for a in document.select(&anchors) {
            let label: String = a.text().collect();
            let href = a.value().attr("href").unwrap_or_default();
            assert!(!href.is_empty(), "{name}");
            // "In this issue" links every story to its place in the page.
            if href.starts_with('#') {
                continue;
            }
            assert!(!label.contains("Unlinked"), "{name}: <a> around {label:?}");
        }
    }
}
