//! Ingest: outlets' feeds and most-read signals → stories and snapshots in the store.
//!
//! [`ingest`] fetches every source and signal that is due (see [`fetch`]), parses
//! feeds through the feed-rs [`adapter`], normalises entries into items
//! ([`normalise`]), reads most-read lists ([`signals`]), and writes the results in
//! batches. A source that fails is recorded with a one-line error in its health and
//! reported; it never stops the others. Each target is a task: downloads go on while
//! parses run on blocking threads and while finished results are written.

pub mod adapter;
pub mod dates;
pub mod decode;
pub mod fetch;
pub mod normalise;
pub mod signals;

use std::{
    collections::HashMap,
    fmt::Write as _,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use tokio::{
    sync::{OwnedSemaphorePermit, Semaphore},
    task::JoinSet,
};

use self::fetch::{Download, FetchError, Fetcher};
use crate::{
    config::{BasicAuth, Location, Plan, Section, Signal, Source},
    model::{Item, SignalSnapshot},
    store::{FetchRecord, PruneReport, SaveReport, StateKey, Store, StoreError, Validators},
    time::Clock,
};

/// Bump when normalisation changes, so that unchanged feeds are parsed again once.
const NORMALISER_VERSION: &str = "1";
/// Results written per transaction, at most.
const BATCH: usize = 64;
/// Longest time results wait before being written.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Targets started but not yet written, at most: bounds the parsed results held in
/// memory while a batch is being written. More than [`BATCH`], so that a full batch
/// can always form.
const UNWRITTEN: usize = 2 * BATCH;

/// What can stop an ingest run as a whole (a single source failing does not).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The state file failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client could not start.
    #[error(transparent)]
    Client(#[from] FetchError),
}

/// How to run an ingest.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Fetch everything, even sources whose interval has not elapsed.
    pub force: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

/// What happened to one source or signal.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Read and stored.
    Fresh {
        /// Items (or most-read entries) read.
        items: usize,
        /// What the store did with them.
        saved: SaveReport,
    },
    /// Not modified since the last success (304 or identical body).
    Unchanged,
    /// Its interval has not elapsed; not fetched.
    NotDue,
    /// Failed, with a one-line reason.
    Failed(String),
}

/// One source's or signal's part of an ingest run.
#[derive(Clone, Debug)]
pub struct TargetReport {
    /// Which one.
    pub key: StateKey,
    /// Where it was read from.
    pub location: String,
    /// What happened.
    pub status: Status,
    /// What could not be used, one line per kind.
    pub warnings: Vec<String>,
    /// Bytes downloaded (after decompression).
    pub bytes: u64,
}

/// The whole run.
#[derive(Clone, Debug, Default)]
pub struct IngestReport {
    /// Every source and signal, in configuration order.
    pub targets: Vec<TargetReport>,
    /// Stories saved, over all sources.
    pub saved: SaveReport,
    /// What retention pruned.
    pub pruned: PruneReport,
    /// Wall time.
    pub elapsed: Duration,
}

impl IngestReport {
    /// Sources and signals that failed.
    pub fn failures(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets
            .iter()
            .filter(|t| matches!(t.status, Status::Failed(_)))
    }

    /// Bytes downloaded in all.
    pub fn bytes(&self) -> u64 {
        self.targets.iter().map(|t| t.bytes).sum()
    }

    /// One line: what was fetched, what it gave, what failed.
    pub fn summary(&self) -> String {
        let count = |f: fn(&Status) -> bool| self.targets.iter().filter(|t| f(&t.status)).count();
        let fresh = count(|s| matches!(s, Status::Fresh { .. }));
        let unchanged = count(|s| matches!(s, Status::Unchanged));
        let not_due = count(|s| matches!(s, Status::NotDue));
        let failed = count(|s| matches!(s, Status::Failed(_)));
        let mut line = format!(
            "fetch: {} targets in {:.2} s ({:.1} MB): {fresh} read, {unchanged} unchanged",
            self.targets.len() - not_due,
            self.elapsed.as_secs_f64(),
            self.bytes() as f64 / 1e6,
        );
        if not_due > 0 {
            let _ = write!(line, ", {not_due} not due");
        }
        let _ = write!(
            line,
            ", {failed} failed; stories: {} new, {} updated, {} unchanged",
            self.saved.new, self.saved.updated, self.saved.unchanged
        );
        if self.pruned.stories + self.pruned.snapshots > 0 {
            let _ = write!(
                line,
                "; pruned {} stories, {} snapshots",
                self.pruned.stories, self.pruned.snapshots
            );
        }
        line
    }
}

/// Something to fetch (owned, so that its download can run as a task of its own).
#[derive(Clone)]
enum Target {
    Source(Source),
    Signal(Signal),
}

impl Target {
    fn key(&self) -> StateKey {
        match self {
            Target::Source(s) => StateKey::Source(s.id.clone()),
            Target::Signal(s) => StateKey::Signal(s.id.clone()),
        }
    }
    fn location(&self) -> &Location {
        match self {
            Target::Source(s) => &s.location,
            Target::Signal(s) => &s.location,
        }
    }
    fn interval(&self) -> Duration {
        match self {
            Target::Source(s) => s.interval,
            Target::Signal(s) => s.interval,
        }
    }
    fn auth(&self) -> Option<&BasicAuth> {
        match self {
            Target::Source(s) => s.auth.as_ref(),
            Target::Signal(_) => None,
        }
    }
    /// What, besides the body, decides what parsing produces.
    fn rules(&self, sections: &[Section]) -> String {
        match self {
            Target::Source(s) => format!("{NORMALISER_VERSION}{:?}{:?}", s.placement, sections),
            Target::Signal(s) => format!("{NORMALISER_VERSION}{:?}", s.kind),
        }
    }
}

/// A finished fetch, waiting to be written.
struct Done {
    key: StateKey,
    location: String,
    at: DateTime<Utc>,
    bytes: u64,
    warnings: Vec<String>,
    result: Result<Payload, String>,
    /// One of [`UNWRITTEN`], released when this result has been written.
    _unwritten: OwnedSemaphorePermit,
}

/// What every download task shares.
struct Shared {
    fetcher: Fetcher,
    sections: Vec<Section>,
    clock: Clock,
    unwritten: Arc<Semaphore>,
}

enum Payload {
    Unchanged,
    Items(Vec<Item>, Validators),
    Snapshot(SignalSnapshot, Validators),
}

/// Fetches every due source and signal of `plan` into `store`.
pub async fn ingest(
    plan: &Plan,
    store: &mut Store,
    clock: &Clock,
    options: &Options,
) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let now = clock.now();
    let shared = Arc::new(Shared {
        fetcher: Fetcher::new(&plan.fetch, clock.clone())?,
        sections: plan.sections.clone(),
        clock: clock.clone(),
        unwritten: Arc::new(Semaphore::new(UNWRITTEN)),
    });
    let targets: Vec<Target> = plan
        .sources
        .iter()
        .cloned()
        .map(Target::Source)
        .chain(plan.signals.iter().cloned().map(Target::Signal))
        .collect();
    let mut report = IngestReport::default();
    // Each target is a task, so that downloads and parses go on (on the runtime's
    // workers and blocking threads) while this task writes a batch to the store.
    let mut running = JoinSet::new();
    for target in &targets {
        let state = store.fetch_state(&target.key())?;
        let due = state.last_attempt.is_none_or(|last| {
            now.signed_duration_since(last)
                .to_std()
                .unwrap_or(Duration::ZERO)
                >= target.interval()
        });
        if options.force || due {
            running.spawn(run(shared.clone(), target.clone(), state.validators));
        } else {
            report.targets.push(target_report(
                target.key(),
                target.location().to_string(),
                Status::NotDue,
            ));
        }
    }
    let progress = progress_bar(options.progress, running.len());
    let mut batch = Vec::new();
    let mut flushed = Instant::now();
    while let Some(joined) = running.join_next().await {
        // A task only fails by panicking (parser panics are caught inside it): pass it on.
        let done = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        progress.inc(1);
        batch.push(done);
        if batch.len() >= BATCH || flushed.elapsed() >= FLUSH_EVERY {
            write(store, &mut batch, &mut report)?;
            flushed = Instant::now();
        }
    }
    write(store, &mut batch, &mut report)?;
    progress.finish_and_clear();
    let mut writer = store.writer()?;
    report.pruned = writer.prune(&plan.retention, now)?;
    writer.commit()?;
    // By position in the configuration, looked up in a map: a linear search per
    // comparison made this sort quadratic (a quarter of an all-304 run at 1,000 feeds).
    let order: HashMap<StateKey, usize> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key(), i))
        .collect();
    report.targets.sort_by_key(|t| order.get(&t.key).copied());
    report.elapsed = started.elapsed();
    Ok(report)
}

fn progress_bar(show: bool, len: usize) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} fetching {pos}/{len} [{bar:30}] {elapsed}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn target_report(key: StateKey, location: String, status: Status) -> TargetReport {
    TargetReport {
        key,
        location,
        status,
        warnings: Vec::new(),
        bytes: 0,
    }
}

/// Downloads and parses one target.
async fn run(shared: Arc<Shared>, target: Target, previous: Validators) -> Done {
    let unwritten = (shared.unwritten.clone().acquire_owned().await).expect("never closed");
    let location = target.location();
    let _permits = shared.fetcher.slot(location).await;
    let rules = target.rules(&shared.sections);
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
            let shared = shared.clone();
            tokio::task::spawn_blocking(move || {
                let http_base = match &source.location {
                    Location::Http(url) => Some(url.clone()),
                    Location::File(_) => None,
                };
                let feed = adapter::read_feed(&body, charset.as_deref(), http_base.as_ref())
                    .map_err(|e| e.to_string())?;
                let home = feed.link.as_deref().and_then(|l| url::Url::parse(l).ok());
                let base = http_base
                    .or(home)
                    .filter(|u| matches!(u.scheme(), "http" | "https"));
                let home = feed
                    .link
                    .as_deref()
                    .and_then(|l| normalise::canonical_url(l, base.as_ref()));
                let cx = normalise::Context {
                    source: &source,
                    sections: &shared.sections,
                    base,
                    home,
                    authors: feed.authors,
                };
                let mut normalised = normalise::normalise(feed.entries, &cx);
                if normalised.items.is_empty() {
                    normalised
                        .warnings
                        .push("the feed has no entries".to_owned());
                }
                Ok((
                    Payload::Items(normalised.items, validators),
                    normalised.warnings,
                ))
            })
            .await
        }
        Target::Signal(signal) => {
            tokio::task::spawn_blocking(move || {
                let reading = signals::read_signal(&signal, &body, charset.as_deref(), at)?;
                Ok((
                    Payload::Snapshot(reading.snapshot, validators),
                    reading.warnings,
                ))
            })
            .await
        }
    };
    match parsed {
        Ok(Ok((payload, warnings))) => {
            done.result = Ok(payload);
            done.warnings = warnings;
        }
        Ok(Err(e)) => done.result = Err(e),
        Err(_) => done.result = Err("the parser crashed on this document".to_owned()),
    }
    done
}

/// Writes finished fetches in one transaction and adds them to the report.
fn write(
    store: &mut Store,
    batch: &mut Vec<Done>,
    report: &mut IngestReport,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut writer = store.writer()?;
    for done in batch.drain(..) {
        let status = match done.result {
            Ok(Payload::Unchanged) => {
                writer.record_unchanged(&done.key, &done.location, done.at)?;
                Status::Unchanged
            }
            Ok(Payload::Items(items, validators)) => {
                let StateKey::Source(source) = &done.key else {
                    unreachable!("items come from sources")
                };
                let saved = writer.save_items(source, &items, done.at)?;
                report.saved += saved;
                writer.record_fetch(&record(
                    &done.key,
                    &done.location,
                    done.at,
                    Ok((validators, items.len())),
                ))?;
                Status::Fresh {
                    items: items.len(),
                    saved,
                }
            }
            Ok(Payload::Snapshot(snapshot, validators)) => {
                writer.save_snapshot(&snapshot)?;
                let entries = snapshot.entries.len();
                writer.record_fetch(&record(
                    &done.key,
                    &done.location,
                    done.at,
                    Ok((validators, entries)),
                ))?;
                Status::Fresh {
                    items: entries,
                    saved: SaveReport::default(),
                }
            }
            Err(error) => {
                tracing::warn!(target: "pressroom::fetch", "{}: {error}", done.key);
                writer.record_fetch(&record(
                    &done.key,
                    &done.location,
                    done.at,
                    Err(error.clone()),
                ))?;
                Status::Failed(error)
            }
        };
        for warning in &done.warnings {
            tracing::warn!(target: "pressroom::fetch", "{}: {warning}", done.key);
        }
        report.targets.push(TargetReport {
            key: done.key,
            location: done.location,
            status,
            warnings: done.warnings,
            bytes: done.bytes,
        });
    }
    writer.commit()
}

fn record(
    key: &StateKey,
    location: &str,
    at: DateTime<Utc>,
    result: Result<(Validators, usize), String>,
) -> FetchRecord {
    FetchRecord {
        key: key.clone(),
        location: location.to_owned(),
        at,
        result,
    }
}
