//! The reader's side, without HTTP: signed links ([`token`]), rate limits
//! ([`limits`]), and what a sign-up, a confirmation and a change of preferences do to
//! the store and the outbox. `crate::web` serves the forms and calls these.
//!
//! A sign-up is double opt-in: the request is kept as a pending sign-up and a
//! confirmation email (through the outbox, [`crate::deliver::notice`]) carries a
//! `/confirm` link signed for the address that expires after [`confirm_within`]. An
//! address that is subscribed already gets a note with its preferences link instead,
//! so the page never tells whether an address was subscribed.

pub mod limits;
pub mod token;

use chrono::{DateTime, Utc};

use self::token::Purpose;
use crate::{
    config::Plan,
    deliver::notice::{self, Notice, Sent},
    store::{Choice, Store, StoreError},
    subscribers,
};

/// How long a confirmation link works: `email.confirm_within` (48 hours by default).
pub fn confirm_within(plan: &Plan) -> chrono::Duration {
    let configured = plan.email.as_ref().map(|e| e.confirm_within);
    configured
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or(chrono::Duration::hours(48))
}
/// How long a sign-up form stays valid after it was shown.
pub const FORM_WITHIN: chrono::Duration = chrono::Duration::hours(2);

/// The list the links are for and the secret that signs them (the unsubscribe
/// secret: configured, or the store's).
#[derive(Clone)]
pub struct Keys {
    /// `email.list_id`.
    pub list: String,
    /// The signing secret.
    pub secret: String,
}

impl Keys {
    /// The keys of `plan`; `None` without `[email]`.
    pub fn of(plan: &Plan) -> Option<Result<Keys, StoreError>> {
        let email = plan.email.as_ref()?;
        let secret = match &email.unsubscribe_secret {
            Some(secret) => Ok(secret.expose().to_owned()),
            None => Store::open(&plan.site.state).and_then(|mut s| s.unsubscribe_secret()),
        };
        Some(secret.map(|secret| Keys {
            list: email.list_id.clone(),
            secret,
        }))
    }

    /// A fresh anti-forgery token for the sign-up form.
    pub fn form_token(&self, now: DateTime<Utc>) -> String {
        token::make(
            &self.secret,
            Purpose::Form,
            "",
            &self.list,
            Some(now + FORM_WITHIN),
        )
    }

    /// Whether `form` is a form token of ours that has not expired.
    pub fn form_ok(&self, form: &str, now: DateTime<Utc>) -> bool {
        token::check(&self.secret, Purpose::Form, form, &self.list, now).is_ok()
    }

    /// The address of a `purpose` token, if genuine and current.
    pub fn check(
        &self,
        purpose: Purpose,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<String, token::TokenError> {
        token::check(&self.secret, purpose, token, &self.list, now)
    }

    /// The "Manage your subscription" link of `address` (it does not expire, like
    /// the unsubscribe link beside it).
    pub fn preferences_url(&self, base_url: &str, address: &str) -> String {
        preferences_url(base_url, &self.secret, &self.list, address)
    }
}

/// The "Manage your subscription" link of `address` on `list` under the site's base
/// URL, signed with `secret` (every email carries it).
pub fn preferences_url(base_url: &str, secret: &str, list: &str, address: &str) -> String {
    let token = token::make(secret, Purpose::Preferences, address, list, None);
    format!("{base_url}preferences?token={token}")
}

/// Whether `address` receives the digest now: listed (file or store) and not
/// suppressed.
pub fn subscribed(plan: &Plan, store: &Store, address: &str) -> Result<bool, StoreError> {
    let listed = plan
        .subscribers
        .iter()
        .any(|s| s.address.as_str() == address)
        || store.reader(address)?.is_some();
    Ok(listed && !store.suppressed_set()?.contains(address))
}

/// Handles a sign-up of `address` (checked already): records it and sends the
/// confirmation, or the "already subscribed" note. Returns what the outbox did.
pub async fn request(
    plan: &Plan,
    keys: &Keys,
    address: &str,
    choice: &Choice,
    now: DateTime<Utc>,
) -> Result<Sent, StoreError> {
    let base = plan.site.base_url.as_str();
    let already = {
        let mut store = Store::open(&plan.site.state)?;
        let already = subscribed(plan, &store, address)?;
        if !already {
            let mut writer = store.writer()?;
            writer.forget_signups(now - confirm_within(plan))?;
            writer.put_signup(address, choice, now)?;
            writer.commit()?;
        }
        already
    };
    let notice = if already {
        Notice::AlreadySubscribed {
            url: keys.preferences_url(base, address),
        }
    } else {
        let expires = now + confirm_within(plan);
        let token = token::make(
            &keys.secret,
            Purpose::Confirm,
            address,
            &keys.list,
            Some(expires),
        );
        Notice::Confirm {
            url: format!("{base}confirm?token={token}"),
            expires,
        }
    };
    let sent = notice::send(plan, address, &notice, now).await;
    match &sent {
        Sent::Sent => tracing::info!(reader = %subscribers::mask(address), "sign-up notice sent"),
        Sent::AlreadyToday => {
            tracing::info!(reader = %subscribers::mask(address), "sign-up notice already sent today")
        }
        Sent::Failed(e) => {
            tracing::warn!(reader = %subscribers::mask(address), error = %e, "sign-up notice not sent")
        }
    }
    Ok(sent)
}

/// What confirming did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirmed {
    /// The sign-up became a subscription.
    Subscribed,
    /// Nothing was waiting, but the address is subscribed (a second click).
    Already,
    /// Nothing was waiting and the address is not subscribed (forgotten, deleted).
    Nothing,
}

/// Confirms the pending sign-up of `address`: it joins the store's readers (origin
/// "web") and any suppression of it is lifted.
pub fn confirm(plan: &Plan, address: &str, now: DateTime<Utc>) -> Result<Confirmed, StoreError> {
    let mut store = Store::open(&plan.site.state)?;
    let Some(signup) = store.signup(address)? else {
        return Ok(match subscribed(plan, &store, address)? {
            true => Confirmed::Already,
            false => Confirmed::Nothing,
        });
    };
    let mut writer = store.writer()?;
    writer.put_reader(address, &signup.choice, "web", now)?;
    writer.forget_signup(address)?;
    writer.unsuppress(address)?;
    writer.commit()?;
    tracing::info!(reader = %subscribers::mask(address), "subscription confirmed");
    Ok(Confirmed::Subscribed)
}
