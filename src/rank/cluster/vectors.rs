//! Stories as sparse TF-IDF vectors, L2-normalised, so that a dot product is a cosine
//! similarity.
//!
//! Two vocabularies are built in one pass: stemmed terms for similarity within a
//! language, and script-neutral keys (names and numbers) for linking across scripts. Term ids are dense and assigned in order
//! of first appearance, so nothing depends on hash-map iteration order. The inverse
//! document frequency is computed over the stories being clustered: a word that many
//! of them share says little.

use std::{
    collections::HashMap,
    hash::{BuildHasherDefault, Hasher},
};

use super::{Doc, Options, tokens};

/// The vectors of all stories, stored flat: row `i` is
/// `terms[offsets[i]..offsets[i + 1]]`, sorted by term id, with matching `weights`.
pub(super) struct Vectors {
    offsets: Vec<usize>,
    terms: Vec<u32>,
    weights: Vec<f32>,
    /// In how many stories each term appears.
    pub df: Vec<u32>,
}

impl Vectors {
    /// Tokenises every story once and returns two sets of vectors: stemmed terms
    /// (title, and the first [`Options::summary_words`] terms of the summary weighing
    /// [`Options::summary_weight`]) and script-neutral keys of the same words.
    pub fn terms_and_keys(docs: &[Doc<'_>], options: &Options) -> (Self, Self) {
        let (mut terms, mut keys) = (Builder::new(docs.len()), Builder::new(docs.len()));
        let weight = options.summary_weight;
        for chunk in tokens::tokenise(docs, options.summary_words) {
            for story in chunk.stories() {
                terms.add_row(story.title, story.summary, weight);
                keys.add_row(story.title_keys, story.summary_keys, weight);
            }
        }
        (terms.finish(), keys.finish())
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

    /// The number of entries of all rows.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Cosine similarity of stories `i` and `j`.
    pub fn dot(&self, i: usize, j: usize) -> f32 {
        self.row(i).dot(self.row(j))
    }
}

/// A sparse vector, sorted by term.
#[derive(Clone, Copy)]
pub(super) struct Row<'a> {
    pub terms: &'a [u32],
    pub weights: &'a [f32],
}

impl Row<'_> {
    /// The dot product.
    pub fn dot(self, other: Row<'_>) -> f32 {
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < self.terms.len() && j < other.terms.len() {
            match self.terms[i].cmp(&other.terms[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.weights[i] * other.weights[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// The norm of the part of the vector whose terms match `part`.
    pub fn mass(self, part: impl Fn(u32) -> bool) -> f32 {
        let squares = self.terms.iter().zip(self.weights);
        let sum: f32 = squares.filter(|(t, _)| part(**t)).map(|(_, w)| w * w).sum();
        sum.sqrt()
    }

    /// The sum, as owned vectors.
    pub fn add(self, other: Row<'_>) -> (Vec<u32>, Vec<f32>) {
        let capacity = self.terms.len() + other.terms.len();
        let (mut terms, mut weights) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
        let (mut i, mut j) = (0, 0);
        while i < self.terms.len() || j < other.terms.len() {
            let (a, b) = (self.terms.get(i), other.terms.get(j));
            let take_a = b.is_none_or(|b| a.is_some_and(|a| a <= b));
            let take_b = a.is_none_or(|a| b.is_some_and(|b| b <= a));
            let mut weight = 0.0;
            if take_a {
                weight += self.weights[i];
                terms.push(self.terms[i]);
                i += 1;
            }
            if take_b {
                weight += other.weights[j];
                if !take_a {
                    terms.push(other.terms[j]);
                }
                j += 1;
            }
            weights.push(weight);
        }
        (terms, weights)
    }
}

/// Builds [`Vectors`] row by row: the term dictionary (term hash → dense id, in
/// order of first appearance), document frequencies, and the flat rows with their
/// field weights, turned into TF-IDF by [`Builder::finish`].
struct Builder {
    ids: HashMap<u64, u32, BuildHasherDefault<PrehashedHasher>>,
    vectors: Vectors,
    /// Scratch: `id << 1 | field` of the current story's terms.
    keyed: Vec<u64>,
}

impl Builder {
    fn new(stories: usize) -> Self {
        let mut offsets = Vec::with_capacity(stories + 1);
        offsets.push(0);
        Builder {
            ids: HashMap::default(),
            vectors: Vectors {
                offsets,
                terms: Vec::with_capacity(stories * 24),
                weights: Vec::with_capacity(stories * 24),
                df: Vec::new(),
            },
            keyed: Vec::new(),
        }
    }

    /// Adds one story: each distinct term once, sorted by id, weighing 1 if in the
    /// title, plus `summary_weight` if in the summary.
    fn add_row(&mut self, title: &[u64], summary: &[u64], summary_weight: f32) {
        self.keyed.clear();
        for (field, hashes) in [(0, title), (1, summary)] {
            for &hash in hashes {
                let id = self.id(hash);
                self.keyed.push(u64::from(id) << 1 | field);
            }
        }
        self.keyed.sort_unstable();
        self.keyed.dedup();
        let v = &mut self.vectors;
        for &keyed in &self.keyed {
            let (term, weight) = (
                (keyed >> 1) as u32,
                [1.0, summary_weight][keyed as usize & 1],
            );
            if v.terms.len() > v.offsets[v.offsets.len() - 1] && v.terms.last() == Some(&term) {
                *v.weights.last_mut().expect("a weight per term") += weight;
            } else {
                v.terms.push(term);
                v.weights.push(weight);
                v.df[term as usize] += 1;
            }
        }
        v.offsets.push(v.terms.len());
    }

    fn id(&mut self, hash: u64) -> u32 {
        let next = self.vectors.df.len() as u32;
        let id = *self.ids.entry(hash).or_insert(next);
        if id == next {
            self.vectors.df.push(0);
        }
        id
    }

    /// Multiplies each field weight by the term's IDF and normalises each row.
    fn finish(self) -> Vectors {
        let mut v = self.vectors;
        let n = (v.offsets.len() - 1) as f32;
        let idf: Vec<f32> = v.df.iter().map(|&d| ((n + 1.0) / d as f32).ln()).collect();
        for (w, &term) in v.weights.iter_mut().zip(&v.terms) {
            *w *= idf[term as usize];
        }
        for row in v.offsets.windows(2) {
            let weights = &mut v.weights[row[0]..row[1]];
            let norm = weights.iter().map(|w| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                weights.iter_mut().for_each(|w| *w /= norm);
            }
        }
        v
    }
}

/// A hasher for keys that are already good 64-bit hashes (FNV-1a of a word): one
/// multiply to spread the bits, no SipHash rounds.
#[derive(Default)]
struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}
