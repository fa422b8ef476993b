//! Ingest: outlets' feeds and most-read signals → stories and snapshots in the store.
//!
//! [`ingest`] fetches every source and signal that is due (see [`fetch`]), parses
//! feeds through the feed-rs [`adapter`], normalises entries into items
//! ([`normalise`]), reads most-read lists ([`signals`]), and writes the results in
//! batches. A source that fails is recorded with a one-line error in its health and
//! reported; it never stops the others. Each target is a task: downloads go on while
//! parses run on the ingest's own parsing threads (`parsers.rs`, below the writing
//! thread's priority) and while finished results are written.

pub mod adapter;
mod charset;
mod clean;
pub mod dates;
pub mod decode;
mod ebcdic;
mod fast;
pub mod fetch;
mod jsonfeed;
mod merge;
pub mod normalise;
mod parsers;
mod report;
mod scan;
mod side;
pub mod signals;
mod sniff;
mod task;
pub mod text;
mod tls;

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use tokio::{sync::Semaphore, task::JoinSet};

pub use self::report::{IngestReport, Status, TargetReport};
use self::{
    fetch::{FetchError, Fetcher},
    task::{Done, Payload, Shared, Target, run},
};
use crate::{
    config::Plan,
    model::line::one_line,
    store::{FetchNotes, FetchRecord, SaveReport, StateKey, Store, StoreError, Validators},
    time::Clock,
};

/// Results written per transaction, at most.
const BATCH: usize = 64;
/// Longest time results wait before being written.
const FLUSH_EVERY: Duration = Duration::from_millis(250);
/// Results a batch waiting for the checkpoint thread may gather, at most.
const HELD: usize = 2 * BATCH;
/// Targets started but not yet written, at most: bounds the parsed results held in
/// memory while a batch is being written. More than [`HELD`], so that downloads and
/// parses go on while a batch waits for the checkpoint thread.
const UNWRITTEN: usize = 3 * BATCH;
/// Batches between two waits for the checkpoint thread
/// ([`Store::checkpoint_settled`]): the log starts over from its beginning instead
/// of growing to the size of everything written (124 MB for 1,000 feeds, whose
/// unlink at the end waited for the disk). Four batches are about 32 MB of log.
const RESTART_EVERY: u32 = 4;

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
        sections_rules: format!("{:?}", plan.sections),
        clock: clock.clone(),
        unwritten: Arc::new(Semaphore::new(UNWRITTEN)),
        parsers: parsers::Parsers::start(
            std::thread::available_parallelism().map_or(1, usize::from),
        ),
        max_items: plan.fetch.max_items,
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
    // workers and parsing threads) while this task writes a batch to the store.
    let mut running = JoinSet::new();
    let states = store.fetch_states()?;
    for target in &targets {
        let state = states.get(&target.key());
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
    // Checkpoints copy the log back on a thread of their own while this one writes.
    store.checkpoint_in_background()?;
    let progress = progress_bar(options.progress, running.len());
    let mut batch = Vec::new();
    let mut flushed = Instant::now();
    // Now and then the next batch waits for the checkpoint thread, so that the log
    // starts over (see `RESTART_EVERY`); results go on joining it meanwhile.
    let mut settling = None;
    loop {
        let joined = match settling.as_mut() {
            Some(settled) => tokio::select! {
                biased;
                () = settled => {
                    settling = None;
                    None
                }
                joined = running.join_next() => Some(joined),
            },
            None => Some(running.join_next().await),
        };
        if let Some(joined) = joined {
            let Some(joined) = joined else { break };
            // A task only fails by panicking (parser panics are caught inside it): pass it on.
            let done = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            progress.inc(1);
            batch.push(done);
            // Results that finished meanwhile join this batch.
            let most = if settling.is_some() { HELD } else { BATCH };
            while batch.len() < most
                && let Some(joined) = running.try_join_next()
            {
                progress.inc(1);
                batch.push(joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())));
            }
        }
        if batch.len() < BATCH && flushed.elapsed() < FLUSH_EVERY {
            continue;
        }
        if settling.is_none() {
            settling = store.checkpoint_settled(RESTART_EVERY);
        }
        if settling.is_some() && batch.len() < HELD {
            continue;
        }
        settling = None;
        write(store, &shared, &mut batch, &mut report)?;
        flushed = Instant::now();
    }
    write(store, &shared, &mut batch, &mut report)?;
    progress.finish_and_clear();
    let mut writer = store.writer()?;
    report.pruned = writer.prune(&plan.retention, now)?;
    writer.commit()?;
    store.checkpoint_in_foreground()?;
    // By position in the configuration, looked up in a map once per target: a linear
    // search per comparison made this sort quadratic (a quarter of an all-304 run at
    // 1,000 feeds), and two look-ups per comparison were still 5 % of it.
    let order: HashMap<StateKey, usize> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.key(), i))
        .collect();
    report
        .targets
        .sort_by_cached_key(|t| order.get(&t.key).copied());
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

/// Writes finished fetches in one transaction and adds them to the report.
fn write(
    store: &mut Store,
    shared: &Shared,
    batch: &mut Vec<Done>,
    report: &mut IngestReport,
) -> Result<(), StoreError> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut writer = store.writer()?;
    // The saved items, freed on a parsing thread: freeing 3,200 stories' strings was
    // a twentieth of the writing thread's time.
    let mut spent = Vec::with_capacity(batch.len());
    for mut done in batch.drain(..) {
        // Text from outside: one line each, no control characters (see model::line).
        done.warnings = done.warnings.iter().map(|w| one_line(w)).collect();
        let result = std::mem::replace(&mut done.result, Ok(Payload::Unchanged));
        let status = match result.map_err(|e| one_line(&e)) {
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
                    &done,
                ))?;
                let items_len = items.len();
                spent.push(items);
                Status::Fresh {
                    items: items_len,
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
                    &done,
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
                    &done,
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
    let committed = writer.commit();
    shared.parsers.detach(move || drop(spent));
    committed
}

fn record(
    key: &StateKey,
    location: &str,
    at: DateTime<Utc>,
    result: Result<(Validators, usize), String>,
    done: &Done,
) -> FetchRecord {
    FetchRecord {
        key: key.clone(),
        location: location.to_owned(),
        at,
        result,
        notes: FetchNotes {
            dropped: done.dropped as u64,
            undated: done.undated as u64,
            warnings: done.warnings.clone(),
        },
    }
}
