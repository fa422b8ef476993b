//! The fetch benchmark (issue #2): 1,000 generated RSS feeds of 50 items served from
//! 127.0.0.1, fetched by the release `pressroom` binary into a fresh store, then
//! fetched again with nothing changed (every answer a 304).
//!
//! The server runs on its own thread in this process; the measured process is the
//! `pressroom fetch` child alone. Its timings and peak RSS come from its summary line
//! (`fetch: … in X s (Y MB) …; peak RSS Z MB`); wall time is measured around the child
//! (start-up, configuration, store and exit included). Each pair of runs uses a fresh
//! temporary folder; the table shows medians. See benches/README.md.
//!
//! In the same run, beside it (see `fetch/rivals.rs`): newsboat's first reload of the
//! same feeds from the same server (installed with apt-get when missing; as many
//! parallel downloads as pressroom's `fetch.concurrency`, 16, unless
//! `PRESSROOM_BENCH_NEWSBOAT_THREADS` says otherwise; `PRESSROOM_BENCH_NEWSBOAT=0` skips
//! it), and `pressroom publish` end to end into a fresh store: fetch, rank, render
//! and one digest by SMTP to Postfix's smtp-sink (to a file when it is missing).
//!
//! Environment knobs (for profiling smaller runs): `PRESSROOM_BENCH_FEEDS` (1000),
//! `PRESSROOM_BENCH_ITEMS` (50), `PRESSROOM_BENCH_RUNS` (3), and `PRESSROOM_BENCH_WRAP`,
//! a command put in front of the binary, e.g. `valgrind --tool=massif`.

// The crate root's modules resolve beside it; these live in benches/fetch/ (and the
// helpers shared with the deliver bench in benches/common/) so that cargo does not
// take them for benches of their own.
#[path = "fetch/feeds.rs"]
mod feeds;
// The fetch bench uses the sink alone.
#[allow(dead_code)]
#[path = "deliver/postfix.rs"]
mod postfix;
#[path = "fetch/rivals.rs"]
mod rivals;
#[path = "fetch/server.rs"]
mod server;
#[path = "common/stats.rs"]
mod stats;

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use stats::{knob, load_average, median};

/// The instant every run pretends it is (`--now`).
const NOW: &str = "2026-11-27T06:00:00Z";
/// Targets from issue #15 (on a quiet machine): first run, second run, peak RSS;
/// end-to-end publish, and how many times faster than newsboat it should be.
const TARGET_FIRST: Duration = Duration::from_millis(800);
const TARGET_SECOND: Duration = Duration::from_millis(50);
const TARGET_RSS_MB: f64 = 100.0;
const TARGET_PUBLISH: f64 = 1.2;
const TARGET_NEWSBOAT: f64 = 15.0;

/// What one `pressroom fetch` reported.
#[derive(Clone, Copy, Debug, Default)]
struct Measure {
    /// Around the child process.
    wall: f64,
    /// The ingest's own elapsed time (from the summary line).
    ingest: f64,
    /// Megabytes downloaded and parsed.
    mb: f64,
    /// Peak resident memory, MB.
    rss: f64,
    /// Targets read (200) and unchanged (304).
    read: usize,
    unchanged: usize,
    /// Stories new to the store.
    new: usize,
}

fn main() {
    let feeds_n = knob("PRESSROOM_BENCH_FEEDS", 1000);
    let items = knob("PRESSROOM_BENCH_ITEMS", 50);
    let runs = knob("PRESSROOM_BENCH_RUNS", 3).max(1);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(NOW).expect("valid").to_utc();
    let feeds = feeds::generate(feeds_n, items, now, 2026);
    let total_mb = feeds.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    let (addr, counts) = server::start(feeds);
    eprintln!(
        "serving {feeds_n} feeds × {items} items ({total_mb:.1} MB) on {addr}; \
         load average {}",
        load_average()
    );
    let newsboat_threads = knob("PRESSROOM_BENCH_NEWSBOAT_THREADS", 16);
    let newsboat = knob("PRESSROOM_BENCH_NEWSBOAT", 1) != 0 && rivals::newsboat_ready();
    let urls: Vec<String> = (0..feeds_n)
        .map(|n| format!("http://{addr}/feed/{n}.xml"))
        .collect();
    let work = tempfile::tempdir().expect("temporary folder");
    let sink = Path::new("/usr/sbin/smtp-sink")
        .exists()
        .then(|| postfix::Sink::start(work.path()));
    let mut first = Vec::new();
    let mut second = Vec::new();
    let mut rivals = Rivals::default();
    for run in 1..=runs {
        let dir = tempfile::tempdir().expect("temporary folder");
        let config = dir.path().join("pressroom.toml");
        std::fs::write(&config, configuration(addr.port(), feeds_n)).expect("write config");
        let a = fetch(&config, &[]);
        let (ok, _) = counts.take();
        let b = fetch(&config, &["--force"]);
        let (ok2, not_modified) = counts.take();
        assert_eq!(
            (a.read, ok, a.new),
            (feeds_n, feeds_n, feeds_n * items),
            "first run must read every feed and store every item"
        );
        assert_eq!(
            (b.unchanged, ok2, not_modified),
            (feeds_n, 0, feeds_n),
            "second run must be all 304"
        );
        eprintln!(
            "run {run}/{runs}: first {:.2} s, {:.0} MB RSS; second {:.2} s, {:.0} MB RSS",
            a.wall, a.rss, b.wall, b.rss
        );
        first.push(a);
        second.push(b);
        if newsboat {
            let wall = rivals::newsboat(&dir.path().join("newsboat"), &urls, newsboat_threads);
            let (ok, _) = counts.take();
            assert_eq!(ok, feeds_n, "newsboat must read every feed");
            eprintln!(
                "run {run}/{runs}: newsboat ({newsboat_threads} threads) {wall:.2} s; load average {}",
                load_average()
            );
            rivals.newsboat.push(wall);
        }
        let published = dir.path().join("publish");
        std::fs::create_dir_all(&published).expect("publish folder");
        let toml = configuration(addr.port(), feeds_n).replacen(
            "[site]\n",
            "[site]\nbase_url = \"https://news.example/\"\n",
            1,
        ) + &rivals::publishing(sink.as_ref().map(|s| s.port));
        std::fs::write(published.join("pressroom.toml"), toml).expect("write config");
        std::fs::write(published.join("subscribers.toml"), rivals::SUBSCRIBERS)
            .expect("write subscribers");
        let (wall, stages) = publish(&published.join("pressroom.toml"));
        let (ok, _) = counts.take();
        assert_eq!(ok, feeds_n, "publish must read every feed");
        eprintln!("run {run}/{runs}: publish {wall:.2} s ({stages})");
        rivals.publish.push(wall);
    }
    print_table(feeds_n, items, total_mb, runs, &first, &second);
    print_rivals(&first, &rivals, newsboat_threads, sink.is_some());
}

/// The runs beside pressroom's fetches.
#[derive(Default)]
struct Rivals {
    /// newsboat's first reload, wall seconds.
    newsboat: Vec<f64>,
    /// `pressroom publish` into a fresh store, wall seconds.
    publish: Vec<f64>,
}

fn print_rivals(first: &[Measure], rivals: &Rivals, threads: usize, smtp: bool) {
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    let fetch = median(first.iter().map(|m| m.wall));
    let publish = median(rivals.publish.iter().copied());
    let to = if smtp {
        "by SMTP to smtp-sink"
    } else {
        "to a file (no smtp-sink)"
    };
    println!(
        "{:<22} {publish:>6.2} s   fetch, rank, render, one digest {to}; ≤ {TARGET_PUBLISH} s: {}",
        "publish (fresh store)",
        verdict(publish <= TARGET_PUBLISH)
    );
    if rivals.newsboat.is_empty() {
        println!("newsboat: not run");
        return;
    }
    let newsboat = median(rivals.newsboat.iter().copied());
    println!(
        "{:<22} {newsboat:>6.2} s   newsboat -x reload, {threads} reload-threads, fresh cache",
        "newsboat (first reload)"
    );
    println!(
        "newsboat / pressroom fetch: {:.1}×; newsboat / pressroom publish: {:.1}× \
         (target ≥ {TARGET_NEWSBOAT}×: {}); load average {}",
        newsboat / fetch,
        newsboat / publish,
        verdict(newsboat / publish >= TARGET_NEWSBOAT),
        load_average()
    );
}

/// Runs `pressroom publish` (fetch included) with `config`; its wall time and its
/// `stages:` line.
fn publish(config: &Path) -> (f64, String) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_pressroom"))
        .current_dir(config.parent().expect("folder"))
        .arg("--config")
        .arg(config)
        .args(["--now", NOW, "publish"])
        .env_remove("PRESSROOM_CONFIG")
        .env_remove("PRESSROOM_NOW")
        .env_remove("PRESSROOM_LOG")
        .output()
        .expect("run pressroom publish");
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pressroom publish failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stages = stdout
        .lines()
        .find(|l| l.starts_with("stages: "))
        .unwrap_or("");
    (wall, stages.to_owned())
}

/// The configuration: seven sections mapped from the generated categories and one
/// source per feed. All feeds share one host, so `per_host` is raised to the overall
/// `concurrency` (16, the default): the same parallelism as 1,000 distinct outlets.
fn configuration(port: u16, feeds: usize) -> String {
    let mut toml = String::from(
        "[site]\ntitle = \"Bench\"\ntime_zone = \"UTC\"\nstate = \"state/pressroom.db\"\n\
         output = \"out\"\n\n[fetch]\nconcurrency = 16\nper_host = 16\nretries = 0\n\n",
    );
    let sections = [
        ("politics", "\"Politics\""),
        ("world", "\"World\""),
        ("business", "\"Business\", \"Markets\", \"Energy\""),
        ("defense", "\"Defense\""),
        ("science", "\"Science\", \"Space\""),
        ("society", "\"Society\", \"Culture\""),
        ("sport", "\"Sport\", \"Football\""),
    ];
    for (id, categories) in sections {
        toml.push_str(&format!(
            "[[sections]]\nid = \"{id}\"\ntitle = \"{id}\"\ncategories = [{categories}]\n\n"
        ));
    }
    for n in 0..feeds {
        toml.push_str(&format!(
            "[[sources]]\nid = \"outlet-{n}\"\nname = \"Outlet {n}\"\n\
             url = \"http://127.0.0.1:{port}/feed/{n}.xml\"\nfallback_section = \"world\"\n\n"
        ));
    }
    toml
}

/// Runs `pressroom fetch` (with `extra` arguments) and reads its summary line.
fn fetch(config: &Path, extra: &[&str]) -> Measure {
    let binary = env!("CARGO_BIN_EXE_pressroom");
    let wrap = std::env::var("PRESSROOM_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(binary);
            c
        }
        None => Command::new(binary),
    };
    command
        .arg("--config")
        .arg(config)
        .args(["--now", NOW, "fetch"])
        .args(extra)
        .env_remove("PRESSROOM_CONFIG")
        .env_remove("PRESSROOM_NOW")
        .env_remove("PRESSROOM_LOG");
    let started = Instant::now();
    let output = command.output().expect("run pressroom");
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "pressroom fetch failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("fetch: "))
        .unwrap_or_else(|| panic!("no summary line in:\n{stdout}\n{stderr}"));
    parse_summary(line, wall).unwrap_or_else(|| panic!("unreadable summary line: {line}"))
}

/// Reads `fetch: N targets in X s (Y MB): R read, U unchanged, …; stories: S new, …;
/// peak RSS Z MB`.
fn parse_summary(line: &str, wall: f64) -> Option<Measure> {
    let between = |start: &str, end: &str| -> Option<&str> {
        let from = line.find(start)? + start.len();
        let to = from + line[from..].find(end)?;
        Some(line[from..to].trim())
    };
    Some(Measure {
        wall,
        ingest: between(" in ", " s (")?.parse().ok()?,
        mb: between(" s (", " MB)")?.parse().ok()?,
        rss: between("peak RSS ", " MB")?.parse().ok()?,
        read: between("): ", " read")?.parse().ok()?,
        unchanged: between(" read, ", " unchanged")?.parse().ok()?,
        new: between("stories: ", " new")?.parse().ok()?,
    })
}

fn print_table(feeds: usize, items: usize, mb: f64, runs: usize, a: &[Measure], b: &[Measure]) {
    println!();
    println!(
        "pressroom fetch: {feeds} feeds × {items} items ({mb:.1} MB of RSS) from 127.0.0.1, \
         release binary, median of {runs} run{}",
        if runs == 1 { "" } else { "s" }
    );
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>10} {:>9}   target",
        "run", "wall", "ingest", "feeds/s", "MB/s", "peak RSS"
    );
    row("first (fresh store)", feeds, a, TARGET_FIRST);
    row("second (all 304)", feeds, b, TARGET_SECOND);
}

fn row(name: &str, feeds: usize, runs: &[Measure], target: Duration) {
    let wall = median(runs.iter().map(|m| m.wall));
    let ingest = median(runs.iter().map(|m| m.ingest));
    let mb = median(runs.iter().map(|m| m.mb));
    let rss = median(runs.iter().map(|m| m.rss));
    let met = wall <= target.as_secs_f64() && rss <= TARGET_RSS_MB;
    println!(
        "{name:<22} {:>6.2} s {:>6.2} s {:>8.0} {:>10.1} {:>6.0} MB   ≤ {:.2} s, ≤ {TARGET_RSS_MB:.0} MB: {}",
        wall,
        ingest,
        feeds as f64 / wall,
        mb / wall,
        rss,
        target.as_secs_f64(),
        if met { "met" } else { "MISSED" }
    );
}
