//! `[daemon]`: how `pressroom daemon` runs (listener and its limits, fetch cadence,
//! shutdown). `pressroom serve` uses the listener's limits too.

use std::{net::SocketAddr, time::Duration};

use serde::Deserialize;
use toml::Spanned;

use super::{
    check::{cadence, count, duration},
    problems::Problems,
    site::Site,
};
use crate::schedule::Cadence;

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
    /// Most HTTP connections open at once (1 to 16384). Default 256, well below the
    /// usual 1,024 open files, so that a flood leaves files for the store and SMTP.
    pub max_connections: Option<Spanned<i64>>,
    /// Time a connection has to send a complete request head, from its opening or from
    /// its previous response (so also the idle keep-alive limit). Default "10s".
    pub header_timeout: Option<Spanned<String>>,
}

/// `[daemon]`, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct DaemonPlan {
    /// The HTTP listener's address.
    pub listen: SocketAddr,
    /// When to fetch.
    pub fetch: Cadence,
    /// Time allowed for in-flight transactions at shutdown.
    pub shutdown_grace: Duration,
    /// Most HTTP connections open at once.
    pub max_connections: usize,
    /// Deadline for a request head, and the idle keep-alive limit.
    pub header_timeout: Duration,
}

/// Checks `[daemon]`, with its defaults; cron is read in the site's time zone.
pub(super) fn compile(p: &mut Problems<'_>, raw: RawDaemon, site: &Site) -> DaemonPlan {
    let default_listen = || "127.0.0.1:8080".parse().expect("valid");
    let listen = match &raw.listen {
        None => default_listen(),
        Some(v) => v.get_ref().parse().unwrap_or_else(|_| {
            p.on(
                v,
                "daemon.listen",
                "expected an address and port such as \"127.0.0.1:8080\"",
            );
            default_listen()
        }),
    };
    let fetch = raw
        .fetch
        .as_ref()
        .and_then(|v| cadence(p, "daemon.fetch", v, site.time_zone));
    DaemonPlan {
        listen,
        fetch: fetch
            .unwrap_or_else(|| Cadence::parse("0 */15 * * * *", site.time_zone).expect("valid")),
        shutdown_grace: duration(
            p,
            "daemon.shutdown_grace",
            &raw.shutdown_grace,
            Duration::from_secs(30),
        ),
        max_connections: count(
            p,
            "daemon.max_connections",
            &raw.max_connections,
            1..=16384,
            256,
        ) as usize,
        header_timeout: duration(
            p,
            "daemon.header_timeout",
            &raw.header_timeout,
            Duration::from_secs(10),
        ),
    }
}
