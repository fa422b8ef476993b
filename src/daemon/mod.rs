//! `pressroom daemon`: a thin loop around the same one-shot code `fetch` and `publish`
//! run, on the schedules of the configuration.
//!
//! Start: take the single-instance lock, open the HTTP listener, catch up on issues
//! missed while down (per edition: send late within the grace, or skip). Loop: tick
//! at least every second (the liveness `/healthz` reports, [`health`]), and start each
//! fire when its time comes ([`timetable`]) as a task of its own ([`jobs`]): a publish
//! never waits behind a slow fetch. SIGHUP reloads the configuration and subscribers (a
//! broken one is reported and the old one kept; a new `listen` needs a restart, and
//! says so); SIGTERM or SIGINT stops new work, cancels fetches, lets in-flight SMTP
//! transactions finish within `daemon.shutdown_grace`, and exits.

pub mod health;
mod jobs;
pub mod metrics;
pub mod readers;
pub mod timetable;

use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::{Arc, RwLock},
    time::Duration,
};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use self::{
    health::Health,
    jobs::Jobs,
    metrics::Metrics,
    timetable::{CatchUpDecision, Fire, Job},
};
use crate::{config, config::Plan, serve, store::Store, time::Clock};

/// What can stop the daemon from starting.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// Another daemon holds the state file.
    #[error("{0}")]
    Locked(String),
    /// The listener could not start.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// `daemon.listen`, as configured.
        addr: std::net::SocketAddr,
        /// The bind error, e.g. the port is taken.
        source: std::io::Error,
    },
    /// The state file.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// What the loop, its jobs, the signal handler and the listener share.
struct Daemon {
    /// What the HTTP listener and the reload handler see too: the current plan (replaced
    /// on SIGHUP), the clock, metrics and health.
    shared: Arc<serve::Shared>,
    clock: Clock,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    /// The store's readers, for the zones of local-time editions.
    readers: readers::Readers,
}

/// Runs the daemon until SIGTERM/SIGINT.
pub async fn run(config: PathBuf, plan: Plan, clock: Clock) -> Result<(), DaemonError> {
    let lock = crate::store::StateLock::take(&plan.site.state)
        .map_err(|e| DaemonError::Locked(e.to_string()))?;
    tracing::info!("holding {} for this state file", lock.path().display());
    Store::open(&plan.site.state)?; // create or migrate before anything reads it
    let metrics = Arc::new(Metrics::default());
    let health = Arc::new(Health::new(health::STALE_AFTER));
    health.tick(clock.now());
    let listen = plan.daemon.listen;
    let shared = Arc::new_cyclic(|me: &std::sync::Weak<serve::Shared>| {
        let (me, scrape, probe) = (me.clone(), metrics.clone(), health.clone());
        serve::Shared {
            plan: RwLock::new(plan),
            clock: clock.clone(),
            metrics: Some(Box::new(move || {
                let store = me.upgrade().map_or_else(
                    || Err("stopping".to_owned()),
                    |shared| {
                        let plan = shared.plan.read().unwrap_or_else(|e| e.into_inner());
                        health::read_store(&plan)
                    },
                );
                scrape.render(&probe.report(store))
            })),
            health: Some(health.clone()),
        }
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
    tokio::spawn(serve::serve_on(shared.clone(), listener));

    let daemon = Arc::new(Daemon {
        shared,
        clock,
        metrics,
        health,
        readers: readers::Readers::default(),
    });
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(signals(stop, config, daemon.shared.clone()));
    let mut jobs = Jobs::new(daemon.clone(), stopped.clone());
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async {
            daemon.catch_up(&mut jobs);
            daemon.run(jobs, stopped).await;
        })
        .await;
    tracing::info!("daemon stopped");
    Ok(())
}

impl Daemon {
    fn plan(&self) -> Plan {
        self.shared
            .plan
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Issues missed while down: started late, or skipped, per edition.
    fn catch_up(&self, jobs: &mut Jobs) {
        let plan = self.readers.merged(self.plan(), self.clock.now());
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
                    jobs.start(fire, true);
                }
                CatchUpDecision::Skip(fire, why) => {
                    tracing::warn!(job = ?fire.job, scheduled = %fire.at, "skipping a missed issue: {why}");
                    self.record(&fire);
                }
            }
        }
    }

    /// The loop: tick at least every [`health::TICK`], start each fire when its time
    /// comes (without waiting for the jobs it starts), until stopped; then stop the
    /// jobs within the grace.
    async fn run(&self, mut jobs: Jobs, stop: watch::Receiver<bool>) {
        let mut after = self.clock.now();
        let mut idle_said = false;
        loop {
            self.health.tick(self.clock.now());
            jobs.reap();
            let plan = self.readers.merged(self.plan(), self.clock.now());
            let fires = timetable::next(&plan, &plan.daemon.fetch, after);
            let next = fires.first().map(|f| f.at);
            if next.is_none() && !idle_said {
                tracing::warn!("nothing is scheduled; waiting for a reload or a stop");
            }
            idle_said = next.is_none();
            let wait = next.map_or(health::TICK, |at| {
                (at - self.clock.now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(health::TICK)
            });
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stopped(stop.clone()) => {}
            }
            if *stop.borrow() {
                break;
            }
            let Some(at) = next.filter(|at| *at <= self.clock.now()) else {
                continue;
            };
            // A reload while asleep may have changed the schedule: recompute from here.
            let now = self.plan();
            if now.daemon != plan.daemon || now.editions != plan.editions {
                continue;
            }
            let (fires, last) = due(&plan, fires, at, self.clock.now());
            for fire in fires {
                jobs.start(fire, false);
            }
            after = last;
        }
        jobs.stop(self.plan().daemon.shutdown_grace).await;
    }
}

/// The fires due by `now`, from the batch `fires` (due at `at`) on. After a stall (a
/// suspended machine, a clock stepped forward) each job runs once, for its latest due
/// instant, and the fires passed over are logged. Returns them and the instant to go
/// on from.
fn due(
    plan: &Plan,
    fires: Vec<Fire>,
    mut at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (Vec<Fire>, DateTime<Utc>) {
    let mut latest: BTreeMap<String, Fire> = BTreeMap::new();
    let mut passed: BTreeMap<String, usize> = BTreeMap::new();
    let mut take = |batch: Vec<Fire>| {
        for fire in batch {
            let key = fire.job.key();
            if latest.insert(key.clone(), fire).is_some() {
                *passed.entry(key).or_default() += 1;
            }
        }
    };
    take(fires);
    // A fetch every second and a week suspended is 604,800 fires: bounded, and rare.
    for _ in 0..1_000_000 {
        let batch = timetable::next(plan, &plan.daemon.fetch, at);
        match batch.first() {
            Some(fire) if fire.at <= now => at = fire.at,
            _ => break,
        }
        take(batch);
    }
    for (job, missed) in passed {
        tracing::warn!(%job, missed, "fires passed over while the loop was held up (a suspended machine, a clock step?): running the latest once");
    }
    let mut fires: Vec<Fire> = latest.into_values().collect();
    fires.sort();
    (fires, at)
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
                    let mut current = shared.plan.write().unwrap_or_else(|e| e.into_inner());
                    if plan.daemon.listen != current.daemon.listen {
                        tracing::warn!(
                            "daemon.listen changed from {} to {}: restart the daemon to listen there; still listening on {}",
                            current.daemon.listen, plan.daemon.listen, current.daemon.listen
                        );
                    }
                    *current = plan;
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn after_a_stall_each_job_runs_once_for_its_latest_fire() {
        let text = "[site]\ntime_zone = \"UTC\"\n[[sections]]\nid = \"world\"\ntitle = \"World\"\n[[editions]]\nid = \"morning\"\nschedule = \"*/30 * * * * *\"\n[daemon]\nfetch = \"*/5 * * * * *\"\n";
        let plan = config::parse(text, std::path::Path::new("/tmp/pressroom.toml")).unwrap();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let from = at("2026-11-27T06:00:00Z");
        let first = timetable::next(&plan, &plan.daemon.fetch, from);
        let start = first[0].at;
        assert_eq!(start, at("2026-11-27T06:00:05Z"));
        // On time: just that fire.
        let (fires, next) = due(&plan, first.clone(), start, at("2026-11-27T06:00:05Z"));
        assert_eq!(fires, first);
        assert_eq!(next, start);
        // 95 s late: one fetch (the latest) and one publish (06:01:30), not 19 + 3.
        let (fires, next) = due(&plan, first, start, at("2026-11-27T06:01:40Z"));
        let seen: Vec<(String, DateTime<Utc>)> =
            fires.iter().map(|f| (f.job.key(), f.at)).collect();
        assert_eq!(
            seen,
            [
                ("publish/morning".to_owned(), at("2026-11-27T06:01:30Z")),
                ("fetch".to_owned(), at("2026-11-27T06:01:40Z")),
            ]
        );
        assert_eq!(next, at("2026-11-27T06:01:40Z"));
    }

    /// The real loop and the real `/healthz`: 200 while the loop ticks (with nothing
    /// due for a year), 503 once it stalls.
    #[test]
    fn healthz_answers_503_once_the_loop_stops_ticking() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[site]\ntime_zone = \"UTC\"\n[[sections]]\nid = \"world\"\ntitle = \"World\"\n[daemon]\nfetch = \"0 0 0 1 1 *\"\n";
        let plan = config::parse(text, &dir.path().join("pressroom.toml")).unwrap();
        Store::open(&plan.site.state).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&runtime, async move {
            let clock = Clock::system();
            let health = Arc::new(Health::new(Duration::from_millis(2500)));
            let shared = Arc::new(serve::Shared {
                plan: RwLock::new(plan),
                clock: clock.clone(),
                metrics: None,
                health: Some(health.clone()),
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(serve::serve_on(shared.clone(), listener));
            let daemon = Arc::new(Daemon {
                shared,
                clock,
                metrics: Arc::default(),
                health: health.clone(),
                readers: readers::Readers::default(),
            });
            let (_stop, stopped) = watch::channel(false);
            let jobs = Jobs::new(daemon.clone(), stopped.clone());
            let looping = tokio::task::spawn_local(async move { daemon.run(jobs, stopped).await });
            // One HTTP/1.0 request on a plain socket: status code and body.
            let get = || async {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
                socket
                    .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    .await
                    .unwrap();
                let mut answer = String::new();
                socket.read_to_string(&mut answer).await.unwrap();
                let status: u16 = answer[9..12].parse().unwrap();
                let body = answer
                    .split("\r\n\r\n")
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                (status, body)
            };
            // Longer than the grace: only ticking keeps it healthy.
            tokio::time::sleep(Duration::from_millis(3500)).await;
            let (status, body) = get().await;
            assert_eq!(status, 200, "{body}");
            assert!(body.contains("\"status\":\"ok\""), "{body}");
            looping.abort(); // the loop stalls
            tokio::time::sleep(Duration::from_millis(3500)).await;
            let (status, body) = get().await;
            assert_eq!(status, 503, "{body}");
            assert!(body.contains("\"status\":\"unhealthy\""), "{body}");
            assert!(body.contains("last ticked"), "{body}");
        });
    }
}
