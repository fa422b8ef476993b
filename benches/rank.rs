//! Rank, cluster and select an issue from 100,000 stories and 50,000 most-read
//! entries; then render one audience's email. Prints medians of several runs.
//!
//! `cargo bench --bench rank`
//!
//! Knobs: `PRESSROOM_BENCH_STORIES` (100,000), `PRESSROOM_BENCH_RUNS` (7),
//! `PRESSROOM_BENCH_FRESH=0` (time only the builds from kept tokens, e.g. under
//! `perf record`), `PRESSROOM_BENCH_RENDER=0` (no email), `PRESSROOM_BENCH_DUMP=path`
//! (write the issue built, and every group of the window to `path.groups`, to
//! compare two versions of the code).

use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use pressroom::{
    config,
    model::{
        IssueId, Measure, SectionId, Sent, SignalEntry, SignalId, SignalSnapshot, SourceId, Story,
        StoryId, StoryTokens,
    },
    rank,
    render::{Audience, Renderer, view},
};

/// Stories in the window; `PRESSROOM_BENCH_STORIES` changes it (e.g. a day's 5,000).
fn stories_count() -> usize {
    std::env::var("PRESSROOM_BENCH_STORIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}
/// Builds timed; `PRESSROOM_BENCH_RUNS` changes it (more for a profile).
fn runs() -> usize {
    std::env::var("PRESSROOM_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7)
}

/// Whether each kept-token build is followed by one tokenising afresh (and
/// checked equal); `PRESSROOM_BENCH_FRESH=0` times the kept builds alone, for a
/// profile of that path.
fn fresh_too() -> bool {
    std::env::var("PRESSROOM_BENCH_FRESH").map_or(true, |v| v != "0")
}

/// Whether to render emails after the builds; `PRESSROOM_BENCH_RENDER=0` skips it.
fn render_too() -> bool {
    std::env::var("PRESSROOM_BENCH_RENDER").map_or(true, |v| v != "0")
}
const SNAPSHOTS: usize = 50;
const ENTRIES_PER_SNAPSHOT: usize = 1_000;
const SECTIONS: [&str; 7] = [
    "politics", "world", "business", "defense", "science", "society", "sport",
];
const WORDS: &[&str] = &[
    "minister",
    "talks",
    "summit",
    "budget",
    "vote",
    "election",
    "strike",
    "rate",
    "bank",
    "shares",
    "rocket",
    "launch",
    "museum",
    "festival",
    "match",
    "final",
    "storm",
    "quake",
    "deal",
    "exports",
    "tariff",
    "reform",
    "court",
    "ruling",
    "protest",
    "treaty",
    "navy",
    "army",
    "drill",
    "satellite",
    "vaccine",
    "study",
    "climate",
    "energy",
    "oil",
    "gas",
    "harbour",
    "airport",
    "railway",
    "school",
    "hospital",
    "police",
    "mayor",
    "council",
];

fn config_text() -> String {
    let mut text = String::from("[ranking]\nhalf_life = \"6h\"\n");
    for s in SECTIONS {
        text.push_str(&format!("[[sections]]\nid = \"{s}\"\ntitle = \"{s}\"\n"));
    }
    for n in 0..200 {
        text.push_str(&format!("[[sources]]\nid = \"s{n}\"\nname = \"Outlet {}\"\nurl = \"https://o{n}.example/rss\"\nweight = {}\n", n % 60, 0.8 + (n % 5) as f64 * 0.1));
    }
    text
}

fn generate(now: DateTime<Utc>) -> (Vec<Story>, Vec<SignalSnapshot>) {
    let mut rng = fastrand::Rng::with_seed(42);
    let stories: Vec<Story> = (0..stories_count())
        .map(|i| {
            // Every tenth event is covered by several outlets under similar headlines.
            let event = if i % 10 < 3 { i / 10 } else { i };
            let mut words: Vec<&str> = (0..7)
                .map(|k| WORDS[(event * 31 + k * 17) % WORDS.len()])
                .collect();
            words.push(["in", "after", "as"][rng.usize(..3)]);
            let source = rng.usize(..200);
            Story {
                id: StoryId(format!("{i:08x}")),
                source: SourceId::parse(&format!("s{source}")).unwrap(),
                guid: None,
                url: Some(format!(
                    "https://o{source}.example/{}/{i}",
                    SECTIONS[event % 7]
                )),
                title: format!("{} {event}", words.join(" ")),
                summary_html: "<p>Summary.</p>".to_owned(),
                excerpt: format!(
                    "Summary of event {event} with {} and {}.",
                    words[1], words[3]
                ),
                image: None,
                authors: Vec::new(),
                topics: Vec::new(),
                section: Some(SectionId::parse(SECTIONS[event % 7]).unwrap()),
                published: now - chrono::Duration::seconds(rng.i64(0..86_000)),
                updated: None,
                first_seen: now,
                dated: true,
            }
        })
        .collect();
    let snapshots = (0..SNAPSHOTS)
        .map(|n| SignalSnapshot {
            signal: SignalId::parse(&format!("mr{}", n % 5)).unwrap(),
            taken_at: now - chrono::Duration::minutes(n as i64 * 20),
            measure: if n % 2 == 0 {
                Measure::Rank
            } else {
                Measure::Views
            },
            entries: (0..ENTRIES_PER_SNAPSHOT)
                .map(|r| SignalEntry {
                    url: stories[rng.usize(..stories_count())].url.clone().unwrap(),
                    rank: r as u32 + 1,
                    views: Some(rng.u64(0..50_000)),
                })
                .collect(),
        })
        .collect();
    (stories, snapshots)
}

/// User + system CPU time of this process so far, in ms (Linux only; 10 ms ticks).
fn cpu_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let plan = config::parse(&config_text(), std::path::Path::new("/tmp/bench.toml"))
        .expect("bench config");
    let edition = &plan.editions[0];
    let now = DateTime::parse_from_rfc3339("2026-11-27T06:00:00Z")
        .unwrap()
        .to_utc();
    let (stories, snapshots) = generate(now);
    let sent = Sent::default();
    let id = IssueId {
        edition: edition.id.clone(),
        date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        time: None,
    };
    // The tokens as ranking gets them: made once per story (as the ingest workers
    // do), kept as bytes (as the store does) and read back with the stories.
    let started = Instant::now();
    let bytes: Vec<(u32, Vec<u8>)> = (stories.iter())
        .map(|s| {
            let made = rank::kept::tokens(&s.title, &s.excerpt);
            (made.version, made.as_bytes().to_vec())
        })
        .collect();
    let made = started.elapsed();
    let started = Instant::now();
    let kept: Vec<Option<StoryTokens>> = (bytes.into_iter())
        .map(|(version, b)| StoryTokens::from_bytes(version, b).ok())
        .collect();
    let read = started.elapsed();
    println!(
        "tokens kept at ingest: made in {:.1} ms (once, by the ingest workers), {:.1} MB, read back in {:.1} ms",
        made.as_secs_f64() * 1e3,
        kept.iter()
            .flatten()
            .map(|k| k.as_bytes().len())
            .sum::<usize>() as f64
            / 1e6,
        read.as_secs_f64() * 1e3
    );
    let fresh = rank::Input {
        plan: &plan,
        edition,
        issue: id,
        now,
        window: rank::Window::first(now, edition.window),
        stories: &stories,
        snapshots: &snapshots,
        readings: rank::Readings {
            snapshots: &snapshots,
            stories: &[],
        },
        sent: &sent,
        overrides: &[],
        earlier: &[], // "Read also" is not measured here
        kept: rank::Kept::default(),
    };
    let input = rank::Input {
        kept: rank::Kept {
            stories: &kept,
            earlier: &[],
        },
        issue: fresh.issue.clone(),
        ..fresh
    };

    // Interleaved, so that both see the same load.
    let (mut times, mut fresh_times) = (Vec::new(), Vec::new());
    let mut built = None;
    let mut cpu = Some(0.0);
    for _ in 0..runs() {
        let (started, cpu_started) = (Instant::now(), cpu_time());
        built = Some(rank::build(&input));
        times.push(started.elapsed());
        cpu = cpu
            .zip(cpu_time().zip(cpu_started))
            .map(|(sum, (b, a))| sum + b - a);
        if !fresh_too() {
            continue;
        }
        let started = Instant::now();
        let again = rank::build(&fresh);
        fresh_times.push(started.elapsed());
        assert_eq!(
            Some(&again),
            built.as_ref(),
            "kept tokens must not change the issue"
        );
    }
    let edition_built = built.expect("built");
    if let Ok(path) = std::env::var("PRESSROOM_BENCH_DUMP") {
        // The whole issue, to compare two builds of the code; and every group of
        // the window (its representative, score and other outlets' stories), which
        // shows a change in clustering that the issue's few picks would not.
        std::fs::write(&path, format!("{edition_built:#?}")).expect("dump");
        let mut groups = String::new();
        for pick in rank::groups(&input) {
            let also: Vec<&str> = pick.also_in.iter().map(|a| a.story.0.as_str()).collect();
            groups.push_str(&format!(
                "{} {:?} {}\n",
                pick.story.id.0,
                pick.score,
                also.join(" ")
            ));
        }
        std::fs::write(format!("{path}.groups"), groups).expect("dump");
    }
    if fresh_too() {
        println!(
            "rank+cluster+select, tokenising afresh: median {:.1} ms over {} runs (min {:.1}, max {:.1})",
            median(fresh_times.clone()).as_secs_f64() * 1e3,
            fresh_times.len(),
            fresh_times.iter().min().unwrap().as_secs_f64() * 1e3,
            fresh_times.iter().max().unwrap().as_secs_f64() * 1e3,
        );
    }
    println!(
        "rank+cluster+select: {} stories, {} signal entries, tokens kept: median {:.1} ms over {} runs (min {:.1}, max {:.1}), CPU {} ms a run (user + system, every thread); {} picks",
        stories_count(),
        SNAPSHOTS * ENTRIES_PER_SNAPSHOT,
        median(times.clone()).as_secs_f64() * 1e3,
        times.len(),
        times.iter().min().unwrap().as_secs_f64() * 1e3,
        times.iter().max().unwrap().as_secs_f64() * 1e3,
        cpu.map_or("unknown".to_owned(), |c| format!(
            "{:.0}",
            c / times.len() as f64
        )),
        edition_built.picks().count()
    );

    if !render_too() {
        return;
    }
    let renderer = Renderer::new(None).expect("templates");
    let site = view::Site {
        title: "Bench".into(),
        url: "http://127.0.0.1:8080/".into(),
        language: "en".into(),
        languages: Default::default(),
        titles: Default::default(),
        edition_titles: Default::default(),
    };
    let audience = Audience {
        sections: None,
        time_zone: chrono_tz::Europe::Moscow,
        language: pressroom::i18n::Language::english(),
    };
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..200 {
        let started = Instant::now();
        let email = renderer
            .email(&view::issue(
                &edition_built,
                &audience,
                &site,
                renderer.catalogues(),
            ))
            .expect("render");
        times.push(started.elapsed());
        size = email.html.len();
    }
    println!(
        "render one audience's email (view + HTML + CSS inlining + text): median {:.2} ms over {} runs; {} KB HTML",
        median(times.clone()).as_secs_f64() * 1e3,
        times.len(),
        size / 1024
    );
}
