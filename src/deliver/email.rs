//! Email delivery of one issue: render once per audience, fill in each subscriber's
//! parts, and send through the outbox so that every subscriber gets the issue once.
//!
//! Each message is recorded `sending` (committed) before its SMTP transaction and
//! `sent`, `failed` or back to `pending` (deferred) after it. Temporary failures are
//! retried with exponential back-off and jitter up to `email.attempts`; permanent ones
//! are told apart ([`super::refusal`]): a refused mailbox is a bounce (`failed`) and
//! suppresses the address past `email.bounce_limit`, a refusal of our mail is
//! recorded `refused` and suppresses nobody. A run that is stopped (SIGTERM), or that
//! stops by itself ([`super::halt`]: the same refusal again and again, no connection),
//! starts no new transaction and leaves the rest pending. What went wrong is logged
//! at WARN at the end, grouped by cause.

use std::{collections::HashMap, sync::Arc};

use futures_util::future::BoxFuture;
use tokio::sync::watch;

use super::{
    Channel, ChannelError, Delivered, Job,
    halt::{Halt, Halted},
    journal::Journal,
    mailer::Mailer,
    message,
    pace::Pace,
    personal::{Rendered, Template},
    prepare::Kit,
    refusal::Cause,
    sending::{Context, Outcome},
    signer::signer,
};
use crate::{
    audience,
    config::{EditionPlan, EmailPlan, Format, Plan, Subscriber},
    model::Issue,
    render::{RenderError, Renderer, budget::HTML_BUDGET, view},
    store::{DeliveryState, Entry, Store, StoreError},
    time::{Clock, release_instant},
};

/// The email channel's name in the delivery ledger: its rows are the outbox.
pub const CHANNEL: &str = "email";

/// What stopped a delivery run as a whole (a recipient failing does not).
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// The state file could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An audience's rendering or the subject failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The transport or the DKIM key could not be opened, or the journal failed.
    #[error("{0}")]
    Transport(String),
}

/// The delivery report of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmailReport {
    /// Renderings made (one per audience).
    pub audiences: usize,
    /// Subscribers who receive this issue (not suppressed).
    pub recipients: usize,
    /// Sent in this run.
    pub sent: usize,
    /// Of those, resent after an interrupted run (same Message-ID).
    pub resent: usize,
    /// Sent by an earlier run of the same issue.
    pub already_sent: usize,
    /// Bounced in this run: the mailbox refused for good (state `failed`).
    pub failed: usize,
    /// Of those, addresses now suppressed (past `email.bounce_limit`).
    pub newly_suppressed: usize,
    /// Our mail refused for good in this run (policy, content, system): no bounce.
    pub refused: usize,
    /// Left pending after temporary or connection failures, for the next run.
    pub deferred: usize,
    /// Subscribers of the edition not sent to: suppressed by earlier runs.
    pub suppressed: usize,
    /// Not started because the run was asked to stop, or stopped by itself.
    pub stopped: usize,
    /// Waiting for their local delivery time.
    pub waiting: usize,
    /// Why the run stopped by itself, if it did (the rest left pending).
    pub halted: Option<Halted>,
    /// The failures of this run by outcome and cause, the largest group first.
    pub causes: Vec<CauseGroup>,
}

/// Failures of one kind in a run: how many, and the last reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CauseGroup {
    /// "failed" (bounced), "refused" or "deferred".
    pub outcome: &'static str,
    /// What they were about.
    pub cause: Cause,
    /// How many messages.
    pub count: usize,
    /// The last reply or error, one line.
    pub last_reply: String,
}

/// Email as a channel: the issue to every subscriber who receives its edition and
/// has not had it yet.
pub struct Email;

impl Channel for Email {
    fn name(&self) -> &'static str {
        CHANNEL
    }

    fn deliver<'a>(&'a self, job: &'a Job<'a>) -> BoxFuture<'a, Result<Delivered, ChannelError>> {
        Box::pin(async move {
            let Some(email) = &job.plan.email else {
                return Ok(Delivered::default());
            };
            let run = Run {
                plan: job.plan,
                email,
                edition: job.edition,
                issue: job.issue,
                renderer: job.renderer,
                clock: job.clock,
                stop: job.stop.clone(),
                tally: job.tally,
                release: job.edition.local_time.map(|t| (job.issue.id.date, t)),
            };
            let report = send(run).await.map_err(|e| ChannelError::new(CHANNEL, e))?;
            Ok(Delivered {
                files: Vec::new(),
                messages: Some(report),
            })
        })
    }
}

/// One delivery run.
pub struct Run<'a> {
    /// The whole configuration (site, subscribers).
    pub plan: &'a Plan,
    /// `[email]`: sender, transport, limits.
    pub email: &'a EmailPlan,
    /// The edition the issue belongs to (its sections, its delivery time).
    pub edition: &'a EditionPlan,
    /// The frozen issue.
    pub issue: &'a Issue,
    /// The templates each audience is rendered with.
    pub renderer: &'a Renderer,
    /// "Now" for the outbox's timestamps, the Date header and local-time releases.
    pub clock: &'a Clock,
    /// Turns true when the run must stop starting new messages.
    pub stop: watch::Receiver<bool>,
    /// Where each message's outcome is counted as it happens.
    pub tally: Option<&'a super::tally::Tally>,
    /// For an edition delivered at each reader's local time: the issue's date and
    /// that time. Only subscribers whose moment has come are sent to.
    pub release: Option<(chrono::NaiveDate, chrono::NaiveTime)>,
}

/// Sends the issue to every subscriber who has not had it yet.
pub async fn send(run: Run<'_>) -> Result<EmailReport, EmailError> {
    let plan = run.plan;
    let mut store = Store::open(&plan.site.state)?;
    let suppressed = store.suppressed_set()?;
    let secret = match &run.email.unsubscribe_secret {
        Some(secret) => secret.expose().to_owned(),
        None => store.unsubscribe_secret()?,
    };
    let (members, skipped): (Vec<&Subscriber>, Vec<&Subscriber>) = plan
        .subscribers
        .iter()
        .filter(|s| s.receives(&run.issue.id.edition))
        .partition(|s| !suppressed.contains(s.address.as_str()));
    let mut report = EmailReport {
        recipients: members.len(),
        suppressed: skipped.len(),
        ..Default::default()
    };
    if members.is_empty() {
        return Ok(report);
    }
    let groups = audience::groups(plan, run.edition, &members);
    let rendered = render(&run, &groups)?;
    report.audiences = rendered.len();

    let domain = run
        .email
        .from
        .address
        .as_str()
        .rsplit('@')
        .next()
        .unwrap_or("pressroom.invalid")
        .to_owned();
    let rows = groups
        .iter()
        .flat_map(|g| g.members.iter().map(move |s| (s, &g.slug)))
        .map(|(s, slug)| Entry {
            message_id: message::message_id(&run.issue.id, s.address.as_str(), &domain),
            recipient: s.address.to_string(),
            audience: slug.clone(),
        });
    {
        let mut writer = store.writer()?;
        writer.enqueue(&run.issue.id, CHANNEL, rows, run.clock.now())?;
        writer.commit()?;
    }
    let by_address: HashMap<&str, &Subscriber> =
        members.iter().map(|s| (s.address.as_str(), *s)).collect();
    // Row by row: the ledger's list and this one were both 17 MB at 100,000.
    let mut work = Vec::with_capacity(members.len());
    store.each_delivery(&run.issue.id, CHANNEL, |delivery| {
        match (delivery.state, by_address.get(delivery.recipient.as_str())) {
            (DeliveryState::Sent, _) => report.already_sent += 1,
            (DeliveryState::Pending | DeliveryState::Sending, Some(subscriber))
                if due(&run, subscriber) =>
            {
                work.push((delivery, *subscriber))
            }
            (DeliveryState::Pending | DeliveryState::Sending, Some(_)) => report.waiting += 1,
            _ => {}
        }
    })?;
    drop(store);

    let signer = signer(run.email).map_err(EmailError::Transport)?;
    let journal = Journal::start(&plan.site.state, run.issue.id.clone(), CHANNEL)?;
    let mailer = Mailer::open(run.email).map_err(EmailError::Transport)?;
    let pace = Pace::new(run.email.rate);
    // A few connection failures in a row: one per slot, and two more after a back-off.
    let halt = Halt::new(run.email.concurrency as u32 + 2, run.email.refusal_limit);
    let audience_of: HashMap<&str, &str> = groups
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .map(move |s| (s.address.as_str(), g.slug.as_str()))
        })
        .collect();
    let kit = Arc::new(Kit::new(plan, run.email, rendered, signer, secret));
    let context = Context {
        email: run.email,
        clock: run.clock,
        stop: &run.stop,
        journal: &journal,
        mailer: &mailer,
        kit,
        audience_of: &audience_of,
        pace: &pace,
        halt: &halt,
        tally: run.tally,
    };
    let outcomes = context.deliver_all(work, run.email.concurrency).await;
    mailer.close().await;
    journal.close();
    let mut groups: HashMap<(&'static str, Cause), (usize, String)> = HashMap::new();
    let mut group = |outcome, cause, reply: String| {
        let entry = groups.entry((outcome, cause)).or_default();
        entry.0 += 1;
        entry.1 = reply;
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Sent { resent } => {
                report.sent += 1;
                report.resent += usize::from(resent);
            }
            Outcome::Failed { suppressed, reply } => {
                report.failed += 1;
                report.newly_suppressed += usize::from(suppressed);
                group("failed", Cause::Mailbox, reply);
            }
            Outcome::Refused { cause, reply } => {
                report.refused += 1;
                group("refused", cause, reply);
            }
            Outcome::Deferred(failure) => {
                report.deferred += 1;
                let (cause, reply) = failure.unwrap_or((Cause::Other, String::new()));
                group("deferred", cause, reply);
            }
            Outcome::Stopped => report.stopped += 1,
        }
    }
    report.causes = (groups.into_iter())
        .map(|((outcome, cause), (count, last_reply))| CauseGroup {
            outcome,
            cause,
            count,
            last_reply,
        })
        .collect();
    report
        .causes
        .sort_by(|a, b| (b.count, a.outcome, a.cause).cmp(&(a.count, b.outcome, b.cause)));
    report.halted = halt.halted().cloned();
    log_causes(&run, &report);
    Ok(report)
}

/// The failures of a run at WARN, one line per outcome and cause, and why the run
/// stopped if it stopped by itself.
fn log_causes(run: &Run<'_>, report: &EmailReport) {
    for group in &report.causes {
        tracing::warn!(
            issue = %run.issue.id,
            outcome = group.outcome,
            cause = %group.cause,
            count = group.count,
            last_reply = %group.last_reply,
            "{} {}: {}",
            group.count,
            group.outcome,
            group.cause
        );
    }
    if let Some(halted) = &report.halted {
        tracing::warn!(
            issue = %run.issue.id,
            left_pending = report.stopped,
            "the run stopped: {halted}"
        );
    }
}

/// Whether `subscriber`'s moment has come (always, unless the edition is delivered at
/// each reader's local time).
fn due(run: &Run<'_>, subscriber: &Subscriber) -> bool {
    let Some((date, time)) = run.release else {
        return true;
    };
    release_instant(date, time, subscriber.time_zone) <= run.clock.now()
}

/// Renders each audience once: subject, HTML (unless text-only) and text.
fn render(
    run: &Run<'_>,
    groups: &[audience::Group<'_>],
) -> Result<HashMap<String, Rendered>, EmailError> {
    let site = view::Site::from(&run.plan.site);
    let mut rendered = HashMap::new();
    for group in groups {
        let mut view = view::issue(run.issue, &group.audience, &site, run.renderer.catalogues());
        let (email, trimmed) = run.renderer.email_within(&mut view, HTML_BUDGET)?;
        if !trimmed.is_empty() {
            tracing::info!(
                audience = %group.slug,
                left_out = trimmed.len(),
                "the email would pass its size budget: its lowest-scored section stories link to the archive instead"
            );
        }
        let subject = Template::new(&run.renderer.subject(&run.email.subject, &view)?);
        let html = (group.format == Format::Html).then(|| Template::new(&email.html));
        rendered.insert(
            group.slug.clone(),
            Rendered {
                subject,
                html,
                text: Template::new(&email.text),
            },
        );
    }
    Ok(rendered)
}
