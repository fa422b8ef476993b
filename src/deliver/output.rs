//! The output folder's channels: [`Archive`] (an issue's page, the archive's
//! index, the topic and section pages) and [`Feeds`] (its edition's feeds), each
//! loading what it needs from the store and handing it to the writers in [`archive`],
//! [`listings`] and [`feeds`]. Also the same
//! writes without a run: [`write`] for one issue, [`write_all`] for everything.

use std::path::PathBuf;

use futures_util::future::BoxFuture;

use super::{Channel, ChannelError, Delivered, Job, OutputError, archive, feeds, listings};
use crate::{
    config::Plan,
    model::{Issue, IssueSummary},
    render::Renderer,
    store::Store,
};

/// The archive as a channel: the issue's page and the index.
pub struct Archive;

/// The feeds as a channel: the digest and section feeds of the issue's edition.
pub struct Feeds;

impl Channel for Archive {
    fn name(&self) -> &'static str {
        "archive"
    }

    fn deliver<'a>(&'a self, job: &'a Job<'a>) -> BoxFuture<'a, Result<Delivered, ChannelError>> {
        Box::pin(async move {
            let files = Store::open(&job.plan.site.state)
                .map_err(OutputError::from)
                .and_then(|store| write_archive(job.plan, job.renderer, &store, job.issue))
                .map_err(|e| ChannelError::new(self.name(), e))?;
            Ok(Delivered {
                files,
                messages: None,
            })
        })
    }
}

impl Channel for Feeds {
    fn name(&self) -> &'static str {
        "feeds"
    }

    fn deliver<'a>(&'a self, job: &'a Job<'a>) -> BoxFuture<'a, Result<Delivered, ChannelError>> {
        Box::pin(async move {
            let files = Store::open(&job.plan.site.state)
                .map_err(OutputError::from)
                .and_then(|store| write_feeds(job.plan, job.renderer, &store, job.issue))
                .map_err(|e| ChannelError::new(self.name(), e))?;
            Ok(Delivered {
                files,
                messages: None,
            })
        })
    }
}

/// Writes the archive page of `issue`, the archive's index, and the feeds of its
/// edition (its last [`feeds::RECENT`] issues, `issue` among them even if it is not
/// frozen yet). An issue of an edition no longer configured gets its page and the
/// index, no feeds. Returns every file written or confirmed unchanged.
pub fn write(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
    issue: &Issue,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut files = write_archive(plan, renderer, store, issue)?;
    files.extend(write_feeds(plan, renderer, store, issue)?);
    Ok(files)
}

/// The archive page of `issue` and the index of every issue in the store.
fn write_archive(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
    issue: &Issue,
) -> Result<Vec<PathBuf>, OutputError> {
    let summaries = store.issue_summaries()?;
    let mut files = archive::write(plan, renderer, issue, &summaries)?;
    files.extend(write_listings(
        plan,
        renderer,
        store,
        &summaries,
        Some(issue),
    )?);
    Ok(files)
}

/// The topic and section pages of the newest [`listings::LISTED_ISSUES`] issues:
/// `issue` (if it is not frozen yet) and the frozen ones of `summaries` (newest first).
fn write_listings(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
    summaries: &[IssueSummary],
    issue: Option<&Issue>,
) -> Result<Vec<PathBuf>, OutputError> {
    let issue = issue.filter(|i| !summaries.iter().any(|s| s.id == i.id));
    let total = summaries.len() + usize::from(issue.is_some());
    let frozen = listings::LISTED_ISSUES - usize::from(issue.is_some());
    let mut issues = Vec::with_capacity(total.min(listings::LISTED_ISSUES));
    for summary in summaries.iter().take(frozen) {
        if let Some(frozen) = store.issue(&summary.id)? {
            issues.push(frozen);
        }
    }
    issues.extend(issue.cloned());
    let recent = if total > listings::LISTED_ISSUES {
        issues.len()
    } else {
        0
    };
    listings::write(plan, renderer, &issues, recent)
}

/// The feeds of `issue`'s edition, if it is still configured.
fn write_feeds(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
    issue: &Issue,
) -> Result<Vec<PathBuf>, OutputError> {
    let Some(edition) = plan.edition(&issue.id.edition) else {
        return Ok(Vec::new());
    };
    let mut recent = store.recent_issues(&edition.id, feeds::RECENT)?;
    if !recent.iter().any(|e| e.id == issue.id) {
        recent.push(issue.clone());
    }
    feeds::write(plan, renderer, edition, &recent)
}

/// Rewrites every archive page, the index and every configured edition's feeds from
/// the store (after a template change, or into a fresh output folder).
pub fn write_all(
    plan: &Plan,
    renderer: &Renderer,
    store: &Store,
) -> Result<Vec<PathBuf>, OutputError> {
    let summaries: Vec<IssueSummary> = store.issue_summaries()?;
    let mut files = Vec::with_capacity(summaries.len() + 1);
    for summary in &summaries {
        if let Some(issue) = store.issue(&summary.id)? {
            files.push(archive::write_page(plan, renderer, &issue)?);
        }
    }
    files.push(archive::write_index(plan, renderer, &summaries)?);
    files.extend(write_listings(plan, renderer, store, &summaries, None)?);
    for edition in &plan.editions {
        let recent = store.recent_issues(&edition.id, feeds::RECENT)?;
        files.extend(feeds::write(plan, renderer, edition, &recent)?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan writing into a temporary folder, the built-in templates, an empty store.
    fn project() -> (tempfile::TempDir, Plan, Renderer, Store) {
        let dir = tempfile::tempdir().unwrap();
        let text = "[[sections]]\nid = \"politics\"\ntitle = \"Politics\"\n[[sources]]\nid = \"s\"\nname = \"S\"\nurl = \"https://s.example/rss\"\n";
        let plan = crate::config::parse(text, &dir.path().join("pressroom.toml")).unwrap();
        (
            dir,
            plan,
            Renderer::new(None).unwrap(),
            Store::open_in_memory().unwrap(),
        )
    }

    /// The sample issue moved `back` days before 2026-11-27.
    fn issue_before(back: usize) -> Issue {
        let mut issue = crate::render::sample::edition();
        let days = chrono::Duration::days(i64::try_from(back).unwrap());
        issue.id.date -= days;
        issue.built_at -= days;
        issue.window_start -= days;
        issue
    }

    /// Freezes `issues` and writes the listing pages of the store.
    fn freeze_and_list(plan: &Plan, renderer: &Renderer, store: &mut Store, issues: &[Issue]) {
        let mut writer = store.writer().unwrap();
        for issue in issues {
            writer.freeze(issue, issue.built_at).unwrap();
        }
        writer.commit().unwrap();
        let summaries = store.issue_summaries().unwrap();
        write_listings(plan, renderer, store, &summaries, None).unwrap();
    }

    /// The listing pages of `count` daily issues, the newest on 2026-11-27; returns
    /// the first section's page and the index of topics and sections.
    fn pages_of(count: usize) -> (String, String) {
        let (_dir, plan, renderer, mut store) = project();
        let issues: Vec<Issue> = (0..count).map(issue_before).collect();
        freeze_and_list(&plan, &renderer, &mut store, &issues);
        let read = |path: &str| std::fs::read_to_string(plan.site.output.join(path)).unwrap();
        let section = &issues[0].sections[0].id;
        (
            read(&format!("sections/{section}/index.html")),
            read("topics/index.html"),
        )
    }

    #[test]
    fn a_topic_page_no_newer_issue_touches_is_left_as_it_was() {
        let (_dir, plan, renderer, mut store) = project();
        let last = listings::LISTED_ISSUES;
        let mut old = issue_before(last);
        old.lead[0].story.topics = vec!["Long ago".to_owned()];
        freeze_and_list(&plan, &renderer, &mut store, &[old]);
        let page = plan.site.output.join("topics/long-ago/index.html");
        let before = std::fs::read(&page).unwrap();

        // The newest issues, none under that topic, push it out of the listings.
        let newer: Vec<Issue> = (0..last).map(issue_before).collect();
        freeze_and_list(&plan, &renderer, &mut store, &newer);
        assert_eq!(std::fs::read(&page).unwrap(), before, "the page changed");
        let index = std::fs::read_to_string(plan.site.output.join("topics/index.html")).unwrap();
        assert!(!index.contains("topics/long-ago/"), "still on the index");
    }

    #[test]
    fn listing_pages_are_made_from_the_newest_issues_and_say_so() {
        let last = listings::LISTED_ISSUES;
        let date = |back: usize| {
            let days = chrono::Duration::days(i64::try_from(back).unwrap());
            (crate::render::sample::edition().id.date - days)
                .format("datetime=\"%Y-%m-%d\"")
                .to_string()
        };
        let note = format!("From the newest {last} issues");

        // Every issue fits: all listed, no note.
        let (page, index) = pages_of(last);
        assert!(page.contains(&date(0)) && page.contains(&date(last - 1)));
        assert!(!page.contains("From the newest") && !index.contains("From the newest"));

        // One more: the oldest is left out, and the pages say from how many.
        let (page, index) = pages_of(last + 1);
        assert!(page.contains(&date(0)) && page.contains(&date(last - 1)));
        assert!(!page.contains(&date(last)), "the oldest issue is listed");
        assert!(page.contains(&note) && index.contains(&note), "{page}");
    }
}
