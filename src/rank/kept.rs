//! Tokens kept at ingest: what the clustering's tokenizer makes of a story, made
//! once by the ingest worker that read it and kept in the store
//! ([`StoryTokens`]), so that building an issue reads its window's tokens instead
//! of tokenising 50,000 to 100,000 stories again (issue 10, point 6).
//!
//! Kept tokens are used only when they were made by this tokenizer
//! ([`TOKENS_VERSION`]) and read as many summary terms as the clustering reads;
//! any other story is tokenised afresh, with the same result. **Any change to what
//! `rank::text` makes of a text (words, stop words, stems, keys, the lexicon,
//! numbers, cases) must bump [`TOKENS_VERSION`]**: the test below pins the output
//! on a fixed English and Russian sample and fails until it is bumped.

use std::cell::RefCell;

use super::{
    cluster,
    text::{Case, Tokenizer},
};
use crate::model::{Item, Lists, StoryTokens};

/// The version of the tokenizer's output. Bump it with any change to `rank::text`
/// that changes a term, key, number or case of any text.
pub const TOKENS_VERSION: u32 = 2;

/// The tokens of a story's title and excerpt, as the clustering reads them (the
/// title whole, the excerpt up to [`cluster::Options::summary_words`] terms).
pub fn tokens(title: &str, excerpt: &str) -> StoryTokens {
    thread_local! {
        // The tokenizer and its lists, reused: made afresh for each of a fetch's
        // 50,000 stories, their growth and release were a sixth of this function.
        static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
    }
    SCRATCH.with_borrow_mut(|scratch| scratch.tokens(title, excerpt))
}

/// The reusable space of [`tokens`].
struct Scratch {
    tokenizer: Tokenizer,
    title_terms: Vec<u64>,
    title_keys: Vec<u64>,
    numbers: Vec<u64>,
    units: Vec<(u64, u64)>,
    title_cases: Vec<u8>,
    summary_terms: Vec<u64>,
    summary_keys: Vec<u64>,
    unused: Vec<u64>,
    summary_cases: Vec<u8>,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            tokenizer: Tokenizer::tracking_cases().tracking_units(),
            title_terms: Vec::new(),
            title_keys: Vec::new(),
            numbers: Vec::new(),
            units: Vec::new(),
            title_cases: Vec::new(),
            summary_terms: Vec::new(),
            summary_keys: Vec::new(),
            unused: Vec::new(),
            summary_cases: Vec::new(),
        }
    }

    fn tokens(&mut self, title: &str, excerpt: &str) -> StoryTokens {
        let limit = cluster::Options::default().summary_words;
        let Scratch {
            tokenizer,
            title_terms,
            title_keys,
            numbers,
            units,
            title_cases,
            summary_terms,
            summary_keys,
            unused,
            summary_cases,
        } = self;
        for list in [
            &mut *title_terms,
            &mut *title_keys,
            &mut *numbers,
            &mut *summary_terms,
            &mut *summary_keys,
            &mut *unused,
        ] {
            list.clear();
        }
        tokenizer.tokenise(title, usize::MAX, title_terms, title_keys, numbers);
        numbers.sort_unstable();
        numbers.dedup();
        tokenizer.counted(units);
        case_bytes(tokenizer.cases(), title_cases);
        tokenizer.tokenise(excerpt, limit, summary_terms, summary_keys, unused);
        case_bytes(tokenizer.cases(), summary_cases);
        StoryTokens::new(
            TOKENS_VERSION,
            &Lists {
                title_terms,
                title_keys,
                title_numbers: numbers,
                title_units: units,
                title_cases,
                summary_terms,
                summary_keys,
                summary_cases,
                summary_limit: limit,
            },
        )
    }
}

/// Gives each item its tokens (on the ingest worker that normalised them).
pub fn keep(items: &mut [Item]) {
    for item in items {
        item.tokens = Some(tokens(&item.title, &item.excerpt));
    }
}

/// Whether `kept` can stand for tokenising afresh with `summary_words`.
pub(super) fn usable(kept: &StoryTokens, summary_words: usize) -> bool {
    kept.version == TOKENS_VERSION && kept.summary_limit() == summary_words
}

fn case_bytes(cases: &[Case], out: &mut Vec<u8>) {
    out.clear();
    out.extend(cases.iter().map(|&c| case_byte(c)));
}

/// How a [`Case`] is kept.
pub(super) fn case_byte(case: Case) -> u8 {
    match case {
        Case::Unknown => 0,
        Case::Capital => 1,
        Case::Lower => 2,
        Case::Initial => 3,
    }
}

/// A kept case byte as a [`Case`].
pub(super) fn case_of(byte: u8) -> Case {
    match byte {
        1 => Case::Capital,
        2 => Case::Lower,
        3 => Case::Initial,
        _ => Case::Unknown,
    }
}

#[cfg(test)]
mod tests;
