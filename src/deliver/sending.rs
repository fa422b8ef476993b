//! The messages of one run going out: `email.concurrency` slots, each taking the next
//! delivery, building its message, recording it `sending`, sending it, and so on.
//!
//! A slot records a message `sent` in the same transaction as the `sending` of its
//! next message (or on its own when it has no next): one commit per message instead
//! of two, with the same guarantee, since the slot starts no SMTP transaction before
//! that commit. At any moment each slot has at most one message whose fate a crash
//! would leave unknown (sent, or on the wire, but not recorded `sent`), as before.

use std::{collections::HashMap, sync::Mutex};

use chrono::{DateTime, Utc};
use lettre::address::Envelope;

use tokio::sync::watch;

use super::{
    journal::{Change, Journal, Recorded},
    mailer::Mailer,
    message::{self, Letter},
    pace::Pace,
    personal::Rendered,
    send_error::SendError,
    signer::Signer,
    unsubscribe,
};
use crate::{
    config::{EmailPlan, Plan, Subscriber},
    store::{Delivery, DeliveryState},
    time::{Clock, backoff},
};

/// What happened to one message.
pub(super) enum Outcome {
    Sent { resent: bool },
    Failed { suppressed: bool },
    Deferred,
    Stopped,
}

/// What every message of a run shares.
pub(super) struct Context<'a> {
    pub(super) plan: &'a Plan,
    pub(super) email: &'a EmailPlan,
    pub(super) clock: &'a Clock,
    /// Turns true when no new message may start.
    pub(super) stop: &'a watch::Receiver<bool>,
    pub(super) journal: &'a Journal,
    pub(super) mailer: &'a Mailer,
    pub(super) rendered: &'a HashMap<String, Rendered>,
    /// Each subscriber's current audience (it may differ from the one queued, if they
    /// changed their sections since).
    pub(super) audience_of: &'a HashMap<&'a str, &'a str>,
    pub(super) signer: Option<&'a Signer>,
    pub(super) secret: &'a str,
    pub(super) pace: &'a Pace,
}

/// A message sent whose `sent` is not committed yet: the address and when.
type Unrecorded = Option<(String, DateTime<Utc>)>;

impl Context<'_> {
    /// Delivers `work` over `slots` slots; one outcome per delivery.
    pub(super) async fn deliver_all(
        &self,
        work: Vec<(Delivery, &Subscriber)>,
        slots: usize,
    ) -> Vec<Outcome> {
        let queue = Mutex::new(work.into_iter());
        let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).next();
        let slot = || async {
            let mut outcomes = Vec::new();
            let mut unrecorded: Unrecorded = None;
            // Each slot knows its next delivery before it sends the current one, so
            // that SMTP can send the next one's commands ahead (see smtp.rs).
            let mut upcoming = next();
            while let Some((delivery, subscriber)) = upcoming.take() {
                upcoming = next();
                let ahead = (upcoming.as_ref())
                    .filter(|_| self.pace.unlimited())
                    .and_then(|(_, s)| message::envelope(&self.email.from, s.address.as_str()));
                let outcome = self
                    .deliver(delivery, subscriber, ahead.as_ref(), &mut unrecorded)
                    .await;
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

    /// Commits `change` (if any) together with the slot's unrecorded `sent`.
    async fn record(
        &self,
        unrecorded: &mut Unrecorded,
        change: Option<Change>,
    ) -> Result<Recorded, String> {
        let mut changes = Vec::with_capacity(2);
        if let Some((address, at)) = unrecorded.take() {
            let sent = Change::Move {
                recipient: address,
                state: DeliveryState::Sent,
                error: None,
            };
            changes.push((sent, at));
        }
        changes.extend(change.map(|c| (c, self.clock.now())));
        self.journal.record_all(changes).await
    }

    async fn deliver(
        &self,
        delivery: Delivery,
        subscriber: &Subscriber,
        ahead: Option<&Envelope>,
        unrecorded: &mut Unrecorded,
    ) -> Outcome {
        let resent = delivery.state == DeliveryState::Sending;
        let audience = self
            .audience_of
            .get(subscriber.address.as_str())
            .copied()
            .unwrap_or(&delivery.audience);
        let Some(rendered) = self.rendered.get(audience) else {
            return Outcome::Deferred;
        };
        let email = self.email;
        let address = subscriber.address.as_str();
        let token = unsubscribe::token(self.secret, address, &email.list_id);
        let unsubscribe_url = unsubscribe::url(self.plan.site.base_url.as_str(), &token);
        let preferences_url = crate::signup::preferences_url(
            self.plan.site.base_url.as_str(),
            self.secret,
            &email.list_id,
            address,
        );
        let list_id = format!(
            "\"{}\" <{}>",
            message::header_text(&self.plan.site.title),
            email.list_id
        );
        let letter = Letter {
            from: &email.from,
            reply_to: email.reply_to.as_ref(),
            to: address,
            name: subscriber.name.as_deref(),
            subject: &rendered.subject,
            html: rendered.html.as_ref(),
            text: &rendered.text,
            message_id: &delivery.message_id,
            list_id: &list_id,
            unsubscribe_url: &unsubscribe_url,
            preferences_url: &preferences_url,
            unsubscribe_mailto: email.unsubscribe_mailto.as_str(),
            date: self.clock.now(),
        };
        let mut message = match message::build(&letter) {
            Ok(message) => message,
            Err(error) => return self.bounce(address, error, 1, unrecorded).await,
        };
        if let Some(signer) = self.signer {
            signer.sign(&mut message);
        }
        for attempt in 0..email.attempts {
            if *self.stop.borrow() {
                return Outcome::Stopped;
            }
            self.pace.wait().await;
            let change = Change::Move {
                recipient: address.to_owned(),
                state: DeliveryState::Sending,
                error: None,
            };
            if self.record(unrecorded, Some(change)).await.is_err() {
                return Outcome::Deferred;
            }
            let sent = tokio::time::timeout(
                email.timeout * 3,
                self.mailer.send(&message, address, ahead),
            )
            .await;
            let error = match sent {
                Ok(Ok(())) => {
                    *unrecorded = Some((address.to_owned(), self.clock.now()));
                    return Outcome::Sent { resent };
                }
                Ok(Err(SendError::Permanent(reason))) => {
                    return self
                        .bounce(address, reason, email.bounce_limit, unrecorded)
                        .await;
                }
                Ok(Err(SendError::Temporary(reason))) => reason,
                Err(_) => format!("no answer within {:?}", email.timeout * 3),
            };
            tracing::debug!(%address, attempt, %error, "temporary failure");
            let change = Change::Move {
                recipient: address.to_owned(),
                state: DeliveryState::Pending,
                error: Some(error),
            };
            let _ = self.record(unrecorded, Some(change)).await;
            if attempt + 1 < email.attempts {
                tokio::time::sleep(backoff(email.backoff, attempt)).await;
            }
        }
        Outcome::Deferred
    }

    async fn bounce(
        &self,
        address: &str,
        error: String,
        limit: u32,
        unrecorded: &mut Unrecorded,
    ) -> Outcome {
        // Masked: logs at INFO never carry an address in full (the ledger has it).
        tracing::warn!(reader = %crate::subscribers::mask(address), %error, "refused");
        let change = Change::Bounce {
            address: address.to_owned(),
            error,
            limit,
        };
        let suppressed = self.record(unrecorded, Some(change)).await == Ok(Recorded::Suppressed);
        Outcome::Failed { suppressed }
    }
}
