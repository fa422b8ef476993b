//! Stop words and crude stemming for English and Russian.
//!
//! Deliberately small: a stemmer only has to make the forms of one word meet
//! (`Москва`, `Москве`, `Москвой`; `release`, `released`), and a wrong cut costs
//! little because similarity is spread over many terms.

use std::sync::OnceLock;

/// English stop words: function words and the verbs of reporting that every
/// headline uses. Lower-cased, apostrophes removed.
const STOP_EN: &str = "a about above after again against ago all also am amid among an and any are \
    as at be because been before being below between both but by can could did do does doing \
    down during each even ever few for from further get gets had has have having he her here \
    hers him his how i if in into is it its just last like many may me might more most much \
    must my new news no nor not now of off on once one only or other our ours out over own per \
    said says same say she should since so some still such than that the their theirs them \
    then there these they this those though through to too under until up upon us very via vs \
    was we were what when where which while who whom why will with within without would yet \
    you your yours dont doesnt didnt wont cant isnt";

/// Russian stop words (after `ё` → `е`): pronouns, prepositions, particles and
/// auxiliaries.
const STOP_RU: &str = "а без более бы был была были было быть в вам вас весь во вот все всего всех \
    вы где да даже для до его ее ей ему если есть еще же за здесь и из или им их к как какой \
    когда кто ли либо лишь между меня мне может можно мы на над надо наш не него нее нет ни них \
    но ну о об однако он она они оно от очень перед по под после при про с со сам свой себя \
    сейчас так также там тебя тем то того тоже той только том ты у уже хотя чего чей чем что \
    чтобы эта эти это этого этой этом этот эту я";

/// Russian endings, stripped once (the longest that fits) by [`stem_russian`].
const ENDINGS_RU: &[&str] = &[
    "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "ием", "иях", "иям",
    "ых", "их", "ым", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие", "ый", "ий", "ой", "ей", "ом",
    "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ии", "ию", "ия", "ть", "ет", "ит", "ут", "ют", "ат",
    "ят", "ла", "ло", "ли", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й", "л",
];

/// Longest stem kept, in characters: longer words are cut to this prefix, which also
/// folds derivations (`коронавирус`, `коронавирусом`; `shooting`, `shootings`).
const MAX_STEM_CHARS: usize = 7;

/// Shortest stem an ending may leave, in characters.
const MIN_STEM_CHARS: usize = 3;

/// The stop words of both languages (none longer than 16 bytes), as an open-addressing set of word hashes:
/// two or three probes per lookup, built once per process.
fn stop_set() -> &'static [u64; STOP_SLOTS] {
    static SET: OnceLock<Box<[u64; STOP_SLOTS]>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = Box::new([0; STOP_SLOTS]);
        for word in STOP_EN.split_whitespace().chain(STOP_RU.split_whitespace()) {
            let hash = super::hash(word.as_bytes());
            let mut slot = slot_of(hash);
            while set[slot] != 0 && set[slot] != hash {
                slot = (slot + 1) % STOP_SLOTS;
            }
            set[slot] = hash;
        }
        set
    })
}

/// Slots in the stop-word set: a power of two, about four times the words.
const STOP_SLOTS: usize = 2048;

fn slot_of(hash: u64) -> usize {
    (hash >> 53) as usize % STOP_SLOTS
}

/// Whether the lower-cased word with this hash is a stop word.
pub fn is_stop_word(hash: u64) -> bool {
    let set = stop_set();
    let mut slot = slot_of(hash);
    loop {
        match set[slot] {
            0 => return false,
            h if h == hash => return true,
            _ => slot = (slot + 1) % STOP_SLOTS,
        }
    }
}

/// The Russian endings that end with the same letter as `word`, longest first.
/// Cyrillic letters are two bytes in UTF-8 and `а`…`я` differ in the second, so the
/// table is indexed by the word's last byte.
fn endings_like(word: &[u8]) -> &'static [&'static str] {
    static BY_LAST_BYTE: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    let table = BY_LAST_BYTE.get_or_init(|| {
        let mut table = vec![Vec::new(); 256];
        for ending in ENDINGS_RU {
            let last = *ending.as_bytes().last().expect("non-empty ending");
            table[usize::from(last)].push(*ending);
        }
        table
            .iter_mut()
            .for_each(|list| list.sort_by_key(|e| std::cmp::Reverse(e.len())));
        table
    });
    word.last()
        .map_or(&[], |&b| table[usize::from(b)].as_slice())
}

/// Crude stemming in place, on the UTF-8 bytes of a lower-cased word: numbers stay
/// whole, Cyrillic words lose one Russian ending, Latin words lose an English
/// inflection, then every word is cut to `MAX_STEM_CHARS` characters.
pub fn stem(word: &mut Vec<u8>) {
    if word.first().is_some_and(u8::is_ascii_digit) {
        return;
    }
    if word.is_ascii() {
        // Every character one byte: the cut below without counting them.
        stem_english_ascii(word);
        word.truncate(MAX_STEM_CHARS);
        return;
    }
    if word.iter().any(|&b| b == 0xD0 || b == 0xD1) {
        stem_russian(word);
    } else {
        stem_english(word);
    }
    let cut = char_starts(word).nth(MAX_STEM_CHARS).map(|(cut, _)| cut);
    if let Some(cut) = cut {
        word.truncate(cut);
    }
}

/// Whether `c` is a Cyrillic letter.
pub fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Strips the longest Russian ending that leaves at least [`MIN_STEM_CHARS`] letters,
/// and a reflexive `ся`/`сь` before it, so that `Москва`, `Москве` and `Москвой`
/// meet at `москв`.
fn stem_russian(word: &mut Vec<u8>) {
    for reflexive in ["ся", "сь"] {
        if word.ends_with(reflexive.as_bytes()) && char_len(word) >= MIN_STEM_CHARS + 2 {
            word.truncate(word.len() - reflexive.len());
            break;
        }
    }
    strip_first(word, endings_like(word));
}

/// Strips English inflections: possessive `s`, plurals, `-ing`, `-ed`, and a final `e`
/// (`released`, `release` → `releas`).
fn stem_english(word: &mut Vec<u8>) {
    if word.ends_with(b"ies") && word.len() > 4 {
        word.truncate(word.len() - 3);
        word.push(b'y');
    } else if word.ends_with(b"s") && !word.ends_with(b"ss") && !word.ends_with(b"us") {
        strip_first(word, &["es", "s"]);
    }
    strip_first(word, &["ing", "ed"]);
    strip_first(word, &["e"]);
}

/// [`stem_english`] of an ASCII word, whose length is its count of characters: the
/// endings matched byte by byte instead of compared as slices and counted.
fn stem_english_ascii(word: &mut Vec<u8>) {
    let cut = match word.as_slice() {
        [.., b'i', b'e', b's'] if word.len() > 4 => {
            word.truncate(word.len() - 3);
            word.push(b'y');
            0
        }
        [.., b's', b's'] | [.., b'u', b's'] => 0,
        [.., b'e', b's'] if word.len() >= MIN_STEM_CHARS + 2 => 2,
        [.., b's'] if word.len() > MIN_STEM_CHARS => 1,
        _ => 0,
    };
    word.truncate(word.len() - cut);
    let cut = match word.as_slice() {
        [.., b'i', b'n', b'g'] if word.len() >= MIN_STEM_CHARS + 3 => 3,
        [.., b'e', b'd'] if word.len() >= MIN_STEM_CHARS + 2 => 2,
        _ => 0,
    };
    word.truncate(word.len() - cut);
    if word.last() == Some(&b'e') && word.len() > MIN_STEM_CHARS {
        word.pop();
    }
}

/// Removes the first of `endings` that `word` ends with, if enough of it remains.
fn strip_first(word: &mut Vec<u8>, endings: &[&str]) {
    // Characters counted only for an ending the word has (most have none).
    let fits = |e: &&&str| {
        word.ends_with(e.as_bytes()) && char_len(word) >= MIN_STEM_CHARS + char_len(e.as_bytes())
    };
    if let Some(ending) = endings.iter().find(fits) {
        word.truncate(word.len() - ending.len());
    }
}

/// The byte offsets where characters start.
fn char_starts(word: &[u8]) -> impl Iterator<Item = (usize, &u8)> {
    word.iter()
        .enumerate()
        .filter(|(_, b)| !is_continuation(**b))
}

fn char_len(word: &[u8]) -> usize {
    word.iter().filter(|b| !is_continuation(**b)).count()
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form `stem` had before its ASCII path and the lazy count of characters.
    fn old_stem(word: &mut Vec<u8>) {
        fn strip_first(word: &mut Vec<u8>, endings: &[&str]) {
            let len = char_len(word);
            let fits = |e: &&&str| {
                word.ends_with(e.as_bytes()) && len >= MIN_STEM_CHARS + char_len(e.as_bytes())
            };
            if let Some(ending) = endings.iter().find(fits) {
                word.truncate(word.len() - ending.len());
            }
        }
        if word.first().is_some_and(u8::is_ascii_digit) {
            return;
        }
        if word.iter().any(|&b| b == 0xD0 || b == 0xD1) {
            for reflexive in ["ся", "сь"] {
                if word.ends_with(reflexive.as_bytes()) && char_len(word) >= MIN_STEM_CHARS + 2 {
                    word.truncate(word.len() - reflexive.len());
                    break;
                }
            }
            strip_first(word, endings_like(word));
        } else {
            if word.ends_with(b"ies") && word.len() > 4 {
                word.truncate(word.len() - 3);
                word.push(b'y');
            } else if word.ends_with(b"s") && !word.ends_with(b"ss") && !word.ends_with(b"us") {
                strip_first(word, &["es", "s"]);
            }
            strip_first(word, &["ing", "ed"]);
            strip_first(word, &["e"]);
        }
        let cut = char_starts(word).nth(MAX_STEM_CHARS).map(|(cut, _)| cut);
        if let Some(cut) = cut {
            word.truncate(cut);
        }
    }

    #[test]
    fn stems_match_the_old_form() {
        let pieces = [
            "a",
            "e",
            "s",
            "ie",
            "ies",
            "ing",
            "ed",
            "us",
            "ss",
            "es",
            "x",
            "1",
            "é",
            "ü",
            "ся",
            "сь",
            "ами",
            "ого",
            "а",
            "я",
            "ий",
            "ь",
            "москв",
            "ё",
            "ї",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..50_000 {
            let word: String = (0..rng.usize(1..6))
                .map(|_| pieces[rng.usize(..pieces.len())])
                .collect();
            let (mut new, mut old) = (word.clone().into_bytes(), word.clone().into_bytes());
            stem(&mut new);
            old_stem(&mut old);
            assert_eq!(new, old, "{word:?}");
        }
    }
}
