//! Text normalisation for clustering: headlines and summaries → terms and keys.
//!
//! Unicode-aware and allocation-light, because the rank stage tokenises every story
//! of an issue's window (100,000 in the benchmark). A word is a maximal run of
//! letters and digits; apostrophes inside a word are dropped (`Ma’Khia` → `makhia`,
//! `Biden’s` → `bidens` → `biden`), and a decimal point or comma between digits is
//! kept as `.` (`6,6` and `6.6` are one number, and not `5.6`).
//!
//! [`Tokenizer::tokenise`] makes two things of the words:
//! - terms: lower-cased (`ё` folded to `е`), stop words and one-letter words
//!   skipped, stemmed ([`stem`]); numbers are kept whole, since they are strong
//!   evidence that two headlines report the same event;
//! - keys: script-neutral keys of names and numbers (`latin`), to link reports of
//!   one event in English and in Russian.
//!
//! Both are returned as 64-bit hashes ([`hash`]): the clustering only ever compares
//! them, and hashing avoids one allocation per word. Nothing here knows about
//! documents or scores; see [`super::cluster`].

mod case;
mod hash;
mod latin;
mod lexicon;
mod number;
pub mod outlook;
mod stem;
mod words;

pub use case::Case;
pub use hash::hash;
#[cfg(test)]
use hash::tail;

pub use stem::{is_cyrillic, is_stop_word, stem};
use words::each_word;

/// Reusable scratch space for tokenising many texts without allocating.
#[derive(Debug, Default)]
pub struct Tokenizer {
    word: Vec<u8>,
    key: String,
    latin: String,
    cases: case::Cases,
    /// Whether to note how each term was written ([`Tokenizer::cases`]).
    track_cases: bool,
    units: Vec<(u64, u64)>,
    /// Whether to note the term after each number ([`Tokenizer::units`]).
    track_units: bool,
}

impl Tokenizer {
    /// A tokenizer that also notes how each term was written ([`Tokenizer::cases`]);
    /// the default one does not, which saves a little per word.
    pub fn tracking_cases() -> Self {
        Tokenizer {
            track_cases: true,
            ..Tokenizer::default()
        }
    }

    /// The same tokenizer, also noting the term that follows each number
    /// ([`Tokenizer::units`]).
    pub fn tracking_units(self) -> Self {
        Tokenizer {
            track_units: true,
            ..self
        }
    }

    /// Appends the first `limit` terms of `text` to `terms`, the keys found among the
    /// same words to `keys` and the numbers written in digits to `numbers`, as hashes,
    /// in text order.
    ///
    /// Terms: lower-cased, stop words and one-letter words skipped, stemmed. Keys:
    /// every number (in digits, or a small one in words: `nine`, `девять`), the
    /// `latin` key of every word that looks like a name (capitalised, or inside
    /// quotation marks such as `«Зенит»`), and the concept of every word of the
    /// bilingual [`lexicon`]. Numbers: the digits a numeric word starts with (`25C`,
    /// `60m` and `2nd` are 25, 60 and 2), the same hashes as their keys.
    pub fn tokenise(
        &mut self,
        text: &str,
        limit: usize,
        terms: &mut Vec<u64>,
        keys: &mut Vec<u64>,
        numbers: &mut Vec<u64>,
    ) {
        let Tokenizer {
            word,
            key,
            latin,
            cases,
            track_cases,
            units,
            track_units,
        } = self;
        let track = *track_cases;
        let track_units = *track_units;
        cases.clear();
        units.clear();
        // The number of `units` still waiting for the term after it.
        let mut waiting: Option<usize> = None;
        let mut count = 0;
        each_word(text, word, |word, shape| {
            if count == limit {
                return false;
            }
            if track {
                cases.push(case::Looks {
                    letters: !shape.numeric,
                    derived: !shape.numeric
                        && !shape.looks.capital
                        && case::is_name_adjective(word),
                    ..shape.looks
                });
            }
            if shape.numeric {
                let number = number::key_of(word);
                keys.push(number);
                if !shape.joined {
                    numbers.push(number);
                }
            } else {
                if let Some(digits) = lexicon::number_word(word) {
                    // `twelve` is the term `12`, and the key of 12.
                    keys.push(number::key(digits.as_bytes()));
                    terms.push(hash(digits.as_bytes()));
                    if let Some(at) = waiting.take() {
                        units[at].1 = hash(digits.as_bytes());
                    }
                    if let Some(last) = cases.list.last_mut().filter(|_| track) {
                        *last = Case::Unknown;
                    }
                    count += 1;
                    return true;
                }
                if shape.name_like {
                    latin::key(word, latin, key);
                    if key.len() == latin::KEY_CHARS {
                        keys.push(hash(key.as_bytes()) & !CONCEPT_BIT);
                    }
                }
            }
            stem(word);
            let mut term = hash(word);
            if let Some(concept) = lexicon::concept(term) {
                // Translations share a key; synonyms of one language are one term
                // (kept apart from the other language's, which meet only as keys).
                keys.push(concept);
                term = concept
                    ^ if word.first().is_some_and(|&b| b >= 0xC0) {
                        CYRILLIC_TERM
                    } else {
                        0
                    };
            }
            terms.push(term);
            if let Some(at) = waiting.take() {
                units[at].1 = term;
            }
            if track_units && shape.numeric && !shape.joined {
                units.push((number::value_of(word), 0));
                waiting = Some(units.len() - 1);
            }
            count += 1;
            true
        });
        cases.finish();
    }

    /// Each number of the last text tokenised that is also in its `numbers`, as its
    /// significant digits (`1.2` is 12, `194,000` 194), with the term that follows
    /// it (0 if none): `94 человека` and `98 человек` count one thing, `65 человек`
    /// and `84 новых случая` two (empty unless [`Tokenizer::tracking_units`]).
    pub fn units(&self) -> &[(u64, u64)] {
        &self.units
    }

    /// The counted numbers of the last text tokenised, as clustering compares them:
    /// `(the term after, the number)` for each number followed by a term, sorted,
    /// each once, into `out` (cleared first).
    pub fn counted(&self, out: &mut Vec<(u64, u64)>) {
        out.clear();
        let counted = self.units.iter().filter(|&&(_, unit)| unit != 0);
        out.extend(counted.map(|&(value, unit)| (unit, value)));
        out.sort_unstable();
        out.dedup();
    }

    /// How each term of the last text tokenised was written, in order (empty unless
    /// [`Tokenizer::tracking_cases`]).
    pub fn cases(&self) -> &[Case] {
        &self.cases.list
    }
}

/// Sets the terms of a concept in Russian apart from those in English.
const CYRILLIC_TERM: u64 = 0x2545_f491_4f6c_dd1d;

/// Set in the keys of the [`lexicon`]'s concepts, clear in those of names and
/// numbers: a concept is weaker evidence of one event than a name or a number.
pub const CONCEPT_BIT: u64 = 1 << 63;

/// Whether a key is a concept's rather than a name's or a number's.
pub fn is_concept(key: u64) -> bool {
    key & CONCEPT_BIT != 0
}

/// The terms of `text` as strings (for tests and for explaining a match).
pub fn term_strings(text: &str) -> Vec<String> {
    let (mut out, mut word) = (Vec::new(), Vec::new());
    each_word(text, &mut word, |word, _| {
        stem(word);
        out.push(String::from_utf8_lossy(word).into_owned());
        true
    });
    out
}

#[cfg(test)]
mod tests;
