//! The candidates' deterministic order: newest first, then by id, then by input
//! order, and which candidates repeat one (instant, id).
//!
//! 100,000 candidates come in whatever order the store returned, so this is a full
//! sort. The instant is one 64-bit key (seconds after the newest inverted, then
//! nanoseconds inverted), sorted by a stable radix sort that skips the bytes all
//! keys share; only candidates tied on the instant compare their ids (the first
//! eight bytes as an integer, then the whole ids). A window wider than the key
//! holds (272 years) is sorted by comparison instead, to the same order.

use chrono::{DateTime, Utc};

/// Bits the nanoseconds take in the key (they reach 1,999,999,999 in a leap
/// second).
const NANO_BITS: u32 = 31;

/// The positions of the candidates (published at `published`, with ids `ids` whose
/// first eight bytes are `prefixes` ([`super::super::filter::prefix`]), by input
/// position) in sorted order, and for each sorted position the first one with
/// the same instant and id (itself, unless ids repeat).
pub(super) fn order<'a>(
    published: &[DateTime<Utc>],
    prefixes: &[u64],
    ids: impl Fn(u32) -> &'a str,
) -> (Vec<u32>, Vec<u32>) {
    let newest = published.iter().map(|p| p.timestamp()).max().unwrap_or(0);
    let oldest = published.iter().map(|p| p.timestamp()).min().unwrap_or(0);
    let fits = newest.abs_diff(oldest) < 1 << (64 - NANO_BITS);
    let key = |p: &DateTime<Utc>| match fits {
        true => {
            let nanos = u64::from((1u32 << NANO_BITS) - 1 - p.timestamp_subsec_nanos());
            newest.abs_diff(p.timestamp()) << NANO_BITS | nanos
        }
        false => 0,
    };
    let mut keyed: Vec<(u64, u32)> = (published.iter().enumerate())
        .map(|(at, p)| (key(p), at as u32))
        .collect();
    match fits {
        true => radix_sort(&mut keyed),
        // Newest first, stably: input order stays among equal instants.
        false => keyed.sort_by_key(|&(_, at)| std::cmp::Reverse(published[at as usize])),
    }
    let same_instant = |x: &(u64, u32), y: &(u64, u32)| match fits {
        true => x.0 == y.0,
        false => published[x.1 as usize] == published[y.1 as usize],
    };
    let prefix = |at: u32| prefixes[at as usize];
    let mut k = 0;
    while k < keyed.len() {
        let tied = (keyed[k..].iter())
            .take_while(|x| same_instant(x, &keyed[k]))
            .count();
        if tied > 1 {
            keyed[k..k + tied].sort_unstable_by(|a, b| {
                (prefix(a.1).cmp(&prefix(b.1)))
                    .then_with(|| ids(a.1).cmp(ids(b.1)))
                    .then(a.1.cmp(&b.1))
            });
        }
        k += tied;
    }
    let mut first = Vec::with_capacity(keyed.len());
    for k in 0..keyed.len() {
        let tied = k > 0
            && same_instant(&keyed[k - 1], &keyed[k])
            && prefix(keyed[k - 1].1) == prefix(keyed[k].1)
            && ids(keyed[k - 1].1) == ids(keyed[k].1);
        first.push(if tied { first[k - 1] } else { k as u32 });
    }
    (keyed.into_iter().map(|(_, at)| at).collect(), first)
}

/// Sorts `items` by their key, stably, a byte at a time from the lowest, skipping
/// the bytes every key shares.
fn radix_sort(items: &mut Vec<(u64, u32)>) {
    let mut counts = [[0usize; 256]; 8];
    for &(key, _) in items.iter() {
        for (byte, count) in counts.iter_mut().enumerate() {
            count[(key >> (8 * byte)) as usize & 0xFF] += 1;
        }
    }
    let mut spare = vec![(0u64, 0u32); items.len()];
    for (byte, count) in counts.iter_mut().enumerate() {
        if count.contains(&items.len()) {
            continue;
        }
        let mut start = 0;
        for slot in count.iter_mut() {
            (*slot, start) = (start, start + *slot);
        }
        for &item in items.iter() {
            let slot = &mut count[(item.0 >> (8 * byte)) as usize & 0xFF];
            spare[*slot] = item;
            *slot += 1;
        }
        std::mem::swap(items, &mut spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_then_by_id_then_input_order_whatever_the_keys_span() {
        let at = |secs: i64, nanos: u32| DateTime::from_timestamp(secs, nanos).unwrap();
        let ids = ["b", "a", "b", "c", "abcdefghz", "abcdefgha", "b"];
        for base in [0, 1_700_000_000, -40_000_000_000] {
            let mut published = vec![
                at(base + 5, 0),
                at(base + 5, 0),
                at(base + 5, 0),
                at(base + 9, 7),
                at(base + 5, 0),
                at(base + 5, 0),
                at(base + 9, 8),
            ];
            if base < 0 {
                // Wider than the key holds: the comparison sort.
                published.push(at(9_000_000_000, 0));
            }
            let mut ids: Vec<&str> = ids.to_vec();
            ids.resize(published.len(), "z");
            let prefixes: Vec<u64> = ids
                .iter()
                .map(|id| crate::rank::filter::prefix(id))
                .collect();
            let (positions, first) = order(&published, &prefixes, |at| ids[at as usize]);
            let mut expected: Vec<u32> = (0..published.len() as u32).collect();
            expected.sort_by(|&x, &y| {
                let (x, y) = (x as usize, y as usize);
                (published[y].cmp(&published[x]))
                    .then(ids[x].cmp(ids[y]))
                    .then(x.cmp(&y))
            });
            assert_eq!(positions, expected);
            let repeats = (1..first.len()).filter(|&k| first[k] != k as u32).count();
            assert_eq!(repeats, 1, "the second `b` at base + 5 repeats the first");
        }
    }
}
