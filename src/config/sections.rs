//! `[[sections]]`: the sections of the digest, in reading order; and the check of a
//! reference to one, which sources, editions and subscribers share.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{count, slug},
    problems::Problems,
};
use crate::{i18n::Language, model::SectionId};

/// `[[sections]]`: one section of the digest; their order in the file is the order
/// in which readers see them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Identifier: a-z, 0-9, '-' and '_' (used by sources, subscribers, templates).
    pub id: Spanned<String>,
    /// Heading shown to readers, e.g. "Politics & Diplomacy"; or one per language,
    /// e.g. `{ en = "World", ru = "В мире" }` (the site's language is the default).
    pub title: Spanned<Title>,
    /// Stories the section carries in an issue. Default 5.
    pub stories: Option<Spanned<i64>>,
    /// Feed categories (matched without regard to case) that place a story here.
    #[serde(default)]
    pub categories: Vec<String>,
}

/// One section of the digest.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The identifier sources, editions, subscribers and templates name it by.
    pub id: SectionId,
    /// The heading readers see above its stories, e.g. "Politics", in the site's
    /// language (or the first one given).
    pub title: String,
    /// Its heading in each language given, by tag (empty for a single title).
    pub titles: BTreeMap<String, String>,
    /// Stories it carries in an issue.
    pub stories: usize,
    /// Feed categories (lower-cased) that place a story here.
    pub categories: Vec<String>,
}

/// A heading (a section's, an edition's, the site's): one text, or one per language.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Title {
    /// The same in every language.
    One(String),
    /// By language tag.
    PerLanguage(BTreeMap<String, String>),
}

/// Checks the `[[sections]]` tables (`raw` holds each with its index in the file);
/// `language` is the site's, whose title is a section's default.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: Vec<(usize, RawSection)>,
    language: &Language,
) -> Vec<Section> {
    let mut seen = HashSet::new();
    let mut sections = Vec::new();
    for (i, section) in raw {
        let key = format!("sections[{i}]");
        let Some(id) = slug(p, &format!("{key}.id"), &section.id, SectionId::parse) else {
            continue;
        };
        if !seen.insert(id.clone()) {
            p.on(
                &section.id,
                format!("{key}.id"),
                format!("section \"{id}\" is defined twice"),
            );
            continue;
        }
        let stories = count(p, &format!("{key}.stories"), &section.stories, 1..=100, 5) as usize;
        let (title, titles) = title(p, &format!("{key}.title"), &section.title, language);
        sections.push(Section {
            id,
            title,
            titles,
            stories,
            categories: section
                .categories
                .iter()
                .map(|c| c.trim().to_lowercase())
                .collect(),
        });
    }
    if sections.is_empty() && p.is_empty() {
        p.general("sections", "at least one [[sections]] table is required");
    }
    sections
}

/// A reference to a section: a slug that names one of the `known` sections.
pub(super) fn reference(
    p: &mut Problems<'_>,
    key: &str,
    value: &Spanned<String>,
    known: &HashSet<SectionId>,
) -> Option<SectionId> {
    let id = slug(p, key, value, SectionId::parse)?;
    if known.contains(&id) {
        Some(id)
    } else {
        p.on(
            value,
            key,
            format!("no section \"{id}\" is defined in [[sections]]"),
        );
        None
    }
}

/// The default heading and the headings by language; each tag must be a language.
/// Sections, editions and the site give their titles this way.
pub(super) fn title(
    p: &mut Problems<'_>,
    key: &str,
    raw: &Spanned<Title>,
    language: &Language,
) -> (String, BTreeMap<String, String>) {
    let given = match raw.get_ref() {
        Title::One(text) => return (text.clone(), BTreeMap::new()),
        Title::PerLanguage(given) => given,
    };
    let mut titles = BTreeMap::new();
    for (tag, text) in given {
        match Language::parse(tag) {
            Ok(tag) => {
                titles.insert(tag.to_string(), text.clone());
            }
            Err(message) => p.on(raw, format!("{key}.{tag}"), message),
        }
    }
    let default = (titles.get(language.as_str()))
        .or_else(|| titles.get(language.base().as_str()))
        .or_else(|| titles.values().next());
    match default {
        Some(text) => (text.clone(), titles.clone()),
        None => {
            p.on(raw, key.to_owned(), "give at least one title");
            (String::new(), titles)
        }
    }
}
