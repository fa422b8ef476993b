//! Clustering speed: 100,000 generated stories, median wall time over several runs.
//!
//! The rank stage has 200 ms (median, on a 2-core machine) to rank, cluster and
//! select an issue from 100,000 stories, so clustering must take well under that.
//! The stories are generated (seeded, so every run sees the same ones) to look like
//! a busy aggregator's three days: 500 outlets of Zipf-distributed activity, each
//! covering an event at most once; events of which 55% are covered once and 0.2% by
//! 50 to 300 outlets; titles of 6–12 words and ledes of 20–35 (as left after stop
//! words), mixing each event's names and numbers (20%), its own words (30%, drawn
//! from all but the 300 most common) and Zipf-distributed common words (50%); a
//! fifth of them in Cyrillic; 2% syndicated copies that keep the originating URL.
//!
//! Besides wall time it prints the process's CPU time per run (user + system, all
//! threads, from `/proc/self/stat`), which says more than wall time when other work
//! shares the machine. Run with `cargo bench --bench cluster_speed`.

#[path = "../tests/clustering/metrics.rs"]
mod metrics;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use fastrand::Rng;
use pressroom::{
    model::StoryTokens,
    rank::cluster::{Doc, Options, cluster, partition_kept},
};

const STORIES: usize = 100_000;
const OUTLETS: usize = 500;
const VOCABULARY: usize = 30_000;
const SPAN_HOURS: i64 = 72;
const RUNS: usize = 9;

/// A generated story, owning its text.
struct Story {
    outlet: String,
    url: String,
    title: String,
    summary: String,
    published: DateTime<Utc>,
    event: usize,
}

fn main() {
    let (stories, events) = generate(&mut Rng::with_seed(2026));
    let docs: Vec<Doc<'_>> = stories
        .iter()
        .map(|s| Doc {
            outlet: &s.outlet,
            url: Some(&s.url),
            title: &s.title,
            summary: &s.summary,
            published: s.published,
        })
        .collect();
    let options = Options::default();
    let mut times = Vec::with_capacity(RUNS);
    let mut groups = Vec::new();
    let cpu_before = cpu_time();
    for _ in 0..RUNS {
        let start = Instant::now();
        groups = cluster(&docs, &options);
        times.push(start.elapsed());
    }
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| (after - before) / RUNS as f64);
    times.sort();
    let events_of: Vec<usize> = stories.iter().map(|s| s.event).collect();
    let truth = metrics::score(&groups, &events_of);
    let multi = groups.iter().filter(|g| g.len() > 1).count();
    let largest = groups.iter().map(Vec::len).max().unwrap_or(0);
    println!(
        "cluster {} stories ({events} generated events): median {:.1} ms, min {:.1} ms, max {:.1} ms over {RUNS} runs \
         (CPU time {} ms a run); {} groups, {multi} with several stories, largest {largest}; against the generated events: \
         pairwise precision {:.3} recall {:.3}, B-cubed F1 {:.3}",
        docs.len(),
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1]),
        cpu.map_or("unknown".to_owned(), |c| format!("{c:.0}")),
        groups.len(),
        truth.precision,
        truth.recall,
        truth.bcubed_f1,
    );

    // The same stories from tokens kept at ingest (as `rank` gets them from the
    // store): what clustering costs without tokenising.
    let kept: Vec<StoryTokens> = (docs.iter())
        .map(|d| pressroom::rank::kept::tokens(d.title, d.summary))
        .collect();
    let kept: Vec<Option<&StoryTokens>> = kept.iter().map(Some).collect();
    let mut times = Vec::with_capacity(RUNS);
    let cpu_before = cpu_time();
    let mut partition = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        partition = Some(partition_kept(&docs, &kept, &options));
        times.push(start.elapsed());
    }
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| (after - before) / RUNS as f64);
    times.sort();
    let same = partition.is_some_and(|p| {
        (p.groups()
            .map(|g| g.iter().map(|&i| i as usize).collect::<Vec<_>>()))
        .eq(groups.iter().cloned())
    });
    println!(
        "the same from tokens kept at ingest: median {:.1} ms, min {:.1} ms (CPU time {} ms a run); same groups: {same}",
        ms(times[RUNS / 2]),
        ms(times[0]),
        cpu.map_or("unknown".to_owned(), |c| format!("{c:.0}")),
    );
}

/// User + system CPU time of this process so far, in ms (Linux only).
fn cpu_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The stories, in no particular order, and the number of events they report.
fn generate(rng: &mut Rng) -> (Vec<Story>, usize) {
    let latin = Words::new(rng, VOCABULARY, LATIN_SYLLABLES);
    let cyrillic = Words::new(rng, VOCABULARY, CYRILLIC_SYLLABLES);
    let outlet_weights = zipf(OUTLETS, 1.0);
    let start: DateTime<Utc> = "2026-11-24T06:00:00Z".parse().expect("an instant");
    let mut stories = Vec::with_capacity(STORIES);
    let mut event = 0;
    while stories.len() < STORIES {
        let russian = rng.u8(0..5) == 0;
        let words = if russian { &cyrillic } else { &latin };
        let e = Event::new(rng, words, event, start);
        let coverage = coverage(rng).min(STORIES - stories.len());
        let mut outlets: Vec<usize> = Vec::with_capacity(coverage);
        while outlets.len() < coverage {
            let outlet = pick(rng, &outlet_weights);
            if !outlets.contains(&outlet) {
                outlets.push(outlet);
            }
        }
        for (k, outlet) in outlets.into_iter().enumerate() {
            let outlet = outlet + if russian { OUTLETS } else { 0 };
            let syndicated = k > 0 && rng.u8(0..50) == 0;
            stories.push(e.story(rng, words, outlet, syndicated, stories.len()));
        }
        event += 1;
    }
    (stories, event)
}

/// How many outlets cover an event: 55% once, 35% two to five, 9.8% six to thirty,
/// and 0.2% (the day's top stories) fifty to three hundred.
fn coverage(rng: &mut Rng) -> usize {
    match rng.u32(0..1000) {
        0..550 => 1,
        550..900 => rng.usize(2..6),
        900..998 => rng.usize(6..31),
        _ => rng.usize(50..301),
    }
}

/// One generated event: its names and numbers, its own words, when it broke.
struct Event {
    id: usize,
    names: Vec<String>,
    topic: Vec<usize>,
    broke: DateTime<Utc>,
}

impl Event {
    fn new(rng: &mut Rng, words: &Words, id: usize, start: DateTime<Utc>) -> Self {
        let mut names: Vec<String> = Vec::new();
        for _ in 0..rng.usize(1..4) {
            names.push(capitalise(&words.fresh(rng)));
        }
        if rng.bool() {
            names.push(rng.u32(2..5000).to_string());
        }
        let topic = (0..12).map(|_| words.specific(rng)).collect();
        let broke = start + chrono::Duration::minutes(rng.i64(0..SPAN_HOURS * 60));
        Event {
            id,
            names,
            topic,
            broke,
        }
    }

    fn story(
        &self,
        rng: &mut Rng,
        words: &Words,
        outlet: usize,
        syndicated: bool,
        n: usize,
    ) -> Story {
        let url = if syndicated {
            format!("https://wire.example/{}/story", self.id)
        } else {
            format!("https://outlet{outlet}.example/news/{n}")
        };
        let (title_len, summary_len) = (rng.usize(6..13), rng.usize(20..36));
        Story {
            outlet: format!("Outlet {outlet}"),
            url,
            title: self.text(rng, words, title_len),
            summary: self.text(rng, words, summary_len),
            published: self.broke
                + chrono::Duration::minutes((rng.f64().powi(2) * 36.0 * 60.0) as i64),
            event: self.id,
        }
    }

    /// `len` words: some of the event's names, some of its own words, the rest common.
    fn text(&self, rng: &mut Rng, words: &Words, len: usize) -> String {
        let mut out: Vec<&str> = Vec::with_capacity(len);
        for _ in 0..len {
            let word = match rng.u8(0..10) {
                0..2 => &self.names[rng.usize(0..self.names.len())],
                2..5 => &words.list[self.topic[rng.usize(0..self.topic.len())]],
                _ => &words.list[words.common(rng)],
            };
            out.push(word);
        }
        out.join(" ")
    }
}

const LATIN_SYLLABLES: &[&str] = &[
    "ka", "lo", "mer", "an", "ti", "sel", "ro", "vin", "da", "pe", "nor", "ul", "ste", "gra", "bi",
    "co", "tem", "fa", "ri", "os",
];
const CYRILLIC_SYLLABLES: &[&str] = &[
    "ка", "ло", "мер", "ан", "ти", "сел", "ро", "вин", "да", "пе", "нор", "ул", "сте", "гра", "би",
    "ко", "тем", "фа", "ри", "ос",
];

/// A vocabulary of pseudo-words with Zipf-distributed frequencies.
struct Words {
    list: Vec<String>,
    weights: Vec<f64>,
    syllables: &'static [&'static str],
}

impl Words {
    fn new(rng: &mut Rng, size: usize, syllables: &'static [&'static str]) -> Self {
        let mut words = Words {
            list: Vec::new(),
            weights: zipf(size, 1.0),
            syllables,
        };
        words.list = (0..size).map(|_| words.fresh(rng)).collect();
        words
    }

    /// A word from the common vocabulary, by frequency.
    fn common(&self, rng: &mut Rng) -> usize {
        pick(rng, &self.weights)
    }

    /// A word for an event's own vocabulary: any but the 300 most common.
    fn specific(&self, rng: &mut Rng) -> usize {
        rng.usize(300..self.list.len())
    }

    /// A new word of 2–4 syllables (a name, for events).
    fn fresh(&self, rng: &mut Rng) -> String {
        (0..rng.usize(2..5))
            .map(|_| self.syllables[rng.usize(0..self.syllables.len())])
            .collect()
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Cumulative Zipf weights for ranks 1..=n.
fn zipf(n: usize, exponent: f64) -> Vec<f64> {
    let mut total = 0.0;
    (1..=n)
        .map(|r| {
            total += 1.0 / (r as f64).powf(exponent);
            total
        })
        .collect()
}

/// An index drawn from cumulative weights.
fn pick(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let x = rng.f64() * cumulative[cumulative.len() - 1];
    cumulative
        .partition_point(|&c| c < x)
        .min(cumulative.len() - 1)
}
