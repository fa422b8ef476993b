//! What an ingest run reports: per source and signal, and for the run as a whole.

use std::{fmt::Write as _, time::Duration};

use crate::store::{PruneReport, SaveReport, StateKey};

/// What happened to one source or signal.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Read and stored.
    Fresh {
        /// Items (or most-read entries) read.
        items: usize,
        /// What the store did with them.
        saved: SaveReport,
    },
    /// Not modified since the last success (304 or identical body).
    Unchanged,
    /// Its interval has not elapsed; not fetched.
    NotDue,
    /// Failed, with a one-line reason.
    Failed(String),
}

/// One source's or signal's part of an ingest run.
#[derive(Clone, Debug)]
pub struct TargetReport {
    /// Which one.
    pub key: StateKey,
    /// Where it was read from.
    pub location: String,
    /// What happened.
    pub status: Status,
    /// What could not be used, one line per kind.
    pub warnings: Vec<String>,
    /// Bytes downloaded (after decompression).
    pub bytes: u64,
}

/// The whole run.
#[derive(Clone, Debug, Default)]
pub struct IngestReport {
    /// Every source and signal, in configuration order.
    pub targets: Vec<TargetReport>,
    /// Stories saved, over all sources.
    pub saved: SaveReport,
    /// What retention pruned.
    pub pruned: PruneReport,
    /// Wall time.
    pub elapsed: Duration,
}

impl IngestReport {
    /// Sources and signals that failed.
    pub fn failures(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets
            .iter()
            .filter(|t| matches!(t.status, Status::Failed(_)))
    }

    /// Bytes downloaded in all.
    pub fn bytes(&self) -> u64 {
        self.targets.iter().map(|t| t.bytes).sum()
    }

    /// One line: what was fetched, what it gave, what failed.
    pub fn summary(&self) -> String {
        let count = |f: fn(&Status) -> bool| self.targets.iter().filter(|t| f(&t.status)).count();
        let fresh = count(|s| matches!(s, Status::Fresh { .. }));
        let unchanged = count(|s| matches!(s, Status::Unchanged));
        let not_due = count(|s| matches!(s, Status::NotDue));
        let failed = count(|s| matches!(s, Status::Failed(_)));
        let mut line = format!(
            "fetch: {} targets in {:.2} s ({:.1} MB): {fresh} read, {unchanged} unchanged",
            self.targets.len() - not_due,
            self.elapsed.as_secs_f64(),
            self.bytes() as f64 / 1e6,
        );
        if not_due > 0 {
            let _ = write!(line, ", {not_due} not due");
        }
        let _ = write!(
            line,
            ", {failed} failed; stories: {} new, {} updated, {} unchanged",
            self.saved.new, self.saved.updated, self.saved.unchanged
        );
        if self.pruned.stories + self.pruned.snapshots > 0 {
            let _ = write!(
                line,
                "; pruned {} stories, {} snapshots",
                self.pruned.stories, self.pruned.snapshots
            );
        }
        line
    }
}
