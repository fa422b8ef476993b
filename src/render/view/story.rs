//! One story as templates see it: headline, link, outlet, excerpt, image sized for
//! the column, topics, "also in", "Read also", its anchor and its most-read badge.

use serde::Serialize;

use super::{Site, lang, listing::topic_slug, safe, web};
use crate::model::{Issue, Pick};

/// The widest an image is shown in a 600-pixel single-column email.
pub const IMAGE_WIDTH: u32 = 560;

/// One story.
#[derive(Clone, Debug, Serialize)]
pub struct StoryView {
    /// Headline (plain text; templates escape it).
    pub title: String,
    /// The language of its headline, excerpt and topics when not the page's (BCP 47,
    /// for `lang`), or null.
    pub lang: Option<String>,
    /// Link to the article (http or https only), or null.
    pub url: Option<String>,
    /// The outlet's name.
    pub outlet: String,
    /// The language of the outlet's name when not the page's, or null.
    pub outlet_lang: Option<String>,
    /// Unix time of publication.
    pub published: i64,
    /// Plain-text excerpt.
    pub excerpt: String,
    /// Sanitised summary HTML: the only field templates may print unescaped.
    pub summary_html: String,
    /// Lead image, or null.
    pub image: Option<ImageView>,
    /// The feed's categories, plain text, in the feed's order.
    pub topics: Vec<String>,
    /// The same, each with its page in the archive (`/topics/<slug>/`): the issue page
    /// links them; the email, where every byte counts against the size budget, does not.
    pub topic_pages: Vec<TopicLinkView>,
    /// The same story elsewhere.
    pub also_in: Vec<AlsoInView>,
    /// Earlier stories of the same storyline, newest first.
    pub read_also: Vec<ReadAlsoView>,
    /// 1-based position in its block (for numbered lists such as "Most read").
    pub position: usize,
    /// Its anchor in the page, for "In this issue": `top-1`, `politics-2`.
    pub anchor: String,
    /// Its place in the issue's first most-read ranking, or null: "#2 most read now".
    pub most_read_rank: Option<u32>,
    /// That ranking's window (`now`, `today` or `week`), with the rank: the
    /// message `most-read-rank` words the badge.
    pub most_read_window: Option<String>,
    /// The section's heading.
    pub section: String,
    /// Its score: what the size budget leaves out first is the lowest (not shown).
    #[serde(skip)]
    pub score: f64,
    /// Whether an editor placed it: never left out for size (not shown).
    #[serde(skip)]
    pub pinned: bool,
}

/// An image with the size a layout needs.
#[derive(Clone, Debug, Serialize)]
pub struct ImageView {
    /// Address (http or https).
    pub url: String,
    /// Alternative text: the feed's, or empty when it gave none (the image then
    /// repeats the headline beside it: decorative).
    pub alt: String,
    /// The language of the alternative text when not the page's, or null.
    pub lang: Option<String>,
    /// Display width in pixels.
    pub width: u32,
    /// Display height in pixels.
    pub height: u32,
}

/// Another outlet's version of a story.
#[derive(Clone, Debug, Serialize)]
pub struct AlsoInView {
    /// The other outlet's name, e.g. "The Northern Ledger".
    pub outlet: String,
    /// The language of the outlet's name when not the page's, or null.
    pub outlet_lang: Option<String>,
    /// Its link, or null.
    pub url: Option<String>,
    /// That outlet's headline, plain text: with the outlet, the link's text, so that
    /// every "Also in" link names the article it leads to.
    pub title: String,
    /// The language of that headline when not the page's, or null.
    pub lang: Option<String>,
}

/// A topic and its page in the archive.
#[derive(Clone, Debug, Serialize)]
pub struct TopicLinkView {
    /// The topic, plain text.
    pub name: String,
    /// Its page: every story listed under it, across issues.
    pub url: String,
}

/// An earlier story of the same storyline ("Read also").
#[derive(Clone, Debug, Serialize)]
pub struct ReadAlsoView {
    /// The earlier story's outlet.
    pub outlet: String,
    /// The language of the outlet's name when not the page's, or null.
    pub outlet_lang: Option<String>,
    /// Its link, or null.
    pub url: Option<String>,
    /// The earlier story's headline, plain text.
    pub title: String,
    /// The language of that headline when not the page's, or null.
    pub lang: Option<String>,
    /// Unix time of publication.
    pub published: i64,
}

/// The view of `pick`, the `position`th story of `block`, on a page of `site`.
pub(super) fn story(
    pick: &Pick,
    edition: &Issue,
    block: &str,
    position: usize,
    site: &Site,
) -> StoryView {
    let s = &pick.story;
    // An outlet's name is in whatever language its letters say; its stories in the
    // outlet's configured language, else their letters'.
    let mark = |text: &str| lang::mark(text, &site.language);
    let by = |text: &str, outlet: &str| lang::of_outlet(text, outlet, site);
    let section = edition
        .sections
        .iter()
        .find(|b| Some(&b.id) == s.section.as_ref())
        .map_or_else(String::new, |b| b.title.clone());
    StoryView {
        title: safe(&s.title),
        // Headline and excerpt together: more letters tell the language better.
        lang: by(&format!("{} {}", s.title, s.excerpt), &pick.outlet),
        url: web(s.url.as_deref()),
        outlet: safe(&pick.outlet),
        outlet_lang: mark(&pick.outlet),
        published: s.published.timestamp(),
        excerpt: safe(&s.excerpt),
        summary_html: safe(&s.summary_html),
        position,
        anchor: format!("{block}-{position}"),
        image: s
            .image
            .as_ref()
            .filter(|i| web(Some(&i.url)).is_some())
            .map(|i| {
                // Scale to the column, keeping the ratio; 16:9 when the feed gave no size.
                let (w, h) = match (i.width, i.height) {
                    (Some(w), Some(h)) if w > 0 && h > 0 => (w, h),
                    _ => (16, 9),
                };
                let width = IMAGE_WIDTH.min(w.max(IMAGE_WIDTH / 2));
                let alt = i.alt.as_deref().unwrap_or_default();
                ImageView {
                    url: i.url.clone(),
                    alt: safe(alt),
                    lang: by(alt, &pick.outlet),
                    width,
                    height: (u64::from(width) * u64::from(h) / u64::from(w)) as u32,
                }
            }),
        topics: s.topics.iter().map(|t| safe(t)).collect(),
        topic_pages: (s.topics.iter())
            .filter(|t| !t.trim().is_empty())
            .map(|t| TopicLinkView {
                name: safe(t.trim()),
                url: format!("{}topics/{}/", site.url, topic_slug(t)),
            })
            .collect(),
        also_in: pick
            .also_in
            .iter()
            .map(|a| AlsoInView {
                outlet: safe(&a.outlet),
                outlet_lang: mark(&a.outlet),
                url: web(a.url.as_deref()),
                title: safe(&a.title),
                lang: by(&a.title, &a.outlet),
            })
            .collect(),
        read_also: (pick.read_also.iter())
            .map(|r| ReadAlsoView {
                outlet: safe(&r.outlet),
                outlet_lang: mark(&r.outlet),
                url: web(r.url.as_deref()),
                title: safe(&r.title),
                lang: by(&r.title, &r.outlet),
                published: r.published.timestamp(),
            })
            .collect(),
        most_read_rank: pick.most_read_rank,
        most_read_window: pick
            .most_read_rank
            .and(edition.most_read.first())
            .map(|l| l.window.name().to_owned()),
        score: pick.score.total,
        pinned: pick.placed == crate::model::Placed::Pinned,
        section,
    }
}
