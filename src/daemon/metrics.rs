//! Counters the daemon keeps, served at `/metrics` in Prometheus' text format.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use chrono::{DateTime, Utc};

use crate::{deliver::email::EmailReport, ingest::IngestReport, store::StateKey};

/// What the daemon has done since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    fetch_failures: Mutex<BTreeMap<String, u64>>,
    fetch_runs: AtomicU64,
    issues: Mutex<BTreeMap<String, u64>>,
    last_issue: Mutex<BTreeMap<String, i64>>,
    sent: AtomicU64,
    failed: AtomicU64,
    deferred: AtomicU64,
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

    /// Counts a published issue and its delivery.
    pub fn published(&self, edition: &str, at: DateTime<Utc>, email: Option<&EmailReport>) {
        *self
            .issues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(edition.to_owned())
            .or_default() += 1;
        self.last_issue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(edition.to_owned(), at.timestamp());
        if let Some(email) = email {
            self.sent.fetch_add(email.sent as u64, Ordering::Relaxed);
            self.failed
                .fetch_add(email.failed as u64, Ordering::Relaxed);
            self.deferred
                .fetch_add(email.deferred as u64, Ordering::Relaxed);
        }
    }

    /// The text of `/metrics`; `outbox_depth` is read from the store at scrape time.
    pub fn render(&self, outbox_depth: Option<u64>) -> String {
        let mut out = String::new();
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
            "# HELP pressroom_issues_published_total Issues published per edition.\n# TYPE pressroom_issues_published_total counter"
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
            "# HELP pressroom_messages_total Messages by outcome.\n# TYPE pressroom_messages_total counter"
        );
        for (result, counter) in [
            ("sent", &self.sent),
            ("failed", &self.failed),
            ("deferred", &self.deferred),
        ] {
            let _ = writeln!(
                out,
                "pressroom_messages_total{{result=\"{result}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        if let Some(depth) = outbox_depth {
            let _ = writeln!(
                out,
                "# HELP pressroom_outbox_depth Messages waiting in the outbox.\n# TYPE pressroom_outbox_depth gauge\npressroom_outbox_depth {depth}"
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

/// A label value, escaped as the text format asks.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
