//! Counters the daemon keeps, served at `/metrics` in Prometheus' text format, with
//! the gauges of [`super::health`] (up, degraded, sources failing) read at scrape time.
//! Messages are counted as they go (a [`Tally`] handed to every publish run), each
//! once, at its outcome; the messages deferred are read from the ledger at scrape
//! time, as `status` counts them, not summed over the runs that retried them.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use chrono::{DateTime, Utc};

use super::health::{Report, Status};
use crate::{deliver::tally::Tally, ingest::IngestReport, store::StateKey};

/// What the daemon has done since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    fetch_failures: Mutex<BTreeMap<String, u64>>,
    fetch_runs: AtomicU64,
    issues: Mutex<BTreeMap<String, u64>>,
    held: Mutex<BTreeMap<String, u64>>,
    last_issue: Mutex<BTreeMap<String, i64>>,
    tally: std::sync::Arc<Tally>,
}

impl Metrics {
    /// Counts a fetch run and its failures per source.
    pub fn fetched(&self, report: &IngestReport) {
        self.fetch_runs.fetch_add(1, Ordering::Relaxed);
        let mut failures = self
            .fetch_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for target in &report.targets {
            let name = match &target.key {
                StateKey::Source(id) => format!("source/{id}"),
                StateKey::Signal(id) => format!("signal/{id}"),
            };
            let entry = failures.entry(name).or_default();
            if matches!(target.status, crate::ingest::Status::Failed(_)) {
                *entry += 1;
            }
        }
    }

    /// Where publish runs count their messages as they go.
    pub fn tally(&self) -> std::sync::Arc<Tally> {
        self.tally.clone()
    }

    /// Counts an issue if this run built it: a run that resumes an issue built
    /// earlier does not count it again. (Its messages were counted as they went.)
    pub fn published(&self, edition: &str, built: bool, at: DateTime<Utc>) {
        if built {
            *self
                .issues
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(edition.to_owned())
                .or_default() += 1;
        }
        self.last_issue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(edition.to_owned(), at.timestamp());
    }

    /// Counts an issue held back (too thin, or stale data).
    pub fn held(&self, edition: &str) {
        *self
            .held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(edition.to_owned())
            .or_default() += 1;
    }

    /// The text of `/metrics`; `health` is read (from the loop and the store) at
    /// scrape time.
    pub fn render(&self, health: &Report) -> String {
        let mut out = String::new();
        gauges(&mut out, health);
        let _ = writeln!(
            out,
            "# HELP pressroom_fetch_runs_total Fetch runs.\n# TYPE pressroom_fetch_runs_total counter"
        );
        let _ = writeln!(
            out,
            "pressroom_fetch_runs_total {}",
            self.fetch_runs.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP pressroom_fetch_failures_total Failed fetches per source or signal.\n# TYPE pressroom_fetch_failures_total counter"
        );
        for (source, n) in self
            .fetch_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "pressroom_fetch_failures_total{{source=\"{}\"}} {n}",
                label(source)
            );
        }
        let _ = writeln!(
            out,
            "# HELP pressroom_issues_published_total Issues built per edition (once each, however many runs resume it).\n# TYPE pressroom_issues_published_total counter"
        );
        for (edition, n) in self.issues.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(
                out,
                "pressroom_issues_published_total{{edition=\"{}\"}} {n}",
                label(edition)
            );
        }
        let _ = writeln!(
            out,
            "# HELP pressroom_issues_held_total Issues held back, nothing sent (too thin, or stale data), per edition.\n# TYPE pressroom_issues_held_total counter"
        );
        for (edition, n) in self.held.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(
                out,
                "pressroom_issues_held_total{{edition=\"{}\"}} {n}",
                label(edition)
            );
        }
        let _ = writeln!(
            out,
            "# HELP pressroom_messages_total Messages by outcome, each counted once as it happens: sent, failed (bounced), refused (our mail).\n# TYPE pressroom_messages_total counter"
        );
        for (result, n) in [
            ("sent", self.tally.sent()),
            ("failed", self.tally.failed()),
            ("refused", self.tally.refused()),
        ] {
            let _ = writeln!(out, "pressroom_messages_total{{result=\"{result}\"}} {n}");
        }
        if let Some(store) = health.fetching.as_ref() {
            let _ = writeln!(
                out,
                "# HELP pressroom_outbox_depth Messages waiting in the outbox.\n# TYPE pressroom_outbox_depth gauge\npressroom_outbox_depth {}",
                store.outbox_depth
            );
            let _ = writeln!(
                out,
                "# HELP pressroom_messages_deferred Messages waiting after a failure (deferred), as `status` counts them.\n# TYPE pressroom_messages_deferred gauge\npressroom_messages_deferred {}",
                store.deferred
            );
        }
        let _ = writeln!(
            out,
            "# HELP pressroom_last_issue_timestamp_seconds When the last issue of each edition was published.\n# TYPE pressroom_last_issue_timestamp_seconds gauge"
        );
        for (edition, at) in self
            .last_issue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "pressroom_last_issue_timestamp_seconds{{edition=\"{}\"}} {at}",
                label(edition)
            );
        }
        out
    }
}

/// `pressroom_up`, `pressroom_degraded`, the sources failing and the loop's age.
fn gauges(out: &mut String, health: &Report) {
    let flag = |b: bool| u8::from(b);
    let _ = writeln!(
        out,
        "# HELP pressroom_up 1 while the scheduler loop ticks and the state file opens.\n# TYPE pressroom_up gauge\npressroom_up {}",
        flag(health.status != Status::Unhealthy)
    );
    let _ = writeln!(
        out,
        "# HELP pressroom_degraded 1 when every source fails or the last issue failed.\n# TYPE pressroom_degraded gauge\npressroom_degraded {}",
        flag(health.status == Status::Degraded)
    );
    if let Some(f) = &health.fetching {
        let _ = writeln!(
            out,
            "# HELP pressroom_sources Sources configured.\n# TYPE pressroom_sources gauge\npressroom_sources {}",
            f.sources
        );
        let _ = writeln!(
            out,
            "# HELP pressroom_sources_failing Sources whose last fetch failed.\n# TYPE pressroom_sources_failing gauge\npressroom_sources_failing {}",
            f.failing
        );
    }
    if let Some(age) = health.tick_age {
        let _ = writeln!(
            out,
            "# HELP pressroom_loop_tick_age_seconds Seconds since the scheduler loop last ticked.\n# TYPE pressroom_loop_tick_age_seconds gauge\npressroom_loop_tick_age_seconds {age:.3}"
        );
    }
    if let Some(at) = health.last_fetch {
        let _ = writeln!(
            out,
            "# HELP pressroom_last_fetch_timestamp_seconds The latest fetch of any source.\n# TYPE pressroom_last_fetch_timestamp_seconds gauge\npressroom_last_fetch_timestamp_seconds {}",
            at.timestamp()
        );
    }
}

/// A label value, escaped as the text format asks.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
