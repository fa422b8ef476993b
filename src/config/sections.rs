//! `[[sections]]`: the sections of the digest, in reading order; and the check of a
//! reference to one, which sources, editions and subscribers share.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{count, slug},
    problems::Problems,
};
use crate::model::SectionId;

/// `[[sections]]`: one section of the digest; their order in the file is the order
/// in which readers see them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Identifier: a-z, 0-9, '-' and '_' (used by sources, subscribers, templates).
    pub id: Spanned<String>,
    /// Heading shown to readers, e.g. "Politics & Diplomacy".
    pub title: String,
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
    /// The heading readers see above its stories, e.g. "Politics".
    pub title: String,
    /// Stories it carries in an issue.
    pub stories: usize,
    /// Feed categories (lower-cased) that place a story here.
    pub categories: Vec<String>,
}

/// Checks the `[[sections]]` tables (`raw` holds each with its index in the file).
pub(super) fn compile(p: &mut Problems<'_>, raw: Vec<(usize, RawSection)>) -> Vec<Section> {
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
        sections.push(Section {
            id,
            title: section.title,
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
