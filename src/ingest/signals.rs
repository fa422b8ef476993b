//! Most-read signals: a most-read feed, the "Most read" box of an HTML page (a CSS
//! selector), or an analytics export in JSON or CSV. Each reading becomes one
//! [`SignalSnapshot`]; URLs are canonicalised like stories' so that the two join.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use url::Url;

use super::{adapter, decode, normalise::canonical_url};
use crate::{
    config::{Location, Signal, SignalKind},
    model::{Measure, SignalEntry, SignalSnapshot},
};

/// A reading, and what in it could not be used.
#[derive(Debug)]
pub struct Reading {
    /// The snapshot.
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
        Location::Http(url) => Some(url.clone()),
        Location::File(_) => None,
    };
    let web = |candidate: Option<&str>| {
        http_base
            .clone()
            .or_else(|| Url::parse(candidate?).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    let (measure, urls, skipped) = match &signal.kind {
        SignalKind::Feed => {
            let feed = adapter::read_feed(body, http_charset, http_base.as_ref())
                .map_err(|e| e.to_string())?;
            let base = web(feed.link.as_deref());
            let links: Vec<_> = feed
                .entries
                .into_iter()
                .map(|e| e.link.unwrap_or_default())
                .collect();
            ranked(links, base.as_ref())
        }
        SignalKind::Html { selector } => {
            let text = decode::to_utf8(body, http_charset);
            let (links, page_base) = html_links(&text, selector)?;
            let base = match page_base.as_deref() {
                Some(href) => http_base
                    .as_ref()
                    .map_or_else(|| Url::parse(href).ok(), |b| b.join(href).ok()),
                None => web(None),
            };
            ranked(links, base.as_ref())
        }
        SignalKind::Json {
            pointer,
            url_field,
            views_field,
        } => {
            let rows = json_rows(body, pointer, url_field, views_field)?;
            // Analytics exports carry absolute URLs: no base applies.
            counted(rows, None)
        }
        SignalKind::Csv {
            url_field,
            views_field,
        } => counted(csv_rows(body, url_field, views_field)?, None),
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

/// The hrefs the selector picks, in page order, and the page's `<base href>`.
fn html_links(text: &str, selector: &str) -> Result<(Vec<String>, Option<String>), String> {
    let selector = scraper::Selector::parse(selector).map_err(|e| format!("bad selector: {e}"))?;
    let anchor = scraper::Selector::parse("a[href]").expect("valid");
    let page = scraper::Html::parse_document(text);
    let links: Vec<String> = page
        .select(&selector)
        .filter_map(|element| {
            let href = element.value().attr("href").map(str::to_owned);
            href.or_else(|| {
                element
                    .select(&anchor)
                    .next()?
                    .value()
                    .attr("href")
                    .map(str::to_owned)
            })
        })
        .collect();
    if links.is_empty() {
        return Err("the selector matched no links on the page".to_owned());
    }
    let base_selector = scraper::Selector::parse("base[href]").expect("valid");
    let base = page
        .select(&base_selector)
        .next()
        .and_then(|b| b.value().attr("href"))
        .map(str::to_owned);
    Ok((links, base))
}

fn json_rows(
    body: &[u8],
    pointer: &str,
    url_field: &str,
    views_field: &str,
) -> Result<Vec<Option<(String, u64)>>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let rows = doc
        .pointer(pointer)
        .ok_or_else(|| format!("no value at JSON pointer {pointer:?}"))?
        .as_array()
        .ok_or_else(|| format!("the value at JSON pointer {pointer:?} is not an array"))?;
    Ok(rows
        .iter()
        .map(|row| {
            let url = row.get(url_field)?.as_str()?.to_owned();
            let views = match row.get(views_field)? {
                serde_json::Value::Number(n) => n
                    .as_u64()
                    .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))?,
                serde_json::Value::String(s) => s.trim().parse().ok()?,
                _ => return None,
            };
            Some((url, views))
        })
        .collect())
}

fn csv_rows(
    body: &[u8],
    url_field: &str,
    views_field: &str,
) -> Result<Vec<Option<(String, u64)>>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let headers = reader
        .headers()
        .map_err(|e| format!("not CSV: {e}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("no column {name:?} in the CSV header"))
    };
    let (url_at, views_at) = (column(url_field)?, column(views_field)?);
    Ok(reader
        .records()
        .map(|record| {
            let record = record.ok()?;
            let views = record
                .get(views_at)?
                .replace([',', '_', ' '], "")
                .parse()
                .ok()?;
            Some((record.get(url_at)?.to_owned(), views))
        })
        .collect())
}
