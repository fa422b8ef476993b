//! One target's task: download, then parse on a parsing thread, into a [`Done`]
//! that waits to be written.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{
    adapter, decode,
    fetch::{Download, Fetcher},
    normalise,
    parsers::Parsers,
    signals,
};
use crate::{
    config::{BasicAuth, Location, Section, Signal, Source},
    model::SignalSnapshot,
    store::{PreparedItems, StateKey, Validators},
    time::Clock,
};

/// Bump when normalisation changes, so that unchanged feeds are parsed again once.
const NORMALISER_VERSION: &str = "2";

/// Something to fetch (owned, so that its download can run as a task of its own).
#[derive(Clone)]
pub(super) enum Target {
    Source(Source),
    Signal(Signal),
}

impl Target {
    pub(super) fn key(&self) -> StateKey {
        match self {
            Target::Source(s) => StateKey::Source(s.id.clone()),
            Target::Signal(s) => StateKey::Signal(s.id.clone()),
        }
    }
    pub(super) fn location(&self) -> &Location {
        match self {
            Target::Source(s) => &s.location,
            Target::Signal(s) => &s.location,
        }
    }
    pub(super) fn interval(&self) -> Duration {
        match self {
            Target::Source(s) => s.interval,
            Target::Signal(s) => s.interval,
        }
    }
    pub(super) fn auth(&self) -> Option<&BasicAuth> {
        match self {
            Target::Source(s) => s.auth.as_ref(),
            Target::Signal(_) => None,
        }
    }
    /// What, besides the body, decides what parsing produces. `sections_rules` is
    /// the sections' `{:?}`, made once per ingest ([`Shared::sections_rules`]).
    pub(super) fn rules(&self, sections_rules: &str, max_items: usize) -> String {
        match self {
            Target::Source(s) => format!(
                "{NORMALISER_VERSION}{:?}{sections_rules}{max_items}",
                s.placement
            ),
            Target::Signal(s) => format!("{NORMALISER_VERSION}{:?}", s.kind),
        }
    }
}

/// A finished fetch, waiting to be written.
pub(super) struct Done {
    pub(super) key: StateKey,
    pub(super) location: String,
    pub(super) at: DateTime<Utc>,
    pub(super) bytes: u64,
    pub(super) warnings: Vec<String>,
    /// Entries left out over `fetch.max_items`.
    pub(super) dropped: usize,
    /// Items whose date could not be read.
    pub(super) undated: usize,
    pub(super) result: Result<Payload, String>,
    /// One of [`UNWRITTEN`], released when this result has been written.
    pub(super) _unwritten: OwnedSemaphorePermit,
}

/// What every download task shares.
pub(super) struct Shared {
    pub(super) fetcher: Fetcher,
    pub(super) sections: Vec<Section>,
    /// `format!("{:?}", sections)`, part of every source's [`Target::rules`]: made
    /// per target, it was a tenth of an all-304 run's CPU.
    pub(super) sections_rules: String,
    pub(super) clock: Clock,
    pub(super) unwritten: Arc<Semaphore>,
    /// One thread per core, at a lower priority than the store's writing thread:
    /// documents parsed at once. With every finished download parsing on a thread of
    /// its own (16 at a time), the writing thread got a seventeenth of the CPU; with
    /// two at its own priority, a third to a half of a core, and it was left with a
    /// tail of unwritten results once the parses were done (see `parsers.rs`).
    pub(super) parsers: Parsers,
    /// `fetch.max_items`.
    pub(super) max_items: usize,
}

pub(super) enum Payload {
    Unchanged,
    /// The items, with their ids and JSON made on the parsing thread.
    Items(PreparedItems, Validators),
    Snapshot(SignalSnapshot, Validators),
}

/// Downloads and parses one target.
pub(super) async fn run(shared: Arc<Shared>, target: Target, previous: Validators) -> Done {
    let unwritten = (shared.unwritten.clone().acquire_owned().await).expect("never closed");
    let location = target.location();
    let _permits = shared.fetcher.slot(location).await;
    let rules = target.rules(&shared.sections_rules, shared.max_items);
    let downloaded = shared
        .fetcher
        .download(location, &previous, target.auth(), &rules)
        .await;
    let at = shared.clock.now();
    let mut done = Done {
        key: target.key(),
        location: location.to_string(),
        at,
        bytes: 0,
        warnings: Vec::new(),
        dropped: 0,
        undated: 0,
        result: Ok(Payload::Unchanged),
        _unwritten: unwritten,
    };
    let (body, content_type, validators) = match downloaded {
        Ok(Download::NotModified) => return done,
        Ok(Download::Fresh {
            body,
            content_type,
            validators,
        }) => (body, content_type, validators),
        Err(e) => {
            done.result = Err(e.to_string());
            return done;
        }
    };
    done.bytes = body.len() as u64;
    let charset = content_type
        .as_deref()
        .and_then(decode::charset_of)
        .map(str::to_owned);
    let parsed = match target {
        Target::Source(source) => {
            let inner = shared.clone();
            (shared.parsers)
                .run(move || read_source(&inner, &source, &body, charset.as_deref(), validators))
                .await
        }
        Target::Signal(signal) => {
            (shared.parsers)
                .run(move || {
                    let reading = signals::read_signal(&signal, &body, charset.as_deref(), at)?;
                    Ok(Parsed {
                        payload: Payload::Snapshot(reading.snapshot, validators),
                        warnings: reading.warnings,
                        dropped: 0,
                        undated: 0,
                    })
                })
                .await
        }
    };
    match parsed {
        Ok(Ok(parsed)) => {
            done.result = Ok(parsed.payload);
            done.warnings = parsed.warnings;
            done.dropped = parsed.dropped;
            done.undated = parsed.undated;
        }
        Ok(Err(e)) => done.result = Err(e),
        Err(_) => done.result = Err("the parser crashed on this document".to_owned()),
    }
    done
}

/// What parsing one document gave.
struct Parsed {
    payload: Payload,
    warnings: Vec<String>,
    dropped: usize,
    undated: usize,
}

/// Parses and normalises one source's document (on a parsing thread).
fn read_source(
    shared: &Shared,
    source: &Source,
    body: &[u8],
    charset: Option<&str>,
    validators: Validators,
) -> Result<Parsed, String> {
    let http_base = match &source.location {
        Location::Http(url) => Some(url.clone()),
        Location::File(_) => None,
    };
    let mut feed =
        adapter::read_feed(body, charset, http_base.as_ref()).map_err(|e| e.to_string())?;
    let home = feed.link.as_deref().and_then(|l| url::Url::parse(l).ok());
    let base = http_base
        .or(home)
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let home = feed
        .link
        .as_deref()
        .and_then(|l| crate::model::url::canonical_url(l, base.as_ref()));
    let entries = feed.entries.len();
    let dropped = normalise::keep_newest(&mut feed.entries, shared.max_items);
    let cx = normalise::Context {
        source,
        sections: &shared.sections,
        base,
        home,
        authors: feed.authors,
    };
    let mut normalised = normalise::normalise(feed.entries, &cx);
    normalised.warnings.splice(0..0, feed.warnings);
    if dropped > 0 {
        normalised.warnings.push(format!(
            "{dropped} of {entries} entries left out: the document has more than fetch.max_items ({}); the newest were kept",
            shared.max_items
        ));
    }
    if normalised.items.is_empty() && entries > 0 {
        return Err(format!(
            "the feed has {entries} entries but none has a title or text: ask the publisher to fix the feed"
        ));
    }
    if normalised.items.is_empty() {
        normalised
            .warnings
            .push("the feed has no entries".to_owned());
    }
    crate::rank::kept::keep(&mut normalised.items); // tokens for clustering, made here
    // Ids and JSON made here too, off the store's one writing thread.
    let items = PreparedItems::new(&source.id, normalised.items);
    Ok(Parsed {
        payload: Payload::Items(items, validators),
        warnings: normalised.warnings,
        dropped,
        undated: normalised.undated,
    })
}
