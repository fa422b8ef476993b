//! The tokenizer's terms, keys and numbers.

use super::*;

#[test]
fn russian_case_forms_meet() {
    let forms = term_strings("Москва Москве Москвой Москву");
    assert!(forms.iter().all(|f| f == &forms[0]), "{forms:?}");
    assert_eq!(term_strings("Россия России"), ["росс", "росс"]);
}

#[test]
fn english_inflections_meet() {
    assert_eq!(
        term_strings("releases released"),
        term_strings("release releasing")
    );
    assert_eq!(term_strings("Biden’s"), term_strings("Biden"));
}

#[test]
fn stop_words_and_numbers() {
    assert_eq!(
        term_strings("The vote in 2026: 9709 cases"),
        ["vot", "2026", "9709", "cas"]
    );
    assert_eq!(
        term_strings("магнитудой 6,6 / 6.6, 5.6"),
        ["магниту", "6.6", "6.6", "5.6"]
    );
    assert_eq!(term_strings("COVID-19 и Ма’хия"), ["covid", "19", "мах"]);
}

#[test]
fn names_meet_across_scripts() {
    let key_of = |text: &str| {
        let (mut terms, mut keys, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
        Tokenizer::default().tokenise(text, usize::MAX, &mut terms, &mut keys, &mut numbers);
        keys
    };
    assert_eq!(key_of("Хоккайдо"), key_of("Hokkaido"));
    assert_eq!(key_of("у Камчатки"), key_of("off Kamchatka"));
    assert_eq!(key_of("шторм «Ильзе»"), key_of("Storm Ilse")[1..]);
    assert_eq!(key_of("магнитудой 6,6"), key_of("magnitude 6.6"));
    assert_eq!(key_of("девять"), key_of("9"));
    assert_ne!(key_of("6,6"), key_of("5.6"));
    assert_ne!(key_of("Москве"), key_of("Hokkaido"));
}

#[test]
fn numbers_are_their_significant_digits_and_names_hold_none() {
    let numbers_of = |text: &str| {
        let (mut terms, mut keys, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
        Tokenizer::default().tokenise(text, usize::MAX, &mut terms, &mut keys, &mut numbers);
        numbers
    };
    assert_eq!(numbers_of("194,000 jobs"), numbers_of("194K jobs"));
    assert_eq!(numbers_of("minus 25C"), numbers_of("25 degrees"));
    assert_ne!(numbers_of("94 deaths"), numbers_of("98 deaths"));
    assert!(numbers_of("COVID-19 after 9/11, Sokol-5").is_empty());
    assert_eq!(numbers_of("a 16-year-old").len(), 1);
}

#[test]
fn the_tail_is_the_zero_padded_remainder() {
    let bytes: Vec<u8> = (1..=8).map(|b| b * 0x1F).collect();
    for n in 0..8 {
        let mut padded = [0u8; 8];
        padded[..n].copy_from_slice(&bytes[..n]);
        assert_eq!(tail(&bytes[..n]), u64::from_le_bytes(padded), "{n} bytes");
    }
}

#[test]
fn terms_stop_at_the_limit() {
    let (mut terms, mut keys, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
    Tokenizer::default().tokenise(
        "the alpha beta gamma",
        2,
        &mut terms,
        &mut keys,
        &mut numbers,
    );
    let expected: Vec<u64> = term_strings("alpha beta")
        .iter()
        .map(|t| hash(t.as_bytes()))
        .collect();
    assert_eq!(terms, expected);
}

#[test]
fn russian_adjective_forms_meet() {
    assert_eq!(term_strings("сладкого"), term_strings("сладких"));
    assert_eq!(term_strings("новую"), term_strings("новым"));
    assert_eq!(term_strings("режим"), term_strings("режиме"));
}

#[test]
fn cases_tell_words_capitalised_inside_sentences() {
    let mut tokenizer = Tokenizer::tracking_cases();
    let (mut terms, mut keys, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
    let mut cases_of = |text: &str| {
        tokenizer.tokenise(text, usize::MAX, &mut terms, &mut keys, &mut numbers);
        tokenizer.cases().to_vec()
    };
    use Case::{Capital, Initial, Lower, Unknown};
    assert_eq!(
        cases_of("Омичи обсудили парк в Омске. Парк ВОЗ и 12 домов"),
        [
            Initial, Lower, Lower, Capital, Initial, Capital, Unknown, Lower
        ]
    );
    // Title Case says nothing of names, but an all-lower-case word still counts.
    assert_eq!(
        cases_of("Biden Moves To Extend Key Parts of relief"),
        [Initial, Unknown, Unknown, Unknown, Unknown, Lower]
    );
    // A lower-case adjective made from a name is no evidence against the name,
    // which it stems with (`минскими`, `Минске`); other adjectives are.
    assert_eq!(
        cases_of("Жители в Минске с минскими и новыми"),
        [Initial, Capital, Unknown, Lower]
    );
}

#[test]
fn units_are_the_terms_after_numbers() {
    let mut tokenizer = Tokenizer::default().tracking_units();
    let (mut terms, mut keys, mut numbers) = (Vec::new(), Vec::new(), Vec::new());
    let text = "Поиски 26-летнего и 94 человека, COVID-19 и 1,7";
    tokenizer.tokenise(text, usize::MAX, &mut terms, &mut keys, &mut numbers);
    let term = |word: &str| hash(term_strings(word)[0].as_bytes());
    let units: Vec<(u64, u64)> = tokenizer.units().to_vec();
    // `19` is part of a name, not a figure; the last number has nothing after it.
    assert_eq!(numbers.len(), 3);
    assert_eq!(
        units,
        [(26, term("летнего")), (94, term("человека")), (17, 0)]
    );
    assert_eq!(term("человека"), term("человек"));
    // Without tracking, nothing is noted.
    let mut plain = Tokenizer::default();
    plain.tokenise(text, usize::MAX, &mut terms, &mut keys, &mut numbers);
    assert!(plain.units().is_empty());
}
