//! Downloading feeds and signals: HTTP(S) with reqwest (rustls only) or local files.
//!
//! Bounded everywhere: concurrency overall and per host, connect and total timeouts
//! (a server that drips a byte a second hits the total timeout), a body cap enforced
//! while streaming and after decompression (a gzip bomb stops at the cap), a redirect
//! limit. Conditional GET with the stored validators; retries with jittered
//! exponential back-off for timeouts, 5xx and 429 (honouring `Retry-After` up to
//! `fetch.max_retry_after`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::{StatusCode, header};
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{
    config::{BasicAuth, FetchLimits, Location},
    model::hex,
    store::Validators,
    time::{Clock, backoff},
};

/// Why a download failed, in words fit for one line of `status`.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered with an error status.
    #[error("HTTP {code}: {advice}", code = .0, advice = advice(.0))]
    Status(String),
    /// The server asked us to come back later than we are willing to wait.
    #[error(
        "HTTP 429 Too Many Requests (retry after {0} s): it is tried again at the next fetch; a longer interval avoids this"
    )]
    RateLimited(u64),
    /// No complete answer within the time allowed.
    #[error(
        "timed out after {0:?}: the server is slow or unreachable (a slow one needs a longer fetch.timeout)"
    )]
    Timeout(Duration),
    /// The body grew past the cap.
    #[error("body larger than {0} bytes (fetch.max_body)")]
    TooLarge(u64),
    /// The body was empty.
    #[error("empty body: the server sent no document; check the URL")]
    Empty,
    /// Redirects went round in a loop or past the limit.
    #[error("too many redirects (more than {0})")]
    Redirects(usize),
    /// Anything else from the network or the file system.
    #[error("{0}")]
    Other(String),
}

/// What a person can do about an HTTP error status.
fn advice(status: &str) -> &'static str {
    match status.get(..3) {
        Some("401" | "403") => "the server refuses us; the feed may need a user and password_env",
        Some("404" | "410") => "the feed is gone or has moved; check the URL",
        Some(code) if code.starts_with('5') => {
            "the server failed; it is tried again at the next fetch"
        }
        _ => "check the URL",
    }
}

impl FetchError {
    fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout(_))
            || matches!(self, FetchError::Status(s) if s.starts_with('5'))
    }
}

/// A downloaded document.
#[derive(Debug)]
pub enum Download {
    /// The server (or the body hash) says nothing changed since the last success.
    NotModified,
    /// A new body.
    Fresh {
        /// The body, decompressed.
        body: Vec<u8>,
        /// The `Content-Type` header, if any (its charset guides decoding).
        content_type: Option<String>,
        /// Validators to store once the body has been used.
        validators: Validators,
    },
}

/// Downloads documents within the configured limits.
pub struct Fetcher {
    client: reqwest::Client,
    limits: FetchLimits,
    clock: Clock,
    global: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Fetcher {
    /// A fetcher with these limits.
    pub fn new(limits: &FetchLimits, clock: Clock) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("pressroom/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.timeout)
            .redirect(reqwest::redirect::Policy::limited(limits.max_redirects))
            .pool_max_idle_per_host(limits.per_host)
            // The root certificates are loaded at the first https handshake.
            .tls_backend_preconfigured(super::tls::client_config().map_err(|e| {
                FetchError::Other(format!("cannot set up TLS for the HTTP client: {e}"))
            })?)
            .build()
            .map_err(|e| FetchError::Other(format!("cannot start the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            limits: limits.clone(),
            clock,
            global: Arc::new(Semaphore::new(limits.concurrency)),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// Waits for a slot: one of `fetch.concurrency` overall and, for http, one of
    /// `fetch.per_host` for the host. Hold the returned permits while downloading and
    /// parsing, so that memory stays bounded too.
    pub async fn slot(&self, location: &Location) -> Vec<OwnedSemaphorePermit> {
        let mut permits = Vec::with_capacity(2);
        if let Some(host) = location.host() {
            let host_semaphore = {
                let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
                hosts
                    .entry(host.to_owned())
                    .or_insert_with(|| Arc::new(Semaphore::new(self.limits.per_host)))
                    .clone()
            };
            permits.push(host_semaphore.acquire_owned().await.expect("never closed"));
        }
        permits.push(
            self.global
                .clone()
                .acquire_owned()
                .await
                .expect("never closed"),
        );
        permits
    }

    /// Downloads `location`, conditionally on `previous`, retrying transient failures.
    /// `rules` is mixed into the body hash so that a change of the configuration that
    /// interprets the body forces a fresh parse.
    pub async fn download(
        &self,
        location: &Location,
        previous: &Validators,
        auth: Option<&BasicAuth>,
        rules: &str,
    ) -> Result<Download, FetchError> {
        let (body, content_type, mut validators) = match location {
            Location::File(path) => (self.read_file(path).await?, None, Validators::default()),
            Location::Http(url) => match self.get_with_retries(url, previous, auth).await? {
                None => return Ok(Download::NotModified),
                Some(fresh) => fresh,
            },
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(FetchError::Empty);
        }
        let mut hasher = Sha256::new();
        hasher.update(rules.as_bytes());
        hasher.update([0]);
        hasher.update(&body);
        let hash = hex(&hasher.finalize());
        if previous.body_hash.as_deref() == Some(hash.as_str()) {
            return Ok(Download::NotModified);
        }
        validators.body_hash = Some(hash);
        Ok(Download::Fresh {
            body,
            content_type,
            validators,
        })
    }

    async fn read_file(&self, path: &std::path::Path) -> Result<Vec<u8>, FetchError> {
        use tokio::io::AsyncReadExt;
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| FetchError::Other(format!("cannot read {}: {e}", path.display())))?;
        let mut body = Vec::new();
        let cap = self.limits.max_body;
        file.take(cap + 1)
            .read_to_end(&mut body)
            .await
            .map_err(|e| FetchError::Other(format!("cannot read {}: {e}", path.display())))?;
        if body.len() as u64 > cap {
            return Err(FetchError::TooLarge(cap));
        }
        Ok(body)
    }

    async fn get_with_retries(
        &self,
        url: &url::Url,
        previous: &Validators,
        auth: Option<&BasicAuth>,
    ) -> Result<Option<(Vec<u8>, Option<String>, Validators)>, FetchError> {
        let mut attempt = 0;
        loop {
            let wait = match self.get_once(url, previous, auth).await {
                Ok(result) => return Ok(result),
                Err(Attempt { error, retry_after }) => {
                    let retryable = error.is_transient() || retry_after.is_some();
                    if !retryable || attempt >= self.limits.retries {
                        return Err(error);
                    }
                    match retry_after {
                        Some(wait) if wait > self.limits.max_retry_after => {
                            return Err(FetchError::RateLimited(wait.as_secs()));
                        }
                        Some(wait) => wait,
                        None => backoff(self.limits.backoff, attempt),
                    }
                }
            };
            tracing::debug!(%url, attempt, ?wait, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn get_once(
        &self,
        url: &url::Url,
        previous: &Validators,
        auth: Option<&BasicAuth>,
    ) -> Result<Option<(Vec<u8>, Option<String>, Validators)>, Attempt> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &previous.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &previous.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, modified);
        }
        if let Some(auth) = auth {
            request = request.basic_auth(&auth.user, auth.password.as_ref().map(|p| p.expose()));
        }
        let mut response = request.send().await.map_err(|e| self.attempt(e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        if !status.is_success() {
            let retry_after = match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    Some(self.retry_after(&response).unwrap_or(self.limits.backoff))
                }
                s if s.is_server_error() => self.retry_after(&response),
                _ => None,
            };
            let error = match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    FetchError::RateLimited(retry_after.map_or(0, |d| d.as_secs()))
                }
                _ => FetchError::Status(status.to_string()),
            };
            return Err(Attempt { error, retry_after });
        }
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let validators = Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
            body_hash: None,
        };
        let content_type = header_text(header::CONTENT_TYPE);
        let cap = self.limits.max_body;
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(FetchError::TooLarge(cap).into());
        }
        // Sized once from Content-Length (checked against the cap above) rather than
        // grown by doubling, which copied each document again as it grew.
        let length = response.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| self.attempt(e))? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(FetchError::TooLarge(cap).into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Some((body, content_type, validators)))
    }

    fn retry_after(&self, response: &reqwest::Response) -> Option<Duration> {
        let value = response
            .headers()
            .get(header::RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        Some(
            (at.to_utc() - self.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO),
        )
    }

    fn attempt(&self, error: reqwest::Error) -> Attempt {
        let error = if error.is_timeout() {
            FetchError::Timeout(self.limits.timeout)
        } else if error.is_redirect() {
            FetchError::Redirects(self.limits.max_redirects)
        } else {
            FetchError::Other(describe(&error))
        };
        Attempt {
            error,
            retry_after: None,
        }
    }
}

/// A failed attempt, and how long the server asked us to wait before the next.
struct Attempt {
    error: FetchError,
    retry_after: Option<Duration>,
}

impl From<FetchError> for Attempt {
    fn from(error: FetchError) -> Self {
        Attempt {
            error,
            retry_after: None,
        }
    }
}

/// One line describing a reqwest error with its innermost cause (e.g. "connection refused").
fn describe(error: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = error;
    while let Some(next) = root.source() {
        root = next;
    }
    let (what, advice) = if error.is_connect() {
        ("cannot connect", "is the site down, or the URL wrong?")
    } else if error.is_body() || error.is_decode() {
        (
            "broken body",
            "the download was cut or badly compressed; it is tried again at the next fetch",
        )
    } else {
        ("request failed", "check the URL")
    };
    format!("{what}: {root} ({advice})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_errors_are_timeouts_and_5xx() {
        assert!(FetchError::Timeout(Duration::from_secs(1)).is_transient());
        assert!(FetchError::Status("503 Service Unavailable".into()).is_transient());
        assert!(!FetchError::Status("404 Not Found".into()).is_transient());
        assert!(!FetchError::TooLarge(1).is_transient());
    }
}
