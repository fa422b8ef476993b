//! Value types more than one table produces: where a feed is read from
//! ([`Location`]), a secret from the environment ([`Secret`]), an email address
//! ([`Address`]) and a sender or reply-to ([`Mailbox`]). They depend on nothing else in
//! `config`: the checkers in `check.rs` build them, every table uses them.

use std::{fmt, path::PathBuf};

use url::Url;

/// Where a feed or signal is read from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// An http or https URL.
    Http(Url),
    /// A local file (absolute path).
    File(PathBuf),
}

impl Location {
    /// The location as a URL (`file://` for files), used as the base of relative links.
    pub fn as_url(&self) -> Option<Url> {
        match self {
            Location::Http(url) => Some(url.clone()),
            Location::File(path) => Url::from_file_path(path).ok(),
        }
    }

    /// The host name of an http location (per-host limits apply to it).
    pub fn host(&self) -> Option<&str> {
        match self {
            Location::Http(url) => url.host_str(),
            Location::File(_) => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Http(url) => write!(f, "{url}"),
            Location::File(path) => write!(f, "file://{}", path.display()),
        }
    }
}

/// A value read from the environment that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("…")
    }
}

/// A syntactically valid email address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address(String);

impl Address {
    /// Parses an address (RFC 5321 syntax, as lettre accepts it), lower-cased: mail
    /// systems treat addresses without regard to case, and so do duplicates here.
    pub fn parse(raw: &str) -> Result<Address, String> {
        crate::deliver::message::parse_address(raw).map(Address)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name and an address, as in "Morning Review <review@news.example>".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// The display name, if any.
    pub name: Option<String>,
    /// The address in the angle brackets (or all of it), lower-cased: "review@news.example".
    pub address: Address,
}

impl Mailbox {
    /// Parses `Name <addr>` or `addr`.
    pub fn parse(raw: &str) -> Result<Mailbox, String> {
        let raw = raw.trim();
        match (raw.rfind('<'), raw.ends_with('>')) {
            (Some(open), true) => {
                let name = raw[..open].trim().trim_matches('"').trim();
                Ok(Mailbox {
                    name: (!name.is_empty()).then(|| name.to_owned()),
                    address: Address::parse(&raw[open + 1..raw.len() - 1])?,
                })
            }
            _ => Ok(Mailbox {
                name: None,
                address: Address::parse(raw)?,
            }),
        }
    }
}
