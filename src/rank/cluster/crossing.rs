//! Linking reports of one event across scripts (English ↔ Russian), without
//! translating.
//!
//! Within a script, [`super::linkage`] has already grouped the stories. Here each
//! group is described by its script-neutral keys (numbers, transliterated names:
//! `6,6` = `6.6`, `Хоккайдо` = `Hokkaido`; and the concepts of a small bilingual
//! lexicon: `snow` = `снег`), and a Latin-script group is joined to a Cyrillic one
//! when (1) they share at least two keys, one a name or a number, or else at least
//! four concepts, (2) their average key similarity, faded by the time between
//! them, reaches [`Options::cross_script_threshold`], (3) they share no outlet and
//! their titles' numbers do not disagree, and (4) each is
//! the other's best match. The last rule keeps one wrong key from pulling in a
//! look-alike event: two earthquakes on one day each find their own counterpart.

use super::{
    Doc, Options,
    candidates::fade,
    linkage::Groups,
    vectors::{Row, Tokens, Vectors},
};

/// Least number of distinct keys two groups must share, one of them a name or a
/// number: one key alone is too easily a coincidence of transliteration
/// (`Полярнефть` and `Polish` both begin `poli`), and two launches, two quakes or two
/// budgets share words of the lexicon (`orbit`, `magnitude`) without being one event.
const MIN_SHARED_KEYS: u16 = 2;

/// Without a shared name or number, this many shared concepts of the lexicon will do
/// (`schools`, `northern`, `regions`, `remote learning`: one report told twice).
const MIN_SHARED_CONCEPTS: u16 = 4;

/// What the cross-script rule knows about a group, at its root.
struct Side {
    cyrillic: bool,
    /// Members in both scripts already: such a group takes no part.
    mixed: bool,
    size: f32,
    /// Earliest publication, in seconds.
    earliest: i64,
    /// The sum of the members' key vectors, for a group of several stories.
    sum: Option<(Vec<u32>, Vec<f32>)>,
}

/// Joins mutually best-matching groups of different scripts.
pub(super) fn join_across_scripts(
    docs: &[Doc<'_>],
    tokens: &Tokens,
    groups: &mut Groups<'_>,
    options: &Options,
) {
    if options.cross_script_threshold > 1.0 || docs.is_empty() {
        return;
    }
    let cyrillic = tokens.cyrillic();
    if cyrillic.iter().all(|&c| c) || !cyrillic.iter().any(|&c| c) {
        return;
    }
    let keys = &tokens.keys(options);
    let sides = sides(docs, &cyrillic, groups, keys);
    let best = best_matches(&sides, keys, groups, options);
    for (a, b) in best.iter().enumerate() {
        let latin = sides[a].as_ref().is_some_and(|s| !s.cyrillic);
        if let Some((_, b)) = *b
            && latin
            && best[b].is_some_and(|(_, x)| x == a)
        {
            groups.union(a, b);
        }
    }
}

/// The state of every current group, at its root.
fn sides(
    docs: &[Doc<'_>],
    cyrillic: &[bool],
    groups: &mut Groups<'_>,
    keys: &Vectors,
) -> Vec<Option<Side>> {
    let roots: Vec<usize> = (0..docs.len()).map(|i| groups.find(i)).collect();
    let mut sides: Vec<Option<Side>> = (0..docs.len()).map(|_| None).collect();
    for ((doc, &root), &cyrillic) in docs.iter().zip(&roots).zip(cyrillic) {
        let at = doc.published.timestamp();
        let side = sides[root].get_or_insert(Side {
            cyrillic,
            mixed: false,
            size: 0.0,
            earliest: at,
            sum: None,
        });
        side.mixed |= side.cyrillic != cyrillic;
        side.size += 1.0;
        side.earliest = side.earliest.min(at);
    }
    let mut members: Vec<(usize, usize)> = (0..docs.len())
        .filter(|&i| sides[roots[i]].as_ref().is_some_and(|s| s.size > 1.0))
        .map(|i| (roots[i], i))
        .collect();
    members.sort_unstable();
    for group in members.chunk_by(|a, b| a.0 == b.0) {
        let rows = group.iter().map(|&(_, i)| keys.row(i));
        let sum = rows.fold((Vec::new(), Vec::new()), |(t, w), row| {
            Row {
                terms: &t,
                weights: &w,
            }
            .add(row)
        });
        if let Some(side) = sides[group[0].0].as_mut() {
            side.sum = Some(sum);
        }
    }
    sides
}

/// The summed key vector of the group rooted at `root`.
fn keys_of<'a>(sides: &'a [Option<Side>], keys: &'a Vectors, root: usize) -> Row<'a> {
    match sides[root].as_ref().and_then(|s| s.sum.as_ref()) {
        Some((terms, weights)) => Row { terms, weights },
        None => keys.row(root),
    }
}

/// For every group, its best-scoring group of the other script, if any reaches the
/// threshold: `(score, root)`, ties going to the smaller root.
fn best_matches(
    sides: &[Option<Side>],
    keys: &Vectors,
    groups: &Groups<'_>,
    options: &Options,
) -> Vec<Option<(f32, usize)>> {
    let window = options
        .chrono_window()
        .num_seconds()
        .clamp(1, i64::from(u32::MAX)) as u32;
    let common = options.common_df(sides.len());
    let pure = |root: usize| sides[root].as_ref().filter(|s| !s.mixed);
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); keys.df.len()];
    for root in 0..sides.len() {
        if pure(root).is_some_and(|s| s.cyrillic) {
            let row = keys_of(sides, keys, root);
            for &term in row.terms.iter().filter(|&&t| keys.df[t as usize] <= common) {
                postings[term as usize].push(root as u32);
            }
        }
    }
    let mut best: Vec<Option<(f32, usize)>> = vec![None; sides.len()];
    // Per group: shared names and numbers × 256 + shared concepts.
    let mut shared = vec![0u16; sides.len()];
    let mut touched = Vec::new();
    for a in 0..sides.len() {
        let Some(latin) = pure(a).filter(|s| !s.cyrillic) else {
            continue;
        };
        let row = keys_of(sides, keys, a);
        for &term in row.terms {
            for &b in &postings[term as usize] {
                if shared[b as usize] == 0 {
                    touched.push(b as usize);
                }
                let concept = keys.concept[term as usize];
                shared[b as usize] += if concept { 1 } else { 256 };
            }
        }
        for b in touched.drain(..) {
            let counts = std::mem::take(&mut shared[b]);
            let (named, concepts) = (counts >> 8, counts & 0xFF);
            let enough = (named >= 1 && named + concepts >= MIN_SHARED_KEYS)
                || concepts >= MIN_SHARED_CONCEPTS;
            let Some(other) = sides[b].as_ref().filter(|_| enough) else {
                continue;
            };
            // Across scripts names and numbers are most of the evidence: numbers
            // that disagree (5.8 and 5.2 quakes) keep the groups apart.
            if groups.share_outlet(a, b) || groups.numbers_disagree(a, b) {
                continue;
            }
            let apart = (latin.earliest - other.earliest)
                .unsigned_abs()
                .min(u64::from(u32::MAX));
            let score = row.dot(keys_of(sides, keys, b)) / (latin.size * other.size)
                * fade(apart as u32, window);
            if score >= options.cross_script_threshold {
                offer(&mut best[a], score, b);
                offer(&mut best[b], score, a);
            }
        }
    }
    best
}

/// Keeps the better of the current best and `(score, root)`.
fn offer(best: &mut Option<(f32, usize)>, score: f32, root: usize) {
    let better = best.is_none_or(|(s, r)| score > s || (score == s && root < r));
    if better {
        *best = Some((score, root));
    }
}
