//! Stories as sparse TF-IDF vectors, L2-normalised, so that a dot product is a cosine
//! similarity.
//!
//! Two vocabularies come from one pass over the text: stemmed terms for similarity
//! within a language, and script-neutral keys (names and numbers) for linking across
//! scripts, numbered only when they are needed. Term ids are dense and assigned in order of first appearance, so nothing
//! depends on hash-map iteration order. The inverse
//! document frequency is computed over the stories being clustered: a word that many
//! of them share says little.

use std::{collections::HashMap, hash::BuildHasherDefault, ops::Range};

use crate::{model::StoryTokens, rank::text::is_concept};

pub(super) use super::row::Row;
use super::{
    Doc, Options, parallel,
    tokens::{self, Local, PrehashedHasher, Run},
};

/// The vectors of all stories, stored flat: row `i` is
/// `terms[offsets[i]..offsets[i + 1]]`, sorted by term id, with matching `weights`.
pub(super) struct Vectors {
    offsets: Vec<usize>,
    terms: Vec<u32>,
    weights: Vec<f32>,
    /// In how many stories each term appears.
    pub df: Vec<u32>,
    /// Per term: whether it is a concept of the bilingual lexicon (for keys).
    pub concept: Vec<bool>,
}

/// Every story tokenised, in runs (one per thread).
pub(super) struct Tokens {
    runs: Vec<Run>,
    stories: usize,
}

impl Tokens {
    /// Tokenises every story once: stemmed terms (title, and the first
    /// [`Options::summary_words`] terms of the summary), script-neutral keys of the
    /// same words, each title's script and each article URL's hash; or reads them
    /// from the tokens kept at ingest where `kept` has usable ones (`kept[d]` for
    /// `docs[d]`): the same tokens, without tokenising.
    pub fn kept(docs: &[Doc<'_>], kept: &[Option<&StoryTokens>], options: &Options) -> Self {
        Self::from_runs(docs, kept, options, &parallel::ranges(docs.len()))
    }

    /// [`Tokens::kept`] with the stories cut into the given runs.
    fn from_runs(
        docs: &[Doc<'_>],
        kept: &[Option<&StoryTokens>],
        options: &Options,
        ranges: &[Range<usize>],
    ) -> Self {
        // Only Russian groups read names by default: with no Cyrillic title, how
        // each word was written need not be noted (nor a run's titles read again).
        let cyrillic = |range: &Range<usize>| {
            docs[range.clone()]
                .iter()
                .any(|d| tokens::has_cyrillic(d.title))
        };
        let scanned = match options.name_mismatch >= 1.0 {
            true => parallel::map(ranges, cyrillic),
            false => vec![true; ranges.len()],
        };
        let english_only = options.name_mismatch >= 1.0 && !scanned.contains(&true);
        let options = &Options {
            cyrillic_name_mismatch: if english_only {
                1.0
            } else {
                options.cyrillic_name_mismatch
            },
            ..options.clone()
        };
        let parts: Vec<(Range<usize>, bool)> = ranges.iter().cloned().zip(scanned).collect();
        let runs = parallel::map(&parts, |(range, cyrillic)| {
            let kept = &kept[range.start.min(kept.len())..range.end.min(kept.len())];
            tokens::tokenise(&docs[range.clone()], kept, options, *cyrillic)
        });
        Tokens {
            runs,
            stories: docs.len(),
        }
    }

    /// The term vectors, the summary's terms weighing [`Options::summary_weight`].
    pub fn terms(&self) -> Vectors {
        let terms: Vec<&Local> = self.runs.iter().map(|r| &r.terms).collect();
        Vectors::merge(&terms, self.stories)
    }

    /// The key vectors, weighed like the terms.
    pub fn keys(&self, options: &Options) -> Vectors {
        let keys = parallel::map(&self.runs, |run| run.keys(options.summary_weight));
        Vectors::merge(&keys.iter().collect::<Vec<_>>(), self.stories)
    }

    /// Per story, the numbers of its title.
    pub fn numbers(&self) -> Numbers {
        let mut numbers = Numbers {
            offsets: vec![0],
            values: Vec::new(),
        };
        for run in &self.runs {
            let base = numbers.values.len() as u32;
            (numbers.offsets).extend(run.number_bounds[1..].iter().map(|b| base + b));
            numbers.values.extend_from_slice(&run.numbers);
        }
        numbers
    }

    /// Per story, the name keys of its title, sorted, each once: its title's keys
    /// less its numbers (which coincide too easily) and the lexicon's concepts.
    pub fn title_names(&self) -> Numbers {
        let mut names = Numbers {
            offsets: Vec::with_capacity(self.stories + 1),
            values: Vec::new(),
        };
        names.offsets.push(0);
        for run in &self.runs {
            for d in 0..run.cyrillic.len() {
                let numbers = run.title_numbers(d);
                let start = names.values.len();
                (names.values).extend(
                    (run.title_keys(d).iter().copied())
                        .filter(|&k| !is_concept(k) && numbers.binary_search(&k).is_err()),
                );
                names.values[start..].sort_unstable();
                let kept = start + tokens::dedup(&mut names.values[start..]);
                names.values.truncate(kept);
                names.offsets.push(kept as u32);
            }
        }
        names
    }

    /// Per story, its title's counted numbers: `(the term after, the value)`.
    pub fn units(&self) -> Units {
        let mut units = Units {
            offsets: vec![0],
            values: Vec::new(),
        };
        for run in &self.runs {
            let base = units.values.len() as u32;
            (units.offsets).extend(run.unit_bounds[1..].iter().map(|b| base + b));
            units.values.extend_from_slice(&run.units);
        }
        units
    }

    /// The runs, in input order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Per story, whether its title has a Cyrillic letter.
    pub fn cyrillic(&self) -> Vec<bool> {
        self.runs
            .iter()
            .flat_map(|r| r.cyrillic.iter().copied())
            .collect()
    }

    /// Per story, a hash of its article URL, or 0 for none.
    pub fn urls(&self) -> Vec<u64> {
        self.runs
            .iter()
            .flat_map(|r| r.urls.iter().copied())
            .collect()
    }
}

/// How many stories ahead [`warm`] reads.
pub(super) const WARM: usize = 32;

/// Reads the first bytes of the next [`WARM`] stories' title and URL, and their kept
/// tokens, so that they are in the cache when tokenising reaches them. The stories come in
/// time order, scattered in memory: one story at a time, each of those reads
/// waits for memory while the tokenizer's work stands still; here the reads of
/// many stories wait together.
pub(super) fn warm(docs: &[Doc<'_>], kept: &[Option<&StoryTokens>]) {
    let mut sum = 0u64;
    for doc in docs.iter().take(WARM) {
        sum += u64::from(doc.title.as_bytes().first().copied().unwrap_or(0));
        sum += doc
            .url
            .map_or(0, |u| u64::from(u.as_bytes().first().copied().unwrap_or(0)));
    }
    for tokens in kept.iter().take(WARM).flatten() {
        sum += u64::from(tokens.version);
        // Every cache line of the bytes (about 400 a story): all are read.
        sum += (tokens.as_bytes().iter().step_by(64))
            .map(|&b| u64::from(b))
            .sum::<u64>();
    }
    std::hint::black_box(sum);
}

/// Each story's title numbers, sorted, flat: story `i`'s are
/// `values[offsets[i]..offsets[i + 1]]`.
pub(super) struct Numbers {
    offsets: Vec<u32>,
    values: Vec<u64>,
}

impl Numbers {
    /// No number for any of `stories` stories.
    pub fn empty(stories: usize) -> Self {
        Numbers {
            offsets: vec![0; stories + 1],
            values: Vec::new(),
        }
    }

    /// One sorted list of distinct values per story.
    pub fn from_lists(lists: &[Vec<u64>]) -> Self {
        let mut numbers = Numbers {
            offsets: Vec::with_capacity(lists.len() + 1),
            values: Vec::new(),
        };
        numbers.offsets.push(0);
        for list in lists {
            numbers.values.extend_from_slice(list);
            numbers.offsets.push(numbers.values.len() as u32);
        }
        numbers
    }

    /// The numbers of story `i`.
    pub fn of(&self, i: usize) -> &[u64] {
        &self.values[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Each story's title numbers with the term after each, `(term, significant
/// digits)`, sorted, flat: story `i`'s are `values[offsets[i]..offsets[i + 1]]`.
pub(super) struct Units {
    offsets: Vec<u32>,
    values: Vec<(u64, u64)>,
}

impl Units {
    /// The counted numbers of story `i`.
    pub fn of(&self, i: usize) -> &[(u64, u64)] {
        &self.values[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

impl Vectors {
    /// Numbers the runs' vocabularies in input order, then weighs and normalises
    /// each run's rows (in parallel) and joins them.
    fn merge(runs: &[&Local], stories: usize) -> Self {
        let terms = runs.iter().map(|run| run.hashes.len()).sum();
        let mut ids: HashMap<u64, u32, BuildHasherDefault<PrehashedHasher>> =
            HashMap::with_capacity_and_hasher(terms, Default::default());
        let (mut df, mut concept): (Vec<u32>, Vec<bool>) = (Vec::new(), Vec::new());
        let remaps: Vec<Vec<u32>> = runs
            .iter()
            .map(|run| {
                let remap: Vec<u32> = (run.hashes.iter())
                    .map(|&hash| {
                        let next = df.len() as u32;
                        let id = *ids.entry(hash).or_insert(next);
                        if id == next {
                            df.push(0);
                            concept.push(is_concept(hash));
                        }
                        id
                    })
                    .collect();
                for (&id, &d) in remap.iter().zip(&run.df) {
                    df[id as usize] += d;
                }
                remap
            })
            .collect();
        let n = stories as f32;
        let idf: Vec<f32> = df.iter().map(|&d| ((n + 1.0) / d as f32).ln()).collect();
        let parts: Vec<(&Local, &Vec<u32>)> = runs.iter().copied().zip(&remaps).collect();
        let rows = parallel::map(&parts, |(run, remap)| weigh(run, remap, &idf));
        let mut vectors = Vectors {
            offsets: Vec::with_capacity(stories + 1),
            terms: Vec::new(),
            weights: Vec::new(),
            df,
            concept,
        };
        vectors.offsets.push(0);
        for (offsets, terms, weights) in rows {
            let base = vectors.terms.len();
            vectors
                .offsets
                .extend(offsets[1..].iter().map(|o| base + o));
            vectors.terms.extend(terms);
            vectors.weights.extend(weights);
        }
        vectors
    }

    /// The terms and weights of story `i`.
    pub fn row(&self, i: usize) -> Row<'_> {
        let range = self.offsets[i]..self.offsets[i + 1];
        Row {
            terms: &self.terms[range.clone()],
            weights: &self.weights[range],
        }
    }

    /// Where row `i` starts in the flat arrays.
    pub fn offset(&self, i: usize) -> usize {
        self.offsets[i]
    }

    /// The number of stories.
    pub fn stories(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The term and weight of an entry of the flat rows.
    pub fn entry(&self, entry: usize) -> (u32, f32) {
        (self.terms[entry], self.weights[entry])
    }

    /// The term of an entry of the flat rows.
    pub fn term_at(&self, entry: usize) -> u32 {
        self.terms[entry]
    }

    /// The number of entries of all rows.
    pub fn len(&self) -> usize {
        self.terms.len()
    }
}

/// A run's rows with global ids, sorted, as TF-IDF weights normalised per row:
/// `(offsets, terms, weights)`.
fn weigh(run: &Local, remap: &[u32], idf: &[f32]) -> (Vec<usize>, Vec<u32>, Vec<f32>) {
    let mut row: Vec<(u32, f32)> = Vec::new();
    let (mut terms, mut weights) = (Vec::with_capacity(run.entries.len()), Vec::new());
    weights.reserve(run.entries.len());
    for range in run.offsets.windows(2) {
        row.clear();
        row.extend(run.entries[range[0]..range[1]].iter().map(|&(local, w)| {
            let id = remap[local as usize];
            (id, w * idf[id as usize])
        }));
        row.sort_unstable_by_key(|&(id, _)| id);
        let norm = row.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        terms.extend(row.iter().map(|&(id, _)| id));
        weights.extend(row.iter().map(|&(_, w)| w * scale));
    }
    (run.offsets.clone(), terms, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &'static str) -> Doc<'static> {
        Doc {
            outlet: "o",
            url: None,
            title,
            summary: "A lede about Москва and 6,6 numbers",
            published: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn cutting_the_input_into_runs_changes_nothing() {
        let docs: Vec<Doc<'_>> = [
            "Storm Ilse hits Norway",
            "Шторм «Ильзе» в Норвегии",
            "Norway storm",
            "Gold record",
        ]
        .into_iter()
        .map(doc)
        .collect();
        let options = Options::default();
        let whole: Vec<Range<usize>> = std::iter::once(0..docs.len()).collect();
        let one = Tokens::from_runs(&docs, &[], &options, &whole);
        let cut = Tokens::from_runs(&docs, &[], &options, &[0..1, 1..3, 3..4]);
        assert_eq!(one.cyrillic(), cut.cyrillic());
        assert_eq!(one.urls(), cut.urls());
        let pairs = [
            (one.terms(), cut.terms()),
            (one.keys(&options), cut.keys(&options)),
        ];
        for (a, b) in &pairs {
            assert_eq!(a.offsets, b.offsets);
            assert_eq!(a.terms, b.terms);
            assert_eq!(a.weights, b.weights);
            assert_eq!(a.df, b.df);
        }
    }
}
