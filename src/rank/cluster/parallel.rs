//! Sharing independent work between threads, deterministically.
//!
//! Only large inputs are split (starting threads costs more than small work), into
//! one part per core (at most [`MAX_THREADS`]). Results come back in input order, so
//! they never depend on the number of threads or on scheduling.

use std::ops::Range;

/// Below this many stories one thread is faster than starting several.
const PARALLEL_FROM: usize = 8192;

/// At most this many threads.
const MAX_THREADS: usize = 4;

/// `0..len` cut into one contiguous range per thread to use (one empty range when
/// `len` is 0).
pub(super) fn ranges(len: usize) -> Vec<Range<usize>> {
    if len == 0 {
        return std::iter::once(0..0).collect();
    }
    let threads = if len < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    };
    let size = len.div_ceil(threads).max(1);
    (0..len)
        .step_by(size)
        .map(|start| start..(start + size).min(len))
        .collect()
}

/// `f` applied to every item, one thread per item beyond the first, results in
/// order.
pub(super) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    match items {
        [] => Vec::new(),
        [only] => vec![f(only)],
        [first, rest @ ..] => std::thread::scope(|scope| {
            let f = &f;
            let handles: Vec<_> = rest
                .iter()
                .map(|item| scope.spawn(move || f(item)))
                .collect();
            let mut results = vec![f(first)];
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("workers do not panic")),
            );
            results
        }),
    }
}

/// Two runs sorted by `order`, as one (from `x` first among equals).
pub(in crate::rank) fn merge_sorted<T>(
    x: Vec<T>,
    y: Vec<T>,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    if x.is_empty() || y.is_empty() {
        return if x.is_empty() { y } else { x };
    }
    let mut all = Vec::with_capacity(x.len() + y.len());
    let (mut x, mut y) = (x.into_iter().peekable(), y.into_iter().peekable());
    while let (Some(a), Some(b)) = (x.peek(), y.peek()) {
        let next = match order(a, b).is_le() {
            true => x.next(),
            false => y.next(),
        };
        all.extend(next);
    }
    all.extend(x);
    all.extend(y);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_runs_merge_to_one_sort_of_them_all() {
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..500 {
            let runs: Vec<Vec<(u8, u16)>> = (0..rng.usize(1..5))
                .map(|_| {
                    let mut run: Vec<(u8, u16)> = (0..rng.usize(0..40))
                        .map(|_| (rng.u8(0..8), rng.u16(..)))
                        .collect();
                    run.sort_unstable();
                    run
                })
                .collect();
            let mut expected = runs.concat();
            expected.sort_unstable();
            let merged = (runs.into_iter())
                .reduce(|x, y| merge_sorted(x, y, Ord::cmp))
                .unwrap_or_default();
            assert_eq!(merged, expected);
        }
    }
}
