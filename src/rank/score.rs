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

/// Most-read values and best ranks by canonical URL.
#[derive(Debug, Default)]
pub struct MostRead {
    value: FxHashMap<String, f64>,
    rank: FxHashMap<String, u32>,
}

impl MostRead {
    /// Computes the values from the snapshots of the window.
    pub fn from_snapshots(snapshots: &[SignalSnapshot]) -> MostRead {
        let mut per_signal: FxHashMap<&SignalId, (usize, FxHashMap<&str, f64>)> =
            FxHashMap::default();
        let mut rank: FxHashMap<String, u32> = FxHashMap::default();
        for snapshot in snapshots {
            let (count, sums) = per_signal.entry(&snapshot.signal).or_default();
            *count += 1;
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
                *sums.entry(entry.url.as_str()).or_default() += value.clamp(0.0, 1.0);
                // Views exports are ranked by views, so their position is a rank too.
                let best = rank.entry(entry.url.clone()).or_insert(entry.rank);
                *best = (*best).min(entry.rank);
            }
        }
        let mut value: FxHashMap<String, f64> = FxHashMap::default();
        for (count, sums) in per_signal.into_values() {
            for (url, sum) in sums {
                let average = sum / count as f64;
                let best = value.entry(url.to_owned()).or_default();
                *best = best.max(average);
            }
        }
        MostRead { value, rank }
    }

    /// The value of `url` in [0, 1] (0 when no list carries it).
    pub fn value(&self, url: &str) -> f64 {
        self.value.get(url).copied().unwrap_or(0.0)
    }

    /// The best rank of `url` in a ranked most-read list, if any.
    pub fn rank(&self, url: &str) -> Option<u32> {
        self.rank.get(url).copied()
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
        let mr = MostRead::from_snapshots(&[snapshot]);
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
