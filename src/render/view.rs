//! View models: what templates see. Built from an [`Issue`] for one audience;
//! templates never see domain types, so renaming a field of `Story` cannot silently
//! break a template, and every string a template prints is prepared here.

use chrono_tz::Tz;
use serde::Serialize;

use crate::{
    i18n::{Catalogues, Language, Words},
    model::{Issue, IssueId, SectionId},
};

mod archive;
pub mod lang;
mod listing;
mod most_read;
mod story;
pub use archive::{
    ArchiveIndexView, EditionIndexView, FeedLinks, IndexedEdition, IssueLinkView, LeadLineView,
    archive_index,
};
pub use listing::{ListedStoryView, ListingLinkView, ListingView, listings, topic_slug};
pub use most_read::{MostReadItemView, MostReadView};
use story::story;
pub use story::{AlsoInView, IMAGE_WIDTH, ImageView, ReadAlsoView, StoryView};

/// Placeholders filled per subscriber after rendering (render once per audience).
pub mod token {
    /// The subscriber's name ("reader" when unknown).
    pub const NAME: &str = "[[pressroom:name]]";
    /// The subscriber's address.
    pub const ADDRESS: &str = "[[pressroom:address]]";
    /// The subscriber's one-click unsubscribe page.
    pub const UNSUBSCRIBE: &str = "[[pressroom:unsubscribe]]";
    /// The subscriber's preferences page ("Manage your subscription").
    pub const PREFERENCES: &str = "[[pressroom:preferences]]";
}

/// The whole page or message.
#[derive(Clone, Debug, Serialize)]
pub struct IssueView {
    /// The digest as a whole.
    pub site: Site,
    /// This issue.
    pub issue: IssueMeta,
    /// "Top stories".
    pub lead: Vec<StoryView>,
    /// The sections this audience chose, in order (empty ones left out).
    pub sections: Vec<SectionView>,
    /// The "Most read" rankings (now, today, this week), whatever the reader's sections.
    pub most_read: Vec<MostReadView>,
    /// Stories in this rendering, all blocks together.
    pub story_count: usize,
    /// The section stories the size budget left out of this email, if any: "N more
    /// stories in the archive", linking to the issue's page.
    pub more: Option<MoreView>,
    /// Who reads it.
    pub reader: ReaderView,
    /// Links of the footer.
    pub links: LinksView,
    /// The edition's digest feeds, for the archive page's `<link rel="alternate">`
    /// (null in emails, and for an edition no longer configured).
    pub feeds: Option<FeedLinks>,
    /// Unix time the issue was built for: `{{ago ts}}` counts from here.
    pub now: i64,
    /// IANA name of the time zone dates are shown in: `{{date ts "%H:%M"}}` uses it.
    pub tz: String,
    /// The rendering's language (BCP 47): `{{t}}`, `{{date}}` and `lang` attributes.
    pub lang: String,
}

/// The digest as a whole, as templates see it (`site.title`, `site.url`,
/// `site.language`) and as the feeds and links are built from. Made from the
/// configuration's `[site]` with `From`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    /// Title of the digest.
    pub title: String,
    /// Public address of the archive (ends in '/').
    pub url: String,
    /// The site's language (BCP 47); a rendering's own is `lang` at the root.
    pub language: String,
    /// The configured language of each outlet that has one, by outlet name (not shown:
    /// the views mark stories with it).
    #[serde(skip)]
    pub languages: std::collections::BTreeMap<String, String>,
    /// The digest's title by language, where `[site] title` gives one per language.
    #[serde(skip)]
    pub titles: std::collections::BTreeMap<String, String>,
    /// Each edition's titles by language, by edition id (where given per language).
    #[serde(skip)]
    pub edition_titles:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

impl Site {
    /// The digest's title in `language` (or its base language), else the default.
    fn title_in(&self, language: &Language) -> &str {
        in_language(&self.titles, language).unwrap_or(&self.title)
    }

    /// Edition `edition`'s title in `language`, else `default` (the frozen issue's).
    fn edition_title_in<'a>(
        &'a self,
        edition: &str,
        language: &Language,
        default: &'a str,
    ) -> &'a str {
        (self.edition_titles.get(edition))
            .and_then(|titles| in_language(titles, language))
            .unwrap_or(default)
    }
}

/// The title of `titles` in `language`, or in its base language.
fn in_language<'t>(
    titles: &'t std::collections::BTreeMap<String, String>,
    language: &Language,
) -> Option<&'t str> {
    (titles.get(language.as_str()))
        .or_else(|| titles.get(language.base().as_str()))
        .map(String::as_str)
}

impl From<&crate::config::Site> for Site {
    fn from(site: &crate::config::Site) -> Site {
        Site {
            title: site.title.clone(),
            url: site.base_url.to_string(),
            language: site.language.to_string(),
            languages: site.outlet_languages.clone(),
            titles: site.titles.clone(),
            edition_titles: site.edition_titles.clone(),
        }
    }
}

/// One issue.
#[derive(Clone, Debug, Serialize)]
pub struct IssueMeta {
    /// `morning/2026-11-27`.
    pub id: String,
    /// The edition's id, e.g. `morning`.
    pub edition: String,
    /// The edition's title, e.g. "Morning Review".
    pub title: String,
    /// The issue's date, spelled out: "Friday, 27 November 2026". It is the date the
    /// edition gave the issue in the site's zone, the same for every reader whatever
    /// their own zone.
    pub date: String,
    /// Its permanent page in the archive.
    pub url: String,
    /// The preheader: the line mail clients show after the subject.
    pub preheader: String,
}

/// One section of the rendering.
#[derive(Clone, Debug, Serialize)]
pub struct SectionView {
    /// Its id (for anchors).
    pub id: String,
    /// Its heading as configured (`[[sections]] title`), plain text.
    pub title: String,
    /// Its stories in score order, those the size budget left out removed.
    pub stories: Vec<StoryView>,
}

/// Who reads this rendering: placeholders filled per subscriber after rendering.
#[derive(Clone, Debug, Serialize)]
pub struct ReaderView {
    /// Their name, "reader" when the subscribers file gives none (a placeholder until
    /// delivery fills it in).
    pub name: String,
    /// Their address (a placeholder until delivery fills it in).
    pub address: String,
    /// Their time zone.
    pub time_zone: String,
}

/// Footer links.
#[derive(Clone, Debug, Serialize)]
pub struct LinksView {
    /// The archive's index.
    pub archive: String,
    /// This issue in a browser.
    pub view_online: String,
    /// One-click unsubscribe (a placeholder until delivery fills it in).
    pub unsubscribe: String,
    /// The reader's preferences page (a placeholder until delivery fills it in).
    pub preferences: String,
}

/// Who a rendering is for: subscribers sharing these get the same bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Audience {
    /// The sections they chose, in the edition's order (`None`: all).
    pub sections: Option<Vec<SectionId>>,
    /// Their time zone.
    pub time_zone: Tz,
    /// Their language.
    pub language: Language,
}

/// The view of `edition` for `audience`, its words from `catalogues`.
pub fn issue(
    edition: &Issue,
    audience: &Audience,
    site: &Site,
    catalogues: &Catalogues,
) -> IssueView {
    let words = catalogues.words(&audience.language);
    // The page is in the reader's language: text in another one is marked against it.
    let page = Site {
        language: audience.language.to_string(),
        ..site.clone()
    };
    let site = &page;
    let wanted = |id: &SectionId| audience.sections.as_ref().is_none_or(|s| s.contains(id));
    let lead: Vec<StoryView> = edition
        .lead
        .iter()
        .filter(|p| p.story.section.as_ref().is_none_or(wanted))
        .enumerate()
        .map(|(i, p)| story(p, edition, "top", i + 1, site))
        .collect();
    let sections: Vec<SectionView> = edition
        .sections
        .iter()
        .filter(|s| wanted(&s.id) && !s.picks.is_empty())
        .map(|s| SectionView {
            id: s.id.to_string(),
            title: safe(s.title_in(words.language())),
            stories: s
                .picks
                .iter()
                .enumerate()
                .map(|(i, p)| story(p, edition, s.id.as_str(), i + 1, site))
                .collect(),
        })
        .collect();
    let most_read = most_read::views(&edition.most_read, site);
    let story_count = lead.len() + sections.iter().map(|s| s.stories.len()).sum::<usize>();
    let issue_url = permalink(&site.url, &edition.id);
    let preheader = preheader(&lead, &sections);
    IssueView {
        site: Site {
            title: safe(site.title_in(&audience.language)),
            ..site.clone()
        },
        issue: IssueMeta {
            id: edition.id.to_string(),
            edition: edition.id.edition.to_string(),
            title: safe(site.edition_title_in(
                edition.id.edition.as_str(),
                &audience.language,
                &edition.title,
            )),
            date: issue_date(&edition.id, &words),
            url: issue_url.clone(),
            preheader,
        },
        lead,
        sections,
        most_read,
        story_count,
        more: None,
        reader: ReaderView {
            name: token::NAME.to_owned(),
            address: token::ADDRESS.to_owned(),
            time_zone: audience.time_zone.name().to_owned(),
        },
        links: LinksView {
            archive: site.url.clone(),
            view_online: issue_url,
            unsubscribe: token::UNSUBSCRIBE.to_owned(),
            preferences: token::PREFERENCES.to_owned(),
        },
        feeds: None,
        now: edition.built_at.timestamp(),
        tz: audience.time_zone.name().to_owned(),
        lang: audience.language.to_string(),
    }
}

/// What an email left out to stay under its size budget.
#[derive(Clone, Debug, Serialize)]
pub struct MoreView {
    /// How many section stories.
    pub count: usize,
    /// The issue's page, where they all are.
    pub url: String,
}

/// The day an issue is for, in words, with its time for an edition that fires more
/// than once a day: "Friday, 27 November 2026" or "Friday, 27 November 2026, 19:00"
/// (the patterns of messages `date-issue` and `date-issue-time`).
pub fn issue_date(id: &IssueId, words: &Words<'_>) -> String {
    words.day(id.date, id.time)
}

/// The permanent address of issue `id` in the archive: `{base_url}{edition}/{date}/`.
/// The archive writes the page there; the email's "view in browser" link and the
/// digest feed's entries point there.
pub fn permalink(base_url: &str, id: &IssueId) -> String {
    format!("{base_url}{}/", id.path())
}

/// A link for an `href`: only http(s), whatever reached the store (a second guard
/// behind ingest's canonical URLs).
fn web(url: Option<&str>) -> Option<String> {
    url.filter(|u| {
        let lower = u.trim_start().to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    })
    .map(str::to_owned)
}

/// Feed text can never forge a per-subscriber placeholder.
fn safe(text: &str) -> String {
    if text.contains("[[pressroom:") {
        text.replace("[[pressroom:", "[ [pressroom:")
    } else {
        text.to_owned()
    }
}

/// The first headlines, for the line mail clients show beside the subject.
fn preheader(lead: &[StoryView], sections: &[SectionView]) -> String {
    let titles: Vec<&str> = lead
        .iter()
        .chain(sections.iter().flat_map(|s| s.stories.iter()))
        .take(3)
        .map(|s| s.title.as_str())
        .collect();
    let mut line = titles.join(" · ");
    if line.chars().count() > 140 {
        line = line.chars().take(139).collect::<String>() + "…";
    }
    line
}
