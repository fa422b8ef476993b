//! The "Most read" rankings as templates see them: one block per span, each a
//! numbered list of headlines linking to the stories.

use serde::Serialize;

use super::{Site, lang, safe, web};
use crate::model::MostReadList;

/// One most-read ranking.
#[derive(Clone, Debug, Serialize)]
pub struct MostReadView {
    /// `now`, `today` or `week`: the message `most-read` words the heading.
    pub window: String,
    /// The block's anchor in the page: `most-read-now`.
    pub anchor: String,
    /// The stories, most read first.
    pub items: Vec<MostReadItemView>,
}

/// One story of a ranking.
#[derive(Clone, Debug, Serialize)]
pub struct MostReadItemView {
    /// Its place, from 1.
    pub rank: u32,
    /// The story's headline (plain text; templates escape it).
    pub title: String,
    /// The language of the headline when not the page's (BCP 47), or null.
    pub lang: Option<String>,
    /// Link (http and https only).
    pub url: Option<String>,
    /// The outlet that published it.
    pub outlet: String,
    /// The language of the outlet's name when not the page's, or null.
    pub outlet_lang: Option<String>,
}

/// The views of an issue's rankings (empty ones left out), on a page of `site`.
pub fn views(lists: &[MostReadList], site: &Site) -> Vec<MostReadView> {
    (lists.iter())
        .filter(|l| !l.entries.is_empty())
        .map(|l| MostReadView {
            window: l.window.name().to_owned(),
            anchor: format!("most-read-{}", l.window.name()),
            items: (l.entries.iter())
                .map(|e| MostReadItemView {
                    rank: e.rank,
                    title: safe(&e.title),
                    lang: lang::of_outlet(&e.title, &e.outlet, site),
                    url: web(e.url.as_deref()),
                    outlet: safe(&e.outlet),
                    outlet_lang: lang::mark(&e.outlet, &site.language),
                })
                .collect(),
        })
        .collect()
}
