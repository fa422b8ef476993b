//! The static HTML archive under `site.output`: one page per issue at a permalink
//! that never moves, `{output}/{edition}/{YYYY-MM-DD}/index.html`, served as
//! `{base_url}{edition}/{date}/` (the address the email's "view in browser" link and
//! the digest feed's entries use: [`view::permalink`]), and an index at
//! `{output}/index.html` listing every issue of every edition, newest first, with
//! each edition's feeds. Pages show every section, dated in the site's time zone.

use std::path::{Path, PathBuf};

use super::{OutputError, feeds, files};
use crate::{
    config::Plan,
    model::{Issue, IssueId, IssueSummary},
    render::{
        Audience, Renderer,
        view::{self, IndexedEdition, Site},
    },
};

/// The file of issue `id`'s page under `output`.
pub fn page_path(output: &Path, id: &IssueId) -> PathBuf {
    output.join(id.path()).join("index.html")
}

/// The file of the archive's index under `output`.
pub fn index_path(output: &Path) -> PathBuf {
    output.join("index.html")
}

/// Writes the page of `issue` and the index of `all` (the summaries of every issue;
/// `issue` is added if missing). Returns both files.
pub fn write(
    plan: &Plan,
    renderer: &Renderer,
    issue: &Issue,
    all: &[IssueSummary],
) -> Result<Vec<PathBuf>, OutputError> {
    let page = write_page(plan, renderer, issue)?;
    let index = if all.iter().any(|s| s.id == issue.id) {
        write_index(plan, renderer, all)?
    } else {
        let mut all = all.to_vec();
        all.push(IssueSummary::of(issue));
        write_index(plan, renderer, &all)?
    };
    Ok(vec![page, index])
}

/// Writes the page of `issue`, with every section, in the site's time zone, and
/// links to its edition's feeds (if the edition is still configured).
pub fn write_page(plan: &Plan, renderer: &Renderer, issue: &Issue) -> Result<PathBuf, OutputError> {
    let audience = Audience {
        sections: None,
        time_zone: plan.site.time_zone,
        language: plan.language_of(&issue.id.edition).clone(),
    };
    let site = Site::from(&plan.site);
    let mut view = view::issue(issue, &audience, &site, renderer.catalogues());
    view.feeds = (plan.edition(&issue.id.edition))
        .map(|e| feeds::links(&site.url, &feeds::digest_name(&e.id)));
    let html = renderer.archive_page(&view)?;
    let path = page_path(&plan.site.output, &issue.id);
    files::save(&path, html.as_bytes())?;
    Ok(path)
}

/// Writes the index of `issues`: the configured editions in order (with links to
/// the feeds of those that have issues), then editions no longer configured.
pub fn write_index(
    plan: &Plan,
    renderer: &Renderer,
    issues: &[IssueSummary],
) -> Result<PathBuf, OutputError> {
    let site = Site::from(&plan.site);
    let editions: Vec<IndexedEdition> = plan
        .editions
        .iter()
        .map(|e| IndexedEdition {
            id: e.id.clone(),
            title: e.title.clone(),
            feeds: issues
                .iter()
                .any(|s| s.id.edition == e.id)
                .then(|| feeds::links(&site.url, &feeds::digest_name(&e.id))),
        })
        .collect();
    let view = view::archive_index(
        &site,
        plan.site.time_zone,
        &editions,
        issues,
        renderer.catalogues(),
    );
    let html = renderer.archive_index(&view)?;
    let path = index_path(&plan.site.output);
    files::save(&path, html.as_bytes())?;
    Ok(path)
}
