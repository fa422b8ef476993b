//! The score of a story and its most-read value.
//!
//! `score = source_weight × 2^(−age / half_life) × (1 + α·most_read) × (1 + β·ln(outlets))`
//!
//! `most_read` ∈ [0, 1] comes from the snapshots in the window: an entry at
//! rank r of N counts (N − r + 1) / N; a view count counts log(1 + views) /
//! log(1 + max views of its snapshot). A URL's value is averaged over the snapshots
//! of each signal (absent = 0), and the best signal counts: a paper's most-read box
//! says nothing about an agency's stories.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use crate::{
    config::Ranking,
    model::{Measure, Score, SignalId, SignalSnapshot},
};

/// The URLs the most-read readings of an issue name, each numbered once, and every
/// reading's entries as those numbers: the score's values and every span's ranking
/// are then sums over dense ids, and each story's URL is looked up once
/// ([`ReadUrls::id`]), not once per ranking.
#[derive(Debug, Default)]
pub struct ReadUrls<'a> {
    ids: FxHashMap<&'a str, u32>,
    urls: Vec<&'a str>,
}

/// Some snapshots with their entries' URL ids (see [`ReadUrls`]), in order:
/// snapshot `k`'s are `ids[starts[k]..starts[k + 1]]`.
#[derive(Debug, Default)]
pub struct Numbered<'a> {
    snapshots: &'a [SignalSnapshot],
    ids: Vec<u32>,
    starts: Vec<usize>,
}

impl<'a> ReadUrls<'a> {
    /// Numbers the URLs of `lists` (snapshots; a slice given twice is numbered
    /// once), in order of first appearance.
    pub fn new(lists: &[&'a [SignalSnapshot]]) -> (Self, Vec<Numbered<'a>>) {
        let entries = (lists.iter().flat_map(|l| l.iter()))
            .map(|s| s.entries.len())
            .sum();
        let mut urls = ReadUrls {
            ids: FxHashMap::with_capacity_and_hasher(entries, Default::default()),
            urls: Vec::new(),
        };
        let mut numbered: Vec<Numbered<'a>> = Vec::with_capacity(lists.len());
        for &list in lists {
            let same = numbered.iter().find(|n| std::ptr::eq(n.snapshots, list));
            if let Some(same) = same {
                let copy = Numbered {
                    snapshots: list,
                    ids: same.ids.clone(),
                    starts: same.starts.clone(),
                };
                numbered.push(copy);
                continue;
            }
            let mut n = Numbered {
                snapshots: list,
                ids: Vec::with_capacity(list.iter().map(|s| s.entries.len()).sum()),
                starts: vec![0],
            };
            for snapshot in list {
                for entry in &snapshot.entries {
                    let next = urls.urls.len() as u32;
                    let id = *urls.ids.entry(entry.url.as_str()).or_insert(next);
                    if id == next {
                        urls.urls.push(entry.url.as_str());
                    }
                    n.ids.push(id);
                }
                n.starts.push(n.ids.len());
            }
            numbered.push(n);
        }
        (urls, numbered)
    }

    /// The id of `url`, if a reading names it.
    pub fn id(&self, url: &str) -> Option<u32> {
        self.ids.get(url).copied()
    }

    /// The URL of id `id`.
    pub fn url(&self, id: u32) -> &'a str {
        self.urls[id as usize]
    }

    /// How many URLs the readings name.
    pub fn len(&self) -> usize {
        self.urls.len()
    }

    /// Whether the readings name no URL.
    pub fn is_empty(&self) -> bool {
        self.urls.is_empty()
    }
}

impl<'a> Numbered<'a> {
    /// The snapshots.
    pub fn snapshots(&self) -> &'a [SignalSnapshot] {
        self.snapshots
    }

    /// The URL ids of snapshot `k`'s entries, in order.
    fn ids(&self, k: usize) -> &[u32] {
        &self.ids[self.starts[k]..self.starts[k + 1]]
    }
}

/// Most-read values and best ranks by URL id ([`ReadUrls`]).
#[derive(Debug, Default)]
pub struct MostRead {
    value: Vec<f64>,
    /// `None`: in none of the lists these values were computed from.
    rank: Vec<Option<u32>>,
}

impl MostRead {
    /// Computes the values from snapshots `chosen` (positions in `numbered`, in the
    /// order given) over the `urls` ids of [`ReadUrls`].
    pub fn from_readings(
        urls: usize,
        numbered: &Numbered<'_>,
        chosen: impl Iterator<Item = usize>,
    ) -> MostRead {
        let mut read = MostRead {
            value: vec![0.0; urls],
            rank: vec![None; urls],
        };
        // Each signal's snapshots, in order: a URL's sum grows in the same order as
        // ever, so the averages are the same to the last bit.
        let mut signals: Vec<(&SignalId, Vec<usize>)> = Vec::new();
        for k in chosen {
            let snapshot = &numbered.snapshots[k];
            match signals.iter_mut().find(|(id, _)| *id == &snapshot.signal) {
                Some((_, list)) => list.push(k),
                None => signals.push((&snapshot.signal, vec![k])),
            }
        }
        let (mut sums, mut touched) = (vec![0.0; urls], Vec::new());
        for (_, list) in &signals {
            for &k in list {
                read.add(
                    &numbered.snapshots[k],
                    numbered.ids(k),
                    &mut sums,
                    &mut touched,
                );
            }
            for id in touched.drain(..) {
                let average = std::mem::take(&mut sums[id as usize]) / list.len() as f64;
                let best = &mut read.value[id as usize];
                *best = best.max(average);
            }
        }
        read
    }

    /// Computes the values from every snapshot of `numbered`.
    pub fn from_all(urls: usize, numbered: &Numbered<'_>) -> MostRead {
        Self::from_readings(urls, numbered, 0..numbered.snapshots.len())
    }

    /// Adds one snapshot's values to `sums` (by id; `touched` lists the ids with a
    /// sum) and its ranks to the best ranks; `ids` are its entries' URL ids.
    fn add(
        &mut self,
        snapshot: &SignalSnapshot,
        ids: &[u32],
        sums: &mut [f64],
        touched: &mut Vec<u32>,
    ) {
        let n = snapshot.entries.len() as f64;
        let max_views = snapshot
            .entries
            .iter()
            .filter_map(|e| e.views)
            .max()
            .unwrap_or(0) as f64;
        for (entry, &id) in snapshot.entries.iter().zip(ids) {
            let value = match snapshot.measure {
                Measure::Rank => (n - f64::from(entry.rank) + 1.0) / n,
                Measure::Views if max_views > 0.0 => {
                    (1.0 + entry.views.unwrap_or(0) as f64).ln() / (1.0 + max_views).ln()
                }
                Measure::Views => 0.0,
            };
            if sums[id as usize] == 0.0 {
                touched.push(id); // a second push of an id still at 0.0 is harmless
            }
            sums[id as usize] += value.clamp(0.0, 1.0);
            // Views exports are ranked by views, so their position is a rank too.
            let best = &mut self.rank[id as usize];
            *best = Some(best.map_or(entry.rank, |b| b.min(entry.rank)));
        }
    }

    /// The value of URL `id` in [0, 1] (0 when no list carries it, or no id) and
    /// its best rank in a most-read list, if any.
    pub fn get(&self, id: Option<u32>) -> (f64, Option<u32>) {
        match id.and_then(|id| self.rank[id as usize].map(|rank| (id, rank))) {
            Some((id, rank)) => (self.value[id as usize], Some(rank)),
            None => (0.0, None),
        }
    }

    /// Every URL id in a list, with its value and best rank, by id.
    pub fn listed(&self) -> impl Iterator<Item = (u32, f64, u32)> + '_ {
        (self.rank.iter().enumerate())
            .filter_map(|(id, rank)| rank.map(|rank| (id as u32, self.value[id], rank)))
    }
}

/// Scores a story of `weight`, published at `published`, read `most_read`, carried by
/// `outlets` outlets, in an issue built at `now`.
pub fn score(
    ranking: &Ranking,
    weight: f64,
    published: DateTime<Utc>,
    now: DateTime<Utc>,
    most_read: f64,
    outlets: u32,
) -> Score {
    let age_hours = ((now - published).num_seconds().max(0) as f64) / 3600.0;
    let half_life_hours = (ranking.half_life.as_secs_f64() / 3600.0).max(f64::MIN_POSITIVE);
    let recency = (-age_hours / half_life_hours).exp2();
    let most_read_factor = 1.0 + ranking.most_read * most_read;
    let outlets_factor = 1.0 + ranking.outlets * f64::from(outlets.max(1)).ln();
    Score {
        total: weight * recency * most_read_factor * outlets_factor,
        weight,
        age_hours,
        recency,
        most_read,
        most_read_factor,
        outlets: outlets.max(1),
        outlets_factor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SignalEntry;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn ranked(signal: &str, urls: &[&str]) -> SignalSnapshot {
        SignalSnapshot {
            signal: SignalId::parse(signal).unwrap(),
            taken_at: at("2026-11-27T05:00:00Z"),
            measure: Measure::Rank,
            entries: urls
                .iter()
                .enumerate()
                .map(|(i, u)| SignalEntry {
                    url: (*u).to_owned(),
                    rank: i as u32 + 1,
                    views: None,
                })
                .collect(),
        }
    }

    #[test]
    fn rank_lists_average_over_snapshots_and_the_best_signal_counts() {
        // Two snapshots of one list: "a" first then second; "b" only in the second.
        let snapshots = [
            ranked("s", &["a", "c"]),
            ranked("s", &["b", "a"]),
            ranked("t", &["b"]),
        ];
        let (urls, numbered) = ReadUrls::new(&[&snapshots]);
        let mr = MostRead::from_all(urls.len(), &numbered[0]);
        let get = |url: &str| mr.get(urls.id(url));
        assert!((get("a").0 - (1.0 + 0.5) / 2.0).abs() < 1e-9);
        assert_eq!(get("b").0, 1.0, "signal t has b first in its only snapshot");
        assert_eq!(get("zzz"), (0.0, None));
        assert_eq!(get("a").1, Some(1));
        assert_eq!(get("c").1, Some(2));
        // Values from some of the snapshots: "c" is in none of them.
        let later = MostRead::from_readings(urls.len(), &numbered[0], [1, 2].into_iter());
        assert_eq!(later.get(urls.id("c")), (0.0, None));
        assert_eq!(later.get(urls.id("a")), (0.5, Some(2)));
    }

    #[test]
    fn view_counts_use_a_log_scale() {
        let snapshot = SignalSnapshot {
            signal: SignalId::parse("v").unwrap(),
            taken_at: at("2026-11-27T05:00:00Z"),
            measure: Measure::Views,
            entries: vec![
                SignalEntry {
                    url: "top".into(),
                    rank: 1,
                    views: Some(48210),
                },
                SignalEntry {
                    url: "mid".into(),
                    rank: 2,
                    views: Some(950),
                },
                SignalEntry {
                    url: "zero".into(),
                    rank: 3,
                    views: Some(0),
                },
            ],
        };
        let snapshots = [snapshot];
        let (urls, numbered) = ReadUrls::new(&[&snapshots, &snapshots]);
        assert_eq!(numbered[1].ids, numbered[0].ids, "a slice is numbered once");
        let mr = MostRead::from_all(urls.len(), &numbered[1]);
        let get = |url: &str| mr.get(urls.id(url));
        assert_eq!(get("top").0, 1.0);
        assert!((get("mid").0 - 0.6359).abs() < 1e-3, "{}", get("mid").0);
        assert_eq!(get("zero"), (0.0, Some(3)));
        assert_eq!(get("mid").1, Some(2));
    }

    #[test]
    fn the_formula_with_its_factors() {
        let ranking = Ranking::default(); // half-life 6 h, α 1, β 0.5
        let now = at("2026-11-27T06:00:00Z");
        let s = score(&ranking, 1.2, at("2026-11-27T00:00:00Z"), now, 0.5, 3);
        assert!((s.recency - 0.5).abs() < 1e-12);
        assert!((s.most_read_factor - 1.5).abs() < 1e-12);
        assert!((s.outlets_factor - (1.0 + 0.5 * 3f64.ln())).abs() < 1e-12);
        assert!((s.total - 1.2 * 0.5 * 1.5 * (1.0 + 0.5 * 3f64.ln())).abs() < 1e-12);
        // A date after the issue is not a bonus.
        assert_eq!(
            score(&ranking, 1.0, at("2026-11-28T00:00:00Z"), now, 0.0, 1).recency,
            1.0
        );
    }
}
