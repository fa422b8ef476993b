//! One subscriber's message made ready for the wire off the async thread: built from
//! the audience's rendering, formatted and signed, on tokio's blocking pool.
//!
//! `publish` runs the send slots in one task, so whatever a slot computes there runs
//! on one thread, in turn with every other slot's SMTP. A slot therefore prepares its
//! next message while the current one is on the wire and its answer is awaited: a
//! signed one on the blocking pool, started before the current one is sent (signing
//! costs 0.6 ms for RSA-2048, on the other core), an unsigned one on the sending
//! thread itself while it waits (building costs about 60 µs for 30 KB, less than the
//! hand-offs to another thread and back). Nothing here touches the ledger: a prepared
//! message is recorded `sending` only when its turn comes, after the previous one's
//! answer, as before (see `sending.rs`).

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use lettre::address::Envelope;
use tokio::task::JoinHandle;

use super::{
    message::{self, Letter},
    personal::Rendered,
    signer::Signer,
    unsubscribe,
};
use crate::config::{EmailPlan, Mailbox, Plan};

/// What every message of a run is made from; shared with the blocking pool.
pub(super) struct Kit {
    /// Each audience's rendering, by its slug.
    rendered: HashMap<String, Rendered>,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    /// The List-Id header's value: `"Site title" <list id>`.
    list_id_header: String,
    /// `email.list_id`, which the unsubscribe and preferences tokens are bound to.
    list_id: String,
    base_url: String,
    secret: String,
    unsubscribe_mailto: String,
    verp_domain: Option<String>,
    signer: Option<Signer>,
}

impl Kit {
    /// The kit of a run: `rendered` by audience, signed by `signer` if there is one,
    /// links signed with `secret`.
    pub(super) fn new(
        plan: &Plan,
        email: &EmailPlan,
        rendered: HashMap<String, Rendered>,
        signer: Option<Signer>,
        secret: String,
    ) -> Kit {
        Kit {
            rendered,
            from: email.from.clone(),
            reply_to: email.reply_to.clone(),
            list_id_header: format!(
                "\"{}\" <{}>",
                message::header_text(&plan.site.title),
                email.list_id
            ),
            list_id: email.list_id.clone(),
            base_url: plan.site.base_url.as_str().to_owned(),
            secret,
            unsubscribe_mailto: email.unsubscribe_mailto.as_str().to_owned(),
            verp_domain: email.verp_domain.clone(),
            signer,
        }
    }
}

/// One message to prepare: its reader and what the ledger gave it.
pub(super) struct Order {
    /// The subscriber's address.
    pub(super) address: String,
    /// Their name, if the subscribers file gives one.
    pub(super) name: Option<String>,
    /// The Message-ID the outbox gave it (the same on every resend).
    pub(super) message_id: String,
    /// The audience whose rendering it carries.
    pub(super) audience: String,
    /// Its Date header and signature time.
    pub(super) date: DateTime<Utc>,
}

/// A message ready for the wire.
pub(super) struct Ready {
    /// Its SMTP envelope.
    pub(super) envelope: Envelope,
    /// Its bytes as they go on the wire (DKIM-Signature fields included).
    pub(super) wire: Vec<u8>,
}

/// Why a message is not ready.
pub(super) enum Unready {
    /// No rendering for its audience: left pending, no failure of the reader's.
    NoAudience,
    /// It cannot be built for this address: a bounce.
    Unbuildable(String),
    /// It could not be signed, or the preparing did not finish: left pending.
    Failed(String),
}

/// A message being prepared: a signed one on the blocking pool (a signature is worth
/// the hand-off to another thread), an unsigned one on the sending thread while the
/// previous message waits for its answer ([`Preparing::prepare_now`]: the hand-offs
/// cost more CPU than building it does).
pub(super) enum Preparing {
    /// Signing on the blocking pool.
    Pool(JoinHandle<Result<Ready, Unready>>),
    /// Not started: built when the slot has a moment, or when its turn comes.
    Later(Arc<Kit>, Box<Order>),
    /// Done.
    Done(Result<Ready, Unready>),
}

impl Preparing {
    /// Starts preparing `order`: now on the blocking pool if it is to be signed.
    pub(super) fn start(kit: &Arc<Kit>, order: Order) -> Preparing {
        let kit = Arc::clone(kit);
        if kit.signer.is_none() {
            return Preparing::Later(kit, Box::new(order));
        }
        Preparing::Pool(tokio::task::spawn_blocking(move || prepare(&kit, &order)))
    }

    /// Builds a message not started yet, on the calling thread.
    pub(super) fn prepare_now(&mut self) {
        if let Preparing::Later(kit, order) = self {
            *self = Preparing::Done(prepare(kit, order));
        }
    }

    /// The message, once ready.
    pub(super) async fn ready(mut self) -> Result<Ready, Unready> {
        self.prepare_now();
        match self {
            Preparing::Pool(handle) => match handle.await {
                Ok(prepared) => prepared,
                Err(e) => Err(Unready::Failed(format!(
                    "the message was not prepared: {e}"
                ))),
            },
            Preparing::Done(prepared) => prepared,
            Preparing::Later(..) => Err(Unready::Failed("the message was not prepared".into())),
        }
    }
}

/// Builds, formats and signs one message on the calling thread.
fn prepare(kit: &Kit, order: &Order) -> Result<Ready, Unready> {
    let Some(rendered) = kit.rendered.get(&order.audience) else {
        return Err(Unready::NoAudience);
    };
    let address = order.address.as_str();
    let token = unsubscribe::token(&kit.secret, address, &kit.list_id);
    let unsubscribe_url = unsubscribe::url(&kit.base_url, &token);
    let preferences_url =
        crate::signup::preferences_url(&kit.base_url, &kit.secret, &kit.list_id, address);
    let letter = Letter {
        from: &kit.from,
        reply_to: kit.reply_to.as_ref(),
        to: address,
        name: order.name.as_deref(),
        subject: &rendered.subject,
        html: rendered.html.as_ref(),
        text: &rendered.text,
        message_id: &order.message_id,
        list_id: &kit.list_id_header,
        unsubscribe_url: &unsubscribe_url,
        preferences_url: &preferences_url,
        unsubscribe_mailto: &kit.unsubscribe_mailto,
        date: order.date,
        verp_domain: kit.verp_domain.as_deref(),
    };
    let message = message::build(&letter).map_err(Unready::Unbuildable)?;
    let wire = message.formatted();
    let wire = match &kit.signer {
        Some(signer) => (signer.sign_wire(&wire, order.date))
            .map_err(|e| Unready::Failed(format!("cannot sign the message: {e}")))?,
        None => wire,
    };
    Ok(Ready {
        envelope: message.envelope().clone(),
        wire,
    })
}
