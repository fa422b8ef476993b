//! Scores a clustering against the true groups: pairwise precision, recall and F1,
//! B-cubed F1, and precision/recall on labelled pairs. Shared by the clustering test
//! and `benches/clustering.rs` (which includes this file by path).

#![allow(dead_code)] // each includer uses a different subset

use std::collections::BTreeMap;

/// How a predicted clustering compares with the truth.
#[derive(Clone, Copy, Debug)]
pub struct Scores {
    /// Share of the predicted same-group pairs that are truly the same story.
    pub precision: f64,
    /// Share of the true same-story pairs that were grouped.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// Share of all pairs (same story or not) decided right; dominated by the many
    /// pairs of different stories, so read it beside precision and recall.
    pub accuracy: f64,
    /// B-cubed: each story's share of its group that is its true story, averaged.
    pub bcubed_precision: f64,
    /// B-cubed: each story's share of its true story that is in its group, averaged.
    pub bcubed_recall: f64,
    /// Harmonic mean of the two B-cubed figures.
    pub bcubed_f1: f64,
}

/// Scores `groups` (indices) against `truth` (the true story label of each index).
pub fn score<L: Ord>(groups: &[Vec<usize>], truth: &[L]) -> Scores {
    let mut true_sizes: BTreeMap<&L, usize> = BTreeMap::new();
    truth
        .iter()
        .for_each(|l| *true_sizes.entry(l).or_default() += 1);
    let (mut hits, mut predicted, mut bp, mut br) = (0usize, 0usize, 0.0, 0.0);
    for group in groups {
        let mut overlap: BTreeMap<&L, usize> = BTreeMap::new();
        group
            .iter()
            .for_each(|&i| *overlap.entry(&truth[i]).or_default() += 1);
        predicted += pairs(group.len());
        for (label, &k) in &overlap {
            hits += pairs(k);
            bp += (k * k) as f64 / group.len() as f64;
            br += (k * k) as f64 / true_sizes[label] as f64;
        }
    }
    let actual: usize = true_sizes.values().map(|&n| pairs(n)).sum();
    let n = truth.len().max(1) as f64;
    let precision = ratio(hits, predicted);
    let recall = ratio(hits, actual);
    let (bcubed_precision, bcubed_recall) = (bp / n, br / n);
    let all = pairs(truth.len());
    // Wrong decisions: grouped but different (predicted - hits), apart but the same
    // (actual - hits).
    let wrong = (predicted - hits) + (actual - hits);
    Scores {
        precision,
        recall,
        f1: harmonic(precision, recall),
        accuracy: 1.0 - ratio(wrong, all.max(1)),
        bcubed_precision,
        bcubed_recall,
        bcubed_f1: harmonic(bcubed_precision, bcubed_recall),
    }
}

/// Precision, recall and accuracy of "same group" on labelled pairs.
#[derive(Clone, Copy, Debug)]
pub struct PairScores {
    /// Share of the pairs grouped that are labelled the same story.
    pub precision: f64,
    /// Share of the pairs labelled the same story that are grouped.
    pub recall: f64,
    /// Share of all labelled pairs decided as labelled.
    pub accuracy: f64,
}

/// Scores "same group" on labelled pairs `(a, b, same story?)`.
pub fn pair_scores(groups: &[Vec<usize>], labelled: &[(usize, usize, bool)]) -> PairScores {
    let n = groups.iter().map(|g| g.len()).sum();
    let mut group_of = vec![usize::MAX; n];
    for (g, members) in groups.iter().enumerate() {
        members.iter().for_each(|&i| group_of[i] = g);
    }
    let (mut tp, mut fp, mut fneg, mut tn) = (0, 0, 0, 0);
    for &(a, b, same) in labelled {
        match (group_of[a] == group_of[b], same) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            (false, false) => tn += 1,
        }
    }
    PairScores {
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fneg),
        accuracy: ratio(tp + tn, labelled.len()),
    }
}

fn pairs(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// `a / b`, taken as 1 when there is nothing to count.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn harmonic(a: f64, b: f64) -> f64 {
    if a + b == 0.0 {
        0.0
    } else {
        2.0 * a * b / (a + b)
    }
}
