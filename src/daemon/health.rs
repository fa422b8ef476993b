//! `/healthz`: whether the daemon is doing its job, not merely whether it answers.
//!
//! The answer is 200 while the scheduler loop is alive (it ticks every second, even
//! when the next fire is hours away, and its last tick is younger than
//! [`Health::stale_after`]) and the state file opens; 503 otherwise. The body is a small
//! JSON object: `status` (`ok`, `degraded` or `unhealthy`), `last_tick`, `last_fetch`,
//! `last_issue`, `sources`, `sources_failing` and the `problems` found. Degraded
//! (every source failing, or the last issue failed) still answers 200: restarting the
//! daemon would not mend a feed outage; it is for alerts, and `/metrics` carries it
//! as gauges too.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use crate::{config::Plan, serve::Shared, store::Store};

/// How often the scheduler loop ticks, at the least.
pub const TICK: Duration = Duration::from_secs(1);

/// How old the last tick may be before the loop counts as stalled.
pub const STALE_AFTER: Duration = Duration::from_secs(10);

/// The daemon's liveness and recent outcomes, updated by the loop and its jobs.
#[derive(Debug)]
pub struct Health {
    stale_after: Duration,
    last_tick: Mutex<Option<(Instant, DateTime<Utc>)>>,
    last_fetch: Mutex<Option<DateTime<Utc>>>,
    last_issue: Mutex<Option<IssueOutcome>>,
}

/// How the last issue went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueOutcome {
    /// The issue (or, when it failed before it had one, the job).
    pub id: String,
    /// When its run ended.
    pub at: DateTime<Utc>,
    /// Why it failed, if it did.
    pub failure: Option<String>,
    /// Why it was held (too thin, stale data), if it was: not a failure.
    pub held: Option<String>,
}

/// What the state file says about fetching and the outbox, read when asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreView {
    /// The latest attempt on any source or signal.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Sources in the configuration.
    pub sources: usize,
    /// Of those, the ones whose last attempt failed.
    pub failing: usize,
    /// Messages waiting in the outbox.
    pub outbox_depth: u64,
    /// Of those, the ones waiting after a failure (deferred).
    pub deferred: u64,
}

/// How well the daemon does its job: `status` in `/healthz`'s body, and its HTTP code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// All is well.
    Ok,
    /// Running, but its output is suspect.
    Degraded,
    /// The loop is stalled or the state file does not open.
    Unhealthy,
}

/// One reading of the daemon's health.
#[derive(Clone, Debug)]
pub struct Report {
    /// The worst of the findings: unhealthy answers 503, the others 200.
    pub status: Status,
    /// What is wrong, one line each.
    pub problems: Vec<String>,
    /// The loop's last tick.
    pub last_tick: Option<DateTime<Utc>>,
    /// Seconds since it.
    pub tick_age: Option<f64>,
    /// The latest fetch (a run that ended, or a source's attempt).
    pub last_fetch: Option<DateTime<Utc>>,
    /// The last issue.
    pub last_issue: Option<IssueOutcome>,
    /// The store's view; `None` when it did not open.
    pub fetching: Option<StoreView>,
}

impl Health {
    /// Counts the loop as stalled when it has not ticked for `stale_after`.
    pub fn new(stale_after: Duration) -> Health {
        Health {
            stale_after,
            last_tick: Mutex::new(None),
            last_fetch: Mutex::new(None),
            last_issue: Mutex::new(None),
        }
    }

    /// How old a tick may be.
    pub fn stale_after(&self) -> Duration {
        self.stale_after
    }

    /// The loop is alive at `at`.
    pub fn tick(&self, at: DateTime<Utc>) {
        *lock(&self.last_tick) = Some((Instant::now(), at));
    }

    /// A fetch run ended at `at`.
    pub fn fetched(&self, at: DateTime<Utc>) {
        *lock(&self.last_fetch) = Some(at);
    }

    /// An issue's run ended.
    pub fn issue(&self, outcome: IssueOutcome) {
        *lock(&self.last_issue) = Some(outcome);
    }

    /// The verdict, given what the store says (or why it did not open).
    pub fn report(&self, store: Result<StoreView, String>) -> Report {
        let mut problems = Vec::new();
        let mut status = Status::Ok;
        let tick = *lock(&self.last_tick);
        let tick_age = tick.map(|(at, _)| at.elapsed());
        match tick_age {
            None => problems.push("the scheduler loop has not started".to_owned()),
            Some(age) if age > self.stale_after => problems.push(format!(
                "the scheduler loop last ticked {:.0} s ago",
                age.as_secs_f64()
            )),
            Some(_) => {}
        }
        if !problems.is_empty() {
            status = Status::Unhealthy;
        }
        if let Err(e) = &store {
            problems.push(format!("the state file does not open: {e}"));
            status = Status::Unhealthy;
        }
        let fetching = store.ok();
        let degrade = |status: &mut Status| {
            if *status == Status::Ok {
                *status = Status::Degraded;
            }
        };
        if let Some(f) = &fetching
            && f.sources > 0
            && f.failing == f.sources
        {
            problems.push(format!("every source is failing ({})", f.sources));
            degrade(&mut status);
        }
        let last_issue = lock(&self.last_issue).clone();
        if let Some(IssueOutcome {
            id,
            failure: Some(why),
            ..
        }) = &last_issue
        {
            problems.push(format!("the last issue ({id}) failed: {why}"));
            degrade(&mut status);
        }
        let recorded = fetching.as_ref().and_then(|f| f.last_attempt);
        let last_fetch = (*lock(&self.last_fetch)).max(recorded);
        Report {
            status,
            problems,
            last_tick: tick.map(|(_, at)| at),
            tick_age: tick_age.map(|a| a.as_secs_f64()),
            last_fetch,
            last_issue,
            fetching,
        }
    }
}

impl Report {
    /// The HTTP status of `/healthz`: 200 unless unhealthy (503).
    pub fn http_status(&self) -> u16 {
        match self.status {
            Status::Unhealthy => 503,
            Status::Ok | Status::Degraded => 200,
        }
    }

    /// The body of `/healthz`.
    pub fn json(&self) -> String {
        let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339());
        let status = match self.status {
            Status::Ok => "ok",
            Status::Degraded => "degraded",
            Status::Unhealthy => "unhealthy",
        };
        let issue = self.last_issue.as_ref().map(|i| {
            serde_json::json!({
                "id": i.id,
                "at": i.at.to_rfc3339(),
                "ok": i.failure.is_none(),
                "error": i.failure,
                "held": i.held,
            })
        });
        let body = serde_json::json!({
            "status": status,
            "last_tick": time(self.last_tick),
            "last_fetch": time(self.last_fetch),
            "last_issue": issue,
            "sources": self.fetching.as_ref().map(|f| f.sources),
            "sources_failing": self.fetching.as_ref().map(|f| f.failing),
            "problems": self.problems,
        });
        format!("{body}\n")
    }
}

/// Reads the store's side of the health of `plan` (blocking: the state file).
pub fn read_store(plan: &Plan) -> Result<StoreView, String> {
    let store = Store::open_read_only(&plan.site.state).map_err(|e| e.to_string())?;
    let rows = store.health().map_err(|e| e.to_string())?;
    let configured: std::collections::HashSet<String> = plan
        .sources
        .iter()
        .map(|s| format!("source/{}", s.id))
        .collect();
    let failing = rows
        .iter()
        .filter(|r| configured.contains(&r.key) && r.failure_streak > 0)
        .count();
    Ok(StoreView {
        last_attempt: rows.iter().filter_map(|r| r.last_attempt).max(),
        sources: configured.len(),
        failing,
        outbox_depth: store.outbox_depth().map_err(|e| e.to_string())?,
        deferred: store.deferred_now().map_err(|e| e.to_string())?,
    })
}

/// A full reading: the store is read on a blocking thread.
pub async fn check(shared: Arc<Shared>, health: Arc<Health>) -> Report {
    let plan = shared
        .plan
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let store = tokio::task::spawn_blocking(move || read_store(&plan))
        .await
        .unwrap_or_else(|e| Err(format!("the health check crashed: {e}")));
    health.report(store)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn fine() -> Result<StoreView, String> {
        Ok(StoreView {
            last_attempt: Some(at("2026-11-27T06:00:00Z")),
            sources: 3,
            failing: 1,
            outbox_depth: 0,
            deferred: 0,
        })
    }

    #[test]
    fn a_loop_that_stops_ticking_turns_unhealthy() {
        let health = Health::new(Duration::from_millis(200));
        let before = health.report(fine());
        assert_eq!(before.status, Status::Unhealthy, "never ticked");
        health.tick(at("2026-11-27T06:00:01Z"));
        let live = health.report(fine());
        assert_eq!(live.status, Status::Ok, "{:?}", live.problems);
        assert_eq!(live.http_status(), 200);
        std::thread::sleep(Duration::from_millis(300));
        let stalled = health.report(fine());
        assert_eq!(stalled.status, Status::Unhealthy);
        assert_eq!(stalled.http_status(), 503);
        assert!(stalled.problems[0].contains("last ticked"), "{stalled:?}");
        let body: serde_json::Value = serde_json::from_str(&stalled.json()).unwrap();
        assert_eq!(body["status"], "unhealthy");
        assert_eq!(body["last_tick"], "2026-11-27T06:00:01+00:00");
        health.tick(at("2026-11-27T06:00:02Z"));
        assert_eq!(health.report(fine()).status, Status::Ok, "ticking again");
    }

    #[test]
    fn a_store_that_does_not_open_is_unhealthy() {
        let health = Health::new(STALE_AFTER);
        health.tick(at("2026-11-27T06:00:01Z"));
        let report = health.report(Err("disk I/O error".to_owned()));
        assert_eq!(report.http_status(), 503);
        assert!(report.problems[0].contains("disk I/O error"));
    }

    #[test]
    fn every_source_failing_or_a_failed_issue_is_degraded_but_alive() {
        let health = Health::new(STALE_AFTER);
        health.tick(at("2026-11-27T06:00:01Z"));
        let all_failing = Ok(StoreView {
            sources: 3,
            failing: 3,
            ..Default::default()
        });
        let report = health.report(all_failing);
        assert_eq!(report.status, Status::Degraded);
        assert_eq!(report.http_status(), 200);
        let body: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(body["sources_failing"], 3);
        assert_eq!(body["status"], "degraded");

        health.issue(IssueOutcome {
            id: "morning/2026-11-27".to_owned(),
            at: at("2026-11-27T06:00:05Z"),
            failure: Some("state file: disk full".to_owned()),
            held: None,
        });
        let report = health.report(fine());
        assert_eq!(report.status, Status::Degraded, "{:?}", report.problems);
        assert!(report.problems[0].contains("morning/2026-11-27"));
        // The next issue goes out: healthy again.
        health.issue(IssueOutcome {
            id: "morning/2026-11-28".to_owned(),
            at: at("2026-11-28T06:00:05Z"),
            failure: None,
            held: None,
        });
        let report = health.report(fine());
        assert_eq!(report.status, Status::Ok);
        let body: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(body["last_issue"]["id"], "morning/2026-11-28");
        assert_eq!(body["last_issue"]["ok"], true);
        assert_eq!(body["last_fetch"], "2026-11-27T06:00:00+00:00");
        assert_eq!(body["sources_failing"], 1);
    }
}
