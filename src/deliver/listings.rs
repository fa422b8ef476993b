//! The archive's topic and section pages (`{output}/topics/<slug>/index.html`,
//! `{output}/sections/<id>/index.html`) and their index (`{output}/topics/index.html`),
//! rewritten from every frozen issue whenever one is published; a page whose bytes
//! would not change is left alone. Static, like the rest of the archive.
//!
//! Made from the newest [`LISTED_ISSUES`] issues, not every one: the work and the
//! memory of a publish, and the pages' length, would otherwise grow with every issue
//! for as long as the digest runs (1,095 daily issues of the demo: 241 MB and 49 MB of
//! pages rewritten at each publish). Older stories stay on their issue pages, in the
//! archive's index and in the search; a topic page no newer issue touches is left as it
//! was, so the links to it keep working.

use std::path::PathBuf;

use super::{OutputError, files};
use crate::{
    config::Plan,
    model::Issue,
    render::{
        Renderer,
        view::{Site, listings},
    },
};

/// How many issues, the newest, the listing pages are made from: about three months
/// of a daily edition.
pub const LISTED_ISSUES: usize = 90;

/// Writes every listing page of `issues` under the output folder; returns the files.
/// `recent_issues` is 0 when `issues` are every issue, else their number (the pages
/// say that older issues were left out).
pub fn write(
    plan: &Plan,
    renderer: &Renderer,
    issues: &[Issue],
    recent_issues: usize,
) -> Result<Vec<PathBuf>, OutputError> {
    let site = Site::from(&plan.site);
    let mut pages = Vec::new();
    for (path, view) in listings(&site, issues, recent_issues, renderer.catalogues()) {
        let html = renderer.listing(&view)?;
        pages.push((
            plan.site.output.join(path).join("index.html"),
            html.into_bytes(),
        ));
    }
    files::save_all(&pages)?;
    Ok(pages.into_iter().map(|(file, _)| file).collect())
}
