//! `publish`: one issue, from feeds to inboxes. It reads as the pipeline does:
//! ingest → build (rank, freeze) → deliver (each channel of [`deliver::channels`]
//! in turn: archive, feeds, then email).
//!
//! Running it again for the same issue resumes: the frozen issue is reused, never
//! rebuilt, and the outbox sends only what has not been sent.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::{
    config::Plan,
    deliver::{self, ChannelError, Job, email::EmailReport},
    ingest::{self, IngestError, IngestReport},
    issue,
    model::{Issue, IssueId},
    render::{RenderError, Renderer},
    store::{Store, StoreError},
    time::Clock,
};

/// How to publish.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The edition (default: the first configured).
    pub edition: Option<String>,
    /// Fetch feeds and signals first.
    pub fetch: bool,
    /// Show progress bars (on a terminal).
    pub progress: bool,
    /// The date of the issue (default: today in the site's zone). The daemon passes the
    /// date of the fire it is serving, so a late run publishes the issue it missed.
    pub date: Option<chrono::NaiveDate>,
}

/// What can stop a publish run as a whole.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The edition does not exist.
    #[error("{0}")]
    Edition(String),
    /// Ingest could not run.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The state file could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The templates could not be loaded.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A delivery channel could not run (email, or writing the archive or feeds).
    #[error(transparent)]
    Deliver(#[from] ChannelError),
}

/// What a publish run did, stage by stage.
#[derive(Debug)]
pub struct Report {
    /// The issue published.
    pub issue: IssueId,
    /// Whether this run built it (false: it was frozen by an earlier run).
    pub built: bool,
    /// Ingest, if it ran.
    pub ingest: Option<IngestReport>,
    /// Email, if configured.
    pub email: Option<EmailReport>,
    /// Feed and archive files written (unchanged files are left alone).
    pub written: Vec<std::path::PathBuf>,
    /// Wall time of each stage, for the log.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Report {
    /// Whether anything failed while the rest went through (exit code 2).
    pub fn partial(&self) -> bool {
        let ingest = self
            .ingest
            .as_ref()
            .is_some_and(|r| r.failures().next().is_some());
        let email = self
            .email
            .as_ref()
            .is_some_and(|r| r.failed + r.deferred > 0);
        ingest || email
    }
}

/// Publishes today's issue of an edition.
pub async fn publish(
    plan: &Plan,
    clock: &Clock,
    options: &Options,
    stop: watch::Receiver<bool>,
) -> Result<Report, PublishError> {
    let edition_plan =
        issue::edition(plan, options.edition.as_deref()).map_err(PublishError::Edition)?;
    let mut timings = Vec::new();
    let mut store = Store::open(&plan.site.state)?;

    let started = Instant::now();
    let ingest = match options.fetch {
        true => {
            let opts = ingest::Options {
                force: false,
                progress: options.progress,
            };
            Some(ingest::ingest(plan, &mut store, clock, &opts).await?)
        }
        false => None,
    };
    timings.push(("ingest", started.elapsed()));

    let started = Instant::now();
    let renderer = Renderer::new(plan.site.templates.as_deref())?;
    let (edition, built) = build(plan, &mut store, edition_plan, clock, options.date)?;
    timings.push(("rank", started.elapsed()));

    drop(store);

    // Each channel in turn; the archive comes first: email links there.
    let job = Job {
        plan,
        edition: edition_plan,
        issue: &edition,
        renderer: &renderer,
        clock,
        stop,
    };
    let mut written = Vec::new();
    let mut email = None;
    for channel in deliver::channels(plan) {
        let started = Instant::now();
        let delivered = channel.deliver(&job).await?;
        timings.push((channel.name(), started.elapsed()));
        written.extend(delivered.files);
        if channel.name() == deliver::email::CHANNEL {
            email = delivered.messages;
        }
    }

    Ok(Report {
        issue: edition.id.clone(),
        built,
        ingest,
        email,
        written,
        timings,
    })
}

/// Today's issue: the frozen one if an earlier run built it, else built and frozen now.
fn build(
    plan: &Plan,
    store: &mut Store,
    edition_plan: &crate::config::EditionPlan,
    clock: &Clock,
    date: Option<chrono::NaiveDate>,
) -> Result<(Issue, bool), StoreError> {
    let now = clock.now();
    let mut id = issue::issue_at(plan, edition_plan, now);
    if let Some(date) = date {
        id.date = date;
    }
    if let Some(frozen) = store.issue(&id)? {
        return Ok((frozen, false));
    }
    let edition = issue::assemble(plan, edition_plan, store, id, now)?;
    let mut writer = store.writer()?;
    let frozen = writer.freeze(&edition)?;
    writer.commit()?;
    Ok((frozen, true))
}
