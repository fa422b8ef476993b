//! The archive's topic and section pages: every story that an issue carried under a
//! topic (or in a section), across issues, newest first, each linking to the issue
//! page that carried it; and the index of topics and sections. Built from frozen
//! issues; static like the rest of the archive.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Site, issue_date, permalink, safe, web};
use crate::{
    i18n::{Catalogues, Language},
    model::{Issue, hex},
};

/// One listing page (a topic's, a section's, or the index of them).
#[derive(Clone, Debug, Serialize)]
pub struct ListingView {
    /// The digest as a whole.
    pub site: Site,
    /// `topic`, `section`, or `index` (of topics and sections): the message
    /// `listing-kind` words it.
    pub kind: String,
    /// The topic's or section's name (empty on the index).
    pub name: String,
    /// The stories, newest issue first.
    pub stories: Vec<ListedStoryView>,
    /// How many.
    pub story_count: usize,
    /// On the index: every topic and section page.
    pub pages: Vec<ListingLinkView>,
    /// The index of topics and sections.
    pub index_url: String,
    /// The page's language (the site's): `{{t}}` writes in it.
    pub lang: String,
    /// When older issues were left out: how many issues the page is made from (the
    /// newest ones); 0 when it is made from every issue.
    pub recent_issues: usize,
}

/// One story on a listing page.
#[derive(Clone, Debug, Serialize)]
pub struct ListedStoryView {
    /// Its headline.
    pub title: String,
    /// The outlet's article, if it is a web link.
    pub url: Option<String>,
    /// The outlet.
    pub outlet: String,
    /// The issue page that carried it.
    pub issue_url: String,
    /// That issue's date spelled out.
    pub issue_day: String,
    /// That issue's date as `2026-11-27`.
    pub iso_date: String,
}

/// A link to one listing page from the index.
#[derive(Clone, Debug, Serialize)]
pub struct ListingLinkView {
    /// The topic's or section's name.
    pub name: String,
    /// Its page.
    pub url: String,
    /// Stories on it.
    pub count: usize,
}

/// The path part of a topic's page: its name in lower-case ASCII letters and digits
/// joined by '-' (at most 48 characters); a name with fewer than two of those (a
/// topic in another script) is `t-` and a hash of it, so every topic has a page.
pub fn topic_slug(topic: &str) -> String {
    let mut slug = String::new();
    for c in topic.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(48).collect();
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.chars().filter(char::is_ascii_alphanumeric).count() >= 2 {
        return slug;
    }
    let digest = Sha256::digest(topic.trim().to_lowercase().as_bytes());
    format!("t-{}", hex(&digest[..6]))
}

/// Every listing page of `issues`: `("topics/<slug>", view)` per topic,
/// `("sections/<id>", view)` per section, and `("topics", index)`. `recent_issues`
/// is 0 when `issues` are every issue, else their number (the pages say so).
pub fn listings(
    site: &Site,
    issues: &[Issue],
    recent_issues: usize,
    catalogues: &Catalogues,
) -> Vec<(String, ListingView)> {
    let language = Language::parse(&site.language).unwrap_or_else(|_| Language::english());
    let words = catalogues.words(&language);
    let mut sorted: Vec<&Issue> = issues.iter().collect();
    sorted.sort_by_key(|i| std::cmp::Reverse(i.built_at));
    // path → (kind, name, stories)
    let mut pages: BTreeMap<String, (&str, String, Vec<ListedStoryView>)> = BTreeMap::new();
    for issue in sorted {
        let issue_url = permalink(&site.url, &issue.id);
        // A lead story is listed on its section's page too.
        let block_of = |pick: &crate::model::Pick| {
            let id = pick.story.section.as_ref()?;
            issue.sections.iter().find(|s| &s.id == id)
        };
        let sections = issue
            .sections
            .iter()
            .flat_map(|s| s.picks.iter().map(move |p| (Some(s), p)));
        let lead = issue.lead.iter().map(|p| (block_of(p), p));
        for (section, pick) in lead.chain(sections) {
            let listed = ListedStoryView {
                title: safe(&pick.story.title),
                url: web(pick.story.url.as_deref()),
                outlet: safe(&pick.outlet),
                issue_url: issue_url.clone(),
                issue_day: issue_date(&issue.id, &words),
                iso_date: issue.id.date.format("%Y-%m-%d").to_string(),
            };
            if let Some(section) = section {
                pages
                    .entry(format!("sections/{}", section.id))
                    .or_insert_with(|| ("section", safe(section.title_in(&language)), Vec::new()))
                    .2
                    .push(listed.clone());
            }
            let mut seen = Vec::new();
            for topic in &pick.story.topics {
                let slug = topic_slug(topic);
                if topic.trim().is_empty() || seen.contains(&slug) {
                    continue;
                }
                seen.push(slug.clone());
                pages
                    .entry(format!("topics/{slug}"))
                    .or_insert_with(|| ("topic", safe(topic.trim()), Vec::new()))
                    .2
                    .push(listed.clone());
            }
        }
    }
    let index_url = format!("{}topics/", site.url);
    let mut links: Vec<ListingLinkView> = pages
        .iter()
        .map(|(path, (_, name, stories))| ListingLinkView {
            name: name.clone(),
            url: format!("{}{path}/", site.url),
            count: stories.len(),
        })
        .collect();
    // Sections first (by name), then topics by name.
    links.sort_by_key(|l| (!l.url.contains("/sections/"), l.name.to_lowercase()));
    let site = Site {
        title: safe(&site.title),
        ..site.clone()
    };
    let view = |kind: &str, name: String, stories: Vec<ListedStoryView>, pages| ListingView {
        site: site.clone(),
        kind: kind.to_owned(),
        name,
        story_count: stories.len(),
        stories,
        pages,
        index_url: index_url.clone(),
        lang: language.to_string(),
        recent_issues,
    };
    let mut out: Vec<(String, ListingView)> = pages
        .into_iter()
        .map(|(path, (kind, name, stories))| (path, view(kind, name, stories, Vec::new())))
        .collect();
    out.push((
        "topics".to_owned(),
        view("index", String::new(), Vec::new(), links),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_lists_its_stories_across_issues_newest_first() {
        let first = crate::render::sample::edition();
        let mut second = first.clone();
        second.id.date = second.id.date.succ_opt().unwrap();
        second.built_at += chrono::Duration::days(1);
        for pick in second.lead.iter_mut() {
            pick.story.title = format!("Day two: {}", pick.story.title);
        }
        let topic = first
            .lead
            .iter()
            .flat_map(|p| p.story.topics.iter())
            .next()
            .expect("the sample's lead has a topic")
            .clone();
        let site = Site {
            title: "Review".into(),
            url: "https://review.example/".into(),
            language: "en".into(),
            languages: Default::default(),
            titles: Default::default(),
            edition_titles: Default::default(),
        };
        // Given oldest first: listed newest first all the same.
        let pages = listings(
            &site,
            &[first.clone(), second.clone()],
            0,
            &Catalogues::builtin(),
        );
        let path = format!("topics/{}", topic_slug(&topic));
        let (_, page) = pages
            .iter()
            .find(|(p, _)| *p == path)
            .expect("the topic's page");
        assert_eq!(page.name, topic.trim());
        assert_eq!(page.story_count, page.stories.len());
        let days: Vec<&str> = page.stories.iter().map(|s| s.iso_date.as_str()).collect();
        let mut sorted = days.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(days, sorted);
        assert!(
            days.contains(&"2026-11-28") && days.contains(&"2026-11-27"),
            "{days:?}"
        );
        assert!(page.stories[0].issue_url.ends_with("/2026-11-28/"));
        // Every section with stories has a page; the index links every page.
        let section = &first.sections[0];
        assert!(
            pages
                .iter()
                .any(|(p, _)| *p == format!("sections/{}", section.id))
        );
        let (_, index) = pages.iter().find(|(p, _)| p == "topics").unwrap();
        assert_eq!(index.pages.len(), pages.len() - 1);
        assert!(index.pages[0].url.contains("/sections/"));
    }

    #[test]
    fn topic_slugs_are_safe_in_a_path_and_never_empty() {
        assert_eq!(topic_slug("Climate Change"), "climate-change");
        assert_eq!(topic_slug("  EU/NATO summit! "), "eu-nato-summit");
        assert_eq!(topic_slug("../../etc"), "etc");
        let russian = topic_slug("Экономика");
        assert!(
            russian.starts_with("t-") && russian.len() == 14,
            "{russian}"
        );
        assert_eq!(russian, topic_slug("экономика"));
        assert_ne!(russian, topic_slug("Политика"));
        assert!(topic_slug(&"a".repeat(200)).len() <= 48);
    }
}
