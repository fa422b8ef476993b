//! `[email]`: the sender, subject, list, limits and unsubscribe settings; how
//! messages leave is in `transport.rs`. The subscribers file it names is read by
//! `config::subscribers`.

mod transport;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use serde::Deserialize;
use toml::Spanned;

pub use self::transport::{Tls, Transport};
use super::{
    check::{self, count, duration, number},
    problems::Problems,
    site::Site,
    values::{Address, Mailbox, Secret},
};

/// Default subject template.
pub const DEFAULT_SUBJECT: &str = "{{issue.title}}: {{issue.date}}";

/// The variable read for the unsubscribe secret when `unsubscribe_secret_env` is not set.
const DEFAULT_SECRET_ENV: &str = "PRESSROOM_UNSUBSCRIBE_SECRET";

/// `[email]`: delivery of the issue by email.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmail {
    /// The sender, e.g. "Morning Review <review@news.example>".
    pub from: Spanned<String>,
    /// Where replies go, if not to `from`.
    pub reply_to: Option<Spanned<String>>,
    /// The subscribers file, relative to this file. Default "subscribers.toml".
    pub subscribers: Option<String>,
    /// Subject line, a Handlebars template over the view.
    /// Default "{{issue.title}}: {{issue.date}}".
    pub subject: Option<Spanned<String>>,
    /// List-Id of the digest, e.g. "morning.news.example". Default: the site's title
    /// as a slug under the sender's domain ("morning-review.news.example").
    pub list_id: Option<Spanned<String>>,
    /// How messages leave: "file" (.eml files in `folder`), "smtp" or "sendmail".
    /// Default "file".
    pub transport: Option<Spanned<String>>,
    /// Folder for .eml files (transport "file"), relative to this file.
    /// Default: "outbox" beside the state file (never publish it: messages carry
    /// addresses and unsubscribe tokens).
    pub folder: Option<String>,
    /// SMTP server host name (transport "smtp").
    pub host: Option<Spanned<String>>,
    /// SMTP port. Default 465 for tls = "tls", 587 otherwise.
    pub port: Option<Spanned<i64>>,
    /// "tls" (implicit TLS), "starttls", or "none" (plain text: allowed only to
    /// a loopback address). Default "starttls".
    pub tls: Option<Spanned<String>>,
    /// SMTP user name.
    pub user: Option<String>,
    /// Name of the environment variable holding the SMTP password.
    pub password_env: Option<Spanned<String>>,
    /// Path of the sendmail program (transport "sendmail"). Default "/usr/sbin/sendmail".
    pub sendmail: Option<String>,
    /// SMTP transactions in flight at once. Default 4.
    pub concurrency: Option<Spanned<i64>>,
    /// Most messages per second; 0 for no limit. Default 0.
    pub rate: Option<Spanned<f64>>,
    /// Attempts for a temporary failure before the message is deferred to the next run.
    /// Default 4.
    pub attempts: Option<Spanned<i64>>,
    /// First retry delay after a temporary failure; doubles, with jitter. Default "2s".
    pub backoff: Option<Spanned<String>>,
    /// Time allowed for one SMTP command; a whole transaction (MAIL, RCPT, DATA, the
    /// content and the reply to it) may take three times this. Default "60s".
    pub timeout: Option<Spanned<String>>,
    /// Permanent failures (hard bounces) after which an address is suppressed. Default 2.
    pub bounce_limit: Option<Spanned<i64>>,
    /// The same refusal of our mail (policy, content, system: not a bad mailbox) from
    /// this many recipients in a row stops the run, the rest left pending; 0 never
    /// stops. Default 5.
    pub refusal_limit: Option<Spanned<i64>>,
    /// A domain whose mail comes back to you: each message's envelope sender (the
    /// return path bounces go to) is then `bounces+LOCAL=HOST@` it, naming its
    /// reader (VERP), for `pressroom bounces import`. Default: none (`from`).
    pub verp_domain: Option<Spanned<String>>,
    /// Name of the environment variable holding the secret that signs unsubscribe links;
    /// when named here it must be set. Default "PRESSROOM_UNSUBSCRIBE_SECRET", which may
    /// be unset: the store then generates and keeps a secret.
    pub unsubscribe_secret_env: Option<Spanned<String>>,
    /// Address for mailto: unsubscribe requests (List-Unsubscribe). Default: `from`.
    pub unsubscribe_mailto: Option<Spanned<String>>,
    /// DKIM signing: `{ domain = "news.example", selector = "s1", key = "dkim.pem" }`.
    pub dkim: Option<RawDkim>,
    /// Whether readers may sign up on the web (`/subscribe`, double opt-in).
    /// Default true; the preferences and unsubscribe pages work either way.
    pub signup: Option<bool>,
    /// How long a sign-up's confirmation link works. Default "48h".
    pub confirm_within: Option<Spanned<String>>,
}

/// `[email.dkim]`: DKIM signing of every message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDkim {
    /// Signing domain (d=).
    pub domain: Spanned<String>,
    /// Selector (s=).
    pub selector: Spanned<String>,
    /// The private key file, relative to this file.
    pub key: Spanned<String>,
    /// A second key to sign with as well, `{ selector = "ed2026", key = "dkim-ed25519.pem" }`:
    /// RFC 8463 advises an Ed25519 signature beside the RSA one.
    pub also: Option<RawDkimKey>,
}

/// `[email.dkim] also`: a second key and its selector.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDkimKey {
    /// Selector (s=) of this key.
    pub selector: Spanned<String>,
    /// The private key file, relative to this file.
    pub key: Spanned<String>,
}

/// DKIM signing settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Dkim {
    /// Signing domain.
    pub domain: String,
    /// Selector (s=): the DNS name `<selector>._domainkey.<domain>` holds the public key.
    pub selector: String,
    /// The private key file: RSA or Ed25519 (see `deliver/dkim/key.rs`).
    pub key: PathBuf,
    /// A second key signing as well (typically Ed25519 beside RSA).
    pub also: Option<DkimKey>,
}

/// A second DKIM key.
#[derive(Clone, Debug, PartialEq)]
pub struct DkimKey {
    /// Selector (s=) of this key.
    pub selector: String,
    /// The private key file.
    pub key: PathBuf,
}

/// `[email]`, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct EmailPlan {
    /// `email.from`: the From header and the envelope sender of every message.
    pub from: Mailbox,
    /// Where replies go.
    pub reply_to: Option<Mailbox>,
    /// The subscribers file.
    pub subscribers_file: PathBuf,
    /// The subject template's source.
    pub subject: String,
    /// The List-Id header's value, e.g. "morning-review.news.example": `email.list_id`,
    /// or the site's title as a slug under the sender's domain.
    pub list_id: String,
    /// How messages leave.
    pub transport: Transport,
    /// SMTP transactions in flight at once.
    pub concurrency: usize,
    /// Most messages per second (0: no limit).
    pub rate: f64,
    /// Attempts for a temporary failure within one run.
    pub attempts: u32,
    /// First retry delay.
    pub backoff: Duration,
    /// Time allowed for one SMTP command.
    pub timeout: Duration,
    /// Hard bounces before an address is suppressed.
    pub bounce_limit: u32,
    /// Identical refusals of our mail in a row that stop the run (0: never).
    pub refusal_limit: u32,
    /// The domain of the VERP return paths, if set.
    pub verp_domain: Option<String>,
    /// The secret of unsubscribe tokens, from the environment; `None` only when no
    /// variable is named and the default one is unset (the store then generates and
    /// keeps one).
    pub unsubscribe_secret: Option<Secret>,
    /// mailto: address of List-Unsubscribe.
    pub unsubscribe_mailto: Address,
    /// DKIM signing, if configured.
    pub dkim: Option<Dkim>,
    /// Whether `/subscribe` takes sign-ups.
    pub signup: bool,
    /// How long a confirmation link works.
    pub confirm_within: Duration,
}

/// Checks `[email]`; `None` when a problem leaves no usable sender or transport.
pub(super) fn compile(
    p: &mut Problems<'_>,
    raw: RawEmail,
    site: &Site,
    root: &Path,
) -> Option<EmailPlan> {
    let mailbox = |p: &mut Problems<'_>, key: &str, value: &Spanned<String>| {
        Mailbox::parse(value.get_ref())
            .map_err(|e| p.on(value, key, e))
            .ok()
    };
    let from = mailbox(p, "email.from", &raw.from);
    let reply_to = raw
        .reply_to
        .as_ref()
        .and_then(|v| mailbox(p, "email.reply_to", v));
    let subject = raw
        .subject
        .as_ref()
        .map_or(DEFAULT_SUBJECT.to_owned(), |s| s.get_ref().clone());
    if let Some(value) = &raw.subject
        && let Err(e) = crate::render::check_template(value.get_ref())
    {
        p.on(value, "email.subject", format!("not a valid template: {e}"));
    }
    let list_id = list_id(p, &raw, from.as_ref(), site);
    let transport = transport::compile(p, &transport_keys(&raw), site, root);
    let unsubscribe_secret = unsubscribe_secret(p, &raw);
    let unsubscribe_mailto = match &raw.unsubscribe_mailto {
        Some(v) => Address::parse(v.get_ref())
            .map_err(|e| p.on(v, "email.unsubscribe_mailto", e))
            .ok(),
        None => from.as_ref().map(|f| f.address.clone()),
    };
    let rate = number(
        p,
        "email.rate",
        &raw.rate,
        0.0,
        |r| r >= 0.0,
        "must be 0 (no limit) or more",
    );
    let dkim = raw.dkim.as_ref().map(|d| Dkim {
        domain: d.domain.get_ref().clone(),
        selector: d.selector.get_ref().clone(),
        key: root.join(d.key.get_ref()),
        also: d.also.as_ref().map(|a| DkimKey {
            selector: a.selector.get_ref().clone(),
            key: root.join(a.key.get_ref()),
        }),
    });
    if let Some(raw_dkim) = &raw.dkim {
        let also = raw_dkim
            .also
            .as_ref()
            .map(|a| (&a.key, "email.dkim.also.key"));
        for (key, name) in std::iter::once((&raw_dkim.key, "email.dkim.key")).chain(also) {
            let path = root.join(key.get_ref());
            if !path.is_file() {
                p.on(key, name, format!("no key file at {}", path.display()));
            }
        }
    }
    Some(EmailPlan {
        from: from?,
        reply_to,
        subscribers_file: root.join(raw.subscribers.as_deref().unwrap_or("subscribers.toml")),
        subject,
        list_id,
        transport: transport?,
        concurrency: count(p, "email.concurrency", &raw.concurrency, 1..=256, 4) as usize,
        rate,
        attempts: count(p, "email.attempts", &raw.attempts, 1..=20, 4) as u32,
        backoff: duration(p, "email.backoff", &raw.backoff, Duration::from_secs(2)),
        timeout: duration(p, "email.timeout", &raw.timeout, Duration::from_secs(60)),
        bounce_limit: count(p, "email.bounce_limit", &raw.bounce_limit, 1..=100, 2) as u32,
        refusal_limit: count(p, "email.refusal_limit", &raw.refusal_limit, 0..=100_000, 5) as u32,
        verp_domain: verp_domain(p, &raw),
        unsubscribe_secret,
        unsubscribe_mailto: unsubscribe_mailto?,
        dkim,
        signup: raw.signup.unwrap_or(true),
        confirm_within: duration(
            p,
            "email.confirm_within",
            &raw.confirm_within,
            Duration::from_secs(48 * 3600),
        ),
    })
}

fn transport_keys(raw: &RawEmail) -> transport::RawTransport<'_> {
    transport::RawTransport {
        transport: raw.transport.as_ref(),
        folder: raw.folder.as_deref(),
        host: raw.host.as_ref(),
        port: &raw.port,
        tls: raw.tls.as_ref(),
        user: raw.user.as_deref(),
        password_env: raw.password_env.as_ref(),
        sendmail: raw.sendmail.as_deref(),
    }
}

/// `email.verp_domain`, checked: a domain name (its return paths must parse).
fn verp_domain(p: &mut Problems<'_>, raw: &RawEmail) -> Option<String> {
    let value = raw.verp_domain.as_ref()?;
    let domain = value.get_ref().trim().to_lowercase();
    match Address::parse(&format!("bounces+a=b.example@{domain}")) {
        Ok(_) if !domain.is_empty() => Some(domain),
        _ => {
            p.on(
                value,
                "email.verp_domain",
                "must be a domain such as \"bounces.news.example\"",
            );
            None
        }
    }
}

/// The List-Id: as written, or the digest's name under the sender's domain
/// ("meridian-morning-review.meridian.example").
fn list_id(p: &mut Problems<'_>, raw: &RawEmail, from: Option<&Mailbox>, site: &Site) -> String {
    match &raw.list_id {
        Some(v)
            if v.get_ref()
                .contains(|c: char| c.is_whitespace() || c == '<' || c == '>') =>
        {
            p.on(
                v,
                "email.list_id",
                "must be a dot-atom such as \"morning.news.example\"",
            );
            String::new()
        }
        Some(v) => v.get_ref().clone(),
        None => {
            let domain = from.map_or("pressroom.invalid", |f| {
                f.address
                    .as_str()
                    .rsplit('@')
                    .next()
                    .unwrap_or("pressroom.invalid")
            });
            format!("{}.{domain}", check::slugify(&site.title))
        }
    }
}

/// The secret that signs unsubscribe links. A variable named by
/// `unsubscribe_secret_env` must be set: without it, `publish` would sign with the
/// store's own secret and the links would fail on a server started with the variable.
/// Only the default variable may be unset (the store then keeps a generated secret).
fn unsubscribe_secret(p: &mut Problems<'_>, raw: &RawEmail) -> Option<Secret> {
    match &raw.unsubscribe_secret_env {
        Some(var) => check::secret(p, "email.unsubscribe_secret_env", var),
        None => std::env::var(DEFAULT_SECRET_ENV)
            .ok()
            .filter(|s| !s.is_empty())
            .map(Secret::new),
    }
}
