//! Tokenising a run of stories into rows over a local vocabulary.
//!
//! Tokenising and looking words up are the largest costs of clustering (every word
//! of 100,000 headlines and ledes), and each story is independent, so large inputs
//! are cut into runs handled on separate threads ([`super::parallel`]). Each run
//! numbers its words in order of first appearance; [`super::vectors`] then merges
//! the runs' vocabularies in input order, which gives the same numbering as one
//! pass over all stories would.

use std::{
    collections::HashMap,
    hash::{BuildHasherDefault, Hasher},
};

use super::{Doc, Options};
use crate::{
    model::StoryTokens,
    rank::{
        kept,
        text::{Case, Tokenizer, hash, outlook},
    },
};

/// One vocabulary (terms, or keys) of a run of stories.
#[derive(Default)]
pub(super) struct Local {
    /// The hash of each local id, in order of first appearance.
    pub hashes: Vec<u64>,
    /// In how many stories of the run each local id appears.
    pub df: Vec<u32>,
    /// Row `d` of the run is `entries[offsets[d]..offsets[d + 1]]`.
    pub offsets: Vec<usize>,
    /// `(local id, field weight)`: 1 in the title, plus the summary weight in the
    /// summary; each id once per story.
    pub entries: Vec<(u32, f32)>,
    /// Per entry: 1 if the id is in the title, 2 if in the summary, 3 if in both.
    pub fields: Vec<u8>,
    /// Per local id: how often it was written capitalised inside a sentence, and
    /// how often in lower case ([`Case`]; only for terms).
    pub capital: Vec<u32>,
    pub lower: Vec<u32>,
    /// Per local id: how often it was written capitalised at the start of a
    /// sentence ([`Case::Initial`]; only for terms).
    pub initial: Vec<u32>,
    ids: HashMap<u64, u32, BuildHasherDefault<PrehashedHasher>>,
    /// Scratch: `local id << 1 | field` of the current story.
    keyed: Vec<u64>,
    /// Scratch: the local id of each title term of the current story.
    title_ids: Vec<u32>,
}

/// A run of stories, tokenised: their terms numbered, their keys not yet (only
/// [`super::crossing`] needs them, and only when the stories are in both scripts),
/// and what else clustering reads of each story while its text is at hand.
pub(super) struct Run {
    pub terms: Local,
    /// Every story's key hashes, flat: story `d`'s title keys are
    /// `keys[bounds[2d]..bounds[2d + 1]]`, its summary keys up to `bounds[2d + 2]`.
    keys: Vec<u64>,
    bounds: Vec<u32>,
    /// Every story's title numbers (sorted, each once), flat: story `d`'s are
    /// `numbers[number_bounds[d]..number_bounds[d + 1]]`.
    pub numbers: Vec<u64>,
    pub number_bounds: Vec<u32>,
    /// Every story's title numbers that are followed by a term, as `(that term,
    /// the number's significant digits)` (see [`Tokenizer::units`]), sorted, each
    /// once, flat like `numbers`.
    pub units: Vec<(u64, u64)>,
    pub unit_bounds: Vec<u32>,
    /// Per story: whether its title has a Cyrillic letter.
    pub cyrillic: Vec<bool>,
    /// Per story: a hash of its article URL (never 0), or 0 for none.
    pub urls: Vec<u64>,
    /// Per story: whether its title looks ahead or reports a record
    /// ([`outlook::marks`]).
    pub outlook: Vec<u8>,
}

/// Tokenises `docs` (the summary up to [`Options::summary_words`] terms), or reads
/// the tokens kept at ingest where `kept` has usable ones (`kept[d]` for `docs[d]`;
/// shorter or empty: tokenise the rest). `cyrillic`: whether any title may be in
/// Cyrillic (false: none is, as a scan found, and the titles are not read again
/// for it).
pub(super) fn tokenise(
    docs: &[Doc<'_>],
    kept: &[Option<&StoryTokens>],
    options: &Options,
    cyrillic: bool,
) -> Run {
    let names = options.uses_names();
    let tokenizer = match names {
        true => Tokenizer::tracking_cases(),
        false => Tokenizer::default(),
    };
    let mut tokenizer = tokenizer.tracking_units();
    let mut run = Run {
        terms: Local::with_capacity(docs.len()),
        keys: Vec::with_capacity(docs.len() * 4),
        bounds: Vec::with_capacity(docs.len() * 2 + 1),
        numbers: Vec::new(),
        number_bounds: Vec::with_capacity(docs.len() + 1),
        units: Vec::new(),
        unit_bounds: Vec::with_capacity(docs.len() + 1),
        cyrillic: Vec::with_capacity(docs.len()),
        urls: Vec::with_capacity(docs.len()),
        outlook: Vec::with_capacity(docs.len()),
    };
    run.bounds.push(0);
    run.number_bounds.push(0);
    run.unit_bounds.push(0);
    let (mut title, mut summary, mut unused) = (Vec::new(), Vec::new(), Vec::new());
    let (mut title_cases, mut summary_cases, mut units) = (Vec::new(), Vec::new(), Vec::new());
    for (d, doc) in docs.iter().enumerate() {
        if d % super::vectors::WARM == 0 {
            super::vectors::warm(&docs[d..], kept.get(d..).unwrap_or_default());
        }
        title.clear();
        summary.clear();
        let usable = kept.get(d).copied().flatten();
        if let Some(kept) = usable.filter(|k| kept::usable(k, options.summary_words)) {
            title.extend(kept.title_terms());
            run.keys.extend(kept.title_keys());
            run.numbers.extend(kept.title_numbers());
            run.number_bounds.push(run.numbers.len() as u32);
            run.units.extend(kept.title_units());
            run.unit_bounds.push(run.units.len() as u32);
            run.bounds.push(run.keys.len() as u32);
            summary.extend(kept.summary_terms());
            run.keys.extend(kept.summary_keys());
            run.bounds.push(run.keys.len() as u32);
            let cases = names.then(|| {
                title_cases.clear();
                title_cases.extend(kept.title_cases().iter().map(|&b| kept::case_of(b)));
                summary_cases.clear();
                summary_cases.extend(kept.summary_cases().iter().map(|&b| kept::case_of(b)));
                [title_cases.as_slice(), summary_cases.as_slice()]
            });
            (run.terms).add_row(&title, &summary, options.summary_weight, cases);
            run.outlook.push(outlook::marks(&title));
            run.cyrillic.push(cyrillic && has_cyrillic(doc.title));
            let url = doc.url.filter(|url| is_article(url));
            run.urls.push(url.map_or(0, |url| hash(url.as_bytes()) | 1));
            continue;
        }
        let start = run.numbers.len();
        let numbers = &mut run.numbers;
        tokenizer.tokenise(doc.title, usize::MAX, &mut title, &mut run.keys, numbers);
        numbers[start..].sort_unstable();
        let kept = start + dedup(&mut numbers[start..]);
        numbers.truncate(kept);
        run.number_bounds.push(numbers.len() as u32);
        run.bounds.push(run.keys.len() as u32);
        tokenizer.counted(&mut units);
        run.units.extend_from_slice(&units);
        run.unit_bounds.push(run.units.len() as u32);
        title_cases.clear();
        title_cases.extend_from_slice(tokenizer.cases());
        unused.clear();
        tokenizer.tokenise(
            doc.summary,
            options.summary_words,
            &mut summary,
            &mut run.keys,
            &mut unused,
        );
        run.bounds.push(run.keys.len() as u32);
        let cases = names.then_some([title_cases.as_slice(), tokenizer.cases()]);
        (run.terms).add_row(&title, &summary, options.summary_weight, cases);
        run.outlook.push(outlook::marks(&title));
        run.cyrillic.push(cyrillic && has_cyrillic(doc.title));
        let url = doc.url.filter(|url| is_article(url));
        run.urls.push(url.map_or(0, |url| hash(url.as_bytes()) | 1));
    }
    run
}

impl Run {
    /// The keys of story `d`'s title.
    pub fn title_keys(&self, d: usize) -> &[u64] {
        &self.keys[self.bounds[2 * d] as usize..self.bounds[2 * d + 1] as usize]
    }

    /// The numbers of story `d`'s title, sorted, each once.
    pub fn title_numbers(&self, d: usize) -> &[u64] {
        let [a, b] = [d, d + 1].map(|k| self.number_bounds[k] as usize);
        &self.numbers[a..b]
    }

    /// The keys of the run's stories, numbered like the terms.
    pub fn keys(&self, summary_weight: f32) -> Local {
        let stories = self.cyrillic.len();
        let mut keys = Local::with_capacity(stories);
        for d in 0..stories {
            let [a, b, c] = [2 * d, 2 * d + 1, 2 * d + 2].map(|k| self.bounds[k] as usize);
            keys.add_row(&self.keys[a..b], &self.keys[b..c], summary_weight, None);
        }
        keys
    }
}

/// Moves the distinct values of sorted `values` to its front; returns how many.
pub(super) fn dedup(values: &mut [u64]) -> usize {
    let mut kept = 0;
    for k in 0..values.len() {
        if kept == 0 || values[k] != values[kept - 1] {
            values[kept] = values[k];
            kept += 1;
        }
    }
    kept
}

/// Whether `text` has a Cyrillic letter (U+0400 to U+04FF, whose UTF-8 lead bytes
/// are 0xD0 to 0xD3, bytes that appear nowhere else); ASCII text, most of it, is
/// told apart eight bytes at a time.
pub(super) fn has_cyrillic(text: &str) -> bool {
    !text.is_ascii() && text.bytes().any(|b| (0xD0..=0xD3).contains(&b))
}

/// An outlet's home page (`https://site.example/`) is not an article and must not
/// join the stories that fell back to it.
pub(super) fn is_article(url: &str) -> bool {
    let url = url.as_bytes();
    let host = (url.windows(3).position(|w| w == b"://")).map_or(0, |at| at + 3);
    let rest = &url[host..];
    rest.iter()
        .position(|&b| b == b'/')
        .is_some_and(|slash| !matches!(&rest[slash + 1..], b"" | b"/"))
}

impl Local {
    fn with_capacity(stories: usize) -> Self {
        let mut offsets = Vec::with_capacity(stories + 1);
        offsets.push(0);
        Local {
            offsets,
            entries: Vec::with_capacity(stories * 24),
            // About a new term a story (a number, a name): room for them at once
            // rather than rehashing the table as it grows.
            ids: HashMap::with_capacity_and_hasher(stories, Default::default()),
            ..Local::default()
        }
    }

    /// Adds one story: each distinct id once, with its field weight; `cases` says
    /// how each of the title's and the summary's hashes was written.
    fn add_row(
        &mut self,
        title: &[u64],
        summary: &[u64],
        summary_weight: f32,
        cases: Option<[&[Case]; 2]>,
    ) {
        self.keyed.clear();
        self.title_ids.clear();
        for (field, hashes) in [(0, title), (1, summary)] {
            for (k, &hash) in hashes.iter().enumerate() {
                // A lede repeats its title's terms: found among them, not looked up
                // again in the vocabulary (which gives the same id).
                let id = match field {
                    0 => {
                        let id = self.id(hash);
                        self.title_ids.push(id);
                        id
                    }
                    _ => match title.iter().position(|&t| t == hash) {
                        Some(p) => self.title_ids[p],
                        None => self.id(hash),
                    },
                };
                self.keyed.push(u64::from(id) << 1 | field);
                match cases.and_then(|c| c[field as usize].get(k)) {
                    Some(Case::Capital) => self.capital[id as usize] += 1,
                    Some(Case::Lower) => self.lower[id as usize] += 1,
                    Some(Case::Initial) => self.initial[id as usize] += 1,
                    _ => {}
                }
            }
        }
        self.keyed.sort_unstable();
        self.keyed.dedup();
        let row_start = self.entries.len();
        for &keyed in &self.keyed {
            let id = (keyed >> 1) as u32;
            let weight = if keyed & 1 == 0 { 1.0 } else { summary_weight };
            let field = 1 << (keyed & 1);
            let same_term = self.entries.len() > row_start
                && self.entries.last().is_some_and(|last| last.0 == id);
            if same_term {
                if let Some(last) = self.entries.last_mut() {
                    last.1 += weight;
                }
                if let Some(last) = self.fields.last_mut() {
                    *last |= field;
                }
            } else {
                self.entries.push((id, weight));
                self.fields.push(field);
                self.df[id as usize] += 1;
            }
        }
        self.offsets.push(self.entries.len());
    }

    fn id(&mut self, hash: u64) -> u32 {
        let next = self.hashes.len() as u32;
        let id = *self.ids.entry(hash).or_insert(next);
        if id == next {
            self.hashes.push(hash);
            self.df.push(0);
            self.capital.push(0);
            self.lower.push(0);
            self.initial.push(0);
        }
        id
    }
}

/// A fast, seedless hasher for URLs, outlet names and small tuples: the word hash
/// of [`crate::rank::text::hash`], eight bytes at a time, in place of SipHash (which
/// resists hash flooding, which nothing here needs: an attacker gains nothing by
/// slowing their own feed's stories down).
pub(super) type FastStrings = BuildHasherDefault<StrHasher>;

/// See [`FastStrings`].
#[derive(Default)]
pub(super) struct StrHasher(u64);

impl Hasher for StrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = (self.0.rotate_left(29) ^ crate::rank::text::hash(bytes))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(29) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

/// A hasher for keys that are already good 64-bit hashes: one multiply to spread the
/// bits, no SipHash rounds.
#[derive(Default)]
pub(super) struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}
