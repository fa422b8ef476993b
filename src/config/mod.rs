//! Configuration: `pressroom.toml` parsed once and compiled into a typed [`Plan`].
//!
//! [`load`] reads the file, collects every problem at once (syntax, unknown keys,
//! types, values, cross-references) with its line, column and key, and returns either
//! a `Plan` or all the problems. Nothing after this module reads raw strings: URLs are
//! [`Location`]s, durations are `Duration`s, zones are `Tz`, sections are [`SectionId`]s.
//! Secrets come only from environment variables and are held in [`Secret`], which
//! never prints. OPML import and export of sources live in [`opml`].

mod compile;
mod editions;
pub mod email;
pub mod opml;
mod problems;
pub mod raw;
mod subscribers;

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

use chrono_tz::Tz;
pub use problems::{ConfigErrors, Problem, Problems};
use url::Url;

use crate::model::{EditionId, SectionId, SignalId, SourceId};

/// Reads and compiles the configuration file at `path`.
pub fn load(path: &Path) -> Result<Plan, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigErrors(vec![Problem {
            file: path.to_owned(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the configuration: {e}"),
        }])
    })?;
    parse(&text, path)
}

/// Compiles configuration `text`, as if read from `path` (relative paths in it are
/// resolved against the folder of `path`).
pub fn parse(text: &str, path: &Path) -> Result<Plan, ConfigErrors> {
    compile::compile(text, path)
}

/// The validated configuration: everything a run needs, typed.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The file the plan was read from.
    pub origin: PathBuf,
    /// The digest as a whole.
    pub site: Site,
    /// Download limits.
    pub fetch: FetchLimits,
    /// How long the store keeps what it ingested.
    pub retention: Retention,
    /// Sections, in reading order.
    pub sections: Vec<Section>,
    /// Feeds to ingest.
    pub sources: Vec<Source>,
    /// Most-read signals to read.
    pub signals: Vec<Signal>,
    /// The editions (at least one: a "daily" edition when none is configured).
    pub editions: Vec<EditionPlan>,
    /// Email delivery, if configured.
    pub email: Option<EmailPlan>,
    /// The subscribers (empty without `[email]`).
    pub subscribers: Vec<Subscriber>,
    /// How the daemon runs.
    pub daemon: DaemonPlan,
    /// Source id → index in `sources` (ranking looks sources up per story).
    pub(crate) source_index: rustc_hash::FxHashMap<SourceId, usize>,
}

impl Plan {
    /// The section with this id.
    pub fn section(&self, id: &SectionId) -> Option<&Section> {
        self.sections.iter().find(|s| &s.id == id)
    }

    /// The source with this id.
    pub fn source(&self, id: &SourceId) -> Option<&Source> {
        self.source_position(id).map(|i| &self.sources[i])
    }

    /// Where the source with this id is in [`Plan::sources`].
    pub fn source_position(&self, id: &SourceId) -> Option<usize> {
        self.source_index
            .get(id)
            .copied()
            .filter(|&i| i < self.sources.len())
    }

    /// The edition with this id.
    pub fn edition(&self, id: &EditionId) -> Option<&EditionPlan> {
        self.editions.iter().find(|e| &e.id == id)
    }
}

/// `[site]`, compiled.
#[derive(Clone, Debug)]
pub struct Site {
    /// Name of the digest.
    pub title: String,
    /// Public address of the archive, ending in '/'.
    pub base_url: Url,
    /// The newsroom's time zone.
    pub time_zone: Tz,
    /// The SQLite state file.
    pub state: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Language of the digest.
    pub language: String,
    /// Folder whose templates override the built-in ones, if any.
    pub templates: Option<PathBuf>,
}

/// `[fetch]`, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchLimits {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted, in bytes, after decompression.
    pub max_body: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Retries after a timeout, a 5xx or a 429.
    pub retries: u32,
    /// First retry delay (doubles each retry, with jitter).
    pub backoff: Duration,
    /// Longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Default interval between fetches of a source.
    pub interval: Duration,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            concurrency: 16,
            per_host: 4,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body: 10 * 1024 * 1024,
            max_redirects: 5,
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            interval: Duration::from_secs(15 * 60),
        }
    }
}

/// `[retention]`, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct Retention {
    /// Stories published longer ago than this are pruned.
    pub stories: Duration,
    /// Most-read snapshots older than this are pruned.
    pub snapshots: Duration,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            stories: Duration::from_secs(30 * 86_400),
            snapshots: Duration::from_secs(14 * 86_400),
        }
    }
}

/// One section of the digest.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// Its id.
    pub id: SectionId,
    /// Its heading.
    pub title: String,
    /// Stories it carries in an issue.
    pub stories: usize,
    /// Feed categories (lower-cased) that place a story here.
    pub categories: Vec<String>,
}

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

/// How a source's stories find their section.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Placement {
    /// Every story goes here, whatever its categories.
    pub fixed: Option<SectionId>,
    /// Category (lower-cased) → section, tried before the sections' own categories.
    pub categories: BTreeMap<String, SectionId>,
    /// Where stories that no rule places go.
    pub fallback: Option<SectionId>,
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

/// HTTP basic-auth credentials of a source.
#[derive(Clone, Debug, PartialEq)]
pub struct BasicAuth {
    /// The user name.
    pub user: String,
    /// The password, from the environment.
    pub password: Option<Secret>,
}

/// One feed of one outlet.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Its id.
    pub id: SourceId,
    /// Outlet name shown to readers.
    pub name: String,
    /// Where the feed is read from.
    pub location: Location,
    /// How its stories find their section.
    pub placement: Placement,
    /// Weight in ranking (> 0).
    pub weight: f64,
    /// Least time between two fetches.
    pub interval: Duration,
    /// Credentials, if the feed needs them.
    pub auth: Option<BasicAuth>,
}

/// What a most-read signal's URL serves.
#[derive(Clone, Debug, PartialEq)]
pub enum SignalKind {
    /// A most-read feed: its order is the rank.
    Feed,
    /// An HTML page: `selector` picks the most-read links, most read first.
    Html {
        /// The CSS selector (checked to parse when the plan was compiled).
        selector: String,
    },
    /// A JSON analytics export: URL and views per entry.
    Json {
        /// JSON pointer to the array of entries ("" for the document itself).
        pointer: String,
        /// Field with the URL.
        url_field: String,
        /// Field with the view count.
        views_field: String,
    },
    /// A CSV analytics export with a header row.
    Csv {
        /// Column with the URL.
        url_field: String,
        /// Column with the view count.
        views_field: String,
    },
}

/// One most-read source.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    /// Its id.
    pub id: SignalId,
    /// What it serves.
    pub kind: SignalKind,
    /// Where it is read from.
    pub location: Location,
    /// Least time between two readings.
    pub interval: Duration,
}

/// The ranking model's weights.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    /// Age at which the recency factor halves.
    pub half_life: Duration,
    /// α: weight of being most read.
    pub most_read: f64,
    /// β: weight of coverage by several outlets.
    pub outlets: f64,
    /// Stories further apart than this are never grouped as one.
    pub cluster_window: Duration,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            half_life: Duration::from_secs(6 * 3600),
            most_read: 1.0,
            outlets: 0.5,
            cluster_window: Duration::from_secs(36 * 3600),
        }
    }
}

/// One edition of the digest, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct EditionPlan {
    /// Its id.
    pub id: EditionId,
    /// Its title.
    pub title: String,
    /// How far back stories count.
    pub window: Duration,
    /// Stories in the lead block.
    pub lead: usize,
    /// Stories in the most-read block.
    pub most_read: usize,
    /// The sections it carries, in reading order, with the stories each carries.
    pub sections: Vec<(SectionId, usize)>,
    /// Its ranking weights.
    pub ranking: Ranking,
    /// When the daemon publishes it (site time zone), if it does.
    pub schedule: Option<crate::schedule::Cadence>,
    /// Deliver at this local time in each subscriber's zone, if set.
    pub local_time: Option<chrono::NaiveTime>,
    /// What to do with an issue missed while the daemon was down.
    pub catch_up: CatchUp,
    /// Whether picks carry "Read also": earlier stories of their storyline.
    pub read_also: bool,
}

/// What the daemon does with an issue whose time passed while it was down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchUp {
    /// Publish it late, if no later than this after its time.
    SendLate(Duration),
    /// Leave it out.
    Skip,
}

/// `[daemon]`, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct DaemonPlan {
    /// The HTTP listener's address.
    pub listen: std::net::SocketAddr,
    /// When to fetch.
    pub fetch: crate::schedule::Cadence,
    /// Time allowed for in-flight transactions at shutdown.
    pub shutdown_grace: Duration,
}

/// A syntactically valid email address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address(String);

impl Address {
    /// Parses an address (RFC 5321 syntax, as lettre accepts it), lower-cased: mail
    /// systems treat addresses without regard to case, and so do duplicates here.
    pub fn parse(raw: &str) -> Result<Address, String> {
        let raw = raw.trim();
        let parsed: lettre::Address = raw
            .parse()
            .map_err(|e| format!("{raw:?} is not an email address: {e}"))?;
        Ok(Address(parsed.to_string().to_lowercase()))
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
    /// The address.
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

/// How messages leave.
#[derive(Clone, Debug, PartialEq)]
pub enum Transport {
    /// `.eml` files in a folder (the demo's default).
    File {
        /// The folder.
        folder: PathBuf,
    },
    /// An SMTP server.
    Smtp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
        /// Transport security.
        tls: Tls,
        /// User name and password, if the server wants them.
        credentials: Option<(String, Secret)>,
    },
    /// The local sendmail program.
    Sendmail {
        /// Its path.
        program: PathBuf,
    },
}

/// SMTP transport security.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// Implicit TLS from the first byte (port 465).
    Implicit,
    /// STARTTLS, required.
    StartTls,
    /// No encryption: only for a relay on loopback.
    None,
}

/// DKIM signing settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Dkim {
    /// Signing domain.
    pub domain: String,
    /// Selector.
    pub selector: String,
    /// The private key file (PEM).
    pub key: PathBuf,
}

/// `[email]`, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct EmailPlan {
    /// The sender.
    pub from: Mailbox,
    /// Where replies go.
    pub reply_to: Option<Mailbox>,
    /// The subscribers file.
    pub subscribers_file: PathBuf,
    /// The subject template's source.
    pub subject: String,
    /// List-Id.
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
    /// The secret of unsubscribe tokens, if set in the environment (otherwise the
    /// store generates and keeps one).
    pub unsubscribe_secret: Option<Secret>,
    /// mailto: address of List-Unsubscribe.
    pub unsubscribe_mailto: Address,
    /// DKIM signing, if configured.
    pub dkim: Option<Dkim>,
}

/// A subscriber's preferred format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// HTML with a text alternative.
    Html,
    /// Text only.
    Text,
}

/// One subscriber.
#[derive(Clone, Debug, PartialEq)]
pub struct Subscriber {
    /// Their address.
    pub address: Address,
    /// Their name.
    pub name: Option<String>,
    /// The sections they read (`None`: all).
    pub sections: Option<Vec<SectionId>>,
    /// The editions they receive (`None`: all).
    pub editions: Option<Vec<EditionId>>,
    /// HTML or text.
    pub format: Format,
    /// Their time zone.
    pub time_zone: Tz,
}

impl Subscriber {
    /// Whether they receive `edition`.
    pub fn receives(&self, edition: &EditionId) -> bool {
        self.editions.as_ref().is_none_or(|e| e.contains(edition))
    }
}
