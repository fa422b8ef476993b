//! A signal's document → a [`SignalSnapshot`]: its kind extracts links or (URL, views)
//! rows; here they are canonicalised, deduplicated and ranked.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use url::Url;

use super::{Document, Extract};
use crate::{
    config::{Location, Signal},
    model::{Measure, SignalEntry, SignalSnapshot, url::canonical_url},
};

/// A reading, and what in it could not be used.
#[derive(Debug)]
pub struct Reading {
    /// The entries, canonicalised, deduplicated and ranked, stamped with the signal and
    /// the instant.
    pub snapshot: SignalSnapshot,
    /// One line per kind of problem.
    pub warnings: Vec<String>,
}

/// Reads one signal document fetched at `at`.
pub fn read_signal(
    signal: &Signal,
    body: &[u8],
    http_charset: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Reading, String> {
    // Relative links resolve against the document's own URL when it was fetched over
    // http; a file has no web address, so its feed link or <base href> stands in.
    let http_base = match &signal.location {
        Location::Http(url) => Some(url),
        Location::File(_) => None,
    };
    let document = Document {
        body,
        charset: http_charset,
        http_base,
    };
    let (measure, urls, skipped) = match signal.kind.extract(&document)? {
        Extract::Ranked { links, base } => ranked(links, base.as_ref()),
        Extract::Counted(rows) => counted(rows, None),
    };
    if urls.is_empty() {
        return Err("no usable entries in the most-read list".to_owned());
    }
    let warnings = match skipped {
        0 => Vec::new(),
        n => vec![format!(
            "{n} entries without a usable URL or view count (skipped)"
        )],
    };
    let snapshot = SignalSnapshot {
        signal: signal.id.clone(),
        taken_at: at,
        measure,
        entries: urls,
    };
    Ok(Reading { snapshot, warnings })
}

/// Links in rank order → entries; the first occurrence of a URL counts.
fn ranked(links: Vec<String>, base: Option<&Url>) -> (Measure, Vec<SignalEntry>, usize) {
    let mut seen = HashSet::new();
    let mut skipped = 0;
    let mut entries = Vec::new();
    for link in links {
        match canonical_url(&link, base) {
            Some(url) if seen.insert(url.clone()) => entries.push(SignalEntry {
                url,
                rank: entries.len() as u32 + 1,
                views: None,
            }),
            Some(_) => {}
            None => skipped += 1,
        }
    }
    (Measure::Rank, entries, skipped)
}

/// (URL, views) rows → entries ranked by views; rows that failed count as skipped.
fn counted(
    rows: Vec<Option<(String, u64)>>,
    base: Option<&Url>,
) -> (Measure, Vec<SignalEntry>, usize) {
    let mut skipped = 0;
    let mut totals: Vec<(String, u64)> = Vec::new();
    for row in rows {
        match row.and_then(|(link, views)| Some((canonical_url(&link, base)?, views))) {
            Some((url, views)) => match totals.iter_mut().find(|(u, _)| *u == url) {
                Some((_, total)) => *total += views,
                None => totals.push((url, views)),
            },
            None => skipped += 1,
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let entries = totals
        .into_iter()
        .enumerate()
        .map(|(i, (url, views))| SignalEntry {
            url,
            rank: i as u32 + 1,
            views: Some(views),
        })
        .collect();
    (Measure::Views, entries, skipped)
}
