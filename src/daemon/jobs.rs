//! Running fires as tasks of their own, so that no job queues behind another: the loop
//! only starts them, and a publish waits for a slow fetch only so long. The state file
//! decides what must wait (SQLite's lock, for the few milliseconds of a write).
//!
//! Two rules keep it safe: one fetch at a time (a fetch fire while one is running is
//! skipped, and logged: the running one fetches what is due), and one run at a time per
//! publish job (a fire of an edition whose previous run is still sending waits for it).
//! A publish wants fresh data: it waits for the fetch in flight, or starts one, for at
//! most [`FRESH_WAIT`]; a fetch slower than that (an outlet that does not answer) goes
//! on beside the publish, and what it writes later goes in the next issue.
//! A fire that starts more than a second after its time is logged with its delay, at
//! WARN beyond [`LATE_WARN`].
//!
//! At a stop, fetches are cancelled at once: dropping an ingest is safe, its writes are
//! synchronous transactions that are never open across an await, and a transaction
//! dropped uncommitted rolls back. Publishes get `shutdown_grace` to finish their SMTP
//! transactions (they start no new one), then are cut; whatever was cut is resumed
//! by the outbox on the next run of that issue, and the fire is left unrecorded so that
//! the catch-up at the next start runs it.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::{
    sync::{Mutex as AsyncMutex, watch},
    task::JoinSet,
};

use super::{
    Daemon,
    health::IssueOutcome,
    timetable::{Fire, Job},
};
use crate::{
    deliver::{email::EmailReport, tally::Tally},
    ingest, publish,
    store::Store,
};

/// A fire this late is logged at WARN.
pub const LATE_WARN: Duration = Duration::from_secs(5);

/// How long a publish waits for the fetch before it builds the issue.
pub const FRESH_WAIT: Duration = Duration::from_secs(15);

/// The fires in flight.
pub(super) struct Jobs {
    daemon: Arc<Daemon>,
    stop: watch::Receiver<bool>,
    fetches: Fetches,
    /// One lane per publish job: its runs go one after the other.
    lanes: HashMap<String, Arc<AsyncMutex<()>>>,
    publishes: JoinSet<()>,
}

/// The one fetch at a time, started by a fetch fire or by a publish that wants fresh
/// data. Its task ends at a stop (the fetch is dropped).
#[derive(Clone)]
struct Fetches {
    /// Held by the fetch in flight.
    gate: Arc<AsyncMutex<()>>,
    /// Counts the fetches that ended.
    ended: Arc<watch::Sender<u64>>,
}

impl Jobs {
    pub(super) fn new(daemon: Arc<Daemon>, stop: watch::Receiver<bool>) -> Jobs {
        Jobs {
            daemon,
            stop,
            fetches: Fetches {
                gate: Arc::new(AsyncMutex::new(())),
                ended: Arc::new(watch::Sender::new(0)),
            },
            lanes: HashMap::new(),
            publishes: JoinSet::new(),
        }
    }

    /// Starts `fire` in a task of its own; `catching_up` when it is known to be late.
    pub(super) fn start(&mut self, fire: Fire, catching_up: bool) {
        let daemon = self.daemon.clone();
        if matches!(fire.job, Job::Fetch) {
            let at = fire.at;
            if !self
                .fetches
                .start(daemon, Some((fire, catching_up)), self.stop.clone())
            {
                tracing::info!(scheduled = %at, "fetch fire skipped: the previous fetch is still running and fetches what is due");
            }
            return;
        }
        let key = fire.job.key();
        let lane = self.lanes.entry(key.clone()).or_default().clone();
        let stop = self.stop.clone();
        let fetches = self.fetches.clone();
        // On the loop's thread (the daemon runs in a `LocalSet`): a publish holds the
        // state file's handles across awaits, which are not `Send`.
        self.publishes.spawn_local(async move {
            let turn = match lane.clone().try_lock_owned() {
                Ok(turn) => turn,
                Err(_) => {
                    tracing::info!(job = %key, scheduled = %fire.at, "waiting for the previous run of this edition to finish");
                    lane.lock_owned().await
                }
            };
            let _turn = turn;
            if *stop.borrow() {
                return; // unrecorded: the catch-up at the next start runs it
            }
            daemon.started(&fire, catching_up);
            // Fresh data first; a stop while waiting leaves the fire for the next start.
            fetches.fresh(daemon.clone(), stop.clone()).await;
            if *stop.borrow() {
                return;
            }
            if daemon.publish(&fire, stop).await {
                daemon.record(&fire);
            }
        });
    }

    /// Collects finished tasks (a task that panicked is logged, not fatal).
    pub(super) fn reap(&mut self) {
        while let Some(joined) = self.publishes.try_join_next() {
            if let Err(e) = joined
                && e.is_panic()
            {
                tracing::error!("a scheduled job crashed: {e}");
            }
        }
    }

    /// Cancels fetches at once, lets publishes finish their SMTP transactions within
    /// `grace`, then cuts them.
    pub(super) async fn stop(mut self, grace: Duration) {
        let deadline = tokio::time::Instant::now() + grace;
        // The stop has been sent: a fetch in flight ends at once.
        self.fetches.idle().await;
        loop {
            match tokio::time::timeout_at(deadline, self.publishes.join_next()).await {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => {
                    tracing::warn!(
                        runs = self.publishes.len(),
                        "publish cut short at the end of shutdown_grace; the outbox resumes it"
                    );
                    self.publishes.abort_all();
                    while self.publishes.join_next().await.is_some() {}
                    break;
                }
            }
        }
    }
}

impl Fetches {
    /// Starts a fetch in a task of its own, for a fetch `fire` (with whether it is
    /// known to be late) or for a publish; false if one is in flight already.
    fn start(
        &self,
        daemon: Arc<Daemon>,
        fire: Option<(Fire, bool)>,
        stop: watch::Receiver<bool>,
    ) -> bool {
        let Ok(turn) = self.gate.clone().try_lock_owned() else {
            return false;
        };
        let ended = self.ended.clone();
        tokio::spawn(async move {
            if let Some((fire, catching_up)) = &fire {
                daemon.started(fire, *catching_up);
            }
            tokio::select! {
                () = daemon.fetch() => {
                    if let Some((fire, _)) = &fire {
                        daemon.record(fire);
                    }
                }
                () = super::stopped(stop) => tracing::info!("fetch cancelled at shutdown"),
            }
            // The gate first: whoever then sees the count move finds it open.
            drop(turn);
            ended.send_modify(|n| *n += 1);
        });
        true
    }

    /// Fresh data for a publish: waits for the fetch in flight, or starts one and waits
    /// for it, at most [`FRESH_WAIT`]; what a slower fetch has not written by then goes
    /// in the next issue.
    async fn fresh(&self, daemon: Arc<Daemon>, stop: watch::Receiver<bool>) {
        let mut ended = self.ended.subscribe();
        let started = Instant::now();
        if !self.start(daemon, None, stop) {
            tracing::info!("waiting for the fetch in flight before building the issue");
        }
        match tokio::time::timeout(FRESH_WAIT, ended.changed()).await {
            Ok(_) => tracing::debug!(
                seconds = started.elapsed().as_secs_f64(),
                "fetched before building the issue"
            ),
            Err(_) => tracing::warn!(
                waited_seconds = FRESH_WAIT.as_secs(),
                "building the issue without waiting longer for the fetch in flight; what it has written so far is in"
            ),
        }
    }

    /// Resolves when no fetch is in flight.
    async fn idle(&self) {
        let _gate = self.gate.lock().await;
    }
}

impl Daemon {
    /// Logs how late `fire` starts.
    fn started(&self, fire: &Fire, catching_up: bool) {
        let late = (self.clock.now() - fire.at).to_std().unwrap_or_default();
        let seconds = (late.as_secs_f64() * 10.0).round() / 10.0;
        let job = fire.job.key();
        if catching_up || late < Duration::from_secs(1) {
            tracing::debug!(%job, scheduled = %fire.at, late_seconds = seconds, "fire started");
        } else if late < LATE_WARN {
            tracing::info!(%job, scheduled = %fire.at, late_seconds = seconds, "fire started late");
        } else {
            tracing::warn!(%job, scheduled = %fire.at, late_seconds = seconds, "fire started late");
        }
    }

    /// One fetch run, the same as `pressroom fetch`.
    async fn fetch(&self) {
        let plan = self.plan();
        let started = Instant::now();
        let result = async {
            let mut store = Store::open(&plan.site.state)?;
            ingest::ingest(&plan, &mut store, &self.clock, &ingest::Options::default()).await
        }
        .await;
        match result {
            Ok(report) => {
                tracing::info!("{}", report.summary());
                self.metrics.fetched(&report);
                self.health.fetched(self.clock.now());
            }
            Err(e) => tracing::error!(
                seconds = started.elapsed().as_secs_f64(),
                "fetch failed: {e}"
            ),
        }
    }

    /// One publish run, the same as `pressroom publish`. False when it stopped with
    /// messages left for a later run.
    async fn publish(&self, fire: &Fire, stop: watch::Receiver<bool>) -> bool {
        let plan = self.plan();
        let Some(options) = options(&fire.job, self.metrics.tally()) else {
            return true;
        };
        let result = publish::publish(&plan, &self.clock, &options, stop).await;
        let now = self.clock.now();
        match result {
            Ok(report) if report.held.is_some() => {
                let reason = report.held.map(|h| h.reason).unwrap_or_default();
                tracing::warn!(issue = %report.issue, "issue held, nothing sent: {reason}");
                self.metrics.held(report.issue.edition.as_str());
                self.health.issue(IssueOutcome {
                    id: report.issue.to_string(),
                    at: now,
                    failure: None,
                    held: Some(reason),
                });
                true
            }
            Ok(report) => {
                for (stage, took) in &report.timings {
                    tracing::info!(issue = %report.issue, stage, seconds = took.as_secs_f64(), "stage done");
                }
                let email = report.email.as_ref();
                tracing::info!(
                    issue = %report.issue,
                    built = report.built,
                    sent = email.map_or(0, |e| e.sent),
                    failed = email.map_or(0, |e| e.failed),
                    deferred = email.map_or(0, |e| e.deferred),
                    waiting = email.map_or(0, |e| e.waiting),
                    stopped = email.map_or(0, |e| e.stopped),
                    "issue delivered"
                );
                if let Some(email) = email {
                    undelivered_warning(&report.issue, email);
                }
                self.metrics
                    .published(report.issue.edition.as_str(), report.built, now);
                self.health.issue(IssueOutcome {
                    id: report.issue.to_string(),
                    at: now,
                    failure: email.and_then(undelivered),
                    held: None,
                });
                email.is_none_or(|e| e.stopped == 0)
            }
            Err(e) => {
                tracing::error!(job = %fire.job.key(), "publish failed: {e}");
                self.health.issue(IssueOutcome {
                    id: fire.job.key(),
                    at: now,
                    failure: Some(e.to_string()),
                    held: None,
                });
                true
            }
        }
    }

    /// Records that `fire` ran.
    pub(super) fn record(&self, fire: &Fire) {
        let plan = self.plan();
        let recorded = Store::open(&plan.site.state).and_then(|mut store| {
            let mut writer = store.writer()?;
            writer.set_last_fire(&fire.job.key(), fire.at)?;
            writer.commit()
        });
        if let Err(e) = recorded {
            tracing::error!("cannot record the fire of {}: {e}", fire.job.key());
        }
    }
}

/// What `publish` is asked to do for a publish job (the daemon has fetched already);
/// its messages are counted in `tally` as they go.
fn options(job: &Job, tally: std::sync::Arc<Tally>) -> Option<publish::Options> {
    let Job::Publish(due) = job else {
        return None;
    };
    Some(publish::Options {
        edition: Some(due.id.edition.to_string()),
        fetch: false,
        progress: false,
        due: Some(due.clone()),
        force: false,
        tally: Some(tally),
    })
}

/// A WARN when a run leaves anyone deferred, bounced or refused: the counts by
/// cause with the last reply (the run's own lines, grouped, came before), and why
/// the run stopped if it stopped by itself.
fn undelivered_warning(issue: &crate::model::IssueId, email: &EmailReport) {
    if email.failed + email.refused + email.deferred == 0 && email.halted.is_none() {
        return;
    }
    let causes: Vec<String> = (email.causes.iter())
        .map(|c| format!("{} {} ({})", c.count, c.outcome, c.cause))
        .collect();
    tracing::warn!(
        %issue,
        failed = email.failed,
        refused = email.refused,
        deferred = email.deferred,
        left_pending = email.stopped,
        stopped = email.halted.as_ref().map(ToString::to_string),
        last_reply = email.causes.first().map(|c| c.last_reply.as_str()),
        "issue left readers without it: {}",
        causes.join(", ")
    );
}

/// Why an issue reached nobody, if it did not.
fn undelivered(email: &EmailReport) -> Option<String> {
    let reached = email.sent + email.already_sent;
    let missed = email.failed + email.refused + email.deferred;
    (email.recipients > 0 && reached == 0 && missed > 0).then(|| {
        format!(
            "no subscriber received it ({} failed, {} deferred)",
            email.failed, email.deferred
        )
    })
}
