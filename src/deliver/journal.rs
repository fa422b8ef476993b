//! The ledger's journal: every state change of a delivery is committed before the run
//! moves on, from one writer thread that commits whatever has queued up in one
//! transaction (group commit). Twenty concurrent SMTP transactions cost one commit
//! per round, not twenty, and no message is on the wire unrecorded.

use std::{path::Path, thread::JoinHandle};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::refusal::Cause;
use crate::{
    model::IssueId,
    store::{DeliveryState, Store, StoreError},
};

/// One change to record.
#[derive(Debug)]
pub enum Change {
    /// A delivery moves to a state, with the error that moved it.
    Move {
        /// Who it goes to.
        recipient: String,
        /// The new state.
        state: DeliveryState,
        /// The error, if one.
        error: Option<String>,
        /// What the error is about.
        cause: Option<Cause>,
    },
    /// A permanent failure: count the bounce and suppress past `limit`.
    Bounce {
        /// The address that bounced.
        address: String,
        /// The server's answer.
        error: String,
        /// Bounces that suppress.
        limit: u32,
    },
    /// No connection could be made for a delivery marked `sending`: back to pending
    /// with its attempt given back (nothing was sent).
    Release {
        /// Who it goes to.
        recipient: String,
        /// Why no connection could be made.
        error: String,
    },
}

/// What recording a change found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Committed; nothing else changed.
    Done,
    /// Done, and the address is now suppressed.
    Suppressed,
}

/// Changes committed together; the reply is about the last.
struct Request {
    changes: Vec<(Change, DateTime<Utc>)>,
    reply: oneshot::Sender<Result<Recorded, String>>,
}

/// The writer thread and its queue.
pub struct Journal {
    queue: Option<mpsc::UnboundedSender<Request>>,
    thread: Option<JoinHandle<()>>,
}

impl Journal {
    /// Starts the writer of `channel`'s ledger for `issue` on its own connection to
    /// the state file.
    pub fn start(
        state: &Path,
        issue: IssueId,
        channel: &'static str,
    ) -> Result<Journal, StoreError> {
        let mut store = Store::open(state)?;
        // SQLite copies the log back into the database every thousand pages, with two
        // fsyncs, on the connection that commits: a stall of 5 to 170 ms every 250 or
        // so messages, during which no slot could send (2.7 s of an 11 s run of 20,000
        // messages under load). On a thread of its own the copying no longer holds up
        // a commit; durability is the WAL's, as before. Every 250 commits (about 1,000
        // pages, as often as SQLite did), not after each: a checkpoint per commit cost
        // more CPU in fsyncs than the commits.
        store.checkpoint_in_background_every(250)?;
        let (queue, mut requests) = mpsc::unbounded_channel::<Request>();
        let thread = std::thread::Builder::new()
            .name("outbox-journal".to_owned())
            .spawn(move || {
                while let Some(first) = requests.blocking_recv() {
                    let mut batch = vec![first];
                    while let Ok(more) = requests.try_recv() {
                        batch.push(more);
                    }
                    let results = commit(&mut store, &issue, channel, &batch);
                    for (request, result) in batch.into_iter().zip(results) {
                        let _ = request.reply.send(result);
                    }
                }
            })
            .map_err(|e| StoreError::Corrupt {
                what: "journal thread",
                detail: e.to_string(),
            })?;
        Ok(Journal {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Records `change` at `at`; returns once it is committed.
    pub async fn record(&self, change: Change, at: DateTime<Utc>) -> Result<Recorded, String> {
        self.record_all(vec![(change, at)]).await
    }

    /// Records `changes` in one transaction; returns once they are committed, with
    /// what the last one found.
    pub async fn record_all(
        &self,
        changes: Vec<(Change, DateTime<Utc>)>,
    ) -> Result<Recorded, String> {
        let (reply, answer) = oneshot::channel();
        let queue = self.queue.as_ref().ok_or("the journal is closed")?;
        queue
            .send(Request { changes, reply })
            .map_err(|_| "the journal stopped".to_owned())?;
        answer.await.map_err(|_| "the journal stopped".to_owned())?
    }

    /// Waits for every queued change to be committed.
    pub fn close(mut self) {
        self.queue.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.queue.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Applies a batch in one transaction; one result per request.
fn commit(
    store: &mut Store,
    issue: &IssueId,
    channel: &str,
    batch: &[Request],
) -> Vec<Result<Recorded, String>> {
    let mut apply_all = || -> Result<Vec<Recorded>, StoreError> {
        let mut writer = store.writer()?;
        let mut results = Vec::with_capacity(batch.len());
        for request in batch {
            let mut last = Recorded::Done;
            for (change, at) in &request.changes {
                last = apply(&mut writer, issue, channel, change, *at)?;
            }
            results.push(last);
        }
        writer.commit()?;
        Ok(results)
    };
    match apply_all() {
        Ok(results) => results.into_iter().map(Ok).collect(),
        Err(e) => batch.iter().map(|_| Err(e.to_string())).collect(),
    }
}

fn apply(
    writer: &mut crate::store::Writer<'_>,
    issue: &IssueId,
    channel: &str,
    change: &Change,
    at: DateTime<Utc>,
) -> Result<Recorded, StoreError> {
    Ok(match change {
        Change::Move {
            recipient,
            state,
            error,
            cause,
        } => {
            let cause = cause.unwrap_or(Cause::Other).as_str();
            let failure = error.as_deref().map(|e| (e, cause));
            writer.transition(issue, channel, recipient, *state, failure, at)?;
            Recorded::Done
        }
        Change::Release { recipient, error } => {
            writer.release(issue, channel, recipient, error, at)?;
            Recorded::Done
        }
        Change::Bounce {
            address,
            error,
            limit,
        } => {
            writer.transition(
                issue,
                channel,
                address,
                DeliveryState::Failed,
                Some((error, Cause::Mailbox.as_str())),
                at,
            )?;
            let count = writer.bounce(address, error, at)?;
            if count >= *limit {
                let reason = format!("{count} hard bounces; last: {error}");
                writer.suppress(address, &reason, at)?;
                Recorded::Suppressed
            } else {
                Recorded::Done
            }
        }
    })
}
