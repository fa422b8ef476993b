//! The word loop against the form it had before its ASCII fast paths.

use super::*;

/// `scan_word` as it was: every byte pushed one at a time.
fn old_scan_word(bytes: &[u8], start: usize, word: &mut Vec<u8>) -> usize {
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
            break;
        }
        if let Some(lower) = russian_lower(bytes, at) {
            word.extend(lower);
            (previous, at) = ('я', at + 2);
            continue;
        }
        let (c, len) = decode(bytes, at);
        let next = || (at + len < bytes.len()).then(|| decode(bytes, at + len).0);
        if old_is_word_char(c) {
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

/// `is_word_char` as it was, without the general punctuation block's fast path.
fn old_is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => true,
        c if c.is_ascii() => false,
        c => c.is_alphanumeric(),
    }
}

/// Random text of the pieces the word loop tells apart.
fn random_text(rng: &mut fastrand::Rng) -> String {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "the",
        "NATO",
        "Biden",
        "shootings",
        "0",
        "7",
        "2021",
        "6,6",
        "5.6",
        ".",
        ",",
        "'",
        "’",
        "ʼ",
        "-",
        "/",
        "\"",
        "«",
        "»",
        "“",
        "”",
        "…",
        " ",
        "  ",
        "\n",
        "!",
        ":",
        "—",
        "\u{a0}",
        "\u{2009}",
        "\u{200b}",
        "Москва",
        "ВОЗ",
        "ё",
        "Ё",
        "é",
        "É",
        "ß",
        "İ",
        "ǅ",
        "Σ",
        "日本",
        "😀",
        "\u{301}",
        "Ї",
        "ﬁ",
        "Ⅻ",
        "²",
        "٣",
        "ⁿ",
        "ª",
        "Ma’Khia",
        "o'neil",
        "1.",
        ".5",
    ];
    let mut text = String::new();
    for _ in 0..rng.usize(0..30) {
        if rng.u8(..8) == 0 {
            let c = loop {
                if let Some(c) = char::from_u32(rng.u32(0..0x3_0000)) {
                    break c;
                }
            };
            text.push(c);
        } else {
            text.push_str(PIECES[rng.usize(..PIECES.len())]);
        }
    }
    text
}

#[test]
fn words_are_scanned_as_before() {
    let mut rng = fastrand::Rng::with_seed(15);
    let (mut new, mut old) = (Vec::new(), Vec::new());
    for _ in 0..20_000 {
        let text = random_text(&mut rng);
        let bytes = text.as_bytes();
        for (start, c) in text.char_indices().filter(|&(_, c)| old_is_word_char(c)) {
            let end = scan_word(bytes, start, &mut new);
            assert_eq!(
                end,
                old_scan_word(bytes, start, &mut old),
                "{text:?} at {start}"
            );
            assert_eq!(new, old, "{text:?} at {start} ({c:?})");
        }
    }
}

#[test]
fn word_characters_are_as_before() {
    for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
        assert_eq!(is_word_char(c), old_is_word_char(c), "{c:?}");
    }
}

#[test]
fn the_byte_tables_match_their_definitions() {
    for b in 0..=255u8 {
        let class = match (b.is_ascii(), b.is_ascii_alphanumeric()) {
            (true, true) => WORD,
            (true, false) => SPACE,
            (false, _) => 0,
        };
        assert_eq!(ASCII[usize::from(b)], class, "{b}");
        assert_eq!(LOWER[usize::from(b)], b.to_ascii_lowercase(), "{b}");
    }
}
