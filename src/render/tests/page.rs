//! What every page and email carries around its stories: `<meta charset>` early
//! enough, a `<title>` that names the site once, the archive page's feed links,
//! images that degrade to a small line when blocked (and are silent when only
//! decorative), `lang` on text in another language, and wording that reads well for
//! any reader and zone.

use scraper::{Html, Selector};

use super::{Renderer, feed_links, full, render, sample, site, view};
use crate::model::IssueSummary;

/// Browsers look for the encoding in the first 1024 bytes only.
const PRESCAN: usize = 1024;

fn charset_at(html: &str) -> usize {
    html.find("<meta charset=\"utf-8\">")
        .unwrap_or_else(|| panic!("no <meta charset>: {}", &html[..html.len().min(300)]))
}

#[test]
fn meta_charset_comes_within_the_first_1024_bytes() {
    for (name, edition) in [("sample", sample::edition()), ("full", full())] {
        let out = render(&edition);
        for (what, html) in [("email", &out.email.html), ("archive", &out.archive)] {
            let at = charset_at(html);
            assert!(at < PRESCAN, "{name} {what}: <meta charset> at byte {at}");
        }
    }
    let index = view::archive_index(
        &site(),
        chrono_tz::UTC,
        &[],
        &[IssueSummary::of(&sample::edition())],
        &crate::i18n::Catalogues::builtin(),
    );
    let html = Renderer::new(None)
        .expect("parse")
        .archive_index(&index)
        .expect("render");
    assert!(charset_at(&html) < PRESCAN, "index");
}

/// The text of the document's `<title>`.
fn title(html: &str) -> String {
    let document = Html::parse_document(html);
    let title = Selector::parse("title").expect("valid");
    document
        .select(&title)
        .next()
        .expect("a <title>")
        .text()
        .collect()
}

#[test]
fn the_title_names_the_site_once() {
    // An edition titled as the site: the site's name is not repeated.
    let mut edition = sample::edition();
    edition.title = site().title;
    let out = render(&edition);
    for html in [&out.email.html, &out.archive] {
        assert_eq!(
            title(html),
            "Meridian Morning Review, Friday, 27 November 2026"
        );
    }
    // An edition of its own name: the site's follows it.
    let out = render(&sample::edition());
    for html in [&out.email.html, &out.archive] {
        assert_eq!(
            title(html),
            "Sample Review, Friday, 27 November 2026: Meridian Morning Review"
        );
    }
}

#[test]
fn the_archive_page_links_its_editions_feeds() {
    let out = render(&sample::edition());
    let document = Html::parse_document(&out.archive);
    let alternate = Selector::parse("head link[rel=alternate]").expect("valid");
    let links: Vec<(&str, &str, &str)> = document
        .select(&alternate)
        .map(|l| {
            let attr = |name| l.value().attr(name).unwrap_or_default();
            (attr("type"), attr("title"), attr("href"))
        })
        .collect();
    let feeds = feed_links();
    assert_eq!(
        links,
        [
            (
                "application/rss+xml",
                "Sample Review (RSS)",
                feeds.rss.as_str()
            ),
            (
                "application/atom+xml",
                "Sample Review (Atom)",
                feeds.atom.as_str()
            ),
            (
                "application/feed+json",
                "Sample Review (JSON Feed)",
                feeds.json.as_str()
            ),
        ]
    );
    // An issue of an edition no longer configured has no feeds, and no links.
    let audience = super::Audience {
        sections: None,
        time_zone: chrono_tz::UTC,
        language: crate::i18n::Language::english(),
    };
    let view = view::issue(
        &sample::edition(),
        &audience,
        &site(),
        &crate::i18n::Catalogues::builtin(),
    );
    let page = Renderer::new(None)
        .expect("parse")
        .archive_page(&view)
        .expect("render");
    assert!(!page.contains("rel=\"alternate\""));
}

#[test]
fn blocked_images_leave_a_small_line_not_a_grey_box() {
    let out = render(&full());
    let document = Html::parse_document(&out.email.html);
    let images = Selector::parse("img").expect("valid");
    let mut seen = 0;
    for image in document.select(&images) {
        seen += 1;
        let attr = |name| image.value().attr(name).unwrap_or_default();
        let size = |name| attr(name).parse::<u32>().unwrap_or(0);
        assert!(
            size("width") > 0 && size("height") > 0,
            "{:?}",
            image.html()
        );
        assert!(!attr("alt").is_empty());
        // The inlined style: no background to draw a box, small muted alt text.
        let style = attr("style");
        assert!(!style.contains("background"), "{style}");
        assert!(style.replace(' ', "").contains("font-size:12px"), "{style}");
    }
    assert!(seen > 30, "{seen} images");
    // The archive's stylesheet gives images no background either.
    let rule = out
        .archive
        .lines()
        .find(|l| l.starts_with(".story-img{"))
        .expect("a .story-img rule");
    assert!(!rule.contains("background"), "{rule}");
}

#[test]
fn the_wording_reads_naturally_for_any_reader_and_zone() {
    let out = render(&sample::edition());
    for part in [&out.email.html, &out.email.text] {
        // The footer names the address it was sent to, not a name that may be missing.
        let words = part.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("sent to [[pressroom:address]] because you subscribed to"),
            "{part}"
        );
        assert!(!part.contains(" as [[pressroom:name]]"));
    }
    // A zone is named as a zone, never "in Europe/Moscow time".
    for part in [&out.email.html, &out.email.text, &out.archive] {
        let mentions = part.matches("Europe/Moscow").count();
        assert!(mentions > 0);
        assert_eq!(
            part.matches("the Europe/Moscow time zone").count(),
            mentions,
            "{part}"
        );
    }
}

/// An image the feed gave no alternative text for repeats the headline beside it:
/// `alt=""`, not the headline read twice. A story in Russian on an English page is
/// marked `lang="ru"`, in the email and the archive alike; the page's own text is not.
#[test]
fn decorative_images_are_silent_and_other_languages_are_marked() {
    let mut edition = sample::edition();
    let pick = &mut edition.lead[0];
    pick.story.image.as_mut().expect("an image").alt = None;
    pick.story.title = "Первый снег парализовал движение в Вельграде".to_owned();
    pick.story.excerpt = "Пробки достигли девяти баллов.".to_owned();
    pick.outlet = "Северный вестник".to_owned();
    let out = render(&edition);
    for (what, html) in [("email", &out.email.html), ("archive", &out.archive)] {
        let document = Html::parse_document(html);
        let first = |css: &str| {
            let selector = Selector::parse(css).expect("valid");
            document.select(&selector).next().map(|e| e.html())
        };
        let image = first("img.story-img").expect("an image");
        assert!(image.contains("alt=\"\""), "{what}: {image}");
        let title = first("h3.story-title").expect("a headline");
        assert!(title.contains("lang=\"ru\""), "{what}: {title}");
        let excerpt = first("p.story-excerpt").expect("an excerpt");
        assert!(excerpt.contains("lang=\"ru\""), "{what}: {excerpt}");
        let meta = first("p.story-meta").expect("a meta line");
        assert!(
            meta.contains("<span lang=\"ru\">Северный вестник</span>"),
            "{what}: {meta}"
        );
        // The second story is in English, the page's language: nothing to mark.
        let selector = Selector::parse("h3.story-title").expect("valid");
        let second = document.select(&selector).nth(1).expect("two headlines");
        assert_eq!(second.value().attr("lang"), None, "{what}");
    }
}
