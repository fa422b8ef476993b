//! `pressroom daemon`: a thin loop around the same one-shot code `fetch` and `publish`
//! run, on the schedules of the configuration.
//!
//! Start: take the single-instance lock, catch up on issues missed while down (per
//! edition: send late within the grace, or skip), open the HTTP listener. Loop: sleep
//! until the next fire ([`timetable`]), run it, record it. SIGHUP reloads the
//! configuration and subscribers (a broken one is reported and the old one kept);
//! SIGTERM or SIGINT stops new work, lets in-flight SMTP transactions finish within
//! `daemon.shutdown_grace`, and exits.

mod lock;
pub mod metrics;
pub mod timetable;

use std::{
    path::PathBuf,
    sync::{Arc, RwLock},
    time::Duration,
};

use tokio::sync::watch;

use self::{
    lock::InstanceLock,
    metrics::Metrics,
    timetable::{CatchUpDecision, Fire, Job},
};
use crate::{config, config::Plan, ingest, publish, serve, store::Store, time::Clock};

/// What can stop the daemon from starting.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// Another daemon holds the state file.
    #[error("{0}")]
    Locked(String),
    /// The listener could not start.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The state file.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What the loop shares with signal handlers and the listener.
struct Daemon {
    config: PathBuf,
    plan: Arc<serve::Shared>,
    clock: Clock,
    metrics: Arc<Metrics>,
}

/// Runs the daemon until SIGTERM/SIGINT.
pub async fn run(config: PathBuf, plan: Plan, clock: Clock) -> Result<(), DaemonError> {
    let lock = InstanceLock::take(&plan.site.state).map_err(DaemonError::Locked)?;
    tracing::info!("holding {} for this state file", lock.path().display());
    Store::open(&plan.site.state)?; // create or migrate before anything reads it
    let metrics = Arc::new(Metrics::default());
    let state = plan.site.state.clone();
    let scrape = metrics.clone();
    let listen = plan.daemon.listen;
    let shared = Arc::new(serve::Shared {
        plan: RwLock::new(plan),
        clock: clock.clone(),
        metrics: Some(Box::new(move || {
            let depth = Store::open_read_only(&state)
                .and_then(|s| s.outbox_depth())
                .ok();
            scrape.render(depth)
        })),
    });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| DaemonError::Listen {
            addr: listen,
            source,
        })?;
    tracing::info!(
        "daemon listening on http://{}/",
        listener
            .local_addr()
            .map_err(|source| DaemonError::Listen {
                addr: listen,
                source
            })?
    );
    let router = serve::router(shared.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let daemon = Daemon {
        config,
        plan: shared,
        clock,
        metrics,
    };
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(signals(stop, daemon.config.clone(), daemon.plan.clone()));
    daemon.catch_up(stopped.clone()).await;
    daemon.run(stopped).await;
    tracing::info!("daemon stopped");
    Ok(())
}

impl Daemon {
    fn plan(&self) -> Plan {
        self.plan
            .plan
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Issues missed while down: sent late or skipped, per edition.
    async fn catch_up(&self, stop: watch::Receiver<bool>) {
        let plan = self.plan();
        let Ok(store) = Store::open(&plan.site.state) else {
            return;
        };
        let done = |edition: &crate::model::EditionId| {
            store.last_fire(&Job::publish_key(edition)).ok().flatten()
        };
        let decisions = timetable::catch_up(&plan, self.clock.now(), done);
        drop(store);
        for decision in decisions {
            match decision {
                CatchUpDecision::SendLate(fire) => {
                    tracing::warn!(job = ?fire.job, scheduled = %fire.at, "catching up on a missed issue");
                    self.fire(&fire, stop.clone()).await;
                }
                CatchUpDecision::Skip(fire, why) => {
                    tracing::warn!(job = ?fire.job, scheduled = %fire.at, "skipping a missed issue: {why}");
                    self.record(&fire);
                }
            }
        }
    }

    /// The loop: sleep until the next fire, run it, until stopped.
    async fn run(&self, mut stop: watch::Receiver<bool>) {
        let mut after = self.clock.now();
        loop {
            let plan = self.plan();
            let fires = timetable::next(&plan, &plan.daemon.fetch, after);
            let Some(at) = fires.first().map(|f| f.at) else {
                tracing::warn!("nothing is scheduled; waiting for a reload or a stop");
                let _ = stop.changed().await;
                return;
            };
            let wait = (at - self.clock.now()).to_std().unwrap_or(Duration::ZERO);
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
            // A reload while asleep may have changed the schedule: recompute from here.
            if self.plan().daemon != plan.daemon || self.plan().editions != plan.editions {
                continue;
            }
            for fire in &fires {
                self.fire(fire, stop.clone()).await;
                if *stop.borrow() {
                    return;
                }
            }
            after = at;
        }
    }

    /// Runs one job with the same code the one-shot commands use.
    async fn fire(&self, fire: &Fire, stop: watch::Receiver<bool>) {
        let plan = self.plan();
        match &fire.job {
            Job::Fetch => {
                let result = async {
                    let mut store = Store::open(&plan.site.state)?;
                    ingest::ingest(&plan, &mut store, &self.clock, &ingest::Options::default())
                        .await
                }
                .await;
                match result {
                    Ok(report) => {
                        tracing::info!("{}", report.summary());
                        self.metrics.fetched(&report);
                    }
                    Err(e) => tracing::error!("fetch failed: {e}"),
                }
            }
            Job::Publish(due) => {
                let edition = &due.id.edition;
                // Fresh data first: what is due is fetched before the issue is built.
                let options = publish::Options {
                    edition: Some(edition.to_string()),
                    fetch: true,
                    progress: false,
                    due: Some(due.clone()),
                    force: false,
                };
                let grace = plan.daemon.shutdown_grace;
                match publish_within(&plan, &self.clock, &options, stop, grace).await {
                    Some(Ok(report)) if report.held.is_some() => {
                        let held = report.held.as_ref().expect("matched");
                        tracing::warn!(issue = %report.issue, stories = held.stories, "issue held, not sent: {}", held.reason);
                    }
                    Some(Ok(report)) => {
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
                            "issue delivered"
                        );
                        self.metrics
                            .published(edition.as_str(), self.clock.now(), email);
                    }
                    Some(Err(e)) => tracing::error!(%edition, "publish failed: {e}"),
                    None => {
                        tracing::warn!(%edition, "publish cut short at shutdown; the outbox resumes it")
                    }
                }
            }
        }
        self.record(fire);
    }

    fn record(&self, fire: &Fire) {
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

/// Runs `publish`; once a stop is asked, waits at most `grace` for it to finish its
/// in-flight transactions (`None` if it had to be cut).
async fn publish_within(
    plan: &Plan,
    clock: &Clock,
    options: &publish::Options,
    stop: watch::Receiver<bool>,
    grace: Duration,
) -> Option<Result<publish::Report, publish::PublishError>> {
    let watcher = stop.clone();
    let work = publish::publish(plan, clock, options, stop);
    tokio::pin!(work);
    tokio::select! {
        result = &mut work => return Some(result),
        _ = stopped(watcher) => {}
    }
    tokio::time::timeout(grace, work).await.ok()
}

/// Resolves once `stop` turns true (never, if its sender is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// SIGTERM/SIGINT stop the daemon; SIGHUP reloads the configuration.
async fn signals(stop: watch::Sender<bool>, config_path: PathBuf, shared: Arc<serve::Shared>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        tracing::error!("cannot listen for signals");
        return;
    };
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
            _ = hup.recv() => match config::load(&config_path) {
                Ok(plan) => {
                    *shared.plan.write().unwrap_or_else(|e| e.into_inner()) = plan;
                    tracing::info!("configuration reloaded from {}", config_path.display());
                }
                Err(errors) => {
                    for problem in &errors.0 {
                        tracing::error!("reload refused: {problem}");
                    }
                    tracing::error!("the configuration is invalid; still running on the previous one");
                }
            },
        }
    }
    tracing::info!("stopping: no new work; in-flight messages finish");
    let _ = stop.send(true);
}
