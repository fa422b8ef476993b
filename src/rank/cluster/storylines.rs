//! Storylines, for "Read also": which earlier stories tell another event of the
//! same storyline as a given one.
//!
//! Two independent halves: the partition of every story into events
//! ([`super::partition_of`]), and for each target the stories that share a title
//! name with it and are similar enough in words. The second needs nothing of the
//! first, so on a large input it runs on another thread while the partition is
//! made (whose group-average linkage runs on one); the partition then only strikes
//! out the target's own event and keeps one story per other event.

use super::{
    Doc, Options, partition_of,
    vectors::{Numbers, Row, Tokens, Vectors},
};
use crate::model::StoryTokens;

/// From this many stories on, the similar stories are found on a thread of their
/// own while the partition is made.
const CONCURRENT_FROM: usize = 8192;

/// For each of the first `targets` docs, the later docs of the same *storyline* but
/// not of the same *event*: similar enough in words (cosine at least
/// [`Options::storyline_threshold`], whatever the time between them), sharing a
/// name in their titles (a storyline is about someone or something, not only about
/// "a cup" or "a vote"), and in different groups of [`super::partition`]. Best
/// first, one per group (a storyline's earlier event is told once, by its most
/// similar report). `kept` as for [`super::partition_kept`].
pub fn storylines(
    docs: &[Doc<'_>],
    kept: &[Option<&StoryTokens>],
    targets: usize,
    options: &Options,
) -> Vec<Vec<usize>> {
    let tokens = Tokens::kept(docs, kept, options);
    let vectors = tokens.terms();
    let names = tokens.title_names();
    let targets = targets.min(docs.len());
    let threshold = options.storyline_threshold;
    let (partition, similar) = match docs.len() >= CONCURRENT_FROM {
        true => std::thread::scope(|scope| {
            let similar = scope.spawn(|| similar(&vectors, &names, targets, threshold));
            let partition = partition_of(docs, &tokens, &vectors, options);
            (partition, similar.join().expect("the cosines do not panic"))
        }),
        false => (
            partition_of(docs, &tokens, &vectors, options),
            similar(&vectors, &names, targets, threshold),
        ),
    };
    let mut group_of = vec![0u32; docs.len()];
    for (g, members) in partition.groups().enumerate() {
        members
            .iter()
            .for_each(|&i| group_of[i as usize] = g as u32);
    }
    // Per group, the last target that listed it.
    let mut listed = vec![usize::MAX; partition.len()];
    (similar.into_iter().enumerate())
        .map(|(t, found)| {
            (found.into_iter())
                .map(|(_, j)| j)
                .filter(|&j| group_of[j] != group_of[t])
                .filter(|&j| {
                    let fresh = listed[group_of[j] as usize] != t;
                    listed[group_of[j] as usize] = t;
                    fresh
                })
                .collect()
        })
        .collect()
}

/// For each of the first `targets` stories, the later stories that share a title
/// name with it and whose cosine with it reaches `threshold`, as `(cosine, story)`,
/// most similar first (ties by index). Through an index of the names rather than a
/// look at every story for every target; the cosines are the same `Row::dot`s.
fn similar(
    vectors: &Vectors,
    names: &Numbers,
    targets: usize,
    threshold: f32,
) -> Vec<Vec<(f32, usize)>> {
    let stories = vectors.stories();
    // (name, story) for every later story, sorted: the stories of a name are a run.
    let mut index: Vec<(u64, u32)> = (targets..stories)
        .flat_map(|j| names.of(j).iter().map(move |&k| (k, j as u32)))
        .collect();
    index.sort_unstable();
    // Per story, the last target that looked at it.
    let mut seen = vec![usize::MAX; stories];
    let mut target = Spread::new(vectors.df.len());
    (0..targets)
        .map(|t| {
            target.spread(vectors.row(t), t);
            let mut found: Vec<(f32, usize)> = Vec::new();
            for &name in names.of(t) {
                let from = index.partition_point(|&(k, _)| k < name);
                let run = index[from..].iter().take_while(|&&(k, _)| k == name);
                for &(_, j) in run {
                    let j = j as usize;
                    if seen[j] == t {
                        continue;
                    }
                    seen[j] = t;
                    let sim = match threshold > 0.0 {
                        true => target.dot(vectors.row(j)),
                        false => vectors.row(t).dot(vectors.row(j)),
                    };
                    if sim >= threshold {
                        found.push((sim, j));
                    }
                }
            }
            found.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            found
        })
        .collect()
}

/// One target's row spread out by term, so that its cosine with a story costs one
/// look-up per term of the story's row instead of a walk through both rows.
struct Spread {
    weights: Vec<f32>,
    /// Per term: the target whose row has it (`usize::MAX`: none yet).
    owner: Vec<usize>,
    target: usize,
}

impl Spread {
    fn new(terms: usize) -> Self {
        Spread {
            weights: vec![0.0; terms],
            owner: vec![usize::MAX; terms],
            target: usize::MAX,
        }
    }

    /// Takes `row`, target `t`'s, in place of the last target's.
    fn spread(&mut self, row: Row<'_>, t: usize) {
        for (&term, &weight) in row.terms.iter().zip(row.weights) {
            if let Some(slot) = self.owner.get_mut(term as usize) {
                *slot = t;
                self.weights[term as usize] = weight;
            }
        }
        self.target = t;
    }

    /// The target's dot product with `row`: the products of the shared terms added
    /// in the order of the terms, as [`Row::dot`] adds them, so bit for bit the same
    /// sum whenever it is positive (an empty one is `0.0` here and may be `-0.0`
    /// there, hence only for a positive threshold).
    fn dot(&self, row: Row<'_>) -> f32 {
        let mut sum = 0.0;
        for (&term, &weight) in row.terms.iter().zip(row.weights) {
            if self.owner.get(term as usize) == Some(&self.target) {
                sum += self.weights[term as usize] * weight;
            }
        }
        sum
    }
}
