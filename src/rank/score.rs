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

/// Most-read values and best ranks by canonical URL, borrowing the snapshots' URLs:
/// one map from URL to a dense id, and the value and best rank of each id.
#[derive(Debug, Default)]
pub struct MostRead<'a> {
    ids: FxHashMap<&'a str, u32>,
    value: Vec<f64>,
    /// `u32::MAX`: in no list (every URL with an id is in one).
    rank: Vec<u32>,
}

impl<'a> MostRead<'a> {
    /// Computes the values from the snapshots of the window.
    pub fn from_snapshots(snapshots: &'a [SignalSnapshot]) -> MostRead<'a> {
        Self::from_readings(snapshots.iter())
    }

    /// Computes the values from some snapshots, in the order given.
    pub fn from_readings(
        snapshots: impl Iterator<Item = &'a SignalSnapshot> + Clone,
    ) -> MostRead<'a> {
        let entries = snapshots.clone().map(|s| s.entries.len()).sum();
        let mut read = MostRead {
            ids: FxHashMap::with_capacity_and_hasher(entries, Default::default()),
            ..MostRead::default()
        };
        // Each signal's snapshots, in order: a URL's sum grows in the same order as
        // ever, so the averages are the same to the last bit.
        let mut signals: Vec<(&SignalId, Vec<&SignalSnapshot>)> = Vec::new();
        for snapshot in snapshots {
            match signals.iter_mut().find(|(id, _)| *id == &snapshot.signal) {
                Some((_, list)) => list.push(snapshot),
                None => signals.push((&snapshot.signal, vec![snapshot])),
            }
        }
        let (mut sums, mut touched) = (Vec::new(), Vec::new());
        for (_, list) in &signals {
            for snapshot in list {
                read.add(snapshot, &mut sums, &mut touched);
            }
            for id in touched.drain(..) {
                let average = std::mem::take(&mut sums[id as usize]) / list.len() as f64;
                let best = &mut read.value[id as usize];
                *best = best.max(average);
            }
        }
        read
    }

    /// Adds one snapshot's values to `sums` (by id; `touched` lists the ids with a
    /// sum) and its ranks to the best ranks.
    fn add(&mut self, snapshot: &'a SignalSnapshot, sums: &mut Vec<f64>, touched: &mut Vec<u32>) {
        let n = snapshot.entries.len() as f64;
        let max_views = snapshot
            .entries
            .iter()
            .filter_map(|e| e.views)
            .max()
            .unwrap_or(0) as f64;
        for entry in &snapshot.entries {
            let value = match snapshot.measure {
                Measure::Rank => (n - f64::from(entry.rank) + 1.0) / n,
                Measure::Views if max_views > 0.0 => {
                    (1.0 + entry.views.unwrap_or(0) as f64).ln() / (1.0 + max_views).ln()
                }
                Measure::Views => 0.0,
            };
            let next = self.value.len() as u32;
            let id = *self.ids.entry(entry.url.as_str()).or_insert(next);
            if id == next {
                self.value.push(0.0);
                self.rank.push(u32::MAX);
            }
            if sums.len() <= id as usize {
                sums.resize(id as usize + 1, 0.0);
            }
            if sums[id as usize] == 0.0 {
                touched.push(id); // a second push of an id still at 0.0 is harmless
            }
            sums[id as usize] += value.clamp(0.0, 1.0);
            // Views exports are ranked by views, so their position is a rank too.
            let best = &mut self.rank[id as usize];
            *best = (*best).min(entry.rank);
        }
    }

    /// The value of `url` in [0, 1] (0 when no list carries it) and its best rank in a
    /// most-read list, if any: one look-up.
    pub fn get(&self, url: &str) -> (f64, Option<u32>) {
        match self.ids.get(url) {
            Some(&id) => (self.value[id as usize], Some(self.rank[id as usize])),
            None => (0.0, None),
        }
    }

    /// Every URL with its value and best rank, in no particular order.
    pub fn urls(&self) -> impl Iterator<Item = (&'a str, f64, u32)> + '_ {
        (self.ids.iter()).map(|(&url, &id)| (url, self.value[id as usize], self.rank[id as usize]))
    }

    /// The value of `url` in [0, 1] (0 when no list carries it).
    pub fn value(&self, url: &str) -> f64 {
        self.get(url).0
    }

    /// The best rank of `url` in a ranked most-read list, if any.
    pub fn rank(&self, url: &str) -> Option<u32> {
        self.get(url).1
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
        let mr = MostRead::from_snapshots(&snapshots);
        assert!((mr.value("a") - (1.0 + 0.5) / 2.0).abs() < 1e-9);
        assert_eq!(
            mr.value("b"),
            1.0,
            "signal t has b first in its only snapshot"
        );
        assert_eq!(mr.value("zzz"), 0.0);
        assert_eq!(mr.rank("a"), Some(1));
        assert_eq!(mr.rank("c"), Some(2));
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
        let mr = MostRead::from_snapshots(&snapshots);
        assert_eq!(mr.value("top"), 1.0);
        assert!(
            (mr.value("mid") - 0.6359).abs() < 1e-3,
            "{}",
            mr.value("mid")
        );
        assert_eq!(mr.value("zero"), 0.0);
        assert_eq!(mr.rank("mid"), Some(2));
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
