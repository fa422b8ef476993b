//! `[email]` and the subscribers file, compiled: transport, limits, unsubscribe
//! settings, and every subscriber checked (address, sections, editions, format, time
//! zone, duplicates), each problem with its line in the subscribers file.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    time::Duration,
};

use toml::Spanned;

use super::{
    Address, ConfigErrors, Dkim, EditionPlan, EmailPlan, Format, Mailbox, Problems, Secret,
    Section, Site, Subscriber, Tls, Transport,
    compile::{count, duration, section, slug},
    raw::{RawEmail, RawSubscriber},
};
use crate::model::{EditionId, SectionId};

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
        && let Err(e) = handlebars::Template::compile(value.get_ref())
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

/// Subscribers in one part of the file, when it is read in parts.
const SUBSCRIBERS_PER_PART: usize = 1_000;

/// Reads and checks the subscribers file.
///
/// A long file is read a thousand `[[subscribers]]` tables at a time: toml's document
/// of 100,000 subscribers at once took 330 MB, more than the rest of a run to all of
/// them. Cutting the text before a `[[subscribers]]` line changes nothing in what it
/// means, unless the line is inside a multi-line string; then the part before the cut
/// has an unterminated string and fails to parse, and the file is read again as one,
/// so that its problems are reported exactly as they are.
pub(super) fn subscribers(
    file: &Path,
    sections: &[Section],
    editions: &[EditionPlan],
    site: &Site,
) -> Result<Vec<Subscriber>, ConfigErrors> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            let mut p = Problems::new(file, "");
            p.general("", format!("cannot read the subscribers file: {e}"));
            return Err(p.into_errors());
        }
    };
    let known = Known {
        sections: sections.iter().map(|s| s.id.clone()).collect(),
        editions: editions.iter().map(|e| &e.id).collect(),
        site,
    };
    let parts = parts(&text, SUBSCRIBERS_PER_PART);
    let mut p = Problems::new(file, &text);
    let mut list = read(&mut p, &parts, &known);
    if list.is_none() && parts.len() > 1 {
        p = Problems::new(file, &text);
        let whole = 0..text.len();
        list = read(&mut p, std::slice::from_ref(&whole), &known);
    }
    match list {
        Some(list) if p.is_empty() => Ok(list),
        _ => Err(p.into_errors()),
    }
}

/// What subscribers may choose from.
struct Known<'a> {
    sections: HashSet<SectionId>,
    editions: HashSet<&'a EditionId>,
    site: &'a Site,
}

/// The byte ranges of `text` to parse one by one: cut before every `per_part`-th
/// `[[subscribers]]` line after the first.
fn parts(text: &str, per_part: usize) -> Vec<std::ops::Range<usize>> {
    let mut cuts = vec![0];
    let mut tables = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let header = line.trim();
        let header = header.split_once('#').map_or(header, |(h, _)| h.trim_end());
        if header == "[[subscribers]]" {
            if tables > 0 && tables % per_part == 0 {
                cuts.push(offset);
            }
            tables += 1;
        }
        offset += line.len();
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// Reads the subscribers in `parts` of the text; `None` if a part fails to parse.
fn read(
    p: &mut Problems<'_>,
    parts: &[std::ops::Range<usize>],
    known: &Known<'_>,
) -> Option<Vec<Subscriber>> {
    let mut seen = HashSet::new();
    let mut list = Vec::new();
    let mut first = 0;
    for part in parts {
        let doc = p.parse_part(part.clone())?;
        for (key, value) in doc.get_ref().iter() {
            let name: &str = key.get_ref();
            match name {
                "subscribers" => {
                    let raw = p.deserialize_each_from::<RawSubscriber>(name, value, first);
                    first += value.get_ref().as_array().map_or(0, |a| a.len());
                    for (i, s) in raw {
                        list.extend(subscriber(p, i, s, known, &mut seen));
                    }
                }
                _ => p.at(
                    key.span(),
                    name,
                    "unknown key; expected [[subscribers]] tables",
                ),
            }
        }
    }
    Some(list)
}

/// Checks subscriber `i`; `None` when its address is unusable (the problem is recorded).
fn subscriber(
    p: &mut Problems<'_>,
    i: usize,
    s: RawSubscriber,
    known: &Known<'_>,
    seen: &mut HashSet<Address>,
) -> Option<Subscriber> {
    let key = format!("subscribers[{i}]");
    let address = Address::parse(s.email.get_ref())
        .map_err(|e| p.on(&s.email, format!("{key}.email"), e))
        .ok();
    if let Some(address) = &address
        && !seen.insert(address.clone())
    {
        p.on(
            &s.email,
            format!("{key}.email"),
            format!("{address} is listed twice"),
        );
    }
    let chosen = s.sections.as_ref().map(|list| {
        list.iter()
            .filter_map(|v| section(p, &format!("{key}.sections"), v, &known.sections))
            .collect::<Vec<_>>()
    });
    let editions_chosen = s.editions.as_ref().map(|list| {
        list.iter()
            .filter_map(|v| {
                let id = slug(p, &format!("{key}.editions"), v, EditionId::parse)?;
                if known.editions.contains(&id) {
                    Some(id)
                } else {
                    p.on(
                        v,
                        format!("{key}.editions"),
                        format!("no edition \"{id}\" is configured"),
                    );
                    None
                }
            })
            .collect::<Vec<_>>()
    });
    let format = match s.format.as_ref().map(|f| f.get_ref().as_str()) {
        None | Some("html") => Format::Html,
        Some("text") => Format::Text,
        Some(other) => {
            let at = s.format.as_ref().expect("present");
            p.on(
                at,
                format!("{key}.format"),
                format!("unknown {other:?}; expected \"html\" or \"text\""),
            );
            Format::Html
        }
    };
    let time_zone = match &s.time_zone {
        None => known.site.time_zone,
        Some(v) => v.get_ref().parse().unwrap_or_else(|_| {
            p.on(
                v,
                format!("{key}.time_zone"),
                format!("unknown time zone {:?}", v.get_ref()),
            );
            known.site.time_zone
        }),
    };
    Some(Subscriber {
        address: address?,
        name: s.name.filter(|n| !n.trim().is_empty()),
        sections: chosen,
        editions: editions_chosen,
        format,
        time_zone,
    })
}
