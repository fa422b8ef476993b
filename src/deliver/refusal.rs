//! What a failed delivery is about, from the server's reply: its enhanced status code
//! (RFC 3463) first, then its wording, then its basic code (RFC 5321). Only a refusal
//! of the *mailbox* (it does not exist, is disabled, is full) is a bounce that counts
//! toward suppressing the address; a refusal of *our mail* (policy, reputation,
//! content, the receiving system, the protocol) says nothing about the reader and
//! never suppresses anybody.
//!
//! The classifier reads a reply as the transports report it, e.g. lettre's
//! "permanent error (550): 5.1.1 no such user", a DSN's "smtp; 550 5.1.1 …", or a bare
//! reply; multi-line replies may come joined on one line.

use std::fmt;

/// What a failure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// The reader's mailbox: unknown, disabled, full (X.1.x, X.2.x; a plain 550 with
    /// mailbox wording). Permanent, it is a bounce.
    Mailbox,
    /// Our mail refused by policy: reputation, block lists, spam filters, SPF, DKIM,
    /// DMARC, relaying, rate limits, greylisting (X.7.x).
    Policy,
    /// The message's content or size (X.6.x, X.3.4, X.2.3).
    Content,
    /// The receiving system or its routing (X.3.x, X.4.x).
    System,
    /// The SMTP dialogue itself (X.5.x).
    Protocol,
    /// The connection: refused, dropped, timed out, TLS, authentication.
    Connection,
    /// A reply none of the above describes.
    Other,
}

impl Cause {
    /// Its name in logs, `status` and the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Mailbox => "mailbox",
            Cause::Policy => "policy",
            Cause::Content => "content",
            Cause::System => "system",
            Cause::Protocol => "protocol",
            Cause::Connection => "connection",
            Cause::Other => "other",
        }
    }

    /// The cause named `text` (as [`Cause::as_str`] writes it); `Other` if unknown.
    pub fn parse(text: &str) -> Cause {
        [
            Cause::Mailbox,
            Cause::Policy,
            Cause::Content,
            Cause::System,
            Cause::Protocol,
            Cause::Connection,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
        .unwrap_or(Cause::Other)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Wording of a refusal of our mail rather than of the mailbox; read before the
/// mailbox wording, since such replies often name the recipient too ("Recipient
/// address rejected: Access denied" after a 5.7.1, Exim's "Unrouteable address" of a
/// failed sender verification).
const POLICY: &[&str] = &[
    "spam",
    "unsolicited",
    "block list",
    "blocklist",
    "blacklist",
    "black list",
    "denylist",
    "blocked",
    "spamhaus",
    "reputation",
    "policy",
    "prohibit",
    "not permitted",
    "relay",
    "sender verify",
    "sender address rejected",
    "verification failed",
    "unauthenticated",
    "spf",
    "dkim",
    "dmarc",
    "complaint",
    "rate limit",
    "too many",
    "greylist",
    "graylist",
];

/// Wording of a refusal of the mailbox.
const MAILBOX: &[&str] = &[
    "user unknown",
    "unknown user",
    "no such user",
    "no such mailbox",
    "no such recipient",
    "no mailbox",
    "mailbox unavailable",
    "mailbox not found",
    "mailbox is disabled",
    "mailbox disabled",
    "mailbox is full",
    "over quota",
    "does not exist",
    "doesn't exist",
    "recipient not found",
    "recipientnotfound",
    "unknown recipient",
    "invalid recipient",
    "invalid mailbox",
    "recipient address rejected",
    "unrouteable address",
    "user not found",
    "account disabled",
    "account has been disabled",
    "doesn't have a",
    "not a valid mailbox",
];

const CONTENT: &[&str] = &[
    "message size",
    "too large",
    "too big",
    "exceeds",
    "virus",
    "malware",
    "attachment",
    "mime",
];

/// What `reply` is about.
pub fn classify(reply: &str) -> Cause {
    let text = reply.to_ascii_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let basic = basic_code(&text);
    if let Some((subject, detail)) = enhanced_code(&text) {
        match subject {
            1 => return Cause::Mailbox,
            2 if detail == 3 => return Cause::Content,
            2 if says(&["greylist", "graylist"]) => return Cause::Policy,
            2 => return Cause::Mailbox,
            3 if detail == 4 => return Cause::Content,
            6 => return Cause::Content,
            7 => return Cause::Policy,
            // Microsoft answers an unknown recipient with 5.4.1 ("Recipient address
            // rejected: Access denied") or 5.5.0 ("mailbox unavailable").
            3..=5 if says(POLICY) => return Cause::Policy,
            4 | 5 if says(MAILBOX) => return Cause::Mailbox,
            3 | 4 => return Cause::System,
            5 => return Cause::Protocol,
            _ => {} // X.0.x: the wording tells
        }
    }
    if says(POLICY) {
        return Cause::Policy;
    }
    if says(MAILBOX) {
        return Cause::Mailbox;
    }
    if says(CONTENT) {
        return Cause::Content;
    }
    match basic {
        // RFC 7504: this domain accepts no mail at all.
        Some(521 | 556) => Cause::Mailbox,
        Some(500..=504) => Cause::Protocol,
        Some(421 | 451 | 452) => Cause::System,
        Some(530 | 534 | 535 | 538) => Cause::Connection,
        Some(_) => Cause::Other,
        None => Cause::Connection,
    }
}

/// Whether a permanent failure with `reply` is a bounce: the mailbox is refused.
pub fn is_bounce(reply: &str) -> bool {
    classify(reply) == Cause::Mailbox
}

/// The key under which refusals count as "the same" for `email.refusal_limit`: the
/// cause and the codes, without what varies from message to message (addresses,
/// queue ids, the server's host name).
pub fn same_refusal_key(reply: &str) -> String {
    let text = reply.to_ascii_lowercase();
    let enhanced = enhanced_code(&text).map_or(String::new(), |(s, d)| format!("{s}.{d}"));
    let basic = basic_code(&text).map_or(String::new(), |c| c.to_string());
    format!("{} {basic} {enhanced}", classify(reply))
}

/// The basic reply code: the first three-digit word that starts with 4 or 5 (also
/// inside lettre's "(550)" or followed by '-' in a multi-line reply).
fn basic_code(text: &str) -> Option<u16> {
    words(text).find_map(|w| {
        let digits = w.get(..3)?;
        let rest = &w[3..];
        let code: u16 = digits.parse().ok()?;
        ((400..600).contains(&code) && (rest.is_empty() || rest.starts_with('-'))).then_some(code)
    })
}

/// The subject and detail of the first enhanced status code (class 4 or 5, RFC 3463
/// "class.subject.detail").
fn enhanced_code(text: &str) -> Option<(u16, u16)> {
    words(text).find_map(|w| {
        // "550-5.1.1" in a multi-line reply.
        let w = w.rsplit('-').next()?;
        let mut parts = w.splitn(3, '.');
        let class = parts.next()?;
        let subject = parts.next()?;
        let detail = parts.next()?.trim_end_matches(['.', ',', ';', ':']);
        let number = |p: &str, max: usize| {
            (!p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u16>().ok())
                .flatten()
        };
        let class = number(class, 1)?;
        ((class == 4 || class == 5) && number(detail, 3).is_some())
            .then(|| Some((number(subject, 3)?, number(detail, 3)?)))
            .flatten()
    })
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '<' | '>'))
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests;
