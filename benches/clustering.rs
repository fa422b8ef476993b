//! Clustering quality on the shared labelled data (never committed here: the texts
//! belong to their publishers). Reads the folder named by `PRESSROOM_CLUSTERING_DATA`,
//! else the first of `../shared/data/clustering/` and `../../shared/data/clustering/`
//! (relative to the crate root) that exists, or prints "skipped: data absent". Every
//! figure is labelled by the file it was computed on, so that the held-out halves
//! (`*.test.jsonl`) can be dropped into the same folder and read the same way.
//!
//! - `allsides.*.jsonl`: English headline triples (left, centre, right outlet) per
//!   story; prints pairwise precision / recall / F1 / accuracy and B-cubed F1.
//! - `tgpairs.*.jsonl` + `tgpairs.*.pairs.jsonl`: Russian and English news with
//!   labelled same/different pairs; prints precision / recall / accuracy on those
//!   pairs, and on the Russian pairs alone. These have no dates, so all of them are
//!   placed at one instant.
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
    russian: bool,
}

/// One data file, loaded.
struct Set {
    /// The file's name, which labels every figure computed on it.
    name: String,
    rows: Vec<Row>,
    /// For the Telegram sets: the labelled pairs, and whether both are Russian.
    labelled: Option<Vec<(usize, usize, bool, bool)>>,
}

fn main() {
    let Some(dir) = data_dir() else {
        println!("skipped: data absent (set PRESSROOM_CLUSTERING_DATA or see benches/README.md)");
        return;
    };
    let mut sets = Vec::new();
    let mut names: Vec<String> = (fs::read_dir(&dir).expect("a readable folder"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".jsonl") && !n.ends_with(".pairs.jsonl"))
        .collect();
    names.sort();
    for name in names {
        let rows = load(&dir.join(&name));
        let pairs = dir.join(name.replace(".jsonl", ".pairs.jsonl"));
        let labelled = pairs.exists().then(|| load_pairs(&pairs, &rows));
        sets.push(Set {
            name,
            rows,
            labelled,
        });
    }
    println!("data: {}", dir.display());
    let only = std::env::var("PRESSROOM_CLUSTERING_ONLY").ok();
    for (name, options) in variants() {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        println!("== {name}");
        for set in &sets {
            match &set.labelled {
                Some(labelled) => report_telegram(set, labelled, &options),
                None => report_allsides(set, &options),
            }
        }
    }
}

/// The folder of the labelled data, if there is one.
fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PRESSROOM_CLUSTERING_DATA") {
        return Some(PathBuf::from(dir));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../shared/data/clustering", "../../shared/data/clustering"]
        .into_iter()
        .map(|relative| root.join(relative))
        .find(|dir| dir.is_dir())
}

/// The defaults, then one knob changed at a time.
fn variants() -> Vec<(&'static str, Options)> {
    let base = Options::default();
    vec![
        ("defaults", base.clone()),
        (
            "search_work 0 (the caps as given, never widened)",
            Options {
                search_work: 0,
                ..base.clone()
            },
        ),
        (
            "threshold 0.10",
            Options {
                threshold: 0.10,
                ..base.clone()
            },
        ),
        (
            "threshold 0.14",
            Options {
                threshold: 0.14,
                ..base.clone()
            },
        ),
        (
            "name_mismatch 0.5",
            Options {
                name_mismatch: 0.5,
                ..base.clone()
            },
        ),
        (
            "name_mismatch 0.7",
            Options {
                name_mismatch: 0.7,
                ..base.clone()
            },
        ),
        (
            "name_mismatch 0.3",
            Options {
                name_mismatch: 0.3,
                ..base.clone()
            },
        ),
        (
            "name veto (name_mismatch 0)",
            Options {
                name_mismatch: 0.0,
                ..base.clone()
            },
        ),
        (
            "unit_mismatch 1 (off)",
            Options {
                unit_mismatch: 1.0,
                ..base.clone()
            },
        ),
        (
            "unit_mismatch 0.5",
            Options {
                unit_mismatch: 0.5,
                ..base.clone()
            },
        ),
        (
            "cyrillic_name_mismatch 1 (off)",
            Options {
                cyrillic_name_mismatch: 1.0,
                ..base.clone()
            },
        ),
        (
            "cyrillic_name_mismatch 0.5",
            Options {
                cyrillic_name_mismatch: 0.5,
                ..base.clone()
            },
        ),
        (
            "cyrillic_name_mismatch 0.3",
            Options {
                cyrillic_name_mismatch: 0.3,
                ..base.clone()
            },
        ),
        (
            "cyrillic name veto (cyrillic_name_mismatch 0)",
            Options {
                cyrillic_name_mismatch: 0.0,
                ..base.clone()
            },
        ),
        (
            "forecast_mismatch 1 (off)",
            Options {
                forecast_mismatch: 1.0,
                ..base.clone()
            },
        ),
        (
            "lede_names off (a nameless title stays nameless)",
            Options {
                lede_names: false,
                ..base.clone()
            },
        ),
        (
            "names in every script (name_mismatch 0.4)",
            Options {
                name_mismatch: 0.4,
                ..base.clone()
            },
        ),
        (
            "same_outlet_threshold 2 (never)",
            Options {
                same_outlet_threshold: 2.0,
                ..base.clone()
            },
        ),
        (
            "same_outlet_threshold 0.5",
            Options {
                same_outlet_threshold: 0.5,
                ..base.clone()
            },
        ),
        (
            "same outlet may merge by similarity",
            Options {
                one_story_per_outlet: false,
                ..base.clone()
            },
        ),
        (
            "number_mismatch 0.5",
            Options {
                number_mismatch: 0.5,
                ..base.clone()
            },
        ),
        (
            "number veto (number_mismatch 0)",
            Options {
                number_mismatch: 0.0,
                ..base.clone()
            },
        ),
        (
            "number_mismatch 0.7",
            Options {
                number_mismatch: 0.7,
                ..base.clone()
            },
        ),
        (
            "event span 24 h",
            Options {
                event_span: std::time::Duration::from_secs(24 * 3600),
                ..base.clone()
            },
        ),
        (
            "event span 48 h",
            Options {
                event_span: std::time::Duration::from_secs(48 * 3600),
                ..base.clone()
            },
        ),
        (
            "event span 1000 h (no fade of groups)",
            Options {
                event_span: std::time::Duration::from_secs(1000 * 3600),
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

fn report_allsides(set: &Set, options: &Options) {
    let rows = &set.rows;
    let groups = cluster(&docs(rows), options);
    let truth: Vec<&str> = rows.iter().map(|r| r.story.as_str()).collect();
    let s = metrics::score(&groups, &truth);
    if show() {
        for group in groups.iter().filter(|g| g.len() > 1) {
            let first = &rows[group[0]].story;
            if group.iter().any(|&i| &rows[i].story != first) {
                println!("  mixed group:");
                for &i in group {
                    println!(
                        "    {} | {} | {}",
                        rows[i].story, rows[i].published, rows[i].title
                    );
                }
            }
        }
    }
    println!(
        "{} ({} headlines): pairwise P {:.3} R {:.3} F1 {:.3} accuracy {:.4}; B-cubed P {:.3} R {:.3} F1 {:.3}",
        set.name,
        rows.len(),
        s.precision,
        s.recall,
        s.f1,
        s.accuracy,
        s.bcubed_precision,
        s.bcubed_recall,
        s.bcubed_f1
    );
}

fn report_telegram(set: &Set, labelled: &[(usize, usize, bool, bool)], options: &Options) {
    let rows = &set.rows;
    let groups = cluster(&docs(rows), options);
    let all: Vec<(usize, usize, bool)> = labelled.iter().map(|&(a, b, l, _)| (a, b, l)).collect();
    let russian: Vec<(usize, usize, bool)> = (labelled.iter())
        .filter(|p| p.3)
        .map(|&(a, b, l, _)| (a, b, l))
        .collect();
    if show() {
        let group_of = group_of(&groups, rows.len());
        for &(a, b, same, _) in labelled {
            if (group_of[a] == group_of[b]) != same {
                let what = if same { "missed" } else { "false merge" };
                let ru = if rows[a].russian && rows[b].russian {
                    "ru"
                } else {
                    "--"
                };
                println!("  {ru} {what}: {} | {}", rows[a].title, rows[b].title);
                if std::env::var_os("PRESSROOM_CLUSTERING_GROUPS").is_some() {
                    for &x in [a, b].iter() {
                        let g = &groups[group_of[x]];
                        println!("      group of {} ({}):", rows[x].outlet, g.len());
                        for &i in g {
                            println!("        {} | {}", rows[i].outlet, rows[i].title);
                        }
                    }
                }
            }
        }
    }
    let p = metrics::pair_scores(&groups, &all);
    let ru = metrics::pair_scores(&groups, &russian);
    let truth: Vec<&str> = rows.iter().map(|r| r.story.as_str()).collect();
    let s = metrics::score(&groups, &truth);
    println!(
        "{} ({} labelled pairs): P {:.3} R {:.3} accuracy {:.3}; the {} Russian pairs: P {:.3} R {:.3} accuracy {:.3}; all {} headlines: pairwise P {:.3} R {:.3}, B-cubed F1 {:.3}",
        set.name,
        all.len(),
        p.precision,
        p.recall,
        p.accuracy,
        russian.len(),
        ru.precision,
        ru.recall,
        ru.accuracy,
        rows.len(),
        s.precision,
        s.recall,
        s.bcubed_f1
    );
}

/// Whether to list the wrong decisions (`PRESSROOM_CLUSTERING_SHOW=1`), for tuning.
fn show() -> bool {
    std::env::var_os("PRESSROOM_CLUSTERING_SHOW").is_some()
}

/// Each story's group number.
fn group_of(groups: &[Vec<usize>], n: usize) -> Vec<usize> {
    let mut of = vec![usize::MAX; n];
    for (g, members) in groups.iter().enumerate() {
        members.iter().for_each(|&i| of[i] = g);
    }
    of
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
                russian: field("lang") == "ru",
            }
        })
        .collect()
}

/// The labelled pairs: `(a, b, same story?, both Russian?)`.
fn load_pairs(path: &std::path::Path, rows: &[Row]) -> Vec<(usize, usize, bool, bool)> {
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
            let (a, b) = (id("a"), id("b"));
            let russian = rows[a].russian && rows[b].russian;
            (a, b, v["label"].as_i64() == Some(1), russian)
        })
        .collect()
}
