//! Email delivery of one issue: render once per audience, fill in each subscriber's
//! parts, and send through the outbox so that every subscriber gets the issue once.
//!
//! Each message is recorded `sending` (committed) before its SMTP transaction and
//! `sent`, `failed` or back to `pending` (deferred) after it. Temporary failures are
//! retried with exponential back-off and jitter up to `email.attempts`; permanent ones
//! count as bounces and suppress the address past `email.bounce_limit`. A run that is
//! stopped (SIGTERM) starts no new transaction and leaves the rest pending.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use tokio::sync::watch;

use super::{
    journal::Journal,
    message,
    outlet::Outlet,
    personal::Template,
    sending::{Context, Outcome},
};
use crate::{
    audience,
    config::{EditionPlan, EmailPlan, Format, Plan, Subscriber},
    model::Issue,
    render::{RenderError, Renderer, budget::HTML_BUDGET, view},
    store::{State, Store, StoreError},
    time::Clock,
};

/// What stopped a delivery run as a whole (a recipient failing does not).
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    /// The state file.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A template.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The outlet could not be opened, or the journal failed.
    #[error("{0}")]
    Outlet(String),
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
    /// Refused for good in this run.
    pub failed: usize,
    /// Left pending after temporary failures, for the next run.
    pub deferred: usize,
    /// Addresses suppressed: newly, by bounces, or skipped as already suppressed.
    pub suppressed: usize,
    /// Not started because the run was asked to stop.
    pub stopped: usize,
    /// Waiting for their local delivery time.
    pub waiting: usize,
}

/// One delivery run.
pub struct Run<'a> {
    /// The configuration.
    pub plan: &'a Plan,
    /// `[email]`.
    pub email: &'a EmailPlan,
    /// The edition.
    pub edition_plan: &'a EditionPlan,
    /// The frozen issue.
    pub edition: &'a Issue,
    /// The templates.
    pub renderer: &'a Renderer,
    /// The clock.
    pub clock: &'a Clock,
    /// Turns true when the run must stop starting new messages.
    pub stop: watch::Receiver<bool>,
    /// For an edition delivered at each reader's local time: the issue's date and
    /// that time. Only subscribers whose moment has come are sent to.
    pub release: Option<(chrono::NaiveDate, chrono::NaiveTime)>,
}

/// One audience's rendering, cut at its per-subscriber parts.
pub(super) struct Rendered {
    pub(super) subject: Template,
    pub(super) html: Option<Template>,
    pub(super) text: Template,
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
        .filter(|s| s.receives(&run.edition.id.edition))
        .partition(|s| !suppressed.contains(s.address.as_str()));
    let mut report = EmailReport {
        recipients: members.len(),
        suppressed: skipped.len(),
        ..Default::default()
    };
    if members.is_empty() {
        return Ok(report);
    }
    let groups = audience::groups(plan, run.edition_plan, &members);
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
    let rows: Vec<(String, String, String)> = groups
        .iter()
        .flat_map(|g| g.members.iter().map(move |s| (s, &g.slug)))
        .map(|(s, slug)| {
            let id = message::message_id(&run.edition.id, s.address.as_str(), &domain);
            (s.address.to_string(), slug.clone(), id)
        })
        .collect();
    let mut writer = store.writer()?;
    writer.enqueue(&run.edition.id, &rows, run.clock.now())?;
    writer.commit()?;
    // 17 MB for 100,000 subscribers, and never read again: gone before the send loop.
    drop(rows);
    let by_address: HashMap<&str, &Subscriber> =
        members.iter().map(|s| (s.address.as_str(), *s)).collect();
    let mut work = Vec::new();
    for delivery in store.deliveries(&run.edition.id)? {
        match (delivery.state, by_address.get(delivery.address.as_str())) {
            (State::Sent, _) => report.already_sent += 1,
            (State::Pending | State::Sending, Some(subscriber)) if due(&run, subscriber) => {
                work.push((delivery, *subscriber))
            }
            (State::Pending | State::Sending, Some(_)) => report.waiting += 1,
            _ => {}
        }
    }
    drop(store);

    let signer = signer(run.email)?;
    let journal = Journal::start(&plan.site.state, run.edition.id.clone())?;
    let outlet = Outlet::open(run.email).map_err(EmailError::Outlet)?;
    let pace = Pace::new(run.email.rate);
    let audience_of: HashMap<&str, &str> = groups
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .map(move |s| (s.address.as_str(), g.slug.as_str()))
        })
        .collect();
    let context = Context {
        run: &run,
        journal: &journal,
        outlet: &outlet,
        rendered: &rendered,
        audience_of: &audience_of,
        signer: signer.as_ref(),
        secret: &secret,
        pace: &pace,
    };
    let outcomes = context.deliver_all(work, run.email.concurrency).await;
    outlet.close().await;
    journal.close();
    for outcome in outcomes {
        match outcome {
            Outcome::Sent { resent } => {
                report.sent += 1;
                report.resent += usize::from(resent);
            }
            Outcome::Failed { suppressed } => {
                report.failed += 1;
                report.suppressed += usize::from(suppressed);
            }
            Outcome::Deferred => report.deferred += 1,
            Outcome::Stopped => report.stopped += 1,
        }
    }
    Ok(report)
}

/// Whether `subscriber`'s moment has come (always, unless the edition is delivered at
/// each reader's local time).
fn due(run: &Run<'_>, subscriber: &Subscriber) -> bool {
    let Some((date, time)) = run.release else {
        return true;
    };
    release_instant(date, time, subscriber.time_zone) <= run.clock.now()
}

/// `date` at `time` in `zone` (the earlier instant when clocks go back; the first valid
/// one after a gap when they go forward).
pub fn release_instant(
    date: chrono::NaiveDate,
    time: chrono::NaiveTime,
    zone: chrono_tz::Tz,
) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let local = date.and_time(time);
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.to_utc(),
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| later.and_utc(), |t| t.to_utc())
        }
    }
}

/// Renders each audience once: subject, HTML (unless text-only) and text.
fn render(
    run: &Run<'_>,
    groups: &[audience::Group<'_>],
) -> Result<HashMap<String, Rendered>, EmailError> {
    let site = view::Site {
        title: run.plan.site.title.clone(),
        base_url: run.plan.site.base_url.to_string(),
        language: run.plan.site.language.clone(),
    };
    let mut rendered = HashMap::new();
    for group in groups {
        let mut view = view::issue(run.edition, &group.audience, &site);
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

#[cfg(feature = "dkim")]
pub(super) use super::dkim::Signer;

/// Without the `dkim` feature there is nothing to sign with.
#[cfg(not(feature = "dkim"))]
pub struct Signer;

#[cfg(not(feature = "dkim"))]
impl Signer {
    pub(super) fn sign(&self, _: &mut lettre::Message) {}
}

/// The DKIM signer of `email`, if it signs.
fn signer(email: &EmailPlan) -> Result<Option<Signer>, EmailError> {
    match &email.dkim {
        None => Ok(None),
        #[cfg(feature = "dkim")]
        Some(settings) => Signer::load(settings).map(Some).map_err(EmailError::Outlet),
        #[cfg(not(feature = "dkim"))]
        Some(_) => Err(EmailError::Outlet(
            "DKIM is configured but this pressroom was built without the `dkim` feature".into(),
        )),
    }
}

/// At most `rate` messages a second over the whole run (0: no limit).
pub(super) struct Pace {
    every: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pace {
    fn new(rate: f64) -> Pace {
        Pace {
            every: (rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Whether no rate is set.
    pub(super) fn unlimited(&self) -> bool {
        self.every.is_none()
    }

    pub(super) async fn wait(&self) {
        let Some(every) = self.every else { return };
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + every;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}
