//! The domain types that travel between stages: identifiers, stories and signal
//! snapshots.
//!
//! These are pressroom's own types. Foreign types (feed-rs entries, SQL rows, lettre
//! messages) are converted at the border of the stage that owns them and never
//! appear here. Identifiers are "parsed, not validated": once a [`SectionId`] or
//! [`SourceId`] exists, it is a well-formed slug. [`Issue`] (in `issue.rs`) is one
//! issue of the digest as the rank stage built it.

pub mod html;
mod issue;
pub mod line;
mod most_read;
mod tokens;
pub mod url;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Checks the slug rule shared by every configured identifier: 1–64 characters from
/// `a-z`, `0-9`, `-` and `_`, starting with a letter or digit.
fn parse_slug(kind: &str, raw: &str) -> Result<String, String> {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    let starts_well = raw
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if raw.is_empty() || raw.len() > 64 || !starts_well || !raw.chars().all(ok_char) {
        return Err(format!(
            "{kind} id {raw:?} must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit"
        ));
    }
    Ok(raw.to_owned())
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses a slug, or says why it is not one.
            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_slug($kind, raw).map($name)
            }

            /// The slug as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(raw: String) -> Result<Self, String> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// A configured section, such as `politics` or `sport`.
    SectionId,
    "section"
);
slug_id!(
    /// A configured source (one feed of one outlet), such as `meridian-world`.
    SourceId,
    "source"
);
slug_id!(
    /// A configured edition, such as `morning` or `weekly`.
    EditionId,
    "edition"
);
slug_id!(
    /// A configured most-read signal, such as `meridian-most-read`.
    SignalId,
    "signal"
);

pub use issue::{
    AlsoIn, Issue, IssueId, IssueSummary, LeftOut, Override, OverrideAction, Pick, Placed,
    ReadAlso, Score, SectionBlock, Sent,
};
pub use most_read::{MostReadEntry, MostReadList, ReadWindow};
pub use tokens::{Lists, Malformed, StoryTokens};

/// A story's stable identifier: derived once from its source and first identity key,
/// never recomputed, so that an updated entry keeps its id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StoryId(pub String);

impl StoryId {
    /// The id of a story first seen in `source` under `key` (see [`IdentityKey`]).
    pub fn derive(source: &SourceId, key: &IdentityKey) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(source.as_str().as_bytes());
        hasher.update([0]);
        hasher.update(key.kind().as_bytes());
        hasher.update([0]);
        hasher.update(key.value().as_bytes());
        let digest = hasher.finalize();
        StoryId(hex(&digest[..10]))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lower-case hexadecimal of `bytes`. From a table rather than a `write!` per byte:
/// every story id and title key goes through it (a tenth of a microsecond a byte,
/// 800,000 bytes in a fetch of 50,000 stories).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// What identifies an entry within its source, strongest first: the feed's own GUID
/// where it is stable, else the canonical URL, else a hash of title and date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentityKey {
    /// The entry's GUID / Atom id / JSON Feed id, as the feed wrote it.
    Guid(String),
    /// The entry's canonical URL.
    Url(String),
    /// SHA-256 of the normalised title and the date text, for entries with neither.
    TitleDate(String),
}

impl IdentityKey {
    /// A short name of the key's kind, part of the derived [`StoryId`].
    pub fn kind(&self) -> &'static str {
        match self {
            IdentityKey::Guid(_) => "guid",
            IdentityKey::Url(_) => "url",
            IdentityKey::TitleDate(_) => "title-date",
        }
    }

    /// The key's value.
    pub fn value(&self) -> &str {
        match self {
            IdentityKey::Guid(v) | IdentityKey::Url(v) | IdentityKey::TitleDate(v) => v,
        }
    }
}

/// An image attached to a story.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Absolute http(s) URL of the image.
    pub url: String,
    /// Alternative text, when the feed gave one.
    pub alt: Option<String>,
    /// Width in pixels, when known.
    pub width: Option<u32>,
    /// Height in pixels, when known.
    pub height: Option<u32>,
}

/// One article from one source, normalised: what every later stage reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// Stable id (see [`StoryId::derive`]).
    pub id: StoryId,
    /// The source it came from.
    pub source: SourceId,
    /// The GUID the feed gave, if any (kept to recognise the entry next time).
    pub guid: Option<String>,
    /// Canonical URL: tracking parameters and fragment removed, host lowercased.
    pub url: Option<String>,
    /// Plain-text title: entities decoded, tags stripped, whitespace collapsed.
    pub title: String,
    /// Sanitised summary HTML (safe to insert into a page as is).
    pub summary_html: String,
    /// Plain-text excerpt cut at a word boundary.
    pub excerpt: String,
    /// The lead image, if any.
    pub image: Option<Image>,
    /// Author names.
    pub authors: Vec<String>,
    /// Topics (the feed's categories), as labels.
    pub topics: Vec<String>,
    /// The section it was placed in, or `None` when no rule placed it.
    pub section: Option<SectionId>,
    /// When it was published (falls back to updated, then first seen).
    pub published: DateTime<Utc>,
    /// When it was last updated, if the feed says.
    pub updated: Option<DateTime<Utc>>,
    /// When pressroom first saw it.
    pub first_seen: DateTime<Utc>,
    /// Whether `published` came from the feed (`false`: a fallback was used).
    pub dated: bool,
}

/// One feed entry as ingest normalised it, before the store gives it an identity.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    /// The feed's GUID, when it can identify the entry (written by the feed, and
    /// unique within the document).
    pub guid: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Whether `url` can identify the entry (no other entry of the document shares it).
    pub url_is_key: bool,
    /// Hash of the normalised title and date text: the identity of last resort.
    pub title_key: String,
    /// Plain-text title.
    pub title: String,
    /// Sanitised summary HTML.
    pub summary_html: String,
    /// Plain-text excerpt.
    pub excerpt: String,
    /// Lead image.
    pub image: Option<Image>,
    /// Author names.
    pub authors: Vec<String>,
    /// Topics: the entry's categories, cleaned, without duplicates.
    pub topics: Vec<String>,
    /// Section chosen by the source's placement rules.
    pub section: Option<SectionId>,
    /// Publication time, if the feed gave a readable one.
    pub published: Option<DateTime<Utc>>,
    /// Update time, if the feed gave a readable one.
    pub updated: Option<DateTime<Utc>>,
    /// Its title's and lede's tokens for clustering, made by the ingest worker
    /// (`rank::kept`) and kept in the store beside the story.
    pub tokens: Option<StoryTokens>,
}

/// How a most-read signal ranks its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Entries are ranked by position: 1 is the most read.
    Rank,
    /// Entries carry a view count.
    Views,
}

/// One entry of a most-read reading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalEntry {
    /// Canonical URL of the story read.
    pub url: String,
    /// 1-based position in the list.
    pub rank: u32,
    /// View count, for analytics exports.
    pub views: Option<u64>,
}

/// One reading of a most-read source at one instant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalSnapshot {
    /// The signal read.
    pub signal: SignalId,
    /// When it was read.
    pub taken_at: DateTime<Utc>,
    /// Whether entries are ranked by position or carry view counts.
    pub measure: Measure,
    /// The entries, most read first.
    pub entries: Vec<SignalEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_accept_the_rule_and_nothing_else() {
        assert!(SectionId::parse("politics").is_ok());
        assert!(SourceId::parse("tass-en_2").is_ok());
        for bad in ["", "Politics", "-x", "a b", "é", &"x".repeat(65)] {
            assert!(SectionId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn story_ids_depend_on_source_kind_and_value() {
        let a = SourceId::parse("a").unwrap();
        let b = SourceId::parse("b").unwrap();
        let guid = IdentityKey::Guid("x".into());
        let url = IdentityKey::Url("x".into());
        assert_eq!(StoryId::derive(&a, &guid), StoryId::derive(&a, &guid));
        assert_ne!(StoryId::derive(&a, &guid), StoryId::derive(&b, &guid));
        assert_ne!(StoryId::derive(&a, &guid), StoryId::derive(&a, &url));
        assert_eq!(StoryId::derive(&a, &guid).as_str().len(), 20);
    }

    /// The same digits as the formatter's, so stored ids and title keys stay as they were.
    #[test]
    fn hex_writes_what_the_formatter_writes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let formatted: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&bytes), formatted);
        assert_eq!(hex(&[]), "");
    }
}
