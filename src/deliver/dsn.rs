//! Delivery status notifications (RFC 3464) as relays send them back later, by email:
//! a `multipart/report; report-type=delivery-status` message whose
//! `message/delivery-status` part holds one block of fields per recipient
//! (`Final-Recipient`, `Action`, `Status`, `Diagnostic-Code`). Read here from the
//! raw message, with the reader a VERP return path names ([`super::verp`]) taking
//! precedence over the recipient the report names (which may be a forwarded address).

use super::{refusal, verp};

/// What one report says about one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The reader: from the report's VERP return path if it has one, else its
    /// `Final-Recipient` (or `Original-Recipient`), lower-cased.
    pub recipient: String,
    /// `Action`: "failed", "delayed", "delivered", "relayed", "expanded".
    pub action: String,
    /// `Status`, e.g. "5.1.1".
    pub status: String,
    /// `Diagnostic-Code` without its type, e.g. "550 5.1.1 user unknown".
    pub diagnostic: Option<String>,
}

impl Notice {
    /// The reply the classifier reads: the diagnostic (with the status before it).
    pub fn reply(&self) -> String {
        match &self.diagnostic {
            Some(d) if d.contains(&self.status) => d.clone(),
            Some(d) => format!("{} {d}", self.status),
            None => self.status.clone(),
        }
    }

    /// Whether this is a permanent failure of the reader's mailbox: a bounce.
    pub fn is_bounce(&self) -> bool {
        self.is_permanent_failure() && refusal::is_bounce(&self.reply())
    }

    /// Whether delivery failed for good (action "failed", status 5.x.x).
    pub fn is_permanent_failure(&self) -> bool {
        self.action.eq_ignore_ascii_case("failed") && self.status.starts_with('5')
    }
}

/// A report: its Message-ID (for importing it once) and its notices. `None` if
/// `raw` is not a delivery status notification.
pub fn parse(raw: &[u8]) -> Option<(String, Vec<Notice>)> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let (head, _) = text.split_once("\n\n")?;
    let headers = fields(head);
    let header = |name: &str| {
        (headers.iter())
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let id = header("message-id").map_or_else(|| digest(&text), |v| v.trim().to_owned());
    let reader = ["x-original-to", "delivered-to", "to"]
        .iter()
        .filter_map(|h| header(h))
        .find_map(|v| v.split(',').find_map(verp::decode));
    let status = delivery_status(&text)?;
    let mut notices = Vec::new();
    // Blocks are separated by blank lines; the first is about the message.
    for block in status.split("\n\n").skip(1) {
        let block = fields(block);
        let get = |name: &str| {
            (block.iter())
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
        };
        let Some(action) = get("action") else {
            continue;
        };
        let named = get("final-recipient").or_else(|| get("original-recipient"));
        let Some(recipient) = reader.clone().or_else(|| named.map(|r| typed(&r))) else {
            continue;
        };
        notices.push(Notice {
            recipient: recipient.trim_matches(['<', '>']).to_lowercase(),
            action: action.to_lowercase(),
            status: get("status").unwrap_or_default(),
            diagnostic: get("diagnostic-code").map(|d| typed(&d)),
        });
    }
    (!notices.is_empty()).then_some((id, notices))
}

/// The body of the `message/delivery-status` part: from after its headers to the
/// next MIME boundary line.
fn delivery_status(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find("content-type: message/delivery-status")?;
    let after = &text[at..];
    let (_, body) = after.split_once("\n\n")?;
    let body: Vec<&str> = body
        .lines()
        .take_while(|line| !line.starts_with("--"))
        .collect();
    // Some MTAs put blank lines with spaces between blocks.
    Some(
        body.iter()
            .map(|l| if l.trim().is_empty() { "" } else { l })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// "name: value" lines, folded lines joined.
fn fields(block: &str) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = list.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            list.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    list
}

/// A typed field's value without its type: "rfc822; a@x" → "a@x", "smtp; 550 …" → "550 …".
fn typed(value: &str) -> String {
    value
        .split_once(';')
        .map_or(value, |(_, v)| v)
        .trim()
        .to_owned()
}

/// An id for a report without a Message-ID: a hash of its text.
fn digest(text: &str) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(text.as_bytes());
    format!("sha256:{}", hex(&hash[..16]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dsn/maildir");
        std::fs::read(format!("{dir}/{name}")).unwrap()
    }

    fn notices(name: &str) -> Vec<Notice> {
        parse(&fixture(name)).expect("a report").1
    }

    #[test]
    fn reports_of_postfix_gmail_exim_and_exchange_are_read_and_told_apart() {
        let (id, postfix) = parse(&fixture("new/1764220000.postfix-user-unknown.eml")).unwrap();
        assert_eq!(id, "<20261127060004.4G7yQ21d3Kz9sWq@mx.readers.example>");
        assert_eq!(postfix.len(), 1);
        let anna = &postfix[0];
        assert_eq!(
            (
                anna.recipient.as_str(),
                anna.action.as_str(),
                anna.status.as_str()
            ),
            ("anna.petrova@readers.example", "failed", "5.1.1")
        );
        assert!(
            anna.reply()
                .contains("User unknown in virtual mailbox table"),
            "{anna:?}"
        );
        assert!(anna.is_bounce());
        // Gmail's block of our mail: permanent, but not the mailbox.
        let tomas = &notices("new/1764220100.gmail-policy.eml")[0];
        assert_eq!(tomas.recipient, "tomas@readers.example");
        assert!(
            tomas.is_permanent_failure() && !tomas.is_bounce(),
            "{tomas:?}"
        );
        // Exim's delay warning: neither.
        let sam = &notices("cur/1764221000.exim-delayed.eml")[0];
        assert_eq!(
            (sam.recipient.as_str(), sam.action.as_str()),
            ("sam@readers.example", "delayed")
        );
        assert!(!sam.is_permanent_failure() && !sam.is_bounce());
        // Exchange, sent to `from` rather than a return path: Final-Recipient names them.
        let desk = &notices("cur/1764221500.exchange-not-found.eml")[0];
        assert_eq!(desk.recipient, "desk@newsroom.example");
        assert!(desk.is_bounce(), "{desk:?}");
        // An auto-reply is no report.
        assert_eq!(parse(&fixture("new/1764222000.out-of-office.eml")), None);
    }

    #[test]
    fn the_return_path_names_the_reader_over_a_forwarded_recipient() {
        let forwarded = String::from_utf8(fixture("new/1764220000.postfix-user-unknown.eml"))
            .unwrap()
            .replace(
                "Final-Recipient: rfc822; anna.petrova@",
                "Final-Recipient: rfc822; anna@old.",
            )
            .replace(
                "Original-Recipient: rfc822;anna.petrova@",
                "Original-Recipient: rfc822;anna@old.",
            );
        let notices = parse(forwarded.as_bytes()).unwrap().1;
        assert_eq!(notices[0].recipient, "anna.petrova@readers.example");
    }
}
