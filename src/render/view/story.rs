//! One story as templates see it: headline, link, outlet, excerpt, image sized for
//! the column, topics, "also in", "Read also", its anchor and its most-read badge.

use serde::Serialize;

use super::{safe, web};
use crate::model::{Issue, Pick};

/// The widest an image is shown in a 600-pixel single-column email.
pub const IMAGE_WIDTH: u32 = 560;

/// One story.
#[derive(Clone, Debug, Serialize)]
pub struct StoryView {
    /// Headline (plain text; templates escape it).
    pub title: String,
    /// Link to the article (http or https only), or null.
    pub url: Option<String>,
    /// The outlet's name.
    pub outlet: String,
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
    /// Alternative text (the headline when the feed gave none).
    pub alt: String,
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
    /// Its link, or null.
    pub url: Option<String>,
    /// That outlet's headline, plain text.
    pub title: String,
}

/// An earlier story of the same storyline ("Read also").
#[derive(Clone, Debug, Serialize)]
pub struct ReadAlsoView {
    /// The earlier story's outlet.
    pub outlet: String,
    /// Its link, or null.
    pub url: Option<String>,
    /// The earlier story's headline, plain text.
    pub title: String,
    /// Unix time of publication.
    pub published: i64,
}

pub(super) fn story(pick: &Pick, edition: &Issue, block: &str, position: usize) -> StoryView {
    let s = &pick.story;
    let section = edition
        .sections
        .iter()
        .find(|b| Some(&b.id) == s.section.as_ref())
        .map_or_else(String::new, |b| b.title.clone());
    StoryView {
        title: safe(&s.title),
        url: web(s.url.as_deref()),
        outlet: safe(&pick.outlet),
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
                ImageView {
                    url: i.url.clone(),
                    alt: safe(i.alt.as_deref().unwrap_or(&s.title)),
                    width,
                    height: (u64::from(width) * u64::from(h) / u64::from(w)) as u32,
                }
            }),
        topics: s.topics.iter().map(|t| safe(t)).collect(),
        also_in: pick
            .also_in
            .iter()
            .map(|a| AlsoInView {
                outlet: safe(&a.outlet),
                url: web(a.url.as_deref()),
                title: safe(&a.title),
            })
            .collect(),
        read_also: (pick.read_also.iter())
            .map(|r| ReadAlsoView {
                outlet: safe(&r.outlet),
                url: web(r.url.as_deref()),
                title: safe(&r.title),
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
