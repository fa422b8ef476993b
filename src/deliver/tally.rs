//! Messages counted as they go, for whoever watches a run from outside it (the
//! daemon's `/metrics`): each message once, when it reaches its outcome in a run,
//! not when the run ends.

use std::sync::atomic::{AtomicU64, Ordering};

use super::sending::Outcome;

/// Running counts of message outcomes, shared by the runs that are handed it.
#[derive(Debug, Default)]
pub struct Tally {
    sent: AtomicU64,
    failed: AtomicU64,
    refused: AtomicU64,
}

impl Tally {
    /// Messages accepted by the server.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Messages bounced (the mailbox refused them for good).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// Messages refused for good (our mail, not the mailbox).
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// Counts one message's outcome (a deferral is not an outcome: the message will
    /// be tried again, and `/metrics` reads how many wait from the ledger).
    pub(super) fn count(&self, outcome: &Outcome) {
        let counter = match outcome {
            Outcome::Sent { .. } => &self.sent,
            Outcome::Failed { .. } => &self.failed,
            Outcome::Refused { .. } => &self.refused,
            Outcome::Deferred(_) | Outcome::Stopped => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
