//! `publish`: one issue, from feeds to inboxes. It reads as the pipeline does:
//! ingest → build (rank, hold or freeze) → deliver (each channel of
//! [`deliver::channels`] in turn: archive, feeds, then email).
//!
//! The issue is the one due at the clock (the edition's last fire), or the one the
//! daemon's fire names. Running it again for the same issue resumes: the frozen issue
//! is reused, never rebuilt, and the outbox sends only what has not been sent. An issue
//! too thin to send (or built from data no fetch refreshed in its window) is held:
//! recorded with its reason, nothing written or sent, unless forced.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::{
    config::Plan,
    deliver::{self, ChannelError, Job, email::EmailReport, feeds},
    ingest::{self, IngestError, IngestReport},
    issue::{self, Due},
    model::{Issue, IssueId},
    render::{Audience, RenderError, Renderer, view},
    store::{Held, Store, StoreError},
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
    /// The issue and its instant (default: the one due at the clock). The daemon passes
    /// the fire it is serving, so a late run publishes the issue it missed.
    pub due: Option<Due>,
    /// Send the issue even if it is too thin (`min_stories`) or its data is stale.
    pub force: bool,
    /// Where each message's outcome is counted as it happens (the daemon's metrics).
    pub tally: Option<std::sync::Arc<deliver::tally::Tally>>,
}

/// What can stop a publish run as a whole.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The edition does not exist.
    #[error("{0}")]
    Edition(String),
    /// No issue of the edition is due yet.
    #[error("no issue of {edition} is due yet: the first is {first} at {at}")]
    NotDue {
        /// The edition's id, e.g. "morning".
        edition: String,
        /// Its first issue.
        first: IssueId,
        /// That issue's instant.
        at: chrono::DateTime<chrono::Utc>,
    },
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
    /// Why it was held instead of sent, if it was (nothing was written or sent).
    pub held: Option<Held>,
    /// Ingest, if it ran.
    pub ingest: Option<IngestReport>,
    /// Email, if configured.
    pub email: Option<EmailReport>,
    /// Feed and archive files written (unchanged files are left alone).
    pub written: Vec<std::path::PathBuf>,
    /// Wall time of each stage, for the log.
    pub timings: Vec<(&'static str, Duration)>,
}

impl PublishError {
    /// The template that failed, if that is what stopped the run: a configuration
    /// problem (exit 78), not a failure of the run.
    pub fn template(&self) -> Option<&RenderError> {
        match self {
            PublishError::Render(e) => Some(e),
            PublishError::Deliver(e) => e.template(),
            _ => None,
        }
    }
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
            .is_some_and(|r| r.failed + r.refused + r.deferred > 0 || r.halted.is_some());
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
    // Readers kept in the store join the file's: one list from here on.
    let merged = crate::subscribers::with_store(plan, &store)?;
    let plan: &Plan = &merged;

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
    let due = match &options.due {
        Some(due) => due.clone(),
        None => issue::when::due(plan, edition_plan, clock.now()).ok_or_else(|| {
            let first = issue::when::following(plan, edition_plan, clock.now());
            PublishError::NotDue {
                edition: edition_plan.id.to_string(),
                first: first.id,
                at: first.at,
            }
        })?,
    };
    let built = build(
        &mut store,
        plan,
        &renderer,
        edition_plan,
        &due,
        clock,
        options.force,
    )?;
    timings.push(("rank", started.elapsed()));
    let (edition, built) = match built {
        Built::Frozen(edition, built) => (edition, built),
        Built::Held(held) => {
            return Ok(Report {
                issue: due.id,
                built: false,
                held: Some(held),
                ingest,
                email: None,
                written: Vec::new(),
                timings,
            });
        }
    };

    drop(store);

    // Each channel in turn; the archive comes first: email links there.
    let job = Job {
        plan,
        edition: edition_plan,
        issue: &edition,
        renderer: &renderer,
        clock,
        stop,
        tally: options.tally.as_deref(),
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
        held: None,
        ingest,
        email,
        written,
        timings,
    })
}

/// What building an issue came to.
enum Built {
    /// The issue, and whether this run froze it (false: an earlier run did).
    Frozen(Issue, bool),
    /// Held instead of sent: too thin, or stale.
    Held(Held),
}

/// Issue `due`: the frozen one if an earlier run built it; else assembled now, and
/// held (recorded, nothing frozen) if too thin or stale unless `force`, else rendered
/// once (a template that fails stops the run before anything is frozen) and frozen.
fn build(
    store: &mut Store,
    plan: &Plan,
    renderer: &Renderer,
    edition_plan: &crate::config::EditionPlan,
    due: &Due,
    clock: &Clock,
    force: bool,
) -> Result<Built, PublishError> {
    if let Some(frozen) = store.issue(&due.id)? {
        return Ok(Built::Frozen(frozen, false));
    }
    let edition = issue::assemble_keeping_tokens(plan, edition_plan, store, due)?;
    let reason = match force {
        true => None,
        false => issue::hold_reason(edition_plan, store, &edition)?,
    };
    if let Some(reason) = reason {
        let held = Held {
            id: due.id.clone(),
            instant: due.at,
            stories: edition.story_count(),
            reason,
            at: clock.now(),
        };
        let mut writer = store.writer()?;
        writer.hold(&held)?;
        writer.commit()?;
        return Ok(Built::Held(held));
    }
    // The rehearsal and the freezing's transaction at once, committed only if every
    // template rendered.
    let (rehearsed, frozen) = std::thread::scope(|scope| {
        let rehearsal = scope.spawn(|| rehearse(plan, renderer, &edition));
        let frozen = store.writer().and_then(|mut writer| {
            let frozen = writer.freeze(&edition, clock.now())?;
            Ok((writer, frozen))
        });
        (rehearsal.join().expect("rendering does not panic"), frozen)
    });
    rehearsed?;
    let (writer, frozen) = frozen?;
    writer.commit()?;
    Ok(Built::Frozen(frozen, true))
}

/// Renders `issue` once as every outlet will (its archive page, its feed entry, the
/// email and subject of the whole-issue audience), so that a template that fails on
/// real data stops the run before the issue is frozen or anything is written.
fn rehearse(plan: &Plan, renderer: &Renderer, issue: &Issue) -> Result<(), RenderError> {
    let site = view::Site::from(&plan.site);
    let audience = Audience {
        sections: None,
        time_zone: plan.site.time_zone,
        language: plan.language_of(&issue.id.edition).clone(),
    };
    let mut view = view::issue(issue, &audience, &site, renderer.catalogues());
    renderer.feed_entry(&view)?;
    if let Some(email) = &plan.email {
        renderer.email(&view)?;
        renderer.subject(&email.subject, &view)?;
    }
    view.feeds = Some(feeds::links(
        &site.url,
        &feeds::digest_name(&issue.id.edition),
    ));
    renderer.archive_page(&view)?;
    for (_, listing) in view::listings(&site, std::slice::from_ref(issue), 0, renderer.catalogues())
    {
        renderer.listing(&listing)?;
    }
    Ok(())
}
