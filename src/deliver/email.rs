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

use futures_util::{StreamExt, stream};
use tokio::sync::watch;

use super::{
    journal::{Change, Journal, Recorded},
    message::{self, Letter},
    outlet::{Outlet, SendError},
    unsubscribe,
};
use crate::{
    audience,
    config::{EditionPlan, EmailPlan, Format, Plan, Subscriber},
    ingest::fetch::backoff,
    model::Edition,
    render::{RenderError, Renderer, view},
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
    pub edition: &'a Edition,
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

/// One audience's rendering.
struct Rendered {
    subject: String,
    html: Option<String>,
    text: String,
}

/// What happened to one message.
enum Outcome {
    Sent { resent: bool },
    Failed { suppressed: bool },
    Deferred,
    Stopped,
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
    let outcomes: Vec<Outcome> = stream::iter(work)
        .map(|(delivery, subscriber)| context.deliver(delivery, subscriber))
        .buffer_unordered(run.email.concurrency)
        .collect()
        .await;
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
        let view = view::issue(run.edition, &group.audience, &site);
        let email = run.renderer.email(&view)?;
        let subject = run.renderer.subject(&run.email.subject, &view)?;
        let html = (group.format == Format::Html).then_some(email.html);
        rendered.insert(
            group.slug.clone(),
            Rendered {
                subject,
                html,
                text: email.text,
            },
        );
    }
    Ok(rendered)
}

/// What every message of a run shares.
struct Context<'a> {
    run: &'a Run<'a>,
    journal: &'a Journal,
    outlet: &'a Outlet,
    rendered: &'a HashMap<String, Rendered>,
    /// Each subscriber's current audience (it may differ from the one queued, if they
    /// changed their sections since).
    audience_of: &'a HashMap<&'a str, &'a str>,
    signer: Option<&'a Signer>,
    secret: &'a str,
    pace: &'a Pace,
}

impl Context<'_> {
    async fn deliver(&self, delivery: crate::store::Delivery, subscriber: &Subscriber) -> Outcome {
        let resent = delivery.state == State::Sending;
        let audience = self
            .audience_of
            .get(subscriber.address.as_str())
            .copied()
            .unwrap_or(&delivery.audience);
        let Some(rendered) = self.rendered.get(audience) else {
            return Outcome::Deferred;
        };
        let email = self.run.email;
        let address = subscriber.address.as_str();
        let token = unsubscribe::token(self.secret, address, &email.list_id);
        let unsubscribe_url = unsubscribe::url(self.run.plan.site.base_url.as_str(), &token);
        let list_id = format!(
            "\"{}\" <{}>",
            message::header_text(&self.run.plan.site.title),
            email.list_id
        );
        let letter = Letter {
            from: &email.from,
            reply_to: email.reply_to.as_ref(),
            to: address,
            name: subscriber.name.as_deref(),
            subject: &rendered.subject,
            html: rendered.html.as_deref(),
            text: &rendered.text,
            message_id: &delivery.message_id,
            list_id: &list_id,
            unsubscribe_url: &unsubscribe_url,
            unsubscribe_mailto: email.unsubscribe_mailto.as_str(),
            date: self.run.clock.now(),
        };
        let mut message = match message::build(&letter) {
            Ok(message) => message,
            Err(error) => return self.bounce(address, error, 1).await,
        };
        if let Some(signer) = self.signer {
            signer.sign(&mut message);
        }
        for attempt in 0..email.attempts {
            if *self.run.stop.borrow() {
                return Outcome::Stopped;
            }
            self.pace.wait().await;
            let change = Change::Move {
                address: address.to_owned(),
                state: State::Sending,
                error: None,
            };
            if self
                .journal
                .record(change, self.run.clock.now())
                .await
                .is_err()
            {
                return Outcome::Deferred;
            }
            let sent =
                tokio::time::timeout(email.timeout * 3, self.outlet.send(&message, address)).await;
            let error = match sent {
                Ok(Ok(())) => {
                    let change = Change::Move {
                        address: address.to_owned(),
                        state: State::Sent,
                        error: None,
                    };
                    let _ = self.journal.record(change, self.run.clock.now()).await;
                    return Outcome::Sent { resent };
                }
                Ok(Err(SendError::Permanent(reason))) => {
                    return self.bounce(address, reason, email.bounce_limit).await;
                }
                Ok(Err(SendError::Temporary(reason))) => reason,
                Err(_) => format!("no answer within {:?}", email.timeout * 3),
            };
            tracing::debug!(%address, attempt, %error, "temporary failure");
            let change = Change::Move {
                address: address.to_owned(),
                state: State::Pending,
                error: Some(error),
            };
            let _ = self.journal.record(change, self.run.clock.now()).await;
            if attempt + 1 < email.attempts {
                tokio::time::sleep(backoff(email.backoff, attempt)).await;
            }
        }
        Outcome::Deferred
    }

    async fn bounce(&self, address: &str, error: String, limit: u32) -> Outcome {
        tracing::warn!(%address, %error, "refused");
        let change = Change::Bounce {
            address: address.to_owned(),
            error,
            limit,
        };
        let suppressed =
            self.journal.record(change, self.run.clock.now()).await == Ok(Recorded::Suppressed);
        Outcome::Failed { suppressed }
    }
}

#[cfg(feature = "dkim")]
use super::dkim::Signer;

/// Without the `dkim` feature there is nothing to sign with.
#[cfg(not(feature = "dkim"))]
pub struct Signer;

#[cfg(not(feature = "dkim"))]
impl Signer {
    fn sign(&self, _: &mut lettre::Message) {}
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
struct Pace {
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

    async fn wait(&self) {
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
