//! Kept tokens: pinned on a fixed sample, and the same clustering as tokenising
//! afresh.

use chrono::{DateTime, Duration, Utc};

use super::{TOKENS_VERSION, tokens, usable};
use crate::{
    model::StoryTokens,
    rank::{
        cluster::{Doc, Options, partition, partition_kept, partition_kept_outlets, storylines},
        text::hash,
    },
};

/// A fixed sample, English and Russian: names, numbers in digits and in words,
/// quotation marks, a decimal comma, stop words, Title Case, the lexicon's concepts.
const SAMPLE: &[(&str, &str)] = &[
    (
        "Central Bank Holds Key Rate at 16% as Inflation Eases",
        "The central bank of Lankova kept its key rate at 16 per cent on Thursday, \
         saying inflation had slowed to 7.4% in October. Governor Ilse Marr said twelve \
         members voted for the hold; NATO's summit and COVID-19 rules were not discussed.",
    ),
    (
        "First snow brings nine-point traffic jams to Velgrad",
        "Drivers in Velgrad spent hours in jams after the first snow of the season; the \
         city's schools switched to remote learning and 194,000 homes lost power.",
    ),
    (
        "Первый снег принёс девятибалльные пробки в Велграде",
        "Водители Велграда провели часы в пробках после первого снега: школы северных \
         регионов перешли на дистанционное обучение, а ЦБ сохранил ключевую ставку 16%. \
         Землетрясение магнитудой 6,6 у Камчатки, «Зенит» обыграл ЦСКА со счётом 2:1.",
    ),
];

/// The hash of the sample's kept bytes, pinned.
const PINNED: u64 = 0x6d82_f48d_7b26_25e4;

#[test]
fn the_tokenizer_output_is_pinned() {
    let mut bytes = Vec::new();
    for (title, excerpt) in SAMPLE {
        let kept = tokens(title, excerpt);
        assert_eq!(kept.version, TOKENS_VERSION);
        bytes.extend_from_slice(kept.as_bytes());
    }
    let found = hash(&bytes);
    assert_eq!(
        found, PINNED,
        "the tokenizer's output changed (now {found:#x}): stories' tokens kept in the \
         store no longer match what it makes. Bump TOKENS_VERSION in src/rank/kept.rs \
         and pin the new value here"
    );
}

/// Stories in the two scripts, on a few events over three days, with names,
/// numbers, shared words across events, and URLs (some shared, some home pages).
fn generated(n: usize) -> Vec<(String, String, String, String, DateTime<Utc>)> {
    let start = DateTime::parse_from_rfc3339("2026-11-24T00:00:00Z")
        .unwrap()
        .to_utc();
    let english = [
        "Storm {N} hits {P} coast, {K} homes without power",
        "{P} parliament votes {K} to extend military service",
        "Central bank of {P} holds rate at {K}% as inflation eases",
        "Quake of magnitude {K} strikes off {P}, no tsunami warning",
        "{P} Zenit beat {N} {K}-1 in the Cup Final",
    ];
    let russian = [
        "Шторм «{N}» обрушился на побережье {P}, {K} домов без света",
        "Парламент {P} проголосовал за продление службы: {K} голосов",
        "ЦБ {P} сохранил ставку {K}% на фоне замедления инфляции",
        "Землетрясение магнитудой {K} произошло у берегов {P}",
        "«Зенит» обыграл {N} со счётом {K}:1 в финале кубка",
    ];
    let places = ["Norway", "Velgrad", "Kamchatka", "Lankova", "Hokkaido"];
    let names = ["Ilse", "Marr", "Кудрин", "Sokol", "Моор"];
    let lede = "Officials said on {P} that the {N} decision was taken after talks; \
                водители и школы в регионе, 12 and twelve, «Зенит» and NATO.";
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    };
    (0..n)
        .map(|i| {
            let event = next(40);
            let templates = if next(5) == 0 { &russian } else { &english };
            let fill = |t: &str| {
                t.replace("{P}", places[event % places.len()])
                    .replace("{N}", names[event % names.len()])
                    .replace("{K}", &(event * 7 % 50 + 2).to_string())
            };
            let title = fill(templates[event % templates.len()]);
            let summary = if next(3) == 0 {
                String::new()
            } else {
                fill(lede)
            };
            let outlet = format!("outlet-{}", next(12));
            let url = match next(6) {
                0 => format!("https://{outlet}.example/"),
                1 => format!("https://wire.example/{event}"),
                _ => format!("https://{outlet}.example/{i}"),
            };
            let published = start + Duration::minutes((event * 97 + next(600)) as i64);
            (outlet, url, title, summary, published)
        })
        .collect()
}

fn docs(stories: &[(String, String, String, String, DateTime<Utc>)]) -> Vec<Doc<'_>> {
    stories
        .iter()
        .map(|(outlet, url, title, summary, published)| Doc {
            outlet,
            url: Some(url),
            title,
            summary,
            published: *published,
        })
        .collect()
}

/// Kept tokens as the store gives them back: through their bytes.
fn kept(docs: &[Doc<'_>]) -> Vec<StoryTokens> {
    (docs.iter())
        .map(|d| {
            let made = tokens(d.title, d.summary);
            StoryTokens::from_bytes(made.version, made.as_bytes().to_vec()).unwrap()
        })
        .collect()
}

#[test]
fn kept_tokens_cluster_exactly_as_fresh_ones() {
    // 9,000 stories: above the size at which tokenising is shared between threads.
    let stories = generated(9_000);
    let docs = docs(&stories);
    let kept = kept(&docs);
    let all: Vec<Option<&StoryTokens>> = kept.iter().map(Some).collect();
    let some: Vec<Option<&StoryTokens>> = (kept.iter().enumerate())
        .map(|(i, k)| (i % 3 != 0).then_some(k))
        .collect();
    for options in [
        Options::default(),
        Options {
            name_mismatch: 0.5,
            number_mismatch: 0.5,
            ..Options::default()
        },
    ] {
        let fresh = partition(&docs, &options);
        assert!(
            fresh.len() > 40 && fresh.len() < docs.len(),
            "{}",
            fresh.len()
        );
        assert_eq!(partition_kept(&docs, &all, &options), fresh);
        assert_eq!(partition_kept(&docs, &some, &options), fresh);
        assert_eq!(partition_kept(&docs, &all[..100], &options), fresh);
        // Outlet ids numbered otherwise (here: from the last story's outlet back).
        let mut names: Vec<&str> = docs.iter().rev().map(|d| d.outlet).collect();
        names.dedup();
        let outlets: Vec<u32> = (docs.iter())
            .map(|d| names.iter().position(|&n| n == d.outlet).unwrap() as u32)
            .collect();
        assert_eq!(
            partition_kept_outlets(&docs, &all, &outlets, &options),
            fresh
        );
    }
    let options = Options::default();
    let fresh = storylines(&docs[..3_000], &[], 20, &options);
    assert!(fresh.iter().any(|found| !found.is_empty()));
    assert_eq!(
        storylines(&docs[..3_000], &all[..3_000], 20, &options),
        fresh
    );
}

#[test]
fn tokens_of_another_version_or_lede_length_are_not_used() {
    let made = tokens("Storm Ilse hits Norway", "A lede about the storm");
    assert!(usable(&made, Options::default().summary_words));
    assert!(!usable(&made, 10));
    let older = StoryTokens::from_bytes(TOKENS_VERSION - 1, made.as_bytes().to_vec()).unwrap();
    assert!(!usable(&older, Options::default().summary_words));
    // Unusable tokens are tokenised afresh: wrong ones change nothing.
    let stories = generated(500);
    let docs = docs(&stories);
    let wrong = StoryTokens::from_bytes(TOKENS_VERSION + 1, made.as_bytes().to_vec()).unwrap();
    let all: Vec<Option<&StoryTokens>> = docs.iter().map(|_| Some(&wrong)).collect();
    let options = Options::default();
    assert_eq!(
        partition_kept(&docs, &all, &options),
        partition(&docs, &options)
    );
}
