//! `[fetch]`: how feeds and signals are downloaded (bounds, timeouts, retries).

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{count, duration, size},
    problems::Problems,
};

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
    /// Entries kept from one document of a source, newest first. Default 500.
    pub max_items: Option<Spanned<i64>>,
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
    /// Entries kept from one document of a source (the newest); the rest are counted.
    pub max_items: usize,
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
            max_items: 500,
        }
    }
}

/// Checks `[fetch]`, each missing key taken from [`FetchLimits::default`].
pub(super) fn compile(p: &mut Problems<'_>, raw: RawFetch) -> FetchLimits {
    let d = FetchLimits::default();
    FetchLimits {
        concurrency: count(
            p,
            "fetch.concurrency",
            &raw.concurrency,
            1..=1024,
            d.concurrency as i64,
        ) as usize,
        per_host: count(
            p,
            "fetch.per_host",
            &raw.per_host,
            1..=256,
            d.per_host as i64,
        ) as usize,
        connect_timeout: duration(
            p,
            "fetch.connect_timeout",
            &raw.connect_timeout,
            d.connect_timeout,
        ),
        timeout: duration(p, "fetch.timeout", &raw.timeout, d.timeout),
        max_body: size(p, "fetch.max_body", &raw.max_body, d.max_body),
        max_redirects: count(
            p,
            "fetch.max_redirects",
            &raw.max_redirects,
            0..=20,
            d.max_redirects as i64,
        ) as usize,
        retries: count(p, "fetch.retries", &raw.retries, 0..=10, d.retries as i64) as u32,
        backoff: duration(p, "fetch.backoff", &raw.backoff, d.backoff),
        max_retry_after: duration(
            p,
            "fetch.max_retry_after",
            &raw.max_retry_after,
            d.max_retry_after,
        ),
        interval: duration(p, "fetch.interval", &raw.interval, d.interval),
        max_items: count(
            p,
            "fetch.max_items",
            &raw.max_items,
            1..=1_000_000,
            d.max_items as i64,
        ) as usize,
    }
}
