//! The messages of one run going out: `email.concurrency` slots, each taking the next
//! delivery, building its message, recording it `sending`, sending it, and so on.
//!
//! A slot records a message `sent` in the same transaction as the `sending` of its
//! next message (or on its own when it has no next): one commit per message instead
//! of two, with the same guarantee, since the slot starts no SMTP transaction before
//! that commit. A `sent` whose commit fails stays with the slot and goes with its
//! next commit, so it never leaves a row behind it. Each slot has at most one message
//! whose fate a crash would leave unknown (sent, or on the wire, but not recorded
//! `sent`): the row it recorded `sending` last.
//!
//! **The crash bound**: after a crash at most `concurrency` rows are `sending`. The
//! rows a previous crash left `sending` are resent first, all of them, before any
//! other message starts: otherwise a slot that holds one as its next (to send its
//! commands ahead) keeps it `sending` while the other slots start new messages (six
//! unknown at concurrency 4 with PIPELINING, before this). The rows left unknown are
//! then the slots' current ones, or the previous crash's still being resent, never both.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use lettre::address::Envelope;

use tokio::sync::watch;

use super::{
    halt::Halt,
    journal::{Change, Journal, Recorded},
    mailer::Mailer,
    message,
    pace::Pace,
    prepare::{Kit, Order, Preparing, Unready},
    refusal::{self, Cause},
    send_error::SendError,
};
use crate::{
    config::{EmailPlan, Subscriber},
    store::{Delivery, DeliveryState},
    time::{Clock, backoff},
};

/// What happened to one message; a failure with its cause and reply.
pub(super) enum Outcome {
    Sent {
        resent: bool,
    },
    /// The mailbox refused it: a bounce.
    Failed {
        suppressed: bool,
        reply: String,
    },
    /// Our mail refused (not the mailbox).
    Refused {
        cause: Cause,
        reply: String,
    },
    /// Left pending after failures (`None`: no failure of the server's).
    Deferred(Option<(Cause, String)>),
    /// Not started: the run was asked to stop, or stopped by itself.
    Stopped,
}

/// What every message of a run shares.
pub(super) struct Context<'a> {
    pub(super) email: &'a EmailPlan,
    pub(super) clock: &'a Clock,
    /// Turns true when no new message may start.
    pub(super) stop: &'a watch::Receiver<bool>,
    pub(super) journal: &'a Journal,
    pub(super) mailer: &'a Mailer,
    /// What the messages are made from (the renderings, the sender, the signer).
    pub(super) kit: Arc<Kit>,
    /// Each subscriber's current audience (it may differ from the one queued, if they
    /// changed their sections since).
    pub(super) audience_of: &'a HashMap<&'a str, &'a str>,
    pub(super) pace: &'a Pace,
    /// The run's streaks of refusals and connection failures.
    pub(super) halt: &'a Halt,
    /// Counts each outcome as it happens.
    pub(super) tally: Option<&'a super::tally::Tally>,
}

/// A message sent whose `sent` is not committed yet: the address and when.
type Unrecorded = Option<(String, DateTime<Utc>)>;

impl Context<'_> {
    /// Delivers `work` over `slots` slots; one outcome per delivery. The deliveries a
    /// crash left `sending` go first, and none other starts before they are done
    /// (see the crash bound above).
    pub(super) async fn deliver_all(
        &self,
        mut work: Vec<(Delivery, &Subscriber)>,
        slots: usize,
    ) -> Vec<Outcome> {
        // Taken out in place: a partition into two new lists held a second copy of
        // the whole work (18 MB at 100,000) at the run's peak.
        let unknown: Vec<_> = work
            .extract_if(.., |(delivery, _)| delivery.state == DeliveryState::Sending)
            .collect();
        let rest = work;
        let mut outcomes = Vec::new();
        if !unknown.is_empty() {
            tracing::info!(
                messages = unknown.len(),
                "resending first the messages whose fate a crash left unknown"
            );
            outcomes = self.deliver_over(unknown, slots).await;
        }
        outcomes.extend(self.deliver_over(rest, slots).await);
        outcomes
    }

    /// Delivers `work` over `slots` slots, each flushing its last `sent` at the end.
    async fn deliver_over(&self, work: Vec<(Delivery, &Subscriber)>, slots: usize) -> Vec<Outcome> {
        if work.is_empty() {
            return Vec::new();
        }
        let queue = Mutex::new(work.into_iter());
        let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
        let verp = || self.email.verp_domain.as_deref();
        let slot = || async {
            let mut outcomes = Vec::new();
            let mut unrecorded: Unrecorded = None;
            // Each slot knows its next delivery before it sends the current one, so
            // that SMTP can send the next one's commands ahead (see smtp.rs), and
            // prepares its message meanwhile (see prepare.rs).
            let mut upcoming = next().map(|(d, s)| self.start(d, s));
            while let Some((delivery, subscriber, preparing)) = upcoming.take() {
                upcoming = next().map(|(d, s)| self.start(d, s));
                let ahead = (upcoming.as_ref())
                    .filter(|_| self.pace.unlimited())
                    .and_then(|(_, s, _)| {
                        message::envelope(&self.email.from, verp(), s.address.as_str())
                    });
                let next = upcoming.as_mut().and_then(|(_, _, p)| p.as_mut());
                let outcome = self
                    .deliver(
                        delivery,
                        subscriber,
                        (preparing, next),
                        ahead.as_ref(),
                        &mut unrecorded,
                    )
                    .await;
                if let Some(tally) = self.tally {
                    tally.count(&outcome);
                }
                outcomes.push(outcome);
            }
            if unrecorded.is_some() {
                let _ = self.record(&mut unrecorded, None).await;
            }
            outcomes
        };
        let all = futures_util::future::join_all((0..slots.max(1)).map(|_| slot())).await;
        all.into_iter().flatten().collect()
    }

    /// `delivery` with its message being prepared, unless the run is stopping (no
    /// message is built for nothing, but the one each slot prepares ahead).
    fn start<'s>(
        &self,
        delivery: Delivery,
        subscriber: &'s Subscriber,
    ) -> (Delivery, &'s Subscriber, Option<Preparing>) {
        if self.stopping() {
            return (delivery, subscriber, None);
        }
        // Their current audience (it may differ from the one queued, if they changed
        // their sections since).
        let audience = (self.audience_of.get(subscriber.address.as_str()).copied())
            .unwrap_or(&delivery.audience);
        let order = Order {
            address: subscriber.address.as_str().to_owned(),
            name: subscriber.name.clone(),
            message_id: delivery.message_id.clone(),
            audience: audience.to_owned(),
            date: self.clock.now(),
        };
        let preparing = Preparing::start(&self.kit, order);
        (delivery, subscriber, Some(preparing))
    }

    /// Whether no new message may start: stopped, or stopped by itself.
    fn stopping(&self) -> bool {
        *self.stop.borrow() || self.halt.halted().is_some()
    }

    /// Commits `change` (if any) together with the slot's unrecorded `sent`, which is
    /// cleared only once committed.
    async fn record(
        &self,
        unrecorded: &mut Unrecorded,
        change: Option<Change>,
    ) -> Result<Recorded, String> {
        let mut changes = Vec::with_capacity(2);
        if let Some((address, at)) = unrecorded.clone() {
            let sent = Change::Move {
                recipient: address,
                state: DeliveryState::Sent,
                error: None,
                cause: None,
            };
            changes.push((sent, at));
        }
        changes.extend(change.map(|c| (c, self.clock.now())));
        let recorded = self.journal.record_all(changes).await;
        if recorded.is_ok() {
            // Kept until committed: a failed commit must not leave it `sending` while
            // the slot goes on to another message.
            *unrecorded = None;
        }
        recorded
    }

    async fn deliver(
        &self,
        delivery: Delivery,
        subscriber: &Subscriber,
        (preparing, mut next): (Option<Preparing>, Option<&mut Preparing>),
        ahead: Option<&Envelope>,
        unrecorded: &mut Unrecorded,
    ) -> Outcome {
        // Stopped, or stopped by itself: the message prepared ahead is dropped.
        let Some(preparing) = preparing.filter(|_| !self.stopping()) else {
            return Outcome::Stopped;
        };
        let resent = delivery.state == DeliveryState::Sending;
        let email = self.email;
        let address = subscriber.address.as_str();
        let ready = match preparing.ready().await {
            Ok(ready) => ready,
            Err(Unready::NoAudience) => return Outcome::Deferred(None),
            Err(Unready::Unbuildable(error)) => {
                return self.bounce(address, error, 1, unrecorded).await;
            }
            Err(Unready::Failed(error)) => {
                tracing::error!(%address, %error, "not sent");
                return Outcome::Deferred(Some((Cause::Other, error)));
            }
        };
        let mut last = None;
        for attempt in 0..email.attempts {
            if self.stopping() {
                return match last {
                    Some(failure) => Outcome::Deferred(Some(failure)),
                    None => Outcome::Stopped,
                };
            }
            self.pace.wait().await;
            let change = Change::Move {
                recipient: address.to_owned(),
                state: DeliveryState::Sending,
                error: None,
                cause: None,
            };
            if self.record(unrecorded, Some(change)).await.is_err() {
                return Outcome::Deferred(last);
            }
            let send = tokio::time::timeout(
                email.timeout * 3,
                (self.mailer).send_wire(&ready.envelope, &ready.wire, address, ahead),
            );
            // The next message is built while this one waits for its answer (`biased`:
            // this one is written first).
            let build = async {
                if let Some(next) = next.as_deref_mut() {
                    next.prepare_now();
                }
            };
            let (sent, ()) = tokio::join!(biased; send, build);
            let (error, cause) = match sent {
                Ok(Ok(())) => {
                    self.halt.accepted();
                    *unrecorded = Some((address.to_owned(), self.clock.now()));
                    return Outcome::Sent { resent };
                }
                Ok(Err(SendError::Permanent(reply))) => {
                    return self.refused(address, reply, unrecorded).await;
                }
                Ok(Err(SendError::Connection(error))) => {
                    // Nothing was sent: the attempt is given back, and the run stops
                    // after a few of these in a row (see halt.rs).
                    tracing::debug!(%address, attempt, %error, "no connection");
                    self.halt.connection_failed(&error);
                    let change = Change::Release {
                        recipient: address.to_owned(),
                        error: error.clone(),
                    };
                    let _ = self.record(unrecorded, Some(change)).await;
                    last = Some((Cause::Connection, error));
                    if attempt + 1 < email.attempts && self.halt.halted().is_none() {
                        self.halt.sleep(backoff(email.backoff, attempt)).await;
                    }
                    continue;
                }
                Ok(Err(SendError::Temporary(reply))) => {
                    self.halt.answered();
                    let cause = refusal::classify(&reply);
                    (reply, cause)
                }
                Err(_) => (
                    format!("no answer within {:?}", email.timeout * 3),
                    Cause::Connection,
                ),
            };
            tracing::debug!(%address, attempt, %error, "temporary failure");
            let change = Change::Move {
                recipient: address.to_owned(),
                state: DeliveryState::Pending,
                error: Some(error.clone()),
                cause: Some(cause),
            };
            let _ = self.record(unrecorded, Some(change)).await;
            last = Some((cause, error));
            if attempt + 1 < email.attempts {
                self.halt.sleep(backoff(email.backoff, attempt)).await;
            }
        }
        Outcome::Deferred(last)
    }

    /// A permanent failure: a bounce if the mailbox was refused, else a refusal of
    /// our mail, recorded `refused`, which never counts toward suppression.
    async fn refused(&self, address: &str, reply: String, unrecorded: &mut Unrecorded) -> Outcome {
        let cause = refusal::classify(&reply);
        if cause == Cause::Mailbox {
            self.halt.bounced();
            return (self.bounce(address, reply, self.email.bounce_limit, unrecorded)).await;
        }
        tracing::debug!(%address, %cause, error = %reply, "refused");
        self.halt.refused(&reply);
        let change = Change::Move {
            recipient: address.to_owned(),
            state: DeliveryState::Refused,
            error: Some(reply.clone()),
            cause: Some(cause),
        };
        let _ = self.record(unrecorded, Some(change)).await;
        Outcome::Refused { cause, reply }
    }

    async fn bounce(
        &self,
        address: &str,
        error: String,
        limit: u32,
        unrecorded: &mut Unrecorded,
    ) -> Outcome {
        tracing::debug!(%address, %error, "bounced");
        let change = Change::Bounce {
            address: address.to_owned(),
            error: error.clone(),
            limit,
        };
        let suppressed = self.record(unrecorded, Some(change)).await == Ok(Recorded::Suppressed);
        Outcome::Failed {
            suppressed,
            reply: error,
        }
    }
}
