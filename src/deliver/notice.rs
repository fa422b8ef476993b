//! Notices to one reader outside an issue: the confirmation email of a sign-up (double
//! opt-in) and, when the address is already subscribed, a note with the link to
//! manage it. They leave through the same transport as the issues and the same
//! delivery ledger: the key is a pseudo-issue `signup/<date>` on the channel
//! [`CHANNEL`], so each address gets at most one notice a day (the per-address
//! limit), recorded `sending` before the transport is handed it and `sent` after.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox as LettreMailbox, Message, SinglePart};

use super::{mailer::Mailer, message, send_error::SendError, signer::signer};
use crate::{
    config::{EmailPlan, Plan},
    i18n::{Arg, Speaker},
    model::{EditionId, IssueId},
    store::{DeliveryState, Entry, Store},
};

/// The ledger channel of notices.
pub const CHANNEL: &str = "notice";

/// What to tell the reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Confirm a sign-up: the link to `/confirm`, valid until the instant given.
    Confirm {
        /// The `/confirm?token=…` link.
        url: String,
        /// When it stops working.
        expires: DateTime<Utc>,
    },
    /// They are subscribed already: the link to their preferences.
    AlreadySubscribed {
        /// The `/preferences?token=…` link.
        url: String,
    },
}

/// What became of a notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Handed to the transport.
    Sent,
    /// The address had its notice today already; nothing sent.
    AlreadyToday,
    /// The transport refused or failed; the row stays for a retry the same day.
    Failed(String),
}

/// The ledger key of today's notices.
fn day(plan: &Plan, now: DateTime<Utc>) -> IssueId {
    IssueId {
        edition: EditionId::parse("signup").expect("a valid id"),
        date: now.with_timezone(&plan.site.time_zone).date_naive(),
        time: None,
    }
}

/// The message of `notice` to `to`.
fn build(
    plan: &Plan,
    email: &EmailPlan,
    to: &str,
    notice: &Notice,
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Message, String> {
    let title = message::header_text(&plan.site.title);
    let say = Speaker::new(plan.site.templates.as_deref(), &plan.site.language);
    let site = || Arg::Text(title.clone());
    let (subject, text) = match notice {
        Notice::Confirm { url, expires } => (
            say.say("notice-confirm-subject", &[("site", site())]),
            say.say(
                "notice-confirm-text",
                &[
                    ("site", site()),
                    ("url", Arg::Text(url.clone())),
                    (
                        "until",
                        Arg::Text(expires.format("%Y-%m-%d %H:%M").to_string()),
                    ),
                ],
            ),
        ),
        Notice::AlreadySubscribed { url } => (
            say.say("notice-already-subject", &[("site", site())]),
            say.say(
                "notice-already-text",
                &[("site", site()), ("url", Arg::Text(url.clone()))],
            ),
        ),
    };
    // Lines end in CRLF, as a message's must; the catalogue's in LF.
    let text = format!("{}\r\n", text.replace('\n', "\r\n"));
    let to_address = to.parse().map_err(|e| format!("{to}: {e}"))?;
    let mut message = Message::builder()
        .from(message::mailbox(&email.from)?)
        .to(LettreMailbox::new(None, to_address))
        .subject(subject)
        .date(SystemTime::from(now))
        .message_id(Some(format!("<{message_id}>")));
    if let Some(reply_to) = &email.reply_to {
        message = message.reply_to(message::mailbox(reply_to)?);
    }
    let mut message = message
        .singlepart(SinglePart::plain(text))
        .map_err(|e| format!("cannot build the message: {e}"))?;
    if let Some(signer) = signer(email)? {
        message = (signer.sign_now(message, now)).map_err(|e| format!("cannot sign: {e}"))?;
    }
    Ok(message)
}

/// Sends `notice` to `to` unless today's was sent already.
pub async fn send(plan: &Plan, to: &str, notice: &Notice, now: DateTime<Utc>) -> Sent {
    let Some(email) = &plan.email else {
        return Sent::Failed("no [email] is configured".to_owned());
    };
    let day = day(plan, now);
    let domain = email
        .from
        .address
        .as_str()
        .rsplit('@')
        .next()
        .unwrap_or("pressroom.invalid");
    let message_id = message::message_id(&day, to, domain);
    let started = (|| -> Result<bool, crate::store::StoreError> {
        let mut store = Store::open(&plan.site.state)?;
        let mut writer = store.writer()?;
        let entry = Entry {
            recipient: to.to_owned(),
            audience: CHANNEL.to_owned(),
            message_id: message_id.clone(),
        };
        writer.enqueue(&day, CHANNEL, [entry], now)?;
        writer.commit()?;
        let sent = store
            .deliveries(&day, CHANNEL)?
            .into_iter()
            .any(|d| d.recipient == to && d.state == DeliveryState::Sent);
        if sent {
            return Ok(false);
        }
        let mut writer = store.writer()?;
        writer.transition(&day, CHANNEL, to, DeliveryState::Sending, None, now)?;
        writer.commit()?;
        Ok(true)
    })();
    match started {
        Ok(true) => {}
        Ok(false) => return Sent::AlreadyToday,
        Err(e) => return Sent::Failed(e.to_string()),
    }
    let outcome = match build(plan, email, to, notice, &message_id, now) {
        Ok(message) => match Mailer::open(email) {
            Ok(mailer) => {
                let file_name = format!("notice-{to}");
                let sent = tokio::time::timeout(
                    email.timeout * 3,
                    mailer.send(&message, &file_name, None),
                )
                .await;
                mailer.close().await;
                match sent {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(
                        SendError::Permanent(e)
                        | SendError::Temporary(e)
                        | SendError::Connection(e),
                    )) => Err(e),
                    Err(_) => Err(format!("no answer within {:?}", email.timeout * 3)),
                }
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let (state, error) = match &outcome {
        Ok(()) => (DeliveryState::Sent, None),
        Err(e) => (DeliveryState::Pending, Some(("other", e.as_str()))),
    };
    let recorded = Store::open(&plan.site.state).and_then(|mut store| {
        let mut writer = store.writer()?;
        writer.transition(&day, CHANNEL, to, state, error, now)?;
        writer.commit()
    });
    match (outcome, recorded) {
        (Ok(()), Ok(())) => Sent::Sent,
        (Ok(()), Err(e)) => Sent::Failed(format!("sent, but not recorded: {e}")),
        (Err(e), _) => Sent::Failed(e),
    }
}
