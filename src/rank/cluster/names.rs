//! Which terms are names, and the names in each story's title and lede.
//!
//! A term is a name when, over all the stories being clustered, it was written
//! capitalised inside a sentence more often than in lower case ([`Case`]): the
//! ledes, in sentence case, say which words of the headlines are names. Two reports
//! of one event name the same place or person; two look-alike events (two regions'
//! daily counts, two searches for missing men) name different ones.

use std::{collections::HashMap, hash::BuildHasherDefault};

use super::{
    tokens::PrehashedHasher,
    vectors::{Numbers, Tokens},
};
#[cfg(doc)]
use crate::rank::text::Case;

/// The names of each story, as term hashes (sorted, each once).
pub(super) struct Names {
    /// Those of its title.
    pub title: Numbers,
    /// Those of its title and lede.
    pub all: Numbers,
    /// Those of its title that are surely names: written capitalised inside a
    /// sentence more often than in lower case (not only as a sentence's first word,
    /// which a verb can be: `Названа еще одна опасность…`).
    pub sure: Numbers,
}

impl Names {
    /// No story has a name (when names are not used).
    pub fn none(stories: usize) -> Self {
        Names {
            title: Numbers::empty(stories),
            all: Numbers::empty(stories),
            sure: Numbers::empty(stories),
        }
    }

    /// The names of every story of `tokens`.
    pub fn new(tokens: &Tokens) -> Self {
        let mut counts: HashMap<u64, (u32, u32, u32), BuildHasherDefault<PrehashedHasher>> =
            HashMap::default();
        for run in tokens.runs() {
            let terms = &run.terms;
            for (k, &hash) in terms.hashes.iter().enumerate() {
                let count = counts.entry(hash).or_default();
                count.0 += terms.capital[k];
                count.1 += terms.lower[k];
                count.2 += terms.initial[k];
            }
        }
        let (mut title, mut all, mut sure) = (Vec::new(), Vec::new(), Vec::new());
        let (mut title_lists, mut all_lists, mut sure_lists) = (Vec::new(), Vec::new(), Vec::new());
        for run in tokens.runs() {
            let terms = &run.terms;
            // 0: no name; 1: a name; 2: surely a name.
            let name: Vec<u8> = (terms.hashes.iter())
                .map(|hash| match counts.get(hash) {
                    Some(&(capital, lower, _)) if capital > lower => 2,
                    Some(&(_, 0, initial)) if initial > 0 => 1,
                    _ => 0,
                })
                .collect();
            for range in terms.offsets.windows(2) {
                title.clear();
                all.clear();
                sure.clear();
                for e in range[0]..range[1] {
                    let id = terms.entries[e].0 as usize;
                    if name[id] > 0 {
                        let hash = terms.hashes[id];
                        all.push(hash);
                        if terms.fields[e] & 1 != 0 {
                            title.push(hash);
                            if name[id] == 2 {
                                sure.push(hash);
                            }
                        }
                    }
                }
                title.sort_unstable();
                all.sort_unstable();
                sure.sort_unstable();
                title_lists.push(title.clone());
                all_lists.push(all.clone());
                sure_lists.push(sure.clone());
            }
        }
        Names {
            title: Numbers::from_lists(&title_lists),
            all: Numbers::from_lists(&all_lists),
            sure: Numbers::from_lists(&sure_lists),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::{
        cluster::{Doc, Options},
        text,
    };

    #[test]
    fn names_are_the_words_capitalised_inside_sentences_more_often_than_not_or_only_first() {
        let doc = |title: &'static str, summary: &'static str| Doc {
            outlet: "o",
            url: None,
            title,
            summary,
            published: chrono::DateTime::UNIX_EPOCH,
        };
        let docs = [
            doc(
                "Омичи обсудили парк «Зелёный остров»",
                "Жители обсудили парк. Омичи хотят скамейки, сообщил губернатор.",
            ),
            doc(
                "Моор ввел режим",
                "Губернатор Александр Моор ввел режим, сообщили омичи и жители.",
            ),
            doc(
                "Кудрин: на борьбу с бедностью уйдут триллионы",
                "На борьбу с бедностью уйдут триллионы рублей, сообщили жители.",
            ),
        ];
        let options = Options {
            name_mismatch: 0.5,
            ..Options::default()
        };
        let tokens = Tokens::kept(&docs, &[], &options);
        let names = Names::new(&tokens);
        let as_hashes = |words: &[&str]| {
            let mut hashes: Vec<u64> = (words.iter())
                .map(|w| text::hash(text::term_strings(w)[0].as_bytes()))
                .collect();
            hashes.sort_unstable();
            hashes
        };
        // `омичи`, `губернатор` and `жители` are in lower case inside a sentence,
        // `Зелёный` and `Моор` are not; `Кудрин` is only ever a sentence's first
        // word, never in lower case.
        assert_eq!(names.title.of(0), as_hashes(&["зелёный"]));
        assert_eq!(names.title.of(1), as_hashes(&["Моор"]));
        assert_eq!(names.all.of(1), as_hashes(&["Моор", "Александр"]));
        assert_eq!(names.title.of(2), as_hashes(&["Кудрин"]));
        // `Кудрин` is a name only as a sentence's first word, not surely one.
        assert_eq!(names.sure.of(0), as_hashes(&["зелёный"]));
        assert_eq!(names.sure.of(1), as_hashes(&["Моор"]));
        assert!(names.sure.of(2).is_empty());
    }
}
