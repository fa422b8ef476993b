//! One subscriber's message: the audience's rendering with their parts filled in,
//! wrapped in MIME with the headers a careful newsletter sends. The only place that
//! builds `lettre` messages.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::{
    Body, Mailbox as LettreMailbox, Message, MultiPart, SinglePart,
    header::{ContentTransferEncoding, HeaderName, HeaderValue},
};
use sha2::{Digest, Sha256};

use super::personal::{NO_NAME, Personal, Template};
use crate::{
    config::Mailbox,
    model::{IssueId, hex},
};

/// Parses an email address (RFC 5321 syntax, as lettre accepts it) and lower-cases
/// it: mail systems treat addresses without regard to case. `config` validates every
/// address with it, so that only this module sees lettre's `Address`.
pub fn parse_address(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let parsed: lettre::Address = raw
        .parse()
        .map_err(|e| format!("{raw:?} is not an email address: {e}"))?;
    Ok(parsed.to_string().to_lowercase())
}

/// Everything one message needs.
pub struct Letter<'a> {
    /// The From header: `email.from`.
    pub from: &'a Mailbox,
    /// Where replies go.
    pub reply_to: Option<&'a Mailbox>,
    /// The subscriber's address.
    pub to: &'a str,
    /// The subscriber's name, if known.
    pub name: Option<&'a str>,
    /// The subject, rendered for the audience (with placeholders).
    pub subject: &'a Template,
    /// The HTML part (with placeholders), or `None` for text-only subscribers.
    pub html: Option<&'a Template>,
    /// The text part (with placeholders).
    pub text: &'a Template,
    /// The Message-ID, without angle brackets.
    pub message_id: &'a str,
    /// List-Id value, e.g. `"Morning Review" <morning.news.example>`.
    pub list_id: &'a str,
    /// The one-click unsubscribe URL.
    pub unsubscribe_url: &'a str,
    /// The reader's preferences page ("Manage your subscription").
    pub preferences_url: &'a str,
    /// mailto: address for unsubscribing by email.
    pub unsubscribe_mailto: &'a str,
    /// The Date header.
    pub date: DateTime<Utc>,
    /// `email.verp_domain`: the envelope sender is then the reader's return path.
    pub verp_domain: Option<&'a str>,
}

/// The Message-ID of `issue` for `address`: the same on every resend.
pub fn message_id(issue: &IssueId, address: &str, domain: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(issue.to_string().as_bytes());
    hasher.update([0]);
    hasher.update(address.as_bytes());
    let digest = hex(&hasher.finalize()[..12]);
    format!("{}.{}.{digest}@{domain}", issue.edition, issue.compact())
}

/// Text fit for one header line: control characters (CR, LF, …) become spaces, so
/// no name or feed text can add a header.
pub fn header_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One part's body for one subscriber, in quoted-printable, filled in from the
/// audience's pieces encoded once: encoding 30 KB for every message was most of the
/// cost of building it.
fn body(template: &Template, personal: &Personal<'_>, html: bool) -> Body {
    let encoded = template.fill_quoted_printable(personal, html);
    Body::dangerous_pre_encoded(
        encoded.into_bytes(),
        ContentTransferEncoding::QuotedPrintable,
    )
}

/// The SMTP envelope of a message [`build`] makes from `from` to `to` (the same
/// value as its `envelope()`), without building it. `verp_domain`: the sender is then
/// the reader's VERP return path under it ([`super::verp`]), not `from`.
pub fn envelope(
    from: &Mailbox,
    verp_domain: Option<&str>,
    to: &str,
) -> Option<lettre::address::Envelope> {
    let from = match verp_domain {
        Some(domain) => super::verp::encode(to, domain).parse().ok()?,
        None => from.address.as_str().parse().ok()?,
    };
    let to = to.parse().ok()?;
    lettre::address::Envelope::new(Some(from), vec![to]).ok()
}

pub(super) fn mailbox(m: &Mailbox) -> Result<LettreMailbox, String> {
    let address = m
        .address
        .as_str()
        .parse()
        .map_err(|e| format!("{}: {e}", m.address))?;
    Ok(LettreMailbox::new(
        m.name.as_deref().map(header_text),
        address,
    ))
}

fn raw(message: &mut Message, name: &'static str, value: String) {
    message.headers_mut().insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str(name),
        value,
    ));
}

/// Builds the MIME message.
pub fn build(letter: &Letter<'_>) -> Result<Message, String> {
    let to_address = letter
        .to
        .parse()
        .map_err(|e| format!("{}: {e}", letter.to))?;
    let to = LettreMailbox::new(
        letter.name.map(header_text).filter(|n| !n.is_empty()),
        to_address,
    );
    // The name in the greeting and the subject: "reader" when the file gives none.
    let name = letter
        .name
        .map(header_text)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| NO_NAME.to_owned());
    let personal = Personal {
        name: &name,
        address: letter.to,
        unsubscribe_url: letter.unsubscribe_url,
        preferences_url: letter.preferences_url,
    };
    // One line, whatever the template or the name held; lettre encodes it (RFC 2047).
    let subject = header_text(&letter.subject.fill(&personal, false));
    let mut builder = Message::builder()
        .from(mailbox(letter.from)?)
        .to(to)
        .subject(subject)
        .date(SystemTime::from(letter.date))
        .message_id(Some(format!("<{}>", letter.message_id)));
    if let Some(reply_to) = letter.reply_to {
        builder = builder.reply_to(mailbox(reply_to)?);
    }
    if letter.verp_domain.is_some() {
        let envelope = envelope(letter.from, letter.verp_domain, letter.to)
            .ok_or_else(|| format!("{}: no VERP return path", letter.to))?;
        builder = builder.envelope(envelope);
    }
    let text = body(letter.text, &personal, false);
    let mut message = match letter.html {
        Some(html) => {
            let html = body(html, &personal, true);
            builder.multipart(MultiPart::alternative_plain_html(text, html))
        }
        None => builder.singlepart(SinglePart::plain(text)),
    }
    .map_err(|e| format!("cannot build the message: {e}"))?;
    raw(&mut message, "List-Id", header_text(letter.list_id));
    raw(
        &mut message,
        "List-Unsubscribe",
        format!(
            "<{}>, <mailto:{}?subject=unsubscribe>",
            letter.unsubscribe_url, letter.unsubscribe_mailto
        ),
    );
    // RFC 8058: one-click only with an https URL (an http one fails every checker).
    if letter.unsubscribe_url.starts_with("https://") {
        raw(
            &mut message,
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".to_owned(),
        );
    }
    Ok(message)
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;
    use crate::config::Address;

    static HTML: LazyLock<Template> = LazyLock::new(|| {
        Template::new(
            "<p>Hello [[pressroom:name]] <a href=\"[[pressroom:unsubscribe]]\">unsubscribe</a></p>",
        )
    });
    static TEXT: LazyLock<Template> =
        LazyLock::new(|| Template::new("Hello [[pressroom:name]]\n[[pressroom:unsubscribe]]\n"));
    static SUBJECT: LazyLock<Template> =
        LazyLock::new(|| Template::new("Morning Review:\r\nBcc: everyone@evil.example"));

    fn letter<'a>(from: &'a Mailbox, name: Option<&'a str>) -> Letter<'a> {
        Letter {
            from,
            reply_to: None,
            to: "anna@readers.example",
            name,
            subject: &SUBJECT,
            html: Some(&HTML),
            text: &TEXT,
            message_id: "morning.20261127.abc@news.example",
            list_id: "\"Morning Review\" <morning.news.example>",
            unsubscribe_url: "https://news.example/unsubscribe?token=a.b&x=1",
            preferences_url: "https://news.example/preferences?token=p",
            unsubscribe_mailto: "review@news.example",
            date: DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
                .unwrap()
                .to_utc(),
            verp_domain: None,
        }
    }

    /// The header block, folded lines joined.
    fn headers(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
        let head = text.split("\n\n").next().unwrap_or_default().to_owned();
        head.replace("\n ", " ").replace("\n\t", " ")
    }

    #[test]
    fn headers_and_parts() {
        let from = Mailbox {
            name: Some("Morning Review".into()),
            address: Address::parse("review@news.example").unwrap(),
        };
        let bytes = build(&letter(&from, Some("Anna <Petrova>")))
            .unwrap()
            .formatted();
        let head = headers(&bytes);
        assert!(
            head.contains("Message-ID: <morning.20261127.abc@news.example>"),
            "{head}"
        );
        assert!(head.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(head.contains("List-Unsubscribe: <https://news.example/unsubscribe?token=a.b&x=1>, <mailto:review@news.example?subject=unsubscribe>"), "{head}");
        assert!(head.contains("multipart/alternative"));
        assert!(
            head.contains("Date: Fri, 27 Nov 2026 06:00:00 +0000"),
            "{head}"
        );
        // The subject's CR LF did not become a header.
        assert!(!head.lines().any(|l| l.starts_with("Bcc:")), "{head}");
        assert!(head.contains("Subject: Morning Review: Bcc: everyone@evil.example"));
    }
    #[test]
    fn one_click_is_offered_only_with_an_https_link() {
        let from = Mailbox {
            name: None,
            address: Address::parse("review@news.example").unwrap(),
        };
        let mut plain = letter(&from, None);
        plain.unsubscribe_url = "http://127.0.0.1:8080/unsubscribe?token=a.b";
        let head = headers(&build(&plain).unwrap().formatted());
        assert!(!head.contains("List-Unsubscribe-Post"), "{head}");
        assert!(
            head.contains("List-Unsubscribe: <http://127.0.0.1:8080/unsubscribe?token=a.b>"),
            "{head}"
        );
    }

    #[test]
    fn the_subject_is_filled_per_reader_on_one_encoded_line() {
        let from = Mailbox {
            name: None,
            address: Address::parse("review@news.example").unwrap(),
        };
        let subject = Template::new("[[pressroom:name]], your review [[pressroom:other]]");
        let subject_of = |name: Option<&str>| {
            let letter = Letter {
                subject: &subject,
                ..letter(&from, name)
            };
            headers(&build(&letter).unwrap().formatted())
        };
        let head = subject_of(Some("Anna"));
        assert!(
            head.contains("Subject: Anna, your review [[pressroom:other]]"),
            "{head}"
        );
        assert!(subject_of(None).contains("Subject: reader, your review"));
        // Not ASCII: an RFC 2047 encoded word, never raw UTF-8 in the header.
        let head = subject_of(Some("Tomás\r\nBcc: x@evil.example"));
        let line = head.lines().find(|l| l.starts_with("Subject:")).unwrap();
        assert!(line.is_ascii() && line.contains("=?utf-8?"), "{line}");
        assert!(!head.lines().any(|l| l.starts_with("Bcc:")), "{head}");
    }

    #[test]
    fn names_cannot_inject_headers() {
        let from = Mailbox {
            name: None,
            address: Address::parse("review@news.example").unwrap(),
        };
        let evil = "Eve\r\nBcc: victim@evil.example\r\nX-Evil: 1";
        let bytes = build(&letter(&from, Some(evil))).unwrap().formatted();
        let head = headers(&bytes);
        assert!(
            !head
                .lines()
                .any(|l| l.starts_with("Bcc:") || l.starts_with("X-Evil:")),
            "{head}"
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("\r\nBcc: victim"),
            "the name reached the body with its line breaks"
        );
    }

    #[test]
    fn the_envelope_ahead_is_the_messages() {
        // SMTP sends a message's commands ahead from this envelope and claims the
        // connection with the built message's own: they must be equal.
        let from = Mailbox {
            name: Some("Morning Review".to_owned()),
            address: Address::parse("review@news.example").unwrap(),
        };
        let message = build(&letter(&from, Some("Anna"))).unwrap();
        assert_eq!(
            envelope(&from, None, "anna@readers.example").as_ref(),
            Some(message.envelope())
        );
        assert_ne!(
            envelope(&from, None, "sam@readers.example").as_ref(),
            Some(message.envelope())
        );
        // With VERP, the sender is the reader's return path, From stays the same.
        let verp = Some("bounces.news.example");
        let message = build(&Letter {
            verp_domain: verp,
            ..letter(&from, Some("Anna"))
        })
        .unwrap();
        assert_eq!(
            envelope(&from, verp, "anna@readers.example").as_ref(),
            Some(message.envelope())
        );
        assert_eq!(
            message.envelope().from().map(|a| a.to_string()).as_deref(),
            Some("bounces+anna=readers.example@bounces.news.example")
        );
        assert!(
            headers(&message.formatted())
                .contains("From: \"Morning Review\" <review@news.example>")
        );
    }

    #[test]
    fn message_ids_are_stable_and_distinct() {
        let issue = IssueId::parse("morning/2026-11-27").unwrap();
        let a = message_id(&issue, "anna@readers.example", "news.example");
        assert_eq!(
            a,
            message_id(&issue, "anna@readers.example", "news.example")
        );
        assert_ne!(a, message_id(&issue, "sam@readers.example", "news.example"));
        assert!(a.starts_with("morning.20261127.") && a.ends_with("@news.example"));
    }
}
