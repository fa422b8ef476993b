//! `[retention]`: how long the store keeps what it ingested.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::{check::duration, problems::Problems};

/// `[retention]`: how long the store keeps what it ingested.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    /// Stories older than this (by publication time) are pruned. Default "30d".
    pub stories: Option<Spanned<String>>,
    /// Most-read snapshots older than this are pruned. Default "14d".
    pub snapshots: Option<Spanned<String>>,
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

/// Checks `[retention]`, each missing key taken from [`Retention::default`].
pub(super) fn compile(p: &mut Problems<'_>, raw: RawRetention) -> Retention {
    let d = Retention::default();
    Retention {
        stories: duration(p, "retention.stories", &raw.stories, d.stories),
        snapshots: duration(p, "retention.snapshots", &raw.snapshots, d.snapshots),
    }
}
