//! The configuration file as written: serde structs mirroring `pressroom.toml`.
//!
//! The `///` line on each field is the user's documentation of that key (the README's
//! configuration reference repeats them). Nothing outside `config` reads these
//! structs: `compile.rs` turns them into a typed [`super::Plan`]. Fields whose
//! value is checked after parsing are `Spanned`, so a problem can point at its line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// `[site]`: the digest as a whole.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Name of the digest, used in subjects, pages and feeds. Default "Press review".
    pub title: Option<String>,
    /// Public address of the archive; links in email and feeds point below it.
    /// Default "http://127.0.0.1:8080/".
    pub base_url: Option<Spanned<String>>,
    /// IANA time zone of the newsroom, e.g. "Europe/Moscow". Default "UTC".
    pub time_zone: Option<Spanned<String>>,
    /// The SQLite state file, relative to this file. Default "pressroom.db".
    pub state: Option<String>,
    /// Folder for feeds, archive pages and `.eml` files, relative to this file.
    /// Default "public".
    pub output: Option<String>,
    /// Language of the digest (BCP 47), e.g. "en". Default "en".
    pub language: Option<String>,
    /// Folder of templates overriding the built-in ones by name, relative to this file.
    /// Default: none (the built-in templates).
    pub templates: Option<String>,
}

/// `[fetch]`: how feeds and signals are downloaded.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFetch {
    /// Requests in flight at once, over all hosts. Default 16.
    pub concurrency: Option<Spanned<i64>>,
    /// Requests in flight at once to one host. Default 4.
    pub per_host: Option<Spanned<i64>>,
    /// Time allowed to open a connection, e.g. "10s". Default "10s".
    pub connect_timeout: Option<Spanned<String>>,
    /// Time allowed for a whole request, body included. Default "30s".
    pub timeout: Option<Spanned<String>>,
    /// Largest body accepted, after decompression, e.g. "10 MiB". Default "10 MiB".
    pub max_body: Option<Spanned<String>>,
    /// Redirects followed before giving up. Default 5.
    pub max_redirects: Option<Spanned<i64>>,
    /// Retries after a timeout, a 5xx or a 429. Default 2.
    pub retries: Option<Spanned<i64>>,
    /// First retry delay; it doubles each time, with jitter. Default "1s".
    pub backoff: Option<Spanned<String>>,
    /// Longest `Retry-After` honoured; a longer one ends the attempt for this run.
    /// Default "60s".
    pub max_retry_after: Option<Spanned<String>>,
    /// How often a source is fetched unless it sets its own `interval`. Default "15m".
    pub interval: Option<Spanned<String>>,
}

/// `[retention]`: how long the store keeps what it ingested.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    /// Stories older than this (by publication time) are pruned. Default "30d".
    pub stories: Option<Spanned<String>>,
    /// Most-read snapshots older than this are pruned. Default "14d".
    pub snapshots: Option<Spanned<String>>,
}

/// `[[sections]]`: one section of the digest; their order in the file is the order
/// in which readers see them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Identifier: a-z, 0-9, '-' and '_' (used by sources, subscribers, templates).
    pub id: Spanned<String>,
    /// Heading shown to readers, e.g. "Politics & Diplomacy".
    pub title: String,
    /// Stories the section carries in an issue. Default 5.
    pub stories: Option<Spanned<i64>>,
    /// Feed categories (matched without regard to case) that place a story here.
    #[serde(default)]
    pub categories: Vec<String>,
}

/// `[[sources]]`: one feed of one outlet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Identifier: a-z, 0-9, '-' and '_'. It keeps the source's state when its URL changes.
    pub id: Spanned<String>,
    /// Outlet name shown to readers ("also in: …"). Default: the id.
    pub name: Option<String>,
    /// The feed: "https://…", "http://…", or "file://PATH" (a relative PATH is relative
    /// to this file).
    pub url: Spanned<String>,
    /// Section for every story of this feed; overrides categories.
    pub section: Option<Spanned<String>>,
    /// Feed category → section id, consulted before the sections' own `categories`.
    #[serde(default)]
    pub categories: BTreeMap<String, Spanned<String>>,
    /// Section for stories that no rule places; without it they are kept but reported
    /// as unplaced.
    pub fallback_section: Option<Spanned<String>>,
    /// Weight of the outlet in ranking, greater than 0. Default 1.0.
    pub weight: Option<Spanned<f64>>,
    /// Fetch this source at most this often, e.g. "1h". Default: `fetch.interval`.
    pub interval: Option<Spanned<String>>,
    /// User name for HTTP basic authentication.
    pub user: Option<String>,
    /// Name of the environment variable that holds the basic-auth password.
    pub password_env: Option<Spanned<String>>,
}

/// `[[signals]]`: one "most read" source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignal {
    /// Identifier: a-z, 0-9, '-' and '_'.
    pub id: Spanned<String>,
    /// What the URL serves: "feed" (a most-read feed, its order is the rank), "html"
    /// (a page; `selector` picks the links of its most-read box), "json" or "csv"
    /// (an analytics export of URL and views).
    pub kind: Spanned<String>,
    /// Where to read it: "https://…", "http://…" or "file://PATH".
    pub url: Spanned<String>,
    /// CSS selector of the most-read links, most read first (kind "html").
    pub selector: Option<Spanned<String>>,
    /// JSON pointer to the array of entries, e.g. "/data/rows" (kind "json").
    /// Default: the document itself.
    pub pointer: Option<String>,
    /// Field or column holding the URL (kinds "json" and "csv"). Default "url".
    pub url_field: Option<String>,
    /// Field or column holding the view count (kinds "json" and "csv"). Default "views".
    pub views_field: Option<String>,
    /// Read this signal at most this often, e.g. "30m". Default: `fetch.interval`.
    pub interval: Option<Spanned<String>>,
}

/// `[ranking]`: the ranking model's weights; an edition may override any of them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRanking {
    /// Age at which a story's recency factor halves, e.g. "6h". Default "6h".
    pub half_life: Option<Spanned<String>>,
    /// α in `1 + α·most_read`: the weight of being most read. Default 1.0.
    pub most_read: Option<Spanned<f64>>,
    /// β in `1 + β·ln(outlets)`: the weight of coverage by several outlets. Default 0.5.
    pub outlets: Option<Spanned<f64>>,
    /// Stories published further apart than this are never grouped as one. Default "36h".
    pub cluster_window: Option<Spanned<String>>,
}

/// `[[editions]]`: one edition of the digest, such as a morning and an evening review.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEdition {
    /// Identifier: a-z, 0-9, '-' and '_'; issues are named `ID/DATE`.
    pub id: Spanned<String>,
    /// Title, e.g. "Morning Review". Default: the site's title.
    pub title: Option<String>,
    /// How far back stories count, e.g. "24h" or "7d". Default "24h".
    pub window: Option<Spanned<String>>,
    /// Stories in the lead block ("Top stories"). Default 3.
    pub lead: Option<Spanned<i64>>,
    /// Stories in the "Most read" block; 0 leaves it out. Default 5.
    pub most_read: Option<Spanned<i64>>,
    /// Sections this edition carries (always in the sections' order). Default: all.
    pub sections: Option<Vec<Spanned<String>>>,
    /// Stories per section for this edition, overriding the sections' `stories`,
    /// e.g. `{ sport = 3 }`.
    #[serde(default)]
    pub stories: BTreeMap<String, Spanned<i64>>,
    /// Ranking weights for this edition, overriding `[ranking]` key by key.
    pub ranking: Option<RawRanking>,
    /// When the daemon publishes it: cron with six fields, seconds first, in the site's
    /// time zone, e.g. "0 0 7 * * *" (07:00:00 daily) or "0 30 18 * * MON-FRI".
    /// Default: none (published only by `pressroom publish`).
    pub schedule: Option<Spanned<String>>,
    /// Deliver at this local time in each subscriber's own zone, e.g. "07:00", instead
    /// of all at once: one issue per day, each message released at the reader's hour.
    pub local_time: Option<Spanned<String>>,
    /// An issue missed while the daemon was down: "send-late" (within `grace`) or "skip".
    /// Default "send-late".
    pub catch_up: Option<Spanned<String>>,
    /// How late a missed issue may still go out with `catch_up = "send-late"`. Default "3h".
    pub grace: Option<Spanned<String>>,
    /// "Read also": under each lead and section story, up to three earlier stories of
    /// the same storyline from the last seven days. Default true.
    pub read_also: Option<bool>,
}

/// `[daemon]`: how `pressroom daemon` runs.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDaemon {
    /// Address of the HTTP listener (unsubscribe, archive, /healthz, /metrics).
    /// Default "127.0.0.1:8080".
    pub listen: Option<Spanned<String>>,
    /// When to fetch (cron, seconds first). Sources are read only when their interval
    /// has elapsed. Default "0 */15 * * * *" (every 15 minutes).
    pub fetch: Option<Spanned<String>>,
    /// Time allowed to finish in-flight SMTP transactions on SIGTERM. Default "30s".
    pub shutdown_grace: Option<Spanned<String>>,
}

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
    /// Time allowed for one SMTP command. Default "60s".
    pub timeout: Option<Spanned<String>>,
    /// Permanent failures (hard bounces) after which an address is suppressed. Default 2.
    pub bounce_limit: Option<Spanned<i64>>,
    /// Name of the environment variable holding the secret that signs unsubscribe links.
    /// Default "PRESSROOM_UNSUBSCRIBE_SECRET".
    pub unsubscribe_secret_env: Option<Spanned<String>>,
    /// Address for mailto: unsubscribe requests (List-Unsubscribe). Default: `from`.
    pub unsubscribe_mailto: Option<Spanned<String>>,
    /// DKIM signing: `{ domain = "news.example", selector = "s1", key = "dkim.pem" }`.
    pub dkim: Option<RawDkim>,
}

/// `[email.dkim]`: DKIM signing of every message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDkim {
    /// Signing domain (d=).
    pub domain: Spanned<String>,
    /// Selector (s=).
    pub selector: Spanned<String>,
    /// PEM file of the RSA private key, relative to this file.
    pub key: Spanned<String>,
}

/// One `[[subscribers]]` table of the subscribers file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubscriber {
    /// Email address.
    pub email: Spanned<String>,
    /// Name, used in the greeting.
    pub name: Option<String>,
    /// Sections they read, in any order. Default: all.
    pub sections: Option<Vec<Spanned<String>>>,
    /// Editions they receive. Default: all.
    pub editions: Option<Vec<Spanned<String>>>,
    /// "html" (HTML with a text alternative) or "text" (text only). Default "html".
    pub format: Option<Spanned<String>>,
    /// Their IANA time zone, for the times in their email. Default: the site's.
    pub time_zone: Option<Spanned<String>>,
}
