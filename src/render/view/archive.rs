//! The view of the archive's index page: every issue of every edition, newest first,
//! with links to the issue pages and to each edition's feeds. Built from issue
//! summaries (the store reads those without loading whole issues).

use chrono_tz::Tz;
use serde::Serialize;

use super::{Site, lang, permalink, safe};
use crate::{
    i18n::{Catalogues, Language},
    model::{EditionId, IssueSummary},
};

/// The index page.
#[derive(Clone, Debug, Serialize)]
pub struct ArchiveIndexView {
    /// The digest as a whole.
    pub site: Site,
    /// The editions: configured ones first, in their order, then any edition that
    /// has issues but is no longer configured.
    pub editions: Vec<EditionIndexView>,
    /// Issues over all editions.
    pub issue_count: usize,
    /// Unix time of the newest issue (0 with none): `{{ago ts}}` counts from here.
    pub now: i64,
    /// IANA name of the site's time zone: `{{date ts "%H:%M"}}` uses it.
    pub tz: String,
    /// The page's language (the site's): `{{t}}` writes in it.
    pub lang: String,
}

/// One edition in the index.
#[derive(Clone, Debug, Serialize)]
pub struct EditionIndexView {
    /// Its id, e.g. `morning` (for anchors).
    pub id: String,
    /// The edition's title, e.g. "Morning Review": configured, or from its latest issue
    /// for an edition no longer configured.
    pub title: String,
    /// Its digest feeds, or null when none are written (an edition no longer configured).
    pub feeds: Option<FeedLinks>,
    /// Its issues, newest first.
    pub issues: Vec<IssueLinkView>,
}

/// The three formats of one feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeedLinks {
    /// RSS 2.0.
    pub rss: String,
    /// Atom 1.0.
    pub atom: String,
    /// JSON Feed 1.1.
    pub json: String,
}

/// One issue in the index.
#[derive(Clone, Debug, Serialize)]
pub struct IssueLinkView {
    /// `morning/2026-11-27`.
    pub id: String,
    /// The date spelled out: "Friday, 27 November 2026" (not `date`: that name is a
    /// helper's, and Handlebars would call it).
    pub day: String,
    /// The date as `2026-11-27` (for `<time datetime>`).
    pub iso_date: String,
    /// Its page in the archive.
    pub url: String,
    /// Stories it carries.
    pub story_count: usize,
    /// Headlines of its lead block.
    pub lead: Vec<LeadLineView>,
    /// Unix time it was built for.
    pub built_at: i64,
}

/// A headline of an issue's lead block, in the index.
#[derive(Clone, Debug, Serialize)]
pub struct LeadLineView {
    /// The headline, plain text.
    pub title: String,
    /// Its language when not the page's (BCP 47, for `lang`), or null.
    pub lang: Option<String>,
}

/// An edition the index lists, as the caller knows it.
#[derive(Clone, Debug)]
pub struct IndexedEdition {
    /// The edition's id: the index groups issues whose id names it.
    pub id: EditionId,
    /// The edition's configured title, e.g. "Morning Review".
    pub title: String,
    /// Its digest feeds.
    pub feeds: Option<FeedLinks>,
}

/// The index of `issues`, grouped by edition: `editions` first, in their order (each
/// listed even before its first issue), then editions met only in `issues`.
pub fn archive_index(
    site: &Site,
    zone: Tz,
    editions: &[IndexedEdition],
    issues: &[IssueSummary],
    catalogues: &Catalogues,
) -> ArchiveIndexView {
    let language = Language::parse(&site.language).unwrap_or_else(|_| Language::english());
    let words = catalogues.words(&language);
    let mut sorted: Vec<&IssueSummary> = issues.iter().collect();
    sorted.sort_by_key(|s| std::cmp::Reverse((s.id.date, s.built_at)));
    let mut groups: Vec<EditionIndexView> = editions
        .iter()
        .map(|e| EditionIndexView {
            id: e.id.to_string(),
            title: safe(&e.title),
            feeds: e.feeds.clone(),
            issues: Vec::new(),
        })
        .collect();
    for summary in &sorted {
        let edition = summary.id.edition.as_str();
        let at = match groups.iter().position(|g| g.id == edition) {
            Some(at) => at,
            None => {
                groups.push(EditionIndexView {
                    id: edition.to_owned(),
                    title: safe(&summary.title),
                    feeds: None,
                    issues: Vec::new(),
                });
                groups.len() - 1
            }
        };
        groups[at].issues.push(IssueLinkView {
            id: summary.id.to_string(),
            day: super::issue_date(&summary.id, &words),
            iso_date: match summary.id.time {
                Some(time) => format!("{}T{}", summary.id.date, time.format("%H:%M")),
                None => summary.id.date.format("%Y-%m-%d").to_string(),
            },
            url: permalink(&site.url, &summary.id),
            story_count: summary.story_count,
            lead: (summary.lead.iter())
                .map(|t| LeadLineView {
                    title: safe(t),
                    lang: lang::mark(t, &site.language),
                })
                .collect(),
            built_at: summary.built_at.timestamp(),
        });
    }
    ArchiveIndexView {
        site: Site {
            title: safe(&site.title),
            ..site.clone()
        },
        editions: groups,
        issue_count: sorted.len(),
        now: sorted.first().map_or(0, |s| s.built_at.timestamp()),
        tz: zone.name().to_owned(),
        lang: language.to_string(),
    }
}
