//! Feed output: RSS 2.0, Atom 1.0 and JSON Feed 1.1 under `{output}/feeds/`.
//!
//! Per edition, a digest feed (`{edition}.xml`, `.atom`, `.json`: one entry per issue
//! of the last [`RECENT`], its content the issue's HTML from the `feed-entry.html`
//! template, its link the issue's archive page) and one feed per section
//! (`{edition}/{section}.xml`, …: the stories those issues chose for the section,
//! lead and "Most read" included, never their "also in" versions). Each is first built as one format-neutral
//! `Feed`, then written by `xml.rs` (quick-xml, which escapes every text and
//! attribute) and `json.rs` (serde). Entry ids are stable: an issue's permalink, a
//! story's canonical URL, or a `tag:` URI made from the story id, and every issue
//! they come from is frozen. Written atomically, unchanged files left alone.

mod json;
mod xml;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{OutputError, files};
use crate::{
    config::{EditionPlan, Plan},
    i18n::{Arg, Language},
    model::{EditionId, Issue, Pick, SectionId},
    render::{
        Audience, Renderer,
        view::{self, FeedLinks, Site},
    },
};

/// How many of an edition's latest issues its feeds carry.
pub const RECENT: usize = 20;

/// Name of the feeds' folder under the output folder (and under `base_url`).
pub const FOLDER: &str = "feeds";

/// The relative name of an edition's digest feed, without extension: `morning`.
pub fn digest_name(edition: &EditionId) -> String {
    edition.to_string()
}

/// The relative name of a section feed, without extension: `morning/politics`.
pub fn section_name(edition: &EditionId, section: &SectionId) -> String {
    format!("{edition}/{section}")
}

/// The public addresses of feed `name` (see [`digest_name`]) under `base_url`.
pub fn links(base_url: &str, name: &str) -> FeedLinks {
    let at = |ext: &str| format!("{base_url}{FOLDER}/{name}.{ext}");
    FeedLinks {
        rss: at("xml"),
        atom: at("atom"),
        json: at("json"),
    }
}

/// The files of feed `name` under `output`: RSS, Atom, JSON Feed.
pub fn paths(output: &Path, name: &str) -> [PathBuf; 3] {
    let at = |ext: &str| output.join(FOLDER).join(format!("{name}.{ext}"));
    [at("xml"), at("atom"), at("json")]
}

/// Writes the digest feed and the section feeds of `edition` from `recent`, its
/// latest issues (any order; only the newest [`RECENT`] are used). Returns every file
/// of those feeds; with no issue at all, writes nothing.
pub fn write(
    plan: &Plan,
    renderer: &Renderer,
    edition: &EditionPlan,
    recent: &[Issue],
) -> Result<Vec<PathBuf>, OutputError> {
    let mut issues: Vec<&Issue> = recent
        .iter()
        .filter(|e| e.id.edition == edition.id)
        .collect();
    issues.sort_by_key(|e| std::cmp::Reverse((e.id.date, e.built_at)));
    issues.truncate(RECENT);
    let Some(updated) = issues.iter().map(|e| e.built_at).max() else {
        return Ok(Vec::new());
    };
    let site = Site::from(&plan.site);
    let mut feeds = vec![digest(plan, &site, renderer, edition, &issues, updated)?];
    for (section, _) in &edition.sections {
        feeds.push(section_feed(
            plan, &site, renderer, edition, section, &issues, updated,
        )?);
    }
    let mut written = Vec::with_capacity(feeds.len() * 3);
    for feed in &feeds {
        let [rss, atom, json] = paths(&plan.site.output, &feed.name);
        written.extend([
            (rss, xml::rss(feed)),
            (atom, xml::atom(feed)),
            (json, json::feed(feed)),
        ]);
    }
    files::save_all(&written)?;
    Ok(written.into_iter().map(|(path, _)| path).collect())
}

/// A feed before it has a format.
#[derive(Clone, Debug)]
struct Feed {
    /// Relative name, e.g. `morning/politics`.
    name: String,
    title: String,
    description: String,
    /// The web page the feed is about (the archive's index).
    home: String,
    /// Its own addresses.
    links: FeedLinks,
    language: String,
    /// Feed-level author: the site.
    author: String,
    /// When its content last changed: the newest issue's build time.
    updated: DateTime<Utc>,
    entries: Vec<Entry>,
}

/// One entry of a feed.
#[derive(Clone, Debug)]
struct Entry {
    /// Stable, unique in the feed.
    id: String,
    /// Whether `id` is the entry's own URL (RSS `isPermaLink`).
    id_is_link: bool,
    link: Option<String>,
    /// Plain text.
    title: String,
    /// Plain text.
    summary: Option<String>,
    /// HTML, escaped by the writers.
    content_html: Option<String>,
    published: DateTime<Utc>,
    updated: DateTime<Utc>,
    authors: Vec<String>,
    categories: Vec<String>,
}

/// "Site: Issue", or just one of them when they are the same.
fn feed_title(site: &str, part: &str) -> String {
    if site == part {
        site.to_owned()
    } else {
        format!("{site}: {part}")
    }
}

fn digest(
    plan: &Plan,
    site: &Site,
    renderer: &Renderer,
    edition: &EditionPlan,
    issues: &[&Issue],
    updated: DateTime<Utc>,
) -> Result<Feed, OutputError> {
    let language = &edition.languages[0];
    let words = renderer.catalogues().words(language);
    let audience = everyone(plan.site.time_zone, language);
    let mut entries = Vec::with_capacity(issues.len());
    for issue in issues {
        let view = view::issue(issue, &audience, site, renderer.catalogues());
        entries.push(Entry {
            id: view.issue.url.clone(),
            id_is_link: true,
            link: Some(view.issue.url.clone()),
            title: format!("{}, {}", view.issue.title, view.issue.date),
            summary: Some(view.issue.preheader.clone()).filter(|s| !s.is_empty()),
            content_html: Some(renderer.feed_entry(&view)?),
            published: issue.built_at,
            updated: issue.built_at,
            authors: Vec::new(),
            categories: Vec::new(),
        });
    }
    let name = digest_name(&edition.id);
    Ok(Feed {
        links: links(&site.url, &name),
        name,
        title: feed_title(&site.title, &edition.title),
        description: (words.message(
            "feed-digest-description",
            &[("edition", Arg::Text(edition.title.clone()))],
        ))
        .map_err(OutputError::Words)?,
        home: site.url.clone(),
        language: language.to_string(),
        author: site.title.clone(),
        updated,
        entries,
    })
}

fn section_feed(
    plan: &Plan,
    site: &Site,
    renderer: &Renderer,
    edition: &EditionPlan,
    section: &SectionId,
    issues: &[&Issue],
    updated: DateTime<Utc>,
) -> Result<Feed, OutputError> {
    let language = &edition.languages[0];
    let heading = plan.section(section).map_or_else(
        || section.to_string(),
        |s| {
            (s.titles.get(language.as_str()))
                .unwrap_or(&s.title)
                .clone()
        },
    );
    let mut entries: Vec<Entry> = Vec::new();
    for pick in issues
        .iter()
        .flat_map(|issue| section_picks(issue, section))
    {
        let entry = story_entry(plan, pick);
        if !entries.iter().any(|e| e.id == entry.id) {
            entries.push(entry);
        }
    }
    let name = section_name(&edition.id, section);
    let description = (renderer.catalogues().words(language))
        .message(
            "feed-section-description",
            &[
                ("section", Arg::Text(heading.clone())),
                ("edition", Arg::Text(edition.title.clone())),
            ],
        )
        .map_err(OutputError::Words)?;
    Ok(Feed {
        links: links(&site.url, &name),
        name,
        title: format!("{}: {heading}", feed_title(&site.title, &edition.title)),
        description,
        home: site.url.clone(),
        language: language.to_string(),
        author: site.title.clone(),
        updated,
        entries,
    })
}

/// The stories `issue` chose for `section`, in reading order: those of the section
/// that lead the issue, then the section's own (as a reader of that section alone
/// gets them by email). Never the "also in" versions, nor the most-read lists, which
/// point at stories rather than carry them.
pub fn section_picks<'e>(
    issue: &'e Issue,
    section: &'e SectionId,
) -> impl Iterator<Item = &'e Pick> {
    let of_section = move |p: &&Pick| p.story.section.as_ref() == Some(section);
    let own = issue.sections.iter().filter(move |b| &b.id == section);
    issue
        .lead
        .iter()
        .filter(of_section)
        .chain(own.flat_map(|b| b.picks.iter()))
}

/// One chosen story as a feed entry: its id is its canonical URL, or a `tag:` URI
/// made from its id when it has none.
fn story_entry(plan: &Plan, pick: &Pick) -> Entry {
    let story = &pick.story;
    let link = story.url.clone().filter(|u| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    });
    let (id, id_is_link) = match &link {
        Some(url) => (url.clone(), true),
        None => (tag_uri(plan, story.published, story.id.as_str()), false),
    };
    Entry {
        id,
        id_is_link,
        link,
        title: story.title.clone(),
        summary: Some(story.excerpt.clone()).filter(|s| !s.is_empty()),
        content_html: Some(story.summary_html.clone()).filter(|s| !s.trim().is_empty()),
        published: story.published,
        updated: story
            .updated
            .unwrap_or(story.published)
            .max(story.published),
        authors: if story.authors.is_empty() {
            vec![pick.outlet.clone()]
        } else {
            story.authors.clone()
        },
        categories: story.topics.clone(),
    }
}

/// `tag:{host},{YYYY-MM-DD}:{path}story/{id}` (RFC 4151), from the site's address
/// and the story's publication date: the same story always gets the same URI.
fn tag_uri(plan: &Plan, published: DateTime<Utc>, id: &str) -> String {
    let base = &plan.site.base_url;
    format!(
        "tag:{},{}:{}story/{id}",
        base.host_str().unwrap_or("localhost"),
        published.format("%Y-%m-%d"),
        base.path()
    )
}

fn everyone(zone: Tz, language: &Language) -> Audience {
    Audience {
        sections: None,
        time_zone: zone,
        language: language.clone(),
    }
}

/// Formats of dates the writers share.
fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
