//! The delivery benchmark (issue #4): 100,000 subscribers in 50 audiences, an issue of
//! about 30 KB, delivered by the release `pressroom publish` to Postfix's `smtp-sink`
//! on 127.0.0.1, and in the same run Postfix's `smtp-source -d -s 4` sending messages
//! of the same size to the same sink. Targets: at least 0.95 of smtp-source's rate
//! (issue #15; issue #4 asked 0.8) and a peak RSS of at most 150 MB.
//!
//! First a sample project with one reader per audience is published to `.eml` files,
//! to measure the messages; their mean size is what smtp-source sends. Then each run
//! sends smtp-source's messages, and publishes the issue from a fresh folder (fresh
//! store and outbox; `fetch` runs first, untimed). The sink's counters confirm that
//! every message arrived. See benches/README.md.
//!
//! Each run also publishes the same issue DKIM-signed, with an RSA-2048 key and with an
//! Ed25519 key (fresh folders each), so that the three rates are measured side by
//! side under the same load; `PRESSROOM_BENCH_DKIM=0` leaves the signed runs out.
//!
//! Knobs: `PRESSROOM_BENCH_SUBSCRIBERS` (100000), `PRESSROOM_BENCH_RUNS` (3),
//! `PRESSROOM_BENCH_SOURCE_MESSAGES` (20000), `PRESSROOM_BENCH_STORIES` (stories per
//! section), `PRESSROOM_BENCH_KEEP` (keep the temporary folder, for a look at the
//! messages) and `PRESSROOM_BENCH_WRAP`, a command put in front of the publishing
//! binary, e.g. `perf record -g --`.

// These live in benches/deliver/ (the feed generator in benches/fetch/, the shared
// helpers in benches/common/) so that cargo does not take them for benches of their
// own.
#[path = "deliver/cpu.rs"]
mod cpu;
#[path = "fetch/feeds.rs"]
mod feeds;
#[path = "deliver/postfix.rs"]
mod postfix;
#[path = "deliver/project.rs"]
mod project;
#[path = "deliver/report.rs"]
mod report;
#[path = "common/stats.rs"]
mod stats;

use std::{path::Path, process::Command, time::Instant};

use chrono::{DateTime, Utc};
use stats::{knob, load_average};

/// The instant every run pretends it is (`--now`).
const NOW: &str = "2026-11-27T06:00:00Z";
/// Targets: issue #4 asked for 0.8 of smtp-source's rate, issue #15 for the unsigned
/// rate to stay at 0.95 or more; issue #4's peak RSS.
const TARGET_RATIO: f64 = 0.95;
const TARGET_RSS_MB: f64 = 150.0;
/// smtp-source's parallel sessions, as the issue says; pressroom's default
/// `email.concurrency` is the same.
const SESSIONS: usize = 4;
/// Issue #15: signed with RSA-2048, at least this share of the unsigned rate.
const TARGET_SIGNED: f64 = 0.8;

/// How the messages of a publish run are signed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Signing {
    Unsigned,
    Rsa,
    Ed25519,
}

impl Signing {
    fn name(self) -> &'static str {
        match self {
            Signing::Unsigned => "unsigned",
            Signing::Rsa => "DKIM RSA-2048",
            Signing::Ed25519 => "DKIM Ed25519",
        }
    }

    /// The `[email.dkim]` table (after `[email]`, the last table of the configuration)
    /// naming a key made in `work` by openssl.
    fn table(self, work: &Path) -> String {
        let (file, args): (&str, &[&str]) = match self {
            Signing::Unsigned => return String::new(),
            Signing::Rsa => ("rsa.pem", &["genrsa", "-traditional", "-out"]),
            Signing::Ed25519 => ("ed25519.pem", &["genpkey", "-algorithm", "ed25519", "-out"]),
        };
        let key = work.join(file);
        if !key.exists() {
            let mut command = Command::new("openssl");
            command.args(args).arg(&key);
            if self == Signing::Rsa {
                command.arg("2048");
            }
            let made = command.stderr(std::process::Stdio::null()).status();
            assert!(
                made.is_ok_and(|s| s.success()),
                "openssl could not make a key"
            );
        }
        format!(
            "\n[email.dkim]\ndomain = \"news.example\"\nselector = \"bench\"\nkey = \"{}\"\n",
            key.display()
        )
    }
}

/// What one `pressroom publish` reported.
#[derive(Clone, Copy, Debug, Default)]
struct Measure {
    /// Around the child process (configuration, rendering, outbox and exit included).
    wall: f64,
    /// The email stage alone (from the `stages:` line).
    email: f64,
    /// Peak resident memory, MB.
    rss: f64,
    /// Messages sent.
    sent: usize,
    /// pressroom's CPU time (user and system), s.
    cpu: f64,
    /// smtp-sink's CPU time over the same run, s.
    sink_cpu: f64,
}

fn main() {
    postfix::require();
    let subscribers = knob("PRESSROOM_BENCH_SUBSCRIBERS", 100_000);
    let runs = knob("PRESSROOM_BENCH_RUNS", 3).max(1);
    let source_messages = knob("PRESSROOM_BENCH_SOURCE_MESSAGES", 20_000);
    let stories = knob("PRESSROOM_BENCH_STORIES", project::STORIES_PER_SECTION);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(NOW).expect("valid").to_utc();
    let keep = std::env::var_os("PRESSROOM_BENCH_KEEP").is_some();
    let work = tempfile::Builder::new()
        .prefix("pressroom-deliver-")
        .disable_cleanup(keep)
        .tempdir()
        .expect("temporary folder");
    if keep {
        eprintln!("keeping {}", work.path().display());
    }
    let sink = postfix::Sink::start(work.path());

    let sizes = message_sizes(&work.path().join("sample"), stories, now);
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    eprintln!(
        "messages: {mean} bytes on average over the {} audiences ({min} to {max}; \
         all sections in HTML: {}); smtp-sink on 127.0.0.1:{}; load average {}",
        sizes.len(),
        sizes[0],
        sink.port,
        load_average()
    );

    let signings: &[Signing] = if knob("PRESSROOM_BENCH_DKIM", 1) == 0 {
        &[Signing::Unsigned]
    } else {
        &[Signing::Unsigned, Signing::Rsa, Signing::Ed25519]
    };
    let mut source = Vec::new();
    let mut source_cpus = Vec::new();
    let mut publish = vec![Vec::new(); signings.len()];
    for run in 1..=runs {
        let before = sink.received();
        let cpu_before = (cpu::children(), cpu::of(sink.pid()));
        let wall = postfix::source(sink.port, SESSIONS, source_messages, mean);
        let source_cpu = (
            cpu::children() - cpu_before.0,
            cpu::of(sink.pid()) - cpu_before.1,
        );
        assert_eq!(
            sink.received() - before,
            source_messages,
            "smtp-source lost messages"
        );
        eprintln!(
            "run {run}/{runs}: smtp-source {:.0} msgs/s; CPU per message: smtp-source {:.0} µs, \
             smtp-sink {:.0} µs",
            source_messages as f64 / wall,
            source_cpu.0 / source_messages as f64 * 1e6,
            source_cpu.1 / source_messages as f64 * 1e6,
        );
        source.push(wall);
        source_cpus.push(source_cpu);
        for (i, &signing) in signings.iter().enumerate() {
            let dir = work.path().join(format!("run{run}-{i}"));
            let transport = project::Transport::Smtp(sink.port);
            project::write(&dir, subscribers, stories, transport, now);
            let config = dir.join("pressroom.toml");
            let mut toml = std::fs::read_to_string(&config).expect("config");
            toml.push_str(&signing.table(work.path()));
            std::fs::write(&config, toml).expect("config");
            pressroom(&dir, &["fetch"]);
            let before = sink.received();
            let sink_before = cpu::of(sink.pid());
            let mut m = measure_publish(&dir);
            m.sink_cpu = cpu::of(sink.pid()) - sink_before;
            assert_eq!(m.sent, subscribers, "pressroom did not send to everyone");
            assert_eq!(
                sink.received() - before,
                subscribers,
                "the sink missed messages"
            );
            eprintln!(
                "run {run}/{runs}: smtp-source {:.0} msgs/s; pressroom {} {:.0} msgs/s \
                 ({:.2} s, email stage {:.2} s), peak RSS {:.0} MB; CPU per message: pressroom \
                 {:.0} µs ({:.2} cores), smtp-sink {:.0} µs; load average {}",
                source_messages as f64 / wall,
                signing.name(),
                subscribers as f64 / m.wall,
                m.wall,
                m.email,
                m.rss,
                m.cpu / subscribers as f64 * 1e6,
                m.cpu / m.wall,
                m.sink_cpu / subscribers as f64 * 1e6,
                load_average()
            );
            publish[i].push(m);
            if !keep {
                std::fs::remove_dir_all(&dir).expect("clean up the run");
            }
        }
    }
    report::print_table(
        subscribers,
        source_messages,
        (mean, *min, *max),
        &source,
        &publish[0],
    );
    report::print_signed(subscribers, signings, &publish);
    report::print_cpu(
        subscribers,
        source_messages,
        signings,
        &source_cpus,
        &publish,
    );
}

/// Publishes to `.eml` files for one reader per audience and returns each message's
/// size in bytes, audience by audience (the first has every section, in HTML).
fn message_sizes(dir: &Path, stories: usize, now: DateTime<Utc>) -> Vec<usize> {
    project::write(
        dir,
        project::AUDIENCES,
        stories,
        project::Transport::Files,
        now,
    );
    pressroom(dir, &["publish"]);
    (0..project::AUDIENCES)
        .map(|i| {
            let file = dir.join(format!("eml/reader{i:06}@readers.example.eml"));
            std::fs::metadata(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
                .len() as usize
        })
        .collect()
}

/// Runs `pressroom publish --no-fetch` in `dir` and reads its report.
fn measure_publish(dir: &Path) -> Measure {
    let cpu_before = cpu::children();
    let (wall, stdout) = pressroom(dir, &["publish", "--no-fetch"]);
    let cpu = cpu::children() - cpu_before;
    let line = |prefix: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{stdout}"))
            .to_owned()
    };
    let email = line("email: ");
    let stages = line("stages: ");
    let between = |text: &str, start: &str, end: &str| -> f64 {
        let from = text.find(start).map(|i| i + start.len());
        from.and_then(|from| Some((from, from + text[from..].find(end)?)))
            .and_then(|(from, to)| text[from..to].trim().parse().ok())
            .unwrap_or_else(|| panic!("cannot read `{start}…{end}` in: {text}"))
    };
    Measure {
        wall,
        email: between(&stages, "email ", " s"),
        rss: between(&stages, "peak RSS ", " MB"),
        sent: between(&email, "audiences: ", " sent") as usize,
        cpu,
        sink_cpu: 0.0,
    }
}

/// Runs the release binary in `dir` with `args`; returns its wall time and stdout.
fn pressroom(dir: &Path, args: &[&str]) -> (f64, String) {
    let binary = env!("CARGO_BIN_EXE_pressroom");
    let wrap = std::env::var("PRESSROOM_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match (args[0], words.next()) {
        ("publish", Some(program)) => {
            let mut c = Command::new(program);
            c.args(words).arg(binary);
            c
        }
        _ => Command::new(binary),
    };
    command
        .current_dir(dir)
        .args(["--config", "pressroom.toml", "--now", NOW])
        .args(args)
        .env_remove("PRESSROOM_CONFIG")
        .env_remove("PRESSROOM_NOW")
        .env_remove("PRESSROOM_LOG");
    let started = Instant::now();
    let output = command.output().expect("run pressroom");
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "pressroom {args:?} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (wall, stdout)
}
