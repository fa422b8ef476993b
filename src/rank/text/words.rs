//! Words of a text as the tokenizer reads them: where a word starts and ends, how
//! it looked (a number, a name, joined to the next), lower-cased into a reusable
//! buffer, and whether it is worth a term.

use super::{case, hash, is_stop_word};

/// How a word looked in the text.
#[derive(Clone, Copy)]
pub(super) struct Shape {
    /// It starts with a digit.
    pub(super) numeric: bool,
    /// It is capitalised, or inside `«…»`, `“…”` or `"…"`.
    pub(super) name_like: bool,
    /// It is joined to the word before by `-` or `/`, or to the one after by `/`
    /// (`COVID-19`, `Sokol-5`, `9/11`): part of a name or a date, not a figure.
    pub(super) joined: bool,
    /// Its capitals and place in the sentence, for its [`Case`].
    pub(super) looks: case::Looks,
}

/// Calls `each` with every word of `text` worth a term, lower-cased into `word` as
/// UTF-8 (`ё` → `е`, apostrophes dropped, a decimal comma as `.`), until `each`
/// returns false. Worth a term: not a stop word, and longer than one letter unless
/// it is a digit.
pub(super) fn each_word(
    text: &str,
    word: &mut Vec<u8>,
    mut each: impl FnMut(&mut Vec<u8>, Shape) -> bool,
) {
    let bytes = text.as_bytes();
    let (mut at, mut quoted, mut starts) = (0, false, true);
    while at < bytes.len() {
        let b = bytes[at];
        if ASCII[usize::from(b)] == SPACE {
            // Spaces and ASCII punctuation, the common case, without decoding.
            quoted ^= b == b'"';
            starts |= matches!(b, b'.' | b'!' | b'?' | b':');
            at += 1;
            continue;
        }
        let (c, len) = match b < 0x80 {
            true => (char::from(b), 1), // an ASCII letter or digit
            false => decode(bytes, at),
        };
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
        // A run of ASCII letters and digits (most words are one), found first and
        // copied lower-cased at once rather than pushed a byte at a time.
        let run = bytes[at..]
            .iter()
            .position(|&b| ASCII[usize::from(b)] != WORD)
            .unwrap_or(bytes.len() - at);
        if run > 0 {
            let piece = &bytes[at..at + run];
            word.extend(piece.iter().map(|&b| LOWER[usize::from(b)]));
            (previous, at) = (char::from(piece[run - 1]), at + run);
            continue;
        }
        let b = bytes[at];
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

/// A letter or digit, with a fast path for ASCII and Russian, and for the general
/// punctuation block (dashes, curly quotes, thin spaces: none a letter or digit)
/// that news text is full of.
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        c if c.is_ascii() => false,
        '\u{2000}'..='\u{206F}' => false,
        c => c.is_alphanumeric(),
    }
}

/// What an ASCII byte is to a word: part of one, or a space or punctuation.
const WORD: u8 = 1;
const SPACE: u8 = 2;

/// [`WORD`] for ASCII letters and digits, [`SPACE`] for other ASCII, 0 for the
/// bytes of other characters.
static ASCII: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match (b as u8).is_ascii_alphanumeric() {
            true => WORD,
            false => SPACE,
        };
        b += 1;
    }
    table
};

/// The lower case of each ASCII byte (other bytes as they are).
static LOWER: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    table
};

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
#[path = "words_tests.rs"]
mod tests;
