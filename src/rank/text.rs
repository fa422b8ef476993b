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

pub use case::Case;
pub use hash::hash;
#[cfg(test)]
use hash::tail;

pub use stem::{is_cyrillic, is_stop_word, stem};

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
                    latin::key(std::str::from_utf8(word).unwrap_or_default(), latin, key);
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

/// How a word looked in the text.
#[derive(Clone, Copy)]
struct Shape {
    /// It starts with a digit.
    numeric: bool,
    /// It is capitalised, or inside `«…»`, `“…”` or `"…"`.
    name_like: bool,
    /// It is joined to the word before by `-` or `/`, or to the one after by `/`
    /// (`COVID-19`, `Sokol-5`, `9/11`): part of a name or a date, not a figure.
    joined: bool,
    /// Its capitals and place in the sentence, for its [`Case`].
    looks: case::Looks,
}

/// Calls `each` with every word of `text` worth a term, lower-cased into `word` as
/// UTF-8 (`ё` → `е`, apostrophes dropped, a decimal comma as `.`), until `each`
/// returns false. Worth a term: not a stop word, and longer than one letter unless
/// it is a digit.
fn each_word(text: &str, word: &mut Vec<u8>, mut each: impl FnMut(&mut Vec<u8>, Shape) -> bool) {
    let bytes = text.as_bytes();
    let (mut at, mut quoted, mut starts) = (0, false, true);
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii() && !b.is_ascii_alphanumeric() {
            // Spaces and ASCII punctuation, the common case, without decoding.
            quoted ^= b == b'"';
            starts |= matches!(b, b'.' | b'!' | b'?' | b':');
            at += 1;
            continue;
        }
        let (c, len) = decode(bytes, at);
        if !is_word_char(c) {
            match c {
                '«' | '“' => quoted = true,
                '»' | '”' => quoted = false,
                '"' => quoted = !quoted,
                '…' => starts = true,
                _ => {}
            }
            at += len;
            continue;
        }
        let before = at.checked_sub(1).map(|k| bytes[k]);
        let start = at;
        at = scan_word(bytes, at, word);
        let capital = is_upper(c);
        let looks = case::Looks {
            letters: true,
            capital,
            acronym: capital
                && at - start > len
                && !text[start..at].chars().any(char::is_lowercase),
            starts,
            derived: false,
        };
        starts = false;
        let shape = Shape {
            numeric: c.is_ascii_digit(),
            name_like: quoted || capital,
            looks,
            joined: start > 1
                && matches!(before, Some(b'-' | b'/'))
                && bytes[start - 2].is_ascii_alphanumeric()
                || bytes.get(at) == Some(&b'/'),
        };
        if worth_a_term(word) && !each(word, shape) {
            return;
        }
    }
}

/// Lower-cases the word starting at `start` into `word`; returns where it ends.
/// ASCII and Russian letters take a fast path on bytes; anything else is decoded.
fn scan_word(bytes: &[u8], start: usize, word: &mut Vec<u8>) -> usize {
    word.clear();
    let (mut at, mut previous) = (start, ' ');
    while at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_alphanumeric() {
            word.push(b.to_ascii_lowercase());
            (previous, at) = (char::from(b), at + 1);
            continue;
        }
        if b.is_ascii() && !matches!(b, b'.' | b',' | b'\'') {
            break; // a space or punctuation that never joins a word
        }
        if let Some(lower) = russian_lower(bytes, at) {
            word.extend(lower);
            (previous, at) = ('я', at + 2);
            continue;
        }
        let (c, len) = decode(bytes, at);
        let next = || (at + len < bytes.len()).then(|| decode(bytes, at + len).0);
        if is_word_char(c) {
            push_lower(word, c);
        } else if matches!(c, '.' | ',')
            && previous.is_ascii_digit()
            && next().is_some_and(|n| n.is_ascii_digit())
        {
            word.push(b'.');
        } else if !(is_apostrophe(c)
            && previous.is_alphabetic()
            && next().is_some_and(char::is_alphabetic))
        {
            break;
        }
        previous = c;
        at += len;
    }
    at
}

/// The lower-case UTF-8 bytes of the Russian letter at `bytes[at..]`, if it is one
/// (`ё` folded to `е`).
#[inline]
fn russian_lower(bytes: &[u8], at: usize) -> Option<[u8; 2]> {
    let second = *bytes.get(at + 1)?;
    match (bytes[at], second) {
        (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x8F) => Some([bytes[at], second]),
        (0xD0, 0x90..=0x9F) => Some([0xD0, second + 0x20]),
        (0xD0, 0xA0..=0xAF) => Some([0xD1, second - 0x20]),
        (0xD0, 0x81) | (0xD1, 0x91) => Some([0xD0, 0xB5]),
        _ => None,
    }
}

fn worth_a_term(word: &[u8]) -> bool {
    match word {
        [] => false,
        [b] => b.is_ascii_digit(),
        [lead, _] if *lead >= 0xC0 => false,
        _ => word.len() > LONGEST_STOP_WORD || !is_stop_word(hash(word)),
    }
}

/// No stop word is longer than this, in bytes (`однако`, `поэтому`).
const LONGEST_STOP_WORD: usize = 16;

/// The character at `bytes[at..]` and its length; `bytes` is valid UTF-8.
#[inline]
fn decode(bytes: &[u8], at: usize) -> (char, usize) {
    let b = bytes[at];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    if b & 0xE0 == 0xC0 && at + 1 < bytes.len() {
        let code = (u32::from(b & 0x1F) << 6) | u32::from(bytes[at + 1] & 0x3F);
        return (char::from_u32(code).unwrap_or(' '), 2);
    }
    let len = match b {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    };
    let c = std::str::from_utf8(&bytes[at..bytes.len().min(at + len)])
        .ok()
        .and_then(|r| r.chars().next());
    (c.unwrap_or(' '), len)
}

/// Pushes the lower case of a letter outside the fast paths (accented Latin,
/// Ukrainian, Greek…).
fn push_lower(word: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    for l in c.to_lowercase() {
        word.extend(l.encode_utf8(&mut buf).bytes());
    }
}

/// A letter or digit, with a fast path for ASCII and Russian.
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric(),
    }
}

fn is_upper(c: char) -> bool {
    match c {
        'A'..='Z' | 'А'..='Я' | 'Ё' => true,
        c if c.is_ascii() => false,
        c => c.is_uppercase(),
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

#[cfg(test)]
mod tests;
