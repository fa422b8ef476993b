//! Clustering quality on the shared development data (never committed here: the texts
//! belong to their publishers). Reads `../shared/data/clustering/` relative to the
//! crate root, or prints "skipped: data absent".
//!
//! - `allsides.dev.jsonl`: English headline triples (left, centre, right outlet) per
//!   story; prints pairwise precision / recall / F1 and B-cubed F1.
//! - `tgpairs.dev.jsonl` + `tgpairs.dev.pairs.jsonl`: Russian and English news with
//!   labelled same/different pairs; prints precision / recall on those pairs. These
//!   have no dates, so all of them are placed at one instant.
//!
//! Run with `cargo bench --bench clustering`. Besides the defaults it prints a few
//! variants, so that the effect of each knob stays measured.

#[path = "../tests/clustering/metrics.rs"]
mod metrics;

use std::{collections::HashMap, fs, path::PathBuf};

use chrono::{DateTime, Utc};
use pressroom::rank::cluster::{Doc, Options, cluster};
use serde_json::Value;

/// One line of the shared data.
struct Row {
    id: String,
    outlet: String,
    url: String,
    title: String,
    summary: String,
    published: DateTime<Utc>,
    story: String,
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/clustering");
    if !dir.join("allsides.dev.jsonl").exists() {
        println!("skipped: data absent ({})", dir.display());
        return;
    }
    let allsides = load(&dir.join("allsides.dev.jsonl"));
    let telegram = load(&dir.join("tgpairs.dev.jsonl"));
    let labelled = load_pairs(&dir.join("tgpairs.dev.pairs.jsonl"), &telegram);
    for (name, options) in variants() {
        println!("== {name}");
        report_allsides(&allsides, &options);
        report_telegram(&telegram, &labelled, &options);
    }
}

/// The defaults, then one knob changed at a time.
fn variants() -> Vec<(&'static str, Options)> {
    let base = Options::default();
    vec![
        ("defaults", base.clone()),
        (
            "same outlet may merge by similarity",
            Options {
                one_story_per_outlet: false,
                ..base.clone()
            },
        ),
        (
            "titles only",
            Options {
                summary_weight: 0.0,
                ..base.clone()
            },
        ),
        (
            "window 24 h",
            Options {
                window: std::time::Duration::from_secs(24 * 3600),
                ..base
            },
        ),
    ]
}

fn report_allsides(rows: &[Row], options: &Options) {
    let groups = cluster(&docs(rows), options);
    let truth: Vec<&str> = rows.iter().map(|r| r.story.as_str()).collect();
    let s = metrics::score(&groups, &truth);
    println!(
        "AllSides dev ({} headlines): pairwise P {:.3} R {:.3} F1 {:.3}; B-cubed P {:.3} R {:.3} F1 {:.3}",
        rows.len(),
        s.precision,
        s.recall,
        s.f1,
        s.bcubed_precision,
        s.bcubed_recall,
        s.bcubed_f1
    );
}

fn report_telegram(rows: &[Row], labelled: &[(usize, usize, bool)], options: &Options) {
    let groups = cluster(&docs(rows), options);
    let (precision, recall) = metrics::pair_scores(&groups, labelled);
    let truth: Vec<&str> = rows.iter().map(|r| r.story.as_str()).collect();
    let s = metrics::score(&groups, &truth);
    println!(
        "Telegram dev ({} labelled pairs): P {precision:.3} R {recall:.3}; all {} headlines: pairwise P {:.3} R {:.3}, B-cubed F1 {:.3}",
        labelled.len(),
        rows.len(),
        s.precision,
        s.recall,
        s.bcubed_f1
    );
}

fn docs(rows: &[Row]) -> Vec<Doc<'_>> {
    rows.iter()
        .map(|r| Doc {
            outlet: &r.outlet,
            url: Some(&r.url),
            title: &r.title,
            summary: &r.summary,
            published: r.published,
        })
        .collect()
}

fn load(path: &std::path::Path) -> Vec<Row> {
    let undated: DateTime<Utc> = "2020-01-01T00:00:00Z".parse().expect("a date");
    let text = fs::read_to_string(path).expect("readable data");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("JSON lines");
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            Row {
                id: field("id"),
                outlet: field("source"),
                url: field("orig_url"),
                title: field("title"),
                summary: field("summary"),
                published: field("published").parse().unwrap_or(undated),
                story: field("cluster"),
            }
        })
        .collect()
}

fn load_pairs(path: &std::path::Path, rows: &[Row]) -> Vec<(usize, usize, bool)> {
    let index: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let text = fs::read_to_string(path).expect("readable pairs");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("JSON lines");
            let id = |k: &str| index[v[k].as_str().expect("an id")];
            (id("a"), id("b"), v["label"].as_i64() == Some(1))
        })
        .collect()
}
