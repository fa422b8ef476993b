//! Tests of `normalise.rs`: the forms its helpers replaced, on random text.

use std::collections::HashSet;

use super::*;

/// The old form of `title_key`: the title lower-cased into a new string.
#[test]
fn title_keys_are_model_hex_of_the_digest() {
    let old = |title: &str, date: &str| {
        let mut hasher = Sha256::new();
        hasher.update(title.to_lowercase().as_bytes());
        hasher.update([0]);
        hasher.update(date.as_bytes());
        crate::model::hex(&hasher.finalize()[..16])
    };
    let long = "Budget Plan ".repeat(20);
    for (title, date) in [
        ("", ""),
        ("Budget Plan", "1795765200"),
        ("Бюджет", "0"),
        (long.as_str(), "1"),
    ] {
        assert_eq!(title_key(title, date), old(title, date));
    }
    let mut rng = fastrand::Rng::with_seed(16);
    for _ in 0..5_000 {
        let title = random_text(&mut rng, 40);
        assert_eq!(title_key(&title, "7"), old(&title, "7"), "{title:?}");
    }
}

/// Pieces whose lower case matters: ASCII in both cases, the Kelvin sign (whose
/// lower case is ASCII `k`), dotted İ, final sigma, ß.
fn random_text(rng: &mut fastrand::Rng, pieces: usize) -> String {
    const PIECES: [&str; 14] = [
        "a", "A", "k", "K", "\u{212a}", "İ", "i", "Σ", "σ", "ß", "SS", " ", "Ж", "ж",
    ];
    (0..rng.usize(0..pieces))
        .map(|_| PIECES[rng.usize(..PIECES.len())])
        .collect()
}

/// `dedupe` and `with_lower` against the forms they replaced (a set of lower-cased
/// copies; `to_lowercase`).
#[test]
fn dedupe_and_lower_case_match_the_copying_forms() {
    let old = |values: &[String]| -> Vec<String> {
        let mut seen = HashSet::new();
        values
            .iter()
            .filter(|v| !v.is_empty() && seen.insert(v.to_lowercase()))
            .cloned()
            .collect()
    };
    let mut rng = fastrand::Rng::with_seed(17);
    for _ in 0..10_000 {
        let values: Vec<String> = (0..rng.usize(0..6))
            .map(|_| random_text(&mut rng, 3))
            .collect();
        assert_eq!(dedupe(values.iter().cloned()), old(&values), "{values:?}");
        for v in &values {
            assert_eq!(with_lower(v, str::to_owned), v.to_lowercase(), "{v:?}");
        }
    }
    let long = "A".repeat(200);
    assert_eq!(with_lower(&long, str::to_owned), long.to_lowercase());
}
