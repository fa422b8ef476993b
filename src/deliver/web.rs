//! The web outlets together: what `publish` calls once an issue is frozen. Loads
//! what the archive's index and the feeds need from the store, then writes the
//! issue's archive page, the index and its edition's feeds.

use std::path::PathBuf;

use super::{DeliverError, archive, feeds};
use crate::{
    config::Plan,
    model::{Issue, IssueSummary},
    render::Renderer,
    store::Store,
};

/// Writes the archive page of `issue`, the archive's index, and the feeds of its
/// edition (its last [`feeds::RECENT`] issues, `issue` among them even if it is not
/// frozen yet). An issue of an edition no longer configured gets its page and the
/// index, no feeds. Returns every file written or confirmed unchanged.
pub fn write(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
    issue: &Issue,
) -> Result<Vec<PathBuf>, DeliverError> {
    let summaries = store.issue_summaries()?;
    let mut files = archive::write(plan, renderer, issue, &summaries)?;
    if let Some(edition) = plan.edition(&issue.id.edition) {
        let mut recent = store.recent_issues(&edition.id, feeds::RECENT)?;
        if !recent.iter().any(|e| e.id == issue.id) {
            recent.push(issue.clone());
        }
        files.extend(feeds::write(plan, renderer, edition, &recent)?);
    }
    Ok(files)
}

/// Rewrites every archive page, the index and every configured edition's feeds from
/// the store (after a template change, or into a fresh output folder).
pub fn write_all(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
) -> Result<Vec<PathBuf>, DeliverError> {
    let summaries: Vec<IssueSummary> = store.issue_summaries()?;
    let mut files = Vec::with_capacity(summaries.len() + 1);
    for summary in &summaries {
        if let Some(issue) = store.issue(&summary.id)? {
            files.push(archive::write_page(plan, renderer, &issue)?);
        }
    }
    files.push(archive::write_index(plan, renderer, &summaries)?);
    for edition in &plan.editions {
        let recent = store.recent_issues(&edition.id, feeds::RECENT)?;
        files.extend(feeds::write(plan, renderer, edition, &recent)?);
    }
    Ok(files)
}
