//! The merge rule's short cut against the full linkage.

use super::*;
use crate::rank::cluster::{candidates, outlet_ids, vectors::Tokens};

#[test]
fn the_rule_refuses_without_a_dot_product_only_what_the_full_linkage_refuses() {
    // Look-alike headlines with a count of talks each (disagreeing counts of one
    // thing zero the linkage by default), over more than an event span.
    let mut rng = fastrand::Rng::with_seed(5);
    let syllables = ["ka", "lo", "mi", "ru", "te", "sa", "no", "vi"];
    let words: Vec<String> = (0..64)
        .map(|w| format!("{}{}", syllables[w / 8], syllables[w % 8]))
        .collect();
    let texts: Vec<(String, String)> = (0..900)
        .map(|i| {
            let event = i / 4;
            let word = |k: usize| words[(event * 7 + k * 13 + (i % 4) * (k / 3)) % 64].as_str();
            let title = format!(
                "{} {} {} {} after {} talks",
                word(0),
                word(1),
                word(2),
                word(3),
                rng.u8(2..5)
            );
            (title, format!("{} {} and {}", word(4), word(1), word(5)))
        })
        .collect();
    let outlets: Vec<String> = (0..60).map(|o| format!("outlet {o}")).collect();
    let docs: Vec<Doc<'_>> = (texts.iter().enumerate())
        .map(|(i, (title, summary))| Doc {
            outlet: &outlets[i % outlets.len()],
            url: None,
            title,
            summary,
            published: chrono::DateTime::UNIX_EPOCH + chrono::Duration::minutes(i as i64 * 5),
        })
        .collect();
    let options = Options::default();
    let tokens = Tokens::kept(&docs, &[], &options);
    let vectors = tokens.terms();
    let outlet_of = outlet_ids(&docs);
    let edges = candidates::edges(&docs, &outlet_of, &vectors, &options);
    let (numbers, units) = (tokens.numbers(), tokens.units());
    let (cyrillic, names) = (tokens.cyrillic(), Names::new(&tokens));
    let outlook = vec![0u8; docs.len()];
    let groups = || {
        let evidence = Evidence {
            numbers: &numbers,
            units: &units,
            names: &names,
            cyrillic: &cyrillic,
            outlook: &outlook,
        };
        Groups::new(&docs, &outlet_of, &vectors, evidence)
    };
    // Every edge's rule against the full linkage, with no refusal remembered.
    let mut full = groups();
    let (mut short_cuts, mut merges) = (0, 0);
    for edge in &edges {
        let (a, b) = (full.find(edge.a as usize), full.find(edge.b as usize));
        if a == b {
            continue;
        }
        let bar = match full.share_outlet(a, b) {
            true => options.same_outlet_threshold,
            false => options.threshold,
        };
        let reached = full.linkage(a, b, &options) >= bar;
        assert_eq!(full.reaches(a, b, &options, bar), reached);
        short_cuts += usize::from(full.factors(a, b, &options).contains(&0.0));
        if reached {
            full.union(a, b);
            merges += 1;
        }
    }
    assert!(short_cuts > 100 && merges > 100, "{short_cuts} {merges}");
    let mut rule = groups();
    rule.join_similar(&edges, &options);
    assert_eq!(full.into_partition(), rule.into_partition());
}
