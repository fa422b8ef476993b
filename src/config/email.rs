//! `[email]` compiled: transport, limits, unsubscribe settings (the subscribers file
//! it names is read by `config::subscribers`).

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use toml::Spanned;

use super::{
    Address, Dkim, EmailPlan, Mailbox, Problems, Secret, Site, Tls, Transport,
    compile::{count, duration},
    raw::RawEmail,
};

/// Default subject template.
pub const DEFAULT_SUBJECT: &str = "{{issue.title}}: {{issue.date}}";

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
    let list_id = match &raw.list_id {
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
        // The digest's name under the sender's domain: "meridian-morning-review.meridian.example".
        None => {
            let domain = from.as_ref().map_or("pressroom.invalid", |f| {
                f.address
                    .as_str()
                    .rsplit('@')
                    .next()
                    .unwrap_or("pressroom.invalid")
            });
            format!("{}.{domain}", super::opml::slugify(&site.title))
        }
    };
    let transport = transport(p, &raw, site, root);
    let secret_env = raw
        .unsubscribe_secret_env
        .as_ref()
        .map_or("PRESSROOM_UNSUBSCRIBE_SECRET", |v| v.get_ref());
    let unsubscribe_secret = std::env::var(secret_env)
        .ok()
        .filter(|s| !s.is_empty())
        .map(Secret::new);
    let unsubscribe_mailto = match &raw.unsubscribe_mailto {
        Some(v) => Address::parse(v.get_ref())
            .map_err(|e| p.on(v, "email.unsubscribe_mailto", e))
            .ok(),
        None => from.as_ref().map(|f| f.address.clone()),
    };
    let rate = match &raw.rate {
        Some(v) if !(v.get_ref().is_finite() && *v.get_ref() >= 0.0) => {
            p.on(v, "email.rate", "must be 0 (no limit) or more");
            0.0
        }
        Some(v) => *v.get_ref(),
        None => 0.0,
    };
    let dkim = raw.dkim.as_ref().map(|d| Dkim {
        domain: d.domain.get_ref().clone(),
        selector: d.selector.get_ref().clone(),
        key: root.join(d.key.get_ref()),
    });
    if let (Some(d), Some(raw_dkim)) = (&dkim, &raw.dkim)
        && !d.key.is_file()
    {
        p.on(
            &raw_dkim.key,
            "email.dkim.key",
            format!("no key file at {}", d.key.display()),
        );
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
        unsubscribe_secret,
        unsubscribe_mailto: unsubscribe_mailto?,
        dkim,
    })
}

fn transport(p: &mut Problems<'_>, raw: &RawEmail, site: &Site, root: &Path) -> Option<Transport> {
    let kind = raw
        .transport
        .as_ref()
        .map_or("file", |t| t.get_ref().as_str());
    match kind {
        "file" => Some(Transport::File {
            folder: raw
                .folder
                .as_ref()
                // Beside the state file, never under the public output folder: the
                // messages carry addresses and unsubscribe tokens.
                .map_or_else(|| outbox_beside(&site.state), |f| root.join(f)),
        }),
        "sendmail" => Some(Transport::Sendmail {
            program: PathBuf::from(raw.sendmail.as_deref().unwrap_or("/usr/sbin/sendmail")),
        }),
        "smtp" => {
            let Some(host) = &raw.host else {
                let at = raw.transport.as_ref().expect("smtp was written");
                p.on(at, "email.host", "transport \"smtp\" needs a `host`");
                return None;
            };
            let tls = match raw.tls.as_ref().map(|t| t.get_ref().as_str()) {
                None | Some("starttls") => Tls::StartTls,
                Some("tls") => Tls::Implicit,
                Some("none") => Tls::None,
                Some(other) => {
                    let at = raw.tls.as_ref().expect("present");
                    p.on(
                        at,
                        "email.tls",
                        format!("unknown {other:?}; expected \"tls\", \"starttls\" or \"none\""),
                    );
                    Tls::StartTls
                }
            };
            if tls == Tls::None && !is_loopback(host.get_ref()) {
                let at = raw.tls.as_ref().expect("present");
                p.on(
                    at,
                    "email.tls",
                    "\"none\" sends mail in clear text: allowed only to a loopback host",
                );
            }
            let default_port = if tls == Tls::Implicit { 465 } else { 587 };
            let port = count(p, "email.port", &raw.port, 1..=65535, default_port) as u16;
            let password =
                raw.password_env
                    .as_ref()
                    .and_then(|var| match std::env::var(var.get_ref()) {
                        Ok(value) => Some(Secret::new(value)),
                        Err(_) => {
                            p.on(
                                var,
                                "email.password_env",
                                format!("environment variable {} is not set", var.get_ref()),
                            );
                            None
                        }
                    });
            let credentials = match (&raw.user, password) {
                (Some(user), Some(password)) => Some((user.clone(), password)),
                (Some(_), None) if raw.password_env.is_none() => {
                    p.on(
                        host,
                        "email.password_env",
                        "a `user` needs a `password_env`",
                    );
                    None
                }
                _ => None,
            };
            Some(Transport::Smtp {
                host: host.get_ref().clone(),
                port,
                tls,
                credentials,
            })
        }
        other => {
            let at = raw.transport.as_ref().expect("present");
            p.on(
                at,
                "email.transport",
                format!("unknown {other:?}; expected \"file\", \"smtp\" or \"sendmail\""),
            );
            None
        }
    }
}

fn outbox_beside(state: &Path) -> PathBuf {
    state.parent().unwrap_or(Path::new(".")).join("outbox")
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
